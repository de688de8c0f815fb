//! `kubectl podauth check`: load, evaluate, report.
use super::{emit, load_bundle};
use crate::baseline::Baseline;
use crate::cli::{CheckArgs, ClusterType, Prefer};
use crate::config::Config;
use crate::diag::{self, CliError};
use crate::manifest::{self, InputError, Limits, Loaded, Source};
use crate::printers::{self, PrintOptions};
use crate::redact::Redactor;
use crate::report::{self, Finding, Report, Resource, Workload};
use crate::suppress::{self, Suppression};
use crate::Exit;
use podauth_policies::{Bundle, Evaluator, InputDocument, Severity};
use std::collections::HashSet;

/// The rule that reports `podauth.io/ignore` without a reason; it cannot be
/// suppressed by the annotation it is about.
const SUPPRESSION_WITHOUT_REASON: &str = "PA901";

pub fn run(args: &CheckArgs, color: bool) -> Result<Exit, CliError> {
    let cwd =
        std::env::current_dir().map_err(|e| CliError::new(format!("working directory: {e}")))?;
    let config = Config::discover(args.config.as_deref(), &cwd)?;
    let settings = Settings::resolve(args, &config)?;
    let bundle = load_bundle(&args.policies)?;
    let mut select = args.select.clone();
    if select.is_empty() {
        select.clone_from(&config.rules.select);
    }
    let ignore: Vec<String> = args
        .ignore
        .iter()
        .chain(&config.rules.ignore)
        .cloned()
        .collect();
    let selected = select_rules(&bundle, &select, &ignore)?;
    if args.filenames.is_empty() {
        return Err(CliError::new("no manifests given")
            .hint("pass -f FILE, -f DIR or -f - (stdin), e.g. `kubectl podauth check -f k8s/`"));
    }
    let sources: Vec<Source> = args.filenames.iter().map(|f| Source::parse(f)).collect();
    let limits = Limits {
        max_file_bytes: args.max_file_size.saturating_mul(1024 * 1024),
        ..Limits::default()
    };
    let kinds = bundle.supported_kinds();
    let is_supported = |k: &str| kinds.contains(k);
    let loaded = manifest::load(&sources, &limits, &is_supported);

    let evaluator = Evaluator::new(&bundle, &selected)
        .map_err(|e| CliError::new(format!("policies failed to load: {e:#}")))?;
    let mut report = evaluate(&bundle, &evaluator, &loaded, settings.parameters())?;
    apply_team_policy(&mut report, &config, &loaded, args)?;

    for e in &report.errors {
        diag::input_error(&e.to_string());
    }
    let opts = PrintOptions {
        color,
        show: args.show,
        show_suppressed: args.show_suppressed,
        rules: selected
            .iter()
            .filter_map(|id| bundle.rule(id))
            .map(|r| &r.meta)
            .collect(),
        fail_on: settings.fail_on,
    };
    emit(|out| printers::print_report(&report, args.output, &opts, out))?;
    Ok(exit_code(&report, settings.fail_on))
}

/// Flags win over `.podauth.yaml` defaults, which win over built-in defaults.
struct Settings {
    fail_on: Severity,
    prefer: Prefer,
    cluster_type: ClusterType,
    account_id: String,
}

impl Settings {
    fn resolve(args: &CheckArgs, config: &Config) -> Result<Settings, CliError> {
        let d = &config.defaults;
        let bad =
            |what: &str, e: String| CliError::new(format!(".podauth.yaml defaults.{what}: {e}"));
        let fail_on = match (args.fail_on, &d.fail_on) {
            (Some(s), _) => s.into(),
            (None, Some(s)) => s.parse::<Severity>().map_err(|e| bad("failOn", e))?,
            (None, None) => Severity::High,
        };
        let prefer = match (args.prefer, &d.prefer) {
            (Some(p), _) => p,
            (None, Some(p)) => p.parse().map_err(|e| bad("prefer", e))?,
            (None, None) => Prefer::Irsa,
        };
        let cluster_type = match (args.cluster_type, &d.cluster_type) {
            (Some(c), _) => c,
            (None, Some(c)) => c.parse().map_err(|e| bad("clusterType", e))?,
            (None, None) => ClusterType::Eks,
        };
        let account_id = args
            .account_id
            .clone()
            .or_else(|| d.account_id.clone())
            .unwrap_or_default();
        Ok(Settings {
            fail_on,
            prefer,
            cluster_type,
            account_id,
        })
    }

    fn parameters(&self) -> serde_json::Value {
        serde_json::json!({
            "account_id": self.account_id,
            "prefer": self.prefer.as_str(),
            "cluster_type": self.cluster_type.as_str(),
        })
    }
}

/// Severity overrides, inline suppressions, config exceptions and the baseline.
fn apply_team_policy(
    report: &mut Report,
    config: &Config,
    loaded: &Loaded,
    args: &CheckArgs,
) -> Result<(), CliError> {
    for f in &mut report.findings {
        if let Some(sev) = config
            .rules
            .severity
            .iter()
            .find(|(id, _)| id.eq_ignore_ascii_case(&f.rule))
        {
            f.severity = sev.1.parse().map_err(CliError::new)?;
        }
    }
    let (active, expired) = suppress::active_exceptions(&config.exceptions, crate::config::today());
    for e in &expired {
        diag::warning(&format!(
            "exception for {} ({}/{}) expired on {} and no longer applies: {}",
            e.rule,
            e.namespace,
            e.name,
            e.expires.as_deref().unwrap_or(""),
            e.reason
        ));
    }
    // Inline ignores come from the object the finding is on.
    let inline: Vec<Option<(Vec<String>, Option<String>)>> = loaded
        .manifests
        .iter()
        .map(|m| suppress::inline_ignores(&m.value))
        .collect();
    let object_of = |f: &Finding| {
        loaded.manifests.iter().position(|m| {
            Resource::of(&m.value) == f.resource
                && f.source
                    .as_ref()
                    .is_none_or(|s| *s.file == *m.origin.file && s.document == m.origin.document)
        })
    };
    report.suppress(|f| {
        if f.rule == SUPPRESSION_WITHOUT_REASON {
            return None;
        }
        if let Some(Some((ids, reason))) = object_of(f).map(|i| &inline[i]) {
            if ids
                .iter()
                .any(|id| id == "*" || id.eq_ignore_ascii_case(&f.rule))
            {
                return Some(Suppression::Inline {
                    reason: reason.clone(),
                });
            }
        }
        active
            .iter()
            .find(|e| suppress::exception_matches(e, f))
            .map(|e| Suppression::Config {
                reason: e.reason.clone(),
                expires: e.expires.clone(),
            })
    });
    report.summary.expired_exceptions = expired.len();

    if let Some(path) = &args.baseline {
        if args.update_baseline || !path.exists() {
            Baseline::of(&report.findings).write(path)?;
            diag::warning(&format!(
                "wrote baseline {} with {} findings; later runs fail only on new findings",
                path.display(),
                report.findings.len()
            ));
        }
        let baseline = Baseline::read(path)?;
        let known = baseline.fingerprints();
        report.suppress(|f| {
            known
                .contains(printers::fingerprint(f).as_str())
                .then_some(Suppression::Baseline)
        });
    }
    Ok(())
}

/// 2 for input errors (they may hide findings), else 1 for failing findings.
fn exit_code(report: &Report, fail_on: Severity) -> Exit {
    if !report.errors.is_empty() {
        Exit::Error
    } else if report.fails(fail_on) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

fn select_rules<'b>(
    bundle: &'b Bundle,
    select: &[String],
    ignore: &[String],
) -> Result<Vec<&'b str>, CliError> {
    for id in select.iter().chain(ignore) {
        if bundle.rule(id.trim()).is_none() {
            return Err(CliError::new(format!("unknown rule id {id:?}"))
                .hint("`kubectl podauth rules` lists every rule id"));
        }
    }
    let wanted = |id: &str| {
        (select.is_empty() || select.iter().any(|s| s.trim().eq_ignore_ascii_case(id)))
            && !ignore.iter().any(|s| s.trim().eq_ignore_ascii_case(id))
    };
    Ok(bundle
        .rules
        .iter()
        .map(|r| r.meta.id.as_str())
        .filter(|id| wanted(id))
        .collect())
}

/// Identity used to de-duplicate lookup context: group, kind, namespace, name.
fn identity(object: &serde_json::Value) -> (String, String, String, String) {
    let s = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).unwrap_or("").to_string();
    let api = s(object.get("apiVersion"));
    let group = api
        .rsplit_once('/')
        .map_or(String::new(), |(g, _)| g.to_string());
    let meta = object.get("metadata");
    let ns = s(meta.and_then(|m| m.get("namespace")));
    (
        group,
        s(object.get("kind")),
        if ns.is_empty() { "default".into() } else { ns },
        s(meta.and_then(|m| m.get("name"))),
    )
}

/// Evaluates the loaded manifests and builds the report.
pub fn evaluate(
    bundle: &Bundle,
    evaluator: &Evaluator,
    loaded: &Loaded,
    parameters: serde_json::Value,
) -> Result<Report, CliError> {
    let mut doc = InputDocument::new(parameters);
    let mut seen = HashSet::new();
    for m in &loaded.manifests {
        let first = seen.insert(identity(&m.value));
        doc.push_object(&m.value, first)
            .map_err(|e| CliError::new(format!("{e:#}")))?;
    }
    let evaluation = evaluator.evaluate(&doc).map_err(|e| {
        CliError::new(format!("{e:#}")).hint("this is a bug in a policy; please report it")
    })?;

    let redactor = Redactor::from_objects(loaded.manifests.iter().map(|m| &m.value));
    let source_of = |index: usize, path: &str| {
        loaded.manifests.get(index).map(|m| report::Source {
            file: m.origin.file.to_string(),
            line: loaded.line_of(&m.origin, path),
            document: m.origin.document,
        })
    };
    let mut findings = Vec::with_capacity(evaluation.findings.len());
    for raw in evaluation.findings {
        let Some(rule) = bundle.rule(&raw.rule) else {
            continue;
        };
        let Some(manifest) = loaded.manifests.get(raw.object) else {
            continue;
        };
        findings.push(Finding {
            rule: rule.meta.id.clone(),
            name: rule.meta.name.clone(),
            severity: raw.severity.unwrap_or(rule.meta.severity),
            title: rule.meta.title.clone(),
            resource: Resource::of(&manifest.value),
            source: source_of(raw.object, &raw.path),
            path: raw.path,
            message: redactor.scrub(&raw.message).into_owned(),
            remediation: rule.meta.remediation.clone(),
        });
    }
    let workloads = workloads(&evaluation.workloads, loaded, &source_of);
    let errors: Vec<InputError> = loaded
        .errors
        .iter()
        .map(|e| InputError {
            message: redactor.scrub(&e.message).into_owned(),
            ..e.clone()
        })
        .collect();
    let objects = loaded.manifests.len() + loaded.skipped_unknown_kinds;
    Ok(Report::new(
        findings,
        workloads,
        errors,
        objects,
        loaded.files_read,
    ))
}

fn workloads(
    value: &serde_json::Value,
    loaded: &Loaded,
    source_of: &dyn Fn(usize, &str) -> Option<report::Source>,
) -> Vec<Workload> {
    let Some(items) = value.as_array() else {
        return vec![];
    };
    items
        .iter()
        .filter_map(|w| {
            let index = w.get("ref")?.as_u64()? as usize;
            let manifest = loaded.manifests.get(index)?;
            let s = |k: &str| w.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            Some(Workload {
                resource: Resource::of(&manifest.value),
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
                    .map(|r| r as u8),
                recommended: s("recommended"),
                reason: s("reason"),
            })
        })
        .collect()
}
