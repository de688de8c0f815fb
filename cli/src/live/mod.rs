//! Live mode: reads the objects the policies need from running clusters.
//!
//! [`scan`] follows kubectl's conventions: `--kubeconfig` (one file) or
//! `KUBECONFIG` (several files, merged: the first to set a value wins) or
//! `~/.kube/config`, and the in-cluster ServiceAccount when none exists;
//! `--context` (repeatable) or `--all-contexts`; the namespace from `-n`, else
//! the context's, else `default`; `-A` for all namespaces; `-l` for workload
//! kinds only; `--request-timeout` for every request. Clusters, and the kinds
//! within a cluster, are read concurrently.
//!
//! Only GET requests are issued (discovery and paginated lists, plus one
//! Namespace GET in single-namespace mode); there is no code path that
//! creates, updates, patches or deletes. See [`sanitize`] for what is removed
//! from each object (Secret values are redacted as they are read) and
//! [`collapse`] for how controller-created objects are folded into their owner.
//!
//! Scope: namespaced kinds are listed in the selected namespace, or across all
//! namespaces with `-A`; cluster-scoped kinds are always listed whole. With a
//! namespace, the Namespace object itself is read with a GET, and Pod Identity
//! associations (which may live in any namespace and name their target
//! namespace in their spec) are listed across namespaces and kept when they
//! live in, or target, the selected namespace.
//!
//! This file runs the read; each step has its own module: `kubeconfig` picks
//! the clusters, `discovery` resolves the kinds a cluster serves, `list` pages
//! through each kind with the GETs of [`fetch`], [`sanitize`] and [`collapse`]
//! clean what arrives, and `progress` draws the stderr line.

pub mod collapse;
mod discovery;
pub mod fetch;
pub mod kinds;
mod kubeconfig;
mod list;
mod progress;
pub mod sanitize;

#[cfg(debug_assertions)]
pub use kubeconfig::TEST_SERVICE_ACCOUNT_DIR_ENV;
pub use kubeconfig::{context_names, LiveError, LiveOptions, IN_CLUSTER};
pub use list::{ForbiddenKind, PAGE_SIZE};

use discovery::discover;
use fetch::Fetcher;
use futures::future::{join_all, try_join_all};
use kinds::KindSpec;
use kubeconfig::targets;
use list::{list_kind, KindOutcome};
use progress::Progress;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::IsTerminal as _;
use std::time::Duration;

/// What was read from one cluster.
#[derive(Debug, Clone, Default)]
pub struct ClusterObjects {
    /// The kubeconfig context name ([`IN_CLUSTER`] in a pod).
    pub context: String,
    /// The namespace read; `None` with `-A`.
    pub namespace: Option<String>,
    /// Sanitized objects, each with apiVersion and kind, collapsed into owners.
    pub objects: Vec<Value>,
    /// No kind was forbidden or incomplete: an absence means something.
    pub inventory_complete: bool,
    /// Kinds RBAC denied.
    pub forbidden: Vec<ForbiddenKind>,
    /// Kinds whose listing failed (`Kind: reason`), never returned as partial lists.
    pub incomplete: Vec<String>,
    /// Wanted optional kinds whose API group the cluster does not serve.
    pub not_served: Vec<String>,
    /// Objects dropped because they match their owner's template.
    pub collapsed: usize,
}

/// Every cluster read, and every one that failed.
#[derive(Debug, Clone, Default)]
pub struct LiveScan {
    pub clusters: Vec<ClusterObjects>,
    pub errors: Vec<LiveError>,
}

/// Reads `wanted_kinds` (by kind name, e.g. from `Bundle::supported_kinds`)
/// from every selected cluster. Blocks; builds its own tokio runtime.
pub fn scan(opts: &LiveOptions, wanted_kinds: &BTreeSet<&str>) -> LiveScan {
    let wanted: Vec<&'static KindSpec> = kinds::KINDS
        .iter()
        .filter(|k| k.is_served() && wanted_kinds.contains(k.kind))
        .collect();
    let run = || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build();
        match runtime {
            Ok(rt) => {
                let out = rt.block_on(scan_async(opts, &wanted));
                rt.shutdown_background();
                out
            }
            Err(e) => LiveScan {
                clusters: vec![],
                errors: vec![LiveError {
                    context: String::new(),
                    server: None,
                    message: format!("cannot start the async runtime: {e}"),
                }],
            },
        }
    };
    if tokio::runtime::Handle::try_current().is_ok() {
        // Called from async code: a runtime cannot block inside another.
        std::thread::scope(|s| s.spawn(run).join().unwrap_or_default())
    } else {
        run()
    }
}

async fn scan_async(opts: &LiveOptions, wanted: &[&'static KindSpec]) -> LiveScan {
    let targets = match targets(opts).await {
        Ok(t) => t,
        Err(e) => {
            return LiveScan {
                clusters: vec![],
                errors: vec![e],
            }
        }
    };
    let progress = Progress::new(opts.progress && std::io::stderr().is_terminal());
    let results = join_all(targets.into_iter().map(|t| {
        let progress = progress.clone();
        async move {
            let context = t.context.clone();
            let server = t
                .config
                .as_ref()
                .ok()
                .map(|c| c.cluster_url.to_string().trim_end_matches('/').to_string());
            let result = match t.config {
                Ok(config) => scan_cluster(&t.context, config, opts, wanted, &progress).await,
                Err(message) => Err(message),
            };
            progress.finish(&context);
            result.map_err(|message| LiveError {
                context,
                server,
                message,
            })
        }
    }))
    .await;
    progress.clear();
    let mut scan = LiveScan::default();
    for r in results {
        match r {
            Ok(c) => scan.clusters.push(c),
            Err(e) => scan.errors.push(e),
        }
    }
    scan
}

async fn scan_cluster(
    context: &str,
    mut config: kube::Config,
    opts: &LiveOptions,
    wanted: &[&'static KindSpec],
    progress: &Progress,
) -> Result<ClusterObjects, String> {
    if let Some(t) = opts.request_timeout {
        // The per-request deadline is enforced in `fetch` (so its message is
        // ours); the transport's own timeouts are a backstop just behind it.
        config.connect_timeout = Some(t);
        config.read_timeout = Some(t + Duration::from_secs(1));
        config.write_timeout = Some(t + Duration::from_secs(1));
    }
    // Retries (with Retry-After) are done here, per request, and bounded.
    config.default_retry = false;
    let namespace = if opts.all_namespaces {
        None
    } else {
        Some(
            opts.namespace
                .clone()
                .unwrap_or_else(|| config.default_namespace.clone()),
        )
    };
    let client = kube::Client::try_from(config)
        .map_err(|e| format!("cannot create a client: {}", fetch::one_line(&e)))?;
    let fetcher = Fetcher {
        client,
        timeout: opts.request_timeout,
    };

    let mut cluster = ClusterObjects {
        context: context.to_string(),
        namespace: namespace.clone(),
        ..ClusterObjects::default()
    };
    // Discovery: also the first contact, so an unreachable cluster fails here once.
    let plans = discover(&fetcher, wanted, &mut cluster).await?;
    progress.start(context, plans.len());

    let lists = plans.iter().map(|plan| {
        let fetcher = &fetcher;
        let namespace = namespace.as_deref();
        async move {
            let outcome = list_kind(fetcher, plan, namespace, opts.selector.as_deref()).await?;
            progress.kind_done(
                context,
                match &outcome {
                    KindOutcome::Objects(o) => o.len(),
                    _ => 0,
                },
            );
            Ok::<_, String>((plan, outcome))
        }
    });
    let outcomes = try_join_all(lists).await?;

    let mut objects = vec![];
    for (plan, outcome) in outcomes {
        match outcome {
            KindOutcome::Objects(o) => objects.extend(o),
            KindOutcome::Forbidden(f) => cluster.forbidden.push(f),
            KindOutcome::Incomplete(reason) => cluster
                .incomplete
                .push(format!("{}: {reason}", plan.spec.kind)),
        }
    }
    cluster.collapsed = collapse::collapse(&mut objects);
    cluster.objects = objects;
    cluster.inventory_complete = cluster.forbidden.is_empty() && cluster.incomplete.is_empty();
    Ok(cluster)
}
