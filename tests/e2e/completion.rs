//! Shell completion as users meet it: `kubectl podauth <TAB>` through
//! kubectl's plugin completion (kubectl_complete-podauth), and the scripts of
//! `completion bash|zsh`, typed into real bash and zsh running in tmux.
use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A PATH directory holding the plugin and its completion helper, as krew or a
/// release archive installs them, and a kubeconfig with three contexts.
struct Install {
    dir: tempfile::TempDir,
}

impl Install {
    fn new() -> Install {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(BIN, dir.path().join("kubectl-podauth")).unwrap();
        let helper = dir.path().join("kubectl_complete-podauth");
        std::fs::copy(
            root().join("cli/completion/kubectl_complete-podauth"),
            &helper,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("kubeconfig"),
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: prod-eu\n  context: {cluster: c, user: u}\n- name: prod-us\n  context: {cluster: c, user: u}\n- name: staging\n  context: {cluster: c, user: u}\ncurrent-context: staging\n",
        )
        .unwrap();
        Install { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn env_path(&self) -> String {
        format!("{}:/usr/local/bin:/usr/bin:/bin", self.path().display())
    }

    /// `kubectl __complete podauth WORDS...`: kubectl's own completion entry,
    /// which runs kubectl_complete-podauth for the plugin.
    fn kubectl_complete(&self, words: &[&str]) -> Vec<String> {
        let mut command = Command::new("kubectl");
        command
            .arg("__complete")
            .arg("podauth")
            .args(words)
            .env("PATH", self.env_path())
            .env("KUBECONFIG", self.path().join("kubeconfig"))
            .env("HOME", self.path());
        let out = succeeds(&mut command);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.starts_with(':') && !l.starts_with("Completion ended"))
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .collect()
    }
}

#[test]
fn kubectl_plugin_completion_offers_subcommands_flags_rules_formats_and_contexts() {
    let install = Install::new();
    let subs = install.kubectl_complete(&[""]);
    for sub in [
        "check",
        "explain",
        "migrate",
        "recommend",
        "export",
        "rules",
    ] {
        assert!(subs.contains(&sub.to_string()), "{sub}: {subs:?}");
    }
    assert_eq!(install.kubectl_complete(&["ch"]), ["check"]);
    assert_eq!(
        install.kubectl_complete(&["check", "--fail"]),
        ["--fail-on"]
    );
    let formats = install.kubectl_complete(&["check", "-o", ""]);
    for f in ["table", "wide", "json", "sarif", "html"] {
        assert!(formats.contains(&f.to_string()), "{f}: {formats:?}");
    }
    assert_eq!(
        install.kubectl_complete(&["explain", "legacy-iam"]),
        ["legacy-iam-annotation"]
    );
    assert!(install
        .kubectl_complete(&["explain", "PA1"])
        .contains(&"PA101".to_string()));
    assert_eq!(
        install.kubectl_complete(&["check", "--context", "prod"]),
        ["prod-eu", "prod-us"]
    );
}

/// One tmux server of our own (its own socket), killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, shell: &str, install: &Install) -> Tmux {
        let socket = format!("podauth-e2e-{}-{name}", std::process::id());
        let tmux = Tmux { socket };
        let status = Command::new("tmux")
            .args([
                "-L",
                &tmux.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "200",
                "-y",
                "50",
            ])
            .arg(format!(
                "env -i HOME={home} PATH={path} KUBECONFIG={home}/kubeconfig TERM=xterm {shell}",
                home = install.path().display(),
                path = install.env_path()
            ))
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux started");
        tmux
    }

    fn send(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "0"])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-t", "0"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen shows `want` (a hang guard, not a timing test).
    fn expect(&self, want: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(want) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {want:?} on:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Types a line, presses Tab, then types a sentinel `Z` (the shell reads
    /// it only after the completion ran) and waits for `completed` followed
    /// by it: a trailing space in `completed` means the word was finished.
    fn complete(&self, typed: &str, completed: &str) -> String {
        self.send(&["C-u"]);
        self.send(&["-l", typed]);
        self.send(&["Tab"]);
        self.send(&["-l", "Z"]);
        let screen = self.expect(&format!("{completed}Z"));
        self.send(&["C-u"]);
        screen
    }

    /// Runs a command line and waits for its marker to echo back.
    fn run(&self, line: &str) {
        let marker = format!("ready-{}", line.len());
        self.send(&["-l", &format!("{line}; echo {marker}")]);
        self.send(&["Enter"]);
        self.expect(&format!("\n{marker}"));
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

fn shell_path(name: &str) -> PathBuf {
    ["/usr/bin", "/bin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{name} is required (.ci/run installs it)"))
}

/// Rule names and kubeconfig contexts, through kubectl's plugin completion.
fn completes_rule_names_and_contexts(tmux: &Tmux) {
    tmux.complete(
        "kubectl podauth explain legacy-iam",
        "kubectl podauth explain legacy-iam-annotation ",
    );
    tmux.complete(
        "kubectl podauth check --context stag",
        "kubectl podauth check --context staging ",
    );
}

#[test]
fn real_bash_completes_kubectl_podauth_and_the_plugin_binary() {
    let install = Install::new();
    let bash = shell_path("bash");
    let tmux = Tmux::start(
        "bash",
        &format!("{} --norc --noprofile", bash.display()),
        &install,
    );
    tmux.run("PS1='$ '; source /usr/share/bash-completion/bash_completion");
    tmux.run("source <(kubectl completion bash); source <(kubectl-podauth completion bash)");
    // Through kubectl's plugin completion.
    tmux.complete("kubectl podauth ch", "$ kubectl podauth check ");
    tmux.complete(
        "kubectl podauth check --fail-o",
        "$ kubectl podauth check --fail-on ",
    );
    completes_rule_names_and_contexts(&tmux);
    // The plugin binary's own script: flags of a subcommand (the case labels).
    tmux.complete(
        "kubectl-podauth check --fail-o",
        "$ kubectl-podauth check --fail-on ",
    );
    tmux.complete(
        "kubectl-podauth check --fail-on cr",
        "$ kubectl-podauth check --fail-on critical ",
    );
    tmux.complete(
        "kubectl-podauth export kub",
        "$ kubectl-podauth export kubewarden ",
    );
}

#[test]
fn real_zsh_completes_kubectl_podauth() {
    let install = Install::new();
    let zsh = shell_path("zsh");
    let tmux = Tmux::start("zsh", &format!("{} -f", zsh.display()), &install);
    tmux.run("PS1='$ '; autoload -U compinit && compinit -u; source <(kubectl completion zsh)");
    tmux.complete("kubectl podauth ch", "$ kubectl podauth check ");
    completes_rule_names_and_contexts(&tmux);
}

#[test]
fn every_command_the_bash_script_tracks_has_a_case() {
    let script = podauth(&["completion", "bash"]).stdout;
    let assigned = regex::Regex::new(r#"cmd="([A-Za-z0-9_]+)""#).unwrap();
    let tracked: std::collections::BTreeSet<&str> = assigned
        .captures_iter(&script)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert!(
        tracked.contains("kubectl__podauth__subcmd__check"),
        "{tracked:?}"
    );
    for cmd in tracked {
        assert!(
            script.contains(&format!("\n        {cmd})\n")),
            "no case for {cmd}"
        );
    }
}

#[test]
fn completion_scripts_survive_a_closed_pipe() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("'{BIN}' completion {shell} | head -1"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{shell}: {stderr}");
        assert!(!stderr.contains("panicked"), "{shell}: {stderr}");
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    }
    // `sh -c` reports head's status; run the binary with a closed pipe directly.
    let mut child = Command::new(BIN)
        .args(["completion", "zsh"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
