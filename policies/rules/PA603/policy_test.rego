package podauth.rules.PA603_test

import data.podauth.rules.PA603

obj(api_version, kind) := {"objects": [{
	"apiVersion": api_version,
	"kind": kind,
	"metadata": {"name": "db", "namespace": "team"},
	"spec": {},
}]}

test_v1beta1_external_secret_denied if {
	r := PA603.deny with input as obj("external-secrets.io/v1beta1", "ExternalSecret")
	count(r) == 1
	some f in r
	f.path == "apiVersion"
	contains(f.msg, "ExternalSecret \"db\"")
	contains(f.msg, "external-secrets.io/v1beta1")
}

test_v1beta1_every_kind_denied if {
	every kind in ["ExternalSecret", "ClusterExternalSecret", "SecretStore", "ClusterSecretStore"] {
		count(PA603.deny) == 1 with input as obj("external-secrets.io/v1beta1", kind)
	}
}

test_v1alpha1_store_denied if {
	r := PA603.deny with input as obj("external-secrets.io/v1alpha1", "SecretStore")
	count(r) == 1
}

test_v1_allowed if {
	every kind in ["ExternalSecret", "ClusterExternalSecret", "SecretStore", "ClusterSecretStore"] {
		count(PA603.deny) == 0 with input as obj("external-secrets.io/v1", kind)
	}
}

# PushSecret is still v1alpha1; generators live in another group.
test_current_v1alpha1_kinds_allowed if {
	count(PA603.deny) == 0 with input as obj("external-secrets.io/v1alpha1", "PushSecret")
	count(PA603.deny) == 0 with input as obj("generators.external-secrets.io/v1alpha1", "ECRAuthorizationToken")
}

test_other_group_allowed if {
	r := PA603.deny with input as obj("example.com/v1beta1", "ExternalSecret")
	count(r) == 0
}

test_api_version_absent_allowed if {
	r := PA603.deny with input as {"objects": [{"kind": "ExternalSecret", "metadata": {"name": "x"}}]}
	count(r) == 0
}
