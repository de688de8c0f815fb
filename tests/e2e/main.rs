//! End-to-end tests: they run the built `kubectl-podauth` binary (and real
//! `kubectl`) the way users and CI do.
mod support;

/// The seeded estate generator of `cargo xtask corpus`, shared rather than copied.
#[allow(dead_code, clippy::print_stderr)] // `run` is the xtask command line
#[path = "../../xtask/src/corpus.rs"]
mod corpus;

mod catalog;
mod check;
mod completion;
mod consistency;
mod credential_parity;
mod engines;
mod export;
mod flags;
mod gatekeeper;
mod golden;
mod hardening;
mod hostile;
mod hostile_migration;
mod iam_trust;
mod integrations;
mod kinds;
mod kubectl_plugin;
mod linking;
mod live;
mod migrate;
mod redaction;
mod report_html;
mod report_schema;
mod rule_examples;
mod scaling;
mod sharding;
mod team;
mod terminal;
mod wiring;
