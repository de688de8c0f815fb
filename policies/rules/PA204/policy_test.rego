package podauth.rules.PA204_test

import data.podauth.rules.PA204

pod(spec) := {"objects": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "tool", "namespace": "ops"}, "spec": spec}]}

host_mount(path) := pod({
	"containers": [{"name": "c", "volumeMounts": [{"name": "host", "mountPath": "/host"}]}],
	"volumes": [{"name": "host", "hostPath": {"path": path}}],
})

test_privileged_denied if {
	r := PA204.deny with input as pod({"initContainers": [{"name": "setup", "securityContext": {"privileged": true}}], "containers": [{"name": "c"}]})
	count(r) == 1
	some f in r
	f.path == "spec.initContainers[0].securityContext.privileged"
}

test_privileged_false_allowed if {
	r := PA204.deny with input as pod({"containers": [{"name": "c", "securityContext": {"privileged": false, "runAsNonRoot": true}}]})
	count(r) == 0
}

test_root_mount_denied if {
	r := PA204.deny with input as host_mount("/")
	count(r) == 1
	some f in r
	f.path == "spec.volumes[0].hostPath.path"
	contains(f.msg, "root filesystem")
}

test_kubelet_subdir_denied if {
	r := PA204.deny with input as host_mount("/var/lib/kubelet/pods/")
	count(r) == 1
}

test_trailing_and_double_slashes_denied if {
	r := PA204.deny with input as host_mount("/root//.aws/")
	count(r) == 1
}

test_runtime_sockets_denied if {
	paths := ["/var/run/docker.sock", "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/var/run/cri-dockerd.sock", "/run/containerd"]
	denied := [p | some p in paths; count(PA204.deny) == 1 with input as host_mount(p)]
	denied == paths
}

test_similar_paths_allowed if {
	paths := ["/var/lib/kubelet-plugins", "/homes", "/var/log", "/var/run", "/run", "/etc/kubernetes-docs", "/var/run/docker", "/tmp/docker.sock"]
	allowed := [p | some p in paths; count(PA204.deny) == 0 with input as host_mount(p)]
	allowed == paths
}

test_unmounted_host_path_allowed if {
	r := PA204.deny with input as pod({"containers": [{"name": "c"}], "volumes": [{"name": "host", "hostPath": {"path": "/"}}]})
	count(r) == 0
}

test_no_volumes_allowed if {
	r := PA204.deny with input as pod({"containers": [{"name": "c"}]})
	count(r) == 0
}

test_node_agent_allowed if {
	ds := {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "ebs-csi-node", "namespace": "kube-system"}, "spec": {"template": {"spec": {
		"containers": [{"name": "ebs-plugin", "securityContext": {"privileged": true}, "volumeMounts": [{"name": "kubelet-dir", "mountPath": "/var/lib/kubelet"}]}],
		"volumes": [{"name": "kubelet-dir", "hostPath": {"path": "/var/lib/kubelet", "type": "Directory"}}],
	}}}}
	r := PA204.deny with input as {"objects": [ds]}
	count(r) == 0
}

test_deployment_paths if {
	d := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "ci-runner", "namespace": "ci"}, "spec": {"template": {"spec": {
		"containers": [{"name": "runner", "securityContext": {"privileged": true}, "volumeMounts": [{"name": "docker", "mountPath": "/var/run/docker.sock"}]}],
		"volumes": [{"name": "docker", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}}],
	}}}}
	r := PA204.deny with input as {"objects": [d]}
	count(r) == 2
	some f in r
	f.path == "spec.template.spec.containers[0].securityContext.privileged"
	some g in r
	g.path == "spec.template.spec.volumes[0].hostPath.path"
}
