package podauth.rules.PA102_test

import data.podauth.rules.PA102

cm(data) := {"objects": [{
	"apiVersion": "v1",
	"kind": "ConfigMap",
	"metadata": {"name": "app-config", "namespace": "team"},
	"data": data,
}]}

test_access_key_id_denied if {
	r := PA102.deny with input as cm({"AWS_ACCESS_KEY_ID": "AKIAZ7QXFAKEKEY23456", "LOG_LEVEL": "info"})
	count(r) == 1
	some f in r
	f.path == "data.AWS_ACCESS_KEY_ID"
	contains(f.msg, "AKIA************3456")
	not contains(f.msg, "AKIAZ7QXFAKEKEY23456")
}

test_key_id_inside_url_denied if {
	r := PA102.deny with input as cm({"backup.url": "s3://AKIAZ7QXFAKEKEY23456:x@bucket/path"})
	count(r) == 1
	some f in r
	f.path == "data[\"backup.url\"]"
}

test_secret_key_entry_denied if {
	r := PA102.deny with input as cm({"AWS_SECRET_ACCESS_KEY": "q8Vn3FAKEsecretKEYvalue0123456789abcdEF"})
	count(r) == 1
	some f in r
	not contains(f.msg, "q8Vn3")
	contains(f.msg, "39 characters")
}

test_credentials_file_denied if {
	r := PA102.deny with input as cm({"credentials": "[default]\naws_access_key_id = AKIAZ7QXFAKEKEY23456\naws_secret_access_key = q8Vn3FAKEsecretKEYvalue0123456789abcdEF\n"})
	count(r) == 1
	some f in r
	contains(f.msg, "credentials file")
}

test_binary_data_denied if {
	obj := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "bin"}, "binaryData": {"creds": base64.encode("[default]\naws_secret_access_key=abc\n")}}
	r := PA102.deny with input as {"objects": [obj]}
	some f in r
	f.path == "binaryData.creds"
}

test_documentation_key_allowed if {
	r := PA102.deny with input as cm({"EXAMPLE": "AKIAIOSFODNN7EXAMPLE"})
	count(r) == 0
}

test_region_and_config_file_allowed if {
	r := PA102.deny with input as cm({"AWS_REGION": "eu-west-1", "config": "[profile app]\nregion = eu-west-1\nrole_arn = arn:aws:iam::111122223333:role/app\nweb_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token\n"})
	count(r) == 0
}

test_var_reference_and_empty_allowed if {
	r := PA102.deny with input as cm({"AWS_SECRET_ACCESS_KEY": "$(FROM_SECRET)", "aws_secret_access_key": ""})
	count(r) == 0
}

test_data_absent_allowed if {
	r := PA102.deny with input as {"objects": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "empty"}}]}
	count(r) == 0
}

test_secret_not_reviewed_by_this_rule if {
	r := PA102.deny with input as {"objects": [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"AWS_ACCESS_KEY_ID": "AKIAZ7QXFAKEKEY23456"}}]}
	count(r) == 0
}
