package podauth.rules.PA311_test

import data.podauth.rules.PA311

sa(ns, name, role) := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": ns, "annotations": {"eks.amazonaws.com/role-arn": sprintf("arn:aws:iam::111122223333:role/%s", [role])}}}

association(ns, name, role) := {
	"apiVersion": "eks.services.k8s.aws/v1alpha1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": name, "namespace": ns},
	"spec": {"clusterName": "prod", "namespace": ns, "serviceAccount": name, "roleARN": sprintf("arn:aws:iam::111122223333:role/%s", [role])},
}

run(objects) := r if {
	r := PA311.deny with input as {"objects": objects, "context": objects}
}

test_shared_across_namespaces_reported_once if {
	objects := [sa("fulfilment", "worker", "shop"), sa("checkout", "api", "shop"), association("search", "indexer", "shop")]
	r := run(objects)
	count(r) == 1
	some f in r
	# The first binding in (namespace, ServiceAccount) order: checkout/api.
	f.ref == 1
	contains(f.msg, "3 namespaces")
	contains(f.msg, "search/indexer (Pod Identity)")
}

test_same_namespace_allowed if {
	count(run([sa("checkout", "api", "checkout"), sa("checkout", "api-canary", "checkout")])) == 0
}

test_different_roles_allowed if {
	count(run([sa("checkout", "api", "checkout"), sa("fulfilment", "worker", "fulfilment")])) == 0
}

# Sharded evaluation: the anchor outside this shard's review reports nothing here.
test_anchor_in_another_shard_silent if {
	objects := [sa("fulfilment", "worker", "shop"), sa("checkout", "api", "shop")]
	r := PA311.deny with input as {"objects": [objects[0]], "context": objects}
	count(r) == 0
}
