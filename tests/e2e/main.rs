//! End-to-end tests: they run the built `kubectl-podauth` binary (and real
//! `kubectl`) the way users and CI do.
mod support;

/// The seeded estate generator of `cargo xtask corpus`, shared rather than copied.
#[allow(dead_code, clippy::print_stderr)] // `run` is the xtask command line
#[path = "../../xtask/src/corpus.rs"]
mod corpus;

mod catalog;
mod check;
mod engines;
mod export;
mod gatekeeper;
mod golden;
mod hostile;
mod kubectl_plugin;
mod live;
mod migrate;
mod redaction;
mod rule_examples;
mod scaling;
mod sharding;
mod team;
mod wiring;
