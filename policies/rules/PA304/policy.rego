# METADATA
# title: IRSA environment variables set by hand
# description: >-
#   A container sets AWS_ROLE_ARN or AWS_WEB_IDENTITY_TOKEN_FILE itself. The EKS
#   Pod Identity webhook leaves a container that already defines one of these
#   variables unchanged, so the hand-written value overrides the ServiceAccount's
#   role annotation (or the projected token path) and silently drifts from it.
#   Pod templates (Deployment, CronJob, ...) are never mutated by the webhook, so
#   any such entry there is hand-written. A Pod read from a live cluster already
#   carries the webhook's own entries, so on a Pod only values that differ from
#   what the webhook injects are reported: a token file other than
#   /var/run/secrets/eks.amazonaws.com/serviceaccount/token (or its Windows
#   form), and an AWS_ROLE_ARN that differs from the role annotation of the
#   pod's ServiceAccount in the context, or is set although that ServiceAccount
#   has no IRSA role. Skipped when the `cluster_type` parameter is `non-eks`,
#   where hand-written web identity settings are the normal way to use IRSA-style
#   federation without the webhook.
# scope: package
# related_resources:
#   - https://github.com/aws/amazon-eks-pod-identity-webhook
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-configuration.html
#   - https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
# custom:
#   id: PA304
#   name: irsa-env-overridden
#   severity: medium
#   category: irsa
#   reviews: [workloads]
#   looks_up: [ServiceAccount, ClusterConfig]
#   why: >-
#     IRSA's advantage is that the configuration lives in one place, the
#     ServiceAccount annotation, and the webhook wires the pod to it. A
#     hand-written AWS_ROLE_ARN or token path wins over the webhook, so changing
#     or removing the annotation no longer changes what the pod uses, and a
#     wrong path breaks the web identity provider.
#   remediation: >-
#     Remove AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE from the container's
#     env and let the webhook inject them from the ServiceAccount's
#     eks.amazonaws.com/role-arn annotation. To use another role, annotate a
#     dedicated ServiceAccount; to exclude a container from injection, list it in
#     the pod annotation eks.amazonaws.com/skip-containers.
package podauth.rules.PA304

import data.podauth.lib.aws
import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

irsa_env_names := {"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"}

webhook_token_files := {
	"/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
	`C:\var\run\secrets\eks.amazonaws.com\serviceaccount\token`,
}

on_eks if data.podauth.lib.objects.parameters.cluster_type != "non-eks"

# Pod templates: the webhook never mutates them, so every entry is hand-written.
deny contains result.finding(e.ref, e.path, msg) if {
	on_eks
	some e in data.podauth.lib.k8s.env_vars
	irsa_env_names[e.name]
	e.container.pod.object.kind != "Pod"
	msg := sprintf("%s %q container %q sets %s by hand; the EKS Pod Identity webhook leaves it alone, so it overrides %s", [
		e.container.pod.object.kind, k8s.name(e.container.pod.object), e.container.name, e.name, overrides(e.name),
	])
}

# Pods: only values the webhook would not have injected.
deny contains result.finding(e.ref, e.path, msg) if {
	on_eks
	some e in data.podauth.lib.k8s.env_vars
	e.container.pod.object.kind == "Pod"
	reason := pod_reason(e)
	msg := sprintf("Pod %q container %q sets %s by hand: %s", [k8s.name(e.container.pod.object), e.container.name, e.name, reason])
}

overrides("AWS_ROLE_ARN") := "the role annotation of the pod's ServiceAccount"

overrides("AWS_WEB_IDENTITY_TOKEN_FILE") := "the path of the token the webhook projects"

pod_reason(e) := "the value comes from valueFrom, which the webhook never writes" if {
	not is_string(e.value)
	irsa_env_names[e.name]
} else := sprintf("%q is not the token the webhook projects", [e.value]) if {
	e.name == "AWS_WEB_IDENTITY_TOKEN_FILE"
	not webhook_token_files[e.value]
} else := sprintf("it differs from the role of ServiceAccount %q (%s)", [pod.service_account, role]) if {
	e.name == "AWS_ROLE_ARN"
	pod := e.container.pod
	sa := k8s.pod_service_account(pod)
	role := k8s.irsa_role(sa)
	aws.valid_role_arn(role)
	e.value != role
} else := sprintf("ServiceAccount %q has no IRSA role, so the webhook did not inject it", [pod.service_account]) if {
	e.name == "AWS_ROLE_ARN"
	pod := e.container.pod
	sa := k8s.pod_service_account(pod)
	not k8s.irsa_role(sa)
	not data.podauth.lib.k8s.irsa_keys[k8s.key(pod.namespace, pod.service_account)]
}
