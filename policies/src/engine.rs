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
    strings: Interner,
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

/// Objects per part of a sharded evaluation, at most: a part's intermediate
/// rule values (every pod fact, every rule's partial set) take about twice the
/// memory of its objects, and only one part per worker is alive at a time.
/// Parts stay large because each one re-derives the context-wide values that
/// are not in the lookup index (about 4% of a whole evaluation per part).
const PART_OBJECTS: usize = 30_000;

/// How many parts `objects` objects on `workers` workers are split into: at
/// least one per worker, and whole rounds of workers so they finish together.
fn part_count(objects: usize, workers: usize) -> usize {
    objects.div_ceil(PART_OBJECTS).div_ceil(workers).max(1) * workers
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
        let value = self.strings.value(object)?;
        if self.in_context.insert(identity(object)) {
            self.context.push(value.clone());
        }
        self.push_reviewed(object, value);
        Ok(())
    }

    /// Adds an object under review that does not serve lookups (admission: the
    /// object under review is not in the inventory).
    pub fn push_reviewed_only(&mut self, object: &serde_json::Value) -> Result<()> {
        let value = self.strings.value(object)?;
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
            let value = self.strings.value(object)?;
            self.context.push(value);
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
        self.input_for(self.objects.clone(), None)
    }

    /// The document for these objects under review; `lookups`, when given, is
    /// the lookup index built once for the whole run ([`LOOKUP_INDEX_RULE`]).
    fn input_for(&self, objects: Vec<Value>, lookups: Option<&Value>) -> Result<Value> {
        let mut input = Value::new_object();
        let map = input.as_object_mut().map_err(|e| anyhow!("{e}"))?;
        map.insert(Value::from("objects"), Value::from(objects));
        map.insert(Value::from("context"), Value::from(self.context.clone()));
        map.insert(Value::from("parameters"), to_value(&self.parameters)?);
        if let Some(lookups) = lookups {
            map.insert(Value::from("lookups"), lookups.clone());
        }
        Ok(input)
    }

    /// The document as JSON text, for engines that take bytes (the Wasm module).
    pub fn to_json(&self) -> Result<String> {
        self.to_input()?.to_json_str().map_err(|e| anyhow!("{e}"))
    }
}

/// Converts objects to regorus values with one allocation per distinct key or
/// short string across the whole document: object keys (`metadata`, `name`,
/// `env`...) and values such as kinds, API versions and env names repeat in
/// almost every object, and otherwise each occurrence is its own allocation.
#[derive(Clone, Default)]
struct Interner {
    strings: std::collections::HashMap<Box<str>, Value>,
}

/// Longer strings (certificates, file contents) rarely repeat.
const INTERNED_STRING_MAX: usize = 64;

impl Interner {
    fn value(&mut self, v: &serde_json::Value) -> Result<Value> {
        Ok(match v {
            serde_json::Value::String(s) => self.string(s),
            serde_json::Value::Array(items) => Value::from(
                items
                    .iter()
                    .map(|item| self.value(item))
                    .collect::<Result<Vec<_>>>()?,
            ),
            serde_json::Value::Object(map) => Value::from(
                map.iter()
                    .map(|(k, item)| Ok((self.string(k), self.value(item)?)))
                    .collect::<Result<std::collections::BTreeMap<_, _>>>()?,
            ),
            // Null, booleans and numbers exactly as serde converts them.
            leaf => to_value(leaf)?,
        })
    }

    fn string(&mut self, s: &str) -> Value {
        if s.len() > INTERNED_STRING_MAX {
            return Value::from(s);
        }
        if let Some(v) = self.strings.get(s) {
            return v.clone();
        }
        let v = Value::from(s);
        self.strings.insert(s.into(), v.clone());
        v
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
    /// Whether the bundle defines [`LOOKUP_INDEX_RULE`] (the embedded library does).
    has_lookup_index: bool,
}

/// The lookup indexes that depend on the context alone (policies/lib/lookups.rego).
const LOOKUP_INDEX_PACKAGE: &str = "podauth.lib.lookups";
const LOOKUP_INDEX_RULE: &str = "data.podauth.lib.lookups.index";

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
        let has_lookup_index = bundle
            .libraries
            .iter()
            .any(|f| f.package == LOOKUP_INDEX_PACKAGE);
        Ok(Evaluator {
            engine,
            has_lookup_index,
        })
    }

    /// The lookup indexes over the whole context, built once for every shard
    /// of a run (each shard would otherwise rebuild them from the same context).
    fn lookup_index(&self, input: &InputDocument) -> Result<Option<Value>> {
        if !self.has_lookup_index {
            return Ok(None);
        }
        let mut engine = self.engine.clone();
        engine.set_input(input.input_for(Vec::new(), None)?);
        let index = engine
            .eval_rule(LOOKUP_INDEX_RULE.into())
            .map_err(|e| anyhow!("building the lookup indexes: {e}"))?;
        Ok(Some(index))
    }

    /// Evaluates the `podauth/findings` entrypoint over an input document. Large
    /// inputs are split by namespace into parts, evaluated one per core at a
    /// time; every part sees the whole lookup context (its indexes built once,
    /// [`LOOKUP_INDEX_RULE`]), so results equal a single evaluation.
    pub fn evaluate(&self, input: &InputDocument) -> Result<Evaluation> {
        let workers = shard_count(input.objects.len())?;
        if workers < 2 {
            return self.evaluate_input(input.to_input()?);
        }
        let parts = part_count(input.objects.len(), workers);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); parts];
        for (i, key) in input.shard_keys.iter().enumerate() {
            members[(*key % parts as u64) as usize].push(i);
        }
        members.retain(|m| !m.is_empty());
        let lookups = self.lookup_index(input)?;
        let lookups = lookups.as_ref();
        let members = &members;
        // Worker w evaluates parts w, w + workers, ...: only `workers` parts'
        // intermediate rule values are alive at any time.
        let mut parts: Vec<(usize, Result<Evaluation>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers.min(members.len()))
                .map(|worker| {
                    scope.spawn(move || {
                        let mut done = Vec::new();
                        for part in (worker..members.len()).step_by(workers) {
                            let objects = members[part]
                                .iter()
                                .map(|&i| input.objects[i].clone())
                                .collect();
                            let result = input
                                .input_for(objects, lookups)
                                .and_then(|doc| self.evaluate_input(doc));
                            let failed = result.is_err();
                            done.push((part, result));
                            if failed {
                                break;
                            }
                        }
                        done
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join()
                        .unwrap_or_else(|_| vec![(0, Err(anyhow!("evaluation thread panicked")))])
                })
                .collect()
        });
        parts.sort_by_key(|(part, _)| *part);
        let mut findings = Vec::new();
        let mut workloads = Vec::new();
        for (part, result) in parts {
            let indices = &members[part];
            let result = result?;
            findings.extend(result.findings.into_iter().map(|mut f| {
                f.object = indices[f.object];
                f
            }));
            for mut w in result.workloads.as_array().cloned().unwrap_or_default() {
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
    fn large_inputs_are_split_into_whole_rounds_of_parts() {
        assert_eq!(part_count(SHARD_THRESHOLD, 2), 2);
        assert_eq!(part_count(PART_OBJECTS * 2, 2), 2);
        assert_eq!(part_count(PART_OBJECTS * 2 + 1, 2), 4, "a second round");
        assert_eq!(part_count(PART_OBJECTS * 5, 2), 6);
        assert_eq!(part_count(10, 4), 4, "at least one part per worker");
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
