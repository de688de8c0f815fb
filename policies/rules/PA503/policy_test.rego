package podauth.rules.PA503_test

import data.podauth.rules.PA503

daemonset(image) := {"objects": [{
	"apiVersion": "apps/v1",
	"kind": "DaemonSet",
	"metadata": {"name": "proxy", "namespace": "kube-system"},
	"spec": {"template": {"spec": {
		"hostNetwork": true,
		"containers": [{"name": "proxy", "image": image}],
	}}},
}]}

test_kube2iam_tagged_denied if {
	r := PA503.deny with input as daemonset("docker.io/jtblin/kube2iam:0.11.2")
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].image"
	contains(f.msg, "kube2iam")
	contains(f.msg, "DaemonSet \"proxy\"")
}

test_kube2iam_digest_denied if {
	r := PA503.deny with input as daemonset("jtblin/kube2iam@sha256:5f1a7e0c1d8e2b4d6f8a0c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d")
	count(r) == 1
}

test_kiam_quay_denied if {
	r := PA503.deny with input as daemonset("quay.io/uswitch/kiam:v4.2")
	count(r) == 1
	some f in r
	contains(f.msg, "KIAM")
}

test_kiam_without_registry_denied if {
	r := PA503.deny with input as daemonset("uswitch/kiam:v3.6")
	count(r) == 1
}

test_mirror_prefix_denied if {
	r := PA503.deny with input as daemonset("111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/jtblin/kube2iam:0.11.2")
	count(r) == 1
}

test_kiam_server_deployment_denied if {
	d := {
		"apiVersion": "apps/v1",
		"kind": "Deployment",
		"metadata": {"name": "kiam-server", "namespace": "kube-system"},
		"spec": {"template": {"spec": {"containers": [
			{"name": "sidecar", "image": "busybox:1.36"},
			{"name": "kiam", "image": "quay.io/uswitch/kiam:v4.2", "args": ["server"]},
		]}}},
	}
	r := PA503.deny with input as {"objects": [d]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[1].image"
}

# Substrings of the product names are not enough.
test_lookalike_images_allowed if {
	every image in [
		"example.com/kiam-exporter:1.0",
		"example.com/team/kube2iam-migrator:2",
		"example.com/jtblin/kube2iam-fork:1",
		"kiam:latest",
		"notuswitch/kiam:v4",
		"example.com/notjtblin/kube2iam:1",
		"example.com/uswitch/kiam-agent:1",
		"public.ecr.aws/eks/eks-pod-identity-agent:0.1.10",
	] {
		count(PA503.deny) == 0 with input as daemonset(image)
	}
}

test_image_absent_allowed if {
	r := PA503.deny with input as {"objects": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}]}
	count(r) == 0
}

test_non_string_container_name_denied if {
	p := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": 7, "image": "jtblin/kube2iam:0.11.2"}]}}
	r := PA503.deny with input as {"objects": [p]}
	count(r) == 1
}
