package podauth.rules.PA401_test

import data.podauth.rules.PA401

sa(ns, name) := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": ns}}

ack(sa_name) := {
	"apiVersion": "eks.services.k8s.aws/v1alpha1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": "app", "namespace": "team"},
	"spec": {"clusterName": "prod", "namespace": "team", "serviceAccount": sa_name, "roleARN": "arn:aws:iam::111122223333:role/app"},
}

crossplane(sa_name) := {
	"apiVersion": "eks.aws.m.upbound.io/v1beta1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": "team-app", "namespace": "infra"},
	"spec": {"forProvider": {"clusterName": "prod", "region": "eu-west-1", "namespace": "team", "serviceAccount": sa_name, "roleArn": "arn:aws:iam::111122223333:role/app"}},
}

test_ack_orphaned_denied if {
	r := PA401.deny with input as {"objects": [ack("app")], "context": [ack("app"), sa("team", "worker")]}
	count(r) == 1
	some f in r
	f.path == "spec.serviceAccount"
	contains(f.msg, "\"app\"")
}

test_crossplane_orphaned_denied if {
	r := PA401.deny with input as {"objects": [crossplane("app")], "context": [sa("team", "worker")]}
	count(r) == 1
	some f in r
	f.path == "spec.forProvider.serviceAccount"
}

test_ack_present_allowed if {
	r := PA401.deny with input as {"objects": [ack("app")], "context": [ack("app"), sa("team", "app")]}
	count(r) == 0
}

# No ServiceAccount of namespace team in scope: the absence means nothing.
test_namespace_not_in_scope_allowed if {
	r := PA401.deny with input as {"objects": [ack("app")], "context": [ack("app"), sa("other", "app")]}
	count(r) == 0
}

test_no_context_allowed if {
	r := PA401.deny with input as {"objects": [ack("app")]}
	count(r) == 0
}

test_eksctl_entries if {
	cfg := {"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig", "metadata": {"name": "prod"}, "iam": {
		"serviceAccounts": [{"metadata": {"name": "declared", "namespace": "team"}}],
		"podIdentityAssociations": [
			{"namespace": "team", "serviceAccountName": "created", "createServiceAccount": true, "roleARN": "arn:aws:iam::111122223333:role/a"},
			{"namespace": "team", "serviceAccountName": "declared", "roleARN": "arn:aws:iam::111122223333:role/b"},
			{"namespace": "team", "serviceAccountName": "present", "roleARN": "arn:aws:iam::111122223333:role/c"},
			{"namespace": "team", "serviceAccountName": "missing", "roleARN": "arn:aws:iam::111122223333:role/d"},
		],
	}}
	r := PA401.deny with input as {"objects": [cfg], "context": [cfg, sa("team", "present")]}
	count(r) == 1
	some f in r
	f.path == "iam.podIdentityAssociations[3].serviceAccountName"
}

# Gatekeeper: the association is reviewed, ServiceAccounts come from data.inventory.
test_gatekeeper_inventory_missing_denied if {
	inv := {"namespace": {"team": {"v1": {"ServiceAccount": {"worker": {"metadata": {"name": "worker", "namespace": "team"}}}}}}}
	r := PA401.deny with input as {"review": {"object": ack("app")}} with data.inventory as inv
	count(r) == 1
}

test_gatekeeper_inventory_present_allowed if {
	inv := {"namespace": {"team": {"v1": {"ServiceAccount": {"app": {"metadata": {"name": "app", "namespace": "team"}}}}}}}
	r := PA401.deny with input as {"review": {"object": ack("app")}} with data.inventory as inv
	count(r) == 0
}

test_gatekeeper_empty_inventory_allowed if {
	r := PA401.deny with input as {"review": {"object": ack("app")}} with data.inventory as {}
	count(r) == 0
}
