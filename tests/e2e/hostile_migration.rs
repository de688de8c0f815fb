//! `migrate` on manifests written by an attacker: crafted names, namespaces
//! and ServiceAccount names (`..`, `/`, `$()`, `;`, quotes, newlines, unicode
//! look-alikes), for every `--to`, offline and live. Every file written stays
//! under `-o`, the generated scripts run nothing but `aws`/`eksctl`, and every
//! invalid object is refused with an error naming it.
use crate::support::*;
use podauth_test_apiserver::Scenario;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (name, namespace, serviceAccountName) triples, each breaking the rules once.
fn hostile() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        ("/../../../victim/.github/workflows/ci", "payments", "ok-sa"),
        ("..", "..", ".."),
        ("../../escape", "../../escape", "../../escape"),
        ("api", "prod$(touch X)", "sa;touch Y;#"),
        ("it's\"quoted", "payments", "ok-sa"),
        ("line\nbreak", "payments", "line\nbreak"),
        ("раyments-api", "payments", "ok-sa"), // Cyrillic р and а
        ("api", "payments", "`touch Z`"),
        ("UPPER", "payments", "ok-sa"),
    ]
}

fn deployment(name: &str, ns: &str, sa: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "selector": {"matchLabels": {"app": "x"}},
            "template": {
                "metadata": {"labels": {"app": "x"},
                    "annotations": {"iam.amazonaws.com/role": "legacy-role"}},
                "spec": {"serviceAccountName": sa,
                    "containers": [{"name": "app", "image": "example.com/app:1.0"}]}
            }
        }
    })
}

/// One YAML stream (JSON documents are YAML): the hostile objects, then a
/// valid workload that must still be migrated.
fn manifest() -> String {
    let mut docs: Vec<String> = hostile()
        .into_iter()
        .map(|(n, ns, sa)| deployment(n, ns, sa).to_string())
        .collect();
    docs.push(deployment("good-api", "payments", "good-api").to_string());
    // A leading comment keeps the loader from reading the stream as one JSON text.
    format!("# hostile names\n{}\n", docs.join("\n---\n"))
}

/// Every regular file or link under `dir`, relative.
fn all_files(dir: &Path) -> BTreeSet<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect()
}

const AWS: [&str; 6] = [
    "--account-id",
    "111122223333",
    "--oidc-provider",
    "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE",
    "--region",
    "eu-west-1",
];

/// Runs migrate from a scratch tree deep enough that `../../..` stays inside it.
fn run_migrate(root: &Path, to: Option<&str>, cluster_name: &str) -> (Run, PathBuf) {
    let input = root.join("in/hostile.yaml");
    std::fs::create_dir_all(input.parent().unwrap()).unwrap();
    std::fs::write(&input, manifest()).unwrap();
    let out = root.join("a/b/c/out");
    let mut args = vec![
        "migrate",
        "-f",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--cluster-name",
        cluster_name,
    ];
    args.extend(AWS);
    if let Some(to) = to {
        args.extend(["--to", to]);
    }
    (podauth(&args), out)
}

fn assert_refusals(run: &Run) {
    assert_eq!(run.code, 2, "refused objects make exit 2:\n{}", run.stderr);
    for (i, _) in hostile().iter().enumerate() {
        let place = format!("hostile.yaml: document {} (line", i + 1);
        assert!(
            run.stderr.contains(&place),
            "document {} is not refused by name:\n{}",
            i + 1,
            run.stderr
        );
    }
    assert!(run.stderr.contains("is not a DNS-1123"), "{}", run.stderr);
    assert!(run.stderr.contains("the object was not migrated"));
    // The newline in a name is shown escaped: one line per refused object.
    let refusals = run
        .stderr
        .lines()
        .filter(|l| l.contains("not migrated"))
        .count();
    assert_eq!(refusals, hostile().len(), "{}", run.stderr);
}

#[test]
fn hostile_names_never_leave_the_output_directory_for_any_target() {
    for to in [None, Some("irsa"), Some("pod-identity")] {
        let root = tempfile::tempdir().unwrap();
        let (run, out) = run_migrate(root.path(), to, "prod");
        assert_refusals(&run);
        let everything = all_files(root.path());
        for f in &everything {
            assert!(
                f.starts_with("a/b/c/out") || f == Path::new("in/hostile.yaml"),
                "--to {to:?}: {} written outside -o",
                f.display()
            );
        }
        // The valid workload is still planned.
        let written = all_files(&out);
        assert!(
            written.iter().any(|f| f
                .to_string_lossy()
                .contains("payments.deployment.good-api.yaml")),
            "--to {to:?}: {written:?}\n{}",
            run.stderr
        );
        for f in &written {
            let s = f.to_string_lossy();
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/._+=,@-".contains(&b)),
                "unsafe file name {s:?}"
            );
        }
        // kubectl kustomize renders it.
        kustomize(&out);
    }
}

/// Stub `aws`, `eksctl` and `jq` that log their arguments, one per line.
fn stubs(dir: &Path) -> PathBuf {
    let bin = dir.join("stub-bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["aws", "eksctl", "jq"] {
        let path = bin.join(tool);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\necho '>> {tool}' >> \"$STUB_LOG\"\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> \"$STUB_LOG\"; done\n"
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

#[cfg(unix)]
#[test]
fn generated_scripts_run_nothing_but_the_aws_tools() {
    // The cluster name is a flag, not a manifest: it is never validated, so
    // quoting alone must keep it inert.
    let cluster = "prod$(touch INJECTED1);touch INJECTED2;'`touch INJECTED3`\"";
    for to in ["irsa", "pod-identity"] {
        let root = tempfile::tempdir().unwrap();
        let (run, out) = run_migrate(root.path(), Some(to), cluster);
        assert_eq!(run.code, 2, "{}", run.stderr);
        let scratch = root.path().join("scratch");
        std::fs::create_dir_all(&scratch).unwrap();
        let bin = stubs(root.path());
        let log = root.path().join("stub.log");
        let scripts: Vec<PathBuf> = all_files(&out)
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "sh"))
            .collect();
        assert!(!scripts.is_empty(), "--to {to}: no scripts");
        for script in &scripts {
            let status = Command::new("sh")
                .arg(out.join(script))
                .current_dir(&scratch)
                .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
                .env("STUB_LOG", &log)
                .status()
                .unwrap();
            assert!(status.success(), "{}", script.display());
        }
        let logged = std::fs::read_to_string(&log).unwrap();
        // Nothing was created but the log (create-roles.sh writes jq output
        // into its own directory, the plan's iam/).
        for marker in ["X", "Y", "Z", "INJECTED1", "INJECTED2", "INJECTED3"] {
            assert!(
                !root.path().join("scratch").join(marker).exists()
                    && !out.join("iam").join(marker).exists()
                    && !out.join("pod-identity").join(marker).exists(),
                "--to {to}: {marker} was created"
            );
        }
        let tools: BTreeSet<&str> = logged
            .lines()
            .filter_map(|l| l.strip_prefix(">> "))
            .collect();
        assert!(
            tools.is_subset(&["aws", "eksctl", "jq"].into()),
            "{tools:?}"
        );
        if to == "pod-identity" {
            // The whole hostile cluster name arrived as one argument.
            assert!(logged.lines().any(|l| l == cluster), "--to {to}:\n{logged}");
        }
    }
}

#[cfg(unix)]
#[test]
fn symlinks_in_the_output_directory_are_refused_not_followed() {
    let root = tempfile::tempdir().unwrap();
    let (run, out) = run_migrate(root.path(), Some("irsa"), "prod");
    assert_eq!(run.code, 2);
    // An attacker with write access to a previous plan swaps base/ for a link.
    let victim = root.path().join("victim");
    std::fs::create_dir_all(&victim).unwrap();
    std::fs::remove_dir_all(out.join("base")).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("base")).unwrap();
    let (run, _) = run_migrate(root.path(), Some("irsa"), "prod");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0);
}

#[test]
fn hostile_names_from_a_cluster_are_refused_too() {
    let fixtures = tempfile::tempdir().unwrap();
    let mut objects: Vec<Value> = hostile()
        .into_iter()
        .filter(|(n, ns, _)| !n.contains('/') && !ns.contains('/'))
        .map(|(n, ns, sa)| deployment(n, ns, sa))
        .collect();
    objects.push(deployment("good-api", "payments", "good-api"));
    for (i, o) in objects.iter().enumerate() {
        std::fs::write(
            fixtures.path().join(format!("object-{i}.json")),
            o.to_string(),
        )
        .unwrap();
    }
    let (_server, root, kubeconfig) = harness(Scenario::from_dir(fixtures.path()).unwrap(), &[]);
    let out = root.path().join("a/b/c/out");
    let mut extra = vec!["--cluster-name", "prod", "--to", "pod-identity"];
    extra.extend(AWS);
    let run = migrate_live(&kubeconfig, &out, &extra);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("cluster:prod"), "{}", run.stderr);
    assert!(run.stderr.contains("is not a DNS-1123"), "{}", run.stderr);
    for f in all_files(root.path()) {
        assert!(
            f.starts_with("a/b/c/out") || f == Path::new("kubeconfig"),
            "{} written outside -o",
            f.display()
        );
    }
    assert!(all_files(&out)
        .iter()
        .any(|f| f.to_string_lossy().contains("good-api")));
}
