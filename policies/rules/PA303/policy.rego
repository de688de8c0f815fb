# METADATA
# title: Invalid IRSA token expiration
# description: >-
#   The `eks.amazonaws.com/token-expiration` annotation on a ServiceAccount, or
#   on a pod or pod template, is not a whole number of seconds, is below 600 or
#   is above 86400. The EKS Pod Identity webhook parses it with Go's
#   strconv.ParseInt: a value with units ("1h", "3600s") or a fraction is
#   ignored with a log line and the default (86400) is used; a value below 600
#   is silently raised to 600; a value above 86400 exceeds the 24-hour maximum
#   EKS allows for the projected token, which the webhook does not check. A
#   number written without quotes is not a valid annotation (annotation values
#   are strings) and is reported too.
# scope: package
# related_resources:
#   - https://github.com/aws/amazon-eks-pod-identity-webhook
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-configuration.html
#   - https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken
# custom:
#   id: PA303
#   name: invalid-irsa-token-expiration
#   severity: low
#   category: irsa
#   kinds: [ServiceAccount, Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   why: >-
#     IRSA's security rests on short-lived credentials with automatic rotation.
#     A token lifetime the webhook ignores or silently changes means the
#     projected token does not live as long as the manifest says, so the
#     intended rotation window is not the one in effect.
#   remediation: >-
#     Set the annotation to a quoted whole number of seconds between 600 and
#     86400, e.g. eks.amazonaws.com/token-expiration: "3600", or remove it to
#     use the default of 86400. Restart the pods for the change to apply.
package podauth.rules.PA303

import data.podauth.lib.aws
import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

annotation := "eks.amazonaws.com/token-expiration"

min_seconds := 600

max_seconds := 86400

deny contains result.finding(ref, k8s.path(["metadata", "annotations", annotation]), msg) if {
	some ref, sa in data.podauth.lib.objects.review
	sa.kind == "ServiceAccount"
	annos := k8s.annotations(sa.metadata)
	value := annos[annotation]
	problem := problem_with(value)
	msg := sprintf("ServiceAccount %q has %s=%s", [k8s.name(sa), annotation, problem])
}

deny contains result.finding(pod.ref, k8s.child(pod.metadata_path, ["annotations", annotation]), msg) if {
	some pod in data.podauth.lib.k8s.pods
	annos := k8s.annotations(pod.metadata)
	value := annos[annotation]
	problem := problem_with(value)
	msg := sprintf("%s %q has the pod annotation %s=%s", [pod.object.kind, k8s.name(pod.object), annotation, problem])
}

# Go's strconv.ParseInt(s, 10, 64) syntax: optional sign, decimal digits.
integer_pattern := `^[+-]?[0-9]+$`

problem_with(v) := sprintf("%v, which is not a string; annotation values must be quoted, e.g. \"3600\"", [v]) if {
	not is_string(v)
} else := sprintf("%s, which is not a whole number of seconds; the webhook ignores it and uses the default of 86400", [aws.quote_value(v)]) if {
	not regex.match(integer_pattern, v)
} else := sprintf("%s, which is below the minimum of %d seconds; the webhook silently raises it to %d", [aws.quote_value(v), min_seconds, min_seconds]) if {
	seconds(v) < min_seconds
} else := sprintf("%s, which is above the maximum of %d seconds (24 hours) for EKS service account tokens", [aws.quote_value(v), max_seconds]) if {
	seconds(v) > max_seconds
}

# The value of an integer string: leading zeros and "+" stripped (to_number
# rejects them).
seconds(v) := -1 * magnitude(substring(v, 1, -1)) if {
	startswith(v, "-")
} else := magnitude(trim_prefix(v, "+"))

magnitude(digits) := 0 if {
	trim_left(digits, "0") == ""
} else := to_number(trim_left(digits, "0"))
