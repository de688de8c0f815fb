//! YAML to JSON, for every reader that parses YAML with `yaml-rust2` and wants
//! JSON: `.podauth.yaml` settings, `# METADATA` blocks, test fixtures. (The
//! CLI's manifest loader has its own event-level parser, for line numbers.)
use serde_json::Value;
use yaml_rust2::Yaml;

/// How a YAML scalar that is not a string or a boolean becomes JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalars {
    /// As Kubernetes reads a manifest: integers and reals are numbers (a real
    /// `f64` cannot hold, such as `.inf`, stays its text).
    Typed,
    /// Text: an integer is its decimal text, a real its text as written, so
    /// `accountId: 111122223333` or `version: 1.10` reads as a string field.
    /// The YAML reader has already made `012` the integer 12: quote such values.
    Text,
}

/// The JSON value of `yaml`. Booleans stay booleans; nulls, aliases and bad
/// values become null. A mapping key that is not a string is its scalar text
/// (`1: x` has key `"1"`), or its debug form for a collection key.
pub fn to_json(yaml: &Yaml, scalars: Scalars) -> Value {
    match yaml {
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Integer(i) => match scalars {
            Scalars::Typed => Value::from(*i),
            Scalars::Text => Value::String(i.to_string()),
        },
        Yaml::Real(r) => match scalars {
            Scalars::Typed => r
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or_else(|| Value::String(r.clone()), Value::Number),
            Scalars::Text => Value::String(r.clone()),
        },
        Yaml::Array(items) => Value::Array(items.iter().map(|y| to_json(y, scalars)).collect()),
        Yaml::Hash(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (key_text(k), to_json(v, scalars)))
                .collect(),
        ),
        Yaml::Null | Yaml::Alias(_) | Yaml::BadValue => Value::Null,
    }
}

fn key_text(key: &Yaml) -> String {
    match key {
        Yaml::String(s) | Yaml::Real(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn convert(text: &str, scalars: Scalars) -> Value {
        let docs = yaml_rust2::YamlLoader::load_from_str(text).unwrap();
        to_json(&docs[0], scalars)
    }

    #[test]
    fn scalars_are_typed_or_kept_as_written() {
        let text = "id: 012345678901\nport: 80\nratio: 1.10\nhuge: .inf\non: true\nname: x\nnone: ~\n1: one\nlist: [1, a]\n";
        assert_eq!(
            convert(text, Scalars::Typed),
            json!({"id": 12345678901_i64, "port": 80, "ratio": 1.1, "huge": ".inf", "on": true,
                   "name": "x", "none": null, "1": "one", "list": [1, "a"]})
        );
        assert_eq!(
            convert(text, Scalars::Text),
            json!({"id": "12345678901", "port": "80", "ratio": "1.10", "huge": ".inf", "on": true,
                   "name": "x", "none": null, "1": "one", "list": ["1", "a"]})
        );
    }
}
