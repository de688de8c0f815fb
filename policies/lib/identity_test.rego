package podauth.lib.identity_test

import data.podauth.lib.identity
import data.podauth.lib.k8s

kube_proxy := {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "kube-proxy", "namespace": "kube-system"}}

agent := {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "eks-pod-identity-agent", "namespace": "kube-system"}}

association := {
	"apiVersion": "eks.services.k8s.aws/v1alpha1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": "app", "namespace": "team"},
	"spec": {"clusterName": "prod", "namespace": "team", "serviceAccount": "app", "roleARN": "arn:aws:iam::111122223333:role/app"},
}

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "team"}, "spec": spec}

test_agent_uri if {
	identity.agent_uri("http://169.254.170.23/v1/credentials")
	identity.agent_uri("http://[fd00:ec2::23]/v1/credentials")
	identity.agent_uri("http://169.254.170.23:80/v1/credentials")
	not identity.agent_uri("http://169.254.170.2/v1/credentials")
	not identity.agent_uri("http://169.254.170.230/v1/credentials")
	not identity.agent_uri("https://example.com/169.254.170.23")
	not identity.agent_uri(42)
}

test_kube_system_scope if {
	identity.kube_system_in_scope with input as {"objects": [], "context": [kube_proxy]}
	not identity.kube_system_in_scope with input as {"objects": [], "context": [association]}
}

test_agent_present if {
	identity.agent_present with input as {"objects": [], "context": [agent]}
	not identity.agent_present with input as {"objects": [], "context": [kube_proxy]}
	crossplane_addon := {"apiVersion": "eks.aws.upbound.io/v1beta1", "kind": "Addon", "metadata": {"name": "pia"}, "spec": {"forProvider": {"addonName": "eks-pod-identity-agent", "clusterName": "prod"}}}
	identity.agent_present with input as {"objects": [], "context": [crossplane_addon]}
}

test_pod_identity_pods_by_association if {
	p := pod({"serviceAccountName": "app", "containers": [{"name": "c"}]})
	uses := identity.pod_identity_pods with input as {"objects": [p], "context": [association]}
	uses[0].path == "spec.serviceAccountName"
}

test_pod_identity_pods_by_env if {
	p := pod({"containers": [{"name": "c", "env": [{"name": "AWS_CONTAINER_CREDENTIALS_FULL_URI", "value": "http://169.254.170.23/v1/credentials"}]}]})
	uses := identity.pod_identity_pods with input as {"objects": [p]}
	uses[0].path == "spec.containers[0].env[0]"
}

test_pod_identity_pods_none if {
	p := pod({"serviceAccountName": "other", "containers": [{"name": "c"}]})
	uses := identity.pod_identity_pods with input as {"objects": [p], "context": [association]}
	count(uses) == 0
}

test_service_account_path if {
	identity.service_account_path({"spec": {}, "spec_path": "spec"}) == "spec"
	identity.service_account_path({"spec": {"serviceAccount": "a"}, "spec_path": "spec"}) == "spec.serviceAccount"
	identity.service_account_path({"spec": {"serviceAccountName": "a", "serviceAccount": "a"}, "spec_path": "x.spec"}) == "x.spec.serviceAccountName"
}

test_requires_node_label if {
	identity.requires_node_label({"nodeSelector": {"kubernetes.io/os": "windows"}}, "kubernetes.io/os", "windows")
	not identity.requires_node_label({"nodeSelector": {"kubernetes.io/os": "linux"}}, "kubernetes.io/os", "windows")
	not identity.requires_node_label({}, "kubernetes.io/os", "windows")
	two_terms := {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
		{"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["windows"]}]},
		{"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}]},
	]}}}}
	not identity.requires_node_label(two_terms, "kubernetes.io/os", "windows")
}
