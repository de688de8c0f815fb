//! The `base/` copies of migrated objects. `kubectl kustomize` renders them,
//! and the rendered objects may be applied: every field that is not a
//! credential stays byte-identical, and credential values are dropped, never
//! masked in place (a masked image tag or env name would deploy an altered
//! object).
//!
//! Dropped: literal values of credential env vars (the entry keeps its name,
//! so the plan's patch still matches it), annotations and labels holding a
//! credential, `args`/`command` entries `--aws-secret-access-key=...` and the
//! split form's flag and value, and, inside any other string (a shell line
//! `AWS_SECRET_ACCESS_KEY=... aws s3 ls`), the credential itself. "Holds a
//! credential" is [`crate::redact::holds_credential`]: what the redactor would mask.
use crate::credentials;
use crate::redact;
use serde_json::{Map, Value};

/// The object without credential values.
pub fn without_credentials(object: &Value) -> Value {
    let mut v = object.clone();
    drop_in(&mut v);
    v
}

fn drop_in(value: &mut Value) {
    match value {
        Value::Object(map) => drop_in_map(map),
        Value::Array(items) => drop_in_list(items),
        Value::String(s) => {
            if let Some(clean) = cut(s) {
                *s = clean;
            }
        }
        _ => {}
    }
}

fn drop_in_map(map: &mut Map<String, Value>) {
    // An env entry: `{name, value}`.
    if let (Some(Value::String(name)), Some(Value::String(v))) = (map.get("name"), map.get("value"))
    {
        let named = credentials::CREDENTIAL_ENV.contains(&name.as_str())
            || credentials::secret_key_name(name);
        if (named && credentials::literal_credential(v)) || redact::holds_credential(v) {
            map.remove("value");
        }
    }
    for key in ["annotations", "labels"] {
        if let Some(Value::Object(entries)) = map.get_mut(key) {
            entries.retain(|_, v| !v.as_str().is_some_and(redact::holds_credential));
        }
    }
    for (key, v) in map.iter_mut() {
        if matches!(key.as_str(), "args" | "command") {
            if let Value::Array(items) = v {
                drop_secret_flags(items);
            }
        }
        drop_in(v);
    }
}

fn drop_in_list(items: &mut [Value]) {
    for item in items {
        drop_in(item);
    }
}

/// `--aws-secret-access-key=VALUE` goes; so do `--aws-secret-access-key`
/// and the `VALUE` after it.
fn drop_secret_flags(items: &mut Vec<Value>) {
    let mut out = Vec::with_capacity(items.len());
    let mut skip_next = false;
    for item in items.drain(..) {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        if let Value::String(s) = &item {
            let (flag, has_value) = match s.split_once('=') {
                Some((flag, _)) => (flag, true),
                None => (s.as_str(), false),
            };
            if credentials::secret_flag(flag) {
                skip_next = !has_value;
                continue;
            }
        }
        out.push(item);
    }
    *items = out;
}

/// The string without the credentials inside it, or `None` when it holds none.
fn cut(s: &str) -> Option<String> {
    match redact::cut(s) {
        std::borrow::Cow::Owned(clean) => Some(clean),
        std::borrow::Cow::Borrowed(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn credentials_go_and_everything_else_stays() {
        let d = json!({"kind": "Deployment", "metadata": {"name": "x",
          "annotations": {"leak": "AKIAZ7QXFAKEKEY23456", "keep": "me"},
          "labels": {"app": "x", "k": "AKIAZ7QXFAKEKEY23456"}},
        "spec": {"template": {"spec": {"containers": [{
          "name": "c", "image": "nginx:1.25.3-alpine",
          "args": ["--aws-secret-access-key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz", "--region", "eu-west-1",
                   "--aws-secret-access-key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz", "--verbose"],
          "command": ["sh", "-c", "AWS_SECRET_ACCESS_KEY=s3cretVALUE123 aws s3 ls"],
          "env": [{"name": "AWS_SECRET_ACCESS_KEY", "value": "s3cretVALUE123"},
                  {"name": "K", "valueFrom": {"secretKeyRef": {"name": "s", "key": "AWS_SECRET_ACCESS_KEY"}}}]
        }]}}}});
        let c = without_credentials(&d);
        assert_eq!(c["metadata"]["annotations"], json!({"keep": "me"}));
        assert_eq!(c["metadata"]["labels"], json!({"app": "x"}));
        let container = &c["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(container["image"], "nginx:1.25.3-alpine");
        assert_eq!(
            container["args"],
            json!(["--region", "eu-west-1", "--verbose"])
        );
        assert_eq!(
            container["command"],
            json!(["sh", "-c", "AWS_SECRET_ACCESS_KEY= aws s3 ls"])
        );
        assert_eq!(
            container["env"][0],
            json!({"name": "AWS_SECRET_ACCESS_KEY"})
        );
        assert_eq!(
            container["env"][1],
            d["spec"]["template"]["spec"]["containers"][0]["env"][1]
        );
    }
}
