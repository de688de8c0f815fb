use crate::support::*;

#[test]
fn rules_lists_the_catalog_in_table_and_json() {
    let table = podauth(&["rules"]);
    assert_eq!(table.code, 0);
    assert!(table.stdout.starts_with("ID"));
    assert!(table.stdout.contains("PA101   hardcoded-aws-credentials"));
    let json = podauth(&["rules", "-o", "json"]);
    let rules = json.json();
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    for id in ["PA101", "PA301", "PA501"] {
        assert!(ids.contains(&id));
    }
    assert_eq!(rules[0]["severity"], "critical");
}

#[test]
fn explain_prints_the_metadata() {
    let run = podauth(&["explain", "pa501"]);
    assert_eq!(run.code, 0);
    for section in [
        "PA501 (legacy-iam-annotation)",
        "Why it matters",
        "How to fix it",
        "Migration path",
        "References",
    ] {
        assert!(
            run.stdout.contains(section),
            "missing {section}:\n{}",
            run.stdout
        );
    }
    let json = podauth(&["explain", "PA101", "-o", "json"]).json();
    assert_eq!(json["name"], "hardcoded-aws-credentials");
    assert!(json["why"].as_str().unwrap().contains("Never use"));
    let missing = podauth(&["explain", "PA000"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("no rule \"PA000\""));
}

#[test]
fn test_command_runs_rego_tests_and_fails_on_failure() {
    let run = podauth(&["test"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.trim_end().ends_with(" 0 failed"),
        "{}",
        run.stdout
    );

    let dir = tree(&[(
        "mine/x_test.rego",
        "package acme.x_test\n\nimport data.podauth.lib.aws\n\ntest_mask if {\n\taws.mask(\"AKIAIOSFODNN7EXAMPLE\") == \"AKIA************MPLE\"\n}\n\ntest_wrong if {\n\taws.mask(\"abc\") == \"abc\"\n}\n",
    )]);
    let run = podauth(&["test", dir.path().to_str().unwrap(), "-v"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("PASS acme.x_test.test_mask"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("FAIL acme.x_test.test_wrong"));
    assert!(run.stdout.trim_end().ends_with("1 passed, 1 failed"));
}

#[test]
fn version_names_the_commit_and_help_has_examples() {
    let run = podauth(&["version"]);
    assert_eq!(run.code, 0);
    assert!(run
        .stdout
        .starts_with(&format!("kubectl-podauth {} (", env!("CARGO_PKG_VERSION"))));
    for sub in ["check", "rules", "explain", "test", "version"] {
        let help = podauth(&[sub, "--help"]);
        assert_eq!(help.code, 0);
        assert!(
            help.stdout.contains("Examples:"),
            "{sub} --help lacks examples"
        );
        assert!(
            help.stdout.contains("Usage: kubectl podauth"),
            "{sub}: {}",
            help.stdout
        );
    }
}
