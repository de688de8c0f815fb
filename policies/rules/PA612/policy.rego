# METADATA
# title: ASCP-synced Secret consumed as environment variables
# description: >-
#   A container reads, through `env[].valueFrom.secretKeyRef` or
#   `envFrom[].secretRef`, a Kubernetes Secret that an `aws`
#   SecretProviderClass in the same namespace creates with `secretObjects`. The
#   secret leaves ASCP's file-only delivery: it is copied into an etcd Secret and
#   frozen into the process environment at container start. Reported only when
#   the class is in the context; Secrets with the same name that no aws class
#   syncs are ignored.
# scope: package
# related_resources:
#   - https://github.com/aws/secrets-store-csi-driver-provider-aws
#   - https://secrets-store-csi-driver.sigs.k8s.io/topics/sync-as-kubernetes-secret.html
#   - https://secrets-store-csi-driver.sigs.k8s.io/topics/set-as-env-var.html
# custom:
#   id: PA612
#   name: ascp-secret-synced-to-env
#   severity: low
#   category: secrets
#   reviews: [workloads]
#   looks_up: [SecretProviderClass]
#   why: >-
#     ASCP's security advantage is that secrets are mounted as files and not
#     exposed as environment variables. Environment variables are visible to
#     every process in the container, leak through crash dumps and debug
#     endpoints, and never pick up a rotated value without a pod restart, while
#     the synced Secret also stores the value in the cluster.
#   remediation: >-
#     Read the secret from the mounted file (the CSI volume's mountPath) instead
#     of an environment variable, and remove the secretObjects entry if nothing
#     else needs the Kubernetes Secret. If a third-party image only takes env
#     vars, keep the sync but document the exception.
package podauth.rules.PA612

import data.podauth.lib.k8s
import data.podauth.lib.result
import data.podauth.lib.secrets

deny contains result.finding(e.ref, sprintf("%s.valueFrom.secretKeyRef.name", [e.path]), msg) if {
	some e in data.podauth.lib.k8s.env_vars
	name := e.entry.valueFrom.secretKeyRef.name
	is_string(name)
	k := k8s.key(e.container.pod.namespace, name)
	classes := data.podauth.lib.secrets.synced_secret_classes[k]
	msg := sprintf("container %s of %s %q reads env %s from Secret %q, which SecretProviderClass %s syncs; mount the secret as a file instead", [secrets.quote(e.container.name), e.container.pod.object.kind, k8s.name(e.container.pod.object), e.name, name, quote_all(classes)])
}

deny contains result.finding(c.ref, sprintf("%s.envFrom[%d].secretRef.name", [c.path, i]), msg) if {
	some c in data.podauth.lib.k8s.containers
	some i, source in object.get(c.container, "envFrom", [])
	name := source.secretRef.name
	is_string(name)
	k := k8s.key(c.pod.namespace, name)
	classes := data.podauth.lib.secrets.synced_secret_classes[k]
	msg := sprintf("container %s of %s %q loads every key of Secret %q as env vars, which SecretProviderClass %s syncs; mount the secret as a file instead", [secrets.quote(c.name), c.pod.object.kind, k8s.name(c.pod.object), name, quote_all(classes)])
}

quote_all(names) := concat(", ", [sprintf("%q", [n]) | some n in names])
