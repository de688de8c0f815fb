package podauth.rules.PA305_test

import data.podauth.rules.PA305

irsa_sa := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "app", "namespace": "team", "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/app"}}}

plain_sa := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "app", "namespace": "team"}}

association := {
	"apiVersion": "eks.services.k8s.aws/v1alpha1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": "app", "namespace": "team"},
	"spec": {"clusterName": "prod", "namespace": "team", "serviceAccount": "app", "roleARN": "arn:aws:iam::111122223333:role/app"},
}

keys_secret := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "aws-keys", "namespace": "team"}, "data": {"AWS_ACCESS_KEY_ID": "QUtJQQ==", "AWS_SECRET_ACCESS_KEY": "c2VjcmV0"}}

deployment(container) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "team"},
	"spec": {"template": {"spec": {"serviceAccountName": "app", "containers": [container]}}},
}

secret_key_ref_env := [
	{"name": "AWS_REGION", "value": "eu-west-1"},
	{"name": "AWS_ACCESS_KEY_ID", "valueFrom": {"secretKeyRef": {"name": "aws-keys", "key": "id"}}},
	{"name": "AWS_SECRET_ACCESS_KEY", "valueFrom": {"secretKeyRef": {"name": "aws-keys", "key": "secret"}}},
]

test_irsa_with_secret_key_ref_denied if {
	d := deployment({"name": "web", "env": secret_key_ref_env})
	r := PA305.deny with input as {"objects": [d], "context": [irsa_sa, d]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].env[1].valueFrom"
	contains(f.msg, "IRSA")
	contains(f.msg, "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY")
}

test_pod_identity_with_literal_denied if {
	d := deployment({"name": "web", "env": [{"name": "AWS_SECRET_ACCESS_KEY", "value": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY123"}]})
	r := PA305.deny with input as {"objects": [d], "context": [plain_sa, association]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].env[0].value"
	contains(f.msg, "EKS Pod Identity")
	not contains(f.msg, "wJalr")
}

test_env_from_secret_denied if {
	d := deployment({"name": "web", "envFrom": [{"secretRef": {"name": "aws-keys"}}]})
	r := PA305.deny with input as {"objects": [d], "context": [irsa_sa, keys_secret]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].envFrom[0]"
}

test_env_from_secret_with_prefix_allowed if {
	d := deployment({"name": "web", "envFrom": [{"prefix": "BACKUP_", "secretRef": {"name": "aws-keys"}}]})
	r := PA305.deny with input as {"objects": [d], "context": [irsa_sa, keys_secret]}
	count(r) == 0
}

test_env_from_secret_not_in_context_allowed if {
	d := deployment({"name": "web", "envFrom": [{"secretRef": {"name": "aws-keys"}}]})
	r := PA305.deny with input as {"objects": [d], "context": [irsa_sa]}
	count(r) == 0
}

# An explicit empty env entry overrides the envFrom key: the SDK sees no key.
test_env_overrides_env_from_allowed if {
	d := deployment({"name": "web", "envFrom": [{"secretRef": {"name": "aws-keys"}}], "env": [{"name": "AWS_ACCESS_KEY_ID", "value": ""}, {"name": "AWS_SECRET_ACCESS_KEY", "value": ""}]})
	r := PA305.deny with input as {"objects": [d], "context": [irsa_sa, keys_secret]}
	count(r) == 0
}

test_no_workload_identity_allowed if {
	d := deployment({"name": "web", "env": secret_key_ref_env})
	r := PA305.deny with input as {"objects": [d], "context": [plain_sa]}
	count(r) == 0
}

test_service_account_not_in_context_allowed if {
	d := deployment({"name": "web", "env": secret_key_ref_env})
	r := PA305.deny with input as {"objects": [d]}
	count(r) == 0
}

test_identity_without_keys_allowed if {
	d := deployment({"name": "web", "env": [{"name": "AWS_REGION", "value": "eu-west-1"}]})
	r := PA305.deny with input as {"objects": [d], "context": [irsa_sa]}
	count(r) == 0
}

test_one_finding_per_container if {
	d := deployment({"name": "web", "env": secret_key_ref_env, "envFrom": [{"secretRef": {"name": "aws-keys"}}]})
	r := PA305.deny with input as {"objects": [d], "context": [irsa_sa, keys_secret]}
	count(r) == 1
}

# Gatekeeper: the review object plus data.inventory.
test_gatekeeper_inventory_denied if {
	d := deployment({"name": "web", "env": secret_key_ref_env})
	inv := {"namespace": {"team": {"v1": {"ServiceAccount": {"app": irsa_sa}}}}}
	r := PA305.deny with input as {"review": {"object": d}} with data.inventory as inv
	count(r) == 1
}

test_gatekeeper_inventory_without_sa_allowed if {
	d := deployment({"name": "web", "env": secret_key_ref_env})
	inv := {"namespace": {"team": {"v1": {"ServiceAccount": {"other": plain_sa}}}}}
	r := PA305.deny with input as {"review": {"object": d}} with data.inventory as inv
	count(r) == 0
}

# Issue 14 (tempo-distributed ingester): keys mapped from a Secret with $(VAR).
test_irsa_with_keys_by_reference_denied if {
	d := deployment({"name": "ingester", "env": [
		{"name": "S3_ACCESS_KEY", "valueFrom": {"secretKeyRef": {"name": "tempo-s3", "key": "access-key"}}},
		{"name": "AWS_ACCESS_KEY_ID", "value": "$(S3_ACCESS_KEY)"},
	]})
	r := PA305.deny with input as {"objects": [d], "context": [irsa_sa, d]}
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.containers[0].env[1].value"
}
