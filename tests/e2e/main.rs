//! End-to-end tests: they run the built `kubectl-podauth` binary (and real
//! `kubectl`) the way users and CI do.
mod support;

mod catalog;
mod check;
mod completion;
mod credential_parity;
mod engines;
mod export;
mod flags;
mod gatekeeper;
mod golden;
mod hardening;
mod hostile;
mod hostile_migration;
mod integrations;
mod kubectl_plugin;
mod live;
mod migrate;
mod redaction;
mod report_html;
mod report_schema;
mod rule_examples;
mod scaling;
mod team;
mod terminal;
