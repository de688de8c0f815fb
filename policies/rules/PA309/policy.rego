# METADATA
# title: IRSA role does not trust this ServiceAccount
# description: >-
#   A reviewed ServiceAccount's `eks.amazonaws.com/role-arn` names a role whose
#   trust policy is known (an ACK or Crossplane Role, `aws iam get-role` or
#   `list-roles` output, or a Terraform plan read with `check -f`), and no
#   statement of it admits the ServiceAccount's web identity token: no Allow
#   statement grants `sts:AssumeRoleWithWebIdentity` to a `Federated` OIDC
#   provider; or every such statement has a `<provider>:sub` condition that
#   does not match `system:serviceaccount:<namespace>:<name>`, or an
#   `<provider>:aud` condition that does not match the token's audience
#   (`sts.amazonaws.com`, or the ServiceAccount's `eks.amazonaws.com/audience`
#   annotation); or, with `--oidc-provider` given, trusts another OIDC provider.
#   Conditions are evaluated as IAM does: `StringEquals` exact and
#   case-sensitive, `StringLike` with `*` (any run of characters) and `?` (one
#   character), the `IgnoreCase` and negated variants, an array value matching
#   when any element does, every key and operator of a statement required, the
#   `IfExists` suffix and `ForAnyValue:`/`ForAllValues:` prefixes (which leave
#   single-valued keys unchanged). A role whose policy is computed at apply time
#   or cannot be parsed, or that uses a condition key or operator outside these,
#   `NotPrincipal` or `NotAction`, is unknown and never reported.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
# custom:
#   id: PA309
#   name: irsa-role-does-not-trust-service-account
#   severity: high
#   category: irsa
#   reviews: [ServiceAccount, Role, IAMRole]
#   looks_up: [ServiceAccount, Role, IAMRole]
#   why: >-
#     A ServiceAccount can carry a perfectly formed role ARN whose role nobody
#     can assume from it. The webhook still injects AWS_ROLE_ARN and the token,
#     so the pod starts, then every AWS call fails with AccessDenied on
#     AssumeRoleWithWebIdentity, and SDKs that move on down the credential chain
#     fall back to the node role. The best practices call for proper IAM role
#     trust policies scoped to the workload's ServiceAccount.
#   remediation: >-
#     Make the role trust exactly this ServiceAccount: an Allow statement with
#     Principal.Federated set to the cluster's OIDC provider ARN, Action
#     sts:AssumeRoleWithWebIdentity and Condition StringEquals
#     "<provider>:sub" = "system:serviceaccount:<namespace>:<name>" and
#     "<provider>:aud" = "sts.amazonaws.com" (`kubectl podauth migrate` writes
#     one), or point the annotation at the role meant for this ServiceAccount.
#   migration: >-
#     From kube2iam/KIAM or static keys to IRSA: `kubectl podauth migrate --to
#     irsa` writes the trust policy per role.
package podauth.rules.PA309

import data.podauth.lib.iam
import data.podauth.lib.k8s
import data.podauth.lib.result

deny contains result.finding(ref, data.podauth.lib.k8s.irsa_annotation_path, msg) if {
	some ref, sa in data.podauth.lib.objects.review
	sa.kind == "ServiceAccount"
	u := iam.untrusting_irsa_role(sa)
	msg := sprintf("ServiceAccount %q uses the IRSA role %s, but the trust policy of %s does not admit %s: %s", [k8s.name(sa), u.arn, concat(", ", u.labels), iam.irsa_subject(k8s.namespace(sa), k8s.name(sa)), concat("; ", u.reasons)])
}
