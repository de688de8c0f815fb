# METADATA
# title: Cross-account IAM role
# description: >-
#   An IAM role bound to a workload lives in another AWS account than the
#   cluster's, as given by `--account-id` (the `account_id` parameter; the rule
#   is silent without it). Roles are read from reviewed ServiceAccount
#   `eks.amazonaws.com/role-arn` annotations, eksctl ClusterConfig
#   iam.serviceAccounts[].attachRoleARN, and the role ARN of reviewed Pod
#   Identity associations (ACK, Crossplane, eksctl). An association's
#   targetRoleArn is the supported way to reach another account and is not
#   reported. Malformed ARNs are PA301's concern and are skipped here.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/cross-account-access.html
#   - https://docs.aws.amazon.com/eks/latest/APIReference/API_CreatePodIdentityAssociation.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html
# custom:
#   id: PA308
#   name: cross-account-role
#   severity: info
#   category: irsa
#   reviews: [ServiceAccount, PodIdentityAssociation, ClusterConfig]
#   why: >-
#     Cross-account access requires additional trust policy configuration: with
#     IRSA the other account must register the cluster's OIDC provider and trust
#     the ServiceAccount; with EKS Pod Identity the associated role must be in
#     the cluster's account and the other account is reached by role chaining
#     (targetRoleArn or an STS AssumeRole in the application). Flagging these
#     roles keeps the trust relationships between accounts visible.
#   remediation: >-
#     Confirm the cross-account access is intended. For IRSA, create the IAM OIDC
#     provider for the cluster's issuer in the role's account and scope the trust
#     policy to system:serviceaccount:<namespace>:<name>. For Pod Identity,
#     associate a role in the cluster's account and set targetRoleArn to the
#     role in the other account (or assume it from the application).
package podauth.rules.PA308

import data.podauth.lib.aws
import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

cluster_account := data.podauth.lib.objects.parameters.account_id if {
	is_string(data.podauth.lib.objects.parameters.account_id)
	data.podauth.lib.objects.parameters.account_id != ""
}

other_account(arn) := account if {
	aws.valid_role_arn(arn)
	account := aws.arn_account(arn)
	account != cluster_account
}

deny contains result.finding(ref, data.podauth.lib.k8s.irsa_annotation_path, msg) if {
	some ref, sa in data.podauth.lib.objects.review
	sa.kind == "ServiceAccount"
	role := k8s.irsa_role(sa)
	account := other_account(role)
	msg := sprintf("ServiceAccount %q uses the IRSA role %s in account %s, not the cluster's account %s; that account needs an IAM OIDC provider for the cluster and a trust policy for this ServiceAccount", [k8s.name(sa), role, account, cluster_account])
}

deny contains result.finding(ref, sprintf("iam.serviceAccounts[%d].attachRoleARN", [i]), msg) if {
	some ref, cfg in data.podauth.lib.objects.review
	cfg.kind == "ClusterConfig"
	some i, sa in cfg.iam.serviceAccounts
	account := other_account(sa.attachRoleARN)
	msg := sprintf("ClusterConfig %q binds ServiceAccount %q to the role %s in account %s, not the cluster's account %s; that account needs an IAM OIDC provider for the cluster and a trust policy for the ServiceAccount", [k8s.name(cfg), sa.metadata.name, sa.attachRoleARN, account, cluster_account])
}

deny contains result.finding(ref, sprintf("%s.%s", [a.path, role_field(obj)]), msg) if {
	some ref, entries in data.podauth.lib.k8s.reviewed_associations
	obj := data.podauth.lib.objects.review[ref]
	some a in entries
	account := other_account(a.role_arn)
	msg := sprintf("%s %q associates ServiceAccount %s/%s with the role %s in account %s, not the cluster's account %s; Pod Identity roles must be in the cluster's account, reach the other account with targetRoleArn (role chaining)", [obj.kind, k8s.name(obj), a.namespace, a.service_account, a.role_arn, account, cluster_account])
}

# Field that holds the role ARN in each association source.
role_field(obj) := "roleArn" if {
	data.podauth.lib.k8s.crossplane_groups[k8s.group(obj.apiVersion)]
} else := "roleARN"
