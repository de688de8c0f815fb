# METADATA
# title: Secret-delivery helpers (External Secrets Operator and ASCP)
# description: >-
#   Facts shared by the External Secrets Operator rules (PA6xx) and the AWS
#   Secrets and Configuration Provider rules (PA61x): ESO kinds and API versions,
#   Go duration parsing for refreshInterval, a keyed index of SecretProviderClasses
#   in the context, the Secrets Store CSI volumes of every reviewed pod, and the
#   Kubernetes Secrets ASCP syncs through `secretObjects`.
# scope: package
package podauth.lib.secrets

import data.podauth.lib.k8s
import data.podauth.lib.objects

# --- External Secrets Operator ---

eso_group := "external-secrets.io"

eso_store_kinds := {"SecretStore", "ClusterSecretStore"}

# ESO objects: SecretStore, ClusterSecretStore, ExternalSecret, ClusterExternalSecret.
eso_kinds := {"SecretStore", "ClusterSecretStore", "ExternalSecret", "ClusterExternalSecret"}

is_eso(obj, kinds) if {
	kinds[obj.kind]
	is_string(obj.apiVersion)
	k8s.group(obj.apiVersion) == eso_group
}

# The version part of an apiVersion ("v1beta1" for external-secrets.io/v1beta1).
version(api_version) := parts[1] if {
	contains(api_version, "/")
	parts := split(api_version, "/")
} else := api_version

# --- Go durations (time.ParseDuration) ---

duration_units := `(ns|us|µs|μs|ms|s|m|h)`

# A Go duration string equal to zero: every segment's number is made of zeros
# ("0", "0s", "0m", "0h0m0s", "0.0s", "-0s").
zero_duration(s) if {
	is_string(s)
	regex.match(sprintf(`^[-+]?(0|((0+(\.0*)?|\.0+)%s)+)$`, [duration_units]), s)
}

# A YAML number 0 (not accepted by the API server, which wants a string, but the
# intent of an offline manifest is clear).
zero_duration(s) if {
	is_number(s)
	s == 0
}

# --- Secrets Store CSI driver / ASCP ---

spc_group := "secrets-store.csi.x-k8s.io"

csi_driver := "secrets-store.csi.k8s.io"

# SecretProviderClasses in the context, by "namespace/name". The value drops
# apiVersion so that one class replicated under both v1 and v1alpha1 (possible
# in a Gatekeeper inventory) yields equal values instead of a key conflict.
# A lookup index (podauth.lib.lookups).
secret_provider_classes := idx if idx := data.podauth.lib.objects.prebuilt.secret_provider_classes
else := {k8s.key(k8s.namespace(spc), k8s.name(spc)): object.remove(spc, ["apiVersion"]) |
	some spc in data.podauth.lib.objects.context
	spc.kind == "SecretProviderClass"
	is_string(spc.apiVersion)
	k8s.group(spc.apiVersion) == spc_group
}

aws_class(spc) if spc.spec.provider == "aws"

# ASCP parses usePodIdentity with Go's strconv.ParseBool (server/server.go), so
# "1", "t", "T", "TRUE", "true" and "True" all select Pod Identity. A YAML boolean
# true (rejected by the API server, parameters is map[string]string) is read as
# the author's intent.
pod_identity_values := {"1", "t", "T", "TRUE", "true", "True"}

uses_pod_identity(spc) if pod_identity_values[spc.spec.parameters.usePodIdentity]

uses_pod_identity(spc) if spc.spec.parameters.usePodIdentity == true

# Every Secrets Store CSI volume of every reviewed pod that names an aws
# SecretProviderClass present in the context (volumes naming an unknown class
# are skipped: its provider cannot be known).
aws_csi_volumes := [v |
	some pod in data.podauth.lib.k8s.pods
	some i, vol in object.get(pod.spec, "volumes", [])
	is_object(vol)
	vol.csi.driver == csi_driver
	class_name := vol.csi.volumeAttributes.secretProviderClass
	is_string(class_name)
	class_key := k8s.key(pod.namespace, class_name)
	spc := secret_provider_classes[class_key]
	aws_class(spc)
	v := {
		"ref": pod.ref,
		"pod": pod,
		"volume": object.get(vol, "name", ""),
		"class_name": class_name,
		"class": spc,
		"path": sprintf("%s.volumes[%d].csi.volumeAttributes.secretProviderClass", [pod.spec_path, i]),
		"sa_key": pod.sa_key,
	}
]

# Kubernetes Secrets an aws SecretProviderClass syncs through secretObjects:
# {"key": "namespace/secretName", "class": class name}.
synced_secrets contains {"key": k8s.key(k8s.namespace(spc), so.secretName), "class": k8s.name(spc)} if {
	some _, spc in secret_provider_classes
	aws_class(spc)
	some so in spc.spec.secretObjects
	is_string(so.secretName)
	so.secretName != ""
}

# "namespace/secretName" -> sorted names of the aws classes that sync it. Built
# by sorting the (key, class) pairs and cutting the runs of equal keys, so it
# stays O(n log n) even when many classes sync Secrets (a partial object rule
# could not hold two classes that sync the same Secret).
synced_secret_classes := {pairs[start][0]: [pairs[j][1] | some j in numbers.range(start, end - 1)] |
	some x, start in run_starts
	end := run_end(x)
}

pairs := sort([[s.key, s.class] | some s in synced_secrets])

run_starts := [i |
	some i, pair in pairs
	run_start(i, pair)
]

run_start(i, _) if i == 0

run_start(i, pair) if {
	i > 0
	pairs[i - 1][0] != pair[0]
}

run_end(x) := run_starts[x + 1] if x + 1 < count(run_starts)
else := count(pairs)

# --- Messages ---

# %q for strings, %v for anything else (sprintf's %q rejects non-strings, and an
# offline manifest may hold a number or boolean where a string belongs).
quote(v) := sprintf("%q", [v]) if is_string(v)
else := sprintf("%v", [v])
