//! `kubectl podauth migrate`: evaluates `data.podauth.migration.plan` over the
//! same input as `check` and writes the plan's files to a directory.
use super::{emit, load_bundle, load_evaluator};
use crate::cli::MigrateArgs;
use crate::config::Config;
use crate::diag::{self, CliError};
use crate::manifest::InputError;
use crate::migrate;
use crate::pipeline::evaluate::{self, Batch};
use crate::pipeline::live_source;
use crate::settings::Prefer;
use crate::timings::Timings;
use crate::Exit;
use podauth_policies::{Bundle, Evaluator, InputDocument, MigrationParameters, Parameters};
use std::collections::HashSet;
use std::path::Path;

const PLAN_RULE: &str = "data.podauth.migration.plan";

pub fn run(args: &MigrateArgs) -> Result<Exit, CliError> {
    let cwd =
        std::env::current_dir().map_err(|e| CliError::new(format!("working directory: {e}")))?;
    if !args.filenames.is_empty() {
        live_source::reject_cluster_flags_offline(&args.cluster)?;
    }
    super::dir_target(
        "migrate",
        &args.output_dir,
        "MIGRATION.md, patches, IAM policies and scripts",
    )?;
    let config = Config::discover(None, &cwd)?;
    let parameters = parameters(args, &config)?;
    let bundle = load_bundle(&[])?;
    let evaluator = load_evaluator(&bundle, &[])?;

    let several =
        args.filenames.is_empty() && (args.cluster.all_contexts || args.cluster.contexts.len() > 1);
    if several {
        refuse_single_cluster_flags(args)?;
    }
    let (batches, read_errors) = read_input(args, &bundle)?;
    for e in &read_errors {
        diag::input_error(&e.to_string());
    }
    let mut failed = !read_errors.is_empty();
    if several {
        prepare_parent(&args.output_dir)?;
    }
    for batch in &batches {
        let dir = match (&batch.cluster, several) {
            (Some(context), true) => args.output_dir.join(context_dir_name(context)),
            _ => args.output_dir.clone(),
        };
        let mut params = parameters.clone();
        if let (Some(context), true) = (&batch.cluster, several) {
            cluster_parameters(&mut params, context);
        }
        failed |= plan_one(&evaluator, batch, params, &dir)?;
    }
    Ok(if failed { Exit::Error } else { Exit::Clean })
}

/// Plans one input (a set of files, or one cluster) into `dir`; true when
/// some input could not be read or was refused.
fn plan_one(
    evaluator: &Evaluator,
    batch: &Batch,
    mut params: Parameters,
    dir: &Path,
) -> Result<bool, CliError> {
    let mut errors = batch.loaded.errors.clone();
    let mut objects: Vec<&serde_json::Value> = Vec::new();
    for m in &batch.loaded.manifests {
        match invalid_names(m) {
            Some(e) => errors.push(e),
            None => objects.push(&m.value),
        }
    }
    crate::redact::learn(objects.iter().copied());
    for e in &errors {
        diag::input_error(&e.to_string());
    }

    params.inventory_complete = batch.inventory_complete;
    let mut doc = InputDocument::new(&params);
    for value in &objects {
        doc.push_object(value)
            .map_err(|e| CliError::new(format!("{e:#}")))?;
    }
    let plan = evaluator.evaluate_rule(&doc, PLAN_RULE).map_err(|e| {
        CliError::new(format!("{e:#}")).hint("this is a bug in a policy; please report it")
    })?;
    if !plan.is_object() {
        return Err(CliError::new("the migration policy returned no plan")
            .hint("this is a bug in a policy; please report it"));
    }
    check_roles(&plan)?;
    warn_placeholders(&plan);

    let files = migrate::render(&plan, &objects);
    write_files(dir, &files)?;

    let migrations = plan["migrations"].as_array().cloned().unwrap_or_default();
    let skipped = plan["skipped"].as_array().map_or(0, Vec::len);
    let dir = dir.display().to_string();
    let cluster = batch
        .cluster
        .as_ref()
        .map(|c| format!(" (context {c:?})"))
        .unwrap_or_default();
    emit(|out| {
        writeln!(
            out,
            "Wrote {} to {dir}{cluster}: {} to migrate, {skipped} not migrated.",
            crate::printers::plural(files.len(), "file"),
            crate::printers::plural(migrations.len(), "workload")
        )?;
        for m in &migrations {
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_string();
            writeln!(
                out,
                "  {}/{}/{}: {} -> {}",
                s("namespace"),
                s("kind"),
                s("name"),
                s("from"),
                s("to")
            )?;
        }
        writeln!(
            out,
            "Next: read {dir}/MIGRATION.md, then review: {}",
            migrate::review_command(&dir)
        )
    })?;
    Ok(!errors.is_empty())
}

/// With several clusters, flags that name one cluster are refused: each
/// plan takes its cluster name (and region) from its EKS context ARN.
fn refuse_single_cluster_flags(args: &MigrateArgs) -> Result<(), CliError> {
    for (flag, given) in [
        ("--cluster-name", args.cluster_name.is_some()),
        ("--oidc-provider", args.oidc_provider.is_some()),
    ] {
        if given {
            return Err(CliError::new(format!(
                "{flag} names one cluster, and this run plans several"
            ))
            .hint("run migrate once per --context with its own value, or leave it out: an EKS context (arn:aws:eks:REGION:ACCOUNT:cluster/NAME) gives each plan its cluster name and region"));
        }
    }
    Ok(())
}

/// The cluster name and region of an EKS context name
/// (`arn:aws:eks:eu-west-1:111122223333:cluster/prod`), unless given.
fn cluster_parameters(params: &mut Parameters, context: &str) {
    let parts: Vec<&str> = context.split(':').collect();
    if let ["arn", _, "eks", region, _, resource] = parts.as_slice() {
        if let Some(name) = resource.strip_prefix("cluster/") {
            params.migration.cluster_name = name.to_string();
            if params.migration.region.is_empty() {
                params.migration.region = (*region).to_string();
            }
        }
    }
}

/// One plan directory per cluster: the context name with every character
/// outside [A-Za-z0-9._-] replaced by `_`.
fn context_dir_name(context: &str) -> String {
    let name: String = context
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    match name.as_str() {
        "" | "." | ".." => format!("context{name}"),
        _ => name,
    }
}

/// The parent of per-cluster plans: new, empty, or holding only earlier
/// per-cluster plans (directories with a MIGRATION.md).
fn prepare_parent(dir: &Path) -> Result<(), CliError> {
    if !dir.exists() {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| CliError::new(format!("reading {}: {e}", dir.display())))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.join("MIGRATION.md").is_file() {
            return Err(CliError::new(format!(
                "{} holds {}, which is not a plan of an earlier run",
                dir.display(),
                path.display()
            ))
            .hint("pass a new or empty directory to -o: with several clusters, each gets a plan in its own subdirectory"));
        }
    }
    Ok(())
}

/// Flags win over `.podauth.yaml` defaults (prefer, clusterType, accountId).
fn parameters(args: &MigrateArgs, config: &Config) -> Result<Parameters, CliError> {
    let method =
        config.method_settings(args.prefer, args.cluster_type, args.account_id.as_ref())?;
    let (prefer, cluster_type, account_id) =
        (method.prefer, method.cluster_type, method.account_id);
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let valid_account = account_id.len() == 12 && account_id.bytes().all(|b| b.is_ascii_digit());
    if !account_id.is_empty() && !valid_account {
        return Err(CliError::new(format!(
            "--account-id {account_id:?} is not a 12-digit AWS account id"
        )));
    }
    Ok(Parameters {
        account_id,
        prefer: prefer.as_str().into(),
        cluster_type: cluster_type.as_str().into(),
        oidc_provider: opt(&args.oidc_provider),
        migration: MigrationParameters {
            cluster_name: opt(&args.cluster_name),
            region: opt(&args.region),
            base_role_arn: opt(&args.base_role_arn),
            role_name_template: args.role_name_template.clone(),
            to: args.to.map(Prefer::as_str).unwrap_or_default().into(),
        },
        ..Parameters::default()
    })
}

/// The inputs to plan for: the files given with -f, or each cluster read,
/// with the clusters that could not be read.
fn read_input(
    args: &MigrateArgs,
    bundle: &Bundle,
) -> Result<(Vec<Batch>, Vec<InputError>), CliError> {
    if !args.filenames.is_empty() {
        let mut loaded = evaluate::load_files(
            &args.filenames,
            args.max_file_size,
            bundle,
            &mut Timings::disabled(),
        );
        let empty = evaluate::empty_input_errors(&loaded, loaded.manifests.len(), args.allow_empty);
        loaded.errors.extend(empty);
        let batch = Batch {
            loaded,
            cluster: None,
            inventory_complete: false,
            context: Vec::new(),
        };
        return Ok((vec![batch], Vec::new()));
    }
    let live = live_source::read_clusters(&args.cluster, bundle)?;
    if live.batches.is_empty() {
        let reasons: Vec<String> = live.errors.iter().map(ToString::to_string).collect();
        return Err(CliError::new(format!(
            "could not read any cluster: {}",
            if reasons.is_empty() {
                "the kubeconfig names no context".to_string()
            } else {
                reasons.join("; ")
            }
        ))
        .hint("check the contexts with kubectl config get-contexts, or plan from manifests with -f PATH"));
    }
    Ok((live.batches, live.errors))
}

/// An object whose names break the API server's rules never reaches a path,
/// a script or an IAM name: it is refused with an error naming it.
fn invalid_names(m: &crate::manifest::Manifest) -> Option<InputError> {
    let problems = migrate::safe_paths::name_problems(&m.value);
    if problems.is_empty() {
        return None;
    }
    let kind = m.value["kind"].as_str().unwrap_or_default();
    let live = m.origin.file.starts_with("cluster:");
    Some(InputError {
        file: m.origin.file.to_string(),
        document: (!live).then_some(m.origin.document),
        line: (!live).then_some(m.origin.line),
        message: format!(
            "{kind}: {}; the object was not migrated",
            problems.join("; ")
        ),
    })
}

/// IAM role names: 1-64 of [A-Za-z0-9+=,.@_-].
fn check_roles(plan: &serde_json::Value) -> Result<(), CliError> {
    for role in plan["roles"].as_array().into_iter().flatten() {
        let name = role["name"].as_str().unwrap_or_default();
        let valid = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
        if !valid {
            return Err(CliError::new(format!("invalid IAM role name {name:?}")).hint(
                "role names are 1-64 characters of letters, digits and +=,.@_-; adjust --role-name-template (or pass --cluster-name for {cluster})",
            ));
        }
    }
    Ok(())
}

fn warn_placeholders(plan: &serde_json::Value) {
    let p = &plan["parameters"];
    let targets: HashSet<&str> = plan["migrations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["to"].as_str())
        .collect();
    let missing = |k: &str| p[k].as_str().unwrap_or_default().starts_with('<');
    let warn = |cond: bool, flag: &str, what: &str| {
        if cond {
            diag::warning(&format!(
                "no {flag}: the plan uses a placeholder for {what}"
            ));
        }
    };
    let accounts: Vec<&str> = p["input_accounts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .collect();
    let several = if accounts.len() > 1 {
        format!(
            "the account (the input names several: {}; a plan uses one)",
            accounts.join(", ")
        )
    } else {
        "the account".to_string()
    };
    warn(
        !targets.is_empty() && missing("account_id"),
        "--account-id",
        &several,
    );
    warn(
        targets.contains("irsa") && missing("oidc_provider"),
        "--oidc-provider",
        "the OIDC provider in IRSA trust policies",
    );
    warn(
        targets.contains("pod-identity") && missing("cluster_name"),
        "--cluster-name",
        "the cluster in Pod Identity associations",
    );
}

/// Writes the files; a previous plan in the directory (it has MIGRATION.md) is
/// replaced, any other non-empty directory is refused. Paths stay inside the
/// directory and never pass through a symbolic link (`safe_paths`).
fn write_files(dir: &Path, files: &migrate::Files) -> Result<(), CliError> {
    let io = |what: &str, path: &Path, e: std::io::Error| {
        CliError::new(format!("{what} {}: {e}", path.display()))
    };
    let refused = |e: migrate::safe_paths::WriteError| CliError::new(e.to_string());
    if dir.exists() {
        if !dir.is_dir() {
            return Err(CliError::new(format!(
                "{} exists and is not a directory",
                dir.display()
            )));
        }
        let non_empty = std::fs::read_dir(dir)
            .map_err(|e| io("reading", dir, e))?
            .next()
            .is_some();
        if non_empty {
            if !dir.join("MIGRATION.md").is_file() {
                return Err(CliError::new(format!(
                    "{} is not empty and holds no previous plan",
                    dir.display()
                ))
                .hint("pass a new or empty directory to -o"));
            }
            for entry in migrate::OWNED_ENTRIES {
                migrate::safe_paths::remove_entry(&dir.join(entry)).map_err(refused)?;
            }
        }
    } else {
        std::fs::create_dir_all(dir).map_err(|e| io("creating", dir, e))?;
    }
    migrate::safe_paths::write_files(dir, files).map_err(refused)
}
