//! The contract every rule keeps: complete METADATA, unique ids, tests and
//! examples beside it, and passing Rego unit tests.
use podauth_policies::{run_tests, Bundle, ExampleKind};

#[test]
fn embedded_policies_are_valid() {
    let bundle = Bundle::embedded();
    assert!(
        bundle.rules.len() >= 3,
        "expected the catalog, found {} rules",
        bundle.rules.len()
    );
    for rule in &bundle.rules {
        let dir = format!("policies/rules/{}/", rule.meta.id);
        assert!(
            rule.file.path.starts_with(&dir),
            "{} must live in {dir}",
            rule.meta.id
        );
        assert!(rule.has_tests, "{} has no _test.rego", rule.meta.id);
        assert!(
            rule.examples.iter().any(|e| e.kind == ExampleKind::Good),
            "{} has no good example",
            rule.meta.id
        );
        assert!(
            rule.examples.iter().any(|e| e.kind == ExampleKind::Bad),
            "{} has no bad example",
            rule.meta.id
        );
        assert!(
            !rule.meta.related_resources.is_empty(),
            "{} has no related_resources",
            rule.meta.id
        );
        assert!(
            rule.meta.why.is_some(),
            "{} does not say why it matters",
            rule.meta.id
        );
    }
}

#[test]
fn duplicate_ids_and_missing_metadata_are_rejected() {
    let rule = Bundle::embedded().rule("PA101").unwrap().file.clone();
    let dup = vec![
        ("a/PA101/policy.rego".to_string(), rule.text.clone()),
        ("b/PA101/policy.rego".to_string(), rule.text.clone()),
    ];
    let errors = Bundle::from_files(dup).unwrap_err();
    assert!(errors[0].message.contains("also defined"), "{errors:?}");

    let stripped = rule.text.replace("#   severity: critical\n", "");
    let errors = Bundle::from_files(vec![("x/policy.rego".to_string(), stripped)]).unwrap_err();
    assert!(errors[0].message.contains("custom.severity"), "{errors:?}");
    assert!(
        errors[0].to_string().starts_with("x/policy.rego:"),
        "{}",
        errors[0]
    );
}

#[test]
fn rego_unit_tests_pass() {
    let bundle = Bundle::embedded();
    let outcomes = run_tests(&bundle).expect("policies load");
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed).collect();
    assert!(failed.is_empty(), "failing Rego tests: {failed:#?}");
    for rule in &bundle.rules {
        let pkg = format!("podauth.rules.{}_test", rule.meta.id);
        let n = outcomes.iter().filter(|o| o.package == pkg).count();
        assert!(
            n >= 2,
            "{} needs denied and allowed tests, has {n}",
            rule.meta.id
        );
    }
}

#[test]
fn a_failing_rego_test_is_reported() {
    let mut bundle = Bundle::embedded();
    let broken = "package podauth.broken_test\n\ntest_false if {\n\t1 == 2\n}\n\ntest_true if {\n\ttrue\n}\n";
    bundle.tests.push(podauth_policies::PolicyFile {
        path: "broken_test.rego".into(),
        package: "podauth.broken_test".into(),
        text: broken.into(),
    });
    let outcomes = run_tests(&bundle).unwrap();
    let mine: Vec<_> = outcomes
        .iter()
        .filter(|o| o.package == "podauth.broken_test")
        .collect();
    assert_eq!(mine.len(), 2);
    assert!(!mine.iter().find(|o| o.name == "test_false").unwrap().passed);
    assert!(mine.iter().find(|o| o.name == "test_true").unwrap().passed);
}
