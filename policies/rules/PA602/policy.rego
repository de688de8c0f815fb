# METADATA
# title: ExternalSecret never refreshed
# description: >-
#   An ExternalSecret (or the externalSecretSpec of a ClusterExternalSecret)
#   is never re-read from AWS after it is created: `refreshPolicy: CreatedOnce`,
#   `refreshPolicy: OnChange` (only spec or metadata edits trigger a sync), or the
#   default `Periodic` policy with a zero `refreshInterval` ("0", "0s", "0m",
#   "0h0m0s", ...: any Go duration whose segments are all zero). A missing
#   refreshInterval defaults to 1h and is fine. OnChange is reported as well as
#   CreatedOnce because a rotation in AWS does not change the ExternalSecret, so
#   it never reaches the cluster either.
# scope: package
# related_resources:
#   - https://external-secrets.io/latest/api/externalsecret/
#   - https://external-secrets.io/latest/guides/ownership-deletion-policy/
#   - https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html
# custom:
#   id: PA602
#   name: external-secret-never-refreshed
#   severity: low
#   category: secrets
#   reviews: [ExternalSecret, ClusterExternalSecret]
#   why: >-
#     External Secrets Operator's value is automatic synchronization and
#     support for automatic secret rotation: it still distributes static
#     credentials, so they must at least follow rotation. With no periodic
#     refresh the Kubernetes Secret keeps the value fetched at creation; after
#     AWS rotates the secret, pods keep using a stale (and eventually revoked)
#     credential.
#   remediation: >-
#     Remove refreshPolicy (or set it to Periodic) and set refreshInterval to a
#     non-zero duration such as 1h, or leave it unset for the 1h default.
package podauth.rules.PA602

import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result
import data.podauth.lib.secrets

# Where each kind keeps its ExternalSecret spec.
spec_path := {
	"ExternalSecret": ["spec"],
	"ClusterExternalSecret": ["spec", "externalSecretSpec"],
}

no_refresh_policies := {
	"CreatedOnce": "creates the Secret once and never updates it",
	"OnChange": "only syncs when the ExternalSecret itself changes",
}

external_secrets contains {"ref": ref, "obj": obj, "spec": spec, "path": path} if {
	some ref, obj in data.podauth.lib.objects.review
	path := spec_path[obj.kind]
	secrets.is_eso(obj, {"ExternalSecret", "ClusterExternalSecret"})
	spec := object.get(obj, path, null)
	is_object(spec)
}

deny contains result.finding(es.ref, k8s.path(array.concat(es.path, ["refreshPolicy"])), msg) if {
	some es in external_secrets
	what := no_refresh_policies[es.spec.refreshPolicy]
	msg := sprintf("%s %q sets refreshPolicy %s, which %s: rotated AWS secrets never reach the cluster", [es.obj.kind, k8s.name(es.obj), es.spec.refreshPolicy, what])
}

deny contains result.finding(es.ref, k8s.path(array.concat(es.path, ["refreshInterval"])), msg) if {
	some es in external_secrets
	periodic(es.spec)
	secrets.zero_duration(es.spec.refreshInterval)
	msg := sprintf("%s %q sets refreshInterval %v, so the Secret is fetched once and rotated AWS secrets never reach the cluster", [es.obj.kind, k8s.name(es.obj), es.spec.refreshInterval])
}

# Periodic is the default policy.
periodic(spec) if not spec.refreshPolicy

periodic(spec) if spec.refreshPolicy == "Periodic"
