# METADATA
# title: IRSA and Pod Identity both configured
# description: >-
#   A ServiceAccount has an `eks.amazonaws.com/role-arn` annotation and also an
#   EKS Pod Identity association (ACK or Crossplane PodIdentityAssociation, or
#   an eksctl ClusterConfig entry, in the context). An eksctl ClusterConfig that
#   declares the same ServiceAccount under both iam.serviceAccounts and
#   iam.podIdentityAssociations is reported too. The EKS Pod Identity webhook
#   injects only the container credentials ("Container credentials method takes
#   precedence"), so the IRSA role is ignored.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
#   - https://github.com/aws/amazon-eks-pod-identity-webhook
#   - https://docs.aws.amazon.com/eks/latest/eksctl/pod-identity-associations.html
# custom:
#   id: PA307
#   name: irsa-and-pod-identity-both-configured
#   severity: medium
#   category: pod-identity
#   reviews: [ServiceAccount, ClusterConfig]
#   looks_up: [PodIdentityAssociation, ClusterConfig]
#   why: >-
#     IRSA and EKS Pod Identity are both valid, and the choice between them is an
#     operational preference, but a ServiceAccount should use one. With both,
#     the IRSA role and its trust policy look authoritative in the manifests
#     while the pod actually runs with the association's role, which may grant
#     different permissions.
#   remediation: >-
#     Keep one mechanism. To stay on Pod Identity, remove the
#     eks.amazonaws.com/role-arn annotation (and the role's OIDC trust
#     statement); to stay on IRSA, delete the Pod Identity association.
#   migration: >-
#     Between IRSA and Pod Identity: both are valid, choose based on operational
#     preferences (`eksctl utils migrate-to-pod-identity` moves IRSA
#     ServiceAccounts to associations).
package podauth.rules.PA307

import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

deny contains result.finding(ref, data.podauth.lib.k8s.irsa_annotation_path, msg) if {
	some ref, sa in data.podauth.lib.objects.review
	sa.kind == "ServiceAccount"
	role := k8s.irsa_role(sa)
	k := k8s.key(k8s.namespace(sa), k8s.name(sa))
	data.podauth.lib.k8s.pod_identity_keys[k]
	msg := sprintf("ServiceAccount %q has the IRSA role %s and an EKS Pod Identity association (%s); the webhook injects only Pod Identity, so the IRSA role is unused", [k8s.name(sa), role, association_roles(k)])
}

deny contains result.finding(ref, sprintf("iam.serviceAccounts[%d]", [i]), msg) if {
	some ref, cfg in data.podauth.lib.objects.review
	cfg.kind == "ClusterConfig"
	some i, sa in cfg.iam.serviceAccounts
	k := k8s.key(object.get(sa.metadata, "namespace", "default"), sa.metadata.name)
	data.podauth.lib.k8s.pod_identity_keys[k]
	msg := sprintf("ClusterConfig %q declares ServiceAccount %s under iam.serviceAccounts (IRSA) and has an EKS Pod Identity association for it; the webhook injects only Pod Identity, so the IRSA role is unused", [k8s.name(cfg), k])
}

association_roles(k) := concat(", ", roles) if {
	roles := sort({a.role_arn | some a in data.podauth.lib.k8s.pod_identity_associations; k8s.key(a.namespace, a.service_account) == k; a.role_arn != ""})
	count(roles) > 0
} else := "role not given inline"
