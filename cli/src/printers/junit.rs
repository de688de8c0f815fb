//! JUnit XML: one testcase per rule and resource; failures at or above --fail-on.
use crate::report::Report;
use podauth_policies::{RuleMeta, Severity};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub fn write_junit(
    report: &Report,
    rules: &[&RuleMeta],
    fail_on: Severity,
    out: &mut dyn Write,
) -> io::Result<()> {
    // testsuite per rule; testcase per (rule, resource) that has findings.
    let mut cases: BTreeMap<&str, BTreeMap<String, Vec<&crate::report::Finding>>> = BTreeMap::new();
    for r in rules {
        cases.entry(r.id.as_str()).or_default();
    }
    for f in &report.findings {
        cases
            .entry(f.rule.as_str())
            .or_default()
            .entry(f.resource.display())
            .or_default()
            .push(f);
    }
    let total_tests: usize = cases.values().map(|c| c.len().max(1)).sum();
    let total_failures: usize = cases
        .values()
        .flat_map(|c| c.values())
        .filter(|fs| fs.iter().any(|f| f.severity >= fail_on))
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="kubectl-podauth" tests="{total_tests}" failures="{total_failures}" errors="{}">"#,
        report.errors.len()
    )?;
    for (rule_id, by_resource) in &cases {
        let meta = rules.iter().find(|r| r.id == *rule_id);
        let title = meta.map_or("", |m| m.title.as_str());
        let failures = by_resource
            .values()
            .filter(|fs| fs.iter().any(|f| f.severity >= fail_on))
            .count();
        writeln!(
            out,
            r#"  <testsuite name="{} {}" tests="{}" failures="{failures}">"#,
            esc(rule_id),
            esc(title),
            by_resource.len().max(1)
        )?;
        if by_resource.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="no findings" classname="{}"/>"#,
                esc(rule_id)
            )?;
        }
        for (resource, findings) in by_resource {
            let file = findings[0]
                .source
                .as_ref()
                .map(|s| format!(r#" file="{}""#, esc(&s.file)))
                .unwrap_or_default();
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{}"{file}>"#,
                esc(resource),
                esc(rule_id)
            )?;
            let failing: Vec<_> = findings.iter().filter(|f| f.severity >= fail_on).collect();
            if failing.is_empty() {
                let text: Vec<String> = findings
                    .iter()
                    .map(|f| format!("{}: {}", f.severity, f.message))
                    .collect();
                writeln!(
                    out,
                    "      <system-out>{}</system-out>",
                    esc(&text.join("\n"))
                )?;
            } else {
                for f in failing {
                    let at = match &f.source {
                        Some(s) => format!("{}:{} {}", s.file, s.line, f.path),
                        None => f.path.clone(),
                    };
                    writeln!(
                        out,
                        r#"      <failure type="{}" message="{}">{}&#10;at {}&#10;fix: {}</failure>"#,
                        f.severity,
                        esc(&f.message),
                        esc(&f.message),
                        esc(&at),
                        esc(&f.remediation)
                    )?;
                }
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    if !report.errors.is_empty() {
        writeln!(
            out,
            r#"  <testsuite name="input" tests="{0}" errors="{0}">"#,
            report.errors.len()
        )?;
        for e in &report.errors {
            writeln!(
                out,
                r#"    <testcase name="{}" classname="input"><error message="{}"/></testcase>"#,
                esc(&e.file),
                esc(&e.to_string())
            )?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}
