package podauth.rules.PA202_test

import data.podauth.rules.PA202

daemonset(name, ns, spec) := {
	"apiVersion": "apps/v1",
	"kind": "DaemonSet",
	"metadata": {"name": name, "namespace": ns},
	"spec": {"template": {"spec": object.union({"containers": [{"name": "c", "image": "x:1"}]}, spec)}},
}

test_host_network_denied if {
	r := PA202.deny with input as {"objects": [daemonset("log-shipper", "logging", {"hostNetwork": true})]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.hostNetwork"
	contains(f.msg, "DaemonSet \"log-shipper\"")
}

test_pod_host_network_denied if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "debug", "namespace": "default"}, "spec": {"hostNetwork": true, "containers": []}}
	r := PA202.deny with input as {"objects": [pod]}
	some f in r
	f.path == "spec.hostNetwork"
}

test_cronjob_path if {
	cj := {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "probe"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostNetwork": true, "containers": []}}}}}}
	r := PA202.deny with input as {"objects": [cj]}
	some f in r
	f.path == "spec.jobTemplate.spec.template.spec.hostNetwork"
}

test_node_agents_in_kube_system_allowed if {
	objs := [daemonset(n, "kube-system", {"hostNetwork": true}) | some n in ["aws-node", "kube-proxy", "eks-pod-identity-agent", "ebs-csi-node", "efs-csi-node", "csi-secrets-store-provider-aws"]]
	r := PA202.deny with input as {"objects": objs}
	count(r) == 0
}

test_agent_pod_owned_by_daemonset_allowed if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "aws-node-7xk2p", "namespace": "kube-system", "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "aws-node"}]}, "spec": {"hostNetwork": true, "containers": []}}
	r := PA202.deny with input as {"objects": [pod]}
	count(r) == 0
}

test_agent_name_outside_kube_system_denied if {
	r := PA202.deny with input as {"objects": [daemonset("aws-node", "default", {"hostNetwork": true})]}
	count(r) == 1
}

test_similar_name_in_kube_system_denied if {
	r := PA202.deny with input as {"objects": [daemonset("aws-node-termination-handler", "kube-system", {"hostNetwork": true})]}
	count(r) == 1
}

test_host_network_false_allowed if {
	r := PA202.deny with input as {"objects": [daemonset("log-shipper", "logging", {"hostNetwork": false})]}
	count(r) == 0
}

test_host_network_absent_allowed if {
	r := PA202.deny with input as {"objects": [daemonset("log-shipper", "logging", {})]}
	count(r) == 0
}
