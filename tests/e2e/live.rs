//! `kubectl podauth check` without -f reads a cluster: here the local API
//! server harness, which speaks the real wire protocol over TLS.
use crate::support::*;
use podauth_test_apiserver::{ApiServer, ContextSpec, Scenario};
use std::process::Command;

/// `check -A -o json` against one kubeconfig.
fn check_all_namespaces(kubeconfig: &str) -> Run {
    podauth(&[
        "check",
        "-A",
        "--kubeconfig",
        kubeconfig,
        "-o",
        "json",
        "--request-timeout",
        "10s",
    ])
}

#[test]
fn live_check_reports_findings_and_workloads_with_their_cluster() {
    let (server, _dir, kubeconfig) = harness(Scenario::named("mixed").unwrap(), &[]);
    let run = check_all_namespaces(&kubeconfig);
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
    // Offline also sees the Pods and ReplicaSets that live mode folds into
    // their Deployment; on every object both modes see, they agree exactly.
    let live_objects: std::collections::BTreeSet<String> = podauth_cli::live::scan(
        &podauth_cli::live::LiveOptions {
            kubeconfig: Some(kubeconfig.clone().into()),
            all_namespaces: true,
            ..Default::default()
        },
        &podauth_cli::live::kinds::known_kinds(),
    )
    .clusters[0]
        .objects
        .iter()
        .map(|o| {
            format!(
                "{}/{}/{}",
                o["metadata"]["namespace"].as_str().unwrap_or("default"),
                o["kind"].as_str().unwrap(),
                o["metadata"]["name"].as_str().unwrap()
            )
        })
        .collect();
    let on_live_objects = |r: &serde_json::Value| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                let ns = f["resource"]["namespace"].as_str().unwrap_or("default");
                let object = format!(
                    "{ns}/{}/{}",
                    f["resource"]["kind"].as_str().unwrap(),
                    f["resource"]["name"].as_str().unwrap()
                );
                live_objects.contains(&object)
            })
            .map(key)
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (live_set, offline_set) = (set(&live), on_live_objects(&offline));
    assert!(live_set.len() >= 10, "{live_set:#?}");
    assert_eq!(
        live_set, offline_set,
        "live (left) and offline (right) differ on the objects both read"
    );
    assert!(
        set(&offline).len() > offline_set.len(),
        "offline also reports the Pods live mode folds into their owner"
    );
}

#[test]
fn real_kubectl_accepts_the_harness() {
    let (_server, _dir, kubeconfig) = harness(Scenario::named("mixed").unwrap(), &[]);
    let out = succeeds(hermetic(&mut Command::new("kubectl")).args([
        "--kubeconfig",
        &kubeconfig,
        "get",
        "pods",
        "-A",
        "-o",
        "name",
    ]));
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
    // (group, plural) pairs, one set per rule of the role.
    let mut rules: Vec<std::collections::BTreeSet<(String, String)>> = vec![];
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
        let mut pairs = std::collections::BTreeSet::new();
        for g in rule["apiGroups"].as_vec().unwrap() {
            for r in rule["resources"].as_vec().unwrap() {
                pairs.insert((
                    g.as_str().unwrap().to_string(),
                    r.as_str().unwrap().to_string(),
                ));
            }
        }
        rules.push(pairs);
    }
    let granted: std::collections::BTreeSet<(String, String)> =
        rules.iter().flatten().cloned().collect();
    let needed: Vec<(String, String)> = podauth_cli::live::kinds::KINDS
        .iter()
        .filter(|k| k.is_served())
        .map(|k| (k.group.to_string(), k.plural.to_string()))
        .filter(|k| !granted.contains(k))
        .collect();
    assert!(needed.is_empty(), "examples/rbac.yaml lacks {needed:?}");

    // RBAC limited to a set of grants: the harness forbids everything else it serves.
    let limited_to = |grants: &std::collections::BTreeSet<(String, String)>| {
        let mut scenario = Scenario::named("mixed").unwrap();
        let mut forbidden = 0;
        for r in podauth_test_apiserver::catalog::RESOURCES {
            if !grants.contains(&(r.group.to_string(), r.plural.to_string())) {
                scenario = scenario.forbid(r.group, r.plural);
                forbidden += 1;
            }
        }
        (scenario, forbidden)
    };
    let check =
        |kubeconfig: &str| podauth(&["check", "-A", "--kubeconfig", kubeconfig, "-o", "json"]);

    // With exactly the role, nothing is degraded, though the harness forbids
    // what the role does not grant (Nodes, Services, ...).
    let (scenario, forbidden) = limited_to(&granted);
    assert!(
        forbidden > 0,
        "the role grants everything the harness serves"
    );
    let (server, _dir, kubeconfig) = harness(scenario, &[]);
    let run = check(&kubeconfig);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.json()["summary"].get("degradedRules").is_none(),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("forbidden"), "{}", run.stderr);
    // The resources the run listed, from the request log.
    let listed: std::collections::BTreeSet<(String, String)> = server
        .requests()
        .iter()
        .filter_map(|r| {
            let path = r.uri.split('?').next().unwrap();
            let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
            match parts.as_slice() {
                ["api", _, plural] => Some((String::new(), plural.to_string())),
                ["apis", group, _, plural] => Some((group.to_string(), plural.to_string())),
                _ => None,
            }
        })
        .collect();

    // Every rule of the role is needed: without it, each kind of it the run
    // reads is reported forbidden and rules are degraded.
    for rule in &rules {
        let read: Vec<&(String, String)> = rule.intersection(&listed).collect();
        if read.is_empty() {
            // Optional CRDs the harness does not serve (Argo Rollouts, the IAM
            // controllers' Roles): discovery hides them, so nothing to degrade.
            let optional = |(g, p): &(String, String)| {
                podauth_cli::live::kinds::KINDS
                    .iter()
                    .any(|k| k.group == g && k.plural == p && k.is_optional())
            };
            assert!(
                rule.iter().all(optional),
                "the harness serves none of {rule:?}, and not all of them are optional CRDs"
            );
            continue;
        }
        let without: std::collections::BTreeSet<_> = granted.difference(rule).cloned().collect();
        let (scenario, _) = limited_to(&without);
        let (_server, _dir, kubeconfig) = harness(scenario, &[]);
        let run = check(&kubeconfig);
        assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
        for (group, plural) in read {
            let permission = podauth_cli::live::kinds::resource_name(group, plural);
            assert!(
                run.stderr
                    .contains(&format!("forbidden to list {permission}")),
                "without {rule:?}: no warning for {permission}: {}",
                run.stderr
            );
        }
        let degraded = &run.json()["summary"]["degradedRules"];
        assert!(
            degraded.as_array().is_some_and(|d| !d.is_empty()),
            "without {rule:?}: no degraded rules: {degraded}"
        );
    }
}

/// Run as a pod, the CLI finds the API server from KUBERNETES_SERVICE_HOST and
/// _PORT and authenticates with the mounted ServiceAccount token (the files
/// stand in for /var/run/secrets/kubernetes.io/serviceaccount; debug builds
/// only, see `in_cluster_config` in cli/src/live/kubeconfig.rs).
#[test]
fn in_cluster_service_account_reads_its_namespace_without_a_kubeconfig() {
    let server = ApiServer::start(Scenario::named("mixed").unwrap()).unwrap();
    let mount = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(mount.path().join(name), text).unwrap();
    write("ca.crt", &server.pki.ca_pem);
    write("namespace", "shop");
    let port = server.addr.port().to_string();
    let in_pod = |args: &[&str]| {
        podauth_with(
            args,
            None,
            &[
                ("KUBERNETES_SERVICE_HOST", "127.0.0.1"),
                ("KUBERNETES_SERVICE_PORT", &port),
                (
                    "PODAUTH_TEST_SERVICEACCOUNT_DIR",
                    mount.path().to_str().unwrap(),
                ),
            ],
        )
    };
    let args = ["check", "-o", "json", "--request-timeout", "10s"];

    write("token", "not-the-token");
    let rejected = in_pod(&args);
    assert_eq!(
        rejected.code, 2,
        "a wrong token is refused: {}",
        rejected.stderr
    );

    write("token", podauth_test_apiserver::TOKEN);
    let run = in_pod(&args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(f["cluster"], "in-cluster", "{f}");
        // Cluster-scoped objects (an EC2NodeClass) are read whole.
        let ns = &f["resource"]["namespace"];
        assert!(ns.is_null() || ns == "shop", "the mounted namespace: {f}");
    }
    assert!(findings
        .iter()
        .any(|f| f["resource"]["namespace"] == "shop"));
    let requests = server.requests();
    assert!(requests.iter().any(|r| r.uri.contains("/namespaces/shop/")));
    assert!(requests.iter().all(|r| r.method == "GET"));
}

/// `--context`, `-n` and `-l` on the command line reach the requests.
#[test]
fn context_namespace_and_selector_flags_scope_the_live_read() {
    let (server, _dir, kubeconfig) =
        harness_with_contexts(Scenario::named("mixed").unwrap(), &["prod", "staging"], &[]);
    let run = podauth(&[
        "check",
        "--kubeconfig",
        &kubeconfig,
        "--context",
        "staging",
        "-n",
        "legacy",
        "-l",
        "app=reporter",
        "-o",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let workloads = report["workloads"].as_array().unwrap();
    let names: Vec<&str> = workloads
        .iter()
        .map(|w| w["resource"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["reporter"], "-l keeps only the selected workload");
    for item in workloads
        .iter()
        .chain(report["findings"].as_array().unwrap())
    {
        assert_eq!(item["cluster"], "staging", "{item}");
        let ns = &item["resource"]["namespace"];
        assert!(ns.is_null() || ns == "legacy", "{item}");
    }
    let requests = server.requests();
    let deployments: Vec<&str> = requests
        .iter()
        .map(|r| r.uri.as_str())
        .filter(|u| u.contains("/deployments"))
        .collect();
    assert!(!deployments.is_empty());
    for uri in deployments {
        assert!(
            uri.contains("/namespaces/legacy/deployments")
                && uri.contains("labelSelector=app%3Dreporter"),
            "{uri}"
        );
    }
}

/// A list that cannot be completed (a continue token that keeps expiring) is
/// never reported as clean: exit 2, with the kind named.
#[test]
fn a_partial_list_makes_the_run_exit_2() {
    use podauth_test_apiserver::{Fault, FaultRule};
    let scenario = Scenario::named("paging")
        .unwrap()
        .fault(FaultRule::new(Fault::ExpireContinue).on("/api/v1/pods"));
    let (_server, _dir, kubeconfig) = harness(scenario, &[]);
    let run = podauth(&["check", "-A", "--kubeconfig", &kubeconfig, "-o", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("incomplete") && run.stderr.contains("Pod"),
        "{}",
        run.stderr
    );
    let complete = podauth(&[
        "check",
        "-A",
        "--kubeconfig",
        &harness(Scenario::named("paging").unwrap(), &[]).2,
        "-o",
        "json",
    ]);
    assert!(
        matches!(complete.code, 0 | 1),
        "without the fault: {}",
        complete.stderr
    );
}

#[test]
fn live_check_reads_ack_iam_roles_where_discovery_shows_them() {
    let (server, _dir, kubeconfig) = harness(Scenario::named("iam").unwrap(), &[]);
    let run = check_all_namespaces(&kubeconfig);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let pa309: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "PA309")
        .collect();
    assert_eq!(pa309.len(), 1, "{report}");
    assert_eq!(pa309[0]["resource"]["name"], "ledger");
    assert_eq!(pa309[0]["cluster"], "prod");
    assert!(server.requests().iter().any(|r| r
        .uri
        .starts_with("/apis/iam.services.k8s.aws/v1alpha1/")
        && r.uri.contains("/roles")));
}
