package podauth.rules.PA308_test

import data.podauth.rules.PA308

params := {"account_id": "111122223333"}

sa(role) := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "app", "namespace": "team", "annotations": {"eks.amazonaws.com/role-arn": role}}}

ack(role) := {
	"apiVersion": "eks.services.k8s.aws/v1alpha1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": "app", "namespace": "team"},
	"spec": {"clusterName": "prod", "namespace": "team", "serviceAccount": "app", "roleARN": role},
}

test_irsa_other_account_denied if {
	r := PA308.deny with input as {"objects": [sa("arn:aws:iam::444455556666:role/shared-reader")], "parameters": params}
	count(r) == 1
	some f in r
	f.path == "metadata.annotations[\"eks.amazonaws.com/role-arn\"]"
	contains(f.msg, "444455556666")
}

test_irsa_same_account_allowed if {
	r := PA308.deny with input as {"objects": [sa("arn:aws:iam::111122223333:role/app")], "parameters": params}
	count(r) == 0
}

test_no_account_parameter_allowed if {
	r := PA308.deny with input as {"objects": [sa("arn:aws:iam::444455556666:role/shared-reader")]}
	count(r) == 0
}

test_invalid_arn_skipped if {
	r := PA308.deny with input as {"objects": [sa("shared-reader")], "parameters": params}
	count(r) == 0
}

test_ack_association_other_account_denied if {
	r := PA308.deny with input as {"objects": [ack("arn:aws:iam::444455556666:role/app")], "parameters": params}
	count(r) == 1
	some f in r
	f.path == "spec.roleARN"
}

# targetRoleARN is the supported cross-account path: only roleARN is checked.
test_ack_target_role_allowed if {
	a := object.union(ack("arn:aws:iam::111122223333:role/app"), {"spec": {"targetRoleARN": "arn:aws:iam::444455556666:role/app"}})
	r := PA308.deny with input as {"objects": [a], "parameters": params}
	count(r) == 0
}

test_crossplane_association_denied if {
	a := {
		"apiVersion": "eks.aws.upbound.io/v1beta1",
		"kind": "PodIdentityAssociation",
		"metadata": {"name": "team-app"},
		"spec": {"forProvider": {"clusterName": "prod", "region": "eu-west-1", "namespace": "team", "serviceAccount": "app", "roleArn": "arn:aws:iam::444455556666:role/app"}},
	}
	r := PA308.deny with input as {"objects": [a], "parameters": params}
	count(r) == 1
	some f in r
	f.path == "spec.forProvider.roleArn"
}

test_eksctl_entries_denied if {
	cfg := {"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig", "metadata": {"name": "prod"}, "iam": {
		"serviceAccounts": [{"metadata": {"name": "app", "namespace": "team"}, "attachRoleARN": "arn:aws:iam::444455556666:role/app"}],
		"podIdentityAssociations": [
			{"namespace": "team", "serviceAccountName": "same", "roleARN": "arn:aws:iam::111122223333:role/same"},
			{"namespace": "team", "serviceAccountName": "jobs", "roleARN": "arn:aws:iam::444455556666:role/jobs"},
		],
	}}
	r := PA308.deny with input as {"objects": [cfg], "parameters": params}
	count(r) == 2
	{f.path | some f in r} == {"iam.serviceAccounts[0].attachRoleARN", "iam.podIdentityAssociations[1].roleARN"}
}

# Associations only in the context are not reported (they are not reviewed).
test_context_only_association_allowed if {
	r := PA308.deny with input as {"objects": [], "context": [ack("arn:aws:iam::444455556666:role/app")], "parameters": params}
	count(r) == 0
}
