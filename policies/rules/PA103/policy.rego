# METADATA
# title: Static AWS credentials from a Secret
# description: >-
#   A container gets long-lived AWS keys from a Kubernetes Secret: an
#   AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY env var through
#   `valueFrom.secretKeyRef`; `envFrom` a Secret that (in the context) has an
#   AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY key (after the envFrom prefix); a
#   mounted Secret (volume or projected source, honouring `items` and
#   `subPath`) that holds an AWS credentials file; or AWS_SHARED_CREDENTIALS_FILE
#   pointing into a mounted Secret that is not in the context (the variable says
#   what the file is). envFrom and mounted-file checks need the Secret in the
#   context and never fire without it. Redacted live Secrets are read by key name
#   and redaction class.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/sdkref/latest/guide/feature-static-credentials.html
#   - https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
# custom:
#   id: PA103
#   name: static-aws-credentials-from-secret
#   severity: high
#   category: credentials
#   reviews: [workloads]
#   looks_up: [Secret]
#   why: >-
#     Static IAM credentials rank fifth of six in the security ranking: IAM user
#     access keys are long-lived, never expire on their own, need operationally
#     intensive manual rotation and risk leakage. The source document keeps them
#     for development, non-EKS clusters and as a last resort.
#   remediation: >-
#     Give the workload its own ServiceAccount bound to an IAM role with IRSA or
#     an EKS Pod Identity association, remove the AWS key variables, envFrom and
#     credentials-file mount, then deactivate and delete the IAM user's access
#     key. Where static keys must stay (non-EKS), sync them from AWS Secrets
#     Manager with External Secrets Operator and rotate them regularly.
#   migration: >-
#     From static credentials: migrate to IRSA or EKS Pod Identity
#     (`kubectl podauth migrate`).
package podauth.rules.PA103

import data.podauth.lib.credentials
import data.podauth.lib.k8s
import data.podauth.lib.result

key_env_names := {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}

# env[].valueFrom.secretKeyRef for an access key variable.
deny contains result.finding(e.ref, sprintf("%s.valueFrom.secretKeyRef", [e.path]), msg) if {
	some e in data.podauth.lib.k8s.env_vars
	key_env_names[e.name]
	ref := e.entry.valueFrom.secretKeyRef
	is_object(ref)
	msg := sprintf("%s: container %q reads %s from Secret %q (key %q), a static AWS access key", [
		describe(e.container.pod), e.container.name, e.name,
		object.get(ref, "name", ""), object.get(ref, "key", ""),
	])
}

# envFrom a Secret whose keys become the access key variables.
deny contains result.finding(c.ref, sprintf("%s.envFrom[%d].secretRef", [c.path, i]), msg) if {
	some c in data.podauth.lib.k8s.containers
	some i, source in object.get(c.container, "envFrom", [])
	name := source.secretRef.name
	secret := data.podauth.lib.k8s.secrets[k8s.key(c.pod.namespace, name)]
	prefix := env_prefix(source)
	vars := sort({v |
		some e in credentials.entries(secret)
		v := concat("", [prefix, e.key])
		key_env_names[v]
	})
	count(vars) > 0
	msg := sprintf("%s: container %q imports %s from Secret %q with envFrom, static AWS access keys", [
		describe(c.pod), c.name, concat(" and ", vars), name,
	])
}

# A mounted Secret (in the context) that holds an AWS credentials file.
deny contains result.finding(c.ref, sprintf("%s.volumeMounts[%d]", [c.path, j]), msg) if {
	some c in data.podauth.lib.k8s.containers
	some j, mount in object.get(c.container, "volumeMounts", [])
	some source in secret_sources(c.pod)
	source.volume == mount.name
	secret := data.podauth.lib.k8s.secrets[k8s.key(c.pod.namespace, source.secret)]
	files := sort({location |
		some e in credentials.entries(secret)
		e.class == "aws-credentials-file"
		some file in projected_files(source, e.key)
		location := mounted_location(mount, file)
	})
	count(files) > 0
	msg := sprintf("%s: container %q mounts Secret %q holding an AWS credentials file at %s%s", [
		describe(c.pod), c.name, source.secret, concat(", ", files), via_env(c, files),
	])
}

# AWS_SHARED_CREDENTIALS_FILE pointing into a mounted Secret the context lacks.
deny contains result.finding(e.ref, sprintf("%s.value", [e.path]), msg) if {
	some e in data.podauth.lib.k8s.env_vars
	e.name == "AWS_SHARED_CREDENTIALS_FILE"
	is_string(e.value)
	some mount in object.get(e.container.container, "volumeMounts", [])
	under(e.value, mount.mountPath)
	some source in secret_sources(e.container.pod)
	source.volume == mount.name
	not data.podauth.lib.k8s.secrets[k8s.key(e.container.pod.namespace, source.secret)]
	msg := sprintf("%s: container %q reads its AWS credentials file %s from Secret %q", [
		describe(e.container.pod), e.container.name, e.value, source.secret,
	])
}

describe(pod) := sprintf("%s %q", [pod.object.kind, k8s.name(pod.object)])

env_prefix(source) := source.prefix if is_string(source.prefix)
else := ""

# Secret-backed volumes of a pod: plain secret volumes and projected sources.
secret_sources(pod) := array.concat(
	[{"volume": v.name, "secret": v.secret.secretName, "items": object.get(v.secret, "items", null)} |
		some v in object.get(pod.spec, "volumes", [])
		is_string(v.secret.secretName)
	],
	[{"volume": v.name, "secret": s.secret.name, "items": object.get(s.secret, "items", null)} |
		some v in object.get(pod.spec, "volumes", [])
		some s in v.projected.sources
		is_string(s.secret.name)
	],
)

# The file paths (inside the volume) under which a Secret key appears.
projected_files(source, key) := {item.path |
	some item in source.items
	item.key == key
	is_string(item.path)
} if {
	is_array(source.items)
} else := {key}

# Where a file of the volume appears in the container, honouring subPath.
mounted_location(mount, file) := join_path(mount.mountPath, file) if {
	sub_path(mount) == ""
} else := mount.mountPath if {
	sub_path(mount) == file
} else := join_path(mount.mountPath, substring(file, count(sub_path(mount)) + 1, -1)) if {
	startswith(file, concat("", [sub_path(mount), "/"]))
}

sub_path(mount) := trim(mount.subPath, "/") if is_string(mount.subPath)
else := ""

join_path(dir, file) := concat("/", [trim_right(dir, "/"), file])

under(p, dir) if p == dir

under(p, dir) if startswith(p, concat("", [trim_right(dir, "/"), "/"]))

# Notes how the SDK finds the file: AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials.
via_env(c, files) := sprintf(" (AWS_SHARED_CREDENTIALS_FILE=%s)", [value]) if {
	some entry in object.get(c.container, "env", [])
	entry.name == "AWS_SHARED_CREDENTIALS_FILE"
	value := entry.value
	value in files
} else := " (the default ~/.aws/credentials)" if {
	some f in files
	endswith(f, "/.aws/credentials")
} else := ""
