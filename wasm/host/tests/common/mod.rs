//! Shared by the integration tests: example manifests, the CLI's input
//! document, and the native engine's answer.
#![allow(dead_code)]

use podauth_policies::{yaml, Bundle, InputDocument, Parameters, Purpose};
use serde_json::Value;
use std::path::{Path, PathBuf};
use yaml_rust2::YamlLoader;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Kubernetes objects of a (multi-document) YAML text; `List` kinds are expanded.
pub fn objects_of(text: &str) -> Vec<Value> {
    let docs = YamlLoader::load_from_str(text).expect("example YAML parses");
    let mut out = Vec::new();
    for doc in docs.iter().map(|y| yaml::to_json(y, yaml::Scalars::Typed)) {
        if !doc.is_object() {
            continue;
        }
        if doc["kind"].as_str().is_some_and(|k| k.ends_with("List")) {
            out.extend(doc["items"].as_array().cloned().unwrap_or_default());
        } else {
            out.push(doc);
        }
    }
    out
}

/// Every example: each rule's good/bad manifests, each file under `examples/`,
/// and all of `examples/` as one input. (name, objects)
pub fn examples() -> Vec<(String, Vec<Value>)> {
    let bundle = Bundle::embedded();
    let mut out = Vec::new();
    for rule in &bundle.rules {
        for ex in &rule.examples {
            out.push((ex.path.clone(), objects_of(&ex.text)));
        }
    }
    let mut all = Vec::new();
    let mut files = Vec::new();
    collect_yaml(&repo_root().join("examples"), &mut files);
    files.sort();
    for f in files {
        let objects = objects_of(&std::fs::read_to_string(&f).expect("read example"));
        all.extend(objects.clone());
        out.push((f.display().to_string(), objects));
    }
    out.push(("examples/ (all)".into(), all));
    out
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_yaml(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(p);
        }
    }
}

/// The input document as `kubectl podauth check` builds it.
pub fn input_document(objects: &[Value]) -> InputDocument {
    let mut doc = InputDocument::new(&Parameters::default());
    for o in objects {
        doc.push_object(o).expect("object converts");
    }
    doc
}

/// A native regorus engine loaded exactly like `podauth_policies::Evaluator`
/// with every rule selected.
pub fn native_engine() -> regorus::Engine {
    let bundle = Bundle::embedded();
    let ids: Vec<&str> = bundle.rules.iter().map(|r| r.meta.id.as_str()).collect();
    bundle
        .engine(Purpose::Evaluate(&ids))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `data.podauth.findings` evaluated natively, as regorus writes it.
pub fn native_findings_json(engine: &regorus::Engine, input_json: &str) -> String {
    try_native_findings_json(engine, input_json).expect("native evaluation")
}

/// The same, keeping an evaluation error (the module must then fail too).
pub fn try_native_findings_json(
    engine: &regorus::Engine,
    input_json: &str,
) -> Result<String, String> {
    let mut engine = engine.clone();
    engine.set_input_json(input_json).expect("input parses");
    let v = engine
        .eval_rule("data.podauth.findings".into())
        .map_err(|e| e.to_string())?;
    Ok(serde_json::to_string(&v).expect("dump"))
}

/// Sorts every array of a JSON value (recursively) so two documents that hold
/// the same sets compare equal; object keys are already ordered by serde_json.
pub fn canonical(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Array(a) => {
                let mut items: Vec<Value> = a.iter().map(sort).collect();
                items.sort_by_key(|x| x.to_string());
                Value::Array(items)
            }
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sort(&m[k]))).collect())
            }
            other => other.clone(),
        }
    }
    sort(v).to_string()
}
