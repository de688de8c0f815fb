//! Printers render a finished report or catalog onto a writer. They never
//! evaluate anything, and they are the only code that writes to stdout.
mod catalog;
mod structured;
mod table;

pub use catalog::{print_explain, print_rules, print_test_outcomes};
pub use structured::{to_json_string, write_json, write_yaml};
pub use table::write_table;

use crate::report::Report;
use std::io::{self, Write};

/// Report output formats (`-o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable, grouped by resource
    Table,
    /// Stable JSON (docs/json-schema.md)
    Json,
    /// The JSON shape as YAML
    Yaml,
}

/// Which sections the table shows (`--show`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Show {
    Findings,
    Workloads,
    All,
}

pub struct PrintOptions {
    pub color: bool,
    pub show: Show,
}

pub fn print_report(
    report: &Report,
    format: Format,
    opts: &PrintOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => write_table(report, opts, out),
        Format::Json => write_json(report, out),
        Format::Yaml => write_yaml(report, out),
    }
}
