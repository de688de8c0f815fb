# METADATA
# title: AWS credentials in a ConfigMap
# description: >-
#   A ConfigMap holds AWS credential material: an access key id anywhere in a
#   value, an AWS credentials file (an `aws_secret_access_key = ...` line), or a
#   non-empty entry named like a secret access key (AWS_SECRET_ACCESS_KEY,
#   aws_secret_access_key, secret-access-key, secretAccessKey). `data` and
#   `binaryData` are both read. Documentation keys ending in EXAMPLE and
#   `$(VAR)` references are ignored. One finding per offending entry.
# scope: package
# related_resources:
#   - https://kubernetes.io/docs/concepts/configuration/configmap/
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
# custom:
#   id: PA102
#   name: aws-credentials-in-configmap
#   severity: critical
#   category: credentials
#   reviews: [ConfigMap]
#   why: >-
#     ConfigMaps are not meant for secrets: they are readable by anyone who can
#     read configuration in the namespace, shown in plain text by kubectl and
#     usually committed to version control. Static credentials are long-lived,
#     need manual rotation and leak easily; committing them is the "Never use"
#     end of the security ranking.
#   remediation: >-
#     Revoke the key in IAM now: treat it as leaked. Remove the entry from the
#     ConfigMap and give the workload its own ServiceAccount bound to an IAM role
#     with IRSA or EKS Pod Identity. If static credentials are unavoidable, keep
#     them in AWS Secrets Manager and sync them with External Secrets Operator or
#     mount them with ASCP.
#   migration: >-
#     From static credentials: migrate to IRSA or EKS Pod Identity
#     (`kubectl podauth migrate`).
package podauth.rules.PA102

import data.podauth.lib.aws
import data.podauth.lib.credentials
import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

deny contains result.finding(ref, e.path, msg) if {
	some ref, es in data.podauth.lib.credentials.review_entries
	cm := data.podauth.lib.objects.review[ref]
	cm.kind == "ConfigMap"
	some e in es
	what := problem(e)
	msg := sprintf("ConfigMap %q holds %s in %s", [k8s.name(cm), what, e.path])
}

# What the entry holds, most specific first; never the value itself.
problem(e) := "an AWS credentials file (aws_secret_access_key)" if {
	e.class == "aws-credentials-file"
} else := sprintf("an AWS access key id (%s)", [aws.mask(key_ids[0])]) if {
	key_ids := sort(aws.access_key_ids(e.text))
	count(key_ids) > 0
} else := sprintf("an AWS secret access key (%d characters, masked)", [count(e.text)]) if {
	e.class == "aws-secret-access-key"
}
