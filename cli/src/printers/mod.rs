//! Printers render a finished report or catalog onto the writer they are
//! given; they never evaluate anything. They do not open stdout themselves: the
//! command hands them stdout, behind the credential redactor.
mod catalog;
mod github;
mod html;
mod junit;
mod sarif;
mod structured;
mod table;

pub use catalog::{print_explain, print_rules, print_test_outcomes};
pub use html::BaselineProgress;
pub use structured::{to_json_string, to_yaml, write_json, write_yaml};
pub use table::{plural, write_table, Layout};

use crate::report::Report;
use crate::settings::{Format, Show};
use std::io::{self, Write};

pub struct PrintOptions<'r> {
    pub color: bool,
    pub show: Show,
    pub show_suppressed: bool,
    /// Every rule that ran, for SARIF's tool.driver and JUnit's suites.
    pub rules: Vec<&'r podauth_policies::RuleMeta>,
    pub fail_on: podauth_policies::Severity,
    /// `--baseline` progress, for the HTML report.
    pub baseline: Option<BaselineProgress>,
    /// Terminal width the table fits (`None`: not a terminal, no limit).
    pub width: Option<usize>,
}

pub fn print_report(
    report: &Report,
    format: Format,
    opts: &PrintOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let for_terminal;
    let report = if matches!(format, Format::Table | Format::Github) {
        for_terminal = escaped_for_terminal(report);
        &for_terminal
    } else {
        report
    };
    match format {
        Format::Table => write_table(
            report,
            opts,
            Layout {
                width: opts.width,
                wide: false,
            },
            out,
        ),
        Format::Wide => write_table(
            report,
            opts,
            Layout {
                width: None,
                wide: true,
            },
            out,
        ),
        Format::Json => write_json(report, out),
        Format::Yaml => write_yaml(report, out),
        Format::Sarif => sarif::write_sarif(report, &opts.rules, out),
        Format::Junit => junit::write_junit(report, &opts.rules, opts.fail_on, out),
        Format::Github => github::write_github(report, out),
        Format::Html => html::write_html(report, opts, out),
    }
}

/// The report with every string from input passed through
/// [`crate::terminal::escape_control`], for the formats read on a terminal or in
/// a CI log (JSON, YAML, SARIF and JUnit escape control characters themselves).
fn escaped_for_terminal(report: &Report) -> Report {
    fn esc(s: &mut String) {
        if let std::borrow::Cow::Owned(e) = crate::terminal::escape_control(s) {
            *s = e;
        }
    }
    fn resource(r: &mut crate::report::Resource) {
        esc(&mut r.api_version);
        esc(&mut r.kind);
        esc(&mut r.name);
        r.namespace.iter_mut().for_each(esc);
    }
    fn finding(f: &mut crate::report::Finding) {
        resource(&mut f.resource);
        f.cluster.iter_mut().for_each(esc);
        f.source.iter_mut().for_each(|s| esc(&mut s.file));
        esc(&mut f.path);
        esc(&mut f.message);
    }
    let mut r = report.clone();
    r.findings.iter_mut().for_each(finding);
    for s in &mut r.suppressed {
        finding(&mut s.finding);
        match &mut s.suppression {
            crate::report::Suppression::Inline { reason } => reason.iter_mut().for_each(esc),
            crate::report::Suppression::Config { reason, .. } => esc(reason),
            crate::report::Suppression::Baseline => {}
        }
    }
    for w in &mut r.workloads {
        resource(&mut w.resource);
        w.cluster.iter_mut().for_each(esc);
        w.source.iter_mut().for_each(|s| esc(&mut s.file));
        for s in [
            &mut w.service_account,
            &mut w.effective,
            &mut w.recommended,
            &mut w.reason,
        ] {
            esc(s);
        }
        w.methods.iter_mut().for_each(esc);
    }
    for e in &mut r.errors {
        esc(&mut e.file);
        esc(&mut e.message);
    }
    r
}
