//! Shared helpers: start a scenario, write its kubeconfig, scan it.
#![allow(dead_code)]

use podauth_cli::live::{self, ClusterObjects, LiveOptions, LiveScan};
use podauth_test_apiserver::{write_kubeconfig, ApiServer, ContextSpec, Scenario};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

pub struct Harness {
    pub server: ApiServer,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
}

/// Starts `scenario` and writes a one-context ("test") token kubeconfig.
pub fn start(scenario: Scenario) -> Harness {
    let server = ApiServer::start(scenario).expect("server starts");
    let ctx = server.token_context("test");
    with_contexts(server, &[ctx])
}

pub fn with_contexts(server: ApiServer, contexts: &[ContextSpec]) -> Harness {
    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = dir.path().join("kubeconfig");
    write_kubeconfig(&kubeconfig, contexts).expect("kubeconfig written");
    Harness {
        server,
        dir,
        kubeconfig,
    }
}

pub fn named(name: &str) -> Scenario {
    Scenario::named(name).expect("scenario loads")
}

/// Options for this harness: all namespaces, a 10 s request timeout.
pub fn options(h: &Harness) -> LiveOptions {
    LiveOptions {
        kubeconfig: Some(h.kubeconfig.clone()),
        all_namespaces: true,
        request_timeout: Some(Duration::from_secs(10)),
        ..LiveOptions::default()
    }
}

pub fn all_kinds() -> BTreeSet<&'static str> {
    live::kinds::known_kinds()
}

pub fn scan(opts: &LiveOptions) -> LiveScan {
    live::scan(opts, &all_kinds())
}

/// The only cluster of a scan that must have succeeded.
pub fn only_cluster(scan: &LiveScan) -> &ClusterObjects {
    assert!(scan.errors.is_empty(), "errors: {:?}", scan.errors);
    assert_eq!(scan.clusters.len(), 1);
    &scan.clusters[0]
}

pub fn str_at<'a>(o: &'a Value, p: &str) -> &'a str {
    o.pointer(p).and_then(Value::as_str).unwrap_or("")
}

/// `Kind ns/name` (or `Kind name`) of every object.
pub fn ids(objects: &[Value]) -> BTreeSet<String> {
    objects
        .iter()
        .map(|o| {
            let ns = str_at(o, "/metadata/namespace");
            let name = str_at(o, "/metadata/name");
            if ns.is_empty() {
                format!("{} {name}", str_at(o, "/kind"))
            } else {
                format!("{} {ns}/{name}", str_at(o, "/kind"))
            }
        })
        .collect()
}

pub fn find<'a>(objects: &'a [Value], kind: &str, ns: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| {
            str_at(o, "/kind") == kind
                && str_at(o, "/metadata/namespace") == ns
                && str_at(o, "/metadata/name") == name
        })
        .unwrap_or_else(|| panic!("{kind} {ns}/{name} not returned"))
}

/// Paths of the requests for one collection (`/api/v1/pods`).
pub fn requests_to(server: &ApiServer, path: &str) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.uri.split('?').next() == Some(path))
        .map(|r| r.uri)
        .collect()
}
