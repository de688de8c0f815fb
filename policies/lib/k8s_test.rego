package podauth.lib.k8s_test

import data.podauth.lib.k8s

sa(ns, name, annotations) := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": ns, "annotations": annotations}}

cm := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "team"}}

deployment := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "web", "namespace": "team"},
	"spec": {"template": {
		"metadata": {"annotations": {"a": "b"}},
		"spec": {
			"serviceAccountName": "web",
			"initContainers": [{"name": "init", "env": [{"name": "X", "value": "1"}]}],
			"containers": [{"name": "main", "env": [{"name": "AWS_REGION", "value": "eu-west-1"}, {"name": "FROM", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]}],
		},
	}},
}

cron := {
	"apiVersion": "batch/v1", "kind": "CronJob",
	"metadata": {"name": "nightly"},
	"spec": {"jobTemplate": {"spec": {"template": {"spec": {"serviceAccount": "legacy", "containers": [{"name": "c"}]}}}}},
}

# `ref` is the object's position in objects.review, also for sub-objects.
test_pods_carry_ref_paths_and_identity if {
	pods := k8s.pods with input as {"objects": [cm, deployment, cron]}
	count(pods) == 2
	pods[1].ref == 1
	pods[1].spec_path == "spec.template.spec"
	pods[1].metadata_path == "spec.template.metadata"
	pods[1].namespace == "team"
	pods[1].service_account == "web"
	pods[2].ref == 2
	pods[2].spec_path == "spec.jobTemplate.spec.template.spec"
	pods[2].namespace == "default"
	pods[2].service_account == "legacy"
	not pods[0]
}

test_containers_and_env_vars_carry_ref_and_path if {
	containers := k8s.containers with input as {"objects": [cm, deployment]}
	{[c.ref, c.name, c.path] | some c in containers} == {
		[1, "init", "spec.template.spec.initContainers[0]"],
		[1, "main", "spec.template.spec.containers[0]"],
	}
	env := k8s.env_vars with input as {"objects": [cm, deployment]}
	{[e.ref, e.name, e.value, e.path] | some e in env} == {
		[1, "X", "1", "spec.template.spec.initContainers[0].env[0]"],
		[1, "AWS_REGION", "eu-west-1", "spec.template.spec.containers[0].env[0]"],
		[1, "FROM", null, "spec.template.spec.containers[0].env[1]"],
	}
}

test_service_account_name_falls_back_to_default if {
	k8s.service_account_name({"serviceAccountName": "a", "serviceAccount": "b"}) == "a"
	k8s.service_account_name({"serviceAccountName": "", "serviceAccount": "b"}) == "b"
	k8s.service_account_name({"serviceAccount": 3}) == "default"
	k8s.service_account_name({}) == "default"
}

test_metadata_helpers if {
	k8s.namespace({"metadata": {"namespace": "x"}}) == "x"
	k8s.namespace({"metadata": {"namespace": ""}}) == "default"
	k8s.namespace({}) == "default"
	k8s.name({"metadata": {"name": 1}}) == ""
	k8s.annotations({"annotations": "no"}) == {}
	k8s.labels({"labels": {"a": "b"}}) == {"a": "b"}
	k8s.key("ns", "n") == "ns/n"
	k8s.group("apps/v1") == "apps"
	k8s.group("v1") == ""
}

test_paths_quote_what_is_not_plain if {
	k8s.path(["metadata", "annotations", "eks.amazonaws.com/role-arn"]) == `metadata.annotations["eks.amazonaws.com/role-arn"]`
	k8s.path(["spec", "containers", 0, "env", 2]) == "spec.containers[0].env[2]"
	k8s.child("", ["a", "b"]) == "a.b"
	k8s.child("spec.template.metadata", ["annotations", "iam.amazonaws.com/role"]) == `spec.template.metadata.annotations["iam.amazonaws.com/role"]`
}

test_lookup_indexes_read_the_context_only if {
	irsa := sa("team", "web", {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/web"})
	plain := sa("other", "x", {})
	inp := {"objects": [plain], "context": [irsa]}
	sas := k8s.service_accounts with input as inp
	{k | some k, _ in sas} == {"team/web"}
	k8s.irsa_keys == {"team/web"} with input as inp
	k8s.namespaces_with_service_accounts == {"team"} with input as inp
	k8s.irsa_role(irsa) == "arn:aws:iam::111122223333:role/web"
	not k8s.irsa_role(sa("team", "x", {"eks.amazonaws.com/role-arn": ""}))
}

test_association_entries_of_every_source if {
	ack := {"apiVersion": "eks.services.k8s.aws/v1alpha1", "kind": "PodIdentityAssociation", "metadata": {"name": "a", "namespace": "platform"}, "spec": {"namespace": "team", "serviceAccount": "web", "roleARN": "arn:r"}}
	k8s.association_entries(ack) == [{"namespace": "team", "service_account": "web", "role_arn": "arn:r", "path": "spec"}]
	crossplane := {"apiVersion": "eks.aws.upbound.io/v1beta1", "kind": "PodIdentityAssociation", "metadata": {"name": "c"}, "spec": {"forProvider": {"namespace": "team", "serviceAccount": "api"}}}
	k8s.association_entries(crossplane) == [{"namespace": "team", "service_account": "api", "role_arn": "", "path": "spec.forProvider"}]
	eksctl := {"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig", "metadata": {"name": "prod"}, "iam": {
		"podIdentityAssociations": [{"namespace": "a", "serviceAccountName": "x"}, {"namespace": "b", "serviceAccountName": "y", "roleARN": "arn:y"}],
		"serviceAccounts": [{"metadata": {"name": "z", "namespace": "c"}}],
	}}
	k8s.association_entries(eksctl)[1] == {"namespace": "b", "service_account": "y", "role_arn": "arn:y", "path": "iam.podIdentityAssociations[1]"}
	k8s.association_entries(cm) == []
	inp := {"objects": [], "context": [ack, eksctl]}
	k8s.pod_identity_keys == {"team/web", "a/x", "b/y"} with input as inp
	k8s.eksctl_irsa_keys == {"c/z"} with input as inp
	k8s.irsa_keys == {"c/z"} with input as inp
}
