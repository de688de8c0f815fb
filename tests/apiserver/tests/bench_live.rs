//! The path `cargo xtask bench --live` takes, at a small size: the harness
//! binary serves a generated estate (`--pods N --control-stdin`), the CLI
//! binary checks it through the kubeconfig the harness wrote, and the report
//! holds exactly the workloads and findings the generated pods call for.
//! No timings are asserted.
use podauth_test_apiserver::estate::{estate_counts, EstateCounts};
use podauth_test_apiserver::hermetic;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// 13 team namespaces (the last half full), three pages of pods at the CLI's 500.
const PODS: usize = 1250;
const PAGE_SIZE: usize = 500;

/// The harness binary, stopped (end of stdin) when dropped.
struct Harness {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    ready: Value,
}

impl Harness {
    fn start(pods: usize, kubeconfig: &std::path::Path) -> Harness {
        let mut child = Command::new(env!("CARGO_BIN_EXE_podauth-test-apiserver"))
            .args([
                "--pods",
                &pods.to_string(),
                "--control-stdin",
                "--kubeconfig",
            ])
            .arg(kubeconfig)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("harness binary starts");
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("ready line");
        let ready: Value = serde_json::from_str(
            line.strip_prefix("ready ")
                .unwrap_or_else(|| panic!("expected a ready line, got {line:?}")),
        )
        .expect("ready JSON");
        Harness {
            child,
            stdin,
            stdout,
            ready,
        }
    }

    /// (method, uri) of the requests since the last call.
    fn requests(&mut self) -> Vec<(String, String)> {
        let stdin = self.stdin.as_mut().expect("stdin");
        writeln!(stdin, "requests").expect("command sent");
        stdin.flush().expect("flush");
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("request log");
        let log: Value = serde_json::from_str(&line).expect("request log JSON");
        log.as_array()
            .expect("array")
            .iter()
            .map(|r| {
                (
                    r["method"].as_str().unwrap().to_string(),
                    r["uri"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        drop(self.stdin.take());
        if self.child.wait().is_err() {
            let _ = self.child.kill();
        }
    }
}

/// The CLI binary: `PODAUTH_BIN`, else `kubectl-podauth` in this test's
/// target directory when it is at least as new as the CLI library this test
/// links (as after `cargo test --workspace`), else built there with cargo.
fn cli_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PODAUTH_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test executable");
    // target/<profile>/deps/<test> -> target/<profile>
    let deps = exe.parent().expect("deps dir");
    let profile_dir = deps.parent().expect("profile dir");
    let binary = profile_dir.join(format!("kubectl-podauth{}", std::env::consts::EXE_SUFFIX));
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let newest_lib = std::fs::read_dir(deps)
        .expect("deps dir")
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("libpodauth_cli-") && name.ends_with(".rlib")
        })
        .filter_map(|e| modified(&e.path()))
        .max();
    if let (Some(bin), Some(lib)) = (modified(&binary), newest_lib) {
        if bin >= lib {
            return binary;
        }
    }
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .expect("profile name");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build.args([
        "build",
        "--quiet",
        "-p",
        "kubectl-podauth",
        "--bin",
        "kubectl-podauth",
    ]);
    if profile != "debug" {
        build.args(["--profile", profile]);
    }
    let status = build
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build -p kubectl-podauth failed");
    binary
}

fn count<'a>(items: impl Iterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for i in items {
        *out.entry(i.to_string()).or_insert(0) += 1;
    }
    out
}

fn expected_workloads(c: &EstateCounts) -> BTreeMap<String, usize> {
    [
        ("irsa", c.irsa_pods),
        ("node-role", c.plain_pods),
        ("kube2iam-kiam", c.kube2iam_pods),
        ("hardcoded-credentials", c.static_env_pods),
        ("static-credentials", c.secret_env_pods),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn expected_findings(c: &EstateCounts) -> BTreeMap<String, usize> {
    [
        // Both keys, written in the env of each static-key pod.
        ("PA101", 2 * c.static_env_pods),
        // Both keys, read from the aws-creds Secret.
        ("PA103", 2 * c.secret_env_pods),
        // Both keys stored in each namespace's aws-creds Secret.
        ("PA104", 2 * c.secrets),
        // Plain pods use the SDK (AWS_REGION) on the node's role.
        ("PA201", c.plain_pods),
        ("PA501", c.kube2iam_pods),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

#[test]
fn live_check_of_a_generated_estate_reports_what_its_pods_call_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = dir.path().join("kubeconfig");
    let mut harness = Harness::start(PODS, &kubeconfig);
    let counts = estate_counts(PODS);
    assert_eq!(harness.ready["objects"], counts.objects);
    assert_eq!(harness.ready["pods"], PODS);
    assert_eq!(harness.ready["kubeconfig"], kubeconfig.to_str().unwrap());
    assert!(harness.requests().is_empty(), "nothing read yet");

    let home = tempfile::tempdir().expect("scratch HOME");
    let out = hermetic(&mut Command::new(cli_binary()), home.path())
        .args(["check", "--kubeconfig"])
        .arg(&kubeconfig)
        .args(["-A", "-o", "json", "--timings", "--request-timeout", "60s"])
        .output()
        .expect("CLI runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "findings exit 1: {stderr}");
    for phase in ["read", "evaluate", "total", "peak RSS"] {
        assert!(stderr.contains(phase), "--timings prints {phase}: {stderr}");
    }
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");

    let summary = &report["summary"];
    assert_eq!(summary["objectsRead"], counts.objects, "{summary}");
    assert_eq!(summary["errors"], 0, "{summary}");
    assert_eq!(summary["clusters"], 1, "{summary}");

    let workloads = report["workloads"].as_array().expect("workloads");
    assert_eq!(workloads.len(), PODS, "no pod collapses: none has an owner");
    assert_eq!(
        count(workloads.iter().map(|w| w["effective"].as_str().unwrap())),
        expected_workloads(&counts)
    );

    let findings = report["findings"].as_array().expect("findings");
    let expected = expected_findings(&counts);
    assert_eq!(
        count(findings.iter().map(|f| f["rule"].as_str().unwrap())),
        expected
    );
    assert_eq!(summary["findings"], expected.values().sum::<usize>());

    // Paged lists, as a real API server serves them.
    let requests = harness.requests();
    assert!(requests.iter().all(|(m, _)| m == "GET"), "{requests:?}");
    let pod_pages: Vec<&str> = requests
        .iter()
        .map(|(_, uri)| uri.as_str())
        .filter(|uri| uri.split('?').next() == Some("/api/v1/pods"))
        .collect();
    assert_eq!(pod_pages.len(), PODS.div_ceil(PAGE_SIZE), "{pod_pages:?}");
    assert!(pod_pages
        .iter()
        .all(|uri| uri.contains(&format!("limit={PAGE_SIZE}"))));
    assert!(pod_pages[1..].iter().all(|uri| uri.contains("continue=")));
    assert!(harness.requests().is_empty(), "the log was emptied");
}
