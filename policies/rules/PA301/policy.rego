# METADATA
# title: Invalid IRSA role ARN
# description: >-
#   A ServiceAccount's `eks.amazonaws.com/role-arn` annotation is not an IAM role
#   ARN. The EKS Pod Identity webhook only logs a warning for such a value and
#   injects it anyway (a bare role name is expanded only when the webhook runs
#   with --compose-role-arn), so STS rejects AssumeRoleWithWebIdentity and the
#   pod's AWS calls fail at run time instead of at deploy time.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
#   - https://github.com/aws/amazon-eks-pod-identity-webhook
# custom:
#   id: PA301
#   name: invalid-irsa-role-arn
#   severity: high
#   category: irsa
#   reviews: [ServiceAccount]
#   why: >-
#     IRSA is the standard, most secure choice for EKS workloads (rank 1), but
#     only when the ServiceAccount names a real role: a malformed ARN is
#     accepted silently at deploy time and breaks the workload's credentials
#     later, which tempts teams back to static keys or the node role.
#   remediation: >-
#     Set the annotation to the full role ARN,
#     arn:aws:iam::<12-digit account>:role/<role name> (arn:aws-cn or
#     arn:aws-us-gov in other partitions), then restart the pods.
package podauth.rules.PA301

import data.podauth.lib.aws
import data.podauth.lib.k8s
import data.podauth.lib.result

annotation := "eks.amazonaws.com/role-arn"

deny contains result.finding(ref, k8s.path(["metadata", "annotations", annotation]), msg) if {
	some ref, sa in data.podauth.lib.objects.review
	sa.kind == "ServiceAccount"
	annos := k8s.annotations(sa.metadata)
	value := annos[annotation]
	not aws.valid_role_arn(value)
	msg := sprintf("ServiceAccount %q has an invalid %s: %s", [k8s.name(sa), annotation, describe(value)])
}

describe(v) := sprintf("%q is not arn:aws:iam::<account>:role/<name>", [v]) if is_string(v)
else := sprintf("the value must be a string, got %s", [type_name(v)])
