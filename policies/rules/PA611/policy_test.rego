package podauth.rules.PA611_test

import data.podauth.rules.PA611

spc(parameters) := {
	"apiVersion": "secrets-store.csi.x-k8s.io/v1",
	"kind": "SecretProviderClass",
	"metadata": {"name": "db-secrets", "namespace": "shop"},
	"spec": {"provider": "aws", "parameters": object.union({"objects": "- objectName: prod/shop/db\n  objectType: secretsmanager\n"}, parameters)},
}

sa(annotations) := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "checkout", "namespace": "shop", "annotations": annotations}}

deployment := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "checkout", "namespace": "shop"},
	"spec": {"template": {"spec": {
		"serviceAccountName": "checkout",
		"containers": [{"name": "app", "image": "example.com/checkout:1", "volumeMounts": [{"name": "secrets", "mountPath": "/mnt/secrets", "readOnly": true}]}],
		"volumes": [
			{"name": "tmp", "emptyDir": {}},
			{"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": true, "volumeAttributes": {"secretProviderClass": "db-secrets"}}},
		],
	}}},
}

run(context) := {"objects": [deployment], "context": array.concat([deployment], context)}

test_sa_without_role_denied if {
	r := PA611.deny with input as run([spc({}), sa({})])
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.volumes[1].csi.volumeAttributes.secretProviderClass"
	contains(f.msg, "Deployment \"checkout\"")
	contains(f.msg, "\"db-secrets\"")
}

test_use_pod_identity_false_denied if {
	r := PA611.deny with input as run([spc({"usePodIdentity": "false"}), sa({})])
	count(r) == 1
}

test_association_hint if {
	assoc := {
		"apiVersion": "eks.services.k8s.aws/v1alpha1",
		"kind": "PodIdentityAssociation",
		"metadata": {"name": "checkout", "namespace": "shop"},
		"spec": {"clusterName": "prod", "namespace": "shop", "serviceAccount": "checkout", "roleARN": "arn:aws:iam::111122223333:role/checkout"},
	}
	r := PA611.deny with input as run([spc({}), sa({}), assoc])
	some f in r
	contains(f.msg, "usePodIdentity")
}

test_irsa_sa_allowed if {
	r := PA611.deny with input as run([spc({}), sa({"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/checkout"})])
	count(r) == 0
}

test_pod_identity_class_allowed if {
	every v in ["true", "True", "TRUE", "t", "T"] {
		count(PA611.deny) == 0 with input as run([spc({"usePodIdentity": v}), sa({})])
	}
}

test_class_absent_allowed if {
	r := PA611.deny with input as run([sa({})])
	count(r) == 0
}

test_sa_absent_allowed if {
	r := PA611.deny with input as run([spc({})])
	count(r) == 0
}

test_other_provider_allowed if {
	vault := object.union(spc({}), {"spec": {"provider": "vault"}})
	r := PA611.deny with input as run([vault, sa({})])
	count(r) == 0
}

# The class is looked up in the pod's namespace only.
test_class_in_other_namespace_allowed if {
	other := object.union(spc({}), {"metadata": {"namespace": "other"}})
	r := PA611.deny with input as run([other, sa({})])
	count(r) == 0
}

test_eksctl_irsa_allowed if {
	cc := {
		"apiVersion": "eksctl.io/v1alpha5",
		"kind": "ClusterConfig",
		"metadata": {"name": "prod", "region": "eu-west-1"},
		"iam": {"withOIDC": true, "serviceAccounts": [{"metadata": {"name": "checkout", "namespace": "shop"}, "attachPolicyARNs": ["arn:aws:iam::aws:policy/SecretsManagerReadWrite"]}]},
	}
	r := PA611.deny with input as run([spc({}), sa({}), cc])
	count(r) == 0
}

test_no_volumes_allowed if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "shop"}, "spec": {"serviceAccountName": "checkout", "containers": [{"name": "c"}]}}
	r := PA611.deny with input as {"objects": [pod], "context": [spc({}), sa({})]}
	count(r) == 0
}

# Gatekeeper: the reviewed pod comes from the AdmissionRequest, the class and
# the ServiceAccount from the replicated inventory.
gatekeeper_pod := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "checkout-7d9f", "namespace": "shop"},
	"spec": deployment.spec.template.spec,
}

inventory(sa_annotations) := {"namespace": {"shop": {
	"v1": {"ServiceAccount": {"checkout": {"metadata": {"name": "checkout", "namespace": "shop", "annotations": sa_annotations}}}},
	"secrets-store.csi.x-k8s.io/v1": {"SecretProviderClass": {"db-secrets": {
		"metadata": {"name": "db-secrets", "namespace": "shop"},
		"spec": {"provider": "aws", "parameters": {"objects": "- objectName: prod/shop/db\n  objectType: secretsmanager\n"}},
	}}},
}}}

test_gatekeeper_inventory_denied if {
	r := PA611.deny with input as {"review": {"object": gatekeeper_pod}} with data.inventory as inventory({})
	count(r) == 1
	some f in r
	f.path == "spec.volumes[1].csi.volumeAttributes.secretProviderClass"
}

test_gatekeeper_inventory_irsa_allowed if {
	r := PA611.deny with input as {"review": {"object": gatekeeper_pod}} with data.inventory as inventory({"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/checkout"})
	count(r) == 0
}

test_gatekeeper_inventory_without_class_allowed if {
	inv := {"namespace": {"shop": {"v1": {"ServiceAccount": {"checkout": {"metadata": {"name": "checkout", "namespace": "shop"}}}}}}}
	r := PA611.deny with input as {"review": {"object": gatekeeper_pod}} with data.inventory as inv
	count(r) == 0
}
