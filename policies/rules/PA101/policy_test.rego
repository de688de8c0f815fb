package podauth.rules.PA101_test

import data.podauth.rules.PA101

pod(env) := {"objects": [{
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "app", "namespace": "team"},
	"spec": {"containers": [{"name": "app", "image": "app:1", "env": env}]},
}]}

test_literal_access_key_id_denied if {
	r := PA101.deny with input as pod([{"name": "AWS_ACCESS_KEY_ID", "value": "AKIAZ7QXFAKEKEY23456"}])
	count(r) == 1
	some f in r
	f.path == "spec.containers[0].env[0].value"
	contains(f.msg, "AKIA************3456")
	not contains(f.msg, "AKIAZ7QXFAKEKEY23456")
}

test_key_id_inside_other_value_denied if {
	r := PA101.deny with input as pod([{"name": "S3_URL", "value": "s3://AKIAZ7QXFAKEKEY23456:x@bucket"}])
	count(r) == 1
}

test_literal_secret_key_denied if {
	r := PA101.deny with input as pod([{"name": "AWS_SECRET_ACCESS_KEY", "value": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY123"}])
	count(r) == 1
	some f in r
	not contains(f.msg, "wJalrXUtnFEMI")
}

test_session_token_denied if {
	r := PA101.deny with input as pod([{"name": "AWS_SESSION_TOKEN", "value": "FwoGZXIvYXdzEXAMPLETOKEN"}])
	count(r) == 1
}

test_documentation_key_allowed if {
	r := PA101.deny with input as pod([{"name": "AWS_ACCESS_KEY_ID", "value": "AKIAIOSFODNN7EXAMPLE"}])
	count(r) == 0
}

test_var_reference_allowed if {
	r := PA101.deny with input as pod([{"name": "AWS_SECRET_ACCESS_KEY", "value": "$(AWS_SECRET_FROM_ENVFROM)"}])
	count(r) == 0
}

test_secret_key_ref_allowed if {
	r := PA101.deny with input as pod([{"name": "AWS_SECRET_ACCESS_KEY", "valueFrom": {"secretKeyRef": {"name": "aws", "key": "secret"}}}])
	count(r) == 0
}

test_empty_value_allowed if {
	r := PA101.deny with input as pod([{"name": "AWS_SECRET_ACCESS_KEY", "value": ""}])
	count(r) == 0
}

test_env_absent_allowed if {
	r := PA101.deny with input as {"objects": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}]}
	count(r) == 0
}

test_init_container_in_cronjob_denied if {
	cj := {
		"apiVersion": "batch/v1",
		"kind": "CronJob",
		"metadata": {"name": "backup"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "fetch", "env": [{"name": "KEY", "value": "ASIAZ7QXFAKEKEY23456"}]}],
			"containers": [{"name": "main"}],
		}}}}},
	}
	r := PA101.deny with input as {"objects": [cj]}
	some f in r
	f.path == "spec.jobTemplate.spec.template.spec.initContainers[0].env[0].value"
}

test_gatekeeper_review_shape_denied if {
	r := PA101.deny with input as {"review": {"object": pod([{"name": "AWS_ACCESS_KEY_ID", "value": "AKIAZ7QXFAKEKEY23456"}]).objects[0]}}
	count(r) == 1
}
