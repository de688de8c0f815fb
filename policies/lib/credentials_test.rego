package podauth.lib.credentials_test

import data.podauth.lib.credentials

creds_file := "[default]\naws_access_key_id = AKIAZ7QXFAKEKEY23456\nAWS_Secret_Access_Key=q8Vn3FAKEsecretKEYvalue0123456789abcdEF\n"

config_file := "# shared config\n[profile build]\nrole_arn = arn:aws:iam::111122223333:role/build\ncredential_source = Ec2InstanceMetadata\n"

test_redacted_class if {
	credentials.redacted_class("podauth-redacted:aws-access-key-id") == "aws-access-key-id"
	credentials.redacted_class("podauth-redacted:something-new") == "other"
	not credentials.redacted_class("AKIAZ7QXFAKEKEY23456")
}

test_value_class_credentials_file if {
	credentials.value_class("credentials", creds_file) == "aws-credentials-file"
}

test_value_class_config_file if {
	credentials.value_class("config", config_file) == "aws-config-file"
}

test_value_class_key_id if {
	credentials.value_class("id", "AKIAZ7QXFAKEKEY23456") == "aws-access-key-id"
	credentials.value_class("id", "AKIAIOSFODNN7EXAMPLE") == "other"
}

test_value_class_secret_key_by_name if {
	credentials.value_class("AWS_SECRET_ACCESS_KEY", "q8Vn3FAKEsecretKEYvalue0123456789abcdEF") == "aws-secret-access-key"
	credentials.value_class("secretAccessKey", "x") == "aws-secret-access-key"
	credentials.value_class("secret-access-key", "x") == "aws-secret-access-key"
	credentials.value_class("AWS_SECRET_ACCESS_KEY", "") == "other"
	credentials.value_class("SECRET_KEY", "x") == "other"
}

test_entries_decode_and_redact if {
	es := credentials.entries({
		"kind": "Secret",
		"data": {"credentials": base64.encode(creds_file), "live": "podauth-redacted:aws-secret-access-key", "junk": "%%%"},
		"stringData": {"config.ini": config_file},
	})
	count(es) == 4
	some c in es
	c.key == "credentials"
	c.text == creds_file
	c.class == "aws-credentials-file"
	some l in es
	l.key == "live"
	l.text == null
	l.class == "aws-secret-access-key"
	some j in es
	j.key == "junk"
	j.class == "other"
	some s in es
	s.path == "stringData[\"config.ini\"]"
	s.class == "aws-config-file"
}

test_entries_config_map_plain if {
	es := credentials.entries({"kind": "ConfigMap", "data": {"id": "AKIAZ7QXFAKEKEY23456"}, "binaryData": {"bin": base64.encode(creds_file)}})
	count(es) == 2
	some e in es
	e.path == "data.id"
	e.class == "aws-access-key-id"
	some b in es
	b.path == "binaryData.bin"
	b.class == "aws-credentials-file"
}

test_entries_absent_fields if {
	count(credentials.entries({"kind": "Secret"})) == 0
	count(credentials.entries({"kind": "Secret", "data": null})) == 0
}

test_ini_settings if {
	s := credentials.ini_settings("region = eu-west-1\n[default]\n; comment\nregion=us-east-1\n [ profile  ci ] \r\n Role_ARN = arn:x \r\nnot a pair\n")
	count(s) == 2
	s[0] == {"section": "default", "key": "region", "value": "us-east-1", "line": 3}
	s[1].section == "profile  ci"
	s[1].key == "role_arn"
	s[1].value == "arn:x"
	credentials.profile_name(s[1].section) == "ci"
}

test_ini_settings_not_string if {
	credentials.ini_settings(null) == []
}

test_first_word if {
	credentials.first_word("  Ec2InstanceMetadata   # inline") == "Ec2InstanceMetadata"
}
