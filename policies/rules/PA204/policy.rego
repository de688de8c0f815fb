# METADATA
# title: Container can read credentials on the host
# description: >-
#   A container is privileged (`securityContext.privileged: true`, in
#   containers, initContainers or ephemeralContainers), or the pod mounts a
#   hostPath volume of `/` (exactly), or of a path equal to or under
#   /var/lib/kubelet, /etc/kubernetes, /root/.aws, /home, /var/run/secrets,
#   /var/run/containerd or /run/containerd, or a container runtime socket
#   (docker.sock, crio.sock, cri-dockerd.sock under /var/run or /run). Paths are
#   normalised (repeated and trailing slashes). A hostPath volume no container
#   mounts is not reported. Judgement call: the kube-system node agents that
#   PA202 exempts (aws-node, kube-proxy, eks-pod-identity-agent, the EBS/EFS CSI
#   node plugins, the Secrets Store CSI driver and ASCP provider) are exempt here
#   too, since they need these privileges by design.
# scope: package
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/
#   - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
#   - https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html
# custom:
#   id: PA204
#   name: host-credential-access
#   severity: high
#   category: node-role
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   why: >-
#     A privileged container or a host mount of these paths reads what the node
#     holds: the node's credentials, every pod's projected IRSA and Pod Identity
#     tokens and Secrets under /var/lib/kubelet, kubeconfigs, AWS credentials
#     files, or the container runtime (and with it every container). Fine-grained
#     per-pod roles are worthless if one pod can read the others' tokens; the
#     source document asks for pod security policies that prevent credential
#     access, and notes the security concerns of privileged DaemonSets.
#   remediation: >-
#     Drop privileged and use the narrow capability the container needs; replace
#     the hostPath mount with a ConfigMap, Secret, projected or emptyDir volume,
#     or mount only the exact file needed, read-only. Enforce the baseline Pod
#     Security Standard in the namespace so such pods are rejected.
package podauth.rules.PA204

import data.podauth.lib.facts
import data.podauth.lib.k8s
import data.podauth.lib.result

deny contains result.finding(c.ref, sprintf("%s.securityContext.privileged", [c.path]), msg) if {
	some c in data.podauth.lib.k8s.containers
	c.container.securityContext.privileged == true
	not facts.node_agent(c.pod)
	msg := sprintf("%s %q runs container %q privileged: it can read the node's credentials and every pod's tokens", [
		c.pod.object.kind, k8s.name(c.pod.object), c.name,
	])
}

deny contains result.finding(pod.ref, sprintf("%s.volumes[%d].hostPath.path", [pod.spec_path, i]), msg) if {
	some pod in data.podauth.lib.k8s.pods
	some i, volume in object.get(pod.spec, "volumes", [])
	raw := volume.hostPath.path
	is_string(raw)
	what := sensitive(normalize(raw))
	mounted(pod, volume.name)
	not facts.node_agent(pod)
	msg := sprintf("%s %q mounts hostPath %s (volume %q): %s", [
		pod.object.kind, k8s.name(pod.object), raw, volume.name, what,
	])
}

# "/var/lib//kubelet/" -> "/var/lib/kubelet"; "/" stays "/".
normalize(p) := "/" if {
	regex.match(`^/+$`, p)
} else := trim_right(regex.replace(p, `/+`, "/"), "/")

sensitive_dirs := {
	"/var/lib/kubelet": "kubelet data, including every pod's Secrets and projected service account tokens",
	"/etc/kubernetes": "node Kubernetes configuration and credentials",
	"/root/.aws": "the node's AWS credentials and config files",
	"/home": "user home directories, which may hold AWS credentials",
	"/var/run/secrets": "the host's secrets directory",
	"/var/run/containerd": "the containerd runtime socket, which controls every container on the node",
	"/run/containerd": "the containerd runtime socket, which controls every container on the node",
}

runtime_sockets := {
	"/var/run/docker.sock", "/run/docker.sock",
	"/var/run/crio/crio.sock", "/run/crio/crio.sock",
	"/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock",
}

sensitive(p) := "the node's root filesystem" if {
	p == "/"
} else := "a container runtime socket, which controls every container on the node" if {
	runtime_sockets[p]
} else := what if {
	some dir, what in sensitive_dirs
	under(p, dir)
}

under(p, dir) if p == dir

under(p, dir) if startswith(p, concat("", [dir, "/"]))

mounted(pod, name) if {
	some field in data.podauth.lib.k8s.container_fields
	some c in object.get(pod.spec, field, [])
	some m in object.get(c, "volumeMounts", [])
	m.name == name
}
