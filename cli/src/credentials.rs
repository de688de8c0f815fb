//! What is an AWS credential: the one Rust definition. The Rego side is
//! `policies/lib/aws.rego` and `credentials.rego` (`value_class`); the test
//! `tests/e2e/credential_parity.rs` runs the same table through both and fails
//! on any difference.
//!
//! Classification ([`classify`], [`access_key_ids`]) decides what the rules
//! report. Redaction ([`credential_spans`]) is wider on purpose: it also masks
//! documentation keys, secrets named on a command line or in an `X=Y`
//! assignment, and values shaped like a secret access key or a session token,
//! wherever they appear in text we write.
use regex::{Regex, RegexSet};
use std::ops::Range;
use std::sync::OnceLock;

/// Environment variables the SDKs read as static credentials (aws.rego `static_key_env_names`).
pub const CREDENTIAL_ENV: [&str; 3] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// Access key id prefixes, as gitleaks and trufflehog define them.
const KEY_ID: &str = r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}";

/// The compiled `pattern`, built on first use (the pattern is only formatted then).
fn regex(cell: &'static OnceLock<Regex>, pattern: impl FnOnce() -> String) -> &'static Regex {
    cell.get_or_init(|| Regex::new(&pattern()).expect("valid regex"))
}

/// Maximal runs of `[A-Z0-9]` long enough to be a key id (aws.rego).
fn key_id_run_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, || "[A-Z0-9]{20,}".into())
}

fn exact_key_id_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, || format!("^{KEY_ID}$"))
}

/// Any key id, even inside a longer token (redaction only).
fn key_id_anywhere_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, || KEY_ID.into())
}

/// Names a secret access key or session token goes by, in any spelling
/// (`AWS_SECRET_ACCESS_KEY`, `aws-secret-access-key`, `secretAccessKey`, ...).
const SECRET_NAME: &str = r"(?:aws[_-]?secret[_-]?access[_-]?key|secret[_-]?access[_-]?key|aws[_-]?secret[_-]?key|aws[_-]?session[_-]?token|aws[_-]?security[_-]?token|session[_-]?token)";

/// The value after a secret's name: not a `$(VAR)`/`${VAR}` reference.
const SECRET_VALUE: &str = r#"([^\s"'`,;&|()$<>{}\[\]]{4,})"#;

/// `NAME=value`, `NAME = value` (config files, shell assignments, `--flag=value`).
fn assignment_pattern() -> String {
    format!(r#"(?i)(?:^|[^A-Za-z0-9_]){SECRET_NAME}["']?[ \t]*=[ \t]*["']?{SECRET_VALUE}"#)
}

fn assignment_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, assignment_pattern)
}

/// `--aws-secret-access-key value` (the split flag form, inside one string).
fn flag_pattern() -> String {
    format!(r#"(?i)--{SECRET_NAME}[ \t]+["']?{SECRET_VALUE}"#)
}

fn flag_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, flag_pattern)
}

/// A 40-character secret access key: base64 alphabet, mixed case and digits.
const SECRET_SHAPE: &str = r"(?:^|[^A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)";

fn secret_shape_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, || SECRET_SHAPE.into())
}

/// An STS session token: base64 carrying one of the prefixes STS issues.
const SESSION_TOKEN: &str =
    r"[A-Za-z0-9/+]*(?:FwoGZXIvYXdz|IQoJb3JpZ2luX2Vj|IQoGZXIvYXdz)[A-Za-z0-9/+]*={0,2}";

fn session_token_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, || SESSION_TOKEN.into())
}

/// Every pattern [`credential_spans`] searches, as one set: a text none of
/// them matches anywhere holds no credential span, so most strings cost one
/// search instead of five (and no capture allocations).
fn credential_shapes() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        RegexSet::new([
            KEY_ID.to_string(),
            assignment_pattern(),
            flag_pattern(),
            SECRET_SHAPE.to_string(),
            SESSION_TOKEN.to_string(),
        ])
        .expect("valid regexes")
    })
}

/// False only when no line of `text` can hold a credential span: none of the
/// patterns of [`credential_spans`] matches anywhere in it. Each pattern that
/// matches inside one line also matches in the text around it (a line break
/// is a boundary character for their `^`/`$` alternatives), so a writer can
/// pass a whole block of lines unexamined when this is false.
pub fn may_hold_credential(text: &str) -> bool {
    credential_shapes().is_match(text)
}

fn var_refs_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, || r"^(\$\([A-Za-z_][A-Za-z0-9_]*\))+$".into())
}

fn credentials_file_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, || {
        r"(?m)^[ \t]*aws_secret_access_key[ \t]*=[ \t]*[^ \t\r\n]".into()
    })
}

/// Documentation keys such as `AKIAIOSFODNN7EXAMPLE` (gitleaks allowlist).
pub fn documentation_key(key: &str) -> bool {
    key.ends_with("EXAMPLE")
}

/// The non-documentation access key ids in `text` (aws.rego `access_key_ids`):
/// maximal `[A-Z0-9]` runs that are exactly a key id.
pub fn access_key_ids(text: &str) -> Vec<&str> {
    key_id_run_re()
        .find_iter(text)
        .map(|m| m.as_str())
        .filter(|k| exact_key_id_re().is_match(k) && !documentation_key(k))
        .collect()
}

pub fn contains_access_key_id(text: &str) -> bool {
    !access_key_ids(text).is_empty()
}

/// What a secret-named entry, env var or flag holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SecretName {
    AccessKey,
    SessionToken,
}

/// The names of secrets, lower-cased without `-` and `_` (credentials.rego).
const SECRET_NAMES: [(&str, SecretName); 5] = [
    ("awssecretaccesskey", SecretName::AccessKey),
    ("secretaccesskey", SecretName::AccessKey),
    ("awssecretkey", SecretName::AccessKey),
    ("awssessiontoken", SecretName::SessionToken),
    ("sessiontoken", SecretName::SessionToken),
];

/// The secret `name` names, if any: `name` lower-cased and without `-` and
/// `_`, looked up in [`SECRET_NAMES`]. Normalised in a stack buffer, since
/// this runs on every key of every object.
fn secret_name(name: &str) -> Option<SecretName> {
    let mut buf = [0u8; 24];
    let mut len = 0;
    // False once the name cannot be one: every entry is ASCII and shorter
    // than the buffer.
    let mut push = |c: char| {
        if c == '-' || c == '_' {
            return true;
        }
        if !c.is_ascii() || len == buf.len() {
            return false;
        }
        buf[len] = c as u8;
        len += 1;
        true
    };
    let fits = if name.is_ascii() {
        let bytes = name.as_bytes();
        let mut i = 0;
        while i < bytes.len() && push(char::from(bytes[i].to_ascii_lowercase())) {
            i += 1;
        }
        i == bytes.len()
    } else {
        name.chars().flat_map(char::to_lowercase).all(&mut push)
    };
    if !fits {
        return None;
    }
    SECRET_NAMES
        .iter()
        .find(|(n, _)| n.as_bytes() == &buf[..len])
        .map(|(_, what)| *what)
}

/// An entry or env name that holds a secret access key (credentials.rego).
pub fn secret_key_name(key: &str) -> bool {
    secret_name(key) == Some(SecretName::AccessKey)
}

/// An entry, env or flag name (without its dashes) whose value is a secret
/// access key or a session token.
pub fn secret_or_token_name(name: &str) -> bool {
    secret_name(name).is_some()
}

/// A command-line flag that takes a secret (`--aws-secret-access-key`).
pub fn secret_flag(arg: &str) -> bool {
    arg.strip_prefix("--").is_some_and(secret_or_token_name)
}

/// A literal credential: non-empty and not only `$(VAR)` references (aws.rego).
pub fn literal_credential(text: &str) -> bool {
    !text.trim().is_empty() && !var_refs_re().is_match(text)
}

pub fn holds_credentials_file(text: &str) -> bool {
    credentials_file_re().is_match(&text.to_lowercase())
}

/// Whether the sanitized copy of a shared config file (live/sanitize.rs)
/// keeps a setting.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sanitized {
    Kept,
    /// `credential_process` is a command line that may carry secrets;
    /// `external_id` is the shared secret of a role's trust policy.
    Dropped,
}

/// The settings that make an INI a shared config file (credentials.rego), and
/// whether a sanitized copy keeps each.
const CONFIG_SETTINGS: &[(&str, Sanitized)] = &[
    ("region", Sanitized::Kept),
    ("output", Sanitized::Kept),
    ("role_arn", Sanitized::Kept),
    ("source_profile", Sanitized::Kept),
    ("credential_source", Sanitized::Kept),
    ("credential_process", Sanitized::Dropped),
    ("web_identity_token_file", Sanitized::Kept),
    ("role_session_name", Sanitized::Kept),
    ("external_id", Sanitized::Dropped),
    ("mfa_serial", Sanitized::Kept),
    ("duration_seconds", Sanitized::Kept),
    ("sso_start_url", Sanitized::Kept),
    ("sso_region", Sanitized::Kept),
    ("sso_session", Sanitized::Kept),
    ("sso_account_id", Sanitized::Kept),
    ("sso_role_name", Sanitized::Kept),
];

fn config_setting(key: &str) -> Option<Sanitized> {
    CONFIG_SETTINGS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, sanitized)| *sanitized)
}

/// A shared config file setting that a sanitized copy of the file keeps.
pub fn kept_when_sanitized(key: &str) -> bool {
    config_setting(key) == Some(Sanitized::Kept)
}

/// One `key = value` line inside an INI section.
pub struct Setting<'a> {
    pub section: String,
    pub key: String,
    pub line: &'a str,
}

fn ini_section(line: &str) -> Option<String> {
    let l = line.trim();
    (l.starts_with('[') && l.ends_with(']') && l.len() > 2)
        .then(|| l[1..l.len() - 1].trim().to_string())
}

pub fn ini_settings(text: &str) -> Vec<Setting<'_>> {
    let mut section: Option<String> = None;
    let mut out = vec![];
    for line in text.split('\n') {
        if let Some(s) = ini_section(line) {
            section = Some(s);
            continue;
        }
        let l = line.trim();
        if l.starts_with('#') || l.starts_with(';') {
            continue;
        }
        let Some(i) = l.find('=').filter(|i| *i > 0) else {
            continue;
        };
        if let Some(section) = &section {
            out.push(Setting {
                section: section.clone(),
                key: l[..i].trim().to_lowercase(),
                line,
            });
        }
    }
    out
}

pub fn config_section(section: &str) -> bool {
    if section == "default" {
        return true;
    }
    ["profile", "sso-session"].iter().any(|p| {
        section
            .strip_prefix(p)
            .filter(|rest| rest.starts_with([' ', '\t']))
            .is_some_and(|rest| !rest.trim_start_matches([' ', '\t']).is_empty())
    })
}

pub fn holds_config_file(text: &str) -> bool {
    ini_settings(text)
        .iter()
        .any(|s| config_section(&s.section) && config_setting(&s.key).is_some())
}

/// The class of one value stored under a name (credentials.rego `value_class`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueClass {
    AccessKeyId,
    SecretAccessKey,
    CredentialsFile,
    ConfigFile,
    Other,
}

impl ValueClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ValueClass::AccessKeyId => "aws-access-key-id",
            ValueClass::SecretAccessKey => "aws-secret-access-key",
            ValueClass::CredentialsFile => "aws-credentials-file",
            ValueClass::ConfigFile => "aws-config-file",
            ValueClass::Other => "other",
        }
    }
}

/// Classifies a value under entry name `key`, in the Rego precedence.
pub fn classify(key: &str, text: &str) -> ValueClass {
    if holds_credentials_file(text) {
        ValueClass::CredentialsFile
    } else if holds_config_file(text) {
        ValueClass::ConfigFile
    } else if contains_access_key_id(text) {
        ValueClass::AccessKeyId
    } else if secret_key_name(key) && literal_credential(text) {
        ValueClass::SecretAccessKey
    } else {
        ValueClass::Other
    }
}

/// `AKIAIOSFODNN7EXAMPLE` -> `AKIA************MPLE`; short values are fully
/// masked (aws.rego `mask`).
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() > 12 {
        let head: String = chars[..4].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
    } else {
        "*".repeat(chars.len())
    }
}

fn shaped_like_secret(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && s.bytes().any(|b| b.is_ascii_digit())
}

/// Byte ranges of credential material in free text: key ids (documentation
/// keys too), values after a secret's name (`NAME=value`, `--name value`),
/// secret-access-key-shaped and session-token-shaped values. Sorted, merged.
pub fn credential_spans(text: &str) -> Vec<Range<usize>> {
    if !may_hold_credential(text) {
        return Vec::new();
    }
    let mut spans: Vec<Range<usize>> = Vec::new();
    spans.extend(key_id_anywhere_re().find_iter(text).map(|m| m.range()));
    for re in [assignment_re(), flag_re()] {
        for c in re.captures_iter(text) {
            let m = c.get(1).expect("value group");
            if !var_refs_re().is_match(m.as_str()) {
                spans.push(m.range());
            }
        }
    }
    for c in secret_shape_re().captures_iter(text) {
        let m = c.get(1).expect("group 1");
        if shaped_like_secret(m.as_str()) {
            spans.push(m.range());
        }
    }
    spans.extend(
        session_token_re()
            .find_iter(text)
            .filter(|m| m.len() >= 20)
            .map(|m| m.range()),
    );
    merge(spans)
}

/// Sorts byte ranges and merges the overlapping ones.
pub fn merge(mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    spans.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// True when `text` holds credential material by [`credential_spans`].
pub fn holds_credential(text: &str) -> bool {
    !credential_spans(text).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_like_the_rules() {
        assert_eq!(mask("AKIAIOSFODNN7EXAMPLE"), "AKIA************MPLE");
        assert_eq!(mask("short"), "*****");
    }

    #[test]
    fn finds_credentials_in_free_text() {
        let cases = [
            ("--aws-secret-access-key=abcdEFGH1234", "abcdEFGH1234"),
            ("--aws-secret-access-key abcdEFGH1234 --x", "abcdEFGH1234"),
            (
                "AWS_SECRET_ACCESS_KEY=abcdEFGH1234 aws s3 ls",
                "abcdEFGH1234",
            ),
            ("aws_session_token = tok3nValue", "tok3nValue"),
            ("s3://AKIAZ7QXFAKEKEY23456@bucket", "AKIAZ7QXFAKEKEY23456"),
            (
                "x wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz y",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz",
            ),
            ("t=FwoGZXIvYXdzEJr0123456789", "FwoGZXIvYXdzEJr0123456789"),
        ];
        for (text, secret) in cases {
            let spans = credential_spans(text);
            assert!(
                spans.iter().any(|r| &text[r.clone()] == secret),
                "{text}: {spans:?}"
            );
            // The gate a writer uses on whole blocks of lines sees it too.
            assert!(may_hold_credential(&format!("a: b\n{text}\nc\n")), "{text}");
        }
        assert!(!may_hold_credential(
            "kind: Deployment\nimage: nginx:1.25.3-alpine\n"
        ));
        for clean in [
            "AWS_SECRET_ACCESS_KEY=$(FROM_ENV)",
            "reads AWS_SECRET_ACCESS_KEY from Secret \"x\"",
            "nginx:1.25.3-alpine",
            "0123456789abcdef0123456789abcdef01234567",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(credential_spans(clean).is_empty(), "{clean}");
        }
    }

    #[test]
    fn flags_that_take_secrets() {
        assert!(secret_flag("--aws-secret-access-key"));
        assert!(secret_flag("--aws_session_token"));
        assert!(!secret_flag("--region"));
        assert!(!secret_flag("aws-secret-access-key"));
    }
}
