//! The Kubewarden target: `policy.wasm` (entrypoint 0 for the mode, memory
//! snapshotted, `io.kubewarden.metadata` custom section) and `policy.yaml` (a
//! `ClusterAdmissionPolicy`).
use super::{admission_rules, context_resources, cross_object};
use anyhow::{Context, Result};
use podauth_policies::{RuleMeta, Severity};
use serde_json::{json, Value};

/// The custom section Kubewarden reads a module's metadata from.
pub const METADATA_SECTION: &str = "io.kubewarden.metadata";

/// The project's repository (the workspace's `repository`; the CLI crate does
/// not inherit it, so `CARGO_PKG_REPOSITORY` may be empty).
pub const SOURCE: &str = match option_env!("CARGO_PKG_REPOSITORY") {
    Some(url) if !url.is_empty() => url,
    _ => "https://github.com/podauth/kubectl-podauth",
};

/// Kubewarden's Rego execution modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `opa`: input `{"request"}`, data = settings + `kubernetes` inventory.
    Opa,
    /// `gatekeeper`: input `{"parameters", "review"}`, data = `inventory`.
    Gatekeeper,
}

impl Mode {
    pub fn execution_mode(self) -> &'static str {
        match self {
            Mode::Opa => "opa",
            Mode::Gatekeeper => "gatekeeper",
        }
    }

    /// The module entrypoint the mode evaluates (Kubewarden always runs id 0).
    pub fn entrypoint(self) -> &'static str {
        match self {
            Mode::Opa => podauth_wasm::KUBEWARDEN_RESPONSE,
            Mode::Gatekeeper => podauth_wasm::GATEKEEPER_VIOLATION,
        }
    }
}

/// `protect` rejects; `monitor` only logs and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyMode {
    Protect,
    Monitor,
}

impl PolicyMode {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyMode::Protect => "protect",
            PolicyMode::Monitor => "monitor",
        }
    }
}

/// The module Kubewarden runs: the mode's entrypoint as id 0, the initialised
/// memory snapshotted (Kubewarden instantiates the module per request).
pub fn module(mode: Mode) -> Result<Vec<u8>> {
    let ordered = podauth_wasm::with_entrypoints(podauth_wasm::MODULE, &[mode.entrypoint()])?;
    podauth_wasm::snapshot(&ordered).context("snapshotting the module's initialised memory")
}

/// The JSON `kwctl annotate` writes into `io.kubewarden.metadata`.
pub fn metadata(rules: &[&RuleMeta], mode: Mode) -> Value {
    let severity = rules
        .iter()
        .map(|r| r.severity)
        .max()
        .unwrap_or(Severity::Info);
    let mut categories: Vec<&str> = rules.iter().map(|r| r.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    json!({
        "protocolVersion": "Unknown",
        "rules": admission_rules(rules),
        "annotations": {
            "io.kubewarden.policy.title": "podauth",
            "io.kubewarden.policy.description": format!(
                "How pods authenticate to AWS: static keys, node roles, IRSA and EKS Pod Identity (rules {}).",
                ids.join(", ")
            ),
            "io.kubewarden.policy.version": env!("CARGO_PKG_VERSION"),
            "io.kubewarden.policy.severity": severity.as_str(),
            "io.kubewarden.policy.category": categories.join(", "),
            "io.kubewarden.policy.source": SOURCE,
            "io.kubewarden.policy.license": env!("CARGO_PKG_LICENSE"),
        },
        "mutating": false,
        "backgroundAudit": true,
        "contextAwareResources": if cross_object(rules) { context_resources(rules) } else { json!([]) },
        "executionMode": mode.execution_mode(),
        "policyType": "kubernetes",
    })
}

/// `wasm` with its `io.kubewarden.metadata` section set to `metadata` (an
/// existing one is replaced), as `kwctl annotate` does with walrus.
pub fn annotate(wasm: &[u8], metadata: &Value) -> Result<Vec<u8>> {
    let mut module = walrus::Module::from_buffer(wasm).context("reading the module")?;
    let old: Vec<_> = module
        .customs
        .iter()
        .filter(|(_, c)| c.name() == METADATA_SECTION)
        .map(|(id, _)| id)
        .collect();
    for id in old {
        module.customs.delete(id);
    }
    module.customs.add(walrus::RawCustomSection {
        name: METADATA_SECTION.to_string(),
        data: serde_json::to_vec(metadata)?,
    });
    Ok(module.emit_wasm())
}

/// Reads the `io.kubewarden.metadata` section back.
pub fn read_metadata(wasm: &[u8]) -> Result<Option<Value>> {
    let module = walrus::Module::from_buffer(wasm).context("reading the module")?;
    let section = module
        .customs
        .iter()
        .find(|(_, c)| c.name() == METADATA_SECTION)
        .map(|(_, c)| c.data(&Default::default()).into_owned());
    section
        .map(|bytes| serde_json::from_slice(&bytes).context("the metadata is not JSON"))
        .transpose()
}

/// The settings the policy runs with: `enabled_rules` limits the rules that
/// report (read by `policies/entrypoints/kubewarden.rego` from `data` in opa mode, and
/// by `policies/entrypoints/gatekeeper.rego` from `input.parameters` in gatekeeper mode).
pub fn settings(rules: &[&RuleMeta]) -> Value {
    json!({"enabled_rules": rules.iter().map(|r| r.id.as_str()).collect::<Vec<_>>()})
}

/// The `ClusterAdmissionPolicy` (`policies.kubewarden.io/v1`) for the module at `module_url`.
pub fn cluster_admission_policy(
    rules: &[&RuleMeta],
    mode: Mode,
    policy_mode: PolicyMode,
    module_url: &str,
) -> Value {
    let meta = metadata(rules, mode);
    let mut spec = json!({
        "module": module_url,
        "mode": policy_mode.as_str(),
        "mutating": false,
        "backgroundAudit": true,
        "rules": meta["rules"],
        "settings": settings(rules),
    });
    if cross_object(rules) {
        spec["contextAwareResources"] = meta["contextAwareResources"].clone();
    }
    json!({
        "apiVersion": "policies.kubewarden.io/v1",
        "kind": "ClusterAdmissionPolicy",
        "metadata": {
            "name": format!("podauth-{}", mode.execution_mode()),
            "annotations": {
                "io.kubewarden.policy.severity": meta["annotations"]["io.kubewarden.policy.severity"],
                "io.kubewarden.policy.category": meta["annotations"]["io.kubewarden.policy.category"],
            },
        },
        "spec": spec,
    })
}
