//! KUBECONFIG with several files, merged as kubectl merges them. Its own test
//! binary, the only one that sets KUBECONFIG, so no other test sees it.
mod common;

use common::*;
use podauth_cli::live::LiveOptions;
use podauth_test_apiserver::{write_kubeconfig, ApiServer};
use std::time::Duration;

#[test]
fn several_kubeconfig_files_are_merged() {
    let first = ApiServer::start(named("no-crds")).unwrap();
    let second = ApiServer::start(named("paging")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    write_kubeconfig(&a, &[first.token_context("first")]).unwrap();
    // The second file also defines "first" (pointing elsewhere) and sets its own
    // current context: the first file wins both.
    write_kubeconfig(
        &b,
        &[
            second.token_context("second"),
            second.token_context("first"),
        ],
    )
    .unwrap();
    let joined = std::env::join_paths([&a, &b]).unwrap();
    std::env::set_var("KUBECONFIG", &joined);

    let base = LiveOptions {
        all_namespaces: true,
        request_timeout: Some(Duration::from_secs(10)),
        ..LiveOptions::default()
    };
    let current = scan(&base);
    let c = only_cluster(&current);
    assert_eq!(c.context, "first", "current-context of the first file");
    assert!(
        ids(&c.objects).contains("Deployment web/web"),
        "first file's cluster"
    );

    let all = scan(&LiveOptions {
        all_contexts: true,
        ..base.clone()
    });
    assert!(all.errors.is_empty(), "{:?}", all.errors);
    let names: Vec<&str> = all.clusters.iter().map(|c| c.context.as_str()).collect();
    assert_eq!(names, ["first", "second"]);
    let second_pods = all.clusters[1]
        .objects
        .iter()
        .filter(|o| str_at(o, "/kind") == "Pod")
        .count();
    assert_eq!(second_pods, 2000);

    // --kubeconfig replaces KUBECONFIG.
    let only_b = scan(&LiveOptions {
        kubeconfig: Some(b.clone()),
        ..base
    });
    assert_eq!(only_cluster(&only_b).context, "second");
    std::env::remove_var("KUBECONFIG");
}
