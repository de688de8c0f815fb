package podauth.rules.PA201_test

import data.podauth.rules.PA201

sa(name, annotations) := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": "shop", "annotations": annotations}}

deployment(spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "orders", "namespace": "shop"},
	"spec": {"template": {"metadata": {}, "spec": object.union({"serviceAccountName": "orders"}, spec)}},
}

env_spec(env) := {"containers": [{"name": "app", "image": "example.com/orders:1", "env": env}]}

region := [{"name": "AWS_REGION", "value": "eu-west-1"}]

test_region_without_identity_denied if {
	r := PA201.deny with input as {"objects": [deployment(env_spec(region))], "context": [sa("orders", {})]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].env[0]"
	contains(f.msg, "node's instance role")
	contains(f.msg, "env AWS_REGION")
}

test_controller_image_denied if {
	spec := {"containers": [{"name": "controller", "image": "public.ecr.aws/eks/aws-load-balancer-controller:v2.8.1"}]}
	r := PA201.deny with input as {"objects": [deployment(spec)], "context": [sa("orders", {})]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].image"
}

test_karpenter_image_with_digest_denied if {
	spec := {"containers": [{"name": "controller", "image": "public.ecr.aws/karpenter/controller:1.0.6@sha256:abc"}]}
	r := PA201.deny with input as {"objects": [deployment(spec)], "context": [sa("orders", {})]}
	count(r) == 1
}

test_irsa_allowed if {
	r := PA201.deny with input as {"objects": [deployment(env_spec(region))], "context": [sa("orders", {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/orders"})]}
	count(r) == 0
}

test_pod_identity_association_allowed if {
	pia := {"apiVersion": "eks.services.k8s.aws/v1alpha1", "kind": "PodIdentityAssociation", "metadata": {"name": "orders", "namespace": "shop"}, "spec": {"clusterName": "prod", "namespace": "shop", "serviceAccount": "orders", "roleARN": "arn:aws:iam::111122223333:role/orders"}}
	r := PA201.deny with input as {"objects": [deployment(env_spec(region))], "context": [sa("orders", {}), pia]}
	count(r) == 0
}

test_container_credentials_env_allowed if {
	env := array.concat(region, [{"name": "AWS_CONTAINER_CREDENTIALS_FULL_URI", "value": "http://169.254.170.23/v1/credentials"}])
	r := PA201.deny with input as {"objects": [deployment(env_spec(env))], "context": [sa("orders", {})]}
	count(r) == 0
}

test_static_key_env_allowed if {
	env := array.concat(region, [{"name": "AWS_ACCESS_KEY_ID", "valueFrom": {"secretKeyRef": {"name": "k", "key": "id"}}}])
	r := PA201.deny with input as {"objects": [deployment(env_spec(env))], "context": [sa("orders", {})]}
	count(r) == 0
}

test_env_from_secret_with_keys_allowed if {
	spec := {"containers": [{"name": "app", "env": region, "envFrom": [{"secretRef": {"name": "aws"}}]}]}
	s := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "aws", "namespace": "shop"}, "data": {"AWS_ACCESS_KEY_ID": "podauth-redacted:aws-access-key-id"}}
	r := PA201.deny with input as {"objects": [deployment(spec)], "context": [sa("orders", {}), s]}
	count(r) == 0
}

test_env_from_unknown_secret_allowed if {
	spec := {"containers": [{"name": "app", "env": region, "envFrom": [{"secretRef": {"name": "unknown"}}]}]}
	r := PA201.deny with input as {"objects": [deployment(spec)], "context": [sa("orders", {})]}
	count(r) == 0
}

test_env_from_unrelated_secret_denied if {
	spec := {"containers": [{"name": "app", "env": region, "envFrom": [{"secretRef": {"name": "db"}}, {"configMapRef": {"name": "settings"}}]}]}
	s := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"}, "data": {"PASSWORD": "aHVudGVyMg=="}}
	r := PA201.deny with input as {"objects": [deployment(spec)], "context": [sa("orders", {}), s]}
	count(r) == 1
}

test_aws_dir_mount_allowed if {
	spec := {"containers": [{"name": "app", "env": region, "volumeMounts": [{"name": "aws", "mountPath": "/home/app/.aws"}]}]}
	r := PA201.deny with input as {"objects": [deployment(spec)], "context": [sa("orders", {})]}
	count(r) == 0
}

test_kube2iam_annotation_left_to_pa501 if {
	d := json.patch(deployment(env_spec(region)), [{"op": "add", "path": "/spec/template/metadata/annotations", "value": {"iam.amazonaws.com/role": "orders"}}])
	r := PA201.deny with input as {"objects": [d], "context": [sa("orders", {})]}
	count(r) == 0
}

test_imds_disabled_allowed if {
	env := array.concat(region, [{"name": "AWS_EC2_METADATA_DISABLED", "value": "TRUE"}])
	r := PA201.deny with input as {"objects": [deployment(env_spec(env))], "context": [sa("orders", {})]}
	count(r) == 0
}

test_non_sdk_aws_prefix_allowed if {
	env := [{"name": "AWS_VPC_K8S_CNI_LOGLEVEL", "value": "DEBUG"}, {"name": "AWS_XRAY_DAEMON_ADDRESS", "value": "xray:2000"}]
	r := PA201.deny with input as {"objects": [deployment(env_spec(env))], "context": [sa("orders", {})]}
	count(r) == 0
}

test_no_aws_signal_allowed if {
	r := PA201.deny with input as {"objects": [deployment({"containers": [{"name": "app", "image": "nginx:1.27"}]})], "context": [sa("orders", {})]}
	count(r) == 0
}

test_service_account_missing_allowed if {
	r := PA201.deny with input as {"objects": [deployment(env_spec(region))], "context": []}
	count(r) == 0
}

test_complete_inventory_without_sa_denied if {
	r := PA201.deny with input as {"objects": [deployment(env_spec(region))], "context": [sa("other", {})], "parameters": {"inventory_complete": true}}
	count(r) == 1
	r2 := PA201.deny with input as {"objects": [deployment(env_spec(region))], "context": [sa("other", {})]}
	count(r2) == 0
}

test_fargate_allowed if {
	r := PA201.deny with input as {"objects": [deployment(env_spec(region))], "context": [sa("orders", {})], "parameters": {"cluster_type": "eks-fargate"}}
	count(r) == 0
}

test_csi_node_daemonset_allowed if {
	ds := {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "efs-csi-node", "namespace": "storage"}, "spec": {"template": {"spec": {"serviceAccountName": "efs-csi-node-sa", "containers": [{"name": "efs-plugin", "image": "public.ecr.aws/efs-csi-driver/amazon/aws-efs-csi-driver:v2.0.7"}]}}}}
	s := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "efs-csi-node-sa", "namespace": "storage"}}
	r := PA201.deny with input as {"objects": [ds], "context": [s]}
	count(r) == 0
}

test_node_agent_allowed if {
	ds := {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "aws-node", "namespace": "kube-system"}, "spec": {"template": {"spec": {"serviceAccountName": "aws-node", "containers": [{"name": "aws-node", "image": "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.0", "env": [{"name": "AWS_REGION", "value": "us-west-2"}]}]}}}}
	s := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "aws-node", "namespace": "kube-system"}}
	r := PA201.deny with input as {"objects": [ds], "context": [s]}
	count(r) == 0
}

# Issue 14: a bare AWS_ROLE_ARN without a token file is no pod identity.
test_bare_role_arn_without_token_file_denied if {
	env := [{"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::111122223333:role/orders"}, {"name": "AWS_REGION", "value": "eu-west-1"}]
	r := PA201.deny with input as {"objects": [deployment(env_spec(env))], "context": [sa("orders", {})]}
	count(r) == 1
}

test_role_arn_with_token_file_allowed if {
	env := [
		{"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::111122223333:role/orders"},
		{"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"},
		{"name": "AWS_REGION", "value": "eu-west-1"},
	]
	r := PA201.deny with input as {"objects": [deployment(env_spec(env))], "context": [sa("orders", {})]}
	count(r) == 0
}

# Issue 14: an AWS agent image is SDK use even as a DaemonSet without AWS_* env.
test_cloudwatch_agent_daemonset_denied if {
	ds := {
		"apiVersion": "apps/v1", "kind": "DaemonSet",
		"metadata": {"name": "cloudwatch-agent", "namespace": "shop"},
		"spec": {"template": {"metadata": {}, "spec": {"serviceAccountName": "orders", "containers": [{"name": "agent", "image": "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300049.1", "env": [{"name": "HOST_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}}]}]}}},
	}
	r := PA201.deny with input as {"objects": [ds], "context": [sa("orders", {})]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].image"
}

test_env_from_config_map_region_denied if {
	cm := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "shop"}, "data": {"AWS_REGION": "eu-west-1"}}
	spec := {"containers": [{"name": "app", "envFrom": [{"configMapRef": {"name": "settings"}}]}]}
	r := PA201.deny with input as {"objects": [deployment(spec)], "context": [sa("orders", {}), cm]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].envFrom[0]"
}
