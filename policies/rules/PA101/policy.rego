# METADATA
# title: Hardcoded AWS credentials in environment variables
# description: >-
#   A container sets a literal AWS access key id, secret access key or session
#   token in `env[].value`. The credential is stored in plain text in the
#   manifest, in version control and in the API server.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
# custom:
#   id: PA101
#   name: hardcoded-aws-credentials
#   severity: critical
#   category: credentials
#   reviews: [workloads]
#   why: >-
#     Hardcoded credentials rank last in the security ranking ("Never use"). The
#     best practices say to never commit credentials to version control and to
#     avoid static credentials whenever possible: they are long-lived, need manual
#     rotation and leak easily.
#   remediation: >-
#     Revoke the key in IAM now: treat it as leaked. Give the workload its own
#     ServiceAccount bound to an IAM role with IRSA (annotation
#     eks.amazonaws.com/role-arn) or an EKS Pod Identity association, and delete
#     the AWS_* credential variables.
#   migration: >-
#     From static credentials: migrate to IRSA or EKS Pod Identity
#     (`kubectl podauth migrate`).
package podauth.rules.PA101

import data.podauth.lib.aws
import data.podauth.lib.k8s
import data.podauth.lib.result

# An access key id anywhere in a literal env value.
deny contains result.finding(e.ref, sprintf("%s.value", [e.path]), msg) if {
	some e in data.podauth.lib.k8s.env_vars
	some key_id in aws.access_key_ids(e.value)
	msg := sprintf("container %q sets env %s to a literal AWS access key id (%s)", [e.container.name, e.name, aws.mask(key_id)])
}

# A literal secret access key or session token.
deny contains result.finding(e.ref, sprintf("%s.value", [e.path]), msg) if {
	some e in data.podauth.lib.k8s.env_vars
	data.podauth.lib.aws.secret_env_names[e.name]
	aws.literal_credential(e.value)
	msg := sprintf("container %q sets %s to a literal value (%d characters, masked)", [e.container.name, e.name, count(e.value)])
}
