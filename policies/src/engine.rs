//! Evaluates the bundle with regorus.
use crate::contract::{entrypoint_rule, Purpose, FINDINGS_ENTRYPOINT};
use crate::{Bundle, Severity};
use anyhow::{anyhow, Result};
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
    /// Set when the rule lowers or raises its declared severity for this case
    /// (PA104: managed static credentials are low, not medium).
    pub severity: Option<Severity>,
}

/// What one evaluation produced.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub findings: Vec<RawFinding>,
    /// `data.podauth.workloads.workloads`, as JSON.
    pub workloads: serde_json::Value,
}

impl Evaluation {
    /// Reads the `podauth/findings` document, as any engine returns it.
    pub fn from_document(doc: &serde_json::Value) -> Result<Evaluation> {
        let mut out = Evaluation {
            findings: raw_findings(doc.get("findings").cloned().unwrap_or_default())?,
            workloads: doc.get("workloads").cloned().unwrap_or_default(),
        };
        out.findings.sort();
        Ok(out)
    }
}

/// The document the policies evaluate (see `policies/README.md`): objects under
/// review, objects for lookups, and parameters. Each object is converted once;
/// an object that is both reviewed and context shares its value. The lookup
/// context is unique by [`identity`]: the first object of an identity serves
/// lookups, later ones are only reviewed.
#[derive(Clone, Default)]
pub struct InputDocument {
    objects: Vec<Value>,
    /// Shard key of each object: its namespace (a Namespace's own name), so
    /// rules that join reviewed objects within a namespace see them together.
    shard_keys: Vec<u64>,
    context: Vec<Value>,
    /// Identities of the objects in `context`.
    in_context: std::collections::HashSet<Identity>,
    parameters: serde_json::Value,
}

/// What makes an object unique in the lookup context: apiVersion group, kind,
/// namespace (`default` when missing) and name.
pub type Identity = (String, String, String, String);

/// The object's [`Identity`].
pub fn identity(object: &serde_json::Value) -> Identity {
    let s = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).unwrap_or("").to_string();
    let api = s(object.get("apiVersion"));
    let group = api.rsplit_once('/').map_or("", |(g, _)| g).to_string();
    let meta = object.get("metadata");
    let ns = s(meta.and_then(|m| m.get("namespace")));
    (
        group,
        s(object.get("kind")),
        if ns.is_empty() { "default".into() } else { ns },
        s(meta.and_then(|m| m.get("name"))),
    )
}

/// Below this many objects, one thread does it all: sharding costs more than it saves.
const SHARD_THRESHOLD: usize = 2_000;

/// For tests only: `PODAUTH_SHARD_MIN_OBJECTS=N` replaces [`SHARD_THRESHOLD`]
/// (and shards into at least two parts even on one core), so small fixtures
/// take the sharded path; `off` never shards (the single-evaluation path).
/// Read here and nowhere else; see docs/performance.md.
pub const SHARD_MIN_OBJECTS_ENV: &str = "PODAUTH_SHARD_MIN_OBJECTS";

/// How many shards an input of `objects` objects is split into (1: not sharded).
fn shard_count(objects: usize) -> Result<usize> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let knob = std::env::var(SHARD_MIN_OBJECTS_ENV).ok();
    shards_for(objects, workers, knob.as_deref())
}

fn shards_for(objects: usize, workers: usize, knob: Option<&str>) -> Result<usize> {
    let shards = match knob {
        None => (objects >= SHARD_THRESHOLD).then_some(workers),
        Some("off") => None,
        Some(v) => {
            let min: usize = v
                .parse()
                .map_err(|_| anyhow!("{SHARD_MIN_OBJECTS_ENV}={v:?}: expected a number or off"))?;
            (objects >= min).then_some(workers.max(2))
        }
    };
    Ok(shards.unwrap_or(1))
}

fn shard_key(object: &serde_json::Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let meta = object.get("metadata");
    let ns = if object.get("kind").and_then(|k| k.as_str()) == Some("Namespace") {
        meta.and_then(|m| m.get("name"))
    } else {
        meta.and_then(|m| m.get("namespace"))
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    ns.and_then(|n| n.as_str())
        .unwrap_or("default")
        .hash(&mut hasher);
    hasher.finish()
}

impl InputDocument {
    pub fn new(parameters: &crate::Parameters) -> InputDocument {
        InputDocument {
            parameters: serde_json::to_value(parameters).unwrap_or_default(),
            ..InputDocument::default()
        }
    }

    /// Adds an object under review; it also serves lookups unless an object of
    /// its identity already does.
    pub fn push_object(&mut self, object: &serde_json::Value) -> Result<()> {
        let value = to_value(object)?;
        if self.in_context.insert(identity(object)) {
            self.context.push(value.clone());
        }
        self.push_reviewed(object, value);
        Ok(())
    }

    /// Adds an object under review that does not serve lookups (admission: the
    /// object under review is not in the inventory).
    pub fn push_reviewed_only(&mut self, object: &serde_json::Value) -> Result<()> {
        let value = to_value(object)?;
        self.push_reviewed(object, value);
        Ok(())
    }

    fn push_reviewed(&mut self, object: &serde_json::Value, value: Value) {
        self.objects.push(value);
        self.shard_keys.push(shard_key(object));
    }

    /// Adds an object used only for lookups (`--context-from`, an admission
    /// inventory), unless an object of its identity already serves them.
    pub fn push_context(&mut self, object: &serde_json::Value) -> Result<()> {
        if self.in_context.insert(identity(object)) {
            self.context.push(to_value(object)?);
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    fn to_input(&self) -> Result<Value> {
        self.input_for(self.objects.clone())
    }

    fn input_for(&self, objects: Vec<Value>) -> Result<Value> {
        let mut input = Value::new_object();
        let map = input.as_object_mut().map_err(|e| anyhow!("{e}"))?;
        map.insert(Value::from("objects"), Value::from(objects));
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
}

impl Evaluator {
    /// Loads every library and rule module, plus the generated `podauth`
    /// package that gathers the `deny` sets of the selected rules.
    pub fn new(bundle: &Bundle, selected: &[&str]) -> Result<Evaluator> {
        let mut engine = bundle
            .engine(Purpose::Evaluate(selected))
            .map_err(|e| anyhow!(e))?;
        // Prepared once here (analysis, schedule, loop hoisting), so every
        // clone a worker evaluates on starts prepared instead of redoing it.
        engine.set_input(InputDocument::new(&crate::Parameters::default()).to_input()?);
        engine
            .eval_rule("data.podauth.deny".into())
            .map_err(|e| anyhow!("preparing the policies: {e}"))?;
        Ok(Evaluator { engine })
    }

    /// Evaluates the `podauth/findings` entrypoint over an input document. Large
    /// inputs are split by namespace into one shard per core; every shard sees
    /// the whole lookup context, so results equal a single evaluation.
    pub fn evaluate(&self, input: &InputDocument) -> Result<Evaluation> {
        let workers = shard_count(input.objects.len())?;
        if workers < 2 {
            return self.evaluate_input(input.to_input()?);
        }
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); workers];
        for (i, key) in input.shard_keys.iter().enumerate() {
            members[(*key % workers as u64) as usize].push(i);
        }
        members.retain(|m| !m.is_empty());
        let parts: Vec<Result<Evaluation>> = std::thread::scope(|scope| {
            let handles: Vec<_> = members
                .iter()
                .map(|indices| {
                    scope.spawn(move || {
                        let objects = indices.iter().map(|&i| input.objects[i].clone()).collect();
                        self.evaluate_input(input.input_for(objects)?)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(anyhow!("evaluation thread panicked")))
                })
                .collect()
        });
        let mut findings = Vec::new();
        let mut workloads = Vec::new();
        for (part, indices) in parts.into_iter().zip(&members) {
            let part = part?;
            findings.extend(part.findings.into_iter().map(|mut f| {
                f.object = indices[f.object];
                f
            }));
            for mut w in part.workloads.as_array().cloned().unwrap_or_default() {
                if let Some(r) = w.get("ref").and_then(serde_json::Value::as_u64) {
                    w["ref"] = serde_json::Value::from(indices[r as usize]);
                }
                workloads.push(w);
            }
        }
        workloads.sort_by_key(|w| w.get("ref").and_then(serde_json::Value::as_u64));
        findings.sort();
        Ok(Evaluation {
            findings,
            workloads: serde_json::Value::Array(workloads),
        })
    }

    fn evaluate_input(&self, input: Value) -> Result<Evaluation> {
        let rule = entrypoint_rule(FINDINGS_ENTRYPOINT);
        // The engine, with every intermediate rule value it computed, is
        // dropped before the document is converted: at 100k objects the two
        // alive together set the peak memory.
        let document = {
            let mut engine = self.engine.clone();
            engine.set_input(input);
            engine
                .eval_rule(rule)
                .map_err(|e| anyhow!("evaluating policies: {e}"))?
        };
        Evaluation::from_document(&to_json(&document)?)
    }

    /// Evaluates any rule (such as `data.podauth.migration.plan`) over an input
    /// document, as JSON (null when undefined).
    pub fn evaluate_rule(&self, input: &InputDocument, rule: &str) -> Result<serde_json::Value> {
        let mut engine = self.engine.clone();
        engine.set_input(input.to_input()?);
        let value = engine
            .eval_rule(rule.to_string())
            .map_err(|e| anyhow!("evaluating {rule}: {e}"))?;
        to_json(&value)
    }
}

fn to_json(v: &Value) -> Result<serde_json::Value> {
    if *v == Value::Undefined {
        return Ok(serde_json::Value::Null);
    }
    // Straight through serde: no pretty-printed JSON text in between.
    Ok(serde_json::to_value(v)?)
}

fn raw_findings(json: serde_json::Value) -> Result<Vec<RawFinding>> {
    let items = match json {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Null => vec![],
        other => return Err(anyhow!("findings must be a set, got {other}")),
    };
    items
        .into_iter()
        .map(|f| {
            let field = |k: &str| f.get(k).and_then(|v| v.as_str()).map(str::to_string);
            let rule = field("rule").ok_or_else(|| anyhow!("finding without rule: {f}"))?;
            // Without a valid ref the finding belongs to no object: never guess one.
            let object = f
                .get("ref")
                .and_then(serde_json::Value::as_u64)
                .and_then(|r| usize::try_from(r).ok())
                .ok_or_else(|| {
                    anyhow!("{rule}: finding without a valid ref (the object's position in objects.review): {f}")
                })?;
            Ok(RawFinding {
                rule,
                object,
                path: field("path").unwrap_or_default(),
                message: field("msg").ok_or_else(|| anyhow!("finding without msg: {f}"))?,
                severity: field("severity")
                    .map(|s| {
                        s.parse::<Severity>()
                            .map_err(|e| anyhow!("{e} in finding {f}"))
                    })
                    .transpose()?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_without_a_valid_ref_is_an_error_not_object_0() {
        let doc = |finding: serde_json::Value| serde_json::json!({"findings": [finding]});
        let ok = Evaluation::from_document(&doc(
            serde_json::json!({"rule": "PA101", "ref": 3, "path": "p", "msg": "m"}),
        ))
        .unwrap();
        assert_eq!(ok.findings[0].object, 3);
        for bad in [
            serde_json::json!({"rule": "PA101", "path": "p", "msg": "m"}),
            serde_json::json!({"rule": "PA101", "ref": -1, "path": "p", "msg": "m"}),
            serde_json::json!({"rule": "PA101", "ref": "0", "path": "p", "msg": "m"}),
        ] {
            let err = Evaluation::from_document(&doc(bad))
                .unwrap_err()
                .to_string();
            assert!(err.contains("PA101: finding without a valid ref"), "{err}");
        }
    }

    #[test]
    fn the_shard_knob_moves_the_threshold_or_turns_sharding_off() {
        let shards = |objects, workers, knob| shards_for(objects, workers, knob).unwrap();
        assert_eq!(shards(SHARD_THRESHOLD - 1, 4, None), 1);
        assert_eq!(shards(SHARD_THRESHOLD, 4, None), 4);
        assert_eq!(shards(SHARD_THRESHOLD, 1, None), 1, "one core: no shards");
        assert_eq!(shards(10, 4, Some("10")), 4);
        assert_eq!(shards(9, 4, Some("10")), 1);
        assert_eq!(
            shards(10, 1, Some("1")),
            2,
            "the knob shards even on one core"
        );
        assert_eq!(shards(1_000_000, 8, Some("off")), 1);
        let err = shards_for(10, 2, Some("lots")).unwrap_err().to_string();
        assert!(err.contains(SHARD_MIN_OBJECTS_ENV), "{err}");
    }
}
