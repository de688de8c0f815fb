//! `live::scan` against the local API server, one test per scenario.
mod common;

use base64::Engine as _;
use common::*;
use podauth_cli::live::{self, LiveOptions};
use podauth_test_apiserver::{ApiServer, ContextSpec, Fault, FaultRule, Scenario, UserAuth};
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

#[test]
fn mixed_cluster_is_read_whole_collapsed_and_redacted() {
    let h = start(named("mixed"));
    let scan = scan(&options(&h));
    let c = only_cluster(&scan);
    assert_eq!(c.context, "test");
    assert_eq!(c.namespace, None);
    assert!(c.forbidden.is_empty() && c.incomplete.is_empty(), "{c:?}");
    assert!(c.inventory_complete);
    // ESO's group is served, so ClusterExternalSecret is listed (and empty);
    // of the IAM controllers' Roles the harness serves only ACK's, and no Argo.
    assert_eq!(
        c.not_served,
        [
            "Rollout.argoproj.io",
            "PodIdentityAssociation.eks.aws.m.upbound.io",
            "AWSNodeTemplate.karpenter.k8s.aws",
            "Role.iam.aws.upbound.io",
            "Role.iam.aws.m.upbound.io",
            "Role.iam.aws.crossplane.io"
        ]
    );

    let ids = ids(&c.objects);
    for expected in [
        "Deployment shop/orders",
        "Pod shop/orders-7c9f6d5b8-debug",
        "ServiceAccount shop/orders",
        "PodIdentityAssociation payments/billing",
        "PodIdentityAssociation shop-catalog",
        "DaemonSet kube-system/eks-pod-identity-agent",
        "DaemonSet kube-system/kube2iam",
        "Secret legacy/aws-creds",
        "Deployment legacy/uploader",
        "SecretStore shop/aws-store",
        "ExternalSecret shop/db-creds",
        "SecretProviderClass shop/catalog-secrets",
        "Deployment shop/catalog",
        "Deployment shop/frontend",
        "CronJob batch/nightly-report",
        "ConfigMap shop/aws-config",
        "EC2NodeClass default",
        "Namespace shop",
    ] {
        assert!(ids.contains(expected), "{expected} missing from {ids:#?}");
    }
    // Collapsed into their owners: two matching pods (with injected IRSA env and
    // token volumes), the current and the scaled-down ReplicaSet, the Job and its Pod.
    for gone in [
        "Pod shop/orders-7c9f6d5b8-x2k4q",
        "Pod shop/orders-7c9f6d5b8-m9t7z",
        "ReplicaSet shop/orders-7c9f6d5b8",
        "ReplicaSet shop/orders-55d8c4f7b",
        "Job batch/nightly-report-28930000",
        "Pod batch/nightly-report-28930000-q8w2n",
    ] {
        assert!(!ids.contains(gone), "{gone} should be collapsed");
    }
    assert_eq!(c.collapsed, 6);

    for o in &c.objects {
        assert!(!str_at(o, "/apiVersion").is_empty(), "no apiVersion: {o}");
        assert!(!str_at(o, "/kind").is_empty(), "no kind: {o}");
        assert!(o.get("status").is_none(), "status kept: {o}");
        assert!(o.pointer("/metadata/managedFields").is_none());
    }
    assert_eq!(
        str_at(
            find(&c.objects, "SecretStore", "shop", "aws-store"),
            "/apiVersion"
        ),
        "external-secrets.io/v1"
    );
    assert_eq!(
        str_at(
            find(&c.objects, "PodIdentityAssociation", "", "shop-catalog"),
            "/apiVersion"
        ),
        "eks.aws.upbound.io/v1beta1"
    );

    // Secrets are redacted; the config file keeps only its non-secret lines.
    let creds = find(&c.objects, "Secret", "legacy", "aws-creds");
    assert_eq!(
        creds["data"],
        serde_json::json!({
            "AWS_ACCESS_KEY_ID": "podauth-redacted:aws-access-key-id",
            "AWS_SECRET_ACCESS_KEY": "podauth-redacted:aws-secret-access-key",
        })
    );
    assert!(creds
        .pointer("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration")
        .is_none());
    assert_eq!(
        str_at(
            find(&c.objects, "Secret", "legacy", "aws-credentials-file"),
            "/data/credentials"
        ),
        "podauth-redacted:aws-credentials-file"
    );
    let eso = find(&c.objects, "Secret", "shop", "awssm-secret");
    assert_eq!(
        str_at(eso, "/data/access-key"),
        "podauth-redacted:aws-access-key-id"
    );
    assert_eq!(
        str_at(eso, "/data/secret-access-key"),
        "podauth-redacted:aws-secret-access-key"
    );
    let config = find(&c.objects, "Secret", "legacy", "aws-config");
    assert_eq!(str_at(config, "/data/password"), "podauth-redacted:other");
    let text = base64::engine::general_purpose::STANDARD
        .decode(str_at(config, "/data/config"))
        .expect("config stays base64");
    assert_eq!(
        String::from_utf8(text).unwrap(),
        "[profile reports]\nrole_arn = arn:aws:iam::444455556666:role/reports-reader\ncredential_source = Ec2InstanceMetadata\n"
    );
    let everything = serde_json::to_string(&c.objects).unwrap();
    for leaked in [
        "AKIAZ7QXFAKEKEY23456",
        "QUtJQVo3UVhGQUtFS0VZMjM0NTY",
        "do-not-leak",
        "aGVudGVyMmh1bnRlcjI",
        "c2VjcmV0U0VDUkVU",
        "AKIAZ7QXFAKEKEY45678",
    ] {
        assert!(!everything.contains(leaked), "{leaked} leaked");
    }
    // The hardcoded key in a Deployment's env is not a Secret: the policies see it.
    assert!(everything.contains("AKIAZ7QXFAKEKEY65432"));

    // Read-only, paged.
    let requests = h.server.requests();
    assert!(requests.iter().all(|r| r.method == "GET"), "{requests:?}");
    assert!(requests_to(&h.server, "/api/v1/pods")[0].contains("limit=500"));
    assert!(requests_to(&h.server, "/apis/external-secrets.io/v1/secretstores").len() == 1);
}

#[test]
fn a_namespace_limits_namespaced_kinds_and_the_context_supplies_the_default() {
    let server = ApiServer::start(named("mixed")).unwrap();
    let contexts = [server.token_context("test").namespace("payments")];
    let h = with_contexts(server, &contexts);

    let mut opts = options(&h);
    opts.all_namespaces = false;
    opts.namespace = Some("shop".into());
    let scan_shop = scan(&opts);
    let c = only_cluster(&scan_shop);
    assert_eq!(c.namespace.as_deref(), Some("shop"));
    assert!(c.inventory_complete, "{c:?}");
    let ids = ids(&c.objects);
    assert!(ids.contains("Namespace shop"));
    assert!(!ids.contains("Namespace legacy"));
    assert!(ids.contains("Deployment shop/orders"));
    assert!(
        ids.contains("EC2NodeClass default"),
        "cluster-scoped kinds are read"
    );
    assert!(
        ids.contains("PodIdentityAssociation shop-catalog"),
        "targets shop"
    );
    assert!(!ids.contains("PodIdentityAssociation payments/billing"));
    for o in &c.objects {
        let ns = str_at(o, "/metadata/namespace");
        assert!(ns.is_empty() || ns == "shop", "{o}");
    }
    assert!(!requests_to(&h.server, "/api/v1/namespaces/shop/pods").is_empty());
    assert!(!requests_to(&h.server, "/api/v1/namespaces/shop").is_empty());
    assert!(requests_to(&h.server, "/api/v1/pods").is_empty());

    opts.namespace = None;
    let scan_default = scan(&opts);
    let c = only_cluster(&scan_default);
    assert_eq!(c.namespace.as_deref(), Some("payments"), "from the context");
    let ids = common::ids(&c.objects);
    assert!(ids.contains("Deployment payments/billing"));
    assert!(ids.contains("PodIdentityAssociation payments/billing"));
    assert!(!ids.contains("Deployment shop/orders"));
}

#[test]
fn the_selector_applies_to_workloads_only() {
    let h = start(named("mixed"));
    let mut opts = options(&h);
    opts.selector = Some("app=orders".into());
    let scan = scan(&opts);
    let c = only_cluster(&scan);
    let ids = ids(&c.objects);
    assert!(ids.contains("Deployment shop/orders"));
    assert!(!ids.contains("Deployment shop/frontend"));
    assert!(!ids.contains("DaemonSet kube-system/kube2iam"));
    assert!(
        ids.contains("ServiceAccount shop/catalog"),
        "not a workload"
    );
    assert!(ids.contains("Secret legacy/aws-creds"), "not a workload");
    assert!(requests_to(&h.server, "/apis/apps/v1/deployments")[0]
        .contains("labelSelector=app%3Dorders"));
    assert!(!requests_to(&h.server, "/api/v1/serviceaccounts")[0].contains("labelSelector"));
}

#[test]
fn only_wanted_kinds_are_listed() {
    let h = start(named("mixed"));
    let wanted: BTreeSet<&str> = ["Pod", "SecretStore"].into();
    let scan = live::scan(&options(&h), &wanted);
    let c = only_cluster(&scan);
    let kinds: BTreeSet<&str> = c.objects.iter().map(|o| str_at(o, "/kind")).collect();
    assert_eq!(kinds, ["Pod", "SecretStore"].into());
    // Owners were not read, so no pod collapses.
    assert_eq!(
        c.objects
            .iter()
            .filter(|o| str_at(o, "/kind") == "Pod")
            .count(),
        4
    );
    let requests = h.server.requests();
    assert!(
        !requests.iter().any(|r| r.uri.starts_with("/apis/apps")),
        "{requests:?}"
    );
    assert!(!requests
        .iter()
        .any(|r| r.uri.starts_with("/apis/karpenter.k8s.aws")));
}

#[test]
fn optional_kinds_are_skipped_where_their_group_is_not_served() {
    let h = start(named("no-crds"));
    let scan = scan(&options(&h));
    let c = only_cluster(&scan);
    assert!(c.inventory_complete);
    assert!(
        c.not_served
            .contains(&"SecretStore.external-secrets.io".to_string()),
        "{:?}",
        c.not_served
    );
    assert!(c
        .not_served
        .contains(&"SecretProviderClass.secrets-store.csi.x-k8s.io".to_string()));
    assert!(c
        .not_served
        .contains(&"EC2NodeClass.karpenter.k8s.aws".to_string()));
    assert_eq!(
        ids(&c.objects),
        [
            "Namespace default",
            "Namespace kube-system",
            "Namespace web",
            "ServiceAccount web/default",
            "ServiceAccount web/web",
            "Deployment web/web",
            "Deployment web/worker",
        ]
        .map(String::from)
        .into()
    );
    let requests = h.server.requests();
    assert!(
        requests.iter().all(|r| !r.uri.contains("external-secrets")),
        "{requests:?}"
    );
}

#[test]
fn forbidden_secrets_are_reported_and_the_rest_is_read() {
    let h = start(named("forbid-secrets"));
    let scan = scan(&options(&h));
    let c = only_cluster(&scan);
    assert!(!c.inventory_complete);
    assert!(c.incomplete.is_empty(), "{:?}", c.incomplete);
    assert_eq!(c.forbidden.len(), 1, "{:?}", c.forbidden);
    let f = &c.forbidden[0];
    assert_eq!(
        (
            f.kind.as_str(),
            f.group.as_str(),
            f.resource.as_str(),
            f.verb.as_str()
        ),
        ("Secret", "", "secrets", "list")
    );
    assert_eq!(f.namespace, None);
    assert!(
        f.message.contains("cannot list resource \"secrets\""),
        "{}",
        f.message
    );
    assert_eq!(f.permission(), "list secrets (cluster-wide)");
    assert!(!c.objects.iter().any(|o| str_at(o, "/kind") == "Secret"));
    assert!(ids(&c.objects).contains("Deployment legacy/reporter"));
}

#[test]
fn two_thousand_pods_are_paged() {
    let h = start(named("paging"));
    let scan = scan(&options(&h));
    let c = only_cluster(&scan);
    assert!(c.inventory_complete);
    let pods: BTreeSet<&str> = c
        .objects
        .iter()
        .filter(|o| str_at(o, "/kind") == "Pod")
        .map(|o| str_at(o, "/metadata/name"))
        .collect();
    assert_eq!(pods.len(), 2000);
    assert!(pods.contains("pod-00000") && pods.contains("pod-01999"));
    let pages = requests_to(&h.server, "/api/v1/pods");
    assert_eq!(pages.len(), 4, "{pages:?}");
    assert!(pages[1..].iter().all(|p| p.contains("continue=")));
}

#[test]
fn an_expired_continue_token_restarts_the_list_once() {
    let scenario = named("paging").fault(
        FaultRule::new(Fault::ExpireContinue)
            .on("/api/v1/pods")
            .times(1),
    );
    let h = start(scenario);
    let scan = scan(&options(&h));
    let c = only_cluster(&scan);
    assert!(c.inventory_complete, "{:?}", c.incomplete);
    assert_eq!(
        c.objects
            .iter()
            .filter(|o| str_at(o, "/kind") == "Pod")
            .count(),
        2000
    );
    // Page 1, the expired page 2, then pages 1 to 4 again.
    assert_eq!(requests_to(&h.server, "/api/v1/pods").len(), 6);
}

#[test]
fn a_list_that_keeps_expiring_is_incomplete_not_partial() {
    let scenario = named("paging").fault(FaultRule::new(Fault::ExpireContinue).on("/api/v1/pods"));
    let h = start(scenario);
    let scan = scan(&options(&h));
    let c = only_cluster(&scan);
    assert!(!c.inventory_complete);
    assert_eq!(c.incomplete.len(), 1);
    assert!(c.incomplete[0].starts_with("Pod: "), "{:?}", c.incomplete);
    assert!(c.incomplete[0].contains("410"));
    assert!(
        !c.objects.iter().any(|o| str_at(o, "/kind") == "Pod"),
        "no partial list"
    );
    assert!(ids(&c.objects).contains("Namespace paging"));
}

#[test]
fn throttling_honours_retry_after() {
    let scenario = named("no-crds").fault(
        FaultRule::new(Fault::TooManyRequests(1))
            .on("/apis/apps/v1/deployments")
            .times(1),
    );
    let h = start(scenario);
    let started = Instant::now();
    let scan = scan(&options(&h));
    let c = only_cluster(&scan);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited Retry-After"
    );
    assert!(c.inventory_complete);
    assert!(ids(&c.objects).contains("Deployment web/web"));
    assert_eq!(requests_to(&h.server, "/apis/apps/v1/deployments").len(), 2);
}

#[test]
fn server_errors_and_resets_are_retried() {
    let scenario = named("no-crds")
        .fault(
            FaultRule::new(Fault::ServerError)
                .on("/apis/apps/v1/deployments")
                .times(2),
        )
        .fault(
            FaultRule::new(Fault::ResetMidList)
                .on("/api/v1/serviceaccounts")
                .times(1),
        );
    let h = start(scenario);
    let scan = scan(&options(&h));
    let c = only_cluster(&scan);
    assert!(c.inventory_complete, "{:?}", c.incomplete);
    let ids = ids(&c.objects);
    assert!(ids.contains("Deployment web/web") && ids.contains("ServiceAccount web/web"));
    assert_eq!(requests_to(&h.server, "/apis/apps/v1/deployments").len(), 3);
    assert_eq!(requests_to(&h.server, "/api/v1/serviceaccounts").len(), 2);
}

#[test]
fn a_kind_that_keeps_failing_is_marked_incomplete() {
    let scenario =
        named("no-crds").fault(FaultRule::new(Fault::ServerError).on("/apis/apps/v1/deployments"));
    let h = start(scenario);
    let scan = scan(&options(&h));
    let c = only_cluster(&scan);
    assert!(!c.inventory_complete);
    assert_eq!(c.incomplete.len(), 1, "{:?}", c.incomplete);
    assert!(
        c.incomplete[0].starts_with("Deployment: server error 500"),
        "{:?}",
        c.incomplete
    );
    assert!(!c.objects.iter().any(|o| str_at(o, "/kind") == "Deployment"));
    assert!(ids(&c.objects).contains("ServiceAccount web/web"));
    // Bounded: the first attempt and four retries.
    assert_eq!(requests_to(&h.server, "/apis/apps/v1/deployments").len(), 5);
}

#[test]
fn a_stalled_server_times_out_within_the_request_timeout() {
    let h = start(named("stall"));
    let mut opts = options(&h);
    opts.request_timeout = Some(Duration::from_secs(1));
    let started = Instant::now();
    let scan = scan(&opts);
    let elapsed = started.elapsed();
    // Only a hang-catcher (the stalled server never answers); the message
    // below says the 1 s request timeout is what ended the scan.
    assert!(elapsed < Duration::from_secs(120), "took {elapsed:?}");
    assert!(scan.clusters.is_empty());
    assert_eq!(scan.errors.len(), 1);
    let e = &scan.errors[0];
    assert_eq!(e.context, "test");
    assert!(e.message.contains("timed out after 1s"), "{}", e.message);
    assert!(!e.message.contains('\n'));
}

#[test]
fn a_server_answering_garbage_is_one_clear_error() {
    let h = start(named("garbage"));
    let scan = scan(&options(&h));
    assert!(scan.clusters.is_empty());
    assert_eq!(scan.errors.len(), 1);
    let message = &scan.errors[0].message;
    assert!(message.contains("not JSON"), "{message}");
    assert!(
        !message.contains('\n') && !message.contains("{ "),
        "{message}"
    );
}

#[test]
fn a_rejected_token_is_an_authentication_error() {
    let server = ApiServer::start(named("no-crds")).unwrap();
    let ctx = server.context("expired", UserAuth::Token("expired-token".into()));
    let h = with_contexts(server, &[ctx]);
    let scan = scan(&options(&h));
    assert_eq!(scan.errors.len(), 1);
    let e = &scan.errors[0];
    assert_eq!(e.context, "expired");
    assert!(e.message.contains("401 Unauthorized"), "{}", e.message);
    assert!(
        e.to_string()
            .starts_with("context \"expired\" (server https://127.0.0.1:")
            && e.to_string().contains("): authentication failed"),
        "{e}"
    );
}

#[test]
fn an_untrusted_server_certificate_is_a_tls_error() {
    let server = ApiServer::start(named("no-crds")).unwrap();
    let other = ApiServer::start(Scenario::default()).unwrap();
    let mut ctx = server.token_context("wrong-ca");
    ctx.ca_pem = Some(other.pki.ca_pem.clone());
    let h = with_contexts(server, &[ctx]);
    let scan = scan(&options(&h));
    assert_eq!(scan.errors.len(), 1, "{:?}", scan.clusters);
    assert!(
        scan.errors[0].message.starts_with("TLS failure"),
        "{}",
        scan.errors[0].message
    );
}

#[test]
fn client_certificates_authenticate() {
    let server = ApiServer::start(named("no-crds")).unwrap();
    let ctx = server.context("cert", UserAuth::ClientCert);
    let h = with_contexts(server, &[ctx]);
    let scan = scan(&options(&h));
    let c = only_cluster(&scan);
    assert!(ids(&c.objects).contains("Deployment web/web"));
}

#[test]
fn exec_credential_plugins_supply_the_token() {
    let server = ApiServer::start(named("no-crds")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("get-token.sh");
    let marker = dir.path().join("ran");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ntouch '{}'\necho '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{}\"}}}}'\n",
            marker.display(),
            podauth_test_apiserver::TOKEN
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let ctx = server.context(
        "exec",
        UserAuth::Exec {
            command: script.display().to_string(),
            args: vec![],
        },
    );
    let h = with_contexts(server, &[ctx]);
    let scan = scan(&options(&h));
    let c = only_cluster(&scan);
    assert!(marker.exists(), "the plugin ran");
    assert!(ids(&c.objects).contains("Deployment web/web"));
}

#[test]
fn all_contexts_reports_a_failing_cluster_and_reads_the_others() {
    let good = ApiServer::start(named("no-crds")).unwrap();
    let other = ApiServer::start(named("paging")).unwrap();
    // A port held (bound, never listening) for the whole test: connections
    // are refused, and no other process can take it meanwhile.
    let held = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let any_port: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
    held.bind(&any_port.into()).unwrap();
    let dead_port = held.local_addr().unwrap().as_socket().unwrap().port();
    let mut down = ContextSpec::unreachable("down", dead_port);
    down.ca_pem = Some(good.pki.ca_pem.clone());
    let contexts = [
        good.token_context("good"),
        down,
        other.token_context("other"),
    ];
    let h = with_contexts(good, &contexts);
    let opts = LiveOptions {
        all_contexts: true,
        ..options(&h)
    };
    let started = Instant::now();
    let scan = scan(&opts);
    // Only a hang-catcher: a refused connection fails at once.
    assert!(started.elapsed() < Duration::from_secs(120));
    let names: Vec<&str> = scan.clusters.iter().map(|c| c.context.as_str()).collect();
    assert_eq!(names, ["good", "other"]);
    assert_eq!(scan.errors.len(), 1);
    assert_eq!(scan.errors[0].context, "down");
    assert!(
        scan.errors[0].message.contains("connection refused"),
        "{}",
        scan.errors[0].message
    );
    assert_eq!(
        scan.clusters[1]
            .objects
            .iter()
            .filter(|o| str_at(o, "/kind") == "Pod")
            .count(),
        2000
    );

    // --context is repeatable and selects among them.
    let opts = LiveOptions {
        contexts: vec!["other".into(), "good".into()],
        ..options(&h)
    };
    let scan = common::scan(&opts);
    assert!(scan.errors.is_empty());
    assert_eq!(scan.clusters.len(), 2);
    drop(other);
}

#[test]
fn an_unknown_context_is_an_error_for_that_context() {
    let h = start(named("no-crds"));
    let opts = LiveOptions {
        contexts: vec!["test".into(), "nope".into()],
        ..options(&h)
    };
    let scan = scan(&opts);
    assert_eq!(scan.clusters.len(), 1);
    assert_eq!(scan.errors.len(), 1);
    assert_eq!(scan.errors[0].context, "nope");
    assert!(!scan.errors[0].message.contains('\n'));
}

#[test]
fn only_get_requests_are_made() {
    // Every scenario path a scan takes: discovery, lists, the namespace GET.
    let h = start(named("mixed"));
    let mut opts = options(&h);
    let _ = scan(&opts);
    opts.all_namespaces = false;
    opts.namespace = Some("shop".into());
    let _ = scan(&opts);
    let requests = h.server.requests();
    assert!(requests.len() > 20);
    let methods: BTreeSet<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET"].into());
    // And the module has no code that could do anything else: raw requests are
    // built in one place, with `Request::get`, and kube's typed Api (which has
    // write methods) is not used.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../cli/src/live");
    let mut gets = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        gets += source.matches("Request::get(").count();
        for banned in [
            "Request::post",
            "Request::put",
            "Request::patch",
            "Request::delete",
            "Request::builder",
            "Method::POST",
            "Method::PUT",
            "Method::PATCH",
            "Method::DELETE",
            ".method(",
            "kube::Api",
            "Api::<",
            "Api::all",
            "Api::namespaced",
            "Api::default_namespaced",
        ] {
            assert!(
                !source.contains(banned),
                "{} contains {banned}",
                path.display()
            );
        }
    }
    assert_eq!(gets, 1, "one request builder");
}

#[test]
fn objects_are_plain_json_the_policies_can_read() {
    let h = start(named("mixed"));
    let scan = scan(&options(&h));
    let c = only_cluster(&scan);
    let pia = find(&c.objects, "PodIdentityAssociation", "payments", "billing");
    assert_eq!(str_at(pia, "/apiVersion"), "eks.services.k8s.aws/v1alpha1");
    assert_eq!(
        str_at(pia, "/spec/roleARN"),
        "arn:aws:iam::111122223333:role/payments-billing"
    );
    let deployment = find(&c.objects, "Deployment", "legacy", "kube2iam-app");
    assert_eq!(
        deployment.pointer("/spec/template/metadata/annotations/iam.amazonaws.com~1role"),
        Some(&Value::String(
            "arn:aws:iam::111122223333:role/legacy-app".into()
        ))
    );
}
