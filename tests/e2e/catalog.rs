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
    assert!(missing
        .stderr
        .contains("no rule with the id or name \"PA000\""));
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
fn test_pointed_at_the_built_in_library_says_so_in_one_short_line() {
    let library = root().join("policies");
    let run = podauth(&["test", library.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("is (or contains) the built-in policy library, which is always loaded"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("`kubectl podauth test` without a directory"));
    assert!(
        run.stderr.contains("rule ids PA101, PA102, PA103 and "),
        "{}",
        run.stderr
    );
    // One mention, not one per built-in rule.
    assert_eq!(
        run.stderr.matches("already defined").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("PA901"), "{}", run.stderr);
}

#[test]
fn version_names_the_commit_and_help_has_examples() {
    let run = podauth(&["version"]);
    assert_eq!(run.code, 0);
    assert!(run
        .stdout
        .starts_with(&format!("kubectl-podauth {} (", env!("CARGO_PKG_VERSION"))));
    for sub in ["check", "rules", "explain", "test", "version", "completion"] {
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

#[test]
fn completions_and_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = podauth(&["completion", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("kubectl-podauth"), "{shell}");
        assert!(
            run.stdout.contains("check"),
            "{shell} completes subcommands"
        );
    }
    let bash = podauth(&["completion", "bash"]).stdout;
    assert!(bash.contains("--fail-on"), "flags are completed");
    assert_eq!(podauth(&["completion", "tcsh"]).code, 2);
    let man = podauth(&["man"]);
    assert_eq!(man.code, 0);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH"),
        "{}",
        &man.stdout[..80.min(man.stdout.len())]
    );
    assert!(man.stdout.contains("check"));
}

#[test]
fn errors_are_one_line_with_a_hint_and_no_backtrace() {
    for args in [
        vec!["explain", "PA000"],
        vec!["check"],
        vec!["check", "-f", "x", "--select", "NOPE1"],
    ] {
        let run = podauth(&args);
        assert_eq!(run.code, 2, "{args:?}");
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert!(
            lines[0].starts_with("kubectl-podauth: error: "),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            lines.iter().any(|l| l.trim_start().starts_with("hint: ")),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("backtrace") && !run.stderr.contains("panicked"));
    }
}
