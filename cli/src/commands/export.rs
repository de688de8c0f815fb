//! `kubectl podauth export`: writes the policy library as admission-engine artifacts.
use crate::cli::{
    ExportArgs, ExportSelection, ExportTarget, GatekeeperExportArgs, GkEnforcement,
    KubewardenExportArgs, KwMode, KwPolicyMode,
};
use crate::diag::CliError;
use crate::export::{self, gatekeeper, kubewarden};
use crate::Exit;
use std::path::Path;

pub fn run(args: &ExportArgs) -> Result<Exit, CliError> {
    // The gator suite carries the rules' examples, fake keys included.
    let embedded = podauth_policies::Bundle::embedded();
    crate::redact::allow_examples(
        embedded
            .rules
            .iter()
            .flat_map(|r| &r.examples)
            .map(|e| e.text.as_str()),
    );
    match &args.target {
        ExportTarget::Kubewarden(a) => run_kubewarden(a),
        ExportTarget::OpaBundle { output } => {
            let target = super::file_target("export opa-bundle", output, "podauth.tar.gz")?;
            let bundle = super::load_bundle(&[])?;
            let bytes = export::opa_bundle::archive(&bundle)
                .map_err(|e| CliError::new(format!("building the OPA bundle: {e:#}")))?;
            super::write_file_target(&target, &bytes)?;
            Ok(Exit::Clean)
        }
        ExportTarget::Gatekeeper(a) => run_gatekeeper(a),
        ExportTarget::Wasm { output } => {
            let target = super::file_target("export wasm", output, "podauth.wasm")?;
            super::write_file_target(&target, podauth_wasm::MODULE)?;
            Ok(Exit::Clean)
        }
    }
}

fn run_kubewarden(args: &KubewardenExportArgs) -> Result<Exit, CliError> {
    super::dir_target(
        "export kubewarden",
        &args.output,
        "policy.wasm and policy.yaml",
    )?;
    let bundle = super::load_bundle(&[])?;
    let rules = selected(&bundle, &args.rules)?;
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
        crate::printers::to_yaml(&policy).as_bytes(),
    )?;
    Ok(Exit::Clean)
}

fn run_gatekeeper(args: &GatekeeperExportArgs) -> Result<Exit, CliError> {
    // `-o -` is the default (the manifests on stdout), spelled out.
    let output = args.output.as_deref().filter(|p| p.as_os_str() != "-");
    if let Some(dir) = output {
        super::dir_target(
            "export gatekeeper",
            dir,
            "templates/, constraints/, syncset.yaml and a gator suite",
        )?;
    }
    let bundle = super::load_bundle(&args.policy)?;
    let rules = selected(&bundle, &args.rules)?;
    let mut parameters = serde_json::Map::new();
    if !args.exempt_namespace.is_empty() {
        parameters.insert(
            "exemptNamespaces".into(),
            args.exempt_namespace.clone().into(),
        );
    }
    if !args.exempt_image.is_empty() {
        parameters.insert("exemptImages".into(), args.exempt_image.clone().into());
    }
    if let Some(id) = &args.account_id {
        parameters.insert("accountId".into(), id.clone().into());
    }
    let options = gatekeeper::Options {
        group: args.group,
        enforcement: match args.enforcement {
            GkEnforcement::Deny => gatekeeper::Enforcement::Deny,
            GkEnforcement::Dryrun => gatekeeper::Enforcement::Dryrun,
            GkEnforcement::Warn => gatekeeper::Enforcement::Warn,
        },
        excluded_namespaces: args
            .exclude_namespace
            .iter()
            .filter(|ns| !ns.is_empty())
            .cloned()
            .collect(),
        parameters,
    };
    let out = gatekeeper::export(&bundle, &rules, &options)
        .map_err(|e| CliError::new(format!("building the Gatekeeper export: {e:#}")))?;
    for skipped in &out.skipped {
        crate::diag::warning(&format!("not exported: {skipped}"));
    }
    match output {
        None => super::emit(|w| w.write_all(out.manifests().as_bytes()))?,
        Some(dir) => {
            for (rel, text) in out.files() {
                let path = dir.join(rel);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        CliError::new(format!("creating {}: {e}", parent.display()))
                    })?;
                }
                write(&path, text.as_bytes())?;
            }
        }
    }
    Ok(Exit::Clean)
}

fn selected<'b>(
    bundle: &'b podauth_policies::Bundle,
    selection: &ExportSelection,
) -> Result<Vec<&'b podauth_policies::RuleMeta>, CliError> {
    export::select_rules(
        bundle,
        &selection.select,
        &selection.ignore,
        selection.min_severity.map(Into::into),
    )
    .map_err(|e| CliError::new(e.to_string()).hint("`kubectl podauth rules` lists every rule id"))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    crate::redact::write_file(path, bytes)
        .map_err(|e| CliError::new(format!("writing {}: {e}", path.display())))
}
