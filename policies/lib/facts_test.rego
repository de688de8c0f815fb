package podauth.lib.facts_test

import data.podauth.lib.aws
import data.podauth.lib.facts
import data.podauth.lib.k8s

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "team"}, "spec": spec}

container(fields) := object.union({"name": "c", "image": "app:1"}, fields)

# --- Environment --------------------------------------------------------------------

test_effective_env_precedence if {
	cm := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "team"}, "data": {"X": "from-a", "Y": "from-a"}}
	cm2 := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "namespace": "team"}, "data": {"Y": "from-b"}}
	secret := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "team"}, "stringData": {"KEY": "v"}}
	p := pod({"containers": [{"name": "c",
		"envFrom": [{"configMapRef": {"name": "a"}}, {"configMapRef": {"name": "b"}}, {"prefix": "P_", "secretRef": {"name": "s"}}],
		"env": [{"name": "X", "value": "literal"}, {"name": "Z", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
	}]})
	inp := {"objects": [p], "context": [cm, cm2, secret]}
	c := k8s.containers[0] with input as inp
	env := facts.resolved_env(c) with input as inp
	env.X.value == "literal"
	facts.item_path(c, env.X) == "spec.containers[0].env[0].value"
	env.Y.value == "from-b"
	facts.item_path(c, env.Y) == "spec.containers[0].envFrom[1]"
	env.P_KEY.set
	not env.P_KEY.known
	env.Z.set
	not env.KEY
	not facts.env_from_unresolved(c) with input as inp
}

test_env_from_unresolved if {
	p := pod({"containers": [{"name": "c", "envFrom": [{"secretRef": {"name": "missing"}}]}]})
	inp := {"objects": [p]}
	c := k8s.containers[0] with input as inp
	facts.env_from_unresolved(c) with input as inp
}

test_var_reference_takes_the_source_of_its_variable if {
	p := pod({"containers": [container({"env": [
		{"name": "S3_ACCESS_KEY", "valueFrom": {"secretKeyRef": {"name": "tempo-s3", "key": "access-key"}}},
		{"name": "AWS_ACCESS_KEY_ID", "value": "$(S3_ACCESS_KEY)"},
		{"name": "AWS_REGION", "value": "$(UNDEFINED)"},
	]})]})
	inp := {"objects": [p]}
	c := k8s.containers[0] with input as inp
	env := facts.resolved_env(c) with input as inp
	env.AWS_ACCESS_KEY_ID.source == {"kind": "Secret", "name": "tempo-s3", "key": "access-key", "via": "S3_ACCESS_KEY"}
	env.AWS_ACCESS_KEY_ID.set
	not env.AWS_ACCESS_KEY_ID.known
	facts.item_path(c, env.AWS_ACCESS_KEY_ID) == "spec.containers[0].env[1].value"
	env.AWS_REGION.source == {"kind": "literal"}
	env.AWS_REGION.value == "$(UNDEFINED)"
}

test_single_reference if {
	facts.single_reference("$(A_B1)") == "A_B1"
	not facts.single_reference("$(A)$(B)")
	not facts.single_reference("x$(A)")
	not facts.single_reference("$()")
}

# --- Literal credentials -------------------------------------------------------------

literal_paths(spec) := {x.path | some x in found} if {
	found := facts.literal_credentials with input as {"objects": [pod(spec)]}
}

test_literal_key_id_in_args if {
	spec := {"containers": [container({"args": ["--region=eu-west-1", "--key=AKIAQ3EGUNZ5XKJ7MT2L"]})]}
	literal_paths(spec) == {"spec.containers[0].args[1]"}
}

test_literal_secret_after_a_flag if {
	every args in [
		["--aws-secret-access-key=wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY1"],
		["--aws-secret-access-key", "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY1"],
		["sh", "-c", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY1 aws s3 ls"],
		["sh", "-c", "exec uploader --secret-access-key 'wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY1'"],
		["--aws-session-token=IQoJb3JpZ2luX2VjEXAMPLE"],
	] {
		count(literal_paths({"containers": [container({"args": args})]})) == 1
	}
}

test_references_are_not_literal_secrets if {
	every args in [
		["--aws-secret-access-key=$(AWS_SECRET_ACCESS_KEY)"],
		["--aws-secret-access-key", "$(SECRET)"],
		["sh", "-c", "AWS_SECRET_ACCESS_KEY=$SECRET aws s3 ls"],
		["sh", "-c", "aws configure set aws_secret_access_key \"${SECRET}\""],
		["--aws-secret-access-key", "--region", "eu-west-1"],
		["--secret-name=db-password"],
		["--aws-access-key-id=AKIAIOSFODNN7EXAMPLE"],
	] {
		count(literal_paths({"containers": [container({"args": args})]})) == 0
	}
}

test_literal_secret_in_command if {
	spec := {"containers": [container({"command": ["/bin/sh", "-c", "export AWS_SECRET_ACCESS_KEY=abc123secret; ./run"]})]}
	literal_paths(spec) == {"spec.containers[0].command[2]"}
}

# --- SDK use, IMDS and node agents --------------------------------------------------------

signals(spec, context) := {s | some [_, s] in found} if {
	found := facts.signal with input as {"objects": [pod(spec)], "context": context}
}

test_sdk_use_by_env_and_image if {
	"imds" in signals({"containers": [container({"env": [{"name": "AWS_REGION", "value": "eu-west-1"}]})]}, [])
	"imds" in signals({"containers": [container({"image": "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300"})]}, [])
	"imds" in signals({"containers": [container({"image": "public.ecr.aws/karpenter/controller:1.0.6@sha256:abc"})]}, [])
	not "imds" in signals({"containers": [container({"env": [{"name": "AWS_VPC_K8S_CNI_LOGLEVEL", "value": "DEBUG"}]})]}, [])
	not "imds" in signals({"containers": [container({"env": [
		{"name": "AWS_REGION", "value": "eu-west-1"},
		{"name": "AWS_EC2_METADATA_DISABLED", "value": "true"},
	]})]}, [])
}

test_sdk_use_by_env_from_config_map if {
	cm := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "aws", "namespace": "team"}, "data": {"AWS_REGION": "eu-west-1"}}
	"imds" in signals({"containers": [container({"envFrom": [{"configMapRef": {"name": "aws"}}]})]}, [cm])
}

test_csi_node_plugin_is_not_sdk_use if {
	ds := {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "ebs-csi-node", "namespace": "kube-system"}, "spec": {"template": {"spec": {"containers": [
		container({"image": "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.30.0"}),
	]}}}}
	found := facts.signal with input as {"objects": [ds]}
	sigs := {s | some [_, s] in found}
	not "imds" in sigs
}

test_sdk_evidence_order if {
	p := pod({"containers": [
		container({"image": "public.ecr.aws/eks/aws-load-balancer-controller:v2.8.1"}),
		container({"name": "b", "env": [{"name": "LOG", "value": "x"}, {"name": "AWS_REGION", "value": "eu-west-1"}]}),
	]})
	pods := k8s.pods with input as {"objects": [p]}
	e := facts.sdk_evidence(pods[0]) with input as {"objects": [p]}
	e == {"path": "spec.containers[1].env[1]", "what": "env AWS_REGION"}
}

test_bare_role_arn_is_not_an_identity if {
	sigs := signals({"containers": [container({"env": [
		{"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::111122223333:role/app"},
		{"name": "AWS_REGION", "value": "eu-west-1"},
	]})]}, [])
	sigs == {"imds"}
	refs := facts.unresolved_credentials with input as {"objects": [pod({"containers": [container({"env": [{"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::111122223333:role/app"}]})]})]}
	count(refs) == 0
}

test_aws_directory if {
	facts.aws_directory("/root/.aws")
	facts.aws_directory("/home/app/.aws/")
	facts.aws_directory(".aws")
	not facts.aws_directory("/root/.aws/credentials")
	not facts.aws_directory("/srv/my.aws")
}

test_node_agent if {
	facts.node_agent({"namespace": "kube-system", "object": {"kind": "DaemonSet", "metadata": {"name": "aws-node"}}})
	facts.node_agent({"namespace": "kube-system", "object": {"kind": "Pod", "metadata": {"name": "aws-node-x2v9k", "ownerReferences": [{"kind": "DaemonSet", "name": "aws-node"}]}}})
	not facts.node_agent({"namespace": "default", "object": {"kind": "DaemonSet", "metadata": {"name": "aws-node"}}})
	not facts.node_agent({"namespace": "kube-system", "object": {"kind": "DaemonSet", "metadata": {"name": "aws-node-exporter"}}})
	not facts.node_agent({"namespace": "kube-system", "object": {"kind": "Deployment", "metadata": {"name": "kube-proxy"}}})
}

# --- One definition of credential material (aws.rego) ----------------------------------------

test_holds_credentials_file if {
	aws.holds_credentials_file("[default]\naws_access_key_id = AKIAX\naws_secret_access_key = abc\n")
	aws.holds_credentials_file("  AWS_SECRET_ACCESS_KEY\t=\tabc")
	not aws.holds_credentials_file("aws_secret_access_key =   \n")
	not aws.holds_credentials_file("aws_secret_access_key = \r\n")
	not aws.holds_credentials_file("# aws_secret_access_key = abc")
	not aws.holds_credentials_file("aws_secret_access_key_id = abc")
	not aws.holds_credentials_file(42)
}

test_secret_setting_names if {
	every n in ["AWS_SECRET_ACCESS_KEY", "aws-secret-access-key", "secretAccessKey", "AWS_SECRET_KEY", "aws_session_token"] {
		aws.secret_setting_name(n)
	}
	not aws.secret_key_name("aws_session_token")
	not aws.secret_setting_name("secret-name")
}

test_image_repository if {
	k8s.image_repository("docker.io/jtblin/kube2iam:0.11.2") == "jtblin/kube2iam"
	k8s.image_repository("jtblin/kube2iam@sha256:0123abcd") == "jtblin/kube2iam"
	k8s.image_repository("jtblin/kube2iam:0.11.2@sha256:0123abcd") == "jtblin/kube2iam"
	k8s.image_repository("quay.io/uswitch/kiam:v4.2") == "uswitch/kiam"
	k8s.image_repository("localhost:5000/uswitch/kiam") == "uswitch/kiam"
	k8s.image_repository("registry.example.com:5000/mirror/jtblin/kube2iam:latest") == "mirror/jtblin/kube2iam"
	k8s.image_repository("nginx") == "nginx"
}
