package podauth.rules.PA502_test

import data.podauth.rules.PA502

ns(annotations) := {"objects": [{
	"apiVersion": "v1",
	"kind": "Namespace",
	"metadata": {"name": "payments", "annotations": annotations},
}]}

test_kube2iam_allowed_roles_denied if {
	r := PA502.deny with input as ns({"iam.amazonaws.com/allowed-roles": "[\"payments-*\"]"})
	count(r) == 1
	some f in r
	f.path == "metadata.annotations[\"iam.amazonaws.com/allowed-roles\"]"
	contains(f.msg, "kube2iam")
	contains(f.msg, "payments")
}

test_kiam_permitted_denied if {
	r := PA502.deny with input as ns({"iam.amazonaws.com/permitted": "arn:aws:iam::111122223333:role/payments-.*"})
	count(r) == 1
	some f in r
	f.path == "metadata.annotations[\"iam.amazonaws.com/permitted\"]"
	contains(f.msg, "KIAM")
}

test_both_annotations_denied_twice if {
	r := PA502.deny with input as ns({"iam.amazonaws.com/permitted": ".*", "iam.amazonaws.com/allowed-roles": "[\"x\"]"})
	count(r) == 2
}

test_other_annotations_allowed if {
	r := PA502.deny with input as ns({
		"iam.amazonaws.com/role": "not-a-namespace-annotation",
		"example.com/iam.amazonaws.com/permitted": "x",
		"scheduler.alpha.kubernetes.io/node-selector": "pool=a",
	})
	count(r) == 0
}

test_no_annotations_allowed if {
	r := PA502.deny with input as {"objects": [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "payments"}}]}
	count(r) == 0
}

# The annotation only means something on a Namespace.
test_other_kind_allowed if {
	r := PA502.deny with input as {"objects": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "annotations": {"iam.amazonaws.com/permitted": ".*"}}}]}
	count(r) == 0
}

test_gatekeeper_review_shape_denied if {
	r := PA502.deny with input as {"review": {"object": ns({"iam.amazonaws.com/permitted": ".*"}).objects[0]}}
	count(r) == 1
}

test_non_string_value_denied if {
	r := PA502.deny with input as ns({"iam.amazonaws.com/permitted": true})
	count(r) == 1
}
