package podauth.rules.PA403_test

import data.podauth.rules.PA403

ack := {
	"apiVersion": "eks.services.k8s.aws/v1alpha1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": "app", "namespace": "team"},
	"spec": {"clusterName": "prod", "namespace": "team", "serviceAccount": "app", "roleARN": "arn:aws:iam::111122223333:role/app"},
}

kube_proxy := {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "kube-proxy", "namespace": "kube-system"}, "spec": {"template": {"spec": {"containers": [{"name": "kube-proxy"}]}}}}

agent := {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "eks-pod-identity-agent", "namespace": "kube-system"}, "spec": {"template": {"spec": {"containers": [{"name": "eks-pod-identity-agent"}]}}}}

sa := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "app", "namespace": "team"}}

deployment := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "team"},
	"spec": {"template": {"spec": {"serviceAccountName": "app", "containers": [{"name": "web"}]}}},
}

test_association_without_agent_denied if {
	r := PA403.deny with input as {"objects": [ack], "context": [ack, kube_proxy]}
	count(r) == 1
	some f in r
	f.path == "spec"
	contains(f.msg, "eks-pod-identity-agent")
}

test_workload_without_agent_denied if {
	r := PA403.deny with input as {"objects": [deployment], "context": [ack, sa, kube_proxy]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.serviceAccountName"
}

test_agent_present_allowed if {
	r := PA403.deny with input as {"objects": [ack, deployment], "context": [ack, sa, kube_proxy, agent]}
	count(r) == 0
}

# kube-system not in scope: the agent's absence means nothing.
test_kube_system_not_in_scope_allowed if {
	r := PA403.deny with input as {"objects": [ack, deployment], "context": [ack, sa]}
	count(r) == 0
}

# A DaemonSet of that name elsewhere is not the agent.
test_agent_in_other_namespace_denied if {
	elsewhere := object.union(agent, {"metadata": {"namespace": "tools"}})
	r := PA403.deny with input as {"objects": [ack], "context": [ack, kube_proxy, elsewhere]}
	count(r) == 1
}

test_no_pod_identity_allowed if {
	r := PA403.deny with input as {"objects": [deployment], "context": [sa, kube_proxy]}
	count(r) == 0
}

test_eksctl_one_finding_per_object if {
	cfg := {"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig", "metadata": {"name": "prod"}, "iam": {"podIdentityAssociations": [
		{"namespace": "team", "serviceAccountName": "a", "roleARN": "arn:aws:iam::111122223333:role/a"},
		{"namespace": "team", "serviceAccountName": "b", "roleARN": "arn:aws:iam::111122223333:role/b"},
	]}}
	r := PA403.deny with input as {"objects": [cfg], "context": [cfg, kube_proxy]}
	count(r) == 1
	some f in r
	f.path == "iam.podIdentityAssociations"
}

test_eksctl_addon_declared_allowed if {
	cfg := {"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig", "metadata": {"name": "prod"}, "addons": [{"name": "eks-pod-identity-agent"}], "iam": {"podIdentityAssociations": [
		{"namespace": "team", "serviceAccountName": "a", "roleARN": "arn:aws:iam::111122223333:role/a"},
	]}}
	r := PA403.deny with input as {"objects": [cfg], "context": [cfg, kube_proxy]}
	count(r) == 0
}

test_eksctl_auto_mode_allowed if {
	cfg := {"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig", "metadata": {"name": "prod"}, "autoModeConfig": {"enabled": true}, "iam": {"podIdentityAssociations": [
		{"namespace": "team", "serviceAccountName": "a", "roleARN": "arn:aws:iam::111122223333:role/a"},
	]}}
	r := PA403.deny with input as {"objects": [cfg], "context": [cfg, kube_proxy]}
	count(r) == 0
}

test_ack_addon_declared_allowed if {
	addon := {"apiVersion": "eks.services.k8s.aws/v1alpha1", "kind": "Addon", "metadata": {"name": "pod-identity", "namespace": "infra"}, "spec": {"name": "eks-pod-identity-agent", "clusterName": "prod"}}
	r := PA403.deny with input as {"objects": [ack], "context": [ack, kube_proxy, addon]}
	count(r) == 0
}

test_agent_env_workload_denied if {
	p := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "team"}, "spec": {"containers": [{"name": "c", "env": [
		{"name": "AWS_CONTAINER_CREDENTIALS_FULL_URI", "value": "http://169.254.170.23/v1/credentials"},
	]}]}}
	r := PA403.deny with input as {"objects": [p], "context": [kube_proxy]}
	count(r) == 1
	some f in r
	f.path == "spec.containers[0].env[0]"
}
