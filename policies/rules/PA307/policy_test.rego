package podauth.rules.PA307_test

import data.podauth.rules.PA307

irsa_sa := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "app", "namespace": "team", "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/app-irsa"}}}

ack := {
	"apiVersion": "eks.services.k8s.aws/v1alpha1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": "app", "namespace": "team"},
	"spec": {"clusterName": "prod", "namespace": "team", "serviceAccount": "app", "roleARN": "arn:aws:iam::111122223333:role/app-pod-identity"},
}

crossplane := {
	"apiVersion": "eks.aws.upbound.io/v1beta1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": "team-app"},
	"spec": {"forProvider": {"clusterName": "prod", "region": "eu-west-1", "namespace": "team", "serviceAccount": "app", "roleArn": "arn:aws:iam::111122223333:role/app-pod-identity"}},
}

test_ack_association_denied if {
	r := PA307.deny with input as {"objects": [irsa_sa], "context": [irsa_sa, ack]}
	count(r) == 1
	some f in r
	f.path == "metadata.annotations[\"eks.amazonaws.com/role-arn\"]"
	contains(f.msg, "app-pod-identity")
}

test_crossplane_association_denied if {
	r := PA307.deny with input as {"objects": [irsa_sa], "context": [irsa_sa, crossplane]}
	count(r) == 1
}

test_association_for_other_sa_allowed if {
	other := object.union(ack, {"spec": {"serviceAccount": "worker"}})
	r := PA307.deny with input as {"objects": [irsa_sa], "context": [irsa_sa, other]}
	count(r) == 0
}

test_association_other_namespace_allowed if {
	other := object.union(ack, {"spec": {"namespace": "ops"}})
	r := PA307.deny with input as {"objects": [irsa_sa], "context": [irsa_sa, other]}
	count(r) == 0
}

test_pod_identity_only_allowed if {
	sa := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "app", "namespace": "team"}}
	r := PA307.deny with input as {"objects": [sa], "context": [sa, ack]}
	count(r) == 0
}

test_no_association_in_context_allowed if {
	r := PA307.deny with input as {"objects": [irsa_sa], "context": [irsa_sa]}
	count(r) == 0
}

test_eksctl_both_denied if {
	cfg := {"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig", "metadata": {"name": "prod"}, "iam": {
		"withOIDC": true,
		"serviceAccounts": [{"metadata": {"name": "app", "namespace": "team"}, "attachRoleARN": "arn:aws:iam::111122223333:role/app-irsa"}],
		"podIdentityAssociations": [{"namespace": "team", "serviceAccountName": "app", "roleARN": "arn:aws:iam::111122223333:role/app-pod-identity"}],
	}}
	r := PA307.deny with input as {"objects": [cfg], "context": [cfg]}
	count(r) == 1
	some f in r
	f.path == "iam.serviceAccounts[0]"
}
