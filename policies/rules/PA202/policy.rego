# METADATA
# title: Host network exposes the node IAM role
# description: >-
#   A pod or pod template sets `hostNetwork: true`. In the node's network
#   namespace the pod reaches the instance metadata service directly, so an IMDS
#   hop limit of 1 does not stop it from taking the node role's credentials.
#   Known node agents in kube-system are exempt (the DaemonSet, or a Pod owned by
#   it): aws-node, kube-proxy, eks-pod-identity-agent, ebs-csi-node,
#   efs-csi-node, the Secrets Store CSI driver (csi-secrets-store,
#   secrets-store-csi-driver and its default Helm name) and the ASCP provider
#   (csi-secrets-store-provider-aws and its default Helm names). Names match
#   exactly; the same names elsewhere than kube-system are reported.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html
#   - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/
# custom:
#   id: PA202
#   name: host-network-exposes-node-role
#   severity: high
#   category: node-role
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   why: >-
#     The node IAM role is shared by every pod that can reach the metadata
#     service: coarse-grained permissions that follow least privilege poorly. IRSA
#     and Pod Identity do not remove a pod's access to the node role; blocking
#     IMDS with hop limit 1 only works for pods that don't use host networking.
#   remediation: >-
#     Remove hostNetwork unless the workload is a node agent that truly needs it
#     (use a Service, hostPort or a CNI feature instead). If it must stay, keep the
#     node role minimal, give the pod its own IRSA or Pod Identity role, and block
#     IMDS for it with a network policy or iptables rule on the node.
#   migration: >-
#     From node IAM role: migrate to IRSA or EKS Pod Identity for fine-grained
#     control (`kubectl podauth migrate`).
package podauth.rules.PA202

import data.podauth.lib.facts
import data.podauth.lib.k8s
import data.podauth.lib.result

deny contains result.finding(pod.ref, k8s.child(pod.spec_path, ["hostNetwork"]), msg) if {
	some pod in data.podauth.lib.k8s.pods
	pod.spec.hostNetwork == true
	not facts.node_agent(pod)
	msg := sprintf("%s %q uses hostNetwork: it reaches the instance metadata service and the node IAM role whatever the IMDS hop limit", [pod.object.kind, k8s.name(pod.object)])
}
