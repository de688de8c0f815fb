# METADATA
# title: ASCP uses Pod Identity but the ServiceAccount has no association
# description: >-
#   A pod mounts a Secrets Store CSI volume whose `aws` SecretProviderClass sets
#   `usePodIdentity` to a true value ("true", "True", "TRUE", "t", "T" or "1", as
#   Go's strconv.ParseBool reads it), but no EKS Pod Identity association in the
#   context (ACK or Crossplane PodIdentityAssociation, eksctl ClusterConfig
#   iam.podIdentityAssociations) covers the pod's namespace and ServiceAccount.
#   Reported only when associations are in scope (at least one is declared in
#   the context), since they are often managed outside Kubernetes manifests, and
#   only when the class is in the context.
# scope: package
# related_resources:
#   - https://github.com/aws/secrets-store-csi-driver-provider-aws
#   - https://docs.aws.amazon.com/secretsmanager/latest/userguide/ascp-pod-identity-integration.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html
# custom:
#   id: PA613
#   name: ascp-pod-identity-without-association
#   severity: medium
#   category: secrets
#   reviews: [workloads]
#   looks_up: [SecretProviderClass, PodIdentityAssociation, ClusterConfig]
#   why: >-
#     ASCP uses IRSA or Pod Identity for authentication. With usePodIdentity
#     set, the provider asks the Pod Identity agent for the pod's credentials;
#     EKS Pod Identity associations are created via the AWS API, and without one
#     for this ServiceAccount there is no role, the mount fails and the pod does
#     not start.
#   remediation: >-
#     Create an EKS Pod Identity association for the pod's namespace and
#     ServiceAccount (aws eks create-pod-identity-association, eksctl
#     iam.podIdentityAssociations, ACK or Crossplane) with a role that may read
#     the secrets, or remove usePodIdentity and use IRSA instead.
package podauth.rules.PA613

import data.podauth.lib.k8s
import data.podauth.lib.result
import data.podauth.lib.secrets

deny contains result.finding(v.ref, v.path, msg) if {
	data.podauth.lib.k8s.associations_in_scope
	some v in data.podauth.lib.secrets.aws_csi_volumes
	secrets.uses_pod_identity(v.class)
	not data.podauth.lib.k8s.pod_identity_keys[v.sa_key]
	msg := sprintf("%s %q mounts SecretProviderClass %q with usePodIdentity, but ServiceAccount %q in namespace %q has no EKS Pod Identity association", [v.pod.object.kind, k8s.name(v.pod.object), v.class_name, v.pod.service_account, v.pod.namespace])
}
