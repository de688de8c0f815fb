# METADATA
# title: Pod Identity role does not trust EKS Pod Identity
# description: >-
#   A reviewed Pod Identity association (ACK, Crossplane or Terraform
#   `aws_eks_pod_identity_association`, eksctl ClusterConfig
#   iam.podIdentityAssociations) names a role whose trust policy is known (an
#   ACK or Crossplane Role, AWS CLI output or a Terraform plan in the input),
#   and the policy has no Allow statement with `Principal.Service`
#   `pods.eks.amazonaws.com` granting `sts:AssumeRole`, or none granting
#   `sts:TagSession`: EKS Pod Identity needs both. Actions match as IAM matches
#   them (case-insensitive, `*` and `?` wildcards such as `sts:*`). The role is
#   found by ARN, by ACK `roleRef`, Crossplane `roleArnRef`, or the Terraform
#   reference of `role_arn`; a computed or unparseable policy is unknown and
#   never reported.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
# custom:
#   id: PA405
#   name: pod-identity-role-not-trusted
#   severity: high
#   category: pod-identity
#   reviews: [PodIdentityAssociation, ClusterConfig, Role, IAMRole]
#   looks_up: [PodIdentityAssociation, ClusterConfig, Role, IAMRole]
#   why: >-
#     EKS Pod Identity uses AssumeRole to assume the role and TagSession to add
#     the session tags; a role that lacks either cannot be used by the
#     association, the pod gets no credentials from the agent, and SDKs fall
#     further down the credential chain, often to the node role.
#   remediation: >-
#     Add the statement the EKS user guide gives: Effect Allow, Principal
#     {"Service": "pods.eks.amazonaws.com"}, Action ["sts:AssumeRole",
#     "sts:TagSession"], with an aws:SourceAccount or aws:SourceArn condition
#     (`kubectl podauth migrate --to pod-identity` writes one).
#   migration: >-
#     From IRSA to Pod Identity: `eksctl utils migrate-to-pod-identity` or
#     `kubectl podauth migrate --to pod-identity` adds the Pod Identity trust.
package podauth.rules.PA405

import data.podauth.lib.iam
import data.podauth.lib.k8s
import data.podauth.lib.result

deny contains result.finding(ref, a.path, msg) if {
	some ref, entries in data.podauth.lib.k8s.reviewed_associations
	obj := data.podauth.lib.objects.review[ref]
	some a in entries
	rs := iam.association_roles(obj, a)
	count(rs) > 0
	every r in rs {
		r.document != null
		count(iam.missing_pod_identity_actions(r.document)) > 0
	}
	missing := sort({x | some r in rs; some x in iam.missing_pod_identity_actions(r.document)})
	labels := sort({r.label | some r in rs})
	msg := sprintf("%s %q associates ServiceAccount %s/%s with a role whose trust policy (%s) does not grant %s to the service pods.eks.amazonaws.com", [obj.kind, k8s.name(obj), a.namespace, a.service_account, concat(", ", labels), concat(" and ", missing)])
}
