package podauth.rules.PA613_test

import data.podauth.rules.PA613

spc(use_pod_identity) := {
	"apiVersion": "secrets-store.csi.x-k8s.io/v1",
	"kind": "SecretProviderClass",
	"metadata": {"name": "db-secrets", "namespace": "shop"},
	"spec": {"provider": "aws", "parameters": {"usePodIdentity": use_pod_identity, "objects": "- objectName: prod/shop/db\n  objectType: secretsmanager\n"}},
}

ack(ns, sa) := {
	"apiVersion": "eks.services.k8s.aws/v1alpha1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": sprintf("%s-%s", [ns, sa]), "namespace": ns},
	"spec": {"clusterName": "prod", "namespace": ns, "serviceAccount": sa, "roleARN": "arn:aws:iam::111122223333:role/x"},
}

pod := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "checkout", "namespace": "shop"},
	"spec": {
		"serviceAccountName": "checkout",
		"containers": [{"name": "app", "image": "example.com/checkout:1"}],
		"volumes": [{"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": true, "volumeAttributes": {"secretProviderClass": "db-secrets"}}}],
	},
}

run(context) := {"objects": [pod], "context": array.concat([pod], context)}

test_no_association_for_sa_denied if {
	r := PA613.deny with input as run([spc("true"), ack("shop", "payments")])
	count(r) == 1
	some f in r
	f.path == "spec.volumes[0].csi.volumeAttributes.secretProviderClass"
	contains(f.msg, "\"checkout\"")
	contains(f.msg, "\"db-secrets\"")
}

test_same_sa_other_namespace_denied if {
	r := PA613.deny with input as run([spc("T"), ack("other", "checkout")])
	count(r) == 1
}

test_eksctl_association_allowed if {
	cc := {
		"apiVersion": "eksctl.io/v1alpha5",
		"kind": "ClusterConfig",
		"metadata": {"name": "prod", "region": "eu-west-1"},
		"iam": {"podIdentityAssociations": [{"namespace": "shop", "serviceAccountName": "checkout", "roleARN": "arn:aws:iam::111122223333:role/checkout"}]},
	}
	r := PA613.deny with input as run([spc("true"), cc])
	count(r) == 0
}

test_ack_association_allowed if {
	r := PA613.deny with input as run([spc("TRUE"), ack("shop", "checkout")])
	count(r) == 0
}

# Associations may live only in the AWS API: no declared association, no finding.
test_associations_not_in_scope_allowed if {
	r := PA613.deny with input as run([spc("true")])
	count(r) == 0
}

test_irsa_class_allowed if {
	r := PA613.deny with input as run([spc("false"), ack("shop", "payments")])
	count(r) == 0
}

test_use_pod_identity_absent_allowed if {
	cls := {"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass", "metadata": {"name": "db-secrets", "namespace": "shop"}, "spec": {"provider": "aws", "parameters": {}}}
	r := PA613.deny with input as run([cls, ack("shop", "payments")])
	count(r) == 0
}

test_class_absent_allowed if {
	r := PA613.deny with input as run([ack("shop", "payments")])
	count(r) == 0
}

test_default_service_account_denied if {
	p := json.remove(pod, ["spec/serviceAccountName"])
	r := PA613.deny with input as {"objects": [p], "context": [spc("true"), ack("shop", "checkout")]}
	some f in r
	contains(f.msg, "\"default\"")
}
