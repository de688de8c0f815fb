package podauth.rules.PA104_test

import data.podauth.rules.PA104

secret(meta, data) := object.union({"apiVersion": "v1", "kind": "Secret", "metadata": object.union({"name": "aws-keys", "namespace": "ci"}, meta)}, data)

creds_file := "[default]\naws_access_key_id = AKIAZ7QXFAKEKEY23456\naws_secret_access_key = q8Vn3FAKEsecretKEYvalue0123456789abcdEF\n"

test_akia_and_secret_key_denied if {
	s := secret({}, {"data": {
		"AWS_ACCESS_KEY_ID": base64.encode("AKIAZ7QXFAKEKEY23456"),
		"AWS_SECRET_ACCESS_KEY": base64.encode("q8Vn3FAKEsecretKEYvalue0123456789abcdEF"),
	}})
	r := PA104.deny with input as {"objects": [s]}
	count(r) == 2
	some f in r
	f.path == "data.AWS_ACCESS_KEY_ID"
	contains(f.msg, "AKIA************3456")
	not f.severity
	some g in r
	g.path == "data.AWS_SECRET_ACCESS_KEY"
	not contains(g.msg, "q8Vn3")
}

test_credentials_file_in_string_data_denied if {
	r := PA104.deny with input as {"objects": [secret({}, {"stringData": {"credentials": creds_file}})]}
	count(r) == 1
	some f in r
	f.path == "stringData.credentials"
}

test_redacted_live_values_denied if {
	s := secret({}, {"data": {
		"id": "podauth-redacted:aws-access-key-id",
		"secret": "podauth-redacted:aws-secret-access-key",
		"file": "podauth-redacted:aws-credentials-file",
		"other": "podauth-redacted:other",
	}})
	r := PA104.deny with input as {"objects": [s]}
	count(r) == 3
}

test_temporary_sts_keys_allowed if {
	s := secret({}, {"stringData": {
		"access_key_id": "ASIAZ7QXFAKEKEY23456",
		"secret_access_key": "q8Vn3FAKEsecretKEYvalue0123456789abcdEF",
		"session_token": "FwoGZXIvYXdzEFAKETOKEN",
	}})
	r := PA104.deny with input as {"objects": [s]}
	count(r) == 0
}

test_temporary_credentials_file_allowed if {
	f := "[default]\naws_access_key_id = ASIAZ7QXFAKEKEY23456\naws_secret_access_key = abc\naws_session_token = FwoG\n"
	r := PA104.deny with input as {"objects": [secret({}, {"stringData": {"credentials": f}})]}
	count(r) == 0
}

test_owned_by_external_secret_low if {
	s := secret({"ownerReferences": [{"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret", "name": "ci-aws", "controller": true}]}, {"data": {"AWS_ACCESS_KEY_ID": base64.encode("AKIAZ7QXFAKEKEY23456")}})
	r := PA104.deny with input as {"objects": [s]}
	count(r) == 1
	some f in r
	contains(f.msg, "owned by ExternalSecret \"ci-aws\"")
	f.severity == "low"
}

test_external_secret_target_in_context_low if {
	s := secret({}, {"data": {"AWS_ACCESS_KEY_ID": base64.encode("AKIAZ7QXFAKEKEY23456")}})
	es := {"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret", "metadata": {"name": "ci-aws", "namespace": "ci"}, "spec": {"target": {"name": "aws-keys"}}}
	r := PA104.deny with input as {"objects": [s], "context": [es, s]}
	count(r) == 1
	some f in r
	contains(f.msg, "the target of an ExternalSecret")
	f.severity == "low"
}

test_external_secret_default_target_name if {
	s := secret({}, {"data": {"AWS_ACCESS_KEY_ID": base64.encode("AKIAZ7QXFAKEKEY23456")}})
	es := {"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret", "metadata": {"name": "aws-keys", "namespace": "ci"}, "spec": {}}
	other_ns := {"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret", "metadata": {"name": "x", "namespace": "prod"}, "spec": {"target": {"name": "aws-keys"}}}
	r := PA104.deny with input as {"objects": [s], "context": [es, other_ns]}
	some f in r
	f.severity == "low"
	r2 := PA104.deny with input as {"objects": [s], "context": [other_ns]}
	some g in r2
	not g.severity
}

test_documentation_key_and_other_data_allowed if {
	s := secret({}, {"data": {"AWS_ACCESS_KEY_ID": base64.encode("AKIAIOSFODNN7EXAMPLE"), "password": base64.encode("hunter2"), "bad": "%%%"}})
	r := PA104.deny with input as {"objects": [s]}
	count(r) == 0
}

test_no_data_allowed if {
	r := PA104.deny with input as {"objects": [secret({}, {})]}
	count(r) == 0
}

test_config_map_not_reviewed if {
	r := PA104.deny with input as {"objects": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"AWS_ACCESS_KEY_ID": "AKIAZ7QXFAKEKEY23456"}}]}
	count(r) == 0
}
