package podauth.rules.PA801_test

import data.podauth.rules.PA801

ns(labels) := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": labels}}

deploy(namespace) := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": namespace}, "spec": {"template": {"spec": {"containers": [{"name": "web"}]}}}}

test_missing_label_denied if {
	r := PA801.deny with input as {"objects": [ns({"team": "shop"}), deploy("shop")]}
	count(r) == 1
	some f in r
	f.ref == 0
	f.path == "metadata.labels"
	contains(f.msg, "Namespace \"shop\"")
}

test_privileged_level_denied if {
	r := PA801.deny with input as {"objects": [ns({"pod-security.kubernetes.io/enforce": "privileged"}), deploy("shop")]}
	count(r) == 1
	some f in r
	f.path == "metadata.labels[\"pod-security.kubernetes.io/enforce\"]"
	contains(f.msg, "\"privileged\"")
}

test_warn_only_denied if {
	r := PA801.deny with input as {"objects": [ns({"pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted"}), deploy("shop")]}
	count(r) == 1
}

test_labels_absent_denied if {
	n := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
	r := PA801.deny with input as {"objects": [n, deploy("shop")]}
	count(r) == 1
}

test_baseline_allowed if {
	r := PA801.deny with input as {"objects": [ns({"pod-security.kubernetes.io/enforce": "baseline"}), deploy("shop")]}
	count(r) == 0
}

test_restricted_allowed if {
	r := PA801.deny with input as {"objects": [ns({"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest"}), deploy("shop")]}
	count(r) == 0
}

test_namespace_without_workloads_allowed if {
	r := PA801.deny with input as {"objects": [ns({}), deploy("other")]}
	count(r) == 0
}

test_default_namespace_workload if {
	n := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}}
	r := PA801.deny with input as {"objects": [n, pod]}
	count(r) == 1
}
