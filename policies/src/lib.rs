//! The kubectl-podauth policy library.
//!
//! The Rego files under `policies/` (`lib`, `entrypoints`, `products`, `rules`)
//! are the single source of truth for every rule: this crate embeds them, parses their `# METADATA`
//! blocks (regorus does not), and evaluates them with regorus. The CLI, the Wasm
//! module and every export consume the same [`Bundle`].

mod bundle;
mod contract;
pub mod kinds;
mod metadata;
mod parameters;
mod severity;
pub mod yaml;

#[cfg(feature = "engine")]
mod engine;
#[cfg(feature = "engine")]
mod testrunner;

pub use bundle::{Bundle, BundleError, Example, ExampleKind, PolicyFile, Rule};
pub use contract::{
    aggregate_module, deny_rules, entrypoint_rule, Purpose, UnknownRule, AGGREGATE_PATH,
    ENTRYPOINTS, FINDINGS_ENTRYPOINT, GATEKEEPER_ENTRYPOINT, KUBEWARDEN_ENTRYPOINT,
};
pub use metadata::{MetadataError, RuleMeta};
pub use parameters::{MigrationParameters, Parameters};
pub use severity::Severity;

#[cfg(feature = "engine")]
pub use engine::{identity, Evaluation, Evaluator, Identity, InputDocument, RawFinding};
#[cfg(feature = "engine")]
pub use testrunner::{run_tests, TestOutcome};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}
