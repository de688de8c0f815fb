//! `kubectl podauth check`: load, evaluate, report.
use super::{emit, load_bundle};
use crate::cli::{CheckArgs, EngineKind};
use crate::config::Config;
use crate::diag::{self, CliError};
use crate::manifest::Manifest;
use crate::pipeline::baseline::Baseline;
use crate::pipeline::evaluate::{self, Engine, Prepared};
use crate::pipeline::live_source;
use crate::pipeline::suppress;
use crate::printers::{self, PrintOptions};
use crate::report::{Finding, Report, Suppression};
use crate::Exit;
use podauth_policies::{Bundle, Parameters, Severity};

/// The rule that reports `podauth.io/ignore` without a reason; it cannot be
/// suppressed by the annotation it is about.
const SUPPRESSION_WITHOUT_REASON: &str = "PA901";

pub fn run(args: &CheckArgs, color: bool) -> Result<Exit, CliError> {
    let mut timings = crate::timings::Timings::new(args.timings);
    if !args.filenames.is_empty() {
        live_source::reject_cluster_flags_offline(&args.cluster)?;
    }
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
    let evaluator = match args.engine {
        EngineKind::Native => Engine::Native(Box::new(super::load_evaluator(&bundle, &selected)?)),
        EngineKind::Wasm => {
            if !args.policies.is_empty() {
                return Err(CliError::new("--engine wasm runs the embedded module, which cannot load --policy directories")
                    .hint("use --engine native (the default) with custom policies"));
            }
            let engine = podauth_wasm::WasmEngine::new()
                .map_err(|e| CliError::new(format!("starting the Wasm engine: {e:#}")))?;
            Engine::Wasm {
                engine: Box::new(engine),
                selected: selected.iter().map(|s| (*s).to_string()).collect(),
            }
        }
    };

    let (inputs, mut errors, degraded) = if args.filenames.is_empty() {
        let live = timings.phase("read", || {
            live_source::read_clusters(&args.cluster, &bundle)
        })?;
        let inputs = timings.phase("normalise", || {
            live.batches
                .into_iter()
                .map(|batch| Prepared::of(batch, settings.parameters()))
                .collect::<Result<Vec<_>, _>>()
        })?;
        (inputs, live.errors, live.degraded)
    } else {
        let mut prepared = evaluate::prepare_files(
            &args.filenames,
            args.max_file_size,
            &bundle,
            &settings.parameters(),
            &mut timings,
        )?;
        let empty =
            evaluate::empty_input_errors(&prepared.loaded, prepared.len(), args.allow_empty);
        prepared.loaded.errors.extend(empty);
        let context = context_from(args, &bundle, &mut timings);
        timings.phase("normalise", || prepared.add_context(context))?;
        (vec![prepared], Vec::new(), Default::default())
    };
    let live = args.filenames.is_empty();
    let clusters = inputs.len();
    let (mut findings, mut workloads, mut objects, mut files) = (Vec::new(), Vec::new(), 0, 0);
    let mut inline_ignores = suppress::InlineIgnores::new();
    for prepared in inputs {
        let part = evaluate::evaluate(&bundle, &evaluator, prepared, &mut timings)?;
        findings.extend(part.findings);
        workloads.extend(part.workloads);
        errors.extend(part.errors);
        objects += part.objects_read;
        files += part.files_read;
        inline_ignores.extend(part.inline_ignores);
    }
    let mut report = Report::new(findings, workloads, errors, objects, files);
    if live {
        report.summary.clusters = Some(clusters);
        report.summary.degraded_rules = degraded.into_iter().collect();
    }
    let baseline = apply_team_policy(&mut report, &config, &inline_ignores, args)?;

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
        baseline,
        width: crate::style::terminal_width(),
    };
    timings.phase("output", || {
        emit(|out| printers::print_report(&report, args.output, &opts, out))
    })?;
    if let Some(text) = timings.report() {
        diag::timings(&text);
    }
    Ok(exit_code(&report, settings.fail_on))
}

/// The `--context-from` objects. Their problems are warnings: the context is
/// not what the run checks, and a broken file elsewhere in the repository must
/// not fail the check of the file at hand.
fn context_from(
    args: &CheckArgs,
    bundle: &podauth_policies::Bundle,
    timings: &mut crate::timings::Timings,
) -> Vec<Manifest> {
    if args.context_from.is_empty() {
        return Vec::new();
    }
    let loaded = evaluate::load_context(&args.context_from, args.max_file_size, bundle, timings);
    for e in &loaded.errors {
        diag::warning(&format!("--context-from: {e} (not used as context)"));
    }
    loaded.manifests
}

/// Flags win over `.podauth.yaml` defaults, which win over built-in defaults.
struct Settings {
    fail_on: Severity,
    method: crate::config::MethodSettings,
    oidc_provider: String,
}

impl Settings {
    fn resolve(args: &CheckArgs, config: &Config) -> Result<Settings, CliError> {
        let fail_on = match (args.fail_on, &config.defaults.fail_on) {
            (Some(s), _) => s.into(),
            (None, Some(s)) => s
                .parse::<Severity>()
                .map_err(|e| CliError::new(format!(".podauth.yaml defaults.failOn: {e}")))?,
            (None, None) => Severity::High,
        };
        let method =
            config.method_settings(args.prefer, args.cluster_type, args.account_id.as_ref())?;
        Ok(Settings {
            fail_on,
            method,
            oidc_provider: args.oidc_provider.clone().unwrap_or_default(),
        })
    }

    fn parameters(&self) -> Parameters {
        Parameters {
            account_id: self.method.account_id.clone(),
            prefer: self.method.prefer.as_str().into(),
            cluster_type: self.method.cluster_type.as_str().into(),
            oidc_provider: self.oidc_provider.clone(),
            ..Parameters::default()
        }
    }
}

/// Severity overrides, inline suppressions, config exceptions and the baseline.
fn apply_team_policy(
    report: &mut Report,
    config: &Config,
    inline: &suppress::InlineIgnores,
    args: &CheckArgs,
) -> Result<Option<printers::BaselineProgress>, CliError> {
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
    let inline_for = |f: &Finding| {
        let place = f.source.as_ref().map(|s| (s.file.clone(), s.document));
        inline.get(&(f.resource.clone(), place))
    };
    report.suppress(|f| {
        if f.rule == SUPPRESSION_WITHOUT_REASON {
            return None;
        }
        if let Some((ids, reason)) = inline_for(f) {
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
        if !args.update_baseline && !path.exists() {
            // A mistyped or not yet committed baseline must not pass the gate.
            return Err(
                CliError::new(format!("baseline {} does not exist", path.display()))
                    .hint("write it first with --update-baseline"),
            );
        }
        if args.update_baseline {
            Baseline::of(&report.findings).write(path)?;
            diag::warning(&format!(
                "wrote baseline {} with {} findings; later runs fail only on new findings",
                path.display(),
                report.findings.len()
            ));
        }
        let baseline = Baseline::read(path)?;
        let known = baseline.fingerprints();
        let present: std::collections::BTreeSet<String> = report
            .findings
            .iter()
            .chain(report.suppressed.iter().map(|s| &s.finding))
            .map(Finding::fingerprint)
            .collect();
        report.suppress(|f| {
            known
                .contains(f.fingerprint().as_str())
                .then_some(Suppression::Baseline)
        });
        let open = report
            .suppressed
            .iter()
            .filter(|s| s.suppression == Suppression::Baseline)
            .count();
        return Ok(Some(printers::BaselineProgress {
            known: known.len(),
            fixed: known.iter().filter(|k| !present.contains(**k)).count(),
            open,
            new: report.findings.len(),
        }));
    }
    Ok(None)
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
    let rules = bundle.select(select, ignore).map_err(|e| {
        CliError::new(e.to_string()).hint("`kubectl podauth rules` lists every rule id")
    })?;
    Ok(rules.into_iter().map(|m| m.id.as_str()).collect())
}
