# METADATA
# title: Pod Identity on Fargate or Windows
# description: >-
#   A workload uses EKS Pod Identity (its ServiceAccount has an association in
#   the context, or a container points AWS_CONTAINER_CREDENTIALS_FULL_URI at the
#   agent) but targets a node type Pod Identity does not support. Fargate: the
#   pod label `eks.amazonaws.com/fargate-profile` (set on pods Fargate runs), or
#   a nodeSelector or required node affinity on `eks.amazonaws.com/compute-type:
#   fargate`. Windows: a nodeSelector or required node affinity on
#   `kubernetes.io/os: windows` (or `beta.kubernetes.io/os`). The Pod Identity
#   Agent is a DaemonSet on Linux EC2 nodes; Fargate runs no DaemonSets and
#   Windows nodes get no agent, so the SDK finds no credentials at the agent
#   address. Pods placed on Fargate only by a Fargate profile's namespace and
#   label selectors are not detected.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/fargate.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
# custom:
#   id: PA402
#   name: pod-identity-unsupported-node
#   severity: high
#   category: pod-identity
#   reviews: [workloads]
#   looks_up: [ServiceAccount, PodIdentityAssociation, ClusterConfig]
#   why: >-
#     EKS Pod Identity runs an agent DaemonSet on the worker nodes and is
#     available on Linux EC2 nodes only. On Fargate (which has no instance
#     metadata and runs no DaemonSets) and on Windows the workload gets no
#     credentials from the association; IRSA, which needs no DaemonSet, is the
#     supported way to give such pods a role.
#   remediation: >-
#     Use IRSA for this workload: annotate its ServiceAccount with
#     eks.amazonaws.com/role-arn, give the role an OIDC trust policy for the
#     ServiceAccount, and delete the Pod Identity association. Alternatively run
#     the workload on Linux EC2 nodes.
#   migration: >-
#     Between IRSA and Pod Identity: on Fargate and Windows only IRSA applies
#     (`kubectl podauth migrate --to irsa`).
package podauth.rules.PA402

import data.podauth.lib.identity
import data.podauth.lib.k8s
import data.podauth.lib.result

deny contains result.finding(ref, target.path, msg) if {
	some ref, use in data.podauth.lib.identity.pod_identity_pods
	target := unsupported_target(use.pod)
	msg := sprintf("%s %q uses EKS Pod Identity (%s) but targets %s, where Pod Identity is not available; use IRSA", [use.pod.object.kind, k8s.name(use.pod.object), use.how, target.what])
}

fargate_label := "eks.amazonaws.com/fargate-profile"

compute_type := "eks.amazonaws.com/compute-type"

os_labels := ["kubernetes.io/os", "beta.kubernetes.io/os"]

unsupported_target(pod) := {
	"path": k8s.child(pod.metadata_path, ["labels", fargate_label]),
	"what": sprintf("Fargate (label %s=%v)", [fargate_label, k8s.labels(pod.metadata)[fargate_label]]),
} if {
	k8s.labels(pod.metadata)[fargate_label]
} else := {
	"path": placement_path(pod, compute_type),
	"what": sprintf("Fargate (%s=fargate)", [compute_type]),
} if {
	identity.requires_node_label(pod.spec, compute_type, "fargate")
} else := {
	"path": placement_path(pod, key),
	"what": sprintf("Windows nodes (%s=windows)", [key]),
} if {
	keys := [k | some k in os_labels; identity.requires_node_label(pod.spec, k, "windows")]
	count(keys) > 0
	key := keys[0]
}

# The nodeSelector entry when there is one, else the required node affinity.
placement_path(pod, key) := k8s.child(pod.spec_path, ["nodeSelector", key]) if {
	pod.spec.nodeSelector[key]
} else := k8s.child(pod.spec_path, ["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"])
