package podauth.rules.PA310_test

import data.podauth.rules.PA310

provider := "oidc.eks.eu-west-1.amazonaws.com/id/5C2A7E1B9D0F4A6E8B3C1D2E3F4A5B6C"

role(condition) := {
	"apiVersion": "iam.aws.upbound.io/v1beta1",
	"kind": "Role",
	"metadata": {"name": "tooling"},
	"spec": {"forProvider": {"assumeRolePolicy": json.marshal({"Version": "2012-10-17", "Statement": [{
		"Effect": "Allow",
		"Principal": {"Federated": sprintf("arn:aws:iam::111122223333:oidc-provider/%s", [provider])},
		"Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": condition,
	}]})}},
}

run(objects) := r if {
	r := PA310.deny with input as {"objects": objects, "context": objects}
}

sub := sprintf("%s:sub", [provider])

aud := sprintf("%s:aud", [provider])

test_no_sub_denied if {
	r := run([role({"StringEquals": {aud: "sts.amazonaws.com"}})])
	count(r) == 1
	some f in r
	f.path == "spec.forProvider.assumeRolePolicy"
	contains(f.msg, "no :sub condition")
	not f.severity
}

test_cross_namespace_wildcard_denied if {
	r := run([role({"StringLike": {sub: "system:serviceaccount:*:*"}})])
	count(r) == 1
}

test_namespace_wildcard_is_medium if {
	r := run([role({"StringLike": {sub: "system:serviceaccount:payments:*"}})])
	count(r) == 1
	some f in r
	f.severity == "medium"
}

test_exact_subject_allowed if {
	count(run([role({"StringEquals": {sub: "system:serviceaccount:payments:ledger", aud: "sts.amazonaws.com"}})])) == 0
	count(run([role({"StringLike": {sub: "system:serviceaccount:payments:ledger"}})])) == 0
}

test_pod_identity_role_ignored if {
	r := object.union(role({}), {"spec": {"forProvider": {"assumeRolePolicy": json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]})}}})
	count(run([r])) == 0
}
