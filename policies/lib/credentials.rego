# METADATA
# title: AWS credential material in Secrets and ConfigMaps
# description: >-
#   Reads the entries of Secrets and ConfigMaps (base64 `data`, plain
#   `stringData`, ConfigMap `data` and `binaryData`), classifies each value the
#   way the live-mode redactor does (`podauth-redacted:<class>`), and parses AWS
#   shared config/credentials files (INI). Regexes avoid `\s`, `\d` and `(?i)`:
#   the regorus build has no Unicode Perl classes or case folding.
# scope: package
package podauth.lib.credentials

import data.podauth.lib.aws

# --- Live-mode redaction -----------------------------------------------------

redacted_prefix := "podauth-redacted:"

value_classes := {"aws-access-key-id", "aws-secret-access-key", "aws-credentials-file", "aws-config-file", "other"}

redacted(v) if {
	is_string(v)
	startswith(v, redacted_prefix)
}

# The class carried by a redacted value; an unknown class counts as "other".
redacted_class(v) := c if {
	redacted(v)
	c := substring(v, count(redacted_prefix), -1)
	value_classes[c]
} else := "other" if redacted(v)

# --- Classification of plain text ----------------------------------------------

# A shared config file: a [default], [profile x] or [sso-session x] section and
# at least one setting the SDKs read from it.
config_file_settings := {
	"region", "output", "role_arn", "source_profile", "credential_source",
	"credential_process", "web_identity_token_file", "role_session_name",
	"external_id", "mfa_serial", "duration_seconds", "sso_start_url",
	"sso_region", "sso_session", "sso_account_id", "sso_role_name",
}

holds_config_file(s) if {
	is_string(s)
	contains(s, "[")
	contains(s, "=")
	some setting in ini_settings(s)
	config_section(setting.section)
	config_file_settings[setting.key]
}

config_section(section) if section == "default"

config_section(section) if regex.match(`^(profile|sso-session)[ \t]+[^ \t]`, section)

# The single class of a plain value, in the redactor's order of precedence.
value_class(key, text) := "aws-credentials-file" if {
	aws.holds_credentials_file(text)
} else := "aws-config-file" if {
	holds_config_file(text)
} else := "aws-access-key-id" if {
	aws.contains_access_key_id(text)
} else := "aws-secret-access-key" if {
	aws.secret_key_name(key)
	aws.literal_credential(text)
} else := "other"

decode(v) := base64.decode(v) if {
	is_string(v)
	base64.is_valid(v)
}

# --- Entries of a Secret or ConfigMap ----------------------------------------------

# Each entry: {key, field, path, text, class}. `text` is the plain value, or null
# when it is redacted or not decodable.
entries(obj) := [e |
	some field in ["data", "stringData", "binaryData"]
	values := object.get(obj, field, {})
	is_object(values)
	some k, v in values
	text := plain_text(obj.kind, field, v)
	e := {
		"key": k,
		"field": field,
		"path": entry_path(field, k),
		"text": text,
		"class": entry_class(k, v, text),
	}
]

# The entries of every reviewed ConfigMap and Secret, by ref, computed once and
# shared by the rules that read them.
review_entries[ref] := entries(obj) if {
	some ref, obj in data.podauth.lib.objects.review
	entry_kinds[obj.kind]
}

entry_kinds := {"ConfigMap", "Secret"}

# k8s.path([field, k]) for a data field and key, without its per-segment calls.
entry_path(field, k) := concat(".", [field, k]) if {
	k != ""
	trim(k, data.podauth.lib.k8s.plain_segment_chars) == ""
} else := concat("", [field, sprintf("[%q]", [k])])

# The first branch is the common case (a plain ConfigMap value), tested inline.
plain_text(kind, field, v) := v if {
	field == "data"
	kind == "ConfigMap"
	is_string(v)
	not startswith(v, redacted_prefix)
} else := v if {
	field == "stringData"
	is_string(v)
} else := null if {
	redacted(v)
} else := decode(v) if {
	field == "binaryData"
	decode(v)
} else := decode(v) if {
	field == "data"
	kind == "Secret"
	decode(v)
} else := v if {
	field == "data"
	kind == "ConfigMap"
	is_string(v)
} else := null

# The first branch decides most values inline: without "=" a value cannot be a
# credentials or config file, without "A" it holds no access key id, and only
# keys named like a secret access key make a literal one.
entry_class(k, v, text) := "other" if {
	is_string(v)
	not startswith(v, redacted_prefix)
	is_string(text)
	not contains(text, "=")
	not contains(text, "A")
	not data.podauth.lib.aws.secret_key_names[replace(replace(lower(k), "-", ""), "_", "")]
} else := redacted_class(v) if {
	redacted(v)
} else := value_class(k, text) if {
	is_string(text)
} else := "other"

# --- INI parsing (AWS shared config and credentials files) ---------------------------

# Every `key = value` line inside a section: {section, key (lower case), value, line}.
# Comment lines (# or ;) and lines before the first section are ignored.
ini_settings(text) := [s |
	lines := split(text, "\n")
	heads := [i | some i, l in lines; ini_section(l)]
	some i, l in lines
	pair := ini_pair(l)
	prior := [h | some h in heads; h < i]
	count(prior) > 0
	s := {
		"section": ini_section(lines[max(prior)]),
		"key": pair[0],
		"value": pair[1],
		"line": i,
	}
] if {
	is_string(text)
} else := []

ini_section(line) := trim_space(substring(l, 1, count(l) - 2)) if {
	l := trim_space(line)
	startswith(l, "[")
	endswith(l, "]")
	count(l) > 2
}

ini_pair(line) := [lower(trim_space(substring(l, 0, i))), trim_space(substring(l, i + 1, -1))] if {
	l := trim_space(line)
	not startswith(l, "#")
	not startswith(l, ";")
	i := indexof(l, "=")
	i > 0
}

# "profile build" -> "build", "default" -> "default".
profile_name(section) := regex.replace(section, `^profile[ \t]+`, "")

# The first word of a setting's value (drops a trailing inline comment).
first_word(v) := words[0] if words := regex.split(`[ \t]+`, trim_space(v))
