# METADATA
# title: External Secrets object uses a removed API version
# description: >-
#   An ExternalSecret, ClusterExternalSecret, SecretStore or ClusterSecretStore
#   is written as `external-secrets.io/v1beta1`, which External Secrets Operator
#   stopped serving in v0.17.0 (v0.16 serves both and stores `v1`). The older
#   `external-secrets.io/v1alpha1` ExternalSecret, SecretStore and
#   ClusterSecretStore, removed even earlier, are reported too. Kinds that are
#   still `v1alpha1` today (PushSecret) and the generator API group are not
#   matched.
# scope: package
# related_resources:
#   - https://github.com/external-secrets/external-secrets/releases/tag/v0.17.0
#   - https://github.com/external-secrets/external-secrets/issues/4633
#   - https://external-secrets.io/latest/api/externalsecret/
# custom:
#   id: PA603
#   name: external-secrets-deprecated-api
#   severity: low
#   category: secrets
#   reviews: [ExternalSecret, ClusterExternalSecret, SecretStore, ClusterSecretStore]
#   why: >-
#     External Secrets Operator is an additional operator to maintain: once it
#     is upgraded past v0.16 the API server rejects v1beta1 manifests, so the
#     store or ExternalSecret is never (re)applied and the automatic
#     synchronization and rotation it provides silently stop for that workload.
#   remediation: >-
#     Change apiVersion to external-secrets.io/v1 (the fields are unchanged
#     from v1beta1) before upgrading the operator to v0.17 or later; for
#     v1alpha1 objects also port the spec to the v1 schema.
package podauth.rules.PA603

import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result
import data.podauth.lib.secrets

# Removed version -> the kinds it covered.
removed_versions := {
	"v1beta1": {"ExternalSecret", "ClusterExternalSecret", "SecretStore", "ClusterSecretStore"},
	"v1alpha1": {"ExternalSecret", "SecretStore", "ClusterSecretStore"},
}

# Built once, not per object.
checked_kinds := {"ExternalSecret", "ClusterExternalSecret", "SecretStore", "ClusterSecretStore"}

deny contains result.finding(ref, "apiVersion", msg) if {
	some ref, obj in data.podauth.lib.objects.review
	checked_kinds[obj.kind]
	secrets.is_eso(obj, data.podauth.lib.secrets.eso_kinds)
	v := secrets.version(obj.apiVersion)
	removed := removed_versions[v]
	removed[obj.kind]
	msg := sprintf("%s %q uses apiVersion %s, which External Secrets Operator no longer serves (v1beta1 since v0.17.0); use external-secrets.io/v1", [obj.kind, k8s.name(obj), obj.apiVersion])
}
