# METADATA
# title: Kubernetes object helpers
# description: >-
#   Shared facts computed once per evaluation: every pod spec with its JSON path,
#   every container and env entry, and keyed indexes for cross-object lookups.
#   Rules join through these indexes, never through nested scans.
# scope: package
package podauth.lib.k8s

import data.podauth.lib.objects

# Where each workload kind keeps its pod template: the kind registry
# (policies/src/kinds.rs, generated as data.podauth.lib.kinds).
pod_template_path := data.podauth.lib.kinds.pod_template_path

workload_kinds := {k | some k, _ in pod_template_path}

# Rendered once per kind rather than once per pod.
spec_paths := {k: path(array.concat(p, ["spec"])) | some k, p in pod_template_path}

metadata_paths := {k: path(array.concat(p, ["metadata"])) | some k, p in pod_template_path}

container_fields := ["initContainers", "containers", "ephemeralContainers"]

# pods[ref] is the pod (template) of the reviewed object at position ref.
pods[ref] := pod if {
	some ref, obj in data.podauth.lib.objects.review
	prefix := pod_template_path[obj.kind]
	spec := object.get(obj, array.concat(prefix, ["spec"]), null)
	is_object(spec)
	ns := namespace(obj)
	pod := {
		"ref": ref,
		"object": obj,
		"spec": spec,
		"metadata": object.get(obj, array.concat(prefix, ["metadata"]), {}),
		"spec_path": spec_paths[obj.kind],
		"metadata_path": metadata_paths[obj.kind],
		"namespace": ns,
		"service_account": service_account_name(spec),
		"sa_key": key(ns, service_account_name(spec)),
	}
}

# Every container of every pod, with its path, e.g. spec.template.spec.containers[0].
containers := [c |
	some ref, pod in pods
	some field in container_fields
	some i, container in object.get(pod.spec, field, [])
	is_object(container)
	c := {
		"ref": ref,
		"pod": pod,
		"container": container,
		"name": object.get(container, "name", ""),
		"path": sprintf("%s.%s[%d]", [pod.spec_path, field, i]),
	}
]

# Every env entry of every container. `value` is null unless it is a literal string.
env_vars := [e |
	some c in containers
	some j, entry in object.get(c.container, "env", [])
	is_object(entry)
	e := {
		"ref": c.ref,
		"container": c,
		"entry": entry,
		"name": env_name(entry),
		"value": literal_value(entry),
		"path": sprintf("%s.env[%d]", [c.path, j]),
	}
]

env_name(entry) := entry.name if is_string(entry.name)
else := ""

literal_value(entry) := entry.value if is_string(entry.value)
else := null

service_account_name(spec) := spec.serviceAccountName if {
	is_string(spec.serviceAccountName)
	spec.serviceAccountName != ""
} else := spec.serviceAccount if {
	is_string(spec.serviceAccount)
	spec.serviceAccount != ""
} else := "default"

namespace(obj) := obj.metadata.namespace if {
	is_string(obj.metadata.namespace)
	obj.metadata.namespace != ""
} else := "default"

name(obj) := obj.metadata.name if is_string(obj.metadata.name)
else := ""

annotations(meta) := meta.annotations if is_object(meta.annotations)
else := {}

labels(meta) := meta.labels if is_object(meta.labels)
else := {}

key(ns, n) := sprintf("%s/%s", [ns, n])

# path(["metadata", "annotations", "iam.amazonaws.com/role"]) is
# metadata.annotations["iam.amazonaws.com/role"]: the path syntax findings use.
path(segments) := concat("", [s |
	some i, seg in segments
	s := segment(i, seg)
])

# One else chain (a single test of the segment's characters) rather than
# several bodies that regorus would all evaluate.
segment(i, seg) := sprintf("[%d]", [seg]) if {
	is_number(seg)
} else := seg if {
	plain_segment(seg)
	i == 0
} else := concat("", [".", seg]) if {
	plain_segment(seg)
	i > 0
} else := sprintf("[%q]", [seg]) if {
	is_string(seg)
	not plain_segment(seg)
}

# ^[A-Za-z0-9_-]+$ without a regex: trimming those characters leaves nothing.
plain_segment(seg) if {
	is_string(seg)
	seg != ""
	trim(seg, plain_segment_chars) == ""
}

plain_segment_chars := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

# Appends segments to an already rendered path.
child(base, segs) := path(segs) if {
	base == ""
} else := concat("", array.concat([base], [segment(1, seg) | some seg in segs]))

# --- Image references ---

# The repository path of an image reference, without registry host, tag or
# digest: "docker.io/jtblin/kube2iam:0.11.2" -> "jtblin/kube2iam".
image_repository(image) := strip_registry(strip_tag(strip_digest(image)))

strip_digest(image) := parts[0] if parts := split(image, "@")

# A tag is a ":" after the last "/" (a ":" before it is a registry port).
strip_tag(image) := trim_suffix(image, concat("", [":", tag])) if {
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	tag_parts := split(last, ":")
	tag := tag_parts[1]
} else := image

# The first path segment is a registry host when it has a "." or ":" or is
# "localhost" (the rule docker/distribution reference parsing uses).
strip_registry(name) := concat("/", array.slice(parts, 1, count(parts))) if {
	parts := split(name, "/")
	count(parts) > 1
	registry_host(parts[0])
} else := name

registry_host(seg) if contains(seg, ".")

registry_host(seg) if contains(seg, ":")

registry_host(seg) if seg == "localhost"

# --- Lookup indexes over the context (unique by identity, so keys never clash) ---
# Each depends on the context alone. The CLI builds them once per run
# (podauth.lib.lookups) and hands them to every shard, which then reads them
# instead of rebuilding them; without that (tests, admission engines) they are
# built here.

service_accounts := idx if idx := data.podauth.lib.objects.prebuilt.service_accounts
else := {key(namespace(sa), name(sa)): sa |
	some sa in data.podauth.lib.objects.context
	sa.kind == "ServiceAccount"
}

namespaces := idx if idx := data.podauth.lib.objects.prebuilt.namespaces
else := {name(ns): ns |
	some ns in data.podauth.lib.objects.context
	ns.kind == "Namespace"
}

secrets := idx if idx := data.podauth.lib.objects.prebuilt.secrets
else := {key(namespace(s), name(s)): s |
	some s in data.podauth.lib.objects.context
	s.kind == "Secret"
}

config_maps := idx if idx := data.podauth.lib.objects.prebuilt.config_maps
else := {key(namespace(cm), name(cm)): cm |
	some cm in data.podauth.lib.objects.context
	cm.kind == "ConfigMap"
}

# Namespaces for which at least one ServiceAccount is in the context.
namespaces_with_service_accounts := idx if idx := data.podauth.lib.objects.prebuilt.namespaces_with_service_accounts
else := {namespace(sa) |
	some sa in data.podauth.lib.objects.context
	sa.kind == "ServiceAccount"
}

# The ServiceAccount object a pod runs as, when it is in the context.
pod_service_account(pod) := data.podauth.lib.k8s.service_accounts[key(pod.namespace, pod.service_account)]

daemon_sets := idx if idx := data.podauth.lib.objects.prebuilt.daemon_sets
else := {key(namespace(ds), name(ds)): ds |
	some ds in data.podauth.lib.objects.context
	ds.kind == "DaemonSet"
}

# The API group of an apiVersion ("" for the core group).
group(api_version) := parts[0] if {
	contains(api_version, "/")
	parts := split(api_version, "/")
} else := ""

# --- Pod Identity associations, however they are declared ---

crossplane_groups := {"eks.aws.upbound.io", "eks.aws.m.upbound.io"}

# ACK's kind, and Terraform associations the CLI converts with ACK's field names.
ack_association_groups := {"eks.services.k8s.aws", "podauth.io"}

# The kinds association_entries reads: objects of any other kind declare none.
association_kinds := {"PodIdentityAssociation", "ClusterConfig"}

# Normalised associations declared by one object: the ACK and Crossplane
# PodIdentityAssociation kinds (and Terraform's, converted by the CLI), and
# eksctl ClusterConfig iam.podIdentityAssociations.
# Each entry: {namespace, service_account, role_arn, path}.
association_entries(obj) := [{
	"namespace": obj.spec.namespace,
	"service_account": obj.spec.serviceAccount,
	"role_arn": object.get(obj.spec, "roleARN", ""),
	"path": "spec",
}] if {
	obj.kind == "PodIdentityAssociation"
	ack_association_groups[group(obj.apiVersion)]
} else := [{
	"namespace": obj.spec.forProvider.namespace,
	"service_account": obj.spec.forProvider.serviceAccount,
	"role_arn": object.get(obj.spec.forProvider, "roleArn", ""),
	"path": "spec.forProvider",
}] if {
	obj.kind == "PodIdentityAssociation"
	crossplane_groups[group(obj.apiVersion)]
} else := [a |
	some i, entry in obj.iam.podIdentityAssociations
	a := {
		"namespace": object.get(entry, "namespace", ""),
		"service_account": object.get(entry, "serviceAccountName", ""),
		"role_arn": object.get(entry, "roleARN", ""),
		"path": sprintf("iam.podIdentityAssociations[%d]", [i]),
	}
] if {
	obj.kind == "ClusterConfig"
} else := []

# The association entries of each reviewed object that declares any, by ref:
# computed once for the rules that report on associations.
reviewed_associations[ref] := entries if {
	some ref, obj in data.podauth.lib.objects.review
	association_kinds[obj.kind]
	entries := association_entries(obj)
	count(entries) > 0
}

pod_identity_associations := idx if idx := data.podauth.lib.objects.prebuilt.pod_identity_associations
else := [a |
	some obj in data.podauth.lib.objects.context
	association_kinds[obj.kind]
	some a in association_entries(obj)
]

# "namespace/serviceaccount" keys that have a Pod Identity association.
pod_identity_keys := {key(a.namespace, a.service_account) | some a in data.podauth.lib.k8s.pod_identity_associations}

# True when any association source is in scope (so an absence means something).
associations_in_scope if count(pod_identity_associations) > 0

# --- IRSA ---

irsa_annotation := "eks.amazonaws.com/role-arn"

# Where findings point for that annotation, rendered once.
irsa_annotation_path := path(["metadata", "annotations", irsa_annotation])

# Role ARN of a ServiceAccount object's IRSA annotation.
irsa_role(sa) := k8s_annotation if {
	annos := annotations(sa.metadata)
	k8s_annotation := annos[irsa_annotation]
	is_string(k8s_annotation)
	k8s_annotation != ""
}

# eksctl ClusterConfig iam.serviceAccounts[] declare IRSA service accounts too.
eksctl_irsa_keys := idx if idx := data.podauth.lib.objects.prebuilt.eksctl_irsa_keys
else := {key(object.get(sa.metadata, "namespace", "default"), sa.metadata.name) |
	some obj in data.podauth.lib.objects.context
	obj.kind == "ClusterConfig"
	some sa in obj.iam.serviceAccounts
}

# "namespace/serviceaccount" keys whose ServiceAccount is bound to a role with IRSA.
irsa_keys := idx if idx := data.podauth.lib.objects.prebuilt.irsa_keys
else := {k | some k, sa in data.podauth.lib.k8s.service_accounts; irsa_role(sa)} | data.podauth.lib.k8s.eksctl_irsa_keys
