# METADATA
# title: Pod Identity Agent missing
# description: >-
#   Pod Identity associations are declared (ACK or Crossplane
#   PodIdentityAssociation, eksctl ClusterConfig iam.podIdentityAssociations),
#   or workloads use Pod Identity, but no `eks-pod-identity-agent` DaemonSet is
#   in kube-system. Reported only when kube-system is in scope (at least one
#   object of namespace kube-system, such as a DaemonSet or ServiceAccount, is
#   in the context), once per reviewed association object or workload. The
#   agent counts as present when the context holds its DaemonSet, an eksctl
#   ClusterConfig that lists the eks-pod-identity-agent addon or enables Auto
#   Mode (the agent is built in), or an ACK or Crossplane Addon for it. An
#   Auto Mode cluster created by other means has no agent DaemonSet and should
#   exclude this rule. Associations that target another cluster than the one
#   scanned are not distinguished.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
#   - https://docs.aws.amazon.com/eks/latest/eksctl/pod-identity-associations.html
# custom:
#   id: PA403
#   name: pod-identity-agent-missing
#   severity: high
#   category: pod-identity
#   reviews: [PodIdentityAssociation, ClusterConfig, workloads]
#   looks_up: [Addon, DaemonSet, ServiceAccount, PodIdentityAssociation, ClusterConfig]
#   why: >-
#     EKS Pod Identity works through an EKS add-on that installs an agent
#     DaemonSet; the agent hands out the credentials. Without it, associations
#     grant nothing: the SDK's container provider cannot reach the agent
#     address and the workload fails to get credentials, or falls back to the
#     node role.
#   remediation: >-
#     Install the EKS Pod Identity Agent add-on (`aws eks create-addon
#     --cluster-name <cluster> --addon-name eks-pod-identity-agent` or `eksctl
#     create addon --cluster <cluster> --name eks-pod-identity-agent`) and make
#     sure the node role has eks-auth:AssumeRoleForPodIdentity
#     (AmazonEKSWorkerNodePolicy), or use IRSA instead.
package podauth.rules.PA403

import data.podauth.lib.identity
import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

agent_missing if {
	data.podauth.lib.identity.kube_system_in_scope
	not data.podauth.lib.identity.agent_present
}

deny contains result.finding(ref, association_path(obj, entries), msg) if {
	agent_missing
	some ref, entries in data.podauth.lib.k8s.reviewed_associations
	obj := data.podauth.lib.objects.review[ref]
	msg := sprintf("%s %q declares an EKS Pod Identity association, but no eks-pod-identity-agent DaemonSet runs in kube-system, so the role is never handed to pods", [obj.kind, k8s.name(obj)])
}

deny contains result.finding(ref, use.path, msg) if {
	agent_missing
	some ref, use in data.podauth.lib.identity.pod_identity_pods
	msg := sprintf("%s %q uses EKS Pod Identity (%s), but no eks-pod-identity-agent DaemonSet runs in kube-system, so it gets no credentials", [use.pod.object.kind, k8s.name(use.pod.object), use.how])
}

# One finding per object: an eksctl ClusterConfig is reported at its list.
association_path(obj, entries) := "iam.podIdentityAssociations" if {
	obj.kind == "ClusterConfig"
} else := entries[0].path
