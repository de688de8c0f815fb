package podauth.lib.secrets_test

import data.podauth.lib.secrets

test_zero_durations if {
	every s in ["0", "0s", "0m", "0h", "0h0m0s", "0.0s", "00s", "-0s", "+0", "0ms", "0µs", "0ns", ".0s"] {
		secrets.zero_duration(s)
	}
	secrets.zero_duration(0)
}

test_non_zero_durations if {
	every s in ["1h", "1h0m0s", "0h1m", "10s", "0.5s", "1", "", "0x", "s", "0 s", "forever", "1h0m0s0"] {
		not secrets.zero_duration(s)
	}
	not secrets.zero_duration(1)
	not secrets.zero_duration(null)
}

test_uses_pod_identity if {
	every v in ["true", "True", "TRUE", "t", "T", "1", true] {
		secrets.uses_pod_identity({"spec": {"parameters": {"usePodIdentity": v}}})
	}
	every v in ["false", "yes", "", "on", false] {
		not secrets.uses_pod_identity({"spec": {"parameters": {"usePodIdentity": v}}})
	}
	not secrets.uses_pod_identity({"spec": {"parameters": {}}})
}

spc(ns, name, provider) := {
	"apiVersion": "secrets-store.csi.x-k8s.io/v1",
	"kind": "SecretProviderClass",
	"metadata": {"name": name, "namespace": ns},
	"spec": {"provider": provider, "secretObjects": [{"secretName": "db", "type": "Opaque"}]},
}

pod := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "app", "namespace": "team"},
	"spec": {
		"serviceAccountName": "app",
		"containers": [{"name": "app"}],
		"volumes": [
			{"name": "cfg", "configMap": {"name": "cfg"}},
			{"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io", "volumeAttributes": {"secretProviderClass": "aws-db"}}},
			{"name": "vault", "csi": {"driver": "secrets-store.csi.k8s.io", "volumeAttributes": {"secretProviderClass": "vault-db"}}},
			{"name": "missing", "csi": {"driver": "secrets-store.csi.k8s.io", "volumeAttributes": {"secretProviderClass": "absent"}}},
		],
	},
}

test_aws_csi_volumes if {
	vols := secrets.aws_csi_volumes with input as {
		"objects": [pod],
		"context": [spc("team", "aws-db", "aws"), spc("team", "vault-db", "vault"), spc("other", "absent", "aws")],
	}
	count(vols) == 1
	vols[0].path == "spec.volumes[1].csi.volumeAttributes.secretProviderClass"
	vols[0].class_name == "aws-db"
	vols[0].sa_key == "team/app"
}

test_synced_secrets if {
	ctx := {"objects": [], "context": [spc("team", "aws-db", "aws"), spc("team", "aws-db-2", "aws"), spc("team", "vault-db", "vault")]}
	classes := secrets.synced_secret_classes with input as ctx
	classes == {"team/db": ["aws-db", "aws-db-2"]}
}

mk(ns, name, secret_names) := {
	"apiVersion": "secrets-store.csi.x-k8s.io/v1",
	"kind": "SecretProviderClass",
	"metadata": {"name": name, "namespace": ns},
	"spec": {"provider": "aws", "secretObjects": [{"secretName": n} | some n in secret_names]},
}

test_synced_secret_classes_groups_runs if {
	ctx := {"objects": [], "context": [
		mk("a", "c1", ["s1", "s2"]),
		mk("a", "c2", ["s2"]),
		mk("b", "c1", ["s1"]),
		mk("a", "c3", ["s3", ""]),
	]}
	classes := secrets.synced_secret_classes with input as ctx
	classes == {"a/s1": ["c1"], "a/s2": ["c1", "c2"], "a/s3": ["c3"], "b/s1": ["c1"]}
}

test_synced_secret_classes_empty if {
	classes := secrets.synced_secret_classes with input as {"objects": [], "context": []}
	classes == {}
}

# The same class replicated under two versions is one entry, not a conflict.
test_class_under_two_versions if {
	cls := {"metadata": {"name": "aws-db", "namespace": "team"}, "spec": {"provider": "aws"}}
	inv := {"namespace": {"team": {
		"secrets-store.csi.x-k8s.io/v1": {"SecretProviderClass": {"aws-db": cls}},
		"secrets-store.csi.x-k8s.io/v1alpha1": {"SecretProviderClass": {"aws-db": cls}},
	}}}
	classes := secrets.secret_provider_classes with input as {"review": {"object": pod}} with data.inventory as inv
	count(classes) == 1
	classes["team/aws-db"].spec.provider == "aws"
}
