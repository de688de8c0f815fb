# METADATA
# title: ASCP volume without IRSA or Pod Identity
# description: >-
#   A pod mounts a Secrets Store CSI volume (`secrets-store.csi.k8s.io`) whose
#   SecretProviderClass uses the `aws` provider without `usePodIdentity`
#   "true", so ASCP authenticates with IRSA, but the pod's ServiceAccount has no
#   `eks.amazonaws.com/role-arn` annotation (nor an eksctl iam.serviceAccounts
#   entry). The mount fails at pod start. Reported only when both the class and
#   the ServiceAccount are in the context; a class of another provider is
#   ignored.
# scope: package
# related_resources:
#   - https://github.com/aws/secrets-store-csi-driver-provider-aws
#   - https://docs.aws.amazon.com/secretsmanager/latest/userguide/integrating_csi_driver.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
# custom:
#   id: PA611
#   name: ascp-without-workload-identity
#   severity: high
#   category: secrets
#   reviews: [workloads]
#   looks_up: [SecretProviderClass, ServiceAccount, PodIdentityAssociation, ClusterConfig]
#   why: >-
#     ASCP uses IRSA or Pod Identity for authentication: the provider fetches
#     secrets with the pod's own role. Without one, the secrets cannot be
#     fetched and the pod does not start, and the usual workaround (node role
#     permissions or static keys) gives up the pod-specific, short-lived
#     credentials that make ASCP worthwhile.
#   remediation: >-
#     Annotate the pod's ServiceAccount with eks.amazonaws.com/role-arn for a
#     role that may read the secrets (IRSA), or create an EKS Pod Identity
#     association for the ServiceAccount and set usePodIdentity "true" in the
#     SecretProviderClass parameters.
package podauth.rules.PA611

import data.podauth.lib.k8s
import data.podauth.lib.result
import data.podauth.lib.secrets

deny contains result.finding(v.ref, v.path, msg) if {
	some v in data.podauth.lib.secrets.aws_csi_volumes
	not secrets.uses_pod_identity(v.class)
	data.podauth.lib.k8s.service_accounts[v.sa_key]
	not data.podauth.lib.k8s.irsa_keys[v.sa_key]
	msg := sprintf("%s %q mounts SecretProviderClass %q with IRSA auth, but ServiceAccount %q has no eks.amazonaws.com/role-arn annotation%s", [v.pod.object.kind, k8s.name(v.pod.object), v.class_name, v.pod.service_account, hint(v.sa_key)])
}

hint(sa_key) := "; it has a Pod Identity association, so set usePodIdentity \"true\" in the class" if {
	data.podauth.lib.k8s.pod_identity_keys[sa_key]
} else := ""
