use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_kubectl-podauth");

/// The repository root (tests run with the crate dir as cwd).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// Rule ids of the findings in a JSON report.
    pub fn rules(&self) -> Vec<String> {
        self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    }
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// An empty directory used as `HOME` by every spawned process, so no test
/// reads the machine's `~/.kube/config` (or any other dotfile).
pub fn scratch_home() -> PathBuf {
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-scratch-home");
    std::fs::create_dir_all(&home).unwrap();
    home
}

/// [`podauth_test_apiserver::hermetic`] with [`scratch_home`].
pub fn hermetic(cmd: &mut Command) -> &mut Command {
    podauth_test_apiserver::hermetic(cmd, &scratch_home())
}

/// The binary, hermetic (see [`hermetic`]), run from the repository root.
pub fn cli() -> Command {
    let mut cmd = Command::new(BIN);
    hermetic(&mut cmd).current_dir(root());
    cmd
}

/// Runs the binary from the repository root.
pub fn podauth(args: &[&str]) -> Run {
    podauth_stdin(args, None)
}

/// Runs `check -f PATH -o json` with extra arguments.
pub fn check_json(path: &str, extra: &[&str]) -> Run {
    let mut args = vec!["check", "-f", path, "-o", "json"];
    args.extend_from_slice(extra);
    podauth(&args)
}

pub fn podauth_stdin(args: &[&str], stdin: Option<&str>) -> Run {
    podauth_with(args, stdin, &[])
}

/// Runs the binary with extra environment variables (after [`hermetic`]).
pub fn podauth_with(args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    let mut cmd = cli();
    cmd.args(args).env_remove("NO_COLOR").env_remove("COLUMNS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    finish(child.wait_with_output().unwrap())
}

/// Writes files into a fresh temporary directory.
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Every `good*.yaml` / `bad*.yaml` example, as (rule id, path), in name order.
pub fn rule_examples() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(root().join("policies/rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let id = dir.file_name().unwrap().to_str().unwrap().to_string();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let name = file.file_name().unwrap().to_str().unwrap();
            if (name.starts_with("good") || name.starts_with("bad")) && name.ends_with(".yaml") {
                out.push((id.clone(), file));
            }
        }
    }
    out
}

/// The test API server with a kubeconfig whose context "prod" (plus `extra`)
/// points at it: the server, the directory holding the kubeconfig, its path.
pub fn harness(
    scenario: podauth_test_apiserver::Scenario,
    extra: &[podauth_test_apiserver::ContextSpec],
) -> (podauth_test_apiserver::ApiServer, tempfile::TempDir, String) {
    harness_with_contexts(scenario, &["prod"], extra)
}

/// [`harness`] with the contexts `names` (each with the server's token)
/// pointing at the server, then `extra`.
pub fn harness_with_contexts(
    scenario: podauth_test_apiserver::Scenario,
    names: &[&str],
    extra: &[podauth_test_apiserver::ContextSpec],
) -> (podauth_test_apiserver::ApiServer, tempfile::TempDir, String) {
    let server = podauth_test_apiserver::ApiServer::start(scenario).expect("server starts");
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut contexts: Vec<_> = names.iter().map(|n| server.token_context(n)).collect();
    contexts.extend_from_slice(extra);
    podauth_test_apiserver::write_kubeconfig(&kubeconfig, &contexts).unwrap();
    (server, dir, kubeconfig.to_str().unwrap().to_string())
}

/// The objects of a manifest text named `name`, read by the CLI's own loader.
pub fn objects_of_text(name: &str, text: &str) -> Vec<serde_json::Value> {
    use podauth_cli::manifest;
    let loaded = manifest::parse_text(name, text, &manifest::Limits::default(), &|_| true);
    assert!(loaded.errors.is_empty(), "{name}: {:?}", loaded.errors);
    loaded.manifests.into_iter().map(|m| m.value).collect()
}

/// The resource plural of an object's kind, when the API server serves it.
pub fn plural(object: &serde_json::Value) -> Option<&'static str> {
    let kind = object["kind"].as_str()?;
    podauth_cli::live::kinds::KINDS
        .iter()
        .find(|k| k.kind == kind && k.is_served())
        .map(|k| k.plural)
}

/// Runs `cmd`, asserting that it starts and succeeds (its stderr is the
/// failure message).
pub fn succeeds(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?} runs: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `kubectl kustomize DIR` (hermetic): the rendered YAML; it must succeed.
pub fn kustomize(dir: &Path) -> String {
    let out = succeeds(
        hermetic(&mut Command::new("kubectl"))
            .arg("kustomize")
            .arg(dir),
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `migrate -A` against `kubeconfig` (10 s request timeout) writing to
/// `out`, with extra arguments.
pub fn migrate_live(kubeconfig: &str, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "migrate",
        "-A",
        "--kubeconfig",
        kubeconfig,
        "--request-timeout",
        "10s",
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    podauth(&args)
}

/// `recommend` for EKS with per-pod permissions and a preference for Pod
/// Identity, with extra arguments.
pub fn recommend_pod_identity(extra: &[&str]) -> Run {
    let mut args = vec![
        "recommend",
        "--eks",
        "--per-pod",
        "--prefer",
        "pod-identity",
    ];
    args.extend_from_slice(extra);
    podauth(&args)
}
