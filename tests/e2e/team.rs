//! Built for CI and teams: SARIF/JUnit/GitHub output, suppressions,
//! exceptions, baselines and custom policies.
use crate::support::*;
use std::process::Command;

const PA501_BAD: &str = include_str!("../../policies/rules/PA501/bad.yaml");

#[test]
fn sarif_validates_against_the_schema_and_points_at_the_field() {
    let run = podauth(&["check", "-f", "examples/", "-o", "sarif"]);
    assert_eq!(run.code, 1);
    let sarif = run.json();
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    let rules = driver["rules"].as_array().unwrap();
    let catalog = podauth(&["rules", "-o", "json"]).json();
    assert_eq!(
        rules.len(),
        catalog.as_array().unwrap().len(),
        "every rule is described"
    );
    let pa101 = rules.iter().find(|r| r["id"] == "PA101").unwrap();
    assert_eq!(pa101["defaultConfiguration"]["level"], "error");
    assert!(pa101["helpUri"]
        .as_str()
        .unwrap()
        .contains("#pa101-hardcoded-aws-credentials"));
    assert!(pa101["fullDescription"]["text"].as_str().unwrap().len() > 20);

    let results = runs[0]["results"].as_array().unwrap();
    let r = results.iter().find(|r| r["ruleId"] == "PA501").unwrap();
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "examples/payments/checkout-api.yaml"
    );
    assert_eq!(
        loc["region"]["startLine"], 16,
        "the annotation's line, not the document start"
    );
    assert_eq!(r["level"], "error");
    assert_eq!(
        rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "PA501"
    );
    let fp = r["partialFingerprints"]["podauthFinding/v1"]
        .as_str()
        .unwrap();
    assert_eq!(fp.len(), 16);

    // Moving the object down the file keeps the fingerprint.
    let dir = tree(&[("a.yaml", PA501_BAD)]);
    let shifted = tree(&[("a.yaml", &format!("# moved\n\n\n{PA501_BAD}"))]);
    let fp_of = |d: &tempfile::TempDir| {
        let s = podauth(&["check", "-f", d.path().to_str().unwrap(), "-o", "sarif"]).json();
        let r = &s["runs"][0]["results"][0];
        (
            r["partialFingerprints"]["podauthFinding/v1"].clone(),
            r["locations"][0]["physicalLocation"]["region"]["startLine"].clone(),
        )
    };
    let (a, line_a) = fp_of(&dir);
    let (b, line_b) = fp_of(&shifted);
    assert_eq!(a, b);
    assert_ne!(line_a, line_b);

    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &run.stdout).unwrap();
    let out = Command::new("node")
        .arg(root().join("tests/node/validate-sarif.mjs"))
        .arg(file.path())
        .output()
        .expect("node runs (.ci/run installs tests/node)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "SARIF schema errors: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(text.trim(), "valid");

    // The validator itself rejects a broken log.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    std::fs::write(file.path(), broken.to_string()).unwrap();
    let out = Command::new("node")
        .arg(root().join("tests/node/validate-sarif.mjs"))
        .arg(file.path())
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "an invalid level must fail validation"
    );
}

#[test]
fn junit_has_a_testcase_per_rule_and_resource() {
    let run = podauth(&["check", "-f", "examples/", "-o", "junit"]);
    assert_eq!(run.code, 1);
    let xml = &run.stdout;
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(
        xml.contains("<testcase name=\"payments/Deployment/checkout-api\" classname=\"PA501\""),
        "{xml}"
    );
    assert!(xml.contains("<failure type=\"high\""));
    // --fail-on critical: high findings pass, the critical one still fails.
    let run = podauth(&[
        "check",
        "-f",
        "examples/",
        "-o",
        "junit",
        "--fail-on",
        "critical",
    ]);
    let failures = run.stdout.matches("<failure ").count();
    assert_eq!(failures, 1, "{}", run.stdout);
    assert!(run.stdout.contains("<failure type=\"critical\""));
    assert_eq!(
        run.stdout.matches("<testsuite ").count(),
        podauth(&["rules", "-o", "json"])
            .json()
            .as_array()
            .unwrap()
            .len()
    );
}

#[test]
fn github_annotations_name_file_and_line() {
    let run = podauth(&["check", "-f", "examples/", "-o", "github"]);
    assert!(
        run.stdout.lines().any(|l| l.starts_with("::error file=examples/payments/checkout-api.yaml,line=16,title=PA501 legacy-iam-annotation::")),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("::error file=examples/payments/settlement-report.yaml,line=29,title=PA101"));
}

#[test]
fn inline_suppression_needs_a_reason_and_stays_visible() {
    let with_reason = PA501_BAD.replacen(
        "  namespace: media\n",
        "  namespace: media\n  annotations:\n    podauth.io/ignore: PA501\n    podauth.io/ignore-reason: migrating in Q3\n",
        1,
    );
    let dir = tree(&[("a.yaml", &with_reason)]);
    let run = podauth(&["check", "-f", dir.path().to_str().unwrap(), "-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.json();
    assert_eq!(report["summary"]["suppressed"], 1);
    assert_eq!(report["suppressed"][0]["rule"], "PA501");
    assert_eq!(report["suppressed"][0]["suppression"]["kind"], "inline");
    assert_eq!(
        report["suppressed"][0]["suppression"]["reason"],
        "migrating in Q3"
    );
    let table = podauth(&[
        "check",
        "-f",
        dir.path().to_str().unwrap(),
        "--show-suppressed",
    ]);
    assert!(
        table.stdout.contains("podauth.io/ignore: migrating in Q3"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("1 suppressed"));

    let without = with_reason.replace("    podauth.io/ignore-reason: migrating in Q3\n", "");
    let dir = tree(&[("a.yaml", &without)]);
    let run = check_json(dir.path().to_str().unwrap(), &["--fail-on", "low"]);
    assert_eq!(
        run.rules(),
        vec!["PA901"],
        "the suppression applies and is itself reported"
    );
    assert_eq!(run.code, 1);
}

#[test]
fn config_exceptions_expire_and_severity_overrides_apply() {
    let config = "rules:\n  severity:\n    PA501: critical\nexceptions:\n  - rule: PA501\n    namespace: med*\n    reason: tracked in OPS-1\n    expires: 2026-12-31\n";
    let dir = tree(&[("k8s/a.yaml", PA501_BAD), (".podauth.yaml", config)]);
    let run_at = |today: &str| {
        let out = cli()
            .args(["check", "-f", "k8s", "-o", "json"])
            .current_dir(dir.path())
            .env("PODAUTH_TODAY", today)
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, report, _) = run_at("2026-12-31");
    assert_eq!(code, 0);
    assert_eq!(report["suppressed"][0]["suppression"]["kind"], "config");
    assert_eq!(report["summary"]["expiredExceptions"], 0);
    let (code, report, stderr) = run_at("2027-01-01");
    assert_eq!(code, 1, "expired: the finding is back");
    assert_eq!(
        report["findings"][0]["severity"], "critical",
        "severity override from the config"
    );
    assert_eq!(report["summary"]["expiredExceptions"], 1);
    assert!(stderr.contains("expired on 2026-12-31"), "{stderr}");

    let bad = tree(&[(
        ".podauth.yaml",
        "exceptions:\n  - rule: PA501\n    reason: ''\n",
    )]);
    let out = cli()
        .args(["check", "-f", "."])
        .current_dir(bad.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains(".podauth.yaml: exception for PA501 needs a reason"));
}

#[test]
fn baseline_round_trip_fails_only_on_new_findings() {
    let dir = tree(&[("k8s/a.yaml", PA501_BAD)]);
    let base = dir.path().join("baseline.json");
    let k8s = dir.path().join("k8s");
    let args = |extra: &[&str]| {
        let mut v = vec![
            "check",
            "-f",
            k8s.to_str().unwrap(),
            "-o",
            "json",
            "--baseline",
            base.to_str().unwrap(),
        ];
        v.extend_from_slice(extra);
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |a: Vec<String>| podauth(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let first = run(args(&["--update-baseline"]));
    assert_eq!(
        first.code, 0,
        "the first run (--update-baseline) writes the baseline: {}",
        first.stderr
    );
    assert!(base.exists());
    assert_eq!(first.json()["summary"]["suppressed"], 1);

    std::fs::write(
        k8s.join("b.yaml"),
        include_str!("../../policies/rules/PA301/bad.yaml"),
    )
    .unwrap();
    let second = run(args(&[]));
    assert_eq!(second.code, 1, "a new finding fails");
    assert_eq!(second.rules(), vec!["PA301"]);
    assert_eq!(
        second.json()["suppressed"][0]["suppression"]["kind"],
        "baseline"
    );

    assert_eq!(run(args(&["--update-baseline"])).code, 0);
    assert_eq!(run(args(&[])).code, 0);
}

#[test]
fn custom_policies_appear_everywhere() {
    let rule = r#"# METADATA
# title: Shared platform role
# description: A ServiceAccount uses the retiring shared role.
# scope: package
# related_resources:
#   - https://wiki.acme.example/iam
# custom:
#   id: ACME001
#   name: shared-platform-role
#   severity: medium
#   category: acme
#   kinds: [ServiceAccount]
#   remediation: Give the workload its own role.
package podauth.rules.ACME001

import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

deny contains result.finding(ref, "metadata.annotations", sprintf("ServiceAccount %q uses the shared role", [k8s.name(sa)])) if {
	some ref, sa in objects.review
	sa.kind == "ServiceAccount"
	endswith(k8s.irsa_role(sa), ":role/acme-shared")
}
"#;
    let test = "package podauth.rules.ACME001_test\n\nimport data.podauth.rules.ACME001\n\ntest_denied if {\n\tcount(ACME001.deny) == 1 with input as {\"objects\": [{\"apiVersion\": \"v1\", \"kind\": \"ServiceAccount\", \"metadata\": {\"name\": \"a\", \"annotations\": {\"eks.amazonaws.com/role-arn\": \"arn:aws:iam::111122223333:role/acme-shared\"}}}]}\n}\n";
    let sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/acme-shared\n";
    let dir = tree(&[
        ("acme/ACME001/policy.rego", rule),
        ("acme/ACME001/policy_test.rego", test),
        ("k8s/sa.yaml", sa),
    ]);
    let policy = dir.path().join("acme");
    let policy = policy.to_str().unwrap();
    let k8s = dir.path().join("k8s");
    let k8s = k8s.to_str().unwrap();

    assert!(podauth(&["rules", "--policy", policy])
        .stdout
        .contains("ACME001  shared-platform-role"));
    assert!(podauth(&["explain", "ACME001", "--policy", policy])
        .stdout
        .contains("Give the workload its own role."));
    assert!(podauth(&["test", policy])
        .stdout
        .trim_end()
        .ends_with("1 passed, 0 failed"));
    let json = podauth(&[
        "check",
        "-f",
        k8s,
        "--policy",
        policy,
        "-o",
        "json",
        "--fail-on",
        "medium",
    ]);
    assert_eq!(json.code, 1);
    assert!(json.rules().contains(&"ACME001".to_string()));
    for format in ["table", "yaml", "sarif", "junit", "github"] {
        let run = podauth(&["check", "-f", k8s, "--policy", policy, "-o", format]);
        assert!(
            run.stdout.contains("ACME001"),
            "{format} lacks the custom rule"
        );
    }

    // Exported to Gatekeeper: its own template, running under Gatekeeper's input.
    let export = crate::gatekeeper::export_gatekeeper(&["--policy", policy, "--select", "ACME001"]);
    let template =
        crate::gatekeeper::Template::read(&export.path().join("templates/podauthacme001.yaml"));
    assert_eq!(template.kind, "PodauthACME001");
    let sa_object = crate::gatekeeper::objects_in(&dir.path().join("k8s/sa.yaml")).remove(0);
    let review = podauth_wasm::admission::admission_request(&sa_object, Some("serviceaccounts"));
    let msgs = template.violations(&review, &serde_json::json!({}), &[]);
    assert_eq!(
        msgs,
        ["[ACME001] ServiceAccount \"app\" uses the shared role"]
    );

    let broken = tree(&[(
        "p/X/policy.rego",
        &rule.replace("#   severity: medium\n", ""),
    )]);
    let run = podauth(&[
        "check",
        "-f",
        k8s,
        "--policy",
        broken.path().join("p").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("policy.rego:"), "{}", run.stderr);
    assert!(run.stderr.contains("custom.severity"), "{}", run.stderr);
}
