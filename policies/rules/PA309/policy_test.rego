package podauth.rules.PA309_test

import data.podauth.rules.PA309

provider := "oidc.eks.eu-west-1.amazonaws.com/id/5C2A7E1B9D0F4A6E8B3C1D2E3F4A5B6C"

sa(ns, name, arn) := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": ns, "annotations": {"eks.amazonaws.com/role-arn": arn}}}

trust(condition) := json.marshal({"Version": "2012-10-17", "Statement": [{
	"Effect": "Allow",
	"Principal": {"Federated": sprintf("arn:aws:iam::111122223333:oidc-provider/%s", [provider])},
	"Action": "sts:AssumeRoleWithWebIdentity",
	"Condition": condition,
}]})

ack(name, policy) := {
	"apiVersion": "iam.services.k8s.aws/v1alpha1",
	"kind": "Role",
	"metadata": {"name": name, "namespace": "platform"},
	"spec": {"name": name, "assumeRolePolicyDocument": policy},
}

arn := "arn:aws:iam::111122223333:role/ledger"

run(objects) := r if {
	r := PA309.deny with input as {"objects": objects, "context": objects}
}

sub(v) := {sprintf("%s:sub", [provider]): v}

test_other_service_account_denied if {
	r := run([sa("payments", "ledger", arn), ack("ledger", trust({"StringEquals": sub("system:serviceaccount:payments:ledger-api")}))])
	count(r) == 1
	some f in r
	f.path == "metadata.annotations[\"eks.amazonaws.com/role-arn\"]"
	contains(f.msg, "system:serviceaccount:payments:ledger")
	contains(f.msg, "ledger-api")
}

test_exact_subject_allowed if {
	r := run([sa("payments", "ledger", arn), ack("ledger", trust({"StringEquals": sub("system:serviceaccount:payments:ledger")}))])
	count(r) == 0
}

test_string_like_namespace_allowed if {
	r := run([sa("payments", "ledger", arn), ack("ledger", trust({"StringLike": sub("system:serviceaccount:payments:*")}))])
	count(r) == 0
}

test_no_web_identity_statement_denied if {
	ec2 := json.marshal({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
	r := run([sa("payments", "ledger", arn), ack("ledger", ec2)])
	count(r) == 1
	some f in r
	contains(f.msg, "no Allow statement")
}

test_custom_audience_annotation_honoured if {
	s := object.union(sa("payments", "ledger", arn), {"metadata": {"annotations": {"eks.amazonaws.com/audience": "vault"}}})
	c := {"StringEquals": object.union(sub("system:serviceaccount:payments:ledger"), {sprintf("%s:aud", [provider]): "vault"})}
	count(run([s, ack("ledger", trust(c))])) == 0
	count(run([sa("payments", "ledger", arn), ack("ledger", trust(c))])) == 1
}

test_unknown_role_silent if {
	count(run([sa("payments", "ledger", arn)])) == 0
	count(run([sa("payments", "ledger", arn), ack("ledger", "{computed")])) == 0
}

test_other_provider_denied_when_known if {
	objects := [sa("payments", "ledger", arn), ack("ledger", trust({"StringEquals": sub("system:serviceaccount:payments:ledger")}))]
	r := PA309.deny with input as {"objects": objects, "context": objects, "parameters": {"oidc_provider": "oidc.eks.eu-west-1.amazonaws.com/id/0000000000000000000000000000000A"}}
	count(r) == 1
	ok := PA309.deny with input as {"objects": objects, "context": objects, "parameters": {"oidc_provider": sprintf("https://%s", [provider])}}
	count(ok) == 0
}

test_iam_role_from_aws_cli if {
	role := {"apiVersion": "podauth.io/v1alpha1", "kind": "IAMRole", "metadata": {"name": "ledger"}, "spec": {"roleName": "ledger", "arn": arn, "assumeRolePolicyDocument": json.unmarshal(trust({"StringEquals": sub("system:serviceaccount:payments:other")}))}}
	count(run([sa("payments", "ledger", arn), role])) == 1
}
