package podauth.lib.decision_test

import data.podauth.lib.decision

# One case per Decision Guide branch (and the Fargate/Windows overrides).
# Each case names the branch, the answers (unset answers take the defaults) and
# the expected method and `next` command.
cases := [
	{
		"name": "eks per-pod gitops -> IRSA",
		"answers": {"eks": true, "per_pod": true, "preference": "gitops"},
		"method": "irsa",
		"branch": "eks-per-pod-gitops",
		"next": "kubectl podauth migrate --to irsa",
	},
	{
		"name": "eks per-pod with no preference -> IRSA",
		"answers": {},
		"method": "irsa",
		"branch": "eks-per-pod-gitops",
		"next": "kubectl podauth migrate --to irsa",
	},
	{
		"name": "eks per-pod iac -> Pod Identity",
		"answers": {"eks": true, "per_pod": true, "preference": "iac"},
		"method": "pod-identity",
		"branch": "eks-per-pod-iac",
		"next": "kubectl podauth migrate --to pod-identity",
	},
	{
		"name": "eks per-pod iac on Fargate -> IRSA",
		"answers": {"eks": true, "per_pod": true, "preference": "iac", "fargate": true},
		"method": "irsa",
		"branch": "eks-fargate",
		"next": "kubectl podauth migrate --to irsa",
	},
	{
		"name": "eks uniform on Fargate -> IRSA (no node role)",
		"answers": {"eks": true, "per_pod": false, "fargate": true},
		"method": "irsa",
		"branch": "eks-fargate",
		"next": "kubectl podauth migrate --to irsa",
	},
	{
		"name": "eks per-pod iac on Windows -> IRSA",
		"answers": {"eks": true, "per_pod": true, "preference": "iac", "windows": true},
		"method": "irsa",
		"branch": "eks-per-pod-windows",
		"next": "kubectl podauth migrate --to irsa",
	},
	{
		"name": "eks uniform on Windows -> node role",
		"answers": {"eks": true, "per_pod": false, "windows": true},
		"method": "node-role",
		"branch": "eks-uniform",
		"next": "aws iam attach-role-policy --role-name <node-instance-role> --policy-arn <policy-arn>",
	},
	{
		"name": "eks uniform -> node role",
		"answers": {"eks": true, "per_pod": false},
		"method": "node-role",
		"branch": "eks-uniform",
		"next": "aws iam attach-role-policy --role-name <node-instance-role> --policy-arn <policy-arn>",
	},
	{
		"name": "eks static credentials from external accounts -> ESO",
		"answers": {"eks": true, "external_static_secrets": true},
		"method": "external-secrets",
		"branch": "eks-external-static-credentials",
		"next": decision.eso_install,
	},
	{
		"name": "eks external static secrets beats Fargate",
		"answers": {"eks": true, "external_static_secrets": true, "fargate": true},
		"method": "external-secrets",
		"branch": "eks-external-static-credentials",
		"next": decision.eso_install,
	},
	{
		"name": "non-eks with EC2, shared permissions acceptable -> node role",
		"answers": {"eks": false, "ec2_nodes": true, "per_pod": false},
		"method": "node-role",
		"branch": "non-eks-ec2-shared",
		"next": "aws iam attach-role-policy --role-name <node-instance-role> --policy-arn <policy-arn>",
	},
	{
		"name": "non-eks with EC2, per-pod -> static credentials as last resort",
		"answers": {"eks": false, "ec2_nodes": true, "per_pod": true},
		"method": "static-credentials",
		"branch": "non-eks-ec2-last-resort",
		"next": "aws iam create-access-key --user-name <iam-user>",
	},
	{
		"name": "non-eks without EC2 -> static credentials with rotation",
		"answers": {"eks": false, "ec2_nodes": false},
		"method": "static-credentials",
		"branch": "non-eks-no-ec2",
		"next": "aws iam create-access-key --user-name <iam-user>",
	},
	{
		"name": "non-eks without EC2, uniform -> static credentials with rotation",
		"answers": {"eks": false, "ec2_nodes": false, "per_pod": false},
		"method": "static-credentials",
		"branch": "non-eks-no-ec2",
		"next": "aws iam create-access-key --user-name <iam-user>",
	},
	{
		"name": "non-eks without EC2, centralized static secrets -> ESO",
		"answers": {"eks": false, "ec2_nodes": false, "external_static_secrets": true},
		"method": "external-secrets",
		"branch": "non-eks-external-secrets",
		"next": decision.eso_install,
	},
	{
		"name": "complex cross-account (gitops) -> assumed roles on IRSA",
		"answers": {"eks": true, "cross_account": true},
		"method": "assumed-role",
		"branch": "multi-account-complex",
		"next": "kubectl podauth migrate --to irsa",
	},
	{
		"name": "complex cross-account (iac) -> assumed roles on Pod Identity",
		"answers": {"eks": true, "cross_account": true, "preference": "iac"},
		"method": "assumed-role",
		"branch": "multi-account-complex",
		"next": "kubectl podauth migrate --to pod-identity",
	},
	{
		"name": "complex cross-account (iac) on Fargate -> assumed roles on IRSA",
		"answers": {"eks": true, "cross_account": true, "preference": "iac", "fargate": true},
		"method": "assumed-role",
		"branch": "multi-account-complex",
		"next": "kubectl podauth migrate --to irsa",
	},
	{
		"name": "complex cross-account (iac) on Windows -> assumed roles on IRSA",
		"answers": {"eks": true, "cross_account": true, "preference": "iac", "windows": true},
		"method": "assumed-role",
		"branch": "multi-account-complex",
		"next": "kubectl podauth migrate --to irsa",
	},
	{
		"name": "complex cross-account (iac) on non-EKS -> assumed roles on IRSA",
		"answers": {"eks": false, "cross_account": true, "preference": "iac"},
		"method": "assumed-role",
		"branch": "multi-account-complex",
		"next": "kubectl podauth migrate --to irsa",
	},
	{
		"name": "simple cross-account secrets -> ESO",
		"answers": {"eks": true, "cross_account": true, "external_static_secrets": true},
		"method": "external-secrets",
		"branch": "multi-account-simple-secrets",
		"next": decision.eso_install,
	},
	{
		"name": "simple cross-account secrets on non-EKS -> ESO",
		"answers": {"eks": false, "ec2_nodes": false, "cross_account": true, "external_static_secrets": true},
		"method": "external-secrets",
		"branch": "multi-account-simple-secrets",
		"next": decision.eso_install,
	},
]

# Failing cases, by name, with what they got: empty when all pass.
failures := [{"case": c.name, "got": got} |
	some c in cases
	got := recommend_or_undefined(c.answers)
	not matches(c, got)
]

recommend_or_undefined(a) := r if {
	r := decision.recommend(a)
} else := {"method": "undefined"}

matches(c, got) if {
	got.method == c.method
	got.branch == c.branch
	got.next == c.next
}

# Evaluates to the list of failing cases when any fails.
test_decision_table := true if {
	count(failures) == 0
} else := failures

# Every branch of the guide is exercised by at least one case.
test_every_branch_covered := true if {
	count(uncovered) == 0
} else := uncovered

uncovered := [b.branch | some b in decision.guide; not covered(b.branch)]

covered(branch) if {
	some c in cases
	c.branch == branch
}

test_every_branch_has_a_reason_quoting_the_guide if {
	every b in decision.guide {
		is_string(b.reason)
		count(b.reason) > 20
		not endswith(b.reason, ".")
	}
}

test_exactly_one_answer_for_every_combination if {
	bools := [true, false]
	results := [r |
		some eks in bools
		some ec2 in bools
		some per_pod in bools
		some pref in ["gitops", "iac"]
		some xacct in bools
		some ext in bools
		some fargate in bools
		some windows in bools
		r := decision.recommend({
			"eks": eks, "ec2_nodes": ec2, "per_pod": per_pod, "preference": pref,
			"cross_account": xacct, "external_static_secrets": ext,
			"fargate": fargate, "windows": windows,
		})
	]
	count(results) == 256
}

test_fargate_and_windows_never_get_pod_identity if {
	bad := [a |
		some per_pod in [true, false]
		some ext in [true, false]
		some xacct in [true, false]
		some target in [{"fargate": true}, {"windows": true}]
		a := object.union({"eks": true, "preference": "iac", "per_pod": per_pod, "external_static_secrets": ext, "cross_account": xacct}, target)
		r := decision.recommend(a)
		contains(concat(" ", [r.method, r.next]), "pod-identity")
	]
	count(bad) == 0
}

test_reason_quotes_the_guide if {
	r := decision.recommend({"eks": true, "per_pod": true, "preference": "iac"})
	contains(r.reason, "use EKS Pod Identity if you prefer infrastructure-as-code for IAM associations")
	r2 := decision.recommend({"eks": true, "per_pod": false})
	contains(r2.reason, "use Node IAM Role for simplicity")
}
