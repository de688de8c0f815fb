//! Turns one batch of objects (a set of files, or one cluster) into findings
//! and workloads.
use crate::diag::CliError;
use crate::manifest::{self, InputError, Limits, Loaded, Origin, Source};
use crate::pipeline::suppress::{self, InlineIgnores};
use crate::report::{self, Finding, Resource, Workload};
use crate::timings::Timings;
use podauth_policies::{Bundle, Evaluation, Evaluator, InputDocument, Parameters};

/// The engine a check runs on. Both evaluate the same policy files and must
/// produce byte-identical findings (tests/e2e/engines.rs).
pub enum Engine {
    Native(Box<Evaluator>),
    /// The embedded module always runs every built-in rule; findings of rules
    /// outside the selection are dropped, which equals the native selection.
    Wasm {
        engine: Box<podauth_wasm::WasmEngine>,
        selected: Vec<String>,
    },
}

impl Engine {
    fn evaluate(&self, doc: &InputDocument) -> anyhow::Result<Evaluation> {
        match self {
            Engine::Native(e) => e.evaluate(doc),
            Engine::Wasm { engine, selected } => {
                let document = engine.evaluate_findings(&doc.to_json()?)?;
                let mut evaluation = Evaluation::from_document(&document)?;
                evaluation.findings.retain(|f| selected.contains(&f.rule));
                Ok(evaluation)
            }
        }
    }
}

/// Objects evaluated together: they are each other's lookup context. Every
/// reader of a batch has already taught the redactor its credential values.
pub struct Batch {
    pub loaded: Loaded,
    /// The kubeconfig context, in live mode.
    pub cluster: Option<String>,
    /// Every object of the listed kinds is present (live mode, nothing forbidden).
    pub inventory_complete: bool,
    /// Objects only looked up, never reviewed (`--context-from`).
    pub context: Vec<manifest::Manifest>,
}

pub struct Evaluated {
    pub findings: Vec<Finding>,
    pub workloads: Vec<Workload>,
    pub errors: Vec<InputError>,
    pub objects_read: usize,
    pub files_read: usize,
    pub inline_ignores: InlineIgnores,
}

/// What the report still reads of an object under review once its parsed
/// document is converted for the engine and dropped.
struct Reviewed {
    origin: Origin,
    resource: Resource,
}

/// A batch ready to evaluate: its objects converted for the engine, each
/// parsed document dropped as soon as it is converted, so the objects are
/// held once, not twice (and while reading files, only a few files' parsed
/// documents at a time).
pub struct Prepared {
    /// What was read, without its objects: file texts (to locate finding
    /// lines), errors and counts.
    pub loaded: Loaded,
    cluster: Option<String>,
    doc: InputDocument,
    reviewed: Vec<Reviewed>,
    inline_ignores: InlineIgnores,
}

impl Prepared {
    pub fn new(parameters: &Parameters, cluster: Option<String>) -> Prepared {
        Prepared {
            loaded: Loaded::default(),
            cluster,
            doc: InputDocument::new(parameters),
            reviewed: Vec::new(),
            inline_ignores: InlineIgnores::new(),
        }
    }

    /// A whole batch (a cluster read, or files already loaded).
    pub fn of(batch: Batch, mut parameters: Parameters) -> Result<Prepared, CliError> {
        parameters.inventory_complete = batch.inventory_complete;
        let mut prepared = Prepared::new(&parameters, batch.cluster);
        prepared.add(batch.loaded)?;
        prepared.add_context(batch.context)?;
        Ok(prepared)
    }

    /// Objects under review, in the order read.
    pub fn len(&self) -> usize {
        self.reviewed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reviewed.is_empty()
    }

    /// Adds what was read, converting and dropping each object.
    pub fn add(&mut self, mut loaded: Loaded) -> Result<(), CliError> {
        for m in std::mem::take(&mut loaded.manifests) {
            self.doc
                .push_object(&m.value)
                .map_err(|e| CliError::new(format!("{e:#}")))?;
            let resource = Resource::of(&m.value);
            if let Some(ignores) = suppress::inline_ignores(&m.value) {
                self.inline_ignores
                    .insert(suppress::ignore_key(resource.clone(), &m.origin), ignores);
            }
            self.reviewed.push(Reviewed {
                origin: m.origin,
                resource,
            });
        }
        self.loaded.merge(loaded);
        Ok(())
    }

    /// Adds objects only looked up, never reviewed (`--context-from`).
    pub fn add_context(&mut self, context: Vec<manifest::Manifest>) -> Result<(), CliError> {
        for m in context {
            self.doc
                .push_context(&m.value)
                .map_err(|e| CliError::new(format!("{e:#}")))?;
        }
        Ok(())
    }
}

/// Reads `-f` sources (files, directories, `-`), keeping objects of the kinds the bundle reads.
pub fn load_files(
    filenames: &[String],
    max_file_mib: u64,
    bundle: &Bundle,
    timings: &mut Timings,
) -> Loaded {
    let kinds = bundle.supported_kinds();
    load_all(filenames, max_file_mib, &|k| kinds.contains(k), timings)
}

/// [`load_files`], each object converted for the engine as its file is read.
pub fn prepare_files(
    filenames: &[String],
    max_file_mib: u64,
    bundle: &Bundle,
    parameters: &Parameters,
    timings: &mut Timings,
) -> Result<Prepared, CliError> {
    let kinds = bundle.supported_kinds();
    let mut prepared = Prepared::new(parameters, None);
    load_parts(
        filenames,
        max_file_mib,
        &|k| kinds.contains(k),
        timings,
        &mut |part, timings| timings.phase("normalise", || prepared.add(part)),
    )?;
    Ok(prepared)
}

/// Reads `--context-from` sources, keeping only the kinds rules look up
/// (a `migrate` plan directory stands for the objects its review needs):
/// everything the bundle reads but workloads no rule looks up (DaemonSets
/// stay: PA403 looks for the Pod Identity Agent). Documents of other kinds are
/// skipped unread.
pub fn load_context(
    paths: &[String],
    max_file_mib: u64,
    bundle: &Bundle,
    timings: &mut Timings,
) -> Loaded {
    let kinds = bundle.supported_kinds();
    let lookups = bundle.looked_up_kinds();
    let looked_up = |k: &str| {
        kinds.contains(k) && (lookups.contains(k) || !podauth_policies::kinds::is_workload(k))
    };
    let paths: Vec<String> = paths
        .iter()
        .flat_map(|p| crate::migrate::review_context(p).unwrap_or_else(|| vec![p.clone()]))
        .collect();
    load_all(&paths, max_file_mib, &looked_up, timings)
}

fn load_all(
    paths: &[String],
    max_file_mib: u64,
    keep: &(dyn Fn(&str) -> bool + Sync),
    timings: &mut Timings,
) -> Loaded {
    let mut loaded = Loaded::default();
    let Ok(()) = load_parts::<std::convert::Infallible>(
        paths,
        max_file_mib,
        keep,
        timings,
        &mut |part, _| {
            loaded.merge(part);
            Ok(())
        },
    );
    loaded
}

/// Reads `paths` a few files at a time (one per thread, parsed in parallel)
/// and hands each part to `take` once the redactor has learned its values, so
/// a caller that converts the objects never holds every parsed document.
fn load_parts<E>(
    paths: &[String],
    max_file_mib: u64,
    keep: &(dyn Fn(&str) -> bool + Sync),
    timings: &mut Timings,
    take: &mut dyn FnMut(Loaded, &mut Timings) -> Result<(), E>,
) -> Result<(), E> {
    let sources: Vec<Source> = paths.iter().map(|f| Source::parse(f)).collect();
    let limits = Limits::for_file_size(max_file_mib.saturating_mul(1024 * 1024));
    let (files, expanded) = timings.phase("discover", || manifest::expand_sources(&sources));
    let mut take_part = |part: Loaded, timings: &mut Timings| {
        for w in &part.warnings {
            crate::diag::warning(&w.to_string());
        }
        crate::redact::learn(part.manifests.iter().map(|m| &m.value));
        take(part, timings)
    };
    take_part(expanded, timings)?;
    for chunk in files.chunks(rayon::current_num_threads().max(1)) {
        let part = manifest::load_timed(chunk, &limits, keep, timings);
        take_part(part, timings)?;
    }
    Ok(())
}

/// No silent green: a directory with no manifest file, or sources with no
/// object at all, are input errors unless `--allow-empty` says that is expected.
pub fn empty_input_errors(loaded: &Loaded, objects: usize, allow_empty: bool) -> Vec<InputError> {
    if allow_empty {
        return Vec::new();
    }
    let hint = "pass --allow-empty if that is expected";
    let mut errors: Vec<InputError> = loaded
        .empty_sources
        .iter()
        .map(|dir| InputError {
            file: dir.clone(),
            document: None,
            line: None,
            message: format!("directory holds no manifest file (.yaml, .yml, .json); {hint}"),
        })
        .collect();
    let no_objects = objects == 0 && loaded.skipped_unknown_kinds == 0;
    if errors.is_empty() && loaded.errors.is_empty() && no_objects {
        errors.push(InputError {
            file: "-f".into(),
            document: None,
            line: None,
            message: format!("the given paths hold no Kubernetes object; {hint}"),
        });
    }
    errors
}

/// Evaluates a prepared batch. The engine's copy of the objects is dropped
/// before the report is built.
pub fn evaluate(
    bundle: &Bundle,
    evaluator: &Engine,
    prepared: Prepared,
    timings: &mut Timings,
) -> Result<Evaluated, CliError> {
    let Prepared {
        loaded,
        cluster,
        doc,
        reviewed,
        inline_ignores,
    } = prepared;
    let evaluation = timings
        .phase("evaluate", || evaluator.evaluate(&doc))
        .map_err(|e| {
            CliError::new(format!("{e:#}")).hint("this is a bug in a policy; please report it")
        })?;
    drop(doc);

    let source_of = |index: usize, path: &str| {
        if cluster.is_some() {
            return None;
        }
        reviewed.get(index).map(|r| report::Source {
            file: r.origin.file.to_string(),
            line: loaded.line_of(&r.origin, path),
            document: r.origin.document,
        })
    };
    let mut findings = Vec::with_capacity(evaluation.findings.len());
    for raw in evaluation.findings {
        // A finding for a rule or object that does not exist is a bug (in a
        // policy, or in how refs are remapped): fail loudly, never drop it.
        let (Some(rule), Some(object)) = (bundle.rule(&raw.rule), reviewed.get(raw.object)) else {
            return Err(CliError::new(format!(
                "{} reported a finding for object {} of {} under review (rule known: {}): {}",
                raw.rule,
                raw.object,
                reviewed.len(),
                bundle.rule(&raw.rule).is_some(),
                crate::redact::scrub(&raw.message)
            ))
            .hint("this is a bug in a policy; please report it"));
        };
        findings.push(Finding {
            rule: rule.meta.id.clone(),
            name: rule.meta.name.clone(),
            severity: raw.severity.unwrap_or(rule.meta.severity),
            title: rule.meta.title.clone(),
            resource: object.resource.clone(),
            cluster: cluster.clone(),
            source: source_of(raw.object, &raw.path),
            path: raw.path,
            message: crate::redact::scrub(&raw.message).into_owned(),
            remediation: rule.meta.remediation.clone(),
        });
    }
    let workloads = workloads(&evaluation.workloads, &reviewed, &cluster, &source_of);
    let errors = loaded
        .errors
        .iter()
        .map(|e| InputError {
            message: crate::redact::scrub(&e.message).into_owned(),
            ..e.clone()
        })
        .collect();
    Ok(Evaluated {
        findings,
        workloads,
        errors,
        objects_read: reviewed.len() + loaded.skipped_unknown_kinds,
        files_read: loaded.files_read,
        inline_ignores,
    })
}

fn workloads(
    value: &serde_json::Value,
    reviewed: &[Reviewed],
    cluster: &Option<String>,
    source_of: &dyn Fn(usize, &str) -> Option<report::Source>,
) -> Vec<Workload> {
    let Some(items) = value.as_array() else {
        return vec![];
    };
    items
        .iter()
        .filter_map(|w| {
            let index = usize::try_from(w.get("ref")?.as_u64()?).ok()?;
            let object = reviewed.get(index)?;
            let s = |k: &str| w.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            Some(Workload {
                resource: object.resource.clone(),
                cluster: cluster.clone(),
                source: source_of(index, ""),
                service_account: s("serviceAccount"),
                methods: w
                    .get("methods")
                    .and_then(|m| m.as_array())
                    .map(|m| {
                        m.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                effective: s("effective"),
                rank: w
                    .get("rank")
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|r| u8::try_from(r).ok()),
                recommended: s("recommended"),
                reason: s("reason"),
            })
        })
        .collect()
}
