//! Fidelity: the real kubectl accepts the test server, so the fake cannot drift
//! from what real clients expect. kubectl must be installed (CI checks for it).
mod common;

use common::*;
use podauth_test_apiserver::{hermetic, UserAuth};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs kubectl against `kubeconfig`, killing it after 60 s. Output goes
/// through files so a large list cannot fill a pipe while we wait.
fn kubectl(kubeconfig: &Path, cache: &Path, args: &[&str]) -> Output {
    std::fs::create_dir_all(cache).expect("cache dir");
    let out_path = cache.join("stdout");
    let err_path = cache.join("stderr");
    let mut child = hermetic(&mut Command::new("kubectl"), cache)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .arg("--cache-dir")
        .arg(cache)
        .arg("--request-timeout=20s")
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("kubectl is installed and on PATH (required by this test)");
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kubectl {args:?} did not finish in 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: std::fs::read(&out_path).expect("stdout"),
        stderr: std::fs::read(&err_path).expect("stderr"),
    }
}

fn names(output: &Output) -> BTreeSet<String> {
    assert!(
        output.status.success(),
        "kubectl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let list: Value = serde_json::from_slice(&output.stdout).expect("kubectl printed JSON");
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            format!(
                "{}/{}",
                str_at(i, "/metadata/namespace"),
                str_at(i, "/metadata/name")
            )
        })
        .collect()
}

fn fixture_names(kind: &str) -> BTreeSet<String> {
    let scenario = named("mixed");
    scenario
        .load_objects()
        .unwrap()
        .iter()
        .filter(|o| str_at(o, "/kind") == kind)
        .map(|o| {
            format!(
                "{}/{}",
                str_at(o, "/metadata/namespace"),
                str_at(o, "/metadata/name")
            )
        })
        .collect()
}

#[test]
fn kubectl_lists_the_same_pods() {
    let h = start(named("mixed"));
    let cache = h.dir.path().join("cache");
    let pods = names(&kubectl(
        &h.kubeconfig,
        &cache,
        &["get", "pods", "-A", "-o", "json"],
    ));
    assert_eq!(pods, fixture_names("Pod"));
    assert_eq!(pods.len(), 4);

    // What live mode reports is a subset (matching pods collapse into their owners).
    let scan = scan(&options(&h));
    let live_pods: BTreeSet<String> = only_cluster(&scan)
        .objects
        .iter()
        .filter(|o| str_at(o, "/kind") == "Pod")
        .map(|o| {
            format!(
                "{}/{}",
                str_at(o, "/metadata/namespace"),
                str_at(o, "/metadata/name")
            )
        })
        .collect();
    assert_eq!(
        live_pods,
        ["shop/orders-7c9f6d5b8-debug".to_string()].into()
    );
    assert!(live_pods.is_subset(&pods));

    // Discovery of a CRD group, and a namespaced list.
    let stores = names(&kubectl(
        &h.kubeconfig,
        &cache,
        &[
            "get",
            "secretstores.external-secrets.io",
            "-A",
            "-o",
            "json",
        ],
    ));
    assert_eq!(stores, ["shop/aws-store".to_string()].into());
    let deployments = names(&kubectl(
        &h.kubeconfig,
        &cache,
        &[
            "get",
            "deployments",
            "-n",
            "shop",
            "-l",
            "app=orders",
            "-o",
            "json",
        ],
    ));
    assert_eq!(deployments, ["shop/orders".to_string()].into());
}

#[test]
fn kubectl_pages_and_authenticates_with_a_client_certificate() {
    let server = podauth_test_apiserver::ApiServer::start(named("paging")).unwrap();
    let ctx = server.context("cert", UserAuth::ClientCert);
    let h = with_contexts(server, &[ctx]);
    let cache = h.dir.path().join("cache");
    let pods = names(&kubectl(
        &h.kubeconfig,
        &cache,
        &[
            "get",
            "pods",
            "-n",
            "paging",
            "-o",
            "json",
            "--chunk-size=700",
        ],
    ));
    assert_eq!(pods.len(), 2000);
    let pages = requests_to(&h.server, "/api/v1/namespaces/paging/pods");
    assert_eq!(pages.len(), 3, "{pages:?}");
}

#[test]
fn the_request_log_sees_writes_and_the_server_refuses_them() {
    let h = start(named("no-crds"));
    let cache = h.dir.path().join("cache");
    let out = kubectl(
        &h.kubeconfig,
        &cache,
        &["create", "namespace", "podauth-probe"],
    );
    assert!(!out.status.success(), "a write must fail");
    let methods: BTreeSet<String> = h.server.requests().into_iter().map(|r| r.method).collect();
    assert!(methods.contains("POST"), "{methods:?}");
}

#[test]
fn a_bad_token_gets_a_status_kubectl_understands() {
    let server = podauth_test_apiserver::ApiServer::start(named("no-crds")).unwrap();
    let ctx = server.context("bad", UserAuth::Token("wrong".into()));
    let h = with_contexts(server, &[ctx]);
    let cache = h.dir.path().join("cache");
    let out = kubectl(&h.kubeconfig, &cache, &["get", "pods", "-A"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Unauthorized") || stderr.contains("must be logged in"),
        "{stderr}"
    );
}
