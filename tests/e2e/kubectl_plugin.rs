//! Real kubectl discovers the binary on PATH and runs it as `kubectl podauth`.
use crate::support::*;
use std::process::Command;

fn kubectl(args: &[&str]) -> Option<std::process::Output> {
    let bin_dir = std::path::Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    hermetic(&mut Command::new("kubectl"))
        .args(args)
        .env("PATH", path)
        .current_dir(root())
        .output()
        .ok()
}

#[test]
fn kubectl_discovers_and_runs_the_plugin() {
    let Some(list) = kubectl(&["plugin", "list"]) else {
        panic!("kubectl must be installed for the plugin test (.ci/run checks this)");
    };
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.contains("kubectl-podauth"),
        "kubectl plugin list: {listed}"
    );

    let version = kubectl(&["podauth", "version"]).unwrap();
    assert!(version.status.success());
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("kubectl-podauth "));

    let check = kubectl(&["podauth", "check", "-f", "examples/", "-o", "json"]).unwrap();
    assert_eq!(
        check.status.code(),
        Some(1),
        "findings exit 1 through kubectl too"
    );
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "PA501"));

    let help = kubectl(&["podauth", "--help"]).unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage: kubectl podauth"));
}
