package podauth.rules.PA501_test

import data.podauth.rules.PA501

deployment(annotations) := {"objects": [{
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "shop", "annotations": {"iam.amazonaws.com/role": "not-the-pod"}},
	"spec": {"template": {"metadata": {"annotations": annotations}, "spec": {"containers": [{"name": "web"}]}}},
}]}

test_template_annotation_denied if {
	r := PA501.deny with input as deployment({"iam.amazonaws.com/role": "shop-web"})
	count(r) == 1
	some f in r
	f.path == "spec.template.metadata.annotations[\"iam.amazonaws.com/role\"]"
	contains(f.msg, "shop-web")
}

test_pod_annotation_denied if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": {"iam.amazonaws.com/role": "arn:aws:iam::111122223333:role/x"}}, "spec": {"containers": []}}
	r := PA501.deny with input as {"objects": [pod]}
	some f in r
	f.path == "metadata.annotations[\"iam.amazonaws.com/role\"]"
}

# The annotation on the Deployment's own metadata does nothing for kube2iam.
test_workload_metadata_only_allowed if {
	r := PA501.deny with input as deployment({})
	count(r) == 0
}

test_no_annotations_allowed if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}}
	r := PA501.deny with input as {"objects": [pod]}
	count(r) == 0
}
