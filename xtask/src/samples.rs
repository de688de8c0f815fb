//! The README's sample output, produced by running the CLI on examples/, so the
//! figures in it (findings, objects, files) cannot go stale.
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The command the README shows, as typed.
const SHOWN: &str = "kubectl podauth check -f examples/";

/// The generated README regions: (marker name, text).
pub fn regions(root: &Path) -> Result<Vec<(&'static str, String)>> {
    let table = run_cli(root, &["check", "-f", "examples/"])?;
    let json = run_cli(root, &["check", "-f", "examples/", "-o", "json"])?;
    let report: Value = serde_json::from_str(&json).context("parsing check -o json")?;
    Ok(vec![
        ("SAMPLE OUTPUT", text_sample(&table)),
        ("SAMPLE JSON", json_sample(&report)?),
    ])
}

/// Runs the CLI from the workspace root (built as `cargo build` builds it);
/// exit 1 (findings) is expected.
fn run_cli(root: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--bin", "kubectl-podauth", "--"])
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .context("running the CLI through cargo")?;
    if !matches!(out.status.code(), Some(0 | 1)) {
        bail!(
            "kubectl-podauth {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).context("CLI output is not UTF-8")
}

/// The table output cut to fit the top of the README: the first object's
/// findings and those of every object with a critical finding, then the
/// workloads and the summary in full.
fn text_sample(table: &str) -> String {
    let (findings, rest) = match table.find("\nWorkloads\n") {
        Some(i) => (&table[..i], &table[i + 1..]),
        None => (table, ""),
    };
    let groups: Vec<&str> = findings.trim_end().split("\n\n").collect();
    let shown: Vec<&str> = groups
        .iter()
        .enumerate()
        .filter(|(i, g)| *i == 0 || g.contains("CRITICAL"))
        .map(|(_, g)| *g)
        .collect();
    let mut out = format!("```text\n$ {SHOWN}\n{}\n", shown.join("\n\n"));
    if shown.len() < groups.len() {
        out.push_str("...\n");
    }
    out.push('\n');
    out.push_str(rest);
    out.push_str("```\n");
    out
}

/// `check -o json`, abridged: the first finding and workload, the whole summary.
fn json_sample(report: &Value) -> Result<String> {
    let object = report.as_object().context("the report is not an object")?;
    let mut out = String::from("```json\n{\n");
    let mut fields = Vec::new();
    for (key, value) in object {
        let text = match (key.as_str(), value) {
            ("findings", Value::Array(items)) => {
                let first = items.first().context("no finding on examples/")?;
                let first = first.as_object().context("a finding is not an object")?;
                let lines: Vec<String> = first
                    .iter()
                    .map(|(k, v)| format!("      {}: {}", inline(&k.as_str().into()), inline(v)))
                    .collect();
                format!(
                    "[\n    {{\n{}\n    }}{}\n  ]",
                    lines.join(",\n"),
                    more(items)
                )
            }
            ("workloads", Value::Array(items)) => format!(
                "[\n    {}{}\n  ]",
                inline(items.first().context("no workload on examples/")?),
                more(items)
            ),
            _ => inline(value),
        };
        fields.push(format!("  {}: {text}", inline(&key.as_str().into())));
    }
    out.push_str(&fields.join(",\n"));
    out.push_str("\n}\n```\n");
    Ok(out)
}

/// A JSON comment-free marker that the array goes on.
fn more(items: &[Value]) -> String {
    if items.len() > 1 {
        format!(",\n    \"... {} more\"", items.len() - 1)
    } else {
        String::new()
    }
}

/// One-line JSON with a space after `:` and `,`, as people write it.
fn inline(value: &Value) -> String {
    match value {
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(inline).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", inline(&k.as_str().into()), inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_text_sample_keeps_the_first_and_critical_objects_and_the_summary() {
        let table = "a/one  f.yaml:1\n  HIGH  PA1  m\n\nb/two  f.yaml:2\n  LOW  PA2  m\n\nc/three  f.yaml:3\n  CRITICAL  PA3  m\n\nWorkloads\nW  E\n\n3 findings in 3 objects from 1 files\n";
        let sample = text_sample(table);
        assert!(
            sample.contains("a/one") && sample.contains("c/three"),
            "{sample}"
        );
        assert!(!sample.contains("b/two"), "{sample}");
        assert!(sample.contains("...\n\nWorkloads\n"), "{sample}");
        assert!(
            sample.ends_with("3 findings in 3 objects from 1 files\n```\n"),
            "{sample}"
        );
    }

    #[test]
    fn the_json_sample_keeps_the_first_finding_and_the_whole_summary() {
        let report = json!({
            "version": 1,
            "findings": [{"rule": "PA1", "path": "a[\"b\"]"}, {"rule": "PA2"}],
            "workloads": [{"effective": "irsa"}],
            "summary": {"findings": 2, "objectsRead": 3},
        });
        let sample = json_sample(&report).unwrap();
        assert!(sample.contains("\"rule\": \"PA1\""), "{sample}");
        assert!(sample.contains("\"path\": \"a[\\\"b\\\"]\""), "{sample}");
        assert!(sample.contains("\"... 1 more\""), "{sample}");
        assert!(!sample.contains("PA2"), "{sample}");
        assert!(
            sample.contains("\"summary\": {\"findings\": 2, \"objectsRead\": 3}"),
            "{sample}"
        );
    }
}
