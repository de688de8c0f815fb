package podauth.gatekeeper_test

import data.podauth.gatekeeper

denials := {
	{"rule": "PA101", "ref": 0, "path": "spec.containers[0].env[0].value", "msg": "container \"app\" sets env X"},
	{"rule": "PA301", "ref": 0, "path": "spec.serviceAccountName", "msg": "pod uses the default ServiceAccount"},
}

pod := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "p", "namespace": "team-a"},
	"spec": {"containers": [
		{"name": "app", "image": "registry.example/app:1"},
		{"name": "sidecar", "image": "registry.example/proxy:2"},
	]},
}

review(params) := {"review": {"object": pod}, "parameters": params}

test_violation_names_the_rule if {
	v := gatekeeper.violation with data.podauth.deny as denials
	count(v) == 2
	some x in v
	x.msg == "[PA101] container \"app\" sets env X"
	x.details == {"rule": "PA101", "path": "spec.containers[0].env[0].value"}
}

test_enabled_rules_filter if {
	v := gatekeeper.violation with data.podauth.deny as denials
		with input as {"parameters": {"enabled_rules": ["pa301"]}}
	count(v) == 1
	some x in v
	x.details.rule == "PA301"
}

test_camel_case_enabled_rules_filter if {
	v := gatekeeper.violation with data.podauth.deny as denials
		with input as {"parameters": {"enabledRules": ["PA101"]}}
	[x.details.rule | some x in v] == ["PA101"]
}

test_no_findings_no_violation if {
	v := gatekeeper.violation with data.podauth.deny as set()
	count(v) == 0
}

test_exempt_namespace_glob if {
	v := gatekeeper.violation with data.podauth.deny as denials
		with input as review({"exemptNamespaces": ["team-*"]})
	count(v) == 0
}

test_other_namespace_not_exempt if {
	v := gatekeeper.violation with data.podauth.deny as denials
		with input as review({"exemptNamespaces": ["team-b", "kube-*"]})
	count(v) == 2
}

test_exempt_image_drops_only_its_container if {
	v := gatekeeper.violation with data.podauth.deny as denials
		with input as review({"exemptImages": ["registry.example/app:*"]})
	[x.details.rule | some x in v] == ["PA301"]
}

test_container_index_prefix_is_not_a_match if {
	deny := {{"rule": "PA101", "ref": 0, "path": "spec.containers[1].env[0].value", "msg": "m"}}
	v := gatekeeper.violation with data.podauth.deny as deny
		with input as review({"exemptImages": ["registry.example/app:1"]})
	count(v) == 1
}

test_pod_level_finding_exempt_when_every_image_is if {
	v := gatekeeper.violation with data.podauth.deny as denials
		with input as review({"exemptImages": ["registry.example/*"]})
	count(v) == 0
}
