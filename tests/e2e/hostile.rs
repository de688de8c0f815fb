//! Bad input gets one clear error naming file, document and line; the rest of
//! the run goes on and the exit code becomes 2.
use crate::support::*;

const GOOD_PA501: &str = include_str!("../../policies/rules/PA501/bad.yaml");

fn run_dir(files: &[(&str, &str)]) -> (tempfile::TempDir, Run) {
    let dir = tree(files);
    let run = podauth(&["check", "-f", dir.path().to_str().unwrap(), "-o", "json"]);
    (dir, run)
}

fn only_error(run: &Run) -> serde_json::Value {
    let errors = run.json()["errors"].as_array().unwrap().clone();
    assert_eq!(errors.len(), 1, "errors: {errors:?}");
    errors[0].clone()
}

#[test]
fn malformed_yaml_names_file_document_and_line_and_the_rest_is_checked() {
    let broken =
        format!("{GOOD_PA501}---\nkind: Pod\nmetadata: {{name: [unclosed\n---\n{GOOD_PA501}");
    let (_d, run) = run_dir(&[("a-broken.yaml", &broken), ("b-fine.yaml", GOOD_PA501)]);
    assert_eq!(run.code, 2);
    let e = only_error(&run);
    assert!(e["file"].as_str().unwrap().ends_with("a-broken.yaml"));
    assert_eq!(e["document"], 2);
    assert!(e["line"].as_u64().unwrap() >= 19, "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("invalid YAML"),
        "{e}"
    );
    // Documents 1 and 3 of the broken file and the other file are still checked.
    assert_eq!(run.rules(), vec!["PA501", "PA501", "PA501"]);
    assert!(
        run.stderr.contains("a-broken.yaml: document 2 (line"),
        "{}",
        run.stderr
    );
}

#[test]
fn malformed_json_is_reported_with_its_line() {
    let (_d, run) = run_dir(&[
        ("x.json", "{\n  \"kind\": \"Pod\",\n  oops\n}\n"),
        ("y.yaml", GOOD_PA501),
    ]);
    assert_eq!(run.code, 2);
    let e = only_error(&run);
    assert_eq!(e["line"], 3);
    assert_eq!(run.rules(), vec!["PA501"]);
}

#[test]
fn documents_that_are_not_objects_or_lack_kind_are_errors() {
    let text = "just a string\n---\n- a\n- list\n---\napiVersion: v1\nmetadata: {name: x}\n---\nkind: Pod\napiVersion: v1\nmetadata: plain\n";
    let (_d, run) = run_dir(&[("m.yaml", text)]);
    assert_eq!(run.code, 2);
    let errors = run.json()["errors"].as_array().unwrap().clone();
    let messages: Vec<&str> = errors
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(errors.len(), 4, "{messages:?}");
    assert!(messages[0].contains("a string"));
    assert!(messages[1].contains("a list"));
    assert!(messages[2].contains("no kind"));
    assert!(messages[3].contains("metadata that is not a mapping"));
    assert_eq!(errors[2]["document"], 3);
    assert_eq!(errors[2]["line"], 6);
}

#[test]
fn unknown_kinds_are_skipped_silently() {
    let text = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n";
    let (_d, run) = run_dir(&[("w.yaml", text)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty());
    assert_eq!(run.json()["summary"]["objectsRead"], 1);
}

#[test]
fn alias_bombs_are_refused() {
    let mut bomb = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        bomb.push_str(&format!(
            "  a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    let (_d, run) = run_dir(&[("bomb.yaml", &bomb), ("ok.yaml", GOOD_PA501)]);
    assert_eq!(run.code, 2);
    assert!(only_error(&run)["message"]
        .as_str()
        .unwrap()
        .contains("alias"));
    assert_eq!(run.rules(), vec!["PA501"]);
}

#[test]
fn deep_nesting_and_duplicate_keys_are_errors() {
    let deep = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: d}}\ndata: {}1{}\n",
        "[".repeat(100),
        "]".repeat(100)
    );
    let (_d, run) = run_dir(&[("deep.yaml", &deep)]);
    assert_eq!(run.code, 2);
    assert!(only_error(&run)["message"]
        .as_str()
        .unwrap()
        .contains("nesting"));
    let dup = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n";
    let (_d, run) = run_dir(&[("dup.yaml", dup)]);
    let e = only_error(&run);
    assert_eq!(e["line"], 5);
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("duplicate key \"name\""));
}

/// The limit is 64 levels (README): a document exactly 64 levels deep is read,
/// one level more is an error naming the file and the limit, in YAML and JSON.
#[test]
fn nesting_is_read_up_to_64_levels_and_refused_at_65() {
    // The top-level mapping is level 1; `x` adds one level per bracket.
    let yaml = |levels: usize| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: d}}\nx: {}1{}\n",
            "[".repeat(levels - 1),
            "]".repeat(levels - 1)
        )
    };
    let json = |levels: usize| {
        format!(
            "{{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {{\"name\": \"d\"}}, \"x\": {}1{}}}",
            "[".repeat(levels - 1),
            "]".repeat(levels - 1)
        )
    };
    for (name, text) in [("at-limit.yaml", yaml(64)), ("at-limit.json", json(64))] {
        let (_d, run) = run_dir(&[(name, &text)]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert_eq!(run.json()["summary"]["objectsRead"], 1, "{name}");
        assert_eq!(run.json()["summary"]["errors"], 0, "{name}");
    }
    for (name, text) in [("over.yaml", yaml(65)), ("over.json", json(65))] {
        let (_d, run) = run_dir(&[(name, &text)]);
        assert_eq!(run.code, 2, "{name}");
        let e = only_error(&run);
        let message = e["message"].as_str().unwrap();
        assert!(message.contains("limit of 64"), "{name}: {message}");
        assert!(e["file"].as_str().unwrap().ends_with(name), "{e}");
    }
}

#[test]
fn oversized_and_binary_files_are_errors_and_others_still_run() {
    let big = "# padding\n".repeat(120_000); // ~1.2 MB
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i * 7919 % 251) as u8 | 0x80)
        .collect();
    let dir = tree(&[("big.yaml", &big), ("ok.yaml", GOOD_PA501)]);
    std::fs::write(dir.path().join("garbage.yaml"), garbage).unwrap();
    let run = check_json(dir.path().to_str().unwrap(), &["--max-file-size", "1"]);
    assert_eq!(run.code, 2);
    let errors = run.json()["errors"].as_array().unwrap().clone();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().any(|e| e["message"]
        .as_str()
        .unwrap()
        .contains("over the 1 MiB limit")));
    assert!(errors
        .iter()
        .any(|e| e["message"].as_str().unwrap().contains("not valid UTF-8")));
    assert_eq!(run.rules(), vec!["PA501"]);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_missing_files_are_errors() {
    let dir = tree(&[("sub/ok.yaml", GOOD_PA501)]);
    std::os::unix::fs::symlink(dir.path(), dir.path().join("sub/loop")).unwrap();
    let missing = dir.path().join("nope.yaml");
    let run = podauth(&[
        "check",
        "-f",
        dir.path().to_str().unwrap(),
        "-f",
        missing.to_str().unwrap(),
        "-o",
        "json",
    ]);
    assert_eq!(run.code, 2);
    let messages: Vec<String> = run.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}: {}", e["file"], e["message"]))
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("symbolic link loop")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("nope.yaml") && m.contains("no such file")),
        "{messages:?}"
    );
    assert_eq!(run.rules(), vec!["PA501"]);
}

#[test]
fn a_200_mb_file_is_refused_by_size_without_reading_it() {
    let dir = tree(&[("ok.yaml", GOOD_PA501)]);
    let big = std::fs::File::create(dir.path().join("huge.yaml")).unwrap();
    big.set_len(200 * 1024 * 1024).unwrap(); // sparse: no disk used
    let (code, report) = {
        let run = podauth(&["check", "-f", dir.path().to_str().unwrap(), "-o", "json"]);
        (run.code, run.json())
    };
    assert_eq!(code, 2);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("200 MiB, over the 64 MiB limit"),
        "{errors:?}"
    );
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        1,
        "the other file is still checked"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_paths_are_errors() {
    let dir = tree(&[("ok.yaml", GOOD_PA501)]);
    std::os::unix::fs::symlink(
        dir.path().join("missing-target.yaml"),
        dir.path().join("dangling.yaml"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("not-a-file.yaml")).unwrap();
    let run = podauth(&[
        "check",
        "-f",
        dir.path().join("dangling.yaml").to_str().unwrap(),
        "-f",
        dir.path().join("ok.yaml").to_str().unwrap(),
        "-o",
        "json",
    ]);
    assert_eq!(run.code, 2);
    let errors = run.json()["errors"].as_array().unwrap().clone();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("dangling.yaml"));
    assert_eq!(run.rules(), vec!["PA501"]);
}

#[test]
fn mistyped_fields_are_input_errors_naming_the_path_and_the_rest_is_checked() {
    // Objects without metadata, env entries without names, non-string
    // annotations, numbers where lists belong: the API server would reject the
    // mistyped ones; a linter must name the field and go on, never crash.
    let odd = r#"apiVersion: v1
kind: ServiceAccount
---
apiVersion: v1
kind: Namespace
metadata:
  name: odd
  annotations:
    iam.amazonaws.com/allowed-roles: 42
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mounts
  namespace: odd
spec:
  template:
    spec:
      containers:
        - name: c
          volumeMounts: 3
---
apiVersion: v1
kind: Secret
metadata: {name: s, namespace: odd}
data: {a: 5}
---
apiVersion: v1
kind: Pod
metadata: {name: nameless-env, namespace: odd}
spec:
  hostNetwork: "yes"
  containers:
    - name: c
      env:
        - value: AKIAZ7QXFAKEKEY23456
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {name: n}
spec: {metadataOptions: {httpPutResponseHopLimit: "two", httpTokens: 5}}
"#;
    let (_d, run) = run_dir(&[("odd.yaml", odd)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        !run.stderr.contains("evaluating policies"),
        "{}",
        run.stderr
    );
    let report = run.json();
    let errors = report["errors"].as_array().unwrap();
    let messages: Vec<String> = errors
        .iter()
        .map(|e| {
            format!(
                "{}:{} {}",
                e["document"],
                e["line"],
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(errors.len(), 3, "{messages:#?}");
    assert!(messages[0].starts_with("2:9 ") && messages[0].contains("metadata.annotations[\"iam.amazonaws.com/allowed-roles\"] must be a string, not a number"), "{messages:#?}");
    assert!(
        messages[1].starts_with("3:21 ")
            && messages[1].contains("spec.template.spec.containers[0].volumeMounts must be a list"),
        "{messages:#?}"
    );
    assert!(
        messages[2].contains("data.a must be a string"),
        "{messages:#?}"
    );
    // The well-typed objects are still checked: the key in a nameless env entry is found.
    assert!(
        run.rules().contains(&"PA101".to_string()),
        "{:?}",
        run.rules()
    );
}
