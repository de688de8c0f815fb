package podauth.rules.PA701_test

import data.podauth.rules.PA701

node_rooted := "[profile reports]\nrole_arn = arn:aws:iam::444455556666:role/reports-reader\ncredential_source = Ec2InstanceMetadata\nregion = eu-west-1\n"

cm(data) := {"objects": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "aws-config", "namespace": "reports"}, "data": data}]}

test_config_map_denied if {
	r := PA701.deny with input as cm({"config": node_rooted})
	count(r) == 1
	some f in r
	f.path == "data.config"
	contains(f.msg, "profile \"reports\"")
	contains(f.msg, "ConfigMap \"aws-config\"")
}

test_secret_base64_denied if {
	s := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "aws-config"}, "data": {"config": base64.encode(node_rooted)}}
	r := PA701.deny with input as {"objects": [s]}
	count(r) == 1
}

test_secret_string_data_default_profile_denied if {
	text := "[default]\n  ROLE_ARN=arn:aws:iam::444455556666:role/x\r\n Credential_Source =  ec2instancemetadata   # node role\r\n"
	s := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "aws-config"}, "stringData": {"config": text}}
	r := PA701.deny with input as {"objects": [s]}
	count(r) == 1
	some f in r
	f.path == "stringData.config"
	contains(f.msg, "profile \"default\"")
}

test_two_profiles_two_findings if {
	text := concat("", [node_rooted, "[profile other]\ncredential_source = Ec2InstanceMetadata\nrole_arn = arn:aws:iam::444455556666:role/other\n"])
	r := PA701.deny with input as cm({"config": text})
	count(r) == 2
}

test_settings_in_different_profiles_allowed if {
	text := "[profile a]\nrole_arn = arn:aws:iam::444455556666:role/x\nsource_profile = b\n[profile b]\ncredential_source = Ec2InstanceMetadata\n"
	r := PA701.deny with input as cm({"config": text})
	count(r) == 0
}

test_web_identity_source_allowed if {
	text := "[profile reports]\nrole_arn = arn:aws:iam::444455556666:role/reports-reader\nweb_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token\n"
	r := PA701.deny with input as cm({"config": text})
	count(r) == 0
}

test_ecs_container_source_allowed if {
	text := "[profile reports]\nrole_arn = arn:aws:iam::444455556666:role/reports-reader\ncredential_source = EcsContainer\n# credential_source = Ec2InstanceMetadata\n"
	r := PA701.deny with input as cm({"config": text})
	count(r) == 0
}

test_redacted_secret_skipped if {
	s := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "aws-config"}, "data": {"config": "podauth-redacted:aws-config-file"}}
	r := PA701.deny with input as {"objects": [s]}
	count(r) == 0
}

test_no_data_allowed if {
	r := PA701.deny with input as {"objects": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}]}
	count(r) == 0
}
