package podauth.rules.PA612_test

import data.podauth.rules.PA612

spc(provider) := {
	"apiVersion": "secrets-store.csi.x-k8s.io/v1",
	"kind": "SecretProviderClass",
	"metadata": {"name": "db-secrets", "namespace": "shop"},
	"spec": {
		"provider": provider,
		"parameters": {"objects": "- objectName: prod/shop/db\n  objectType: secretsmanager\n"},
		"secretObjects": [{"secretName": "db-credentials", "type": "Opaque", "data": [{"objectName": "prod/shop/db", "key": "password"}]}],
	},
}

pod(container) := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "checkout", "namespace": "shop"},
	"spec": {
		"containers": [object.union({"name": "app", "image": "example.com/checkout:1"}, container)],
		"volumes": [{"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io", "volumeAttributes": {"secretProviderClass": "db-secrets"}}}],
	},
}

run(p, context) := {"objects": [p], "context": array.concat([p], context)}

key_ref(name) := {"env": [
	{"name": "LOG_LEVEL", "value": "info"},
	{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": name, "key": "password"}}},
]}

test_secret_key_ref_denied if {
	r := PA612.deny with input as run(pod(key_ref("db-credentials")), [spc("aws")])
	count(r) == 1
	some f in r
	f.path == "spec.containers[0].env[1].valueFrom.secretKeyRef.name"
	contains(f.msg, "DB_PASSWORD")
	contains(f.msg, "\"db-secrets\"")
}

test_env_from_denied if {
	r := PA612.deny with input as run(pod({"envFrom": [{"configMapRef": {"name": "cfg"}}, {"secretRef": {"name": "db-credentials"}}]}), [spc("aws")])
	count(r) == 1
	some f in r
	f.path == "spec.containers[0].envFrom[1].secretRef.name"
}

test_other_secret_allowed if {
	r := PA612.deny with input as run(pod(key_ref("api-token")), [spc("aws")])
	count(r) == 0
}

test_other_provider_allowed if {
	r := PA612.deny with input as run(pod(key_ref("db-credentials")), [spc("vault")])
	count(r) == 0
}

test_class_absent_allowed if {
	r := PA612.deny with input as run(pod(key_ref("db-credentials")), [])
	count(r) == 0
}

test_other_namespace_allowed if {
	other := object.union(spc("aws"), {"metadata": {"namespace": "other"}})
	r := PA612.deny with input as run(pod(key_ref("db-credentials")), [other])
	count(r) == 0
}

test_file_only_allowed if {
	r := PA612.deny with input as run(pod({"volumeMounts": [{"name": "secrets", "mountPath": "/mnt/secrets"}]}), [spc("aws")])
	count(r) == 0
}

test_deployment_init_container_denied if {
	d := {
		"apiVersion": "apps/v1",
		"kind": "Deployment",
		"metadata": {"name": "checkout", "namespace": "shop"},
		"spec": {"template": {"spec": {
			"initContainers": [{"name": "migrate", "env": [{"name": "PW", "valueFrom": {"secretKeyRef": {"name": "db-credentials", "key": "password"}}}]}],
			"containers": [{"name": "app"}],
		}}},
	}
	r := PA612.deny with input as run(d, [spc("aws")])
	count(r) == 1
	some f in r
	f.path == "spec.template.spec.initContainers[0].env[0].valueFrom.secretKeyRef.name"
}

test_two_classes_sync_same_secret if {
	second := object.union(spc("aws"), {"metadata": {"name": "db-secrets-failover"}})
	r := PA612.deny with input as run(pod(key_ref("db-credentials")), [spc("aws"), second])
	count(r) == 1
	some f in r
	contains(f.msg, "\"db-secrets\", \"db-secrets-failover\"")
}
