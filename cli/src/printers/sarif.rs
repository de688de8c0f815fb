//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
use crate::report::{Finding, Report};
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

/// Stable across commits: the rule, the object's identity and the field path,
/// but not the line, so moving an object does not create a "new" alert.
pub fn fingerprint(f: &Finding) -> String {
    let r = &f.resource;
    let group = r.api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let key = format!(
        "{}\u{0}{group}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
        f.rule,
        r.kind,
        r.namespace.as_deref().unwrap_or(""),
        r.name,
        f.path
    );
    // FNV-1a, 64 bit: stable across builds and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
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
                "partialFingerprints": {"podauthFinding/v1": fingerprint(f)},
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
