package podauth.rules.PA103_test

import data.podauth.rules.PA103

deployment(container, volumes) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "uploader", "namespace": "media"},
	"spec": {"template": {"spec": {"containers": [object.union({"name": "app", "image": "app:1"}, container)], "volumes": volumes}}},
}

creds_file := "[default]\naws_access_key_id = AKIAZ7QXFAKEKEY23456\naws_secret_access_key = q8Vn3FAKEsecretKEYvalue0123456789abcdEF\n"

secret(name, data) := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": "media"}, "data": data}

test_secret_key_ref_denied if {
	d := deployment({"env": [
		{"name": "AWS_REGION", "value": "eu-west-1"},
		{"name": "AWS_ACCESS_KEY_ID", "valueFrom": {"secretKeyRef": {"name": "aws", "key": "id"}}},
		{"name": "AWS_SECRET_ACCESS_KEY", "valueFrom": {"secretKeyRef": {"name": "aws", "key": "secret"}}},
	]}, [])
	r := PA103.deny with input as {"objects": [d]}
	count(r) == 2
	some f in r
	f.path == "spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef"
	contains(f.msg, "Deployment \"uploader\"")
}

test_other_secret_key_ref_allowed if {
	d := deployment({"env": [
		{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
		{"name": "AWS_ACCESS_KEY_ID", "value": "$(FROM_ELSEWHERE)"},
	]}, [])
	r := PA103.deny with input as {"objects": [d]}
	count(r) == 0
}

test_env_from_secret_denied if {
	d := deployment({"envFrom": [{"configMapRef": {"name": "cfg"}}, {"secretRef": {"name": "aws"}}]}, [])
	s := secret("aws", {"AWS_ACCESS_KEY_ID": base64.encode("AKIAZ7QXFAKEKEY23456"), "AWS_SECRET_ACCESS_KEY": "podauth-redacted:aws-secret-access-key"})
	r := PA103.deny with input as {"objects": [d], "context": [s]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].envFrom[1].secretRef"
	contains(f.msg, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
}

test_env_from_prefix_denied if {
	d := deployment({"envFrom": [{"prefix": "AWS_", "secretRef": {"name": "aws"}}]}, [])
	s := secret("aws", {"ACCESS_KEY_ID": "podauth-redacted:aws-access-key-id"})
	r := PA103.deny with input as {"objects": [d], "context": [s]}
	count(r) == 1
}

test_env_from_secret_without_keys_allowed if {
	d := deployment({"envFrom": [{"secretRef": {"name": "db"}}]}, [])
	s := secret("db", {"PASSWORD": base64.encode("hunter2")})
	r := PA103.deny with input as {"objects": [d], "context": [s]}
	count(r) == 0
}

test_env_from_secret_missing_from_context_allowed if {
	d := deployment({"envFrom": [{"secretRef": {"name": "aws"}}]}, [])
	r := PA103.deny with input as {"objects": [d], "context": []}
	count(r) == 0
}

test_mounted_credentials_file_denied if {
	d := deployment({"volumeMounts": [{"name": "aws", "mountPath": "/root/.aws", "readOnly": true}]}, [{"name": "aws", "secret": {"secretName": "aws-creds"}}])
	s := secret("aws-creds", {"credentials": base64.encode(creds_file)})
	r := PA103.deny with input as {"objects": [d], "context": [s]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].volumeMounts[0]"
	contains(f.msg, "/root/.aws/credentials (the default ~/.aws/credentials)")
	not contains(f.msg, "q8Vn3")
}

test_mounted_credentials_file_via_env_denied if {
	d := deployment({
		"env": [{"name": "AWS_SHARED_CREDENTIALS_FILE", "value": "/etc/aws/creds.ini"}],
		"volumeMounts": [{"name": "aws", "mountPath": "/etc/aws/creds.ini", "subPath": "creds.ini"}],
	}, [{"name": "aws", "projected": {"sources": [{"secret": {"name": "aws-creds", "items": [{"key": "credentials", "path": "creds.ini"}]}}]}}])
	s := secret("aws-creds", {"credentials": "podauth-redacted:aws-credentials-file"})
	r := PA103.deny with input as {"objects": [d], "context": [s]}
	count(r) == 1
	some f in r
	contains(f.msg, "(AWS_SHARED_CREDENTIALS_FILE=/etc/aws/creds.ini)")
}

test_items_excluding_credentials_allowed if {
	d := deployment({"volumeMounts": [{"name": "aws", "mountPath": "/etc/aws"}]}, [{"name": "aws", "secret": {"secretName": "aws-creds", "items": [{"key": "ca.pem", "path": "ca.pem"}]}}])
	s := secret("aws-creds", {"credentials": base64.encode(creds_file), "ca.pem": base64.encode("cert")})
	r := PA103.deny with input as {"objects": [d], "context": [s]}
	count(r) == 0
}

test_sub_path_of_other_key_allowed if {
	d := deployment({"volumeMounts": [{"name": "aws", "mountPath": "/etc/ca.pem", "subPath": "ca.pem"}]}, [{"name": "aws", "secret": {"secretName": "aws-creds"}}])
	s := secret("aws-creds", {"credentials": base64.encode(creds_file), "ca.pem": base64.encode("cert")})
	r := PA103.deny with input as {"objects": [d], "context": [s]}
	count(r) == 0
}

test_mounted_config_file_only_allowed if {
	d := deployment({"volumeMounts": [{"name": "aws", "mountPath": "/root/.aws"}]}, [{"name": "aws", "secret": {"secretName": "aws-config"}}])
	s := secret("aws-config", {"config": base64.encode("[default]\nregion = eu-west-1\n")})
	r := PA103.deny with input as {"objects": [d], "context": [s]}
	count(r) == 0
}

test_unmounted_secret_volume_allowed if {
	d := deployment({}, [{"name": "aws", "secret": {"secretName": "aws-creds"}}])
	s := secret("aws-creds", {"credentials": base64.encode(creds_file)})
	r := PA103.deny with input as {"objects": [d], "context": [s]}
	count(r) == 0
}

test_shared_credentials_env_into_unknown_secret_denied if {
	d := deployment({
		"env": [{"name": "AWS_SHARED_CREDENTIALS_FILE", "value": "/var/aws/credentials"}],
		"volumeMounts": [{"name": "aws", "mountPath": "/var/aws/"}],
	}, [{"name": "aws", "secret": {"secretName": "aws-creds"}}])
	r := PA103.deny with input as {"objects": [d]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].env[0].value"
}

test_shared_credentials_env_outside_secret_allowed if {
	d := deployment({
		"env": [{"name": "AWS_SHARED_CREDENTIALS_FILE", "value": "/var/aws/credentials"}],
		"volumeMounts": [{"name": "aws", "mountPath": "/var/aws-other"}],
	}, [{"name": "aws", "secret": {"secretName": "aws-creds"}}])
	r := PA103.deny with input as {"objects": [d]}
	count(r) == 0
}

test_no_env_or_volumes_allowed if {
	r := PA103.deny with input as {"objects": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}]}
	count(r) == 0
}
