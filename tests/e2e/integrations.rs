//! The GitHub Action (action.yml) and the pre-commit hook
//! (.pre-commit-hooks.yaml): their schemas, and their command lines run
//! against the examples with the binary under test.
use crate::support::*;
use std::collections::BTreeSet;
use std::process::Command;
use yaml_rust2::{Yaml, YamlLoader};

fn load(name: &str) -> Yaml {
    let text = std::fs::read_to_string(root().join(name)).unwrap();
    YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .remove(0)
}

fn s(y: &Yaml) -> &str {
    y.as_str().unwrap_or("")
}

/// A PATH with the binary under test first, named as the release installs it.
fn bin_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(BIN, dir.path().join("kubectl-podauth")).unwrap();
    dir
}

#[test]
fn action_yml_follows_the_action_metadata_schema() {
    let action = load("action.yml");
    for key in ["name", "description"] {
        assert!(!s(&action[key]).is_empty(), "{key} is required");
    }
    assert_eq!(s(&action["runs"]["using"]), "composite");
    let inputs = action["inputs"].as_hash().expect("inputs");
    let declared: BTreeSet<&str> = inputs.keys().map(s).collect();
    for (name, input) in inputs {
        assert!(
            !s(&input["description"]).is_empty(),
            "{name:?} needs a description"
        );
    }
    let steps = action["runs"]["steps"].as_vec().expect("steps");
    let ids: BTreeSet<&str> = steps
        .iter()
        .map(|st| s(&st["id"]))
        .filter(|i| !i.is_empty())
        .collect();
    let reference = regex::Regex::new(r"\$\{\{\s*(inputs|steps)\.([a-z-]+)").unwrap();
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    for c in reference.captures_iter(&text) {
        let known = if &c[1] == "inputs" { &declared } else { &ids };
        assert!(
            known.contains(&c[2]),
            "action.yml uses undeclared {}.{}",
            &c[1],
            &c[2]
        );
    }
    for step in steps {
        let runs = !s(&step["run"]).is_empty();
        let uses = !s(&step["uses"]).is_empty();
        assert!(runs != uses, "a step runs or uses: {step:?}");
        if runs {
            assert_eq!(
                s(&step["shell"]),
                "bash",
                "composite run steps need a shell"
            );
            // Inputs reach scripts through env, never spliced into the script.
            assert!(!s(&step["run"]).contains("${{"), "{}", s(&step["name"]));
        }
    }
    assert!(steps
        .iter()
        .any(|st| s(&st["uses"]).starts_with("github/codeql-action/upload-sarif@")));
    // It installs the archive `cargo xtask dist` builds.
    let install = s(&steps[0]["run"]);
    assert!(
        install.contains("kubectl-podauth-${VERSION}-${platform}.tar.gz"),
        "{install}"
    );
}

#[test]
fn the_actions_check_step_writes_sarif_and_records_the_exit_code() {
    let action = load("action.yml");
    let steps = action["runs"]["steps"].as_vec().unwrap();
    let check = steps.iter().find(|st| s(&st["id"]) == "check").unwrap();
    let bin = bin_dir();
    let work = tempfile::tempdir().unwrap();
    let output = work.path().join("github_output");
    let sarif = work.path().join("podauth.sarif");
    let run = Command::new("bash")
        .arg("-c")
        .arg(s(&check["run"]))
        .current_dir(root())
        .env("PATH", format!("{}:/usr/bin:/bin", bin.path().display()))
        .env("INPUT_PATH", "examples/")
        .env("INPUT_FAIL_ON", "high")
        .env("INPUT_ARGS", "--context-from examples/")
        .env("INPUT_SARIF_FILE", &sarif)
        .env("GITHUB_OUTPUT", &output)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "exit-code=1\n");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(report["version"], "2.1.0");
    assert!(!report["runs"][0]["results"].as_array().unwrap().is_empty());
    // The gate step fails the job with that code.
    let gate = steps
        .iter()
        .find(|st| s(&st["name"]) == "Gate on findings")
        .unwrap();
    let status = Command::new("bash")
        .arg("-c")
        .arg(s(&gate["run"]))
        .env("CODE", "1")
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn pre_commit_hook_follows_the_hook_schema_and_checks_staged_manifests() {
    let hooks = load(".pre-commit-hooks.yaml");
    let hooks = hooks.as_vec().expect("a list of hooks");
    assert!(!hooks.is_empty());
    let known_keys = [
        "id",
        "name",
        "entry",
        "language",
        "files",
        "exclude",
        "types",
        "types_or",
        "exclude_types",
        "always_run",
        "fail_fast",
        "verbose",
        "pass_filenames",
        "require_serial",
        "description",
        "language_version",
        "log_file",
        "minimum_pre_commit_version",
        "args",
        "stages",
    ];
    for hook in hooks {
        for key in hook.as_hash().unwrap().keys() {
            assert!(known_keys.contains(&s(key)), "unknown hook key {key:?}");
        }
        for key in ["id", "name", "entry", "language"] {
            assert!(!s(&hook[key]).is_empty(), "{key} is required");
        }
        assert_eq!(s(&hook["language"]), "system", "runs the installed plugin");
        let types: Vec<&str> = hook["types_or"].as_vec().unwrap().iter().map(s).collect();
        assert_eq!(types, ["yaml", "json"]);

        // What pre-commit runs: the entry (split like a shell, no quoting here)
        // followed by the staged file names.
        let entry = s(&hook["entry"]);
        assert!(!entry.contains(['"', '\'']), "{entry}");
        let mut words: Vec<String> = entry.split_whitespace().map(String::from).collect();
        let program = words.remove(0);
        let bin = bin_dir();
        let staged = [
            "examples/payments/checkout-api.yaml",
            "examples/payments/ledger.yaml",
        ];
        let out = Command::new(bin.path().join(&program))
            .args(&words)
            .args(staged)
            .current_dir(root())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("PA501"), "{stdout}");
        assert!(
            stdout.contains("from 2 files"),
            "both staged files are checked: {stdout}"
        );
        // A clean staged file passes.
        let clean = Command::new(bin.path().join(&program))
            .args(&words)
            .arg("examples/payments/ledger.yaml")
            .current_dir(root())
            .output()
            .unwrap();
        assert_eq!(
            clean.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&clean.stdout)
        );
    }
}
