# METADATA
# title: Static credentials shadow the workload identity
# description: >-
#   A container whose ServiceAccount is bound to an IAM role with IRSA or EKS Pod
#   Identity also receives static keys: AWS_ACCESS_KEY_ID or
#   AWS_SECRET_ACCESS_KEY as a non-empty literal or from valueFrom, or through
#   envFrom a Secret or ConfigMap in the context that has such a key (envFrom
#   `prefix` applied; an env entry overrides an envFrom key of the same name).
#   Every AWS SDK's default chain reads environment keys before web identity
#   and container credentials, so the workload identity is silently unused. A
#   lone key is reported too: the SDKs then either fail (botocore raises
#   PartialCredentialsError) or skip the provider, neither of which is
#   intended. envFrom sources that are not in the context are not guessed at.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
# custom:
#   id: PA305
#   name: static-credentials-shadow-workload-identity
#   severity: high
#   category: credentials
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, ServiceAccount, Secret, ConfigMap, PodIdentityAssociation, ClusterConfig]
#   why: >-
#     IRSA and EKS Pod Identity rank first for security: pod-specific,
#     short-lived credentials with automatic rotation. Static credentials rank
#     fifth: long-lived, manually rotated and prone to leakage. When both are
#     present the SDK takes the static keys, so the workload runs with the
#     weaker credential while the manifests suggest it uses its role.
#   remediation: >-
#     Remove AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)
#     from the container's env and envFrom sources, grant the workload's role
#     the permissions the keys had, then deactivate and delete the IAM user's
#     access keys.
#   migration: >-
#     From static credentials: migrate to IRSA or EKS Pod Identity
#     (`kubectl podauth migrate`).
package podauth.rules.PA305

import data.podauth.lib.facts
import data.podauth.lib.k8s
import data.podauth.lib.result

static_key_names := {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}

deny contains result.finding(c.ref, facts.item_path(c, items[0]), msg) if {
	some c in data.podauth.lib.k8s.containers
	method := workload_identity(c.pod)
	env := facts.env_of(c)
	items := [env[n] | some n in static_key_names; env[n].set]
	count(items) > 0
	names := concat(", ", [i.name | some i in items])
	msg := sprintf("%s %q container %q gets static AWS keys (%s) although ServiceAccount %q uses %s; the SDK credential chain takes the static keys first, so %s is silently unused", [
		c.pod.object.kind, k8s.name(c.pod.object), c.name, names, c.pod.service_account, method, method,
	])
}

# The webhook injects Pod Identity when a ServiceAccount has both.
workload_identity(pod) := "EKS Pod Identity" if {
	data.podauth.lib.k8s.pod_identity_keys[pod.sa_key]
} else := "IRSA" if {
	data.podauth.lib.k8s.irsa_keys[pod.sa_key]
}
