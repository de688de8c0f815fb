package podauth.rules.PA302_test

import data.podauth.rules.PA302

sa(name, annotations) := {"objects": [{
	"apiVersion": "v1",
	"kind": "ServiceAccount",
	"metadata": {"name": name, "namespace": "team", "annotations": annotations},
}]}

role := {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/team-app"}

test_default_with_role_denied if {
	r := PA302.deny with input as sa("default", role)
	count(r) == 1
	some f in r
	f.path == "metadata.annotations[\"eks.amazonaws.com/role-arn\"]"
	contains(f.msg, "team")
}

test_named_service_account_allowed if {
	r := PA302.deny with input as sa("app", role)
	count(r) == 0
}

test_default_without_annotation_allowed if {
	r := PA302.deny with input as sa("default", {"other": "x"})
	count(r) == 0
}

test_default_empty_annotation_allowed if {
	r := PA302.deny with input as sa("default", {"eks.amazonaws.com/role-arn": ""})
	count(r) == 0
}

test_default_without_annotations_field_allowed if {
	r := PA302.deny with input as {"objects": [{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default"}}]}
	count(r) == 0
}

test_eksctl_default_denied if {
	cfg := {
		"apiVersion": "eksctl.io/v1alpha5",
		"kind": "ClusterConfig",
		"metadata": {"name": "prod", "region": "eu-west-1"},
		"iam": {"withOIDC": true, "serviceAccounts": [
			{"metadata": {"name": "app", "namespace": "team"}, "attachPolicyARNs": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]},
			{"metadata": {"name": "default", "namespace": "team"}, "attachPolicyARNs": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]},
		]},
	}
	r := PA302.deny with input as {"objects": [cfg]}
	count(r) == 1
	some f in r
	f.path == "iam.serviceAccounts[1].metadata.name"
}
