//! Flags mean what they say: nothing accepted is silently ignored, `-o`
//! targets are consistent, and messages count in good English.
use crate::support::*;
use podauth_test_apiserver::{write_kubeconfig, ContextSpec};

#[test]
fn cluster_flags_are_rejected_offline_by_name() {
    for (flags, named) in [
        (&["-n", "kube-system"][..], "-n/--namespace"),
        (&["-l", "app=x"][..], "-l/--selector"),
        (&["-A"][..], "-A/--all-namespaces"),
        (&["--context", "prod"][..], "--context"),
    ] {
        let mut args = vec!["check", "-f", "examples/"];
        args.extend_from_slice(flags);
        let run = podauth(&args);
        assert_eq!(run.code, 2, "{flags:?}: {}", run.stdout);
        assert!(run.stdout.is_empty(), "{flags:?}: nothing is checked");
        assert!(
            run.stderr.contains(named) && run.stderr.contains("-f reads files"),
            "{flags:?}: {}",
            run.stderr
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let run = podauth(&[
        "migrate",
        "-f",
        "examples/",
        "-n",
        "payments",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("-n/--namespace"), "{}", run.stderr);
    assert!(!out.exists());
}

#[test]
fn explain_takes_ids_and_names_and_rules_speaks_yaml() {
    let by_name = podauth(&["explain", "hardcoded-aws-credentials", "-o", "json"]);
    assert_eq!(by_name.code, 0, "{}", by_name.stderr);
    assert_eq!(by_name.json()["id"], "PA101");
    let by_id = podauth(&["explain", "pa101", "-o", "json"]);
    assert_eq!(by_id.stdout, by_name.stdout);
    let missing = podauth(&["explain", "no-such-rule"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("id or name"), "{}", missing.stderr);

    let yaml = podauth(&["rules", "-o", "yaml"]);
    assert_eq!(yaml.code, 0, "{}", yaml.stderr);
    let docs = yaml_rust2::YamlLoader::load_from_str(&yaml.stdout).expect("rules -o yaml is YAML");
    let rules = docs[0].as_vec().expect("a list of rules");
    let json = podauth(&["rules", "-o", "json"]).json();
    assert_eq!(rules.len(), json.as_array().unwrap().len());
    assert_eq!(rules[0]["id"].as_str(), json[0]["id"].as_str());
    let explained = podauth(&["explain", "PA501", "-o", "yaml"]);
    assert!(explained.stdout.contains("name: \"legacy-iam-annotation\""));
}

#[test]
fn single_file_exports_take_a_file_or_stdout_and_name_a_directory_mistake() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let run = podauth(&["export", "wasm", "-o", d]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("export wasm writes one file, and -o")
            && run.stderr.contains("is a directory")
            && !run.stderr.contains("os error"),
        "{}",
        run.stderr
    );
    let to_stdout = std::process::Command::new(BIN)
        .args(["export", "wasm", "-o", "-"])
        .output()
        .unwrap();
    assert!(to_stdout.status.success());
    assert_eq!(&to_stdout.stdout[..4], b"\0asm", "the module on stdout");
    assert!(!root().join("-").exists(), "no file named -");
    let run = podauth(&["export", "opa-bundle", "-o", d]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("export opa-bundle writes one file"));
}

#[test]
fn directory_exports_and_migrate_refuse_file_targets_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let kw = dir.path().join("kw.wasm");
    let run = podauth(&["export", "kubewarden", "-o", kw.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("export kubewarden writes policy.wasm and policy.yaml into a directory")
            && run.stderr.contains("ends in .wasm"),
        "{}",
        run.stderr
    );
    assert!(!kw.exists(), "no directory was created");

    let run = podauth(&["migrate", "-f", "examples/", "-o", "-"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("migrate writes"), "{}", run.stderr);
    assert!(run.stderr.contains("-o - (stdout)"), "{}", run.stderr);
    assert!(!root().join("-").exists(), "no directory named -");

    let file = dir.path().join("plan.txt");
    std::fs::write(&file, "x").unwrap();
    let run = podauth(&["migrate", "-f", "examples/", "-o", file.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is an existing file"), "{}", run.stderr);

    // `-o -` is gatekeeper's default (stdout), spelled out.
    let run = podauth(&["export", "gatekeeper", "-o", "-"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("kind: \"ConstraintTemplate\""));
}

#[test]
fn recommend_prefer_speaks_checks_vocabulary_and_rejects_contradictions() {
    let run = recommend_pod_identity(&["-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["method"], "pod-identity");
    assert_eq!(j["answers"]["prefer"], "pod-identity");
    let old = podauth(&["recommend", "--prefer", "iac"]);
    assert_eq!(old.code, 2, "one vocabulary: irsa|pod-identity");
    assert!(old.stderr.contains("pod-identity"), "{}", old.stderr);
    let run = podauth(&["recommend", "--eks", "--no-eks"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
}

#[test]
fn summaries_count_in_good_english() {
    let run = podauth(&["check", "-f", "examples/payments/ledger.yaml"]);
    let last = run.stdout.lines().last().unwrap_or_default().to_string();
    assert!(last.ends_with("from 1 file"), "{last}");
    let one = tree(&[(
        "sa.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: x\nspec:\n  containers:\n  - name: c\n    image: i\n",
    )]);
    let run = podauth(&["check", "-f", one.path().to_str().unwrap()]);
    let last = run.stdout.lines().last().unwrap_or_default().to_string();
    assert!(last.contains(" in 1 object from 1 file"), "{last}");
}

#[test]
fn a_single_unreachable_context_still_prints_json_naming_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    write_kubeconfig(&kubeconfig, &[ContextSpec::unreachable("gone", 1)]).unwrap();
    let run = podauth(&[
        "check",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "--context",
        "gone",
        "-o",
        "json",
        "--request-timeout",
        "5s",
    ]);
    assert_eq!(run.code, 2);
    let report = run.json();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let place = errors[0]["file"].as_str().unwrap();
    assert!(
        place.contains("\"gone\"") && place.contains("server https://127.0.0.1:1"),
        "{place}"
    );
    assert_eq!(report["summary"]["clusters"], 0);

    let table = podauth(&[
        "check",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "--request-timeout",
        "5s",
    ]);
    assert_eq!(table.code, 2);
    assert!(
        table.stderr.contains("server https://127.0.0.1:1"),
        "{}",
        table.stderr
    );
    assert!(table.stdout.contains("from 0 clusters"), "{}", table.stdout);
}
