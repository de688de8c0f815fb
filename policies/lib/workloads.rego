# METADATA
# title: Workload authentication classification
# description: >-
#   `workloads` lists, for every pod-bearing object under review (sorted by
#   ref), the AWS authentication methods it uses, the one the AWS SDK default
#   credential chain actually picks (`effective`), that method's rank in the
#   source document's security ranking (null for "none"), and what the Decision
#   Guide recommends (podauth.lib.decision with the parameters `prefer`,
#   `cluster_type`, `ec2_nodes` (default true) and `per_pod` (default true on
#   EKS, false on non-EKS, where the guide's first choice is the shared node
#   role); a pod with an assume-role profile gets the multi-account answer, and
#   on non-EKS clusters a pod already fed by the External Secrets Operator keeps
#   it). Chain order (`chain`), as in the SDKs: environment keys (literal, then
#   Secret/ConfigMap-fed, then ExternalSecret-fed), then shared config and
#   credentials files (an assume-role profile first, as the SDKs resolve
#   role_arn before static keys, then a web-identity profile, static or
#   ExternalSecret-fed credentials files, an ASCP-mounted credentials file),
#   then web identity (IRSA), then container credentials (Pod Identity), then
#   IMDS (kube2iam/KIAM when annotated, else the node role). When a
#   ServiceAccount has both an IRSA annotation and a Pod Identity association,
#   the webhook injects only the Pod Identity variables, so Pod Identity is
#   effective unless a container sets AWS_ROLE_ARN and
#   AWS_WEB_IDENTITY_TOKEN_FILE itself. An IRSA role whose known trust policy
#   does not admit the ServiceAccount (podauth.lib.iam, PA309) stays listed but
#   is never effective: the next chain step is, or "none". Judgement calls: detection is per
#   container, and a pod's effective method is the first chain step any of its
#   containers reaches. Assumed-role means a mounted ConfigMap or Secret file
#   (key `config`, .../.aws/config, or the file AWS_CONFIG_FILE names) with a
#   role_arn profile, not a bare AWS_ROLE_ARN variable, which no SDK provider
#   reads without a token file. A mounted Secret or ConfigMap file is a
#   credentials file at .../.aws/credentials, at the path
#   AWS_SHARED_CREDENTIALS_FILE names, or when its content (plain, base64 or
#   live-mode redaction class) is one; a key named `credentials` elsewhere is
#   not enough. ASCP is listed for any Secrets Store CSI volume but is effective
#   only when it mounts the credentials file (inside AWS_SHARED_CREDENTIALS_FILE
#   or at .../.aws) or when nothing else applies: ASCP authenticates with the
#   pod's own identity. The node role is reported only when a container visibly
#   uses the SDK (an AWS_* variable), no credential method is found, IMDS is
#   not disabled (AWS_EC2_METADATA_DISABLED=true) and the pod can reach a node
#   role (not on Fargate, and not on a non-EKS cluster with ec2_nodes false);
#   otherwise the methods list is ["none"]. Lookups use only the context: an
#   envFrom Secret missing from it adds nothing, and a mounted Secret missing
#   from it counts only when the mount path (.../.aws) or an AWS_*_FILE
#   variable says it holds AWS files.
# scope: package
package podauth.workloads

import data.podauth.lib.aws
import data.podauth.lib.credentials
import data.podauth.lib.decision
import data.podauth.lib.identity
import data.podauth.lib.k8s
import data.podauth.lib.objects

# Performance: regorus compiles a regex on every call and user functions are
# not free, so per-object work is gated by cheap inline tests, and the detailed
# file analysis only runs for mounts that can hold AWS files.

# One entry per pod-bearing reviewed object, sorted by ref. Equals
# classify(pod) for each pod; the classification depends only on the pod's
# facts, so it is computed once per distinct fact set, not once per pod.
workloads := [object.union({"ref": ref, "serviceAccount": pod.service_account}, c) |
	some ref in sort([r | some r, _ in data.podauth.lib.k8s.pods])
	pod := data.podauth.lib.k8s.pods[ref]
	c := classification[pod_fact_keys[ref]]
]

# The sorted facts of each pod, by ref.
pod_fact_keys[ref] := sort(facts(pod)) if some ref, pod in data.podauth.lib.k8s.pods

fact_keys := {k | some k in pod_fact_keys}

# classify(pod) without ref and serviceAccount, by sorted fact list.
classification[k] := {
	"methods": ms,
	"effective": eff,
	"rank": rank_of(eff),
	"recommended": rec.method,
	"reason": rec.reason,
} if {
	some k in fact_keys
	f := {x | some x in k}
	found := {m | some m, evidence in method_evidence; count(evidence & f) > 0}
	ms := methods_of(found, f)
	eff := effective_of(f | {"node-role" | "node-role" in ms})
	rec := recommendations[answer_key(ms, f)]
}

classify(pod) := {
	"ref": pod.ref,
	"serviceAccount": pod.service_account,
	"methods": ms,
	"effective": eff,
	"rank": rank_of(eff),
	"recommended": rec.method,
	"reason": rec.reason,
} if {
	f := facts(pod)
	found := {m | some m, evidence in method_evidence; count(evidence & f) > 0}
	ms := methods_of(found, f)
	eff := effective_of(f | {"node-role" | "node-role" in ms})
	rec := recommendations[answer_key(ms, f)]
}

# Every fact about one pod: its containers' signals plus pod-level facts
# (sa-irsa-only: the webhook injects only the Pod Identity variables when a
# ServiceAccount has both an IRSA annotation and an association).
facts(pod) := ((sigs | sa_facts) | irsa_only) | others if {
	sigs := {s | some s in signal_names; signal[[pod.ref, s]]}
	k := sa_key(pod)
	sa_facts := {"sa-irsa" | data.podauth.lib.k8s.irsa_keys[k]} | {"sa-pi" | data.podauth.lib.k8s.pod_identity_keys[k]}
	# A known role whose trust policy rejects the ServiceAccount's token (PA309)
	# gives no web identity credentials: the chain moves on.
	irsa_only := {"sa-irsa-only" | sa_facts == {"sa-irsa"}; not data.podauth.lib.iam.untrusting_irsa[k]}
	others := (({"kube2iam" | kube2iam(pod)} | {"csi" | ascp_refs[pod.ref]}) | {"fargate" | fargate(pod)}) | {"windows" | windows(pod)}
}

signal_names := [
	"hardcoded", "env-static", "env-eso", "file-assumed-role", "file-irsa",
	"file-static", "file-eso", "file-ascp", "irsa-env", "pi-env", "imds",
]

kube2iam(pod) if {
	annos := k8s.annotations(pod.metadata)
	v := annos[kube2iam_annotation]
	is_string(v)
	trim_space(v) != ""
}

sa_key(pod) := k8s.key(pod.namespace, pod.service_account)

# Which facts make a pod use a method.
method_evidence := {
	"hardcoded-credentials": {"hardcoded"},
	"static-credentials": {"env-static", "file-static"},
	"external-secrets": {"env-eso", "file-eso"},
	"assumed-role": {"file-assumed-role"},
	"irsa": {"sa-irsa", "irsa-env", "file-irsa"},
	"pod-identity": {"sa-pi", "pi-env"},
	"kube2iam-kiam": {"kube2iam"},
}

# ASCP is listed when mounted; the node role only when nothing else gives the
# SDK a credential.
methods_of(found, f) := sort([m | some m in listed]) if {
	listed := (found | {"ascp" | "csi" in f}) | {"node-role" | count(found) == 0; node_role_use(f)}
	count(listed) > 0
} else := ["none"]

node_role_use(f) if {
	"imds" in f
	not "fargate" in f
	node_role_reachable
}

node_role_reachable if eks

node_role_reachable if object.get(data.podauth.lib.objects.parameters, "ec2_nodes", true) == true

# The SDK default chain, in order; the first step whose fact holds is effective.
chain := [
	["hardcoded", "hardcoded-credentials"], # environment: literal keys
	["env-static", "static-credentials"], # environment: keys from a Secret
	["env-eso", "external-secrets"], # environment: keys from an ExternalSecret's Secret
	["file-assumed-role", "assumed-role"], # shared config: role_arn profile
	["file-irsa", "irsa"], # shared config: web identity profile
	["file-static", "static-credentials"], # shared credentials file
	["file-eso", "external-secrets"],
	["file-ascp", "ascp"],
	["irsa-env", "irsa"], # web identity variables set by hand
	["sa-irsa-only", "irsa"], # web identity injected by the webhook
	["sa-pi", "pod-identity"], # container credentials injected by the webhook
	["pi-env", "pod-identity"],
	["kube2iam", "kube2iam-kiam"], # IMDS, intercepted
	["node-role", "node-role"], # IMDS
	["csi", "ascp"], # no SDK credential, but ASCP fetches secrets for the pod
]

effective_of(f) := hits[0] if {
	hits := [step[1] | some step in chain; f[step[0]]]
	count(hits) > 0
} else := "none"

# The security ranking: 1 is most secure.
ranks := {
	"irsa": 1,
	"pod-identity": 1,
	"assumed-role": 2,
	"ascp": 3,
	"external-secrets": 3,
	"node-role": 4,
	"kube2iam-kiam": 4,
	"static-credentials": 5,
	"hardcoded-credentials": 6,
}

rank_of(m) := ranks[m] if ranks[m]
else := null

# --- Recommendation ------------------------------------------------------------

eks := data.podauth.lib.objects.parameters.cluster_type != "non-eks"

preference := "iac" if data.podauth.lib.objects.parameters.prefer == "pod-identity"
else := "gitops"

# The per-pod answers: [fargate, windows, cross_account, external_static_secrets].
answer_key(ms, f) := [
	"fargate" in f,
	"windows" in f,
	# A role_arn profile is the guide's multi-account pattern: keep the assumed
	# role, on top of IRSA or Pod Identity.
	"assumed-role" in ms,
	# On non-EKS clusters a workload already fed by the External Secrets
	# Operator keeps it ("consider External Secrets Operator").
	all_true([not_eks, "external-secrets" in ms]),
]

not_eks := eks == false

all_true(xs) := count([x | some x in xs; x == true]) == count(xs)

# The guide's answer for each combination, computed once per evaluation.
recommendations[[on_fargate, on_windows, xacct, ext]] := decision.recommend({
	"eks": eks,
	"ec2_nodes": object.get(data.podauth.lib.objects.parameters, "ec2_nodes", true),
	"per_pod": object.get(data.podauth.lib.objects.parameters, "per_pod", eks),
	"preference": preference,
	"cross_account": xacct,
	"external_static_secrets": ext,
	"fargate": on_fargate,
	"windows": on_windows,
}) if {
	some on_fargate in [true, false]
	some on_windows in [true, false]
	some xacct in [true, false]
	some ext in [true, false]
}

# --- Pod-level targeting ---------------------------------------------------------

kube2iam_annotation := "iam.amazonaws.com/role"

csi_driver := "secrets-store.csi.k8s.io"

# Reviewed pods with a Secrets Store CSI volume.
ascp_refs contains pod.ref if {
	some pod in data.podauth.lib.k8s.pods
	some v in object.get(pod.spec, "volumes", [])
	is_object(v)
	v.csi.driver == csi_driver
}

# Fargate: the whole cluster (cluster_type eks-fargate), the label the Fargate
# scheduler sets, or a required compute-type=fargate node label.
fargate(_) if data.podauth.lib.objects.parameters.cluster_type == "eks-fargate"

fargate(pod) if is_string(k8s.labels(pod.metadata)["eks.amazonaws.com/fargate-profile"])

fargate(pod) if identity.requires_node_label(pod.spec, "eks.amazonaws.com/compute-type", "fargate")

windows(pod) if identity.requires_node_label(pod.spec, "kubernetes.io/os", "windows")

windows(pod) if identity.requires_node_label(pod.spec, "beta.kubernetes.io/os", "windows")

# --- Per-container evidence --------------------------------------------------------
# signal contains [ref, name]: evidence found in a container of the pod at ref.

# Literal AWS credentials in env values.
signal contains [e.ref, "hardcoded"] if {
	some e in data.podauth.lib.k8s.env_vars
	data.podauth.lib.aws.static_key_env_names[e.name]
	aws.literal_credential(e.value)
}

signal contains [e.ref, "hardcoded"] if {
	some e in data.podauth.lib.k8s.env_vars
	is_string(e.value)
	count(e.value) >= 20
	some p in ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"]
	contains(e.value, p)
	aws.contains_access_key_id(e.value)
}

static_key_names := {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}

# Static keys from a Secret or ConfigMap key reference.
signal contains [e.ref, delivery_signal("env", e.container.pod.namespace, src)] if {
	some e in data.podauth.lib.k8s.env_vars
	static_key_names[e.name]
	src := key_ref_source(e.entry)
}

key_ref_source(entry) := {"kind": "Secret", "name": entry.valueFrom.secretKeyRef.name} if {
	is_string(entry.valueFrom.secretKeyRef.name)
} else := {"kind": "ConfigMap", "name": entry.valueFrom.configMapKeyRef.name} if {
	is_string(entry.valueFrom.configMapKeyRef.name)
}

# Static keys from envFrom: a Secret or ConfigMap in the context (or the
# Secret an ExternalSecret in the context declares) holds them.
signal contains [c.ref, delivery_signal("env", c.pod.namespace, src)] if {
	some c in data.podauth.lib.k8s.containers
	some ef in object.get(c.container, "envFrom", [])
	is_object(ef)
	src := env_from_source(ef)
	prefix := identity.env_from_prefix(ef)
	some n in static_key_names
	startswith(n, prefix)
	source_has_key(c.pod.namespace, src, substring(n, count(prefix), -1), false)
}

env_from_source(ef) := {"kind": "Secret", "name": ef.secretRef.name} if {
	is_string(ef.secretRef.name)
} else := {"kind": "ConfigMap", "name": ef.configMapRef.name} if {
	is_string(ef.configMapRef.name)
}

# "<stage>-eso" for a Secret the External Secrets Operator owns, else "<stage>-static".
delivery_signal(stage, ns, src) := concat("-", [stage, "eso"]) if {
	src.kind == "Secret"
	eso_owned(ns, src.name)
} else := concat("-", [stage, "static"])

# The effective environment (envFrom, then env; later wins) of each container
# that can have AWS_* variables: one with envFrom or an AWS_* env entry.
container_env[[c.ref, c.path]] := env_for(c) if {
	some c in data.podauth.lib.k8s.containers
	aws_env_candidate(c.container)
}

# identity.effective_env resolves envFrom; without envFrom only the AWS_*
# entries matter, read here more cheaply. Items: {value (null when not a
# literal), set}.
env_for(c) := identity.effective_env(c) if {
	count(object.get(c.container, "envFrom", [])) > 0
} else := {n: item |
	env := object.get(c.container, "env", [])
	some n in {e.name | some e in env; is_string(e.name); startswith(e.name, "AWS_")}
	same := [e | some e in env; e.name == n]
	item := env_item(same[count(same) - 1])
}

env_item(e) := {"value": null, "set": true} if {
	is_object(e.valueFrom)
} else := {"value": e.value, "set": e.value != ""} if {
	is_string(e.value)
} else := {"value": "", "set": false}

aws_env_candidate(container) if {
	some e in object.get(container, "env", [])
	is_string(e.name)
	startswith(e.name, "AWS_")
}

aws_env_candidate(container) if count(object.get(container, "envFrom", [])) > 0

env_of(c) := container_env[[c.ref, c.path]] if container_env[[c.ref, c.path]]
else := {}

# The non-empty literal value a container ends up with for a variable.
env_value(env, name) := v if {
	v := env[name].value
	is_string(v)
	trim_space(v) != ""
}

# IRSA variables set by hand (the webhook leaves them alone).
signal contains [key[0], "irsa-env"] if {
	some key, env in container_env
	env.AWS_ROLE_ARN.set == true
	env.AWS_WEB_IDENTITY_TOKEN_FILE.set == true
}

# The container credentials endpoint of the Pod Identity Agent.
signal contains [key[0], "pi-env"] if {
	some key, env in container_env
	uri := env_value(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")
	identity.agent_uri(uri)
}

# Visible SDK use (any AWS_* variable) with IMDS not disabled.
signal contains [key[0], "imds"] if {
	some key, env in container_env
	some name, _ in env
	startswith(name, "AWS_")
	not imds_disabled(env)
}

imds_disabled(env) if lower(trim_space(env.AWS_EC2_METADATA_DISABLED.value)) == "true"

# Credentials and config files mounted from Secrets and ConfigMaps.
signal contains [c.ref, s] if {
	some c in data.podauth.lib.k8s.containers
	count(object.get(c.container, "volumeMounts", [])) > 0
	env := env_of(c)
	some m in mounts(c)
	m.source.kind != "CSI"
	may_hold_aws_files(c.pod.namespace, env, m)
	some f in mount_files(c.pod.namespace, env, m)
	some s in file_signals(env, f)
}

# An ASCP (Secrets Store CSI) mount that holds the SDK's credentials file.
signal contains [c.ref, "file-ascp"] if {
	some c in data.podauth.lib.k8s.containers
	ascp_refs[c.ref]
	some m in mounts(c)
	m.source.kind == "CSI"
	ascp_credentials_mount(env_of(c), m)
}

ascp_credentials_mount(env, m) if {
	m.sub_path == ""
	startswith(env_value(env, "AWS_SHARED_CREDENTIALS_FILE"), concat("", [m.mount_path, "/"]))
}

ascp_credentials_mount(env, m) if {
	m.sub_path != ""
	env_value(env, "AWS_SHARED_CREDENTIALS_FILE") == m.mount_path
}

ascp_credentials_mount(_, m) if {
	m.sub_path == ""
	endswith(m.mount_path, "/.aws")
}

# --- Volumes and files ---------------------------------------------------------------

# Every (mount, volume source) of a container: {mount_path, sub_path, source},
# source {kind: Secret|ConfigMap|CSI, name, items}.
mounts(c) := [m |
	some vm in object.get(c.container, "volumeMounts", [])
	is_object(vm)
	is_string(vm.name)
	is_string(vm.mountPath)
	some vol in object.get(c.pod.spec, "volumes", [])
	is_object(vol)
	vol.name == vm.name
	some src in volume_sources(vol)
	m := {
		"mount_path": trim_right(vm.mountPath, "/"),
		"sub_path": sub_path(vm),
		"source": src,
	}
]

sub_path(vm) := vm.subPath if is_string(vm.subPath)
else := ""

volume_sources(vol) := [source("Secret", vol.secret.secretName, vol.secret)] if {
	is_string(vol.secret.secretName)
} else := [source("ConfigMap", vol.configMap.name, vol.configMap)] if {
	is_string(vol.configMap.name)
} else := [{"kind": "CSI", "name": "", "items": []}] if {
	vol.csi.driver == csi_driver
} else := [s |
	some p in vol.projected.sources
	s := projected_source(p)
] if {
	is_array(vol.projected.sources)
} else := []

projected_source(p) := source("Secret", p.secret.name, p.secret) if {
	is_string(p.secret.name)
} else := source("ConfigMap", p.configMap.name, p.configMap) if {
	is_string(p.configMap.name)
}

source(kind, name, spec) := {"kind": kind, "name": name, "items": items(spec)}

items(spec) := [it |
	some it in spec.items
	is_object(it)
	is_string(it.key)
	is_string(it.path)
] if {
	is_array(spec.items)
} else := []

file_env_names := {"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"}

aws_file_names := {"credentials", "config"}

# Cheap gate before the file analysis: the mount is in a .aws directory, the
# container names a file with AWS_*_FILE, the object may hold AWS files, or
# `items` project one of the default file names.
may_hold_aws_files(_, _, m) if contains(m.mount_path, "/.aws")

may_hold_aws_files(_, env, _) if {
	some var in file_env_names
	env[var]
}

may_hold_aws_files(ns, _, m) if aws_file_objects[[m.source.kind, ns, m.source.name]]

may_hold_aws_files(_, _, m) if {
	some it in m.source.items
	aws_file_names[it.path]
}

# [kind, namespace, name] of every Secret and ConfigMap a reviewed pod declares
# as a volume (directly or projected).
mounted_objects contains ["Secret", pod.namespace, vol.secret.secretName] if {
	some pod in data.podauth.lib.k8s.pods
	some vol in object.get(pod.spec, "volumes", [])
	is_string(vol.secret.secretName)
}

mounted_objects contains ["ConfigMap", pod.namespace, vol.configMap.name] if {
	some pod in data.podauth.lib.k8s.pods
	some vol in object.get(pod.spec, "volumes", [])
	is_string(vol.configMap.name)
}

mounted_objects contains ["Secret", pod.namespace, p.secret.name] if {
	some pod in data.podauth.lib.k8s.pods
	some vol in object.get(pod.spec, "volumes", [])
	is_array(vol.projected.sources)
	some p in vol.projected.sources
	is_string(p.secret.name)
}

mounted_objects contains ["ConfigMap", pod.namespace, p.configMap.name] if {
	some pod in data.podauth.lib.k8s.pods
	some vol in object.get(pod.spec, "volumes", [])
	is_array(vol.projected.sources)
	some p in vol.projected.sources
	is_string(p.configMap.name)
}

# The mounted Secrets and ConfigMaps found in the context.
mounted_context_objects[id] := obj if {
	some id in mounted_objects
	obj := context_object(id[1], {"kind": id[0], "name": id[2]})
}

# Mounted objects (or Secrets an ExternalSecret declares) with a key named
# credentials or config, or a value that may be an AWS credentials or config
# file (plain, base64 or live-mode redacted).
aws_file_objects contains ["Secret", ns, name] if {
	some [ns, name, k] in eso_secret_keys
	aws_file_names[k]
}

aws_file_objects contains id if {
	some id, obj in mounted_context_objects
	some field in ["stringData", "data", "binaryData"]
	is_object(obj[field])
	some k, _ in obj[field]
	aws_file_names[k]
}

aws_file_objects contains id if {
	some id, obj in mounted_context_objects
	some field in ["stringData", "data", "binaryData"]
	is_object(obj[field])
	some _, v in obj[field]
	is_string(v)
	startswith(v, "podauth-redacted:aws-")
	endswith(v, "-file")
}

aws_file_objects contains id if {
	some id, obj in mounted_context_objects
	some field in ["stringData", "data", "binaryData"]
	is_object(obj[field])
	some _, v in obj[field]
	is_string(v)
	text := lower(plain_or_decoded(obj.kind, field, v))
	some marker in ["aws_secret_access_key", "role_arn"]
	contains(text, marker)
}

plain_or_decoded(_, "stringData", v) := v

plain_or_decoded("ConfigMap", "data", v) := v

plain_or_decoded("Secret", "data", v) := base64.decode(v) if base64.is_valid(v)

plain_or_decoded(_, "binaryData", v) := base64.decode(v) if base64.is_valid(v)

# Keys of each suspect mounted object that hold an AWS credentials file.
credentials_keys[id] := {k |
	some field in ["stringData", "data", "binaryData"]
	is_object(obj[field])
	some k, _ in obj[field]
	holds_credentials(obj, k)
} if {
	some id in aws_file_objects
	obj := mounted_context_objects[id]
}

object_credentials_keys(ns, src) := credentials_keys[[src.kind, ns, src.name]] if {
	credentials_keys[[src.kind, ns, src.name]]
} else := set()

# Files a mount shows that matter here: {namespace, source, key, file (path
# inside the volume), path}.
mount_files(ns, env, m) := [f |
	some cand in candidates(ns, env, m)
	path := file_path(m, cand.file)
	source_has_key(ns, m.source, cand.key, cand.declared)
	f := {
		"namespace": ns,
		"source": m.source,
		"key": cand.key,
		"file": cand.file,
		"path": path,
	}
]

# With `items`, exactly the projected keys; otherwise the default file names,
# the files the AWS_*_FILE variables name, and any key holding a credentials file.
candidates(ns, env, m) := [{"file": it.path, "key": it.key, "declared": true} |
	some it in m.source.items
] if {
	count(m.source.items) > 0
} else := [{"file": n, "key": n, "declared": declared_name(env, m, n)} | some n in candidate_names(ns, env, m)]

# Without `items`, a key is taken to exist in a Secret or ConfigMap missing from
# the context only when the mount says so: an AWS_*_FILE variable names the
# file, or the file is .../.aws/credentials.
declared_name(env, m, n) := true if {
	some var in file_env_names
	relative(env_value(env, var), m) == n
} else := true if {
	endswith(file_path(m, n), "/.aws/credentials")
} else := false

candidate_names(ns, env, m) := (aws_file_names | {m.sub_path | m.sub_path != ""}) | {n |
	some var in file_env_names
	n := relative(env_value(env, var), m)
} | object_credentials_keys(ns, m.source)

relative(p, m) := substring(p, count(m.mount_path) + 1, -1) if {
	m.sub_path == ""
	startswith(p, concat("", [m.mount_path, "/"]))
} else := m.sub_path if {
	m.sub_path != ""
	p == m.mount_path
}

file_path(m, file) := m.mount_path if {
	m.sub_path != ""
	m.sub_path == file
} else := concat("/", [m.mount_path, file]) if {
	m.sub_path == ""
}

base_name(p) := parts[count(parts) - 1] if parts := split(p, "/")

context_object(ns, src) := data.podauth.lib.k8s.secrets[k8s.key(ns, src.name)] if {
	src.kind == "Secret"
} else := data.podauth.lib.k8s.config_maps[k8s.key(ns, src.name)] if {
	src.kind == "ConfigMap"
}

# The source provides key: the object in the context has it, an ExternalSecret
# declares it, or the mount declares it and the object is not in the context.
source_has_key(ns, src, key, _) if {
	obj := context_object(ns, src)
	some field in ["data", "stringData", "binaryData"]
	is_object(obj[field])
	object.get(obj[field], key, null) != null
}

source_has_key(ns, src, key, _) if {
	src.kind == "Secret"
	eso_secret_keys[[ns, src.name, key]]
}

source_has_key(ns, src, _, true) if not context_object(ns, src)

# The values one key of a Secret or ConfigMap has: {field, value}.
raw_values(obj, key) := [x |
	some field in ["stringData", "data", "binaryData"]
	values := obj[field]
	v := values[key]
	is_string(v)
	x := {"field": field, "value": v}
]

# The key holds an AWS credentials file: its plain text says so, or its
# live-mode redaction class does.
holds_credentials(obj, key) if {
	some x in raw_values(obj, key)
	credentials.redacted_class(x.value) == "aws-credentials-file"
}

holds_credentials(obj, key) if {
	some x in raw_values(obj, key)
	t := credentials.plain_text(obj.kind, x.field, x.value)
	is_string(t)
	credentials_text(t)
}

# An `aws_secret_access_key = <value>` line (credentials.holds_credentials_file
# without a regex, which regorus compiles on every call).
credentials_text(t) if {
	lt := lower(t)
	contains(lt, "aws_secret_access_key")
	some line in split(lt, "\n")
	l := trim_space(line)
	startswith(l, "aws_secret_access_key")
	i := indexof(l, "=")
	i > 0
	trim_space(substring(l, 0, i)) == "aws_secret_access_key"
	trim_space(substring(l, i + 1, -1)) != ""
}

entry_text(ns, src, key) := texts[0] if {
	obj := context_object(ns, src)
	texts := [t |
		some x in raw_values(obj, key)
		t := credentials.plain_text(obj.kind, x.field, x.value)
		is_string(t)
	]
	count(texts) > 0
}

file_signals(env, f) := {delivery_signal("file", f.namespace, f.source) | credentials_file(env, f)} | config_signals(env, f)

credentials_file(env, f) if f.path == env_value(env, "AWS_SHARED_CREDENTIALS_FILE")

credentials_file(_, f) if endswith(f.path, "/.aws/credentials")

credentials_file(_, f) if {
	keys := object_credentials_keys(f.namespace, f.source)
	keys[f.key]
}

config_file(env, f) if f.path == env_value(env, "AWS_CONFIG_FILE")

config_file(_, f) if base_name(f.file) == "config"

config_file(_, f) if endswith(f.path, "/.aws/config")

# A profile with role_arn: web identity when the same profile names a token
# file (IRSA written as a config file), else an assumed role.
config_signals(env, f) := {s |
	config_file(env, f)
	text := entry_text(f.namespace, f.source, f.key)
	contains(lower(text), "role_arn")
	settings := credentials.ini_settings(text)
	some r in settings
	r.key == "role_arn"
	s := role_signal(settings, r.section)
}

role_signal(settings, section) := "file-irsa" if {
	some w in settings
	w.section == section
	w.key == "web_identity_token_file"
} else := "file-assumed-role"

# --- External Secrets Operator ownership ---------------------------------------------

external_secrets := [es |
	some es in data.podauth.lib.objects.context
	es.kind == "ExternalSecret"
	is_string(es.apiVersion)
	k8s.group(es.apiVersion) == "external-secrets.io"
]

# The Secret an ExternalSecret writes, [namespace, name]: spec.target.name,
# defaulting to the ExternalSecret's own name.
eso_target(es) := [k8s.namespace(es), es.spec.target.name] if {
	is_string(es.spec.target.name)
	es.spec.target.name != ""
} else := [k8s.namespace(es), k8s.name(es)]

eso_targets contains k8s.key(t[0], t[1]) if {
	some es in external_secrets
	t := eso_target(es)
}

# [namespace, secret, key] triples an ExternalSecret declares.
eso_secret_keys contains [t[0], t[1], d.secretKey] if {
	some es in external_secrets
	t := eso_target(es)
	is_array(es.spec.data)
	some d in es.spec.data
	is_string(d.secretKey)
}

eso_secret_keys contains [t[0], t[1], k] if {
	some es in external_secrets
	t := eso_target(es)
	is_object(es.spec.target.template.data)
	some k, _ in es.spec.target.template.data
}

eso_owned(ns, name) if eso_targets[k8s.key(ns, name)]

eso_owned(ns, name) if {
	s := data.podauth.lib.k8s.secrets[k8s.key(ns, name)]
	is_array(s.metadata.ownerReferences)
	some o in s.metadata.ownerReferences
	o.kind == "ExternalSecret"
}
