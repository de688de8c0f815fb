package podauth.rules.PA404_test

import data.podauth.rules.PA404

sa := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "app", "namespace": "team"}}

association := {
	"apiVersion": "eks.services.k8s.aws/v1alpha1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": "app", "namespace": "team"},
	"spec": {"clusterName": "prod", "namespace": "team", "serviceAccount": "app", "roleARN": "arn:aws:iam::111122223333:role/app"},
}

deployment(container) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "team"},
	"spec": {"template": {"spec": {"serviceAccountName": "app", "containers": [container]}}},
}

run(container) := r if {
	r := PA404.deny with input as {"objects": [deployment(container)], "context": [sa, association]}
}

proxy := {"name": "HTTP_PROXY", "value": "http://proxy.corp.example:3128"}

test_no_no_proxy_denied if {
	r := run({"name": "web", "env": [proxy]})
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].env[0].value"
	contains(f.msg, "sets no NO_PROXY")
	contains(f.msg, "fd00:ec2::23")
}

test_no_proxy_without_agent_denied if {
	r := run({"name": "web", "env": [proxy, {"name": "NO_PROXY", "value": "localhost,.svc,169.254.169.254"}]})
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].env[1].value"
	contains(f.msg, "NO_PROXY does not list 169.254.170.23")
}

test_no_proxy_with_agent_allowed if {
	r := run({"name": "web", "env": [proxy, {"name": "NO_PROXY", "value": "localhost, 169.254.170.23 ,[fd00:ec2::23]"}]})
	count(r) == 0
}

test_no_proxy_star_allowed if {
	r := run({"name": "web", "env": [proxy, {"name": "no_proxy", "value": "*"}]})
	count(r) == 0
}

# botocore ignores CIDR entries in no_proxy.
test_no_proxy_cidr_denied if {
	r := run({"name": "web", "env": [proxy, {"name": "NO_PROXY", "value": "169.254.0.0/16"}]})
	count(r) == 1
}

# Python reads no_proxy, Go reads NO_PROXY: both must list the agent.
test_lowercase_no_proxy_missing_denied if {
	r := run({"name": "web", "env": [proxy, {"name": "NO_PROXY", "value": "169.254.170.23"}, {"name": "no_proxy", "value": "localhost"}]})
	count(r) == 1
	some f in r
	contains(f.msg, "no_proxy does not list")
}

test_https_proxy_only_allowed if {
	r := run({"name": "web", "env": [{"name": "HTTPS_PROXY", "value": "http://proxy.corp.example:3128"}]})
	count(r) == 0
}

test_empty_proxy_allowed if {
	r := run({"name": "web", "env": [{"name": "HTTP_PROXY", "value": ""}]})
	count(r) == 0
}

test_no_proxy_value_from_allowed if {
	r := run({"name": "web", "env": [proxy, {"name": "NO_PROXY", "valueFrom": {"configMapKeyRef": {"name": "proxy", "key": "no_proxy"}}}]})
	count(r) == 0
}

test_env_from_config_map_denied if {
	cm := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "proxy", "namespace": "team"}, "data": {"http_proxy": "http://proxy:3128", "no_proxy": "localhost,.svc"}}
	d := deployment({"name": "web", "envFrom": [{"configMapRef": {"name": "proxy"}}]})
	r := PA404.deny with input as {"objects": [d], "context": [sa, association, cm]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].envFrom[0]"
}

test_env_from_unresolved_allowed if {
	r := run({"name": "web", "env": [proxy], "envFrom": [{"configMapRef": {"name": "not-in-context"}}]})
	count(r) == 0
}

test_not_pod_identity_allowed if {
	r := PA404.deny with input as {"objects": [deployment({"name": "web", "env": [proxy]})], "context": [sa]}
	count(r) == 0
}

test_no_env_allowed if {
	r := run({"name": "web"})
	count(r) == 0
}

test_ipv6_uri_requires_ipv6 if {
	env := [
		proxy,
		{"name": "NO_PROXY", "value": "169.254.170.23"},
		{"name": "AWS_CONTAINER_CREDENTIALS_FULL_URI", "value": "http://[fd00:ec2::23]/v1/credentials"},
	]
	p := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "team"}, "spec": {"containers": [{"name": "c", "env": env}]}}
	r := PA404.deny with input as {"objects": [p]}
	count(r) == 1
	some f in r
	contains(f.msg, "does not list fd00:ec2::23")
}
