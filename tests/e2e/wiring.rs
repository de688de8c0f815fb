//! README claims about flags, each checked through the binary: the flag
//! reaches the evaluation and changes what it should (issue 20).
use crate::support::*;

/// A custom rule (docs/custom-policies.md) whose `deny` is `body`.
fn custom_rule(body: &str) -> tempfile::TempDir {
    let policy = format!(
        "# METADATA\n# title: A rule that breaks the finding contract\n# description: >-\n#   Used by tests to report findings the CLI must refuse.\n# scope: package\n# related_resources:\n#   - https://example.com/contract\n# custom:\n#   id: BAD001\n#   name: broken-finding\n#   severity: high\n#   category: test\n#   kinds: [ConfigMap]\n#   remediation: Fix the rule.\npackage podauth.rules.BAD001\n\nimport data.podauth.lib.objects\nimport data.podauth.lib.result\n\n{body}\n"
    );
    tree(&[("p/BAD001/policy.rego", &policy)])
}

/// A finding for an object that does not exist, or without a `ref` at all,
/// is an error (exit 2), never dropped nor pinned on the first object.
#[test]
fn findings_with_a_bad_ref_are_errors_not_dropped_or_misplaced() {
    let cases = [
        (
            "deny contains result.finding(count(objects.review) + 5, \"data\", \"ghost\") if {\n\tsome obj in objects.review\n\tobj.kind == \"ConfigMap\"\n}",
            "BAD001 reported a finding for object",
        ),
        (
            "deny contains {\"path\": \"data\", \"msg\": \"no ref\"} if {\n\tsome obj in objects.review\n\tobj.kind == \"ConfigMap\"\n}",
            "BAD001: finding without a valid ref",
        ),
    ];
    for (body, want) in cases {
        let dir = custom_rule(body);
        let policy = dir.path().join("p");
        let run = podauth(&[
            "check",
            "-f",
            "policies/rules/PA102/bad.yaml",
            "--policy",
            policy.to_str().unwrap(),
            "-o",
            "json",
        ]);
        assert_eq!(run.code, 2, "{want}: {}\n{}", run.stderr, run.stdout);
        assert!(run.stderr.contains(want), "{want}: {}", run.stderr);
    }
}

/// `--show findings|workloads` picks the table's sections.
#[test]
fn show_picks_the_sections_of_the_table() {
    let table = |show: &str| {
        let run = podauth(&[
            "check",
            "-f",
            "examples/",
            "--color",
            "never",
            "--show",
            show,
        ]);
        assert_eq!(run.code, 1, "{show}: {}", run.stderr);
        run.stdout
    };
    let all = table("all");
    let findings = table("findings");
    let workloads = table("workloads");
    assert!(
        all.contains("PA501") && all.contains("RECOMMENDED"),
        "{all}"
    );
    assert!(
        findings.contains("PA501") && !findings.contains("RECOMMENDED"),
        "{findings}"
    );
    assert!(
        workloads.contains("RECOMMENDED") && !workloads.contains("PA501"),
        "{workloads}"
    );
}

/// `--cluster-type` reaches the policies: on Fargate there is no node role
/// to fall back to, so PA201 does not apply.
#[test]
fn cluster_type_reaches_the_policies() {
    let rules = |extra: &[&str]| {
        let mut args = vec!["check", "-f", "policies/rules/PA201/bad.yaml", "-o", "json"];
        args.extend(extra);
        podauth(&args).rules()
    };
    assert!(rules(&[]).contains(&"PA201".to_string()));
    assert!(rules(&["--cluster-type", "eks"]).contains(&"PA201".to_string()));
    assert!(!rules(&["--cluster-type", "eks-fargate"]).contains(&"PA201".to_string()));
}

/// `--prefer` changes the recommended method where the guide allows either.
#[test]
fn prefer_changes_the_recommendation() {
    let recommended = |extra: &[&str]| {
        let mut args = vec!["check", "-f", "examples/", "-o", "json"];
        args.extend(extra);
        let report = podauth(&args).json();
        report["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["recommended"].as_str().unwrap().to_string())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let default = recommended(&[]);
    assert_eq!(default, recommended(&["--prefer", "irsa"]));
    assert!(!default.contains("pod-identity"), "{default:?}");
    let pod_identity = recommended(&["--prefer", "pod-identity"]);
    assert!(pod_identity.contains("pod-identity"), "{pod_identity:?}");
}

/// Every `kubectl podauth ...` example in the help of migrate, recommend and
/// export runs (from a scratch directory holding the examples as `k8s/`).
#[test]
fn help_examples_of_migrate_recommend_and_export_run() {
    let scratch = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(root().join("examples")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(root().join("examples")).unwrap();
        let dest = scratch.path().join("k8s").join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
    let mut ran = 0;
    for sub in ["migrate", "recommend", "export"] {
        let help = podauth(&[sub, "--help"]);
        assert_eq!(help.code, 0);
        let (_, examples) = help
            .stdout
            .split_once("Examples:")
            .unwrap_or_else(|| panic!("{sub} --help lacks examples"));
        // Join continuation lines, then keep the commands that are ours alone.
        let joined = examples.replace("\\\n", " ");
        let commands: Vec<&str> = joined
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("kubectl podauth ") && !l.contains('|'))
            .collect();
        assert!(!commands.is_empty(), "{sub}: no examples");
        for command in commands {
            let args: Vec<&str> = command.split_whitespace().skip(2).collect();
            let run = {
                let mut cmd = cli();
                cmd.args(&args).current_dir(scratch.path());
                let out = cmd.output().unwrap();
                (
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr).into_owned(),
                )
            };
            assert!(
                matches!(run.0, Some(0 | 1)),
                "`{command}` exits {:?}: {}",
                run.0,
                run.1
            );
            ran += 1;
        }
    }
    assert!(ran >= 6, "ran {ran} examples");
}
