package podauth.rules.PA901_test

import data.podauth.rules.PA901

sa(annotations) := {"objects": [{
	"apiVersion": "v1",
	"kind": "ServiceAccount",
	"metadata": {"name": "app", "namespace": "team", "annotations": annotations},
}]}

test_ignore_without_reason_denied if {
	r := PA901.deny with input as sa({"podauth.io/ignore": "PA302"})
	count(r) == 1
	some f in r
	f.path == "metadata.annotations[\"podauth.io/ignore\"]"
}

test_blank_reason_denied if {
	r := PA901.deny with input as sa({"podauth.io/ignore": "PA302", "podauth.io/ignore-reason": "  "})
	count(r) == 1
}

test_ignore_with_reason_allowed if {
	r := PA901.deny with input as sa({"podauth.io/ignore": "PA302", "podauth.io/ignore-reason": "single-tenant sandbox"})
	count(r) == 0
}

test_no_annotations_allowed if {
	r := PA901.deny with input as {"objects": [{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "x"}}]}
	count(r) == 0
}
