# METADATA
# title: Namespace without an enforced Pod Security Standard
# description: >-
#   A Namespace under review runs workloads (at least one reviewed Pod or pod
#   template is in it) but has no `pod-security.kubernetes.io/enforce` label of
#   `baseline` or `restricted`: the label is missing, `privileged`, or another
#   value. Namespaces without workloads in the review set are not reported, so
#   an admission review of a Namespace alone never fires. kube-system is
#   reported like any other namespace (low severity).
# scope: package
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/pod-security-admission/
#   - https://kubernetes.io/docs/concepts/security/pod-security-standards/
#   - https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html
# custom:
#   id: PA801
#   name: namespace-without-pod-security
#   severity: low
#   category: pod-security
#   reviews: [Namespace, workloads]
#   why: >-
#     The source document asks production clusters to implement pod security
#     policies that prevent credential access. Without the baseline standard any
#     pod in the namespace may run privileged, use the host network or mount
#     host paths, and so read the node role, other pods' tokens and credentials
#     files, whatever IRSA or Pod Identity gives each pod.
#   remediation: >-
#     Label the namespace pod-security.kubernetes.io/enforce=baseline (or
#     restricted), after checking with the warn and audit labels or
#     `kubectl label --dry-run=server` which pods would be rejected.
package podauth.rules.PA801

import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

label := "pod-security.kubernetes.io/enforce"

enforced_levels := {"baseline", "restricted"}

# Namespaces of the reviewed pods and pod templates.
workload_namespaces contains pod.namespace if some pod in data.podauth.lib.k8s.pods

deny contains result.finding(ref, path, msg) if {
	some ref, ns in data.podauth.lib.objects.review
	ns.kind == "Namespace"
	name := k8s.name(ns)
	workload_namespaces[name]
	labels := k8s.labels(ns.metadata)
	not enforced_levels[labels[label]]
	path := label_path(labels)
	msg := sprintf("Namespace %q runs workloads but %s", [name, problem(labels)])
}

label_path(labels) := k8s.path(["metadata", "labels", label]) if {
	labels[label]
} else := "metadata.labels"

problem(labels) := sprintf("enforces Pod Security level %q instead of baseline or restricted", [labels[label]]) if {
	labels[label]
} else := sprintf("has no %s label (baseline or restricted)", [label])
