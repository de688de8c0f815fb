//! Issue #15's loader and gate cases: alias bombs by bytes, malformed Lists,
//! binary input, special files, empty inputs, missing baselines and terminal
//! control characters. Each was accepted silently (or hung) before.
use crate::support::*;

const GOOD_PA501: &str = include_str!("../../policies/rules/PA501/bad.yaml");

/// Runs the binary and samples its peak resident memory (`VmHWM`, a
/// high-water mark, so sampling misses nothing but the last few ms) in KiB.
#[cfg(target_os = "linux")]
fn run_measured(args: &[&str]) -> (Run, u64) {
    use std::io::Read;
    let mut child = std::process::Command::new(BIN)
        .args(args)
        .current_dir(root())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak = peak.max(kib);
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    (
        Run {
            code: status.code().unwrap_or(-1),
            stdout: out.join().unwrap(),
            stderr: err.join().unwrap(),
        },
        peak,
    )
}

#[cfg(target_os = "linux")]
#[test]
fn alias_bombs_by_bytes_are_refused_within_bounded_memory() {
    // A 1 MiB string aliased 2,000 times: 2 GB once expanded, few nodes.
    let big = "x".repeat(1024 * 1024);
    let mut bomb = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: bomb}}\ndata:\n  a: &a \"{big}\"\n  b: ["
    );
    bomb.push_str(&vec!["*a"; 2000].join(", "));
    bomb.push_str("]\n");
    let dir = tree(&[("bomb.yaml", &bomb), ("ok.yaml", GOOD_PA501)]);
    let (run, max_rss_kib) =
        run_measured(&["check", "-f", dir.path().to_str().unwrap(), "-o", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report = run.json();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("alias expansion exceeds"),
        "{errors:?}"
    );
    assert_eq!(
        run.rules(),
        vec!["PA501"],
        "the other file is still checked"
    );
    // Generous ceiling (the bomb reached 4.5 GB): catches the regression.
    assert!(max_rss_kib < 200 * 1024, "peak RSS {max_rss_kib} KiB");
}

#[test]
fn a_list_whose_items_is_not_a_list_is_an_error() {
    let dir = tree(&[
        (
            "list.yaml",
            "apiVersion: v1\nkind: List\nitems: \"not a list\"\n",
        ),
        ("ok.yaml", GOOD_PA501),
    ]);
    let run = podauth(&["check", "-f", dir.path().to_str().unwrap(), "-o", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let errors = run.json()["errors"].as_array().unwrap().clone();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]["file"].as_str().unwrap().ends_with("list.yaml"));
    assert_eq!(errors[0]["document"], 1);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("items is a string, not a list"),
        "{errors:?}"
    );
    assert_eq!(run.rules(), vec!["PA501"]);
}

#[test]
fn nul_bytes_and_binary_garbage_are_errors_not_empty_manifests() {
    let dir = tree(&[("ok.yaml", GOOD_PA501)]);
    std::fs::write(dir.path().join("zeros.yaml"), vec![0u8; 4096]).unwrap();
    std::fs::write(dir.path().join("ctl.yaml"), b"\x01\x02\x03kind: Pod\n").unwrap();
    let run = podauth(&["check", "-f", dir.path().to_str().unwrap(), "-o", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let errors = run.json()["errors"].as_array().unwrap().clone();
    assert_eq!(errors.len(), 2, "{errors:?}");
    for e in &errors {
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("binary data, not YAML or JSON"),
            "{e}"
        );
    }
    assert_eq!(run.rules(), vec!["PA501"]);
}

#[cfg(unix)]
#[test]
fn dev_zero_terminates_with_an_error() {
    let run = podauth(&["check", "-f", "/dev/zero", "-o", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("/dev/zero") && run.stderr.contains("character device"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn special_files_in_directories_are_warned_about_and_skipped() {
    let dir = tree(&[("ok.yaml", GOOD_PA501)]);
    mkfifo(&dir.path().join("pipe.yaml"));
    let run = podauth(&["check", "-f", dir.path().to_str().unwrap(), "-o", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning")
            && run
                .stderr
                .contains("pipe.yaml: a FIFO, not a regular file; skipped"),
        "{}",
        run.stderr
    );
    assert_eq!(run.rules(), vec!["PA501"]);
}

#[cfg(unix)]
#[test]
fn a_fifo_with_no_writer_is_refused_after_a_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.yaml");
    mkfifo(&fifo);
    let run = podauth(&[
        "check",
        "-f",
        fifo.to_str().unwrap(),
        "-f",
        "policies/rules/PA501/bad.yaml",
        "-o",
        "json",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("a FIFO with no writer"),
        "{}",
        run.stderr
    );
    assert_eq!(run.rules(), vec!["PA501"]);
    // A FIFO with a writer (process substitution) is read as usual.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, GOOD_PA501).unwrap())
    };
    let run = podauth(&["check", "-f", fifo.to_str().unwrap(), "-o", "json"]);
    writer.join().unwrap();
    assert_eq!(run.rules(), vec!["PA501"], "{}", run.stderr);
}

#[test]
fn paths_with_no_manifest_are_an_error_unless_allowed() {
    let empty = tempfile::tempdir().unwrap();
    let path = empty.path().to_str().unwrap();
    let run = podauth(&["check", "-f", path]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("holds no manifest file"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--allow-empty"), "{}", run.stderr);
    let run = podauth(&["check", "-f", path, "--allow-empty"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Files with no object at all are the same silent green.
    let blank = tree(&[("blank.yaml", "# nothing here\n")]);
    let run = podauth(&["check", "-f", blank.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("hold no Kubernetes object"),
        "{}",
        run.stderr
    );
    // And a typo'd directory next to a good one still fails the gate.
    let run = podauth(&["check", "-f", "policies/rules/PA501/bad.yaml", "-f", path]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let out = tempfile::tempdir().unwrap();
    let run = podauth(&[
        "migrate",
        "-f",
        path,
        "-o",
        out.path().join("p").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn a_missing_baseline_is_an_error_unless_updating() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("new.json");
    let b = baseline.to_str().unwrap();
    let run = podauth(&["check", "-f", "examples/", "--baseline", b]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
    assert!(run.stderr.contains("--update-baseline"), "{}", run.stderr);
    assert!(!baseline.exists());
    let run = podauth(&[
        "check",
        "-f",
        "examples/",
        "--baseline",
        b,
        "--update-baseline",
    ]);
    assert!(baseline.exists(), "{}", run.stderr);
    let run = podauth(&["check", "-f", "examples/", "--baseline", b]);
    assert_eq!(
        run.code, 0,
        "every finding is in the baseline: {}",
        run.stdout
    );
}

#[test]
fn control_characters_are_escaped_in_the_table_github_format_and_errors() {
    let ansi = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: evil\n  namespace: \"prod\\e[2K\\r\"\nspec:\n  template:\n    metadata:\n      annotations:\n        iam.amazonaws.com/role: \"x\\e[1A\\e[2K\\u202e\"\n    spec:\n      containers:\n        - name: c\n          env:\n            - {name: AWS_ACCESS_KEY_ID, value: AKIAZ7QXFAKEKEY23456}\n---\napiVersion: v1\nkind: List\nitems: \"\\e[2J\"\n";
    let dir = tree(&[("ansi.yaml", ansi)]);
    let path = dir.path().to_str().unwrap();
    for format in ["table", "github"] {
        let run = podauth(&["check", "-f", path, "-o", format, "--color", "never"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        for (what, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            assert!(
                !text
                    .chars()
                    .any(|c| c.is_control() && c != '\n' || c == '\u{202e}'),
                "{format} {what} carries a raw control character:\n{text:?}"
            );
        }
        assert!(
            run.stdout.contains("PA101"),
            "{format}: the critical finding is shown"
        );
        assert!(
            run.stdout.contains("\\x1b[2K"),
            "{format}: escaped, not dropped:\n{}",
            run.stdout
        );
    }
}
