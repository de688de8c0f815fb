//! `kubectl podauth export`: writes the policy library as admission-engine artifacts.
use crate::cli::{ExportArgs, ExportTarget, KubewardenExportArgs, KwMode, KwPolicyMode};
use crate::diag::CliError;
use crate::export::{self, kubewarden};
use crate::Exit;
use std::path::Path;

pub fn run(args: &ExportArgs) -> Result<Exit, CliError> {
    match &args.target {
        ExportTarget::Kubewarden(a) => run_kubewarden(a),
        ExportTarget::OpaBundle { output } => {
            let bundle = super::load_bundle(&[])?;
            let bytes = export::opa_bundle::archive(&bundle)
                .map_err(|e| CliError::new(format!("building the OPA bundle: {e:#}")))?;
            write(output, &bytes)?;
            Ok(Exit::Clean)
        }
        ExportTarget::Wasm { output } => {
            write(output, podauth_wasm::MODULE)?;
            Ok(Exit::Clean)
        }
    }
}

fn run_kubewarden(args: &KubewardenExportArgs) -> Result<Exit, CliError> {
    let bundle = super::load_bundle(&[])?;
    let rules = export::select_rules(
        &bundle,
        &args.select,
        &args.ignore,
        args.min_severity.map(Into::into),
    )
    .map_err(|e| {
        CliError::new(e.to_string()).hint("`kubectl podauth rules` lists every rule id")
    })?;
    let mode = match args.mode {
        KwMode::Opa => kubewarden::Mode::Opa,
        KwMode::Gatekeeper => kubewarden::Mode::Gatekeeper,
    };
    let policy_mode = match args.policy_mode {
        KwPolicyMode::Protect => kubewarden::PolicyMode::Protect,
        KwPolicyMode::Monitor => kubewarden::PolicyMode::Monitor,
    };
    std::fs::create_dir_all(&args.output)
        .map_err(|e| CliError::new(format!("creating {}: {e}", args.output.display())))?;
    let wasm_path = args.output.join("policy.wasm");
    let module_url = match &args.module_url {
        Some(url) => url.clone(),
        None => {
            let dir = std::fs::canonicalize(&args.output)
                .map_err(|e| CliError::new(format!("resolving {}: {e}", args.output.display())))?;
            format!("file://{}", dir.join("policy.wasm").display())
        }
    };
    let failed = |e: anyhow::Error| CliError::new(format!("building the Kubewarden module: {e:#}"));
    let module = kubewarden::module(mode).map_err(failed)?;
    let module =
        kubewarden::annotate(&module, &kubewarden::metadata(&rules, mode)).map_err(failed)?;
    write(&wasm_path, &module)?;
    let policy = kubewarden::cluster_admission_policy(&rules, mode, policy_mode, &module_url);
    write(
        &args.output.join("policy.yaml"),
        export::to_yaml(&policy).as_bytes(),
    )?;
    Ok(Exit::Clean)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes)
        .map_err(|e| CliError::new(format!("writing {}: {e}", path.display())))
}
