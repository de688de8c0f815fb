# METADATA
# title: Legacy kube2iam/KIAM role annotation
# description: >-
#   A pod or pod template carries `iam.amazonaws.com/role`, the annotation
#   kube2iam and KIAM use to hand a role to a pod by intercepting the instance
#   metadata service.
# scope: package
# related_resources:
#   - https://github.com/jtblin/kube2iam
#   - https://github.com/uswitch/kiam
#   - https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
# custom:
#   id: PA501
#   name: legacy-iam-annotation
#   severity: high
#   category: legacy
#   reviews: [workloads]
#   why: >-
#     kube2iam and KIAM are legacy solutions: KIAM is archived and unmaintained,
#     kube2iam is no longer recommended by AWS, and both rely on privileged
#     DaemonSets that rewrite iptables. Both are superseded by IRSA and EKS Pod
#     Identity. Do not use them for new deployments.
#   remediation: >-
#     Create a ServiceAccount for the workload, bind the same role to it with
#     IRSA (eks.amazonaws.com/role-arn plus an OIDC trust policy) or an EKS Pod
#     Identity association, set serviceAccountName, and remove the
#     iam.amazonaws.com/role annotation.
#   migration: >-
#     From kube2iam/KIAM: migrate to IRSA or EKS Pod Identity
#     (`kubectl podauth migrate --to irsa|pod-identity`).
package podauth.rules.PA501

import data.podauth.lib.k8s
import data.podauth.lib.result

annotation := "iam.amazonaws.com/role"

deny contains result.finding(pod.ref, k8s.child(pod.metadata_path, ["annotations", annotation]), msg) if {
	some pod in data.podauth.lib.k8s.pods
	annos := k8s.annotations(pod.metadata)
	role := annos[annotation]
	msg := sprintf("%s %q uses the kube2iam/KIAM annotation %s=%v; migrate to IRSA or EKS Pod Identity", [pod.object.kind, k8s.name(pod.object), annotation, role])
}
