# METADATA
# title: Legacy kube2iam/KIAM namespace role restriction
# description: >-
#   A Namespace carries `iam.amazonaws.com/allowed-roles` (kube2iam's list of
#   roles pods in the namespace may assume, enforced with
#   `--namespace-restrictions`) or `iam.amazonaws.com/permitted` (KIAM's regex of
#   permitted roles, required for any KIAM role). Either annotation means the
#   namespace still hands out roles through a metadata-interception proxy. Only
#   these two exact annotation keys are matched.
# scope: package
# related_resources:
#   - https://github.com/jtblin/kube2iam#namespace-restrictions
#   - https://github.com/uswitch/kiam/blob/master/docs/IAM.md
#   - https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
# custom:
#   id: PA502
#   name: legacy-namespace-iam-annotation
#   severity: medium
#   category: legacy
#   kinds: [Namespace]
#   why: >-
#     kube2iam and KIAM are legacy solutions: KIAM is archived and no longer
#     maintained, kube2iam is no longer recommended by AWS, and both depend on
#     privileged DaemonSets that rewrite iptables to intercept the metadata
#     service. Both are superseded by IRSA and EKS Pod Identity; do not use them
#     for new deployments.
#   remediation: >-
#     Move the namespace's workloads to IRSA (ServiceAccount annotation
#     eks.amazonaws.com/role-arn) or EKS Pod Identity associations. Express the
#     per-namespace restriction in the IAM trust policy instead (the
#     system:serviceaccount:<namespace>:<name> subject for IRSA, the
#     kubernetes-namespace session tag for Pod Identity), then remove the
#     annotation once no pod uses iam.amazonaws.com/role.
#   migration: >-
#     From kube2iam/KIAM: migrate to IRSA or EKS Pod Identity
#     (`kubectl podauth migrate --to irsa|pod-identity`).
package podauth.rules.PA502

import data.podauth.lib.aws
import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

# Annotation key -> the tool that reads it.
legacy_annotations := {
	"iam.amazonaws.com/allowed-roles": "kube2iam",
	"iam.amazonaws.com/permitted": "KIAM",
}

deny contains result.finding(ref, k8s.path(["metadata", "annotations", annotation]), msg) if {
	some ref, ns in data.podauth.lib.objects.review
	ns.kind == "Namespace"
	some annotation, value in k8s.annotations(ns.metadata)
	tool := legacy_annotations[annotation]
	msg := sprintf("Namespace %q restricts %s roles with %s=%s; replace it with IRSA or EKS Pod Identity and scope roles in the IAM trust policy", [k8s.name(ns), tool, annotation, aws.quote_value(value)])
}
