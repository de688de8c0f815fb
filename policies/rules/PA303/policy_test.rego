package podauth.rules.PA303_test

import data.podauth.rules.PA303

sa(value) := {"objects": [{
	"apiVersion": "v1",
	"kind": "ServiceAccount",
	"metadata": {"name": "app", "namespace": "team", "annotations": {
		"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/app",
		"eks.amazonaws.com/token-expiration": value,
	}},
}]}

deployment(annotations) := {"objects": [{
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "team"},
	"spec": {"template": {"metadata": {"annotations": annotations}, "spec": {"containers": [{"name": "web"}]}}},
}]}

test_units_denied if {
	r := PA303.deny with input as sa("1h")
	count(r) == 1
	some f in r
	f.path == "metadata.annotations[\"eks.amazonaws.com/token-expiration\"]"
	contains(f.msg, "not a whole number")
}

test_seconds_suffix_denied if {
	r := PA303.deny with input as sa("3600s")
	count(r) == 1
}

test_fraction_denied if {
	r := PA303.deny with input as sa("3600.5")
	count(r) == 1
}

test_below_minimum_denied if {
	r := PA303.deny with input as sa("300")
	count(r) == 1
	some f in r
	contains(f.msg, "raises it to 600")
}

test_negative_denied if {
	r := PA303.deny with input as sa("-1")
	count(r) == 1
}

test_above_maximum_denied if {
	r := PA303.deny with input as sa("172800")
	count(r) == 1
	some f in r
	contains(f.msg, "above the maximum")
}

test_unquoted_number_denied if {
	r := PA303.deny with input as sa(3600)
	count(r) == 1
	some f in r
	contains(f.msg, "not a string")
}

test_bounds_allowed if {
	count(PA303.deny) == 0 with input as sa("600")
	count(PA303.deny) == 0 with input as sa("86400")
	count(PA303.deny) == 0 with input as sa("3600")
}

# ParseInt accepts a sign and leading zeros.
test_sign_and_leading_zeros_allowed if {
	count(PA303.deny) == 0 with input as sa("+3600")
	count(PA303.deny) == 0 with input as sa("03600")
}

test_leading_zeros_below_minimum_denied if {
	r := PA303.deny with input as sa("0000")
	count(r) == 1
}

test_annotation_absent_allowed if {
	r := PA303.deny with input as {"objects": [{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "app"}}]}
	count(r) == 0
}

test_template_annotation_denied if {
	r := PA303.deny with input as deployment({"eks.amazonaws.com/token-expiration": "90000"})
	count(r) == 1
	some f in r
	f.path == "spec.template.metadata.annotations[\"eks.amazonaws.com/token-expiration\"]"
}

test_template_valid_allowed if {
	r := PA303.deny with input as deployment({"eks.amazonaws.com/token-expiration": "7200"})
	count(r) == 0
}

test_template_absent_allowed if {
	r := PA303.deny with input as deployment({})
	count(r) == 0
}
