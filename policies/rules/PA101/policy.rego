# METADATA
# title: Hardcoded AWS credentials in environment variables
# description: >-
#   A container sets a literal AWS access key id, secret access key or session
#   token in `env[].value`, or passes one on its command line (`command` or
#   `args`): an access key id anywhere, or a secret after a variable or flag
#   that names one (`--aws-secret-access-key=...`, `--aws-secret-access-key
#   ...`, `AWS_SECRET_ACCESS_KEY=... cmd`). The credential is stored in plain
#   text in the manifest, in version control and in the API server.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
# custom:
#   id: PA101
#   name: hardcoded-aws-credentials
#   severity: critical
#   category: credentials
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
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
import data.podauth.lib.result

deny contains result.finding(x.ref, x.path, message(x)) if {
	some x in data.podauth.lib.facts.literal_credentials
}

message(x) := sprintf("container %q sets env %s to a literal AWS access key id (%s)", [x.container, x.name, aws.mask(x.key_id)]) if {
	x.where == "env"
	x.key_id
} else := sprintf("container %q sets %s to a literal value (%d characters, masked)", [x.container, x.name, x.length]) if {
	x.where == "env"
} else := sprintf("container %q passes a literal AWS access key id in %s (%s)", [x.container, x.where, aws.mask(x.key_id)]) if {
	x.key_id
} else := sprintf("container %q passes %s a literal value in %s (%d characters, masked)", [x.container, x.name, x.where, x.length])
