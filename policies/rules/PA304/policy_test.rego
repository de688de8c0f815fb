package podauth.rules.PA304_test

import data.podauth.rules.PA304

role := "arn:aws:iam::111122223333:role/team-app"

token := "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"

sa(annotations) := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "app", "namespace": "team", "annotations": annotations}}

deployment(env) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "team"},
	"spec": {"template": {"spec": {"serviceAccountName": "app", "containers": [{"name": "web", "env": env}]}}},
}

pod(env) := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "web-1", "namespace": "team"},
	"spec": {"serviceAccountName": "app", "containers": [{"name": "web", "env": env}]},
}

test_template_role_arn_denied if {
	r := PA304.deny with input as {"objects": [deployment([{"name": "AWS_REGION", "value": "eu-west-1"}, {"name": "AWS_ROLE_ARN", "value": role}])]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].env[1]"
	contains(f.msg, "AWS_ROLE_ARN")
}

test_template_token_file_denied if {
	r := PA304.deny with input as {"objects": [deployment([{"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": "/var/run/secrets/tokens/aws"}])]}
	count(r) == 1
}

test_template_value_from_denied if {
	r := PA304.deny with input as {"objects": [deployment([{"name": "AWS_ROLE_ARN", "valueFrom": {"configMapKeyRef": {"name": "aws", "key": "role"}}}])]}
	count(r) == 1
}

test_template_without_irsa_env_allowed if {
	r := PA304.deny with input as {"objects": [deployment([{"name": "AWS_REGION", "value": "eu-west-1"}, {"name": "AWS_ROLE_SESSION_NAME", "value": "web"}])]}
	count(r) == 0
}

test_template_no_env_allowed if {
	d := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {"spec": {"containers": [{"name": "web"}]}}}}
	r := PA304.deny with input as {"objects": [d]}
	count(r) == 0
}

test_non_eks_allowed if {
	r := PA304.deny with input as {"objects": [deployment([{"name": "AWS_ROLE_ARN", "value": role}])], "parameters": {"cluster_type": "non-eks"}}
	count(r) == 0
}

# A live Pod carries what the webhook injected: not a finding.
test_pod_webhook_injected_allowed if {
	env := [{"name": "AWS_ROLE_ARN", "value": role}, {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": token}]
	r := PA304.deny with input as {"objects": [pod(env)], "context": [sa({"eks.amazonaws.com/role-arn": role})]}
	count(r) == 0
}

test_pod_role_differs_denied if {
	env := [{"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::111122223333:role/other"}, {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": token}]
	r := PA304.deny with input as {"objects": [pod(env)], "context": [sa({"eks.amazonaws.com/role-arn": role})]}
	count(r) == 1
	some f in r
	f.path == "spec.containers[0].env[0]"
	contains(f.msg, "differs")
}

test_pod_role_without_irsa_sa_denied if {
	r := PA304.deny with input as {"objects": [pod([{"name": "AWS_ROLE_ARN", "value": role}])], "context": [sa({})]}
	count(r) == 1
}

# Without the ServiceAccount in the context nothing can be compared.
test_pod_role_sa_absent_allowed if {
	r := PA304.deny with input as {"objects": [pod([{"name": "AWS_ROLE_ARN", "value": role}])]}
	count(r) == 0
}

test_pod_token_file_differs_denied if {
	r := PA304.deny with input as {"objects": [pod([{"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": "/tmp/token"}])]}
	count(r) == 1
}

test_pod_value_from_denied if {
	r := PA304.deny with input as {"objects": [pod([{"name": "AWS_ROLE_ARN", "valueFrom": {"configMapKeyRef": {"name": "aws", "key": "role"}}}])]}
	count(r) == 1
	some f in r
	contains(f.msg, "valueFrom")
}

# eksctl creates and annotates ServiceAccounts declared in iam.serviceAccounts.
test_pod_role_eksctl_declared_allowed if {
	cfg := {"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig", "metadata": {"name": "prod"}, "iam": {"serviceAccounts": [{"metadata": {"name": "app", "namespace": "team"}}]}}
	r := PA304.deny with input as {"objects": [pod([{"name": "AWS_ROLE_ARN", "value": role}])], "context": [sa({}), cfg]}
	count(r) == 0
}
