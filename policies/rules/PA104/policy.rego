# METADATA
# title: Long-lived AWS access keys in a Secret
# description: >-
#   A Secret holds long-lived AWS credentials: an access key id starting with
#   AKIA (an IAM user key; ASIA keys are temporary), an entry named like a secret
#   access key (AWS_SECRET_ACCESS_KEY, aws_secret_access_key, secret-access-key,
#   secretAccessKey), or an AWS credentials file with an aws_secret_access_key
#   line. Secrets that also carry a session token and no AKIA key (STS output)
#   are temporary and not reported. When the Secret is owned by an ExternalSecret
#   (ownerReference) or is the target of one in the context (spec.target.name,
#   defaulting to the ExternalSecret's name), the credentials are managed static
#   credentials and the finding is reported as low instead of medium. Live
#   Secrets are judged from their redaction class.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
#   - https://external-secrets.io/latest/provider/aws-secrets-manager/
# custom:
#   id: PA104
#   name: long-lived-aws-keys-in-secret
#   severity: medium
#   category: credentials
#   reviews: [Secret]
#   looks_up: [ExternalSecret]
#   why: >-
#     Static IAM credentials are long-lived, have no automatic expiry, need manual
#     rotation and risk leakage; they rank fifth of six in the security ranking.
#     Synced by External Secrets Operator they become "managed static credentials"
#     (rank 3): centrally managed and rotatable, but still static.
#   remediation: >-
#     Move the workloads that read this Secret to IRSA or EKS Pod Identity and
#     delete the Secret and the IAM user's access key. If static keys are
#     unavoidable (non-EKS clusters, external accounts), store them in AWS
#     Secrets Manager, sync them with External Secrets Operator running on IRSA
#     or Pod Identity, and rotate them regularly.
#   migration: >-
#     From static credentials: migrate to IRSA or EKS Pod Identity
#     (`kubectl podauth migrate`).
package podauth.rules.PA104

import data.podauth.lib.aws
import data.podauth.lib.credentials
import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

deny contains severity_for(secret, result.finding(ref, e.path, msg)) if {
	some ref, entries in data.podauth.lib.credentials.review_entries
	secret := data.podauth.lib.objects.review[ref]
	secret.kind == "Secret"
	temp := temporary(entries)
	some e in entries
	what := long_lived(e, temp)
	msg := sprintf("Secret %q holds %s in %s%s", [k8s.name(secret), what, e.path, managed(secret)])
}

# What long-lived material an entry holds; undefined when none. `temp` is true
# when the Secret carries a session token and no AKIA key (STS output).
long_lived(e, temp) := sprintf("a long-lived AWS access key id (%s)", [aws.mask(akia[0])]) if {
	akia := sort([k | some k in aws.access_key_ids(e.text); startswith(k, "AKIA")])
	count(akia) > 0
} else := "an AWS credentials file with aws_secret_access_key" if {
	e.class == "aws-credentials-file"
	not temporary_file(e.text)
} else := "an AWS access key id (redacted)" if {
	e.text == null
	e.class == "aws-access-key-id"
	temp == false
} else := "an AWS secret access key (masked)" if {
	e.class == "aws-secret-access-key"
	temp == false
}

session_token_names := {"awssessiontoken", "sessiontoken"}

temporary(entries) := true if {
	some e in entries
	session_token_names[aws.normalized_name(e.key)]
	not holds_akia(entries)
} else := false

holds_akia(entries) if {
	some e in entries
	akia_in(e.text)
}

# A credentials file of temporary keys: a session token and no AKIA key id.
temporary_file(text) if {
	is_string(text)
	regex.match(`(?m)^[ \t]*aws_session_token[ \t]*=`, lower(text))
	not akia_in(text)
}

akia_in(text) if {
	some k in aws.access_key_ids(text)
	startswith(k, "AKIA")
}

# --- ExternalSecret ownership (podauth.lib.facts.eso_targets) ---

low_note := "; managed static credentials synced by External Secrets Operator"

# Managed static credentials rank 3 in the seed's ranking: low, not medium.
severity_for(secret, f) := object.union(f, {"severity": "low"}) if {
	managed(secret) != ""
} else := f

managed(secret) := sprintf(" (owned by ExternalSecret %q%s)", [owners[0], low_note]) if {
	owners := sort([o.name | some o in secret.metadata.ownerReferences; o.kind == "ExternalSecret"])
	count(owners) > 0
} else := sprintf(" (the target of an ExternalSecret%s)", [low_note]) if {
	data.podauth.lib.facts.eso_targets[k8s.key(k8s.namespace(secret), k8s.name(secret))]
} else := ""
