# METADATA
# title: AWS credential helpers
# description: >-
#   Recognises AWS credential material and masks it. A credential value never
#   leaves this package unmasked: findings quote `mask(value)` only.
# scope: package
package podauth.lib.aws

# Access key ids as gitleaks and trufflehog define them (cli/src/credentials.rs
# is the Rust side; tests/e2e/credential_parity.rs keeps the two equal).
access_key_id_pattern := `(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}`

maybe_key_id(s) if {
	some prefix in ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"]
	contains(s, prefix)
}

# Documentation keys such as AKIAIOSFODNN7EXAMPLE (gitleaks allowlist `.+EXAMPLE$`).
documentation_key(k) if endswith(k, "EXAMPLE")

# The non-documentation access key ids inside a string: every maximal run of
# [A-Z0-9] that is exactly a key id (word-bounded, so a key embedded in a URL
# or connection string is still found, and two keys one character apart are
# both found).
# The substring test first keeps the regex off the vast majority of values.
access_key_ids(s) := {k |
	is_string(s)
	count(s) >= 20
	maybe_key_id(s)
	some k in regex.find_n(`[A-Z0-9]{20,}`, s, -1)
	regex.match(concat("", ["^", access_key_id_pattern, "$"]), k)
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

# The key of a credentials file's secret, and the names of settings that hold a
# secret access key: AWS_SECRET_ACCESS_KEY, aws_secret_access_key,
# secret-access-key, secretAccessKey, AWS_SECRET_KEY (the Java SDK v1 alias),
# compared after lower-casing and dropping `-` and `_`. Session tokens are
# secrets too when a command line sets one.
credentials_file_key := "aws_secret_access_key"

secret_key_names := {"awssecretaccesskey", "secretaccesskey", "awssecretkey"}

normalized_name(k) := replace(replace(lower(k), "-", ""), "_", "")

secret_key_name(k) if {
	is_string(k)
	data.podauth.lib.aws.secret_key_names[normalized_name(k)]
}

secret_setting_name(k) if secret_key_name(k)

secret_setting_name(k) if normalized_name(k) == "awssessiontoken"

# A credentials file, as the SDKs parse it: a line
# `^[ \t]*aws_secret_access_key[ \t]*=[ \t]*[^ \t\r\n]` (multi-line, after
# lower-casing), tested without a regex (regorus compiles one on every call),
# behind a substring test that keeps ordinary values out.
holds_credentials_file(s) if {
	is_string(s)
	ls := lower(s)
	contains(ls, data.podauth.lib.aws.credentials_file_key)
	some line in split(ls, "\n")
	credentials_line(line)
}

credentials_line(line) if {
	l := trim_left(line, " \t")
	startswith(l, data.podauth.lib.aws.credentials_file_key)
	after_key := trim_left(substring(l, count(data.podauth.lib.aws.credentials_file_key), -1), " \t")
	startswith(after_key, "=")
	value := trim_left(substring(after_key, 1, -1), " \t")
	value != ""
	not startswith(value, "\r")
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

# A secret access key's shape: 40 base64 characters standing alone.
secret_key_shape_pattern := `(?:^|[^A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?:[^A-Za-z0-9/+=]|$)`

# Prefixes of the session tokens STS issues.
session_token_pattern := `FwoGZXIvYXdz|IQoJb3JpZ2luX2Vj|IQoGZXIvYXdz`

# Input text a message may quote in full: printable, not too long, and with
# nothing that is or looks like a credential (documentation keys included).
quotable(s) if {
	is_string(s)
	count(s) <= 256
	regex.match(`^[ -~]*$`, s)
	not regex.match(access_key_id_pattern, s)
	not regex.match(secret_key_shape_pattern, s)
	not regex.match(session_token_pattern, s)
}

# An annotation or config value in a message: quoted when quotable, else by
# its length only. Non-strings (an offline manifest's number) as they are.
quote_value(v) := sprintf("%q", [v]) if {
	quotable(v)
} else := sprintf("(a %d-character value, not shown)", [count(v)]) if {
	is_string(v)
} else := sprintf("%v", [v])
