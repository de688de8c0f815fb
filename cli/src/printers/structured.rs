use serde::Serialize;
use serde_json::Value;
use std::io::{self, Write};

pub fn to_json_string<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("report serialises")
}

pub fn write_json<T: Serialize>(value: &T, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(to_json_string(value).as_bytes())?;
    out.write_all(b"\n")
}

/// A YAML document for `-o yaml` and migration patches: `---`, then the
/// block YAML `to_yaml` writes (the one YAML writer; exports use it too).
pub fn write_yaml<T: Serialize>(value: &T, out: &mut dyn Write) -> io::Result<()> {
    let json = serde_json::to_value(value).expect("report serialises");
    out.write_all(b"---\n")?;
    out.write_all(to_yaml(&json).as_bytes())
}

/// Block-style YAML for a JSON value. Strings are always double-quoted (JSON
/// escapes are valid YAML), so no scalar is ever re-typed by a YAML reader.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => write_map(m, 0, &mut out),
        Value::Array(a) if !a.is_empty() => write_seq(a, 0, &mut out),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

/// Plain words a YAML 1.1 or 1.2 reader takes as a bool or null, not a string.
const RETYPED_WORDS: [&str; 10] = [
    "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
];

/// A key stays plain only when no YAML reader would re-type it (a ConfigMap
/// key `on` or `null` must stay a string); otherwise it is quoted.
fn key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        && !RETYPED_WORDS.iter().any(|w| w.eq_ignore_ascii_case(k));
    if plain {
        k.to_string()
    } else {
        Value::String(k.to_string()).to_string()
    }
}

fn is_block(v: &Value) -> bool {
    match v {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

fn write_map(m: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    for (k, v) in m {
        out.push_str(&" ".repeat(indent));
        out.push_str(&key(k));
        out.push(':');
        write_child(v, indent + 2, out);
    }
}

fn write_seq(a: &[Value], indent: usize, out: &mut String) {
    for v in a {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match v {
            Value::Object(m) if !m.is_empty() => {
                // The first key on the dash line, the rest aligned under it.
                let mut inner = String::new();
                write_map(m, indent + 2, &mut inner);
                out.push(' ');
                out.push_str(&inner[indent + 2..]);
            }
            _ => write_child(v, indent + 2, out),
        }
    }
}

fn write_child(v: &Value, indent: usize, out: &mut String) {
    if is_block(v) {
        out.push('\n');
        match v {
            Value::Object(m) => write_map(m, indent, out),
            Value::Array(a) => write_seq(a, indent, out),
            _ => unreachable!(),
        }
    } else if let Some(text) = v.as_str().filter(|t| literal_block(t)) {
        write_literal(text, indent, out);
    } else {
        out.push(' ');
        out.push_str(&scalar(v));
        out.push('\n');
    }
}

/// Multi-line text (Rego sources) reads best as a literal block. Only text a
/// block reproduces exactly qualifies: printable characters and tabs, and a
/// first line that does not start with a space (which would need an
/// indentation indicator).
fn literal_block(text: &str) -> bool {
    text.contains('\n')
        && !text.starts_with([' ', '\n'])
        && text
            .chars()
            .all(|c| c == '\n' || c == '\t' || !(c.is_control() || c == '\u{feff}'))
}

fn write_literal(text: &str, indent: usize, out: &mut String) {
    let body = text.trim_end_matches('\n');
    let chomp = match text.len() - body.len() {
        0 => "|-",
        1 => "|",
        _ => "|+",
    };
    out.push(' ');
    out.push_str(chomp);
    out.push('\n');
    let pad = " ".repeat(indent);
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..text.len() - body.len() {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_round_trips_through_a_yaml_reader() {
        let v = json!({
            "apiVersion": "v1",
            "list": [{"a": 1, "b": ["x", "y: z"]}, "s", [], {}],
            "empty": {},
            "io.kubewarden.policy.title": "t\n\"q\"",
            "1weird key": true,
        });
        let text = to_yaml(&v);
        let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
        let back = &docs[0];
        assert_eq!(back["apiVersion"].as_str(), Some("v1"));
        assert_eq!(back["list"][0]["b"][1].as_str(), Some("y: z"));
        assert_eq!(back["list"][0]["a"].as_i64(), Some(1));
        assert_eq!(
            back["io.kubewarden.policy.title"].as_str(),
            Some("t\n\"q\"")
        );
        assert_eq!(back["1weird key"].as_bool(), Some(true));
        assert!(back["list"][2].as_vec().unwrap().is_empty());
    }

    #[test]
    fn multi_line_text_round_trips_as_literal_blocks() {
        let texts = [
            "package p\n\nallow if {\n\tinput.x == \"a: b\"\n}\n",
            "no trailing newline\n\tindented",
            "two trailing\n\n",
            "  leading spaces\nstay quoted",
            "carriage\r\nreturn",
        ];
        let v = json!({"texts": texts, "one": {"rego": texts[0]}});
        let text = to_yaml(&v);
        assert!(text.contains("rego: |\n"), "{text}");
        assert!(text.contains("- |-\n"), "{text}");
        let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(docs[0]["texts"][i].as_str(), Some(*t), "{text}");
        }
        assert_eq!(docs[0]["one"]["rego"].as_str(), Some(texts[0]));
    }

    #[test]
    fn strings_and_keys_that_look_typed_stay_strings() {
        let looks_typed = [
            "true",
            "False",
            "null",
            "~",
            "0123",
            "1e3",
            "0x1F",
            ".inf",
            "yes",
            "on",
            "",
            "- x",
            "a: b",
            "#c",
            "\u{85}next",
            "line\u{2028}sep",
            "two\nlines\u{2028}sep",
            "\u{feff}bom",
            "tab\there",
        ];
        let mut map = serde_json::Map::new();
        for (i, word) in looks_typed.iter().enumerate() {
            map.insert((*word).to_string(), json!(i));
        }
        let v = json!({"values": looks_typed, "keys": map, "n": [1, 2.5, -3, true, null]});
        let text = to_yaml(&v);
        let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
        let back =
            podauth_policies::yaml::to_json(&docs[0], podauth_policies::yaml::Scalars::Typed);
        assert_eq!(back, v, "{text}");
    }

    #[test]
    fn write_yaml_starts_a_document() {
        let mut out = Vec::new();
        write_yaml(&json!({"a": "1"}), &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "---\na: \"1\"\n");
    }
}
