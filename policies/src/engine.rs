//! Evaluates the bundle with regorus.
use crate::Bundle;
use anyhow::{anyhow, Context, Result};
use regorus::{Engine, Value};

/// A finding as the Rego rules report it, before the CLI attaches metadata and
/// source locations.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RawFinding {
    pub rule: String,
    /// Position of the object in `input.objects`.
    pub object: usize,
    pub path: String,
    pub message: String,
}

/// What one evaluation produced.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub findings: Vec<RawFinding>,
    /// `data.podauth.workloads.workloads`, as JSON, when the package exists.
    pub workloads: serde_json::Value,
}

/// The document the policies evaluate (see `policies/README.md`): objects under
/// review, objects for lookups, and parameters. Each object is converted once;
/// an object that is both reviewed and context shares its value.
#[derive(Clone, Default)]
pub struct InputDocument {
    objects: Vec<Value>,
    context: Vec<Value>,
    parameters: serde_json::Value,
}

impl InputDocument {
    pub fn new(parameters: serde_json::Value) -> InputDocument {
        InputDocument {
            objects: Vec::new(),
            context: Vec::new(),
            parameters,
        }
    }

    /// Adds an object under review; with `in_context` it also serves lookups.
    pub fn push_object(&mut self, object: &serde_json::Value, in_context: bool) -> Result<()> {
        let value = to_value(object)?;
        if in_context {
            self.context.push(value.clone());
        }
        self.objects.push(value);
        Ok(())
    }

    /// Adds an object used only for lookups (`--context-from`).
    pub fn push_context(&mut self, object: &serde_json::Value) -> Result<()> {
        self.context.push(to_value(object)?);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    fn to_input(&self) -> Result<Value> {
        let mut input = Value::new_object();
        let map = input.as_object_mut().map_err(|e| anyhow!("{e}"))?;
        map.insert(Value::from("objects"), Value::from(self.objects.clone()));
        map.insert(Value::from("context"), Value::from(self.context.clone()));
        map.insert(Value::from("parameters"), to_value(&self.parameters)?);
        Ok(input)
    }

    /// The document as JSON text, for engines that take bytes (the Wasm module).
    pub fn to_json(&self) -> Result<String> {
        self.to_input()?.to_json_str().map_err(|e| anyhow!("{e}"))
    }
}

fn to_value(v: &serde_json::Value) -> Result<Value> {
    use serde::Deserialize;
    Value::deserialize(v).map_err(|e| anyhow!("converting input: {e}"))
}

/// A loaded engine for a selection of rules. Cloning it is cheap; each evaluation
/// runs on its own clone so evaluations share no state.
#[derive(Clone)]
pub struct Evaluator {
    engine: Engine,
    has_workloads: bool,
}

const AGGREGATE_PATH: &str = "podauth/main.rego";

impl Evaluator {
    /// Loads every library and rule module, plus a generated `podauth.main`
    /// package that gathers the `deny` sets of the selected rules.
    pub fn new(bundle: &Bundle, selected: &[&str]) -> Result<Evaluator> {
        let mut engine = Engine::new();
        for file in bundle.modules() {
            engine
                .add_policy(file.path.clone(), file.text.clone())
                .map_err(|e| anyhow!("{e}"))
                .with_context(|| format!("loading {}", file.path))?;
        }
        engine
            .add_policy(AGGREGATE_PATH.into(), aggregate_module(selected))
            .map_err(|e| anyhow!("{e}"))?;
        let has_workloads = bundle
            .libraries
            .iter()
            .any(|f| f.package == "podauth.workloads");
        Ok(Evaluator {
            engine,
            has_workloads,
        })
    }

    /// Evaluates the policies over an input document.
    pub fn evaluate(&self, input: &InputDocument) -> Result<Evaluation> {
        let mut engine = self.engine.clone();
        engine.set_input(input.to_input()?);
        let findings = engine
            .eval_rule("data.podauth.main.findings".into())
            .map_err(|e| anyhow!("evaluating policies: {e}"))?;
        let mut out = Evaluation {
            findings: raw_findings(&findings)?,
            workloads: serde_json::Value::Null,
        };
        if self.has_workloads {
            let w = engine
                .eval_rule("data.podauth.workloads.workloads".into())
                .map_err(|e| anyhow!("classifying workloads: {e}"))?;
            out.workloads = to_json(&w)?;
        }
        out.findings.sort();
        Ok(out)
    }
}

/// The generated aggregation module: one line per selected rule.
pub fn aggregate_module(selected: &[&str]) -> String {
    let mut rego = String::from("package podauth.main\n\nimport data.podauth.rules\n\n");
    for id in selected {
        rego.push_str(&format!(
            "findings contains object.union(f, {{\"rule\": \"{id}\"}}) if {{\n\tsome f in rules.{id}.deny\n}}\n\n"
        ));
    }
    if selected.is_empty() {
        rego.push_str("findings := set()\n");
    }
    rego
}

fn to_json(v: &Value) -> Result<serde_json::Value> {
    if *v == Value::Undefined {
        return Ok(serde_json::Value::Null);
    }
    let text = v.to_json_str().map_err(|e| anyhow!("{e}"))?;
    Ok(serde_json::from_str(&text)?)
}

fn raw_findings(v: &Value) -> Result<Vec<RawFinding>> {
    let json = to_json(v)?;
    let items = match json {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Null => vec![],
        other => return Err(anyhow!("findings must be a set, got {other}")),
    };
    items
        .into_iter()
        .map(|f| {
            let field = |k: &str| f.get(k).and_then(|v| v.as_str()).map(str::to_string);
            Ok(RawFinding {
                rule: field("rule").ok_or_else(|| anyhow!("finding without rule: {f}"))?,
                object: f
                    .get("ref")
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0) as usize,
                path: field("path").unwrap_or_default(),
                message: field("msg").ok_or_else(|| anyhow!("finding without msg: {f}"))?,
            })
        })
        .collect()
}
