//! The last line of defence for credentials. Rules already mask values; this
//! collects every credential-looking value in the input and scrubs any that
//! still reaches a message, whatever produced it.
use aho_corasick::AhoCorasick;
use base64::Engine as _;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn key_id_regex() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}").expect("valid regex")
    })
}

fn config_secret_regex() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"(?im)^\s*(?:aws_secret_access_key|aws_session_token)\s*=\s*(\S+)")
            .expect("valid regex")
    })
}

const CREDENTIAL_ENV: [&str; 3] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// `AKIAIOSFODNN7EXAMPLE` -> `AKIA************MPLE`; short values are fully masked.
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

#[derive(Default)]
pub struct Redactor {
    matcher: Option<AhoCorasick>,
    secrets: Vec<String>,
}

impl Redactor {
    /// Collects credential values from objects: access key ids anywhere, literal
    /// values of the AWS credential env vars, Secret values (raw and decoded),
    /// and secret entries of AWS config files.
    pub fn from_objects<'a>(objects: impl IntoIterator<Item = &'a Value>) -> Redactor {
        let mut found = BTreeSet::new();
        for object in objects {
            collect(object, &mut found);
            if object.get("kind").and_then(Value::as_str) == Some("Secret") {
                for field in ["data", "stringData"] {
                    let Some(Value::Object(entries)) = object.get(field) else {
                        continue;
                    };
                    for value in entries.values().filter_map(Value::as_str) {
                        add_secret(value, &mut found);
                        if field == "data" {
                            if let Ok(bytes) =
                                base64::engine::general_purpose::STANDARD.decode(value.trim())
                            {
                                if let Ok(text) = String::from_utf8(bytes) {
                                    add_secret(&text, &mut found);
                                    add_config_secrets(&text, &mut found);
                                }
                            }
                        }
                    }
                }
            }
        }
        let secrets: Vec<String> = found.into_iter().collect();
        let matcher =
            (!secrets.is_empty()).then(|| AhoCorasick::new(&secrets).expect("valid patterns"));
        Redactor { matcher, secrets }
    }

    /// Replaces every known credential value in `text` with its mask.
    pub fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let key_ids = key_id_regex();
        let mut out = Cow::Borrowed(text);
        if let Some(matcher) = &self.matcher {
            if matcher.is_match(text) {
                let masks: Vec<String> = self.secrets.iter().map(|s| mask(s)).collect();
                out = Cow::Owned(matcher.replace_all(text, &masks));
            }
        }
        if key_ids.is_match(&out) {
            out = Cow::Owned(
                key_ids
                    .replace_all(&out, |c: &regex::Captures| mask(&c[0]))
                    .into_owned(),
            );
        }
        out
    }
}

fn add_secret(value: &str, found: &mut BTreeSet<String>) {
    let v = value.trim();
    // Very short values ("true", "1") are not credentials and would mangle text.
    if v.len() >= 8 {
        found.insert(v.to_string());
    }
}

fn add_config_secrets(text: &str, found: &mut BTreeSet<String>) {
    for c in config_secret_regex().captures_iter(text) {
        add_secret(&c[1], found);
    }
}

/// Walks every string: key ids anywhere, env credential values, config files.
fn collect(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => {
            for m in key_id_regex().find_iter(s) {
                found.insert(m.as_str().to_string());
            }
            if s.contains('=') {
                add_config_secrets(s, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, found)),
        Value::Object(map) => {
            if let (Some(Value::String(name)), Some(Value::String(v))) =
                (map.get("name"), map.get("value"))
            {
                if CREDENTIAL_ENV.contains(&name.as_str()) {
                    add_secret(v, found);
                }
            }
            map.values().for_each(|v| collect(v, found));
        }
        _ => {}
    }
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
    fn scrubs_collected_values() {
        let pod = serde_json::json!({"kind": "Pod", "spec": {"containers": [{"env": [
            {"name": "AWS_SECRET_ACCESS_KEY", "value": "canarySECRETvalue0123456789"},
            {"name": "X", "value": "AKIAZ7QXFAKEKEY23456"}
        ]}]}});
        let secret = serde_json::json!({"kind": "Secret", "data": {"k": "Y2FuYXJ5LWluLWEtc2VjcmV0LXZhbHVl"}});
        let r = Redactor::from_objects([&pod, &secret]);
        let out = r.scrub(
            "a canarySECRETvalue0123456789 b AKIAZ7QXFAKEKEY23456 c canary-in-a-secret-value",
        );
        assert!(!out.contains("canarySECRET"), "{out}");
        assert!(!out.contains("AKIAZ7QXFAKEKEY23456"), "{out}");
        assert!(!out.contains("canary-in-a-secret"), "{out}");
        assert!(out.contains("AKIA************3456"), "{out}");
    }
}
