package podauth.rules.PA306_test

import data.podauth.rules.PA306

sa(ns, name) := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": ns}}

deployment(spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "team"},
	"spec": {"template": {"spec": object.union({"containers": [{"name": "web"}]}, spec)}},
}

pod(spec) := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "web-1", "namespace": "team"},
	"spec": object.union({"containers": [{"name": "web"}]}, spec),
}

test_named_missing_denied if {
	d := deployment({"serviceAccountName": "web"})
	r := PA306.deny with input as {"objects": [d], "context": [sa("team", "other"), d]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.serviceAccountName"
	contains(f.msg, "\"web\"")
}

test_deprecated_field_missing_denied if {
	p := pod({"serviceAccount": "web"})
	r := PA306.deny with input as {"objects": [p], "context": [sa("team", "other")]}
	count(r) == 1
	some f in r
	f.path == "spec.serviceAccount"
}

test_named_present_allowed if {
	d := deployment({"serviceAccountName": "web"})
	r := PA306.deny with input as {"objects": [d], "context": [sa("team", "web")]}
	count(r) == 0
}

# Only ServiceAccounts of another namespace in scope: nothing is known about team.
test_namespace_not_in_scope_allowed if {
	d := deployment({"serviceAccountName": "web"})
	r := PA306.deny with input as {"objects": [d], "context": [sa("other", "web")]}
	count(r) == 0
}

test_no_context_allowed if {
	r := PA306.deny with input as {"objects": [deployment({"serviceAccountName": "web"})]}
	count(r) == 0
}

test_default_offline_allowed if {
	r := PA306.deny with input as {"objects": [deployment({})], "context": [sa("team", "other")]}
	count(r) == 0
}

test_default_complete_inventory_denied if {
	r := PA306.deny with input as {"objects": [deployment({})], "context": [sa("team", "other")], "parameters": {"inventory_complete": true}}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec"
}

test_default_complete_inventory_present_allowed if {
	r := PA306.deny with input as {"objects": [deployment({})], "context": [sa("team", "default")], "parameters": {"inventory_complete": true}}
	count(r) == 0
}

test_eksctl_created_allowed if {
	cfg := {"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig", "metadata": {"name": "prod"}, "iam": {
		"serviceAccounts": [{"metadata": {"name": "web", "namespace": "team"}}],
		"podIdentityAssociations": [{"namespace": "team", "serviceAccountName": "jobs", "createServiceAccount": true, "roleARN": "arn:aws:iam::111122223333:role/jobs"}],
	}}
	ctx := [sa("team", "other"), cfg]
	count(PA306.deny) == 0 with input as {"objects": [deployment({"serviceAccountName": "web"})], "context": ctx}
	count(PA306.deny) == 0 with input as {"objects": [deployment({"serviceAccountName": "jobs"})], "context": ctx}
	count(PA306.deny) == 1 with input as {"objects": [deployment({"serviceAccountName": "api"})], "context": ctx}
}

# Gatekeeper: the namespace's ServiceAccounts come from data.inventory.
test_gatekeeper_inventory_missing_denied if {
	inv := {"namespace": {"team": {"v1": {"ServiceAccount": {"other": {"metadata": {"name": "other", "namespace": "team"}}}}}}}
	r := PA306.deny with input as {"review": {"object": pod({"serviceAccountName": "app"})}} with data.inventory as inv
	count(r) == 1
}

test_gatekeeper_inventory_present_allowed if {
	inv := {"namespace": {"team": {"v1": {"ServiceAccount": {"app": {"metadata": {"name": "app", "namespace": "team"}}}}}}}
	r := PA306.deny with input as {"review": {"object": pod({"serviceAccountName": "app"})}} with data.inventory as inv
	count(r) == 0
}

test_gatekeeper_inventory_without_service_accounts_allowed if {
	inv := {"namespace": {"team": {"v1": {"ConfigMap": {"cfg": {"metadata": {"name": "cfg", "namespace": "team"}}}}}}}
	r := PA306.deny with input as {"review": {"object": pod({"serviceAccountName": "app"})}} with data.inventory as inv
	count(r) == 0
}
