package podauth.gatekeeper_test

import data.podauth.gatekeeper

denials := {
	{"rule": "PA101", "ref": 0, "path": "spec.containers[0].env[0].value", "msg": "container \"app\" sets env X"},
	{"rule": "PA301", "ref": 0, "path": "spec.serviceAccountName", "msg": "pod uses the default ServiceAccount"},
}

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

test_no_findings_no_violation if {
	v := gatekeeper.violation with data.podauth.deny as set()
	count(v) == 0
}
