package podauth.rules.PA602_test

import data.podauth.rules.PA602

es(spec) := {"objects": [{
	"apiVersion": "external-secrets.io/v1",
	"kind": "ExternalSecret",
	"metadata": {"name": "db-credentials", "namespace": "team"},
	"spec": object.union({"secretStoreRef": {"name": "aws-sm", "kind": "SecretStore"}, "target": {"name": "db"}}, spec),
}]}

test_zero_interval_denied if {
	r := PA602.deny with input as es({"refreshInterval": "0s"})
	count(r) == 1
	some f in r
	f.path == "spec.refreshInterval"
	contains(f.msg, "ExternalSecret \"db-credentials\"")
}

test_zero_interval_spellings_denied if {
	every v in ["0", "0m", "0h", "0h0m0s", "0.0s", 0] {
		count(PA602.deny) == 1 with input as es({"refreshInterval": v})
	}
}

test_zero_interval_with_periodic_denied if {
	r := PA602.deny with input as es({"refreshInterval": "0", "refreshPolicy": "Periodic"})
	count(r) == 1
}

test_created_once_denied if {
	r := PA602.deny with input as es({"refreshPolicy": "CreatedOnce", "refreshInterval": "1h"})
	count(r) == 1
	some f in r
	f.path == "spec.refreshPolicy"
	contains(f.msg, "CreatedOnce")
}

# One finding, on the policy, when both say "never".
test_created_once_and_zero_interval_single_finding if {
	r := PA602.deny with input as es({"refreshPolicy": "CreatedOnce", "refreshInterval": "0s"})
	count(r) == 1
}

test_on_change_denied if {
	r := PA602.deny with input as es({"refreshPolicy": "OnChange"})
	count(r) == 1
}

test_non_zero_interval_allowed if {
	every v in ["1h", "1h0m0s", "15m", "0h1m0s", "30s"] {
		count(PA602.deny) == 0 with input as es({"refreshInterval": v})
	}
}

test_interval_absent_allowed if {
	r := PA602.deny with input as es({})
	count(r) == 0
}

test_cluster_external_secret_denied if {
	ces := {
		"apiVersion": "external-secrets.io/v1",
		"kind": "ClusterExternalSecret",
		"metadata": {"name": "shared-db"},
		"spec": {
			"namespaceSelectors": [{"matchLabels": {"db": "shared"}}],
			"refreshTime": "1m",
			"externalSecretSpec": {"refreshInterval": "0s", "secretStoreRef": {"name": "aws", "kind": "ClusterSecretStore"}},
		},
	}
	r := PA602.deny with input as {"objects": [ces]}
	count(r) == 1
	some f in r
	f.path == "spec.externalSecretSpec.refreshInterval"
}

test_v1beta1_zero_interval_denied if {
	obj := object.union(es({"refreshInterval": "0s"}).objects[0], {"apiVersion": "external-secrets.io/v1beta1"})
	r := PA602.deny with input as {"objects": [obj]}
	count(r) == 1
}

test_other_group_allowed if {
	obj := object.union(es({"refreshInterval": "0s"}).objects[0], {"apiVersion": "example.com/v1"})
	r := PA602.deny with input as {"objects": [obj]}
	count(r) == 0
}
