# METADATA
# title: Workload identity helpers
# description: >-
#   Shared facts for the IRSA and EKS Pod Identity rules (PA302-PA308,
#   PA401-PA404): which reviewed pods use Pod Identity, whether kube-system is
#   in scope and whether the Pod Identity Agent is present or declared.
#   Everything here is computed once per evaluation; nothing scans the context
#   inside a loop over objects. Container environments are podauth.lib.facts.
# scope: package
package podauth.lib.identity

import data.podauth.lib.k8s
import data.podauth.lib.objects

# --- EKS Pod Identity Agent ---

# Link-local addresses the agent listens on (EKS user guide, pod-id-agent-setup).
agent_ipv4 := "169.254.170.23"

agent_ipv6 := "fd00:ec2::23"

agent_name := "eks-pod-identity-agent"

agent_daemon_set_key := k8s.key("kube-system", agent_name)

# AWS_CONTAINER_CREDENTIALS_FULL_URI values that point at the agent, e.g.
# http://169.254.170.23/v1/credentials or http://[fd00:ec2::23]/v1/credentials.
agent_uri_pattern := `^https?://(169\.254\.170\.23|\[fd00:ec2::23\])(:[0-9]+)?(/.*)?$`

agent_uri(v) if {
	is_string(v)
	regex.match(agent_uri_pattern, trim_space(v))
}

# True when at least one object of namespace kube-system is in the context, so
# the absence of the agent DaemonSet there means something. Both facts depend
# on the context alone: lookup indexes (podauth.lib.lookups), false when not so.
kube_system_in_scope := in_scope if {
	in_scope := data.podauth.lib.objects.prebuilt.kube_system_in_scope
} else := true if {
	some obj in data.podauth.lib.objects.context
	obj.metadata.namespace == "kube-system"
} else := false

# The agent DaemonSet is in the context, or the cluster definition in the
# context installs it: an eksctl ClusterConfig with the eks-pod-identity-agent
# addon or with Auto Mode (the agent is built in), an ACK or Crossplane Addon.
agent_present := present if {
	present := data.podauth.lib.objects.prebuilt.agent_present
} else := true if {
	data.podauth.lib.k8s.daemon_sets[agent_daemon_set_key]
} else := true if {
	some obj in data.podauth.lib.objects.context
	agent_declaring_kinds[obj.kind]
	agent_declared_by(obj)
} else := false

# The kinds agent_declared_by reads.
agent_declaring_kinds := {"ClusterConfig", "Addon"}

agent_declared_by(obj) if {
	obj.kind == "ClusterConfig"
	some addon in obj.addons
	addon.name == agent_name
}

agent_declared_by(obj) if {
	obj.kind == "ClusterConfig"
	obj.autoModeConfig.enabled == true
}

agent_declared_by(obj) if {
	obj.kind == "Addon"
	k8s.group(obj.apiVersion) == "eks.services.k8s.aws"
	obj.spec.name == agent_name
}

agent_declared_by(obj) if {
	obj.kind == "Addon"
	data.podauth.lib.k8s.crossplane_groups[k8s.group(obj.apiVersion)]
	obj.spec.forProvider.addonName == agent_name
}

# --- Which reviewed pods use Pod Identity ---

# Env entries that point the SDK's container credential provider at the agent.
agent_env_vars := [e |
	some e in data.podauth.lib.k8s.env_vars
	e.name == "AWS_CONTAINER_CREDENTIALS_FULL_URI"
	agent_uri(e.value)
]

# agent_env_path[ref] is the first such entry of the reviewed object at ref.
agent_env_path[ref] := paths[0] if {
	some ref in {e.ref | some e in agent_env_vars}
	paths := [e.path | some e in agent_env_vars; e.ref == ref]
}

# The JSON path of the field that selects a pod's ServiceAccount (the pod spec
# itself when neither field is set and the pod runs as `default`).
service_account_path(pod) := sprintf("%s.serviceAccountName", [pod.spec_path]) if {
	is_string(pod.spec.serviceAccountName)
	pod.spec.serviceAccountName != ""
} else := sprintf("%s.serviceAccount", [pod.spec_path]) if {
	is_string(pod.spec.serviceAccount)
	pod.spec.serviceAccount != ""
} else := pod.spec_path

# pod_identity_pods[ref] = {pod, path, how} for every reviewed pod (template)
# that uses EKS Pod Identity: its ServiceAccount has an association, or a
# container sets AWS_CONTAINER_CREDENTIALS_FULL_URI to the agent address.
pod_identity_pods[ref] := use if {
	some ref, pod in data.podauth.lib.k8s.pods
	use := pod_identity_use(pod)
}

pod_identity_use(pod) := {
	"pod": pod,
	"path": service_account_path(pod),
	"how": sprintf("ServiceAccount %q has a Pod Identity association", [pod.service_account]),
} if {
	data.podauth.lib.k8s.pod_identity_keys[pod.sa_key]
} else := {
	"pod": pod,
	"path": agent_env_path[pod.ref],
	"how": sprintf("AWS_CONTAINER_CREDENTIALS_FULL_URI points at the Pod Identity Agent (%s)", [agent_ipv4]),
} if {
	agent_env_path[pod.ref]
}

# --- Fargate and Windows targeting ---

# True when a pod spec can only schedule on nodes with label key=value: its
# nodeSelector says so, or every required nodeAffinity term has an `In`
# expression on that key whose only value is `value`.
requires_node_label(spec, key, value) if {
	spec.nodeSelector[key] == value
}

requires_node_label(spec, key, value) if {
	terms := spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms
	count(terms) > 0
	every term in terms {
		some expr in term.matchExpressions
		expr.key == key
		expr.operator == "In"
		expr.values == [value]
	}
}
