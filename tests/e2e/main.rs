//! End-to-end tests: they run the built `kubectl-podauth` binary (and real
//! `kubectl`) the way users and CI do.
mod support;

mod catalog;
mod check;
mod engines;
mod export;
mod gatekeeper;
mod golden;
mod hostile;
mod kinds;
mod kubectl_plugin;
mod live;
mod migrate;
mod redaction;
mod rule_examples;
mod scaling;
mod team;
