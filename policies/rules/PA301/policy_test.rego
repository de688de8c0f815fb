package podauth.rules.PA301_test

import data.podauth.rules.PA301

sa(annotations) := {"objects": [{
	"apiVersion": "v1",
	"kind": "ServiceAccount",
	"metadata": {"name": "app", "namespace": "team", "annotations": annotations},
}]}

test_role_name_only_denied if {
	r := PA301.deny with input as sa({"eks.amazonaws.com/role-arn": "my-app-role"})
	count(r) == 1
	some f in r
	f.path == "metadata.annotations[\"eks.amazonaws.com/role-arn\"]"
}

test_user_arn_denied if {
	r := PA301.deny with input as sa({"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:user/deploy"})
	count(r) == 1
}

test_short_account_denied if {
	r := PA301.deny with input as sa({"eks.amazonaws.com/role-arn": "arn:aws:iam::12345:role/app"})
	count(r) == 1
}

test_non_string_denied if {
	r := PA301.deny with input as sa({"eks.amazonaws.com/role-arn": 42})
	count(r) == 1
}

test_valid_arn_allowed if {
	r := PA301.deny with input as sa({"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/team/app-role"})
	count(r) == 0
}

test_china_partition_allowed if {
	r := PA301.deny with input as sa({"eks.amazonaws.com/role-arn": "arn:aws-cn:iam::123456789012:role/app"})
	count(r) == 0
}

test_annotation_absent_allowed if {
	r := PA301.deny with input as sa({})
	count(r) == 0
}
