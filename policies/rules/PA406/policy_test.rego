package podauth.rules.PA406_test

import data.podauth.rules.PA406

role(condition) := {
	"apiVersion": "podauth.io/v1alpha1",
	"kind": "IAMRole",
	"metadata": {"name": "reports-exporter"},
	"spec": {"roleName": "reports-exporter", "arn": "arn:aws:iam::111122223333:role/reports-exporter", "assumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"], "Condition": condition}]}},
}

run(objects) := r if {
	r := PA406.deny with input as {"objects": objects, "context": objects}
}

test_unscoped_denied if {
	r := run([role({})])
	count(r) == 1
	some f in r
	f.path == "spec.assumeRolePolicyDocument"
	contains(f.msg, "statement 0")
}

test_source_account_allowed if {
	count(run([role({"StringEquals": {"aws:SourceAccount": "111122223333"}})])) == 0
}

test_source_arn_any_case_allowed if {
	count(run([role({"ArnLike": {"AWS:SourceArn": "arn:aws:eks:eu-west-1:111122223333:cluster/*"}})])) == 0
}

test_session_tags_alone_still_unscoped if {
	count(run([role({"StringEquals": {"aws:RequestTag/kubernetes-namespace": "reports"}})])) == 1
}

test_unknown_document_silent if {
	r := object.union(role({}), {"spec": {"assumeRolePolicyDocument": null}})
	count(run([r])) == 0
}
