//! GitHub Actions workflow commands: annotations on the changed files.
use crate::report::Report;
use podauth_policies::Severity;
use std::io::{self, Write};

pub fn write_github(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        let command = match f.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "notice",
        };
        let location = f
            .source
            .as_ref()
            .map(|s| format!(" file={},line={},", prop(&s.file), s.line))
            .unwrap_or_else(|| " ".into());
        let title = prop(&format!("{} {}", f.rule, f.name));
        writeln!(
            out,
            "::{command}{location}title={title}::{}",
            data(&format!("{} (at {})", f.message, f.path))
        )?;
    }
    for e in &report.errors {
        let location = match e.line {
            Some(l) => format!(" file={},line={l}::", prop(&e.file)),
            None => format!(" file={}::", prop(&e.file)),
        };
        writeln!(out, "::error{location}{}", data(&e.message))?;
    }
    writeln!(
        out,
        "kubectl-podauth: {} findings, {} input errors",
        report.summary.findings, report.summary.errors
    )
}

/// Escapes a workflow-command message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value.
fn prop(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
