# METADATA
# title: Pod Identity trust policy not scoped to an account or cluster
# description: >-
#   A reviewed IAM role (ACK or Crossplane Role, AWS CLI output, Terraform
#   plan) trusts the service `pods.eks.amazonaws.com` in an Allow statement
#   without an `aws:SourceAccount` or `aws:SourceArn` condition (condition keys
#   are case-insensitive). The statement then lets a Pod Identity association
#   in any cluster of the account, for any namespace and ServiceAccount, use
#   the role.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
# custom:
#   id: PA406
#   name: pod-identity-trust-unscoped
#   severity: low
#   category: pod-identity
#   reviews: [Role, IAMRole]
#   looks_up: [Role, IAMRole]
#   why: >-
#     The user guide's minimal Pod Identity trust policy admits every
#     association in the account: anyone allowed to create an association (and
#     pass the role) can hand it to any ServiceAccount of any cluster. Scoping
#     the trust to the account and cluster keeps the role to the workloads it
#     was made for, as least privilege per pod asks; creating an association
#     still needs iam:PassRole, hence the low severity.
#   remediation: >-
#     Add a condition to the pods.eks.amazonaws.com statement: StringEquals
#     "aws:SourceAccount" = "<account id>" and ArnEquals "aws:SourceArn" =
#     "arn:aws:eks:<region>:<account id>:cluster/<cluster>", or restrict the
#     session tags aws:RequestTag/kubernetes-namespace and
#     aws:RequestTag/kubernetes-service-account as well.
package podauth.rules.PA406

import data.podauth.lib.iam
import data.podauth.lib.result

deny contains result.finding(ref, role.path, msg) if {
	some ref, role in data.podauth.lib.iam.reviewed_roles
	some i in iam.unscoped_pod_identity_statements(role.document)
	msg := sprintf("%s: statement %d trusts pods.eks.amazonaws.com with no aws:SourceAccount or aws:SourceArn condition, so any Pod Identity association in the account can use the role", [role.label, i])
}
