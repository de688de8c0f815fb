//! Object clean-up and Secret redaction, applied to every object as it is read.
//!
//! Every object loses `status`, `metadata.managedFields` and the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation (which, on a
//! Secret, holds the values in clear).
//!
//! Secret `data` values are replaced before anything else sees them. Each
//! value is decoded and classified by [`crate::credentials::classify`], the
//! Rust twin of `policies/lib/credentials.rego` (`value_class`; the parity test
//! keeps them equal), in the same precedence:
//!
//! | class | value |
//! |---|---|
//! | `aws-credentials-file` | a line `aws_secret_access_key = <value>` |
//! | `aws-config-file` | an INI `[default]`, `[profile x]` or `[sso-session x]` section with a setting the SDKs read (`region`, `role_arn`, `credential_source`, ...) |
//! | `aws-access-key-id` | contains an access key id (`AKIA`, `ASIA`, `ABIA`, `ACCA`, `A3T?` + 16), documentation keys ending in `EXAMPLE` excepted |
//! | `aws-secret-access-key` | key named `AWS_SECRET_ACCESS_KEY`, `aws_secret_access_key`, `secret-access-key`, `secretAccessKey`, `AWS_SECRET_KEY` (compared lower-cased without `-`/`_`) with a literal value |
//! | `other` | anything else, including undecodable values |
//!
//! The value becomes the string `podauth-redacted:<class>`, which the policies
//! recognise, except for `aws-config-file`: a shared config file holds no
//! secret once its secret-bearing keys are gone, and rule PA701 needs its
//! `role_arn`/`credential_source` lines. Such a value is re-encoded (base64,
//! like any Secret value) from a sanitized copy of the file that keeps only
//! section headers and the settings [`kept_when_sanitized`]: `aws_access_key_id`,
//! `aws_session_token`, `external_id`, `credential_process` (a command line
//! that may carry secrets), comments and unknown keys are dropped. The policies
//! then classify and parse it exactly as they would offline. Should nothing be
//! left to keep, the value is `podauth-redacted:aws-config-file` as usual.
//!
//! `stringData` (write-only, never returned by a server) is dropped.
use crate::credentials::{classify, config_section, ini_settings, kept_when_sanitized, ValueClass};
use base64::Engine as _;
use serde_json::Value;

/// Prefix of a redacted Secret value.
pub const REDACTED_PREFIX: &str = "podauth-redacted:";

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The non-secret part of a shared config file: section headers and the
/// settings [`kept_when_sanitized`], or `None` when no setting is kept.
pub fn sanitize_config(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut section_written = None;
    let mut kept = false;
    for s in ini_settings(text) {
        if !kept_when_sanitized(&s.key) {
            continue;
        }
        if section_written.as_deref() != Some(s.section.as_str()) {
            out.push_str(&format!("[{}]\n", s.section));
            section_written = Some(s.section.clone());
        }
        out.push_str(s.line.trim());
        out.push('\n');
        kept |= config_section(&s.section);
    }
    kept.then_some(out)
}

/// The redacted form of one base64 `data` value.
pub fn redact_value(key: &str, encoded: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let text = b64
        .decode(compact.as_bytes())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let class = text
        .as_deref()
        .map_or(ValueClass::Other, |t| classify(key, t));
    if class == ValueClass::ConfigFile {
        if let Some(clean) = text.as_deref().and_then(sanitize_config) {
            return b64.encode(clean);
        }
    }
    format!("{REDACTED_PREFIX}{}", class.as_str())
}

/// Strips noise from any object, and redacts it when it is a Secret.
pub fn sanitize(object: &mut Value) {
    let Value::Object(map) = object else {
        return;
    };
    map.remove("status");
    if let Some(Value::Object(meta)) = map.get_mut("metadata") {
        meta.remove("managedFields");
        if let Some(Value::Object(annotations)) = meta.get_mut("annotations") {
            annotations.remove(LAST_APPLIED);
        }
    }
    if map.get("kind").and_then(Value::as_str) != Some("Secret") {
        return;
    }
    map.remove("stringData");
    if let Some(Value::Object(data)) = map.get_mut("data") {
        for (key, value) in data.iter_mut() {
            let redacted = match value {
                Value::String(s) => redact_value(key, s),
                _ => format!("{REDACTED_PREFIX}other"),
            };
            *value = Value::String(redacted);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn classes_follow_the_rego_precedence() {
        assert_eq!(
            classify("id", "AKIAZ7QXFAKEKEY23456"),
            ValueClass::AccessKeyId
        );
        assert_eq!(classify("id", "AKIAIOSFODNN7EXAMPLE"), ValueClass::Other);
        assert_eq!(
            classify(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz"
            ),
            ValueClass::SecretAccessKey
        );
        assert_eq!(
            classify("secretAccessKey", "$(FROM_ENV)"),
            ValueClass::Other
        );
        assert_eq!(
            classify("credentials", "[default]\naws_access_key_id = AKIAZ7QXFAKEKEY23456\naws_secret_access_key = abc\n"),
            ValueClass::CredentialsFile
        );
        assert_eq!(
            classify("config", "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/x\ncredential_source = Ec2InstanceMetadata\n"),
            ValueClass::ConfigFile
        );
        assert_eq!(
            classify("config", "[other]\nregion = x\n"),
            ValueClass::Other
        );
        assert_eq!(classify("password", "hunter2"), ValueClass::Other);
    }

    #[test]
    fn config_files_keep_only_non_secret_settings() {
        let text = "# comment\n[profile a]\nrole_arn = arn:aws:iam::111122223333:role/x\naws_session_token = SESSIONSECRET\ncredential_source = Ec2InstanceMetadata\nexternal_id = shh\ncredential_process = /bin/get --token TOPSECRET\n";
        let out = redact_value("config", &b64(text));
        let decoded = String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(&out)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            decoded,
            "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/x\ncredential_source = Ec2InstanceMetadata\n"
        );
        assert_eq!(classify("config", &decoded), ValueClass::ConfigFile);
        // Nothing to keep: plain redaction.
        assert_eq!(
            redact_value("config", &b64("[default]\ncredential_process = /bin/x\n")),
            "podauth-redacted:aws-config-file"
        );
    }

    #[test]
    fn secrets_are_redacted_and_cleaned() {
        let mut s = json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "aws", "managedFields": [{}], "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"k\":\"QUtJQVo3UVhGQUtFS0VZMjM0NTY=\"}}",
                "keep": "me"}},
            "data": {"AWS_ACCESS_KEY_ID": b64("AKIAZ7QXFAKEKEY23456"), "AWS_SECRET_ACCESS_KEY": b64("abc"), "bin": "%%%"},
            "stringData": {"x": "y"},
        });
        sanitize(&mut s);
        assert_eq!(
            s,
            json!({
                "apiVersion": "v1", "kind": "Secret",
                "metadata": {"name": "aws", "annotations": {"keep": "me"}},
                "data": {
                    "AWS_ACCESS_KEY_ID": "podauth-redacted:aws-access-key-id",
                    "AWS_SECRET_ACCESS_KEY": "podauth-redacted:aws-secret-access-key",
                    "bin": "podauth-redacted:other",
                },
            })
        );
    }

    #[test]
    fn other_kinds_keep_their_data() {
        let mut cm = json!({"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "AKIAZ7QXFAKEKEY23456"}, "status": {}});
        sanitize(&mut cm);
        assert_eq!(
            cm,
            json!({"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "AKIAZ7QXFAKEKEY23456"}})
        );
    }
}
