# METADATA
# title: Suppression without a reason
# description: >-
#   An object carries `podauth.io/ignore` (rule ids to suppress) but no
#   non-empty `podauth.io/ignore-reason`. The suppression still applies, and
#   this finding records that nobody wrote down why.
# scope: package
# related_resources:
#   - https://github.com/podauth/kubectl-podauth/blob/main/docs/configuration.md
# custom:
#   id: PA901
#   name: suppression-without-reason
#   severity: low
#   category: governance
#   reviews: [workloads, ServiceAccount, Namespace, Secret, ConfigMap, SecretStore, ClusterSecretStore, ExternalSecret, SecretProviderClass, PodIdentityAssociation, EC2NodeClass]
#   why: >-
#     The best practices call for regular audits of IAM role assignments. An
#     exception nobody can explain cannot be audited, and outlives the reason
#     it was made for.
#   remediation: >-
#     Add a podauth.io/ignore-reason annotation saying why the rules do not
#     apply (and, ideally, when the exception should be revisited), or remove
#     podauth.io/ignore and fix the findings.
package podauth.rules.PA901

import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

ignore := "podauth.io/ignore"

reason := "podauth.io/ignore-reason"

deny contains result.finding(ref, k8s.path(["metadata", "annotations", ignore]), msg) if {
	some ref, obj in data.podauth.lib.objects.review
	annotations := k8s.annotations(obj.metadata)
	annotations[ignore]
	not has_reason(annotations)
	msg := sprintf("%s %q suppresses %v with podauth.io/ignore but gives no podauth.io/ignore-reason", [obj.kind, k8s.name(obj), annotations[ignore]])
}

has_reason(annotations) if {
	is_string(annotations[reason])
	trim_space(annotations[reason]) != ""
}
