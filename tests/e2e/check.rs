use crate::support::*;

#[test]
fn examples_report_the_foundation_rules_in_every_format() {
    let json = podauth(&["check", "-f", "examples/", "-o", "json"]);
    assert_eq!(
        json.code, 1,
        "findings at or above high exit 1: {}",
        json.stderr
    );
    let rules = json.rules();
    for id in ["PA101", "PA301", "PA501"] {
        assert!(
            rules.contains(&id.to_string()),
            "{id} missing from {rules:?}"
        );
    }
    let report = json.json();
    assert_eq!(report["version"], 1);
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "PA501")
        .unwrap();
    assert_eq!(f["resource"]["kind"], "Deployment");
    assert_eq!(f["resource"]["namespace"], "payments");
    assert_eq!(f["resource"]["name"], "checkout-api");
    assert_eq!(f["source"]["file"], "examples/payments/checkout-api.yaml");
    assert_eq!(f["source"]["line"], 16, "line of the annotation itself");
    assert_eq!(
        f["path"],
        "spec.template.metadata.annotations[\"iam.amazonaws.com/role\"]"
    );
    assert_eq!(f["severity"], "high");
    assert_eq!(f["name"], "legacy-iam-annotation");
    assert!(f["remediation"]
        .as_str()
        .unwrap()
        .contains("ServiceAccount"));
    let summary = &report["summary"];
    assert_eq!(
        summary["findings"],
        report["findings"].as_array().unwrap().len()
    );
    assert_eq!(summary["filesRead"], 7);
    assert_eq!(summary["errors"], 0);

    let yaml = podauth(&["check", "-f", "examples/", "-o", "yaml"]);
    assert_eq!(yaml.code, 1);
    for id in ["PA101", "PA301", "PA501"] {
        assert!(
            yaml.stdout.contains(&format!("rule: \"{id}\"")),
            "yaml lacks {id}:\n{}",
            yaml.stdout
        );
    }

    let table = podauth(&["check", "-f", "examples/"]);
    assert_eq!(table.code, 1);
    for id in ["PA101", "PA301", "PA501"] {
        assert!(table.stdout.contains(id), "table lacks {id}");
    }
    assert!(table.stdout.contains("payments/Deployment/checkout-api"));
    assert!(
        !table.stdout.contains('\u{1b}'),
        "no colour codes when stdout is not a terminal"
    );
}

#[test]
fn fail_on_threshold_sets_the_exit_code() {
    let dir = tree(&[(
        "sa.yaml",
        include_str!("../../policies/rules/PA301/bad.yaml"),
    )]);
    let path = dir.path().to_str().unwrap();
    assert_eq!(
        podauth(&["check", "-f", path]).code,
        1,
        "high finding fails the default --fail-on high"
    );
    assert_eq!(
        podauth(&["check", "-f", path, "--fail-on", "critical"]).code,
        0
    );
    assert_eq!(podauth(&["check", "-f", path, "--ignore", "PA301"]).code, 0);
    let clean = tree(&[(
        "ok.yaml",
        include_str!("../../policies/rules/PA301/good.yaml"),
    )]);
    let run = podauth(&[
        "check",
        "-f",
        clean.path().to_str().unwrap(),
        "--fail-on",
        "info",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("No findings"));
}

#[test]
fn select_and_ignore_filter_rules() {
    let run = check_json("examples/", &["--select", "PA101,PA301"]);
    let rules = run.rules();
    assert!(!rules.is_empty());
    assert!(
        rules.iter().all(|r| r == "PA101" || r == "PA301"),
        "{rules:?}"
    );
    let run = check_json("examples/", &["--ignore", "PA501"]);
    assert!(!run.rules().contains(&"PA501".to_string()));
    let bad = podauth(&["check", "-f", "examples/", "--select", "PA999"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("unknown rule id \"PA999\""),
        "{}",
        bad.stderr
    );
    assert!(bad.stderr.contains("hint:"));
}

#[test]
fn stdin_multi_document_and_lists_are_read() {
    let pa301 = include_str!("../../policies/rules/PA301/bad.yaml");
    let list = r#"{"apiVersion": "v1", "kind": "List", "items": [
      {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "annotations": {"iam.amazonaws.com/role": "r"}}, "spec": {"containers": []}}
    ]}"#;
    let stream = format!(
        "{pa301}---\n# a comment-only document\n---\n{}",
        include_str!("../../policies/rules/PA501/bad.yaml")
    );
    let run = podauth_stdin(&["check", "-f", "-", "-o", "json"], Some(&stream));
    assert_eq!(run.rules(), vec!["PA301", "PA501"]);
    let f = &run.json()["findings"][1];
    assert_eq!(f["source"]["file"], "-");
    assert_eq!(
        f["source"]["document"], 2,
        "comment-only documents are not counted"
    );

    let run = podauth_stdin(&["check", "-f", "-", "-o", "json"], Some(list));
    assert_eq!(run.rules(), vec!["PA501"]);
}

#[test]
fn no_input_is_a_usage_error_with_a_hint() {
    let run = podauth(&["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"));
    let run = podauth(&["check", "--output", "xml", "-f", "x"]);
    assert_eq!(run.code, 2);
}

#[test]
fn broken_pipe_is_not_an_error() {
    use std::process::Stdio;
    let mut child = cli()
        .args(["check", "-f", "examples/", "-o", "yaml"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before anything is written
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "same status as a full run; stderr: {stderr}"
    );
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn colour_follows_flag_and_no_color() {
    let always = podauth(&["check", "-f", "examples/", "--color", "always"]);
    assert!(
        always.stdout.contains('\u{1b}'),
        "--color always colours even a pipe"
    );
    let out = cli()
        .args(["check", "-f", "examples/", "--color", "auto"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

/// `--context-from` supplies lookup objects without checking them: the
/// ConfigMap classifies the Deployment's credentials but its own finding
/// (PA102) is not reported, a broken context file is only a warning, and an
/// object given with both -f and --context-from is checked once.
#[test]
fn context_from_supplies_lookups_without_checking_them() {
    let bad = std::fs::read_to_string(root().join("policies/rules/PA102/bad.yaml")).unwrap();
    let (configmap, deployment) = bad.split_once("---\n").unwrap();
    let dir = tree(&[
        ("repo/configmap.yaml", configmap),
        ("repo/app/deploy.yaml", deployment),
        ("repo/broken.yaml", "kind: ConfigMap\nmetadata: {name: [\n"),
    ]);
    let repo = dir.path().join("repo");
    let deploy = repo.join("app/deploy.yaml");
    let (repo, deploy) = (repo.to_str().unwrap(), deploy.to_str().unwrap());
    let methods = |run: &Run| run.json()["workloads"][0]["methods"].clone();

    let alone = podauth(&["check", "-f", deploy, "-o", "json"]);
    assert_eq!(alone.code, 0, "{}", alone.stderr);
    assert_eq!(methods(&alone), serde_json::json!(["none"]));

    let with = podauth(&["check", "-f", deploy, "--context-from", repo, "-o", "json"]);
    assert_eq!(with.code, 0, "{}", with.stderr);
    assert_eq!(methods(&with), serde_json::json!(["static-credentials"]));
    assert!(with.rules().is_empty(), "context objects are not checked");
    assert_eq!(with.json()["summary"]["objectsRead"], 1);
    assert!(
        with.stderr.contains("--context-from:") && with.stderr.contains("broken.yaml"),
        "{}",
        with.stderr
    );
    assert!(!with.stderr.contains("FAKEsecret"), "{}", with.stderr);

    let both = podauth(&["check", "-f", repo, "--context-from", repo, "-o", "json"]);
    assert_eq!(both.code, 2, "broken.yaml is an input error when checked");
    assert_eq!(both.rules(), vec!["PA102", "PA102"]);
}
