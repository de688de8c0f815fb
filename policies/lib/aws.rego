# METADATA
# title: AWS credential helpers
# description: >-
#   Recognises AWS credential material and masks it. A credential value never
#   leaves this package unmasked: findings quote `mask(value)` only.
# scope: package
package podauth.lib.aws

# Access key ids as gitleaks and trufflehog define them; word-bounded so a key
# embedded in a URL or connection string is still found.
access_key_id_pattern := `(?:^|[^A-Z0-9])((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})(?:[^A-Z0-9]|$)`

maybe_key_id(s) if {
	some prefix in ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"]
	contains(s, prefix)
}

# Documentation keys such as AKIAIOSFODNN7EXAMPLE (gitleaks allowlist `.+EXAMPLE$`).
documentation_key(k) if endswith(k, "EXAMPLE")

# The non-documentation access key ids inside a string. The substring test
# first keeps the regex off the vast majority of values.
access_key_ids(s) := {k |
	is_string(s)
	count(s) >= 20
	maybe_key_id(s)
	some m in regex.find_all_string_submatch_n(access_key_id_pattern, s, -1)
	k := m[1]
	not documentation_key(k)
}

contains_access_key_id(s) if count(access_key_ids(s)) > 0

# Environment variables the SDKs read as static credentials.
static_key_env_names := {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}

secret_env_names := {"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}

# `$(VAR)` is Kubernetes dependent-variable expansion, not a literal credential.
only_var_references(s) if regex.match(`^(\$\([A-Za-z_][A-Za-z0-9_]*\))+$`, s)

# A literal credential: a non-empty string that is not only $(VAR) references.
literal_credential(s) if {
	is_string(s)
	trim_space(s) != ""
	not only_var_references(s)
}

# AKIAIOSFODNN7EXAMPLE -> AKIA************MPLE. Short values are fully masked.
mask(s) := concat("", [substring(s, 0, 4), stars(count(s) - 8), substring(s, count(s) - 4, 4)]) if {
	count(s) > 12
} else := stars(count(s))

stars(n) := concat("", ["*" | some _ in numbers.range(1, n)]) if n > 0
else := ""

# Credentials-file and config-file material, as the AWS SDKs parse it.
# Written without \s, \S or (?i): regorus's regex build (and the Wasm module's)
# has no Unicode Perl classes, so those patterns fail to compile there.
credentials_file_pattern := `(?m)^[ \t]*aws_secret_access_key[ \t]*=[ \t]*[^ \t\r\n]`

holds_credentials_file(s) if {
	is_string(s)
	regex.match(credentials_file_pattern, lower(s))
}

# Role ARN grammar checked by the EKS Pod Identity webhook, written with explicit
# ASCII classes so Go (RE2) and Rust regex agree.
role_arn_pattern := `^arn:aws[a-z0-9-]*:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]+$`

valid_role_arn(s) if {
	is_string(s)
	regex.match(role_arn_pattern, s)
}

# The 12-digit account of a role ARN.
arn_account(arn) := parts[4] if {
	parts := split(arn, ":")
	count(parts) >= 6
}
