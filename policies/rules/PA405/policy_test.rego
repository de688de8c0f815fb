package podauth.rules.PA405_test

import data.podauth.rules.PA405

doc(actions) := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": actions}]}

ack_role(name, actions) := {
	"apiVersion": "iam.services.k8s.aws/v1alpha1",
	"kind": "Role",
	"metadata": {"name": name, "namespace": "orders"},
	"spec": {"name": name, "assumeRolePolicyDocument": json.marshal(doc(actions))},
}

by_arn := {
	"apiVersion": "eks.services.k8s.aws/v1alpha1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": "worker", "namespace": "orders"},
	"spec": {"clusterName": "prod", "namespace": "orders", "serviceAccount": "worker", "roleARN": "arn:aws:iam::111122223333:role/orders-worker"},
}

by_ref := {
	"apiVersion": "eks.services.k8s.aws/v1alpha1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": "worker", "namespace": "orders"},
	"spec": {"clusterName": "prod", "namespace": "orders", "serviceAccount": "worker", "roleRef": {"from": {"name": "orders-worker"}}},
}

run(objects) := r if {
	r := PA405.deny with input as {"objects": objects, "context": objects}
}

test_missing_tag_session_denied if {
	r := run([by_arn, ack_role("orders-worker", "sts:AssumeRole")])
	count(r) == 1
	some f in r
	f.path == "spec"
	contains(f.msg, "sts:TagSession")
}

test_role_ref_resolved if {
	count(run([by_ref, ack_role("orders-worker", ["sts:AssumeRole"])])) == 1
	count(run([by_ref, ack_role("orders-worker", ["sts:AssumeRole", "sts:TagSession"])])) == 0
}

test_wildcard_action_allowed if {
	count(run([by_arn, ack_role("orders-worker", "sts:*")])) == 0
}

test_unknown_role_silent if {
	count(run([by_arn])) == 0
	count(run([by_arn, ack_role("other", "sts:AssumeRole")])) == 0
}

test_terraform_association_by_role_name if {
	tf := {"apiVersion": "podauth.io/v1alpha1", "kind": "PodIdentityAssociation", "metadata": {"name": "aws_eks_pod_identity_association.reports", "namespace": "reports"}, "spec": {"clusterName": "prod", "namespace": "reports", "serviceAccount": "exporter", "roleName": "reports-exporter"}}
	role := {"apiVersion": "podauth.io/v1alpha1", "kind": "IAMRole", "metadata": {"name": "aws_iam_role.reports"}, "spec": {"roleName": "reports-exporter", "arn": "", "assumeRolePolicyDocument": doc("sts:AssumeRole")}}
	count(run([tf, role])) == 1
	unknown := object.union(role, {"spec": {"assumeRolePolicyDocument": null}})
	count(run([tf, unknown])) == 0
}
