# METADATA
# title: Decision guide
# description: >-
#   The source document's Decision Guide as data. `recommend(answers)` walks the
#   ordered `guide` table and returns the first branch whose `when` conditions
#   all hold, so every input yields exactly one answer: {branch, method, reason,
#   next}. `answers` keys (all optional): eks (default true), ec2_nodes (true),
#   per_pod (true), preference ("gitops" or "iac"; default "gitops"),
#   cross_account (false), external_static_secrets (false), fargate (false),
#   windows (false). The multi-account branches come first because they are the
#   most specific; EKS Pod Identity is never recommended for Fargate or Windows
#   pods, where it is not available (IRSA is). Judgement calls: on EKS a
#   Fargate pod gets IRSA even when it needs no per-pod permissions (Fargate has
#   no node role to share); the External Secrets Operator branch applies on any
#   cluster when static credentials from external accounts are needed (on
#   non-EKS clusters it is the guide's "consider External Secrets Operator").
# scope: package
package podauth.lib.decision

defaults := {
	"eks": true,
	"ec2_nodes": true,
	"per_pod": true,
	"preference": "gitops",
	"cross_account": false,
	"external_static_secrets": false,
	"fargate": false,
	"windows": false,
}

eso_install := "helm install external-secrets external-secrets/external-secrets -n external-secrets --create-namespace"

# Ordered: the first branch whose `when` holds wins. `{base}` in `next` is the
# per-pod method the answers call for (irsa or pod-identity, see `base`).
guide := [
	{
		"branch": "multi-account-simple-secrets",
		"when": {"cross_account": true, "external_static_secrets": true},
		"method": "external-secrets",
		"reason": "For simple cross-account secrets, use External Secrets Operator",
		"next": eso_install,
	},
	{
		"branch": "multi-account-complex",
		"when": {"cross_account": true},
		"method": "assumed-role",
		"reason": "For complex cross-account access, use IRSA or Pod Identity with Assumed Roles via STS and configure trust relationships between accounts",
		"next": "kubectl podauth migrate --to {base}",
	},
	{
		"branch": "eks-external-static-credentials",
		"when": {"eks": true, "external_static_secrets": true},
		"method": "external-secrets",
		"reason": "On EKS, when you need static credentials from external accounts, use External Secrets Operator with IRSA or Pod Identity",
		"next": eso_install,
	},
	{
		"branch": "non-eks-external-secrets",
		"when": {"eks": false, "external_static_secrets": true},
		"method": "external-secrets",
		"reason": "On non-EKS clusters, consider External Secrets Operator for centralized management of the static credentials",
		"next": eso_install,
	},
	{
		"branch": "eks-fargate",
		"when": {"eks": true, "fargate": true},
		"method": "irsa",
		"reason": "EKS Pod Identity is not available on Fargate and Fargate has no node role to share, so use IRSA, the guide's per-pod choice for EKS",
		"next": "kubectl podauth migrate --to irsa",
	},
	{
		"branch": "eks-per-pod-windows",
		"when": {"eks": true, "per_pod": true, "windows": true},
		"method": "irsa",
		"reason": "EKS Pod Identity is not available on Windows nodes, so for per-pod IAM permissions use IRSA, the guide's GitOps-friendly per-pod choice",
		"next": "kubectl podauth migrate --to irsa",
	},
	{
		"branch": "eks-per-pod-iac",
		"when": {"eks": true, "per_pod": true, "preference": "iac"},
		"method": "pod-identity",
		"reason": "On EKS, when you need per-pod IAM permissions, use EKS Pod Identity if you prefer infrastructure-as-code for IAM associations",
		"next": "kubectl podauth migrate --to pod-identity",
	},
	{
		"branch": "eks-per-pod-gitops",
		"when": {"eks": true, "per_pod": true},
		"method": "irsa",
		"reason": "On EKS, when you need per-pod IAM permissions, use IRSA if you prefer GitOps workflows and manifest-based configuration",
		"next": "kubectl podauth migrate --to irsa",
	},
	{
		"branch": "eks-uniform",
		"when": {"eks": true},
		"method": "node-role",
		"reason": "On EKS, when all pods need the same permissions, use Node IAM Role for simplicity",
		"next": "aws iam attach-role-policy --role-name <node-instance-role> --policy-arn <policy-arn>",
	},
	{
		"branch": "non-eks-ec2-shared",
		"when": {"ec2_nodes": true, "per_pod": false},
		"method": "node-role",
		"reason": "On non-EKS clusters with EC2 nodes, use Node IAM Role if shared permissions are acceptable",
		"next": "aws iam attach-role-policy --role-name <node-instance-role> --policy-arn <policy-arn>",
	},
	{
		"branch": "non-eks-ec2-last-resort",
		"when": {"ec2_nodes": true},
		"method": "static-credentials",
		"reason": "On non-EKS clusters with EC2 nodes where shared permissions are not acceptable, use Static Credentials as last resort",
		"next": "aws iam create-access-key --user-name <iam-user>",
	},
	{
		"branch": "non-eks-no-ec2",
		"when": {},
		"method": "static-credentials",
		"reason": "On non-EKS clusters without EC2 nodes (on-premises, other clouds), use Static Credentials with robust rotation practices and consider External Secrets Operator for centralized management",
		"next": "aws iam create-access-key --user-name <iam-user>",
	},
]

# The first matching branch: {branch, method, reason, next}.
recommend(answers) := r if {
	a := object.union(defaults, answers)
	matches := [b | some b in guide; applies(b.when, a)]
	b := matches[0]
	r := {
		"branch": b.branch,
		"method": b.method,
		"reason": b.reason,
		"next": replace(b.next, "{base}", base(a)),
	}
}

applies(when, a) if {
	every k, v in when {
		a[k] == v
	}
}

# The per-pod method to build on: Pod Identity only on EKS, for an IaC
# preference, and off Fargate and Windows.
base(a) := "pod-identity" if {
	a.eks == true
	a.preference == "iac"
	a.fargate != true
	a.windows != true
} else := "irsa"
