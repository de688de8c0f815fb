package podauth.rules.PA402_test

import data.podauth.rules.PA402

sa := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "app", "namespace": "team"}}

association := {
	"apiVersion": "eks.services.k8s.aws/v1alpha1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": "app", "namespace": "team"},
	"spec": {"clusterName": "prod", "namespace": "team", "serviceAccount": "app", "roleARN": "arn:aws:iam::111122223333:role/app"},
}

deployment(labels, spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "team"},
	"spec": {"template": {
		"metadata": {"labels": labels},
		"spec": object.union({"serviceAccountName": "app", "containers": [{"name": "web"}]}, spec),
	}},
}

with_association(obj) := {"objects": [obj], "context": [sa, association]}

test_fargate_node_selector_denied if {
	d := deployment({"app": "web"}, {"nodeSelector": {"eks.amazonaws.com/compute-type": "fargate"}})
	r := PA402.deny with input as with_association(d)
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.nodeSelector[\"eks.amazonaws.com/compute-type\"]"
	contains(f.msg, "Fargate")
}

test_fargate_profile_label_denied if {
	p := {
		"apiVersion": "v1",
		"kind": "Pod",
		"metadata": {"name": "web-1", "namespace": "team", "labels": {"eks.amazonaws.com/fargate-profile": "fp-default"}},
		"spec": {"serviceAccountName": "app", "containers": [{"name": "web", "env": [
			{"name": "AWS_CONTAINER_CREDENTIALS_FULL_URI", "value": "http://169.254.170.23/v1/credentials"},
		]}]},
	}
	r := PA402.deny with input as {"objects": [p]}
	count(r) == 1
	some f in r
	f.path == "metadata.labels[\"eks.amazonaws.com/fargate-profile\"]"
}

test_windows_node_selector_denied if {
	d := deployment({}, {"nodeSelector": {"kubernetes.io/os": "windows"}})
	r := PA402.deny with input as with_association(d)
	count(r) == 1
	some f in r
	contains(f.msg, "Windows")
}

test_windows_beta_label_denied if {
	d := deployment({}, {"nodeSelector": {"beta.kubernetes.io/os": "windows"}})
	r := PA402.deny with input as with_association(d)
	count(r) == 1
}

test_windows_affinity_denied if {
	aff := {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
		{"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["windows"]}]},
	]}}}
	d := deployment({}, {"affinity": aff})
	r := PA402.deny with input as with_association(d)
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
}

# An affinity term that also allows Linux does not pin the pod to Windows.
test_mixed_affinity_allowed if {
	aff := {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
		{"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["linux", "windows"]}]},
	]}}}
	d := deployment({}, {"affinity": aff})
	r := PA402.deny with input as with_association(d)
	count(r) == 0
}

test_linux_ec2_allowed if {
	d := deployment({}, {"nodeSelector": {"kubernetes.io/os": "linux", "eks.amazonaws.com/compute-type": "ec2"}})
	r := PA402.deny with input as with_association(d)
	count(r) == 0
}

# IRSA on Fargate is the supported combination.
test_fargate_without_pod_identity_allowed if {
	d := deployment({}, {"nodeSelector": {"eks.amazonaws.com/compute-type": "fargate"}})
	irsa := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "app", "namespace": "team", "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/app"}}}
	r := PA402.deny with input as {"objects": [d], "context": [irsa]}
	count(r) == 0
}

test_no_placement_allowed if {
	r := PA402.deny with input as with_association(deployment({}, {}))
	count(r) == 0
}

test_both_os_labels_one_finding if {
	d := deployment({}, {"nodeSelector": {"kubernetes.io/os": "windows", "beta.kubernetes.io/os": "windows"}})
	r := PA402.deny with input as with_association(d)
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.nodeSelector[\"kubernetes.io/os\"]"
}
