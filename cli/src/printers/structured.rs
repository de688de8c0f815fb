use serde::Serialize;
use std::io::{self, Write};
use yaml_rust2::{Yaml, YamlEmitter};

pub fn to_json_string<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("report serialises")
}

pub fn write_json<T: Serialize>(value: &T, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(to_json_string(value).as_bytes())?;
    out.write_all(b"\n")
}

pub fn write_yaml<T: Serialize>(value: &T, out: &mut dyn Write) -> io::Result<()> {
    let json = serde_json::to_value(value).expect("report serialises");
    let mut text = String::new();
    YamlEmitter::new(&mut text)
        .dump(&to_yaml(json))
        .map_err(|e| io::Error::other(e.to_string()))?;
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")
}

fn to_yaml(v: serde_json::Value) -> Yaml {
    use serde_json::Value;
    match v {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s),
        Value::Array(a) => Yaml::Array(a.into_iter().map(to_yaml).collect()),
        Value::Object(o) => Yaml::Hash(
            o.into_iter()
                .map(|(k, v)| (Yaml::String(k), to_yaml(v)))
                .collect(),
        ),
    }
}
