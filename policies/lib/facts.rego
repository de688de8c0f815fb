# METADATA
# title: Pod facts
# description: >-
#   Every fact about a reviewed pod (template), its containers and its
#   ServiceAccount, computed once and read by both the rules and the workload
#   classification (podauth.workloads): each container's environment with its
#   resolved sources (envFrom, then env, later entries win; a value that is only
#   `$(VAR)` takes VAR's source); its credential sources (`signal`: literal
#   keys, Secret or ConfigMap keys, envFrom with prefix, mounted or projected
#   credentials and config files, ASCP mounts); literal credentials written into
#   env, `command` or `args` (`literal_credentials`); AWS SDK use (an SDK or
#   credential setting in the environment, or a well-known AWS controller
#   image); the pod identity (IRSA, Pod Identity, kube2iam, web identity set by
#   hand; a bare AWS_ROLE_ARN without a token file is not one); IMDS
#   reachability (AWS_EC2_METADATA_DISABLED, Fargate, non-EKS without EC2
#   nodes); credential hints the classification cannot resolve; and node-agent
#   status. Per-object work is gated by cheap inline tests, and the file
#   analysis only runs for mounts that can hold AWS files.
# scope: package
package podauth.lib.facts

import data.podauth.lib.aws
import data.podauth.lib.credentials
import data.podauth.lib.identity
import data.podauth.lib.k8s

# --- Environment, with resolved sources ------------------------------------------------
#
# Each item: {name, value (string, or null when unknown), known (value is
# known), set (the variable ends up non-empty or with an unknown value), source,
# at}. source: {kind: literal|Secret|ConfigMap|field, name, key, via (the VAR of
# a `$(VAR)` value)}. at: where the item is written, rendered by item_path.
# Functions name rules by their full path: in regorus 0.14.1 a rule referenced
# through an import alias inside a function can be undefined when the caller
# evaluated a rule of that package earlier.

# resolved_env(c)[name] is the item that wins for that variable; a literal that is only
# `$(VAR)` takes VAR's value and source (Kubernetes dependent-variable expansion).
resolved_env(c) := {name: resolve(raw, item) | some name, item in raw} if raw := raw_env(c)

raw_env(c) := {name: winner |
	items := array.concat(env_from_items(c), env_entry_items(c))
	some name in {i.name | some i in items}
	same := [i | some i in items; i.name == name]
	winner := same[count(same) - 1]
}

resolve(raw, item) := object.union(ref, {
	"name": item.name,
	"at": item.at,
	"source": object.union(ref.source, {"via": var}),
}) if {
	item.source.kind == "literal"
	var := single_reference(item.value)
	var != item.name
	ref := raw[var]
} else := item

# "$(VAR)" -> "VAR".
single_reference(v) := var if {
	startswith(v, "$(")
	endswith(v, ")")
	var := substring(v, 2, count(v) - 3)
	var != ""
	trim(var, env_name_chars) == ""
}

env_name_chars := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"

env_entry_items(c) := [item |
	some j, entry in object.get(c.container, "env", [])
	is_object(entry)
	name := k8s.env_name(entry)
	name != ""
	item := env_entry_item(entry, name, j)
]

env_entry_item(entry, name, j) := {"name": name, "value": null, "known": false, "set": true, "source": value_from_source(entry.valueFrom), "at": ["env", j, ".valueFrom"]} if {
	is_object(entry.valueFrom)
} else := {"name": name, "value": v, "known": true, "set": non_empty(v), "source": {"kind": "literal"}, "at": ["env", j, ".value"]} if {
	v := k8s.literal_value(entry)
	is_string(v)
} else := {"name": name, "value": "", "known": true, "set": false, "source": {"kind": "literal"}, "at": ["env", j, ""]}

value_from_source(vf) := {"kind": "Secret", "name": vf.secretKeyRef.name, "key": object.get(vf.secretKeyRef, "key", "")} if {
	is_string(vf.secretKeyRef.name)
} else := {"kind": "ConfigMap", "name": vf.configMapKeyRef.name, "key": object.get(vf.configMapKeyRef, "key", "")} if {
	is_string(vf.configMapKeyRef.name)
} else := {"kind": "field"}

env_from_items(c) := [item |
	some i, src in object.get(c.container, "envFrom", [])
	is_object(src)
	some item in array.concat(config_map_items(c, src, i), secret_items(c, src, i))
]

env_from_prefix(src) := src.prefix if is_string(src.prefix)
else := ""

config_map_items(c, src, i) := [item |
	is_object(src.configMapRef)
	cm := data.podauth.lib.k8s.config_maps[k8s.key(c.pod.namespace, src.configMapRef.name)]
	prefix := env_from_prefix(src)
	some k, v in object.get(cm, "data", {})
	item := {
		"name": concat("", [prefix, k]), "value": v, "known": is_string(v), "set": non_empty(v),
		"source": {"kind": "ConfigMap", "name": src.configMapRef.name, "key": k}, "at": ["envFrom", i, ""],
	}
]

# Secret values are not read (base64 offline, redacted live): only the names.
secret_items(c, src, i) := [item |
	is_object(src.secretRef)
	s := data.podauth.lib.k8s.secrets[k8s.key(c.pod.namespace, src.secretRef.name)]
	prefix := env_from_prefix(src)
	some k in secret_keys(s)
	item := {
		"name": concat("", [prefix, k]), "value": null, "known": false, "set": true,
		"source": {"kind": "Secret", "name": src.secretRef.name, "key": k}, "at": ["envFrom", i, ""],
	}
]

non_empty(v) if {
	is_string(v)
	v != ""
} else := false

# Keys a Secret provides (data and stringData, as written in a manifest).
secret_keys(s) := {k | some k, _ in object.get(s, "data", {})} | {k | some k, _ in object.get(s, "stringData", {})}

# The JSON path of an item: spec.containers[0].env[2].value, ...envFrom[0].
item_path(c, item) := sprintf("%s.%s[%d]%s", [c.path, item.at[0], item.at[1], item.at[2]])

# True when a container reads envFrom a ConfigMap or Secret that is not in the
# context: its variables are unknown, so absence-based checks must not fire.
env_from_unresolved(c) if {
	some src in object.get(c.container, "envFrom", [])
	is_object(src.configMapRef)
	not data.podauth.lib.k8s.config_maps[k8s.key(c.pod.namespace, src.configMapRef.name)]
}

env_from_unresolved(c) if {
	some src in object.get(c.container, "envFrom", [])
	is_object(src.secretRef)
	not data.podauth.lib.k8s.secrets[k8s.key(c.pod.namespace, src.secretRef.name)]
}

# The environment of each container that can have AWS_* variables (one with
# envFrom or an AWS_* env entry), computed once.
container_env[[c.ref, c.path]] := resolved_env(c) if {
	some c in data.podauth.lib.k8s.containers
	aws_env_candidate(c.container)
}

aws_env_candidate(container) if {
	some e in object.get(container, "env", [])
	is_string(e.name)
	startswith(e.name, "AWS_")
}

aws_env_candidate(container) if count(object.get(container, "envFrom", [])) > 0

env_of(c) := data.podauth.lib.facts.container_env[[c.ref, c.path]] if {
	data.podauth.lib.facts.container_env[[c.ref, c.path]]
} else := {}

# The non-empty literal value a container ends up with for a variable.
env_value(env, name) := v if {
	v := env[name].value
	is_string(v)
	trim_space(v) != ""
}

# --- Credential sources ------------------------------------------------------------------
# signal contains [ref, name]: evidence found in a container of the pod at ref.

signal_names := [
	"hardcoded", "env-static", "env-eso", "file-assumed-role", "file-irsa",
	"file-static", "file-eso", "file-ascp", "irsa-env", "pi-env", "imds",
]

# Literal AWS credentials in env values, command or args.
signal contains [e.ref, "hardcoded"] if {
	some e in data.podauth.lib.k8s.env_vars
	data.podauth.lib.aws.static_key_env_names[e.name]
	aws.literal_credential(e.value)
}

signal contains [x.ref, "hardcoded"] if some x in literal_credentials

# Static keys from a Secret or ConfigMap key reference, directly or through a
# `$(VAR)` value whose variable comes from one.
signal contains [key[0], delivery_signal("env", pod.namespace, item.source)] if {
	some key, env in data.podauth.lib.facts.container_env
	some n in static_key_names
	item := env[n]
	item.at[0] == "env"
	key_source_kinds[item.source.kind]
	pod := data.podauth.lib.k8s.pods[key[0]]
}

static_key_names := {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}

key_source_kinds := {"Secret", "ConfigMap"}

# Static keys from envFrom: a Secret or ConfigMap in the context (or the
# Secret an ExternalSecret in the context declares) holds them.
signal contains [c.ref, delivery_signal("env", c.pod.namespace, src)] if {
	some c in data.podauth.lib.k8s.containers
	some ef in object.get(c.container, "envFrom", [])
	is_object(ef)
	src := env_from_source(ef)
	prefix := env_from_prefix(ef)
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

# IRSA variables set by hand (the webhook leaves them alone).
signal contains [key[0], "irsa-env"] if {
	some key, env in data.podauth.lib.facts.container_env
	env.AWS_ROLE_ARN.set == true
	env.AWS_WEB_IDENTITY_TOKEN_FILE.set == true
}

# The container credentials endpoint of the Pod Identity Agent.
signal contains [key[0], "pi-env"] if {
	some key, env in data.podauth.lib.facts.container_env
	uri := env_value(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")
	identity.agent_uri(uri)
}

# Visible AWS SDK use with IMDS not disabled: the node role is reachable.
signal contains [key[0], "imds"] if {
	some key, env in data.podauth.lib.facts.container_env
	env_uses_sdk(env)
	not imds_disabled(env)
}

signal contains [c.ref, "imds"] if {
	some c in data.podauth.lib.k8s.containers
	aws_sdk_image(c.pod, c.container.image)
	not imds_disabled(env_of(c))
}

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
	data.podauth.lib.facts.ascp_refs[c.ref]
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

csi_driver := "secrets-store.csi.k8s.io"

# Reviewed pods with a Secrets Store CSI volume.
ascp_refs contains pod.ref if {
	some pod in data.podauth.lib.k8s.pods
	some v in object.get(pod.spec, "volumes", [])
	is_object(v)
	v.csi.driver == csi_driver
}

# --- Literal credentials in env, command and args -----------------------------------------
# Each: {ref, container, path, name, key_id (an access key id) or length (a
# secret after a variable or flag that names one)}. PA101 reports each one and
# the classification counts it as hardcoded credentials.

literal_credentials contains {"ref": e.ref, "container": e.container.name, "path": sprintf("%s.value", [e.path]), "where": "env", "name": e.name, "key_id": key_id} if {
	some e in data.podauth.lib.k8s.env_vars
	some key_id in aws.access_key_ids(e.value)
}

literal_credentials contains {"ref": e.ref, "container": e.container.name, "path": sprintf("%s.value", [e.path]), "where": "env", "name": e.name, "length": count(e.value)} if {
	some e in data.podauth.lib.k8s.env_vars
	data.podauth.lib.aws.secret_env_names[e.name]
	aws.literal_credential(e.value)
}

literal_credentials contains {"ref": c.ref, "container": c.name, "path": sprintf("%s.%s[%d]", [c.path, field, i]), "where": field, "name": "", "key_id": key_id} if {
	some c in data.podauth.lib.k8s.containers
	some field in command_fields
	some i, word in object.get(c.container, field, [])
	some key_id in aws.access_key_ids(word)
}

literal_credentials contains {"ref": c.ref, "container": c.name, "path": sprintf("%s.%s[%d]", [c.path, field, hit.index]), "where": field, "name": hit.name, "length": count(hit.value)} if {
	some c in data.podauth.lib.k8s.containers
	some field in command_fields
	words := object.get(c.container, field, [])
	is_array(words)
	mentions_secret(words)
	some hit in secret_settings(words)
}

mentions_secret(words) if {
	some w in words
	secret_hint(w)
}

command_fields := ["command", "args"]

# Cheap gate: only words that mention a secret or session token are split.
secret_hint(w) if {
	is_string(w)
	lw := lower(w)
	some s in ["secret", "session"]
	contains(lw, s)
}

# {index, name, value} of every literal secret a command line sets: NAME=value
# or --flag=value inside a word, "--flag value" inside a word, or a word that
# is only the flag followed by the value as the next word.
secret_settings(words) := (assignments(words) | flags_in_word(words)) | flags_across_words(words)

assignments(words) := {{"index": i, "name": name, "value": value} |
	some i, w in words
	secret_hint(w)
	some t in shell_tokens(w)
	n := indexof(t, "=")
	n > 0
	name := substring(t, 0, n)
	aws.secret_setting_name(trim_left(name, "-"))
	value := trim(substring(t, n + 1, -1), "\"'")
	literal_secret(value)
}

flags_in_word(words) := {{"index": i, "name": t, "value": value} |
	some i, w in words
	secret_hint(w)
	tokens := shell_tokens(w)
	some k, t in tokens
	secret_flag(t)
	value := tokens[k + 1]
	literal_secret(value)
}

flags_across_words(words) := {{"index": i + 1, "name": flag, "value": value} |
	some i, w in words
	secret_hint(w)
	flag := trim(trim_space(w), "\"'")
	secret_flag(flag)
	next := words[i + 1]
	is_string(next)
	value := trim(trim_space(next), "\"'")
	literal_secret(value)
}

# Words of a shell command line, without quotes.
shell_tokens(w) := [tok |
	some t in regex.split(`[ \t\r\n;]+`, w)
	tok := trim(t, "\"'")
	tok != ""
]

secret_flag(t) if {
	startswith(t, "-")
	not contains(t, "=")
	aws.secret_setting_name(trim_left(t, "-"))
}

# A literal: not empty, not a $(VAR) or shell $VAR reference, not the next flag.
literal_secret(v) if {
	aws.literal_credential(v)
	not startswith(v, "$")
	not startswith(v, "-")
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
	some marker in [data.podauth.lib.aws.credentials_file_key, "role_arn"]
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
	aws.holds_credentials_file(t)
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

# "namespace/secret" of every Secret an ExternalSecret in the context writes.
# This and eso_secret_keys depend on the context alone: lookup indexes
# (podauth.lib.lookups).
eso_targets := idx if idx := data.podauth.lib.objects.prebuilt.eso_targets
else := {k8s.key(t[0], t[1]) |
	some es in external_secrets
	t := eso_target(es)
}

# [namespace, secret, key] triples an ExternalSecret declares.
eso_secret_keys := idx if idx := data.podauth.lib.objects.prebuilt.eso_secret_keys
else := {[t[0], t[1], d.secretKey] |
	some es in external_secrets
	t := eso_target(es)
	is_array(es.spec.data)
	some d in es.spec.data
	is_string(d.secretKey)
} | {[t[0], t[1], k] |
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

# --- AWS SDK use ------------------------------------------------------------------------
# A container visibly uses an AWS SDK when its environment has an SDK or
# credential setting (not every AWS_ prefix: AWS_VPC_K8S_CNI_* configures the
# VPC CNI, not an SDK) or it runs a well-known AWS controller image.

sdk_env_names := {
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_SDK_LOAD_CONFIG", "AWS_STS_REGIONAL_ENDPOINTS", "AWS_RETRY_MODE",
	"AWS_MAX_ATTEMPTS", "AWS_DEFAULTS_MODE", "AWS_USE_FIPS_ENDPOINT",
	"AWS_USE_DUALSTACK_ENDPOINT", "AWS_CA_BUNDLE", "AWS_ROLE_SESSION_NAME",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
	"AWS_EC2_METADATA_V1_DISABLED", "AWS_METADATA_SERVICE_TIMEOUT",
	"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT",
	"AWS_ACCOUNT_ID", "AWS_ACCOUNT_ID_ENDPOINT_MODE", "AWS_SDK_UA_APP_ID",
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_REQUEST_CHECKSUM_CALCULATION",
	"AWS_RESPONSE_CHECKSUM_VALIDATION", "AWS_NODEJS_CONNECTION_REUSE_ENABLED",
	"AWS_EC2_METADATA_DISABLED",
}

# Settings that select a credential source: they are SDK use too.
credential_env_names := {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
}

sdk_env(name) if {
	startswith(name, "AWS_")
	sdk_setting(name)
}

sdk_setting(name) if data.podauth.lib.facts.sdk_env_names[name]

sdk_setting(name) if data.podauth.lib.facts.credential_env_names[name]

sdk_setting(name) if startswith(name, "AWS_ENDPOINT_URL")

env_uses_sdk(env) if {
	some name, _ in env
	sdk_env(name)
}

# Controllers that call AWS APIs with the SDK default chain, by repository name.
sdk_images := {"aws-load-balancer-controller", "cloudwatch-agent", "aws-for-fluent-bit", "amazon-k8s-cni"}

csi_driver_images := {"aws-ebs-csi-driver", "aws-efs-csi-driver"}

# Substrings every image above contains: most images skip the parsing.
sdk_image_hints := ["aws", "amazon", "cloudwatch", "karpenter"]

aws_sdk_image(pod, image) if {
	is_string(image)
	some hint in sdk_image_hints
	contains(image, hint)
	repo := k8s.image_repository(image)
	sdk_repository(pod, repo)
}

sdk_repository(_, repo) if data.podauth.lib.facts.sdk_images[last_segment(repo)]

sdk_repository(_, repo) if repo == "karpenter/controller"

sdk_repository(_, repo) if endswith(repo, "/karpenter/controller")

# The CSI controllers call AWS; their node plugins (DaemonSets) use IMDS only for
# instance metadata.
sdk_repository(pod, repo) if {
	data.podauth.lib.facts.csi_driver_images[last_segment(repo)]
	not daemon_set_pod(pod)
}

last_segment(repo) := parts[count(parts) - 1] if parts := split(repo, "/")

daemon_set_pod(pod) if pod.object.kind == "DaemonSet"

daemon_set_pod(pod) if {
	some owner in pod.object.metadata.ownerReferences
	owner.kind == "DaemonSet"
}

# The first evidence of SDK use in a pod, for messages: {path, what}. Env
# entries in container order, then envFrom variables, then images.
sdk_evidence(pod) := all[0] if {
	all := array.concat(
		array.concat(
			[{"path": sprintf("%s.%s[%d].env[%d]", [pod.spec_path, field, i, j]), "what": sprintf("env %s", [name])} |
				some field in data.podauth.lib.k8s.container_fields
				some i, c in object.get(pod.spec, field, [])
				some j, entry in object.get(c, "env", [])
				name := k8s.env_name(entry)
				sdk_env(name)
			],
			[{"path": item_path({"path": path}, item), "what": sprintf("env %s", [name])} |
				some field in data.podauth.lib.k8s.container_fields
				some i, c in object.get(pod.spec, field, [])
				count(object.get(c, "envFrom", [])) > 0
				path := sprintf("%s.%s[%d]", [pod.spec_path, field, i])
				env := data.podauth.lib.facts.container_env[[pod.ref, path]]
				some name, item in env
				item.at[0] == "envFrom"
				sdk_env(name)
			],
		),
		[{"path": sprintf("%s.%s[%d].image", [pod.spec_path, field, i]), "what": sprintf("image %s", [c.image])} |
			some field in data.podauth.lib.k8s.container_fields
			some i, c in object.get(pod.spec, field, [])
			aws_sdk_image(pod, c.image)
		],
	)
	count(all) > 0
}

# --- Pod identity and IMDS -----------------------------------------------------------------

# Identity facts of the pod's ServiceAccount (sa-irsa-only: the webhook injects
# only the Pod Identity variables when a ServiceAccount has both an IRSA
# annotation and an association). A known role whose trust policy rejects the
# ServiceAccount's token (PA309) gives no web identity credentials: the chain
# moves on.
service_account_facts(pod) := sa_facts | irsa_only if {
	k := pod.sa_key
	sa_facts := {"sa-irsa" | data.podauth.lib.k8s.irsa_keys[k]} | {"sa-pi" | data.podauth.lib.k8s.pod_identity_keys[k]}
	irsa_only := {"sa-irsa-only" | sa_facts == {"sa-irsa"}; not data.podauth.lib.iam.untrusting_irsa[k]}
}

kube2iam_annotation := "iam.amazonaws.com/role"

kube2iam(pod) if {
	annos := k8s.annotations(pod.metadata)
	v := annos[kube2iam_annotation]
	is_string(v)
	trim_space(v) != ""
}

imds_disabled(env) if lower(trim_space(env.AWS_EC2_METADATA_DISABLED.value)) == "true"

# Fargate: the whole cluster (cluster_type eks-fargate), the label the Fargate
# scheduler sets, or a required compute-type=fargate node label. Fargate has no IMDS.
fargate(_) if data.podauth.lib.objects.parameters.cluster_type == "eks-fargate"

fargate(pod) if {
	labels := k8s.labels(pod.metadata)
	is_string(labels["eks.amazonaws.com/fargate-profile"])
}

fargate(pod) if identity.requires_node_label(pod.spec, "eks.amazonaws.com/compute-type", "fargate")

windows(pod) if identity.requires_node_label(pod.spec, "kubernetes.io/os", "windows")

windows(pod) if identity.requires_node_label(pod.spec, "beta.kubernetes.io/os", "windows")

eks := data.podauth.lib.objects.parameters.cluster_type != "non-eks"

# Pods can reach a node role through IMDS: on EKS, or on EC2 nodes elsewhere.
node_role_reachable if eks

node_role_reachable if object.get(data.podauth.lib.objects.parameters, "ec2_nodes", true) == true

# Credential settings the classification cannot resolve, so a node-role
# fallback must not be claimed: a credentials or config file, web identity token
# or container credentials endpoint named in env (AWS_ROLE_ARN alone is not
# one: no SDK provider reads it without a token file), an access key variable
# whose value is unknown, envFrom a Secret missing from the context, or a
# volume mounted at a .aws directory.
# A function, not a set over every container: only pods about to be reported
# as falling back to the node role need it.
unresolved_credentials(pod) if {
	some field in data.podauth.lib.k8s.container_fields
	some c in object.get(pod.spec, field, [])
	unresolved_in(pod, c)
}

unresolved_in(_, c) if {
	some entry in object.get(c, "env", [])
	data.podauth.lib.facts.unresolved_credential_env_names[k8s.env_name(entry)]
}

unresolved_in(pod, c) if {
	some src in object.get(c, "envFrom", [])
	is_string(src.secretRef.name)
	not data.podauth.lib.k8s.secrets[k8s.key(pod.namespace, src.secretRef.name)]
}

unresolved_in(_, c) if {
	some mount in object.get(c, "volumeMounts", [])
	is_string(mount.mountPath)
	aws_directory(mount.mountPath)
}

unresolved_credential_env_names := credential_env_names - {"AWS_ROLE_ARN", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}

# `(^|/)\.aws/?$` without a regex.
aws_directory(p) if trim_suffix(p, "/") == ".aws"

aws_directory(p) if endswith(trim_suffix(p, "/"), "/.aws")

# --- Node agents -------------------------------------------------------------------------

# kube-system DaemonSets that run with host network, privileges or host paths by
# design: EKS add-ons, the CSI node plugins, the Secrets Store CSI driver and the
# ASCP provider (under their manifest and default Helm release names).
node_agent_names := {
	"aws-node",
	"kube-proxy",
	"eks-pod-identity-agent",
	"ebs-csi-node",
	"efs-csi-node",
	"secrets-store-csi-driver",
	"csi-secrets-store",
	"csi-secrets-store-secrets-store-csi-driver",
	"csi-secrets-store-provider-aws",
	"secrets-store-csi-driver-provider-aws",
	"secrets-provider-aws-secrets-store-csi-driver-provider-aws",
}

# A pod (a k8s.pods entry) of a known node agent in kube-system: the DaemonSet
# itself, or a Pod it owns.
node_agent(pod) if {
	pod.namespace == "kube-system"
	pod.object.kind == "DaemonSet"
	data.podauth.lib.facts.node_agent_names[k8s.name(pod.object)]
}

node_agent(pod) if {
	pod.namespace == "kube-system"
	pod.object.kind == "Pod"
	some owner in pod.object.metadata.ownerReferences
	owner.kind == "DaemonSet"
	data.podauth.lib.facts.node_agent_names[owner.name]
}
