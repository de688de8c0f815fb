# METADATA
# title: Lookup indexes, built once
# description: >-
#   Every lookup index that depends on the context and parameters alone, by
#   name. The CLI evaluates `index` once per run over the whole context and
#   passes it as `input.lookups` to each shard (see policies/src/engine.rs), so
#   the shards read these indexes instead of rebuilding them; each index reads
#   its entry of `data.podauth.lib.objects.prebuilt` (its key here) before
#   building itself. Admission engines never pass it.
# scope: package
package podauth.lib.lookups

index := {
	"service_accounts": data.podauth.lib.k8s.service_accounts,
	"namespaces": data.podauth.lib.k8s.namespaces,
	"secrets": data.podauth.lib.k8s.secrets,
	"config_maps": data.podauth.lib.k8s.config_maps,
	"namespaces_with_service_accounts": data.podauth.lib.k8s.namespaces_with_service_accounts,
	"daemon_sets": data.podauth.lib.k8s.daemon_sets,
	"pod_identity_associations": data.podauth.lib.k8s.pod_identity_associations,
	"irsa_keys": data.podauth.lib.k8s.irsa_keys,
	"iam_roles": data.podauth.lib.iam.roles,
	"untrusting_irsa": data.podauth.lib.iam.untrusting_irsa,
	"context_identities": data.podauth.lib.iam.context_identities,
	"context_role_users": data.podauth.lib.iam.context_role_users,
	"kube_system_in_scope": data.podauth.lib.identity.kube_system_in_scope,
	"agent_present": data.podauth.lib.identity.agent_present,
	"eso_targets": data.podauth.lib.facts.eso_targets,
	"eso_secret_keys": data.podauth.lib.facts.eso_secret_keys,
	"secret_provider_classes": data.podauth.lib.secrets.secret_provider_classes,
	"eksctl_irsa_keys": data.podauth.lib.k8s.eksctl_irsa_keys,
}
