//! The kubectl-podauth policy library.
//!
//! The Rego files under `policies/` (`lib`, `entrypoints`, `products`, `rules`)
//! are the single source of truth for every rule: this crate embeds them, parses their `# METADATA`
//! blocks (regorus does not), and evaluates them with regorus. The CLI, the Wasm
//! module and every export consume the same [`Bundle`].

mod bundle;
pub mod kinds;
mod metadata;
mod severity;

#[cfg(feature = "engine")]
mod engine;
#[cfg(feature = "engine")]
mod testrunner;

pub use bundle::{
    aggregate_module, Bundle, BundleError, Example, ExampleKind, PolicyFile, Rule, AGGREGATE_PATH,
    FINDINGS_ENTRYPOINT,
};
pub use metadata::{MetadataError, RuleMeta};
pub use severity::Severity;

#[cfg(feature = "engine")]
pub use engine::{Evaluation, Evaluator, InputDocument, RawFinding};
#[cfg(feature = "engine")]
pub use testrunner::{run_tests, TestOutcome};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}
