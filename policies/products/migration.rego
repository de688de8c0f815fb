# METADATA
# title: Migration plans
# description: >-
#   The source document's migration paths as data. `plan` takes every workload
#   of podauth.workloads (its effective method and the Decision Guide's
#   recommendation) and returns, per workload, the migration: from (the
#   effective method), to (parameter `to`, else the recommended method; an
#   assumed-role recommendation builds on IRSA or Pod Identity per `prefer`),
#   the ServiceAccount it will run as (a dedicated one, named after the
#   workload, when it used `default`), the IAM role (named by
#   `role_name_template`), the identity whose permissions the role copies, the
#   strategic-merge patch for the workload and its ServiceAccount, the ordered
#   steps of the seed's migration path and cut-over, and the risks. Paths: from
#   kube2iam/KIAM, static (or hardcoded) credentials and the node role to IRSA
#   or Pod Identity, and between IRSA and Pod Identity; an IRSA ServiceAccount
#   whose role-arn is not an ARN is repaired. Other methods (ASCP, External
#   Secrets, assumed roles) already rest on IRSA or Pod Identity and are
#   skipped, as are pods a controller owns (the controller is migrated), pods
#   with no AWS use, Pod Identity targets on Fargate or Windows (not
#   available) and workloads whose recommendation is neither IRSA nor Pod
#   Identity unless `to` says so. Parameters: account_id, cluster_name,
#   oidc_provider, region, base_role_arn (else the kube2iam DaemonSet's
#   --base-role-arn in the context), role_name_template (default
#   {namespace}-{serviceaccount}; also {workload}, {kind}, {cluster}), to,
#   prefer. The account is account_id, else the one the input names (kube2iam's
#   --base-role-arn, else the single account of the input's role ARNs), else
#   <ACCOUNT_ID>; other unknown values become placeholders too. A current role
#   in another account makes the move cross-account: a new role in the plan's
#   account and an explicit step. The patches remove every static-key source
#   the classification finds: env entries, envFrom sources with AWS keys (their
#   other keys become env entries), credentials-file volumes and projected
#   sources with their mounts and AWS_*_FILE/AWS_PROFILE variables, keys in
#   command/args (JSON 6902, indices from the object) and the AWS key entries
#   of ConfigMaps only migrated pods read. Judgement calls: a volume goes whole
#   when every source of it is a credentials file, and a key inside a shell
#   string is listed under `manual` (the only unpatched case). Credential values
#   never appear in a plan: sources are named, literal access key ids masked.
# scope: package
package podauth.migration

import data.podauth.lib.aws
import data.podauth.lib.decision
import data.podauth.lib.facts
import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.workloads

# --- Parameters ------------------------------------------------------------------

text_param(name) := trim_space(v) if {
	v := data.podauth.lib.objects.parameters[name]
	is_string(v)
} else := ""

or_placeholder(v, placeholder) := v if v != ""
else := placeholder

# One account per plan: --account-id, else the one the input names (kube2iam's
# --base-role-arn, else the single account of the role ARNs on IRSA
# ServiceAccounts, Pod Identity associations and kube2iam annotations).
account := text_param("account_id") if {
	text_param("account_id") != ""
} else := input_account if {
	input_account != ""
} else := "<ACCOUNT_ID>"

account_source := "--account-id" if {
	text_param("account_id") != ""
} else := "kube2iam's --base-role-arn" if {
	base_role_account != ""
} else := "the role ARNs in the input" if {
	input_account != ""
} else := ""

input_account := base_role_account if {
	base_role_account != ""
} else := role_accounts[0] if {
	count(role_accounts) == 1
} else := ""

base_role_account := a if {
	a := aws.arn_account(base_role_arn)
	real_account(a)
} else := ""

real_account(a) if regex.match(`^[0-9]{12}$`, a)

# Accounts of the role ARNs the input names.
role_accounts := sort({a |
	some arn in input_role_arns
	a := aws.arn_account(arn)
	real_account(a)
})

input_role_arns contains arn if {
	some sa in data.podauth.lib.k8s.service_accounts
	arn := k8s.irsa_role(sa)
}

input_role_arns contains a.role_arn if {
	some a in data.podauth.lib.k8s.pod_identity_associations
	is_string(a.role_arn)
}

input_role_arns contains v if {
	some pod in data.podauth.lib.k8s.pods
	v := k8s.annotations(pod.metadata)[data.podauth.lib.facts.kube2iam_annotation]
	is_string(v)
	startswith(v, "arn:")
}

cluster := or_placeholder(text_param("cluster_name"), "<CLUSTER_NAME>")

region := text_param("region")

oidc_provider := or_placeholder(trim_right(trim_prefix(text_param("oidc_provider"), "https://"), "/"), "<OIDC_PROVIDER>")

partition := "aws-cn" if startswith(region, "cn-")
else := "aws-us-gov" if startswith(region, "us-gov-")
else := "aws"

role_name_template := or_placeholder(text_param("role_name_template"), "{namespace}-{serviceaccount}")

requested := lower(text_param("to"))

base_role_arn_flag := "--base-role-arn="

# kube2iam's --base-role-arn, read from its DaemonSet in the context.
discovered_base_role_arns := sort([substring(a, count(base_role_arn_flag), -1) |
	some ds in data.podauth.lib.objects.context
	ds.kind == "DaemonSet"
	some c in object.get(ds, ["spec", "template", "spec", "containers"], [])
	is_string(c.image)
	contains(c.image, "kube2iam")
	some field in ["command", "args"]
	some a in object.get(c, field, [])
	is_string(a)
	startswith(a, base_role_arn_flag)
])

base_role_arn := text_param("base_role_arn") if {
	text_param("base_role_arn") != ""
} else := discovered_base_role_arns[0] if {
	count(discovered_base_role_arns) > 0
} else := ""

parameters := {
	"account_id": account,
	"account_source": account_source,
	"input_accounts": role_accounts,
	"cluster_name": cluster,
	"region": region,
	"oidc_provider": oidc_provider,
	"partition": partition,
	"role_name_template": role_name_template,
	"base_role_arn": base_role_arn,
	"to": requested,
}

# --- Names -----------------------------------------------------------------------

role_arn(name) := sprintf("arn:%s:iam::%s:role/%s", [data.podauth.migration.partition, data.podauth.migration.account, name])

# A role given as kube2iam or an IRSA annotation gives it: an ARN, or a name
# completed with the base role ARN, else with the account.
old_role_arn(v) := v if {
	startswith(v, "arn:")
} else := concat("", [trim_right(data.podauth.migration.base_role_arn, "/"), "/", v]) if {
	data.podauth.migration.base_role_arn != ""
} else := role_arn(v)

# The last path segment of a role ARN (or the name itself).
role_name_of(arn) := parts[count(parts) - 1] if parts := split(arn, "/")

role_name(tmpl, ns, sa, workload, kind) := n5 if {
	n1 := replace(tmpl, "{namespace}", ns)
	n2 := replace(n1, "{serviceaccount}", sa)
	n3 := replace(n2, "{workload}", workload)
	n4 := replace(n3, "{kind}", lower(kind))
	n5 := replace(n4, "{cluster}", data.podauth.migration.cluster)
}

# --- Per-workload decisions ------------------------------------------------------------

migratable_from := {"kube2iam-kiam", "static-credentials", "hardcoded-credentials", "node-role", "irsa", "pod-identity"}

per_pod_methods := {"irsa", "pod-identity"}

preferred(pod) := "pod-identity" if {
	data.podauth.lib.objects.parameters.prefer == "pod-identity"
	data.podauth.lib.objects.parameters.cluster_type == "eks"
	not facts.fargate(pod)
	not facts.windows(pod)
} else := "irsa"

# The target: --to, else the recommendation when it is IRSA or Pod Identity
# (an assumed role builds on one of them).
target(rec, pod) := data.podauth.migration.requested if {
	data.podauth.migration.requested != ""
} else := rec if {
	per_pod_methods[rec]
} else := preferred(pod) if {
	rec == "assumed-role"
} else := ""

# A pod (template) a controller owns: the controller is what gets migrated.
controller_of(pod) := sprintf("%s %q", [o.kind, o.name]) if {
	pod.object.kind == "Pod"
	some o in object.get(pod.object, ["metadata", "ownerReferences"], [])
	o.controller == true
}

invalid_irsa_arn(pod) := v if {
	sa := data.podauth.lib.k8s.service_accounts[k8s.key(pod.namespace, pod.service_account)]
	v := k8s.irsa_role(sa)
	not aws.valid_role_arn(v)
}

unsupported_pod_identity(pod) := "Fargate" if facts.fargate(pod)
else := "Windows" if facts.windows(pod)

# decision[ref] = {"migrate": bool, "to", "reason"} for every workload.
decision[w.ref] := d if {
	some w in data.podauth.workloads.workloads
	pod := data.podauth.lib.k8s.pods[w.ref]
	d := decide(w, pod, target(w.recommended, pod))
}

decide(w, pod, t) := {"migrate": false, "to": "", "reason": sprintf("a controller owns it (%s): migrate the controller", [controller_of(pod)])} if {
	controller_of(pod)
} else := {"migrate": false, "to": "", "reason": "it uses no AWS credentials"} if {
	w.effective == "none"
} else := {"migrate": false, "to": "", "reason": sprintf("%s already rests on IRSA or Pod Identity; the seed's migration paths start from kube2iam/KIAM, static credentials, the node role, or IRSA/Pod Identity", [w.effective])} if {
	not migratable_from[w.effective]
} else := {"migrate": false, "to": "", "reason": sprintf("the decision guide recommends %s (%s); pass --to irsa or --to pod-identity to migrate anyway", [w.recommended, w.reason])} if {
	t == ""
} else := {"migrate": false, "to": t, "reason": sprintf("EKS Pod Identity is not available on %s; use --to irsa", [unsupported_pod_identity(pod)])} if {
	t == "pod-identity"
	unsupported_pod_identity(pod)
} else := {"migrate": false, "to": t, "reason": sprintf("it already uses %s (rank 1)", [t])} if {
	w.effective == t
	not invalid_irsa_arn(pod)
} else := {"migrate": true, "to": t, "reason": ""}

# --- Migrations --------------------------------------------------------------------------

migrations[w.ref] := m if {
	some w in data.podauth.workloads.workloads
	decision[w.ref].migrate
	pod := data.podauth.lib.k8s.pods[w.ref]
	m := migration(w, pod, decision[w.ref].to)
}

migration(w, pod, to) := m if {
	obj := pod.object
	name := k8s.name(obj)
	ns := pod.namespace
	sa_from := w.serviceAccount
	dedicated := sa_from == "default"
	sa_to := dedicated_name(dedicated, sa_from, name)
	template_name := role_name(data.podauth.migration.role_name_template, ns, sa_to, name, obj.kind)
	old := old_identity(w, pod)
	rm := removal(pod, to)
	removed := removed_env(pod, rm)
	manual := manual_steps(rm)
	sa_in_input := sa_exists(ns, sa_to)
	kept := kept_role(w, pod, to)
	rname := object.get(kept, "name", template_name)
	cross := cross_account(old)
	reuse := reuse_role(old, rname, cross)
	arn := object.get(kept, "arn", role_arn(rname))
	m := {
		"ref": w.ref,
		"apiVersion": obj.apiVersion,
		"kind": obj.kind,
		"namespace": ns,
		"name": name,
		"from": w.effective,
		"methods": w.methods,
		"rank": w.rank,
		"to": to,
		"path": path_of(w.effective, to),
		"service_account": {
			"from": sa_from,
			"to": sa_to,
			"dedicated": dedicated,
			"in_input": sa_in_input,
			"action": sa_action(to, sa_in_input, dedicated, ns, sa_to),
		},
		"role": {"name": rname, "arn": arn, "reuse": reuse, "keep": count(kept) > 0, "copy_from": old},
		"cross_account": cross,
		"removed_env": removed,
		"removed_sources": removed_sources(rm),
		"manual": manual,
		"complete": count(manual) == 0,
		"patch": workload_patch(obj, pod, sa_to, rm),
		"json_patch": json_patch(pod, rm),
		"service_account_patch": sa_patch(to, sa_in_input, ns, sa_to, arn),
		"steps": with_cross_account_step(steps(cleanup_from(w.effective, to), to, ns, sa_to, rname, arn, reuse, old, obj.kind, dedicated, count(kept) > 0), cross, rname),
		"risks": risks(w, pod, to, dedicated),
		"addresses": addresses(w, pod, dedicated),
	}
}

# The old role is reused when the plan names it, in the same account.
reuse_role(old, rname, cross) if {
	count(cross) == 0
	same_role(old, rname) == true
} else := false

# The role the workload already binds for the target, kept when static keys
# only shadow it (IRSA on its ServiceAccount): nothing to create.
kept_role(w, pod, "irsa") := {"name": role_name_of(v), "arn": v} if {
	w.effective in {"static-credentials", "hardcoded-credentials"}
	v := k8s.irsa_role(data.podauth.lib.k8s.service_accounts[k8s.key(pod.namespace, pod.service_account)])
	aws.valid_role_arn(v)
} else := {}

kept_role(_, _, "pod-identity") := {}

# The old role lives in another account than the plan's: the move crosses
# accounts and the plan says so ({from, to}, or {}).
cross_account(old) := {"from": a, "to": data.podauth.migration.account, "role": old.arn} if {
	old.kind == "role"
	a := aws.arn_account(old.arn)
	real_account(a)
	real_account(data.podauth.migration.account)
	a != data.podauth.migration.account
} else := {}

with_cross_account_step(s, cross, _) := s if count(cross) == 0

with_cross_account_step(s, cross, rname) := array.concat(array.concat(array.slice(s, 0, 2), [sprintf("Cross-account step: the workload's current role %s is in account %s, and this plan's roles are in account %s. %s is created in %s; copy the permissions across (the policies' resources in %s still need a resource policy or a role to assume there), and keep %s until the cut-over is done", [cross.role, cross.from, cross.to, rname, cross.to, cross.from, cross.role])]), array.slice(s, 2, count(s))) if count(cross) > 0

same_role(old, rname) if {
	old.kind == "role"
	role_name_of(old.arn) == rname
} else := false

sa_exists(ns, sa) if {
	is_object(data.podauth.lib.k8s.service_accounts[k8s.key(ns, sa)])
} else := false

repair(pod) if {
	is_string(invalid_irsa_arn(pod))
} else := false

# A move between IRSA and Pod Identity.
switch(from, to) if {
	from in {"irsa", "pod-identity"}
	from != to
} else := false

shadowed(w) if {
	count({"static-credentials", "hardcoded-credentials"} & {m | some m in w.methods}) > 0
	count(per_pod_methods & {m | some m in w.methods}) > 0
} else := false

both_configured(pod) if {
	k := k8s.key(pod.namespace, pod.service_account)
	data.podauth.lib.k8s.irsa_keys[k]
	data.podauth.lib.k8s.pod_identity_keys[k]
} else := false

default_irsa(pod, dedicated) if {
	dedicated == true
	data.podauth.lib.k8s.irsa_keys[k8s.key(pod.namespace, "default")]
} else := false

cleanup_from(from, to) := "repair" if from == to
else := from

dedicated_name(true, _, workload) := workload

dedicated_name(false, sa, _) := sa

# The seed's migration path for each starting method.
path_of(from, to) := "Repair: the ServiceAccount's eks.amazonaws.com/role-arn is not a role ARN, so the IRSA webhook ignores it" if {
	from == to
} else := "From kube2iam/KIAM: Migrate to IRSA or EKS Pod Identity" if from == "kube2iam-kiam"
else := "From Static Credentials: Migrate to IRSA or EKS Pod Identity" if from in {"static-credentials", "hardcoded-credentials"}
else := "From Node IAM Role: Migrate to IRSA or EKS Pod Identity for fine-grained control" if from == "node-role"
else := "Between IRSA and Pod Identity: Both are valid, choose based on operational preferences"

# Whose permissions the new role copies: {kind: role|user|node-role, arn, description}.
old_identity(w, pod) := {
	"kind": "role",
	"arn": old_role_arn(v),
	"description": sprintf("the kube2iam/KIAM role %s", [old_role_arn(v)]),
} if {
	w.effective == "kube2iam-kiam"
	v := trim_space(k8s.annotations(pod.metadata)[data.podauth.lib.facts.kube2iam_annotation])
} else := {
	"kind": "role",
	"arn": old_role_arn(v),
	"description": sprintf("the IRSA role %s", [old_role_arn(v)]),
} if {
	w.effective == "irsa"
	sa := data.podauth.lib.k8s.service_accounts[k8s.key(pod.namespace, pod.service_account)]
	v := k8s.irsa_role(sa)
} else := {
	"kind": "role",
	"arn": a.role_arn,
	"description": sprintf("the Pod Identity role %s", [a.role_arn]),
} if {
	w.effective == "pod-identity"
	some a in data.podauth.lib.k8s.pod_identity_associations
	a.namespace == pod.namespace
	a.service_account == pod.service_account
	is_string(a.role_arn)
	a.role_arn != ""
} else := {
	"kind": "user",
	"arn": "",
	"description": static_user(pod),
} if {
	w.effective in {"static-credentials", "hardcoded-credentials"}
} else := {
	"kind": "node-role",
	"arn": "",
	"description": "the node instance role (copy only the permissions this workload needs)",
} if {
	w.effective == "node-role"
} else := {"kind": "unknown", "arn": "", "description": "the workload's current permissions"}

# The IAM user behind static keys, as far as the manifests tell: the masked
# literal key id, else the Secret the keys come from.
static_user(pod) := sprintf("the IAM user that owns access key %s (find it with: aws iam get-access-key-last-used --access-key-id <key id>)", [aws.mask(ids[0])]) if {
	ids := sort([e.value |
		some e in data.podauth.lib.k8s.env_vars
		e.ref == pod.ref
		e.name == "AWS_ACCESS_KEY_ID"
		is_string(e.value)
		aws.contains_access_key_id(e.value)
	])
	count(ids) > 0
} else := sprintf("the IAM user whose access keys are in %s", [concat(", ", srcs)]) if {
	srcs := sort({sprintf("Secret %q", [e.entry.valueFrom.secretKeyRef.name]) |
		some e in data.podauth.lib.k8s.env_vars
		e.ref == pod.ref
		data.podauth.lib.aws.static_key_env_names[e.name]
		is_string(e.entry.valueFrom.secretKeyRef.name)
	})
	count(srcs) > 0
} else := "the IAM user whose access keys the workload uses"

# --- Credential sources --------------------------------------------------------------------
# Every source of static keys `check` detects, read from podauth.workloads and
# podauth.lib.identity through the functions of this section only, so that the
# reads move in one place when those packages change. Values are never read
# into the plan: sources are named by container, variable, volume and object.

# The containers of a pod with their list field and index (JSON 6902 paths need them).
pod_containers(pod) := [c |
	some field in ["initContainers", "containers"]
	some i, container in object.get(pod.spec, field, [])
	is_object(container)
	is_string(container.name)
	c := {
		"ref": pod.ref,
		"pod": pod,
		"container": container,
		"name": container.name,
		"field": field,
		"index": i,
		"path": sprintf("%s.%s[%d]", [pod.spec_path, field, i]),
	}
]

# The JSON pointer of a pod's spec inside its object, e.g. /spec/template/spec.
spec_pointer(kind) := concat("", [concat("", ["/", s]) | some s in array.concat(data.podauth.lib.k8s.pod_template_path[kind], ["spec"])])

# Volume sources that give a container a static credentials file, as check
# sees them: {volume, source, projected (index in projected.sources, or -1),
# mount_path}.
credential_file_mounts(c) := [hit |
	env := data.podauth.lib.facts.env_of(c)
	some vm in object.get(c.container, "volumeMounts", [])
	is_object(vm)
	is_string(vm.name)
	is_string(vm.mountPath)
	some vol in object.get(c.pod.spec, "volumes", [])
	is_object(vol)
	vol.name == vm.name
	some s in volume_file_sources(vol)
	m := {"mount_path": trim_right(vm.mountPath, "/"), "sub_path": data.podauth.lib.facts.sub_path(vm), "source": s.source}
	data.podauth.lib.facts.may_hold_aws_files(c.pod.namespace, env, m)
	static_file(c.pod.namespace, env, m)
	hit := {"volume": vol.name, "source": s.source, "projected": s.projected, "mount_path": vm.mountPath}
]

static_file(ns, env, m) if {
	some f in data.podauth.lib.facts.mount_files(ns, env, m)
	"file-static" in data.podauth.lib.facts.file_signals(env, f)
}

volume_file_sources(vol) := [{"source": data.podauth.lib.facts.source("Secret", vol.secret.secretName, vol.secret), "projected": -1}] if {
	is_string(vol.secret.secretName)
} else := [{"source": data.podauth.lib.facts.source("ConfigMap", vol.configMap.name, vol.configMap), "projected": -1}] if {
	is_string(vol.configMap.name)
} else := [{"source": s, "projected": j} |
	some j, p in vol.projected.sources
	s := data.podauth.lib.facts.projected_source(p)
] if {
	is_array(vol.projected.sources)
} else := []

# envFrom entries whose Secret or ConfigMap (in the context) gives AWS keys
# (after the prefix): {index, kind, name, prefix, optional, aws_keys,
# other_keys (kept as explicit env entries)}.
credential_env_from(c) := [hit |
	some i, ef in object.get(c.container, "envFrom", [])
	is_object(ef)
	src := data.podauth.lib.facts.env_from_source(ef)
	not data.podauth.lib.facts.eso_owned(c.pod.namespace, src.name)
	prefix := data.podauth.lib.facts.env_from_prefix(ef)
	keys := source_keys(c.pod.namespace, src)
	aws_keys := {k | some k in keys; data.podauth.lib.aws.static_key_env_names[concat("", [prefix, k])]}
	count(aws_keys) > 0
	hit := {
		"index": i,
		"kind": src.kind,
		"name": src.name,
		"prefix": prefix,
		"optional": object.get(ef, [ref_field[src.kind], "optional"], false) == true,
		"aws_keys": sort(aws_keys),
		"other_keys": sort(keys - aws_keys),
	}
]

ref_field := {"Secret": "secretRef", "ConfigMap": "configMapRef"}

key_ref_field := {"Secret": "secretKeyRef", "ConfigMap": "configMapKeyRef"}

source_keys(ns, src) := data.podauth.lib.facts.secret_keys(s) if {
	src.kind == "Secret"
	s := data.podauth.lib.k8s.secrets[k8s.key(ns, src.name)]
} else := {k | some k, _ in object.get(cm, "data", {})} if {
	src.kind == "ConfigMap"
	cm := data.podauth.lib.k8s.config_maps[k8s.key(ns, src.name)]
} else := set()

# Items of command and args that carry a key, as the facts find them
# (podauth.lib.facts.literal_credentials): {field, index, shell}. A value given
# after its flag as the next item loses the flag too; a key inside a
# shell-script string cannot be cut out and is reported instead (shell: true).
credential_args(c) := [hit |
	some lc in data.podauth.lib.facts.literal_credentials
	lc.ref == c.ref
	lc.container == c.name
	lc.where in ["command", "args"]
	prefix := concat("", [c.path, ".", lc.where, "["])
	startswith(lc.path, prefix)
	i := to_number(trim_suffix(substring(lc.path, count(prefix), -1), "]"))
	words := c.container[lc.where]
	some hit in arg_hits(lc.where, words, i)
]

arg_hits(field, words, i) := [{"field": field, "index": i, "shell": true}] if {
	contains(trim_space(words[i]), " ")
} else := [{"field": field, "index": i - 1, "shell": false}, {"field": field, "index": i, "shell": false}] if {
	i > 0
	flag_before(words[i - 1])
} else := [{"field": field, "index": i, "shell": false}]

flag_before(w) if {
	startswith(w, "-")
	not contains(w, "=")
	contains(lower(w), "key")
}

flag_before(w) if data.podauth.lib.facts.secret_flag(w)

# --- Patches -----------------------------------------------------------------------------

# Variables removed per target: static keys always, hand-set web identity
# variables when moving to Pod Identity (they would win over it).
removed_names("pod-identity") := data.podauth.lib.aws.static_key_env_names | {"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"}

removed_names("irsa") := data.podauth.lib.aws.static_key_env_names

file_env_names := ["AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"]

# Everything the patches take from one pod: the volumes deleted (every source
# of them is a credentials file) with all their mounts, the projected sources
# cut from volumes that stay, and per container the env entries, envFrom
# entries and command/args items. A variable naming a file in a removed mount
# goes too, and so does AWS_PROFILE (its profile lived in those files).
removal(pod, to) := {
	"volumes": sort(deleted),
	"projected": projected,
	"containers": [r |
		some c in containers
		r := container_removal(c, to, hits[c.path], deleted)
	],
} if {
	containers := pod_containers(pod)
	hits := {c.path: credential_file_mounts(c) | some c in containers}
	all_hits := [h | some hs in hits; some h in hs]
	by_volume := {name: {x.projected | some x in all_hits; x.volume == name} | some name in {y.volume | some y in all_hits}}
	deleted := {v |
		some v, indices in by_volume
		some candidate in object.get(pod.spec, "volumes", [])
		candidate.name == v
		whole_volume(candidate, indices)
	}
	projected := [{"volume": vol.name, "volume_index": k, "source_index": j} |
		some k, vol in object.get(pod.spec, "volumes", [])
		cut := by_volume[vol.name]
		not deleted[vol.name]
		some j in cut
	]
}

whole_volume(vol, _) if not is_array(vol.projected.sources)

whole_volume(vol, sources) if count(sources) == count(vol.projected.sources)

container_removal(c, to, files, deleted) := {
	"field": c.field,
	"container": c.name,
	"pointer": sprintf("%s/%s/%d", [spec_pointer(c.pod.object.kind), c.field, c.index]),
	"env": sort((keys | file_vars) | profile),
	"mounts": sort(mounts),
	"files": files,
	"env_from": credential_env_from(c),
	"args": [a | some a in args; not a.shell],
	"shell_args": [a | some a in args; a.shell],
	"existing_env": existing,
} if {
	env := [e | some e in object.get(c.container, "env", []); is_object(e); is_string(e.name)]
	existing := {e.name | some e in env}
	keys := {e.name | some e in env; removable(e, removed_names(to))}
	mounts := {vm.mountPath |
		some vm in object.get(c.container, "volumeMounts", [])
		is_object(vm)
		deleted[vm.name]
	}
	file_paths := mounts | {f.mount_path | some f in files}
	file_vars := {e.name |
		some e in env
		e.name in file_env_names
		is_string(e.value)
		inside_any(e.value, file_paths)
	}
	profile := {"AWS_PROFILE" | count(file_paths) > 0; "AWS_PROFILE" in existing}
	args := credential_args(c)
}

inside_any(p, mounts) if {
	some m in mounts
	startswith(p, concat("", [trim_right(m, "/"), "/"]))
}

inside_any(p, mounts) if p in mounts

removable(e, names) if names[e.name]

removable(e, _) if {
	is_string(e.value)
	aws.contains_access_key_id(e.value)
}

# Env entries the patch deletes: {container, field, name, source}. No values.
removed_env(pod, rm) := sort([r |
	some c in pod_containers(pod)
	some cr in rm.containers
	cr.field == c.field
	cr.container == c.name
	some e in object.get(c.container, "env", [])
	is_object(e)
	e.name in cr.env
	r := {"field": c.field, "container": c.name, "name": e.name, "source": env_source(e)}
])

env_source(e) := sprintf("Secret %q key %q", [e.valueFrom.secretKeyRef.name, object.get(e.valueFrom.secretKeyRef, "key", "")]) if {
	is_string(e.valueFrom.secretKeyRef.name)
} else := sprintf("ConfigMap %q key %q", [e.valueFrom.configMapKeyRef.name, object.get(e.valueFrom.configMapKeyRef, "key", "")]) if {
	is_string(e.valueFrom.configMapKeyRef.name)
} else := "a literal value" if {
	is_string(e.value)
} else := "a field reference"

# The other removals, one sentence each (MIGRATION.md lists them).
removed_sources(rm) := sort(array.concat(array.concat(
	[sprintf("volume %q (%s %q, a credentials file) with its mounts", [v, f.source.kind, f.source.name]) |
		some v in rm.volumes
		fs := [x | some cr in rm.containers; some x in cr.files; x.volume == v]
		f := fs[0]
	],
	[sprintf("projected source %d of volume %q (a credentials file)", [p.source_index, p.volume]) | some p in rm.projected],
), array.concat(
	[sprintf("envFrom %s %q of container %q (AWS keys %s%s)", [e.kind, e.name, cr.container, concat(", ", [concat("", [e.prefix, k]) | some k in e.aws_keys]), kept_note(e)]) |
		some cr in rm.containers
		some e in cr.env_from
	],
	[sprintf("%s[%d] of container %q (an AWS key)", [a.field, a.index, cr.container]) |
		some cr in rm.containers
		some a in cr.args
	],
)))

kept_note(e) := sprintf("; its other keys stay, as env entries: %s", [concat(", ", [concat("", [e.prefix, k]) | some k in e.other_keys])]) if {
	count(e.other_keys) > 0
} else := ""

legacy_annotations := ["iam.amazonaws.com/role", "iam.amazonaws.com/external-id", "iam.amazonaws.com/session-name"]

# A strategic-merge patch (kustomize's default): annotations set to null are
# removed, list entries with `$patch: delete` are removed by their merge key
# (env and containers by name, volumeMounts by mountPath, volumes by name).
workload_patch(obj, pod, sa, rm) := object.union(
	{"apiVersion": obj.apiVersion, "kind": obj.kind, "metadata": {"name": k8s.name(obj), "namespace": pod.namespace}},
	nest(data.podauth.lib.k8s.pod_template_path[obj.kind], pod_patch(pod, sa, rm)),
)

pod_patch(pod, sa, rm) := object.union(meta_patch(pod), {"spec": object.union(
	object.union({"serviceAccountName": sa}, legacy_sa_field(pod)),
	object.union(container_patches(rm), volume_patch(rm)),
)})

meta_patch(pod) := {"metadata": {"annotations": annos}} if {
	annos := {a: null | some a in legacy_annotations; k8s.annotations(pod.metadata)[a]}
	count(annos) > 0
} else := {}

legacy_sa_field(pod) := {"serviceAccount": null} if is_string(pod.spec.serviceAccount)
else := {}

volume_patch(rm) := {"volumes": [{"name": v, "$patch": "delete"} | some v in rm.volumes]} if count(rm.volumes) > 0
else := {}

container_patches(rm) := {field: entries |
	some field in {cr.field | some cr in rm.containers; container_changed(cr)}
	entries := [container_patch(cr) | some cr in rm.containers; cr.field == field; container_changed(cr)]
}

container_changed(cr) if count(cr.env) + count(cr.mounts) + count(cr.env_from) > 0

container_patch(cr) := object.union(
	object.union({"name": cr.container}, non_empty_list("env", array.concat([{"name": n, "$patch": "delete"} | some n in cr.env], kept_env(cr)))),
	non_empty_list("volumeMounts", [{"mountPath": p, "$patch": "delete"} | some p in cr.mounts]),
)

non_empty_list(key, xs) := {key: xs} if count(xs) > 0
else := {}

# The keys an envFrom source gives besides the AWS keys, as env entries (the
# later envFrom source wins, as in Kubernetes; an existing env entry wins).
kept_env(cr) := [entry |
	names := {concat("", [src.prefix, key]) | some src in cr.env_from; some key in src.other_keys}
	some n in sort(names)
	not cr.existing_env[n]
	e := last([x | some x in cr.env_from; some other in x.other_keys; concat("", [x.prefix, other]) == n])
	k := substring(n, count(e.prefix), -1)
	entry := {"name": n, "valueFrom": {key_ref_field[e.kind]: object.union({"name": e.name, "key": k}, optional_field(e))}}
]

last(xs) := xs[count(xs) - 1]

optional_field(e) := {"optional": true} if e.optional
else := {}

# JSON 6902 removals, with indices read from the object: envFrom entries,
# command/args items and projected sources. Within each list the highest
# index goes first, so earlier removals do not shift later ones. Applied
# before the strategic-merge patch (which deletes by name, not index).
json_patch(pod, rm) := [{"op": "remove", "path": sprintf("%s/%d", [x[0], 0 - x[1]])} | some x in sort(targets)] if {
	targets := ({[concat("/", [cr.pointer, "envFrom"]), 0 - e.index] | some cr in rm.containers; some e in cr.env_from} | {[concat("/", [cr.pointer, a.field]), 0 - a.index] | some cr in rm.containers; some a in cr.args}) | {[sprintf("%s/volumes/%d/projected/sources", [spec_pointer(pod.object.kind), p.volume_index]), 0 - p.source_index] | some p in rm.projected}
}

nest(p, v) := v if count(p) == 0

nest(p, v) := {p[0]: {p[1]: v}} if count(p) == 2

nest(p, v) := {p[0]: {p[1]: {p[2]: {p[3]: v}}}} if count(p) == 4

# The ServiceAccount change: create, patch or nothing.
sa_action("irsa", true, _, _, _) := "patch"

sa_action("irsa", false, _, _, _) := "create"

sa_action("pod-identity", true, _, ns, sa) := "patch" if {
	k8s.irsa_role(data.podauth.lib.k8s.service_accounts[k8s.key(ns, sa)])
} else := "none"

sa_action("pod-identity", false, true, _, _) := "create"

sa_action("pod-identity", false, false, _, _) := "none"

sa_object(ns, sa, annotations) := {
	"apiVersion": "v1",
	"kind": "ServiceAccount",
	"metadata": object.union({"name": sa, "namespace": ns}, annotations),
}

irsa_annotations(arn) := {"annotations": {data.podauth.lib.k8s.irsa_annotation: arn}}

sa_patch("irsa", true, ns, sa, arn) := sa_object(ns, sa, irsa_annotations(arn))

sa_patch("pod-identity", true, ns, sa, _) := sa_object(ns, sa, {"annotations": {data.podauth.lib.k8s.irsa_annotation: null}}) if {
	k8s.irsa_role(data.podauth.lib.k8s.service_accounts[k8s.key(ns, sa)])
} else := null

sa_patch(_, false, _, _, _) := null

# --- Steps and risks --------------------------------------------------------------------

reuse_or_keep(true, _) := true

reuse_or_keep(false, keep) := keep

trust_or_keep_step(_, arn, _, true) := sprintf("Keep the IAM role %s: the ServiceAccount already binds it and static keys only shadowed it; nothing to create", [arn])

trust_or_keep_step(rname, arn, reuse, false) := trust_step(rname, arn, reuse)

bind_or_keep_step(_, ns, sa, arn, _, true) := sprintf("Keep the ServiceAccount %s/%s as it is (eks.amazonaws.com/role-arn: %s)", [ns, sa, arn])

bind_or_keep_step(to, ns, sa, arn, dedicated, false) := bind_step(to, ns, sa, arn, dedicated)

trust_step(rname, arn, true) := sprintf("Add the statement of iam/%s.trust-policy.json to the trust policy of the existing role %s (keep its other statements until the cut-over is done; iam/create-roles.sh merges them with jq)", [rname, arn])

trust_step(rname, _, false) := sprintf("Create the IAM role %s with the trust policy iam/%s.trust-policy.json (iam/create-roles.sh)", [rname, rname])

permissions_step(_, true, _) := "Keep the role's permissions policies: the role is reused"

permissions_step(rname, false, old) := sprintf("Give %s the permissions of %s (iam/%s.permissions.md): copy the policies, then narrow them to what the workload needs", [rname, old.description, rname])

prerequisite("irsa") := sprintf("Make sure the cluster's OIDC provider %s is registered in IAM (eksctl utils associate-iam-oidc-provider --cluster %s --approve)", [data.podauth.migration.oidc_provider, data.podauth.migration.cluster])

prerequisite("pod-identity") := sprintf("Make sure the EKS Pod Identity Agent add-on runs on the cluster (aws eks create-addon --cluster-name %s --addon-name eks-pod-identity-agent)", [data.podauth.migration.cluster])

bind_step("irsa", ns, sa, arn, _) := sprintf("Annotate the ServiceAccount %s/%s with eks.amazonaws.com/role-arn: %s (kubectl apply -k: the ServiceAccount object or patch in this directory)", [ns, sa, arn])

bind_step("pod-identity", ns, sa, arn, _) := sprintf("Create the Pod Identity association %s/%s -> %s (one of pod-identity/associations.sh, eksctl.yaml, ack.yaml or main.tf)%s", [ns, sa, arn, create_sa_note(ns, sa)])

create_sa_note(ns, sa) := sprintf(" and apply the ServiceAccount %s/%s", [ns, sa]) if {
	not data.podauth.lib.k8s.service_accounts[k8s.key(ns, sa)]
} else := ""

roll_step("Pod", _) := "Roll the pods: a Pod's serviceAccountName cannot change in place, so delete the Pod and apply the patched manifest (kubectl kustomize . | kubectl apply -f -)"

roll_step("CronJob", _) := "Roll the pods: apply the patched CronJob (kubectl kustomize . | kubectl apply -f -); the next scheduled Job runs with the new identity (or start one with kubectl create job --from=cronjob/<name>)"

roll_step(kind, dedicated) := sprintf("Roll the pods: apply the patched %s (kubectl kustomize . | kubectl apply -f -), which %s and starts a rollout", [kind, roll_changes(dedicated)]) if {
	not kind in {"Pod", "CronJob"}
}

roll_changes(true) := "switches it to its dedicated ServiceAccount, removes the legacy settings"

roll_changes(false) := "removes the legacy settings"

verify_step("irsa", rname) := sprintf("Verify in CloudTrail: AssumeRoleWithWebIdentity events for role %s, and the workload's API calls made as assumed-role/%s (and none under the old identity)", [rname, rname])

verify_step("pod-identity", rname) := sprintf("Verify in CloudTrail: AssumeRoleForPodIdentity events (eks-auth) for role %s, and the workload's API calls made as assumed-role/%s (and none under the old identity)", [rname, rname])

cleanup_step("kube2iam-kiam", old) := sprintf("Then remove kube2iam/KIAM: once no workload carries iam.amazonaws.com/role, uninstall the DaemonSet (and the KIAM server) and drop the node role from the trust policy of %s", [old.arn])

cleanup_step("static-credentials", old) := sprintf("Then revoke the static keys: deactivate and delete the access key of %s (aws iam update-access-key --status Inactive, then aws iam delete-access-key), and delete the Secret that held them", [old.description])

cleanup_step("hardcoded-credentials", old) := sprintf("Then revoke the static keys: treat the hardcoded key as leaked; deactivate and delete the access key of %s, and purge it from version control history", [old.description])

cleanup_step("repair", _) := "Nothing to remove: the ServiceAccount keeps IRSA, now with a valid role ARN"

cleanup_step("node-role", _) := "Then remove the permissions this workload needed from the node role, and keep pods off it: require IMDSv2 with hop limit 1"

cleanup_step("irsa", old) := sprintf("Then remove IRSA: delete the OIDC statement for this ServiceAccount from the trust policy of %s (eksctl utils migrate-to-pod-identity does the same for eksctl-managed roles)", [old.arn])

cleanup_step("pod-identity", old) := sprintf("Then remove Pod Identity: delete the pods.eks.amazonaws.com statement from the trust policy of %s", [old.arn])

steps(from, to, ns, sa, rname, arn, reuse, old, kind, dedicated, keep) := array.concat(
	array.concat(
		[
			prerequisite(to),
			trust_or_keep_step(rname, arn, reuse, keep),
			permissions_step(rname, reuse_or_keep(reuse, keep), old),
			bind_or_keep_step(to, ns, sa, arn, dedicated, keep),
		],
		before_roll(from, ns, sa),
	),
	[
		roll_step(kind, dedicated),
		verify_step(to, rname),
		cleanup_step(from, old),
	],
)

# Leaving Pod Identity: the association must go before the pods roll, as the
# webhook prefers it over the IRSA annotation.
before_roll("pod-identity", ns, sa) := [sprintf("Delete the Pod Identity association of %s/%s (aws eks delete-pod-identity-association): while it exists, the webhook injects Pod Identity and ignores the IRSA annotation", [ns, sa])]

before_roll(from, _, _) := [] if from != "pod-identity"

risk_items(w, pod, to, dedicated) := [
	{"when": count({"static-credentials", "hardcoded-credentials"} & {m | some m in w.methods}) > 0, "text": "Static keys shadow IRSA and Pod Identity until removed: the SDK default chain reads environment keys and credentials files first. The patch removes the variables; anything left under `manual` keeps them in use"},
	{"when": "hardcoded-credentials" in w.methods, "text": "The hardcoded key is in version control: removing it from the manifest does not un-leak it; revoke it"},
	{"when": to == "pod-identity", "text": "Pod Identity needs recent AWS SDKs (for example boto3 1.34.41, AWS SDK for Java 2.21.30, JavaScript v3 3.458.0, Go v2 release-2023-11-14); older SDKs fall back to the next provider in the chain"},
	{"when": to == "pod-identity", "text": "Pod Identity associations are eventually consistent: wait for the association before rolling the pods"},
	{"when": w.effective == "kube2iam-kiam", "text": "Until kube2iam/KIAM is removed it still intercepts instance metadata for pods that are not migrated; SDKs too old for web identity or container credentials fall back to it silently"},
	{"when": w.effective == "node-role", "text": "IRSA and Pod Identity do not take away the node role: keep IMDSv2 with hop limit 1 so the pod cannot fall back to it"},
	{"when": dedicated, "text": "The workload moves from the default ServiceAccount to a dedicated one: copy any RBAC bindings and imagePullSecrets the default ServiceAccount had"},
	{"when": pod.object.kind == "Pod", "text": "serviceAccountName of a Pod is immutable: the Pod must be recreated"},
	{"when": switch(w.effective, to), "text": "While both an IRSA annotation and a Pod Identity association exist, the webhook injects only Pod Identity: follow the cut-over order"},
]

risks(w, pod, to, dedicated) := [r.text | some r in risk_items(w, pod, to, dedicated); r.when == true]

# Findings the migration resolves for this workload.
address_items(w, pod, dedicated) := [
	{"when": "hardcoded-credentials" in w.methods, "rules": ["PA101"]},
	{"when": cleans_config_map_bool(pod), "rules": ["PA102"]},
	{"when": "static-credentials" in w.methods, "rules": ["PA103"]},
	{"when": shadowed(w), "rules": ["PA305"]},
	{"when": w.effective == "kube2iam-kiam", "rules": ["PA501"]},
	{"when": w.effective == "node-role", "rules": ["PA201"]},
	{"when": repair(pod), "rules": ["PA301"]},
	{"when": both_configured(pod), "rules": ["PA307"]},
	{"when": default_irsa(pod, dedicated), "rules": ["PA302"]},
]

addresses(w, pod, dedicated) := sort({r | some i in address_items(w, pod, dedicated); i.when == true; some r in i.rules})

# --- ConfigMaps that hold keys ----------------------------------------------------------------
# A ConfigMap is not a secret store: its AWS key entries are deleted by a patch
# when every pod that reads it is migrated (otherwise the plan would break a
# workload it leaves alone). Secrets are never copied: they are deleted after
# the cut-over (the last step).

# [namespace, name] of the ConfigMaps a pod reads: envFrom, configMapKeyRef,
# volumes and projected sources.
config_map_refs(pod) := {[pod.namespace, n] |
	some c in pod_containers(pod)
	some ef in object.get(c.container, "envFrom", [])
	n := ef.configMapRef.name
	is_string(n)
} | {[pod.namespace, n] |
	some c in pod_containers(pod)
	some e in object.get(c.container, "env", [])
	n := e.valueFrom.configMapKeyRef.name
	is_string(n)
} | {[pod.namespace, n] |
	some vol in object.get(pod.spec, "volumes", [])
	n := vol.configMap.name
	is_string(n)
} | {[pod.namespace, n] |
	some vol in object.get(pod.spec, "volumes", [])
	some src in vol.projected.sources
	n := src.configMap.name
	is_string(n)
}

config_map_readers[ref] := config_map_refs(pod) if some ref, pod in data.podauth.lib.k8s.pods

# The AWS key entries of each ConfigMap a migrated pod reads, when every
# reader is migrated: {field: [keys]}.
config_map_key_entries[id] := by_field if {
	some ref, ids in config_map_readers
	decision[ref].migrate
	some id in ids
	cm := data.podauth.lib.k8s.config_maps[k8s.key(id[0], id[1])]
	every r, other in config_map_readers {
		reader_migrated(r, other, id)
	}
	entries := [e | some e in data.podauth.lib.credentials.entries(cm); aws_key_entry(e)]
	count(entries) > 0
	by_field := {f: sort({e.key | some e in entries; e.field == f}) | some f in {e.field | some e in entries}}
}

aws_key_entry(e) if e.class in {"aws-credentials-file", "aws-secret-access-key", "aws-access-key-id"}

aws_key_entry(e) if data.podauth.lib.aws.static_key_env_names[e.key]

aws_key_entry(e) if count(aws.access_key_ids(e.text)) > 0

reader_migrated(_, ids, id) if not ids[id]

reader_migrated(ref, _, _) if data.podauth.migration.decision[ref].migrate

config_map_patches := [object.union(
	{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": id[1], "namespace": id[0]}},
	{f: {k: null | some k in keys} | some f, keys in config_map_key_entries[id]},
) |
	some id in sort([i | some i, _ in config_map_key_entries])
]

cleans_config_map_bool(pod) := true if cleans_config_map(pod)
else := false

# A pod reads a ConfigMap whose AWS keys the plan deletes.
cleans_config_map(pod) if {
	some id in config_map_refs(pod)
	config_map_key_entries[id]
}

# Static keys no patch can remove: a key inside a shell-script string.
manual_steps(rm) := sort([sprintf("container %q passes an AWS key inside a shell command (%s[%d]): take it out of the script by hand (a patch cannot cut a value out of a string without copying the rest of it)", [cr.container, a.field, a.index]) |
	some cr in rm.containers
	some a in cr.shell_args
])

# --- IAM and associations -------------------------------------------------------------------

migration_list := [migrations[ref] | some ref in sort([r | some r, _ in migrations])]

# One entry per role name and target: the service accounts it trusts.
roles := [role_entry(pair[0], pair[1]) | some pair in sort({[m.role.name, m.to] | some m in migration_list; not m.role.keep})]

role_entry(name, to) := {
	"name": name,
	"arn": role_arn(name),
	"to": to,
	"reuse": count([m | some m in ms; m.role.reuse]) > 0,
	"subjects": subjects,
	"copy_from": sort({m.role.copy_from.description | some m in ms}),
	"trust_policy": trust_policy(to, subjects),
} if {
	ms := [m | some m in data.podauth.migration.migration_list; m.role.name == name; m.to == to; not m.role.keep]
	subjects := sort({sprintf("%s/%s", [m.namespace, m.service_account.to]) | some m in ms})
}

one_or_many(xs) := xs[0] if count(xs) == 1
else := xs

trust_policy("irsa", subjects) := {
	"Version": "2012-10-17",
	"Statement": [{
		"Effect": "Allow",
		"Principal": {"Federated": sprintf("arn:%s:iam::%s:oidc-provider/%s", [data.podauth.migration.partition, data.podauth.migration.account, data.podauth.migration.oidc_provider])},
		"Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": {"StringEquals": {
			sprintf("%s:sub", [data.podauth.migration.oidc_provider]): one_or_many([sprintf("system:serviceaccount:%s", [replace(s, "/", ":")]) | some s in subjects]),
			sprintf("%s:aud", [data.podauth.migration.oidc_provider]): "sts.amazonaws.com",
		}},
	}],
}

trust_policy("pod-identity", _) := {
	"Version": "2012-10-17",
	"Statement": [{
		"Effect": "Allow",
		"Principal": {"Service": "pods.eks.amazonaws.com"},
		"Action": ["sts:AssumeRole", "sts:TagSession"],
		# Only associations of this account may use the role (PA406).
		"Condition": {"StringEquals": {"aws:SourceAccount": data.podauth.migration.account}},
	}],
}

# New ServiceAccount objects (unique by namespace and name).
service_accounts := sort({sa_object(m.namespace, m.service_account.to, sa_annotations(m)) |
	some m in migration_list
	m.service_account.action == "create"
})

sa_annotations(m) := irsa_annotations(m.role.arn) if m.to == "irsa"
else := {}

service_account_patches := sort({m.service_account_patch |
	some m in migration_list
	m.service_account.action == "patch"
})

associations := sort({{
	"cluster_name": cluster,
	"namespace": m.namespace,
	"service_account": m.service_account.to,
	"role_arn": m.role.arn,
	"ack": {
		"apiVersion": "eks.services.k8s.aws/v1alpha1",
		"kind": "PodIdentityAssociation",
		"metadata": {"name": m.service_account.to, "namespace": m.namespace},
		"spec": {
			"clusterName": cluster,
			"namespace": m.namespace,
			"serviceAccount": m.service_account.to,
			"roleARN": m.role.arn,
		},
	},
} |
	some m in migration_list
	m.to == "pod-identity"
})

skipped := [s |
	some w in data.podauth.workloads.workloads
	d := decision[w.ref]
	not d.migrate
	obj := data.podauth.lib.k8s.pods[w.ref].object
	s := {
		"ref": w.ref,
		"apiVersion": obj.apiVersion,
		"kind": obj.kind,
		"namespace": data.podauth.lib.k8s.pods[w.ref].namespace,
		"name": k8s.name(obj),
		"from": w.effective,
		"recommended": w.recommended,
		"reason": d.reason,
	}
]

plan := {
	"parameters": parameters,
	"migrations": migration_list,
	"skipped": skipped,
	"roles": roles,
	"service_accounts": service_accounts,
	"service_account_patches": service_account_patches,
	"config_map_patches": config_map_patches,
	"associations": associations,
}

# `kubectl podauth recommend`: the Decision Guide's answer for the answers in
# parameters.answers (podauth.lib.decision).
recommendation := decision.recommend(object.get(data.podauth.lib.objects.parameters, "answers", {}))
