//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
use crate::report::Report;
use podauth_policies::{RuleMeta, Severity};
use serde_json::{json, Value};
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const RULES_DOC: &str = "https://github.com/podauth/kubectl-podauth/blob/main/docs/rules.md";

fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub code scanning ranks security alerts by this CVSS-like score.
fn security_severity(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn rule_descriptor(m: &RuleMeta) -> Value {
    let why = m.why.as_deref().unwrap_or("");
    json!({
        "id": m.id,
        "name": m.name,
        "shortDescription": {"text": m.title},
        "fullDescription": {"text": m.description},
        "help": {
            "text": format!("{why}\n\nFix: {}", m.remediation).trim().to_string(),
            "markdown": format!("{why}\n\n**Fix:** {}", m.remediation).trim().to_string(),
        },
        "helpUri": format!("{RULES_DOC}#{}-{}", m.id.to_lowercase(), m.name),
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": {
            "tags": ["security", "aws", "kubernetes", m.category],
            "precision": "high",
            "problem.severity": if m.severity >= Severity::High { "error" } else if m.severity == Severity::Medium { "warning" } else { "recommendation" },
            "security-severity": security_severity(m.severity),
        },
    })
}

pub fn write_sarif(report: &Report, rules: &[&RuleMeta], out: &mut dyn Write) -> io::Result<()> {
    let index = |id: &str| rules.iter().position(|r| r.id == id);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut location = json!({
                "logicalLocations": [{
                    "fullyQualifiedName": f.resource.display(),
                    "kind": "object",
                }],
            });
            if let Some(src) = &f.source {
                location["physicalLocation"] = json!({
                    "artifactLocation": {"uri": uri(&src.file), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": src.line},
                });
            }
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": format!("{} (at {})", f.message, f.path)},
                "locations": [location],
                "partialFingerprints": {"podauthFinding/v1": f.fingerprint()},
                "properties": {"severity": f.severity, "path": f.path},
            });
            if let Some(i) = index(&f.rule) {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            let mut n = json!({"level": "error", "message": {"text": e.message}});
            let mut loc =
                json!({"artifactLocation": {"uri": uri(&e.file), "uriBaseId": "%SRCROOT%"}});
            if let Some(line) = e.line {
                loc["region"] = json!({"startLine": line});
            }
            n["locations"] = json!([{"physicalLocation": loc}]);
            n
        })
        .collect();
    let sarif = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kubectl-podauth",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/podauth/kubectl-podauth",
                "rules": rules.iter().map(|m| rule_descriptor(m)).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    super::write_json(&sarif, out)
}

/// Relative paths stay relative (to %SRCROOT%); stdin becomes `stdin`.
fn uri(file: &str) -> String {
    match file {
        "-" => "stdin".into(),
        f => f
            .trim_start_matches("./")
            .replace('\\', "/")
            .replace(' ', "%20"),
    }
}
