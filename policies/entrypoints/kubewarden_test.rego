package podauth.kubewarden_test

import data.podauth.kubewarden

denials := {
	{"rule": "PA101", "ref": 0, "path": "spec.containers[0].env[0].value", "msg": "container \"app\" sets env X"},
	{"rule": "PA301", "ref": 0, "path": "spec.serviceAccountName", "msg": "pod uses the default ServiceAccount"},
}

test_denied_with_every_message if {
	r := kubewarden.response with data.podauth.deny as denials
		with input as {"request": {"uid": "abc"}}
	r.kind == "AdmissionReview"
	r.response.uid == "abc"
	r.response.allowed == false
	r.response.status.message == "[PA101] container \"app\" sets env X, [PA301] pod uses the default ServiceAccount"
}

test_allowed_without_findings if {
	r := kubewarden.response with data.podauth.deny as set()
		with input as {"request": {"uid": "abc"}}
	r.response == {"uid": "abc", "allowed": true}
}

test_enabled_rules_setting if {
	r := kubewarden.response with data.podauth.deny as denials
		with data.enabled_rules as ["PA301"]
	r.response.allowed == false
	r.response.status.message == "[PA301] pod uses the default ServiceAccount"
}

test_disabled_rules_allow if {
	r := kubewarden.response with data.podauth.deny as denials
		with data.enabled_rules as ["PA999"]
	r.response.allowed == true
}

test_opa_mode_reads_parameters_from_settings_in_data if {
	p := data.podauth.lib.objects.parameters with input as {"request": {"object": {}}} with data.account_id as "111122223333"
	p.account_id == "111122223333"
	p.prefer == "irsa"
}
