package podauth.rules.PA601_test

import data.podauth.rules.PA601

store(kind, api_version, aws) := {"objects": [{
	"apiVersion": api_version,
	"kind": kind,
	"metadata": {"name": "aws-sm", "namespace": "team"},
	"spec": {"provider": {"aws": aws}},
}]}

static_auth := {"secretRef": {
	"accessKeyIDSecretRef": {"name": "aws-user-keys", "key": "access-key-id"},
	"secretAccessKeySecretRef": {"name": "aws-user-keys", "key": "secret-access-key"},
}}

test_secret_store_static_keys_denied if {
	r := PA601.deny with input as store("SecretStore", "external-secrets.io/v1", {"service": "SecretsManager", "region": "eu-west-1", "auth": static_auth})
	count(r) == 1
	some f in r
	f.path == "spec.provider.aws.auth.secretRef"
	contains(f.msg, "SecretStore \"aws-sm\"")
	contains(f.msg, "aws-user-keys")
}

test_cluster_store_v1beta1_static_keys_denied if {
	r := PA601.deny with input as store("ClusterSecretStore", "external-secrets.io/v1beta1", {"service": "ParameterStore", "region": "eu-west-1", "role": "arn:aws:iam::111122223333:role/reader", "auth": static_auth})
	count(r) == 1
	some f in r
	contains(f.msg, "ClusterSecretStore")
}

test_jwt_auth_allowed if {
	r := PA601.deny with input as store("SecretStore", "external-secrets.io/v1", {"service": "SecretsManager", "region": "eu-west-1", "auth": {"jwt": {"serviceAccountRef": {"name": "eso-reader"}}}})
	count(r) == 0
}

# ESO prefers jwt when both are set.
test_jwt_and_secret_ref_allowed if {
	r := PA601.deny with input as store("SecretStore", "external-secrets.io/v1", {"region": "eu-west-1", "auth": object.union(static_auth, {"jwt": {"serviceAccountRef": {"name": "eso-reader"}}})})
	count(r) == 0
}

test_no_auth_allowed if {
	r := PA601.deny with input as store("ClusterSecretStore", "external-secrets.io/v1", {"service": "SecretsManager", "region": "eu-west-1"})
	count(r) == 0
}

test_other_provider_allowed if {
	s := {"objects": [{
		"apiVersion": "external-secrets.io/v1",
		"kind": "SecretStore",
		"metadata": {"name": "vault"},
		"spec": {"provider": {"vault": {"server": "https://vault.example.com", "auth": {"tokenSecretRef": {"name": "vault-token", "key": "token"}}}}},
	}]}
	r := PA601.deny with input as s
	count(r) == 0
}

test_other_group_allowed if {
	r := PA601.deny with input as store("SecretStore", "example.com/v1", {"auth": static_auth})
	count(r) == 0
}

test_gatekeeper_review_shape_denied if {
	r := PA601.deny with input as {"review": {"object": store("SecretStore", "external-secrets.io/v1", {"region": "us-east-1", "auth": static_auth}).objects[0]}}
	count(r) == 1
}
