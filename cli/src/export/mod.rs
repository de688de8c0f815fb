//! `kubectl podauth export`: the policy library as artifacts admission engines
//! deploy as they are (see `docs/export.md`).
//!
//! Everything here is deterministic: the same selection gives byte-identical
//! files (maps keep insertion order, lists are sorted).
pub mod gatekeeper;
pub mod kubewarden;
pub mod opa_bundle;

use anyhow::{bail, Result};
use podauth_policies::kinds::KINDS;
use podauth_policies::{Bundle, RuleMeta, Severity};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The rules an export carries, in id order.
pub fn select_rules<'b>(
    bundle: &'b Bundle,
    select: &[String],
    ignore: &[String],
    min_severity: Option<Severity>,
) -> Result<Vec<&'b RuleMeta>> {
    let rules: Vec<&RuleMeta> = bundle
        .select(select, ignore)?
        .into_iter()
        .filter(|m| min_severity.is_none_or(|s| m.severity >= s))
        .collect();
    if rules.is_empty() {
        bail!("the selection leaves no rule to export");
    }
    Ok(rules)
}

/// Kinds a rule looks up that an admission engine can hand it as inventory
/// (served kinds its METADATA lists under `looks_up`). Empty for rules that
/// judge each object alone.
pub fn context_kinds(rule: &RuleMeta) -> BTreeSet<&str> {
    rule.looks_up
        .iter()
        .map(String::as_str)
        .filter(|k| KINDS.iter().any(|s| s.kind == *k && s.is_served()))
        .collect()
}

/// Whether any selected rule looks objects up in an inventory.
pub fn cross_object(rules: &[&RuleMeta]) -> bool {
    rules.iter().any(|r| !context_kinds(r).is_empty())
}

/// `(group, preferred version, kind, plural, namespaced)` of every cluster
/// kind the rules declare (kinds that never reach an API server, such as
/// eksctl's `ClusterConfig`, have none), sorted.
pub fn resources(
    kinds: &BTreeSet<&str>,
) -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    let mut out: Vec<_> = KINDS
        .iter()
        .filter(|s| s.is_served() && kinds.contains(s.kind))
        .map(|s| (s.group, s.versions[0], s.kind, s.plural))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every kind the selected rules review: what admission must send them
/// (kinds they only look up arrive as inventory).
pub fn reviewed_kinds<'r>(rules: &[&'r RuleMeta]) -> BTreeSet<&'r str> {
    rules
        .iter()
        .flat_map(|r| r.reviews.iter().map(String::as_str))
        .collect()
}

/// Admission rules (`RuleWithOperations`) for the kinds the rules review: one per
/// API group, every version the CLI knows, CREATE and UPDATE.
pub fn admission_rules(rules: &[&RuleMeta]) -> Value {
    let kinds = reviewed_kinds(rules);
    let mut groups: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
    for spec in KINDS
        .iter()
        .filter(|s| s.is_served() && kinds.contains(s.kind))
    {
        let (versions, plurals) = groups.entry(spec.group).or_default();
        versions.extend(spec.versions.iter().copied());
        plurals.insert(spec.plural);
    }
    Value::Array(
        groups
            .into_iter()
            .map(|(group, (versions, plurals))| {
                json!({
                    "apiGroups": [group],
                    "apiVersions": versions.into_iter().collect::<Vec<_>>(),
                    "resources": plurals.into_iter().collect::<Vec<_>>(),
                    "operations": ["CREATE", "UPDATE"],
                })
            })
            .collect(),
    )
}

/// `[{"apiVersion", "kind"}]` of every kind the cross-object rules look up.
pub fn context_resources(rules: &[&RuleMeta]) -> Value {
    let kinds: BTreeSet<&str> = rules.iter().flat_map(|r| context_kinds(r)).collect();
    let mut list: Vec<(String, &str)> = KINDS
        .iter()
        .filter(|s| kinds.contains(s.kind))
        .map(|s| (s.api_version(), s.kind))
        .collect();
    list.sort();
    list.dedup();
    Value::Array(
        list.into_iter()
            .map(|(api, kind)| json!({"apiVersion": api, "kind": kind}))
            .collect(),
    )
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

fn key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'));
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
    fn selection_honours_select_ignore_and_severity() {
        let bundle = Bundle::embedded();
        let all = select_rules(&bundle, &[], &[], None).unwrap();
        assert_eq!(all.len(), bundle.rules.len());
        let one = select_rules(&bundle, &["pa101".into()], &[], None).unwrap();
        assert_eq!(one.len(), 1);
        let crit = select_rules(&bundle, &[], &[], Some(Severity::Critical)).unwrap();
        assert!(crit.iter().all(|r| r.severity == Severity::Critical));
        assert!(select_rules(&bundle, &["PA000".into()], &[], None).is_err());
    }
}
