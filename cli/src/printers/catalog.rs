//! `rules`, `explain` and `test` output, rendered from rule METADATA.
use crate::settings::CatalogFormat;
use crate::style::{paint, Paint};
use podauth_policies::{Rule, TestOutcome};
use serde_json::json;
use std::io::{self, Write};

fn rule_json(rule: &Rule) -> serde_json::Value {
    let m = &rule.meta;
    json!({
        "id": m.id,
        "name": m.name,
        "severity": m.severity,
        "category": m.category,
        "title": m.title,
        "description": m.description,
        "why": m.why,
        "remediation": m.remediation,
        "migration": m.migration,
        "kinds": m.kinds,
        "relatedResources": m.related_resources,
        "source": rule.file.path,
    })
}

pub fn print_rules(rules: &[&Rule], format: CatalogFormat, out: &mut dyn Write) -> io::Result<()> {
    let all = || -> Vec<_> { rules.iter().map(|r| rule_json(r)).collect() };
    match format {
        CatalogFormat::Json => return super::write_json(&all(), out),
        CatalogFormat::Yaml => return super::write_yaml(&all(), out),
        CatalogFormat::Table => {}
    }
    let name_w = rules
        .iter()
        .map(|r| r.meta.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        out,
        "{:<6}  {:<name_w$}  {:<8}  TITLE",
        "ID", "NAME", "SEVERITY"
    )?;
    for r in rules {
        let m = &r.meta;
        writeln!(
            out,
            "{:<6}  {:<name_w$}  {:<8}  {}",
            m.id,
            m.name,
            m.severity.as_str(),
            m.title
        )?;
    }
    Ok(())
}

pub fn print_explain(
    rule: &Rule,
    format: CatalogFormat,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        CatalogFormat::Json => return super::write_json(&rule_json(rule), out),
        CatalogFormat::Yaml => return super::write_yaml(&rule_json(rule), out),
        CatalogFormat::Table => {}
    }
    let m = &rule.meta;
    writeln!(
        out,
        "{} ({}): {}",
        paint(color, Paint::Bold, &m.id),
        m.name,
        m.title
    )?;
    writeln!(out, "Severity: {}    Category: {}", m.severity, m.category)?;
    writeln!(out, "Applies to: {}", m.kinds.join(", "))?;
    let section = |out: &mut dyn Write, title: &str, body: &str| -> io::Result<()> {
        writeln!(out, "\n{}", paint(color, Paint::Bold, title))?;
        writeln!(out, "{}", wrap(body, 78))
    };
    section(out, "What it finds", &m.description)?;
    if let Some(why) = &m.why {
        section(out, "Why it matters", why)?;
    }
    section(out, "How to fix it", &m.remediation)?;
    if let Some(migration) = &m.migration {
        section(out, "Migration path", migration)?;
    }
    if !m.related_resources.is_empty() {
        writeln!(out, "\n{}", paint(color, Paint::Bold, "References"))?;
        for r in &m.related_resources {
            writeln!(out, "  {r}")?;
        }
    }
    writeln!(out, "\nSource: {}", rule.file.path)
}

/// Wraps text at word boundaries, indenting by two spaces.
fn wrap(text: &str, width: usize) -> String {
    let mut lines = Vec::new();
    let mut line = String::from(" ");
    for word in text.split_whitespace() {
        if line.len() + 1 + word.len() > width && !line.trim().is_empty() {
            lines.push(line);
            line = String::from(" ");
        }
        line.push(' ');
        line.push_str(word);
    }
    if !line.trim().is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

/// `opa test`-style output; the closing line is `N passed, M failed`.
pub fn print_test_outcomes(
    outcomes: &[TestOutcome],
    verbose: bool,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    for o in outcomes {
        if !o.passed {
            let detail = o.detail.as_deref().unwrap_or("");
            writeln!(
                out,
                "{} {}.{} ({}): {detail}",
                paint(color, Paint::Bad, "FAIL"),
                o.package,
                o.name,
                o.file
            )?;
        } else if verbose {
            writeln!(
                out,
                "{} {}.{}",
                paint(color, Paint::Good, "PASS"),
                o.package,
                o.name
            )?;
        }
    }
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    writeln!(out, "{} passed, {failed} failed", outcomes.len() - failed)
}
