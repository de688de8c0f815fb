# METADATA
# title: IRSA trust policy admits too many ServiceAccounts
# description: >-
#   A reviewed IAM role (ACK or Crossplane Role, `aws iam get-role` or
#   `list-roles` output, Terraform plan) has an Allow statement granting
#   `sts:AssumeRoleWithWebIdentity` to a `Federated` OIDC provider that does not
#   pin the ServiceAccount: no `StringEquals`/`StringLike` condition on
#   `<provider>:sub` at all (every ServiceAccount of every cluster on that
#   provider may assume it), or a `StringLike` `:sub` pattern whose `*` or `?`
#   spans namespaces (`system:serviceaccount:*`, `system:serviceaccount:team-*:app`).
#   A pattern that keeps the namespace literal and wildcards only the
#   ServiceAccount (`system:serviceaccount:<namespace>:*`, the user guide's
#   per-namespace form) is reported at medium severity. A `StringEquals` value
#   is literal: `*` there is not a wildcard.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
# custom:
#   id: PA310
#   name: irsa-trust-too-broad
#   severity: high
#   category: irsa
#   reviews: [Role, IAMRole]
#   looks_up: [Role, IAMRole]
#   why: >-
#     Without a `:sub` condition, or with a wildcard across namespaces, any pod
#     in the cluster (or in any cluster sharing that OIDC provider) whose
#     ServiceAccount matches can take the role, against the best practice of
#     least privilege per pod and trust policies scoped to one ServiceAccount.
#   remediation: >-
#     Add a StringEquals condition "<provider>:sub" =
#     "system:serviceaccount:<namespace>:<name>" listing exactly the
#     ServiceAccounts that need the role, plus "<provider>:aud" =
#     "sts.amazonaws.com". Give workloads that need different permissions
#     different roles.
package podauth.rules.PA310

import data.podauth.lib.iam
import data.podauth.lib.result

deny contains finding if {
	some ref, role in data.podauth.lib.iam.reviewed_roles
	some b in iam.broad_subjects(role.document)
	finding := object.union(result.finding(ref, role.path, message(role, b)), severity(b))
}

message(role, b) := sprintf("%s: statement %d lets any ServiceAccount of any cluster on the OIDC provider %s assume the role (no :sub condition)", [role.label, b.statement, b.provider]) if {
	b.pattern == ""
} else := sprintf("%s: statement %d trusts %s:sub like %q, which admits ServiceAccounts in every namespace", [role.label, b.statement, b.provider, b.pattern]) if {
	b.scope == "any"
} else := sprintf("%s: statement %d trusts %s:sub like %q, every ServiceAccount of that namespace", [role.label, b.statement, b.provider, b.pattern])

severity(b) := {"severity": "medium"} if b.scope == "namespace"
else := {}
