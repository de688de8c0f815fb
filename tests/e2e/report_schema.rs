//! Real `check -o json` reports validate against docs/report.schema.json, the
//! schema docs/json-schema.md is generated from. The schema forbids fields it
//! does not list, so a field added to the report without a line in the schema
//! (and so in the docs) fails here.
use crate::support::*;
use podauth_test_apiserver::Scenario;
use std::process::Command;

/// Runs the Node validator on a report; Ok(()) or the schema errors.
fn validate(report: &serde_json::Value) -> Result<(), String> {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), report.to_string()).unwrap();
    let out = Command::new("node")
        .arg(root().join("tests/node/validate-report.mjs"))
        .arg(root().join("docs/report.schema.json"))
        .arg(file.path())
        .output()
        .expect("node runs (.ci/run installs tests/node)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() && text.trim() == "valid" {
        Ok(())
    } else {
        Err(format!("{text}{}", String::from_utf8_lossy(&out.stderr)))
    }
}

fn assert_valid(report: &serde_json::Value) {
    if let Err(errors) = validate(report) {
        panic!("report does not match docs/report.schema.json: {errors}\n{report:#}");
    }
}

#[test]
fn the_examples_report_matches_the_schema() {
    let run = podauth(&["check", "-f", "examples/", "-o", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert!(!report["findings"].as_array().unwrap().is_empty());
    assert!(!report["workloads"].as_array().unwrap().is_empty());
    assert_valid(&report);
}

#[test]
fn the_validator_refuses_undocumented_fields_and_wrong_types() {
    let report = podauth(&["check", "-f", "examples/", "-o", "json"]).json();
    let mut extra = report.clone();
    extra["findings"][0]["undocumented"] = serde_json::json!(true);
    assert!(
        validate(&extra).is_err(),
        "an extra finding field must fail"
    );
    let mut retyped = report.clone();
    retyped["workloads"][0]["rank"] = serde_json::json!("1");
    assert!(validate(&retyped).is_err(), "a string rank must fail");
    let mut summary = report;
    summary["summary"]
        .as_object_mut()
        .unwrap()
        .remove("expiredExceptions");
    assert!(
        validate(&summary).is_err(),
        "a missing summary field must fail"
    );
}

const ANNOTATED: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: media
  namespace: media
  annotations:
    podauth.io/ignore: PA501
    podauth.io/ignore-reason: migrating in Q3
spec:
  template:
    metadata:
      annotations:
        iam.amazonaws.com/role: media
    spec:
      containers:
        - name: app
          image: media:1
";

const KUBE2IAM: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy
  namespace: legacy-batch
spec:
  template:
    metadata:
      annotations:
        iam.amazonaws.com/role: batch
    spec:
      containers:
        - name: app
          image: batch:1
";

const CONFIG: &str = "exceptions:
  - rule: PA501
    namespace: legacy-*
    reason: tracked in OPS-1
  - rule: PA501
    namespace: nowhere
    reason: long gone
    expires: 2020-01-01
";

#[test]
fn suppressions_errors_and_expired_exceptions_match_the_schema() {
    let dir = tree(&[
        ("media.yaml", ANNOTATED),
        ("legacy.yaml", KUBE2IAM),
        ("broken.yaml", "kind: [unclosed\n"),
        (".podauth.yaml", CONFIG),
    ]);
    let path = dir.path().to_str().unwrap();
    let config = dir.path().join(".podauth.yaml");
    let run = podauth(&[
        "check",
        "-f",
        path,
        "--config",
        config.to_str().unwrap(),
        "-o",
        "json",
    ]);
    assert_eq!(run.code, 2, "a broken file is exit 2: {}", run.stderr);
    let report = run.json();
    let kinds: Vec<&str> = report["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["suppression"]["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"inline"), "{kinds:?}");
    assert!(kinds.contains(&"config"), "{kinds:?}");
    assert_eq!(report["summary"]["expiredExceptions"], 1);
    assert!(!report["errors"].as_array().unwrap().is_empty());
    assert_valid(&report);

    // A baseline suppression, on the second run against the first run's baseline.
    let baseline = dir.path().join("baseline.json");
    let good = tree(&[("legacy.yaml", KUBE2IAM)]);
    let good = good.path().to_str().unwrap();
    let baseline = baseline.to_str().unwrap();
    let first = podauth(&[
        "check",
        "-f",
        good,
        "--baseline",
        baseline,
        "--update-baseline",
    ]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let second = podauth(&["check", "-f", good, "--baseline", baseline, "-o", "json"]);
    let report = second.json();
    assert_eq!(report["suppressed"][0]["suppression"]["kind"], "baseline");
    assert_valid(&report);
}

#[test]
fn a_live_report_with_clusters_and_degraded_rules_matches_the_schema() {
    let scenario = Scenario::named("mixed").unwrap().forbid("", "secrets");
    let (_server, _dir, kubeconfig) = harness(scenario, &[]);
    let run = podauth(&["check", "-A", "--kubeconfig", &kubeconfig, "-o", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["summary"]["clusters"], 1);
    assert!(report["summary"]["degradedRules"].is_array());
    assert_eq!(report["findings"][0]["cluster"], "prod");
    assert_valid(&report);
}
