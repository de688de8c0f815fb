//! `kubectl podauth check` without -f reads a cluster: here the local API
//! server harness, which speaks the real wire protocol over TLS.
use crate::support::*;
use podauth_test_apiserver::{write_kubeconfig, ApiServer, ContextSpec, Scenario};
use std::process::Command;

fn harness(scenario: Scenario, extra: &[ContextSpec]) -> (ApiServer, tempfile::TempDir, String) {
    let server = ApiServer::start(scenario).expect("server starts");
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut contexts = vec![server.token_context("prod")];
    contexts.extend_from_slice(extra);
    write_kubeconfig(&kubeconfig, &contexts).unwrap();
    (server, dir, kubeconfig.to_str().unwrap().to_string())
}

#[test]
fn live_check_reports_findings_and_workloads_with_their_cluster() {
    let (server, _dir, kubeconfig) = harness(Scenario::named("mixed").unwrap(), &[]);
    let run = podauth(&[
        "check",
        "-A",
        "--kubeconfig",
        &kubeconfig,
        "-o",
        "json",
        "--request-timeout",
        "10s",
    ]);
    assert!(run.code == 1, "findings exit 1: {}", run.stderr);
    let report = run.json();
    let findings = report["findings"].as_array().unwrap();
    let rules: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for id in ["PA101", "PA103", "PA501", "PA503", "PA601"] {
        assert!(
            rules.contains(id),
            "{id} missing from live findings {rules:?}"
        );
    }
    for f in findings {
        assert_eq!(f["cluster"], "prod");
        assert!(f["source"].is_null(), "live findings carry no file/line");
    }
    let workloads = report["workloads"].as_array().unwrap();
    assert!(workloads.iter().all(|w| w["cluster"] == "prod"));
    let methods: std::collections::BTreeSet<&str> = workloads
        .iter()
        .map(|w| w["effective"].as_str().unwrap())
        .collect();
    for m in [
        "irsa",
        "pod-identity",
        "kube2iam-kiam",
        "hardcoded-credentials",
    ] {
        assert!(methods.contains(m), "{m} missing from {methods:?}");
    }
    assert_eq!(report["summary"]["clusters"], 1);
    assert!(report["summary"].get("degradedRules").is_none());
    // Read-only: nothing but GET reached the server.
    let requests = server.requests();
    assert!(!requests.is_empty());
    assert!(
        requests.iter().all(|r| r.method == "GET"),
        "{:?}",
        requests.iter().find(|r| r.method != "GET")
    );
}

#[test]
fn forbidden_secrets_degrade_rules_but_the_run_goes_on() {
    let scenario = Scenario::named("mixed").unwrap().forbid("", "secrets");
    let (_server, _dir, kubeconfig) = harness(scenario, &[]);
    let run = podauth(&["check", "-A", "--kubeconfig", &kubeconfig, "-o", "json"]);
    assert_eq!(run.code, 1, "still reports findings: {}", run.stderr);
    assert!(
        run.stderr.contains("forbidden to list secrets"),
        "{}",
        run.stderr
    );
    let degraded = run.json()["summary"]["degradedRules"].clone();
    assert!(
        degraded.as_array().unwrap().iter().any(|r| r == "PA104"),
        "{degraded}"
    );
}

#[test]
fn an_unreachable_cluster_is_one_error_line_while_others_complete() {
    let (_server, _dir, kubeconfig) = harness(
        Scenario::named("mixed").unwrap(),
        &[ContextSpec::unreachable("gone", 1)],
    );
    let run = podauth(&[
        "check",
        "-A",
        "--all-contexts",
        "--kubeconfig",
        &kubeconfig,
        "-o",
        "json",
        "--request-timeout",
        "5s",
    ]);
    assert_eq!(run.code, 2, "a failed cluster makes the run incomplete");
    let report = run.json();
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["cluster"] == "prod"));
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]["file"].as_str().unwrap().contains("gone"));
    let lines: Vec<&str> = run.stderr.lines().filter(|l| l.contains("gone")).collect();
    assert_eq!(
        lines.len(),
        1,
        "one line per failed cluster: {}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked") && !run.stderr.contains("Error {"));
}

#[test]
fn offline_and_live_agree_on_the_same_objects() {
    let scenario = Scenario::named("mixed").unwrap();
    let objects = scenario.load_objects().unwrap();
    let (_server, dir, kubeconfig) = harness(scenario, &[]);
    let live = podauth(&["check", "-A", "--kubeconfig", &kubeconfig, "-o", "json"]).json();

    // The same objects offline, as the live reader would present them.
    let mut yaml = String::new();
    for o in &objects {
        yaml.push_str("---\n");
        yaml.push_str(&serde_json::to_string(o).unwrap());
        yaml.push('\n');
    }
    let file = dir.path().join("objects.yaml");
    std::fs::write(&file, yaml).unwrap();
    let offline = podauth(&["check", "-f", file.to_str().unwrap(), "-o", "json"]).json();
    let key = |f: &serde_json::Value| {
        format!(
            "{} {}/{}/{} {}",
            f["rule"],
            f["resource"]["namespace"],
            f["resource"]["kind"],
            f["resource"]["name"],
            f["path"]
        )
    };
    let set = |r: &serde_json::Value| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(key)
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (live_set, offline_set) = (set(&live), set(&offline));
    // Offline sees the Pods/ReplicaSets that live mode collapses into their
    // Deployment, and raw Secret values; everything live reports, offline reports too.
    let missing: Vec<_> = live_set.difference(&offline_set).collect();
    assert!(missing.is_empty(), "live-only findings: {missing:#?}");
}

#[test]
fn real_kubectl_accepts_the_harness() {
    let (_server, _dir, kubeconfig) = harness(Scenario::named("mixed").unwrap(), &[]);
    let out = Command::new("kubectl")
        .args([
            "--kubeconfig",
            &kubeconfig,
            "get",
            "pods",
            "-A",
            "-o",
            "name",
        ])
        .output()
        .expect("kubectl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("pod/orders-7c9f6d5b8-debug"));
}

/// examples/rbac.yaml grants get+list on every resource live mode reads, so a
/// run with only its permissions is never degraded.
#[test]
fn the_example_cluster_role_covers_every_kind_live_mode_reads() {
    use yaml_rust2::YamlLoader;
    let text = std::fs::read_to_string(root().join("examples/rbac.yaml")).unwrap();
    let docs = YamlLoader::load_from_str(&text).unwrap();
    let role = docs
        .iter()
        .find(|d| d["kind"].as_str() == Some("ClusterRole"))
        .expect("a ClusterRole");
    let mut granted = std::collections::BTreeSet::new();
    for rule in role["rules"].as_vec().unwrap() {
        let verbs: Vec<&str> = rule["verbs"]
            .as_vec()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert!(
            verbs.contains(&"get") && verbs.contains(&"list"),
            "{verbs:?}"
        );
        assert!(
            verbs
                .iter()
                .all(|v| *v == "get" || *v == "list" || *v == "watch"),
            "read-only: {verbs:?}"
        );
        for g in rule["apiGroups"].as_vec().unwrap() {
            for r in rule["resources"].as_vec().unwrap() {
                granted.insert((
                    g.as_str().unwrap().to_string(),
                    r.as_str().unwrap().to_string(),
                ));
            }
        }
    }
    let needed: Vec<(String, String)> = podauth_cli::live::kinds::KINDS
        .iter()
        .filter(|k| k.is_served())
        .map(|k| (k.group.to_string(), k.plural.to_string()))
        .filter(|k| !granted.contains(k))
        .collect();
    assert!(needed.is_empty(), "examples/rbac.yaml lacks {needed:?}");

    // And the harness, with RBAC limited to exactly that role, reports nothing degraded.
    let mut scenario = Scenario::named("mixed").unwrap();
    for kind in podauth_cli::live::kinds::KINDS
        .iter()
        .filter(|k| k.is_served())
    {
        if !granted.contains(&(kind.group.to_string(), kind.plural.to_string())) {
            scenario = scenario.forbid(kind.group, kind.plural);
        }
    }
    let (_server, _dir, kubeconfig) = harness(scenario, &[]);
    let run = podauth(&["check", "-A", "--kubeconfig", &kubeconfig, "-o", "json"]);
    assert!(
        run.json()["summary"].get("degradedRules").is_none(),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("forbidden"), "{}", run.stderr);
}
