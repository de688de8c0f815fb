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
#![allow(clippy::print_stderr)] // the progress line

pub mod collapse;
pub mod fetch;
pub mod kinds;
pub mod sanitize;

use fetch::{FetchError, Fetcher};
use futures::future::{join_all, try_join_all};
use kinds::KindSpec;
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Page size of list requests.
pub const PAGE_SIZE: usize = 500;

/// Context name reported for the in-cluster configuration.
pub const IN_CLUSTER: &str = "in-cluster";

/// What to read, with kubectl's flags.
#[derive(Debug, Clone, Default)]
pub struct LiveOptions {
    /// `--kubeconfig`: one file, replacing `KUBECONFIG` and `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`, repeatable; empty means the current context.
    pub contexts: Vec<String>,
    /// `--all-contexts`: every context of the kubeconfig.
    pub all_contexts: bool,
    /// `-n/--namespace`; the context's namespace (else `default`) when unset.
    pub namespace: Option<String>,
    /// `-A/--all-namespaces`.
    pub all_namespaces: bool,
    /// `-l/--selector`, applied to workload kinds only.
    pub selector: Option<String>,
    /// `--request-timeout`, for every request (none by default, as kubectl).
    pub request_timeout: Option<Duration>,
    /// Draw a progress line on stderr (pass true only for a terminal).
    pub progress: bool,
}

/// A kind that could not be read because RBAC denies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForbiddenKind {
    /// `Secret`.
    pub kind: String,
    /// `""` for the core group.
    pub group: String,
    /// Plural resource: `secrets`.
    pub resource: String,
    /// The denied verb: `list` (or `get` for the single Namespace read with `-n`).
    pub verb: String,
    /// The namespace the request was scoped to; `None` for cluster scope.
    pub namespace: Option<String>,
    /// The server's message.
    pub message: String,
}

impl ForbiddenKind {
    /// `list secrets in namespace "shop"`, `list deployments.apps (all namespaces)`.
    pub fn permission(&self) -> String {
        let resource = kinds::resource_name(&self.group, &self.resource);
        match &self.namespace {
            Some(ns) => format!("{} {resource} in namespace {ns:?}", self.verb),
            None => format!("{} {resource} (cluster-wide)", self.verb),
        }
    }
}

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

/// A cluster that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveError {
    pub context: String,
    /// The API server's URL, when the context named one.
    pub server: Option<String>,
    /// One line, no debug output.
    pub message: String,
}

impl LiveError {
    /// `context "prod" (server https://10.0.0.1:6443)`: where the failure was.
    pub fn place(&self) -> String {
        match &self.server {
            Some(server) => format!("context {:?} (server {server})", self.context),
            None => format!("context {:?}", self.context),
        }
    }
}

impl std::fmt::Display for LiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place(), self.message)
    }
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
        .filter(|k| wanted_kinds.contains(k.kind))
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

/// One cluster to read.
struct Target {
    context: String,
    config: Result<kube::Config, String>,
}

fn default_kubeconfig_path() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    Some(PathBuf::from(home).join(".kube").join("config"))
}

/// Loads the kubeconfig as kubectl does; `Ok(None)` when there is none at all.
fn load_kubeconfig(opts: &LiveOptions) -> Result<Option<Kubeconfig>, String> {
    if let Some(path) = &opts.kubeconfig {
        return Kubeconfig::read_from(path).map(Some).map_err(|e| {
            format!(
                "cannot read kubeconfig {}: {}",
                path.display(),
                fetch::one_line(&e)
            )
        });
    }
    match Kubeconfig::from_env() {
        Ok(Some(k)) => return Ok(Some(k)),
        Ok(None) => {}
        Err(e) => return Err(format!("cannot read KUBECONFIG: {}", fetch::one_line(&e))),
    }
    match default_kubeconfig_path().filter(|p| p.exists()) {
        Some(path) => Kubeconfig::read_from(&path).map(Some).map_err(|e| {
            format!(
                "cannot read kubeconfig {}: {}",
                path.display(),
                fetch::one_line(&e)
            )
        }),
        None => Ok(None),
    }
}

/// The context names of the kubeconfig `--kubeconfig`, `KUBECONFIG` or
/// `~/.kube/config` selects (for shell completion); none when unreadable.
pub fn context_names(kubeconfig: Option<PathBuf>) -> Vec<String> {
    let opts = LiveOptions {
        kubeconfig,
        ..LiveOptions::default()
    };
    match load_kubeconfig(&opts) {
        Ok(Some(k)) => k.contexts.into_iter().map(|c| c.name).collect(),
        _ => Vec::new(),
    }
}

/// Debug builds only (the end-to-end tests): the directory that stands in for
/// `/var/run/secrets/kubernetes.io/serviceaccount` (token, ca.crt, namespace).
#[cfg(debug_assertions)]
pub const TEST_SERVICE_ACCOUNT_DIR_ENV: &str = "PODAUTH_TEST_SERVICEACCOUNT_DIR";

/// The pod's ServiceAccount, found as kube-rs and client-go find it:
/// `KUBERNETES_SERVICE_HOST`/`_PORT` and the files kubelet mounts. Release
/// builds always read kubelet's fixed path; debug builds let the end-to-end
/// tests mount the files elsewhere (tests/e2e/live.rs).
fn in_cluster_config() -> Result<kube::Config, String> {
    #[cfg(debug_assertions)]
    if let Some(dir) = std::env::var_os(TEST_SERVICE_ACCOUNT_DIR_ENV) {
        return in_cluster_config_from(std::path::Path::new(&dir));
    }
    kube::Config::incluster().map_err(|e| fetch::one_line(&e))
}

/// [`kube::Config::incluster`] with the ServiceAccount files in `dir`.
#[cfg(debug_assertions)]
fn in_cluster_config_from(dir: &std::path::Path) -> Result<kube::Config, String> {
    let var = |name: &str| std::env::var(name).map_err(|e| format!("{name}: {e}"));
    let (host, port) = (
        var("KUBERNETES_SERVICE_HOST")?,
        var("KUBERNETES_SERVICE_PORT")?,
    );
    let url = format!("https://{host}:{port}")
        .parse()
        .map_err(|e| format!("in-cluster address: {e}"))?;
    let mut config = kube::Config::new(url);
    let ns_file = dir.join("namespace");
    config.default_namespace = std::fs::read_to_string(&ns_file)
        .map_err(|e| format!("{}: {e}", ns_file.display()))?
        .trim()
        .to_string();
    config.root_cert_file = Some(dir.join("ca.crt"));
    config.auth_info.token_file = Some(dir.join("token").display().to_string());
    Ok(config)
}

async fn targets(opts: &LiveOptions) -> Result<Vec<Target>, LiveError> {
    let err = |message: String| LiveError {
        context: String::new(),
        server: None,
        message,
    };
    let Some(kubeconfig) = load_kubeconfig(opts).map_err(err)? else {
        if opts.all_contexts || !opts.contexts.is_empty() {
            return Err(err(
                "no kubeconfig found (set --kubeconfig or KUBECONFIG) to select contexts from"
                    .into(),
            ));
        }
        return match in_cluster_config() {
            Ok(config) => Ok(vec![Target {
                context: IN_CLUSTER.into(),
                config: Ok(config),
            }]),
            Err(e) => Err(err(format!(
                "no kubeconfig found (~/.kube/config, KUBECONFIG or --kubeconfig) and not running in a cluster: {e}"
            ))),
        };
    };
    let names: Vec<String> =
        if opts.all_contexts {
            kubeconfig.contexts.iter().map(|c| c.name.clone()).collect()
        } else if !opts.contexts.is_empty() {
            let mut seen = BTreeSet::new();
            opts.contexts
                .iter()
                .filter(|c| seen.insert(c.as_str()))
                .cloned()
                .collect()
        } else {
            match &kubeconfig.current_context {
                Some(c) if !c.is_empty() => vec![c.clone()],
                _ => return Err(err(
                    "the kubeconfig has no current context; pass --context NAME or --all-contexts"
                        .into(),
                )),
            }
        };
    if names.is_empty() {
        return Err(err("the kubeconfig has no contexts".into()));
    }
    let mut out = vec![];
    for name in names {
        if !kubeconfig.contexts.iter().any(|c| c.name == name) {
            out.push(Target {
                config: Err(format!("no context named {name:?} in the kubeconfig")),
                context: name,
            });
            continue;
        }
        let options = KubeConfigOptions {
            context: Some(name.clone()),
            ..KubeConfigOptions::default()
        };
        let config = kube::Config::from_custom_kubeconfig(kubeconfig.clone(), &options)
            .await
            .map_err(|e| fetch::one_line(&e));
        out.push(Target {
            context: name,
            config,
        });
    }
    Ok(out)
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

/// What listing one kind produced.
enum KindOutcome {
    Objects(Vec<Value>),
    Forbidden(ForbiddenKind),
    Incomplete(String),
}

/// A kind to list, resolved against discovery.
struct Plan {
    spec: &'static KindSpec,
    version: String,
    plural: String,
    namespaced: bool,
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

/// Resolves the wanted kinds to versions and plurals. Core kinds need no
/// discovery; optional kinds are listed only where their group serves them.
async fn discover(
    fetcher: &Fetcher,
    wanted: &[&'static KindSpec],
    cluster: &mut ClusterObjects,
) -> Result<Vec<Plan>, String> {
    let groups = match fetcher.get_json("/apis").await {
        Ok(v) => Some(v),
        Err(FetchError::Fatal(m)) | Err(FetchError::Failed(m)) => return Err(m),
        Err(FetchError::Forbidden(m)) => {
            cluster
                .incomplete
                .push(format!("API discovery: forbidden ({m})"));
            None
        }
        Err(FetchError::NotFound) | Err(FetchError::Gone) => {
            return Err("the server does not serve /apis (is this a Kubernetes API server?)".into())
        }
    };
    let served: BTreeMap<String, Vec<String>> = groups
        .as_ref()
        .and_then(|g| g.get("groups"))
        .and_then(Value::as_array)
        .map(|gs| {
            gs.iter()
                .filter_map(|g| {
                    let name = g.get("name")?.as_str()?.to_string();
                    let versions = g
                        .get("versions")?
                        .as_array()?
                        .iter()
                        .filter_map(|v| v.get("version")?.as_str().map(str::to_string))
                        .collect();
                    Some((name, versions))
                })
                .collect()
        })
        .unwrap_or_default();

    let mut plans = vec![];
    // Resource lists fetched so far: (group, version) -> resources.
    let mut resource_lists: BTreeMap<(String, String), Option<Vec<Value>>> = BTreeMap::new();
    for spec in wanted {
        if !spec.optional {
            plans.push(Plan {
                spec,
                version: spec.versions[0].to_string(),
                plural: spec.plural.to_string(),
                namespaced: spec.namespaced,
            });
            continue;
        }
        if groups.is_none() {
            cluster
                .incomplete
                .push(format!("{}: API discovery was forbidden", spec.kind));
            continue;
        }
        let Some(versions) = served.get(spec.group) else {
            cluster
                .not_served
                .push(format!("{}.{}", spec.kind, spec.group));
            continue;
        };
        let mut found = None;
        let mut failed = None;
        for version in spec
            .versions
            .iter()
            .filter(|v| versions.iter().any(|s| s == *v))
        {
            let key = (spec.group.to_string(), version.to_string());
            if !resource_lists.contains_key(&key) {
                let path = format!("/apis/{}/{version}", spec.group);
                let list = match fetcher.get_json(&path).await {
                    Ok(v) => v.get("resources").and_then(Value::as_array).cloned(),
                    Err(FetchError::Fatal(m)) => return Err(m),
                    Err(FetchError::NotFound) => Some(vec![]),
                    Err(FetchError::Forbidden(m)) | Err(FetchError::Failed(m)) => {
                        failed = Some(m);
                        None
                    }
                    Err(FetchError::Gone) => None,
                };
                resource_lists.insert(key.clone(), list);
            }
            let resource = resource_lists[&key].as_ref().and_then(|rs| {
                rs.iter().find(|r| {
                    r.get("kind").and_then(Value::as_str) == Some(spec.kind)
                        && r.get("name")
                            .and_then(Value::as_str)
                            .is_some_and(|n| !n.contains('/'))
                })
            });
            if let Some(r) = resource {
                found = Some(Plan {
                    spec,
                    version: version.to_string(),
                    plural: r
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or(spec.plural)
                        .to_string(),
                    namespaced: r
                        .get("namespaced")
                        .and_then(Value::as_bool)
                        .unwrap_or(spec.namespaced),
                });
                break;
            }
        }
        match (found, failed) {
            (Some(plan), _) => plans.push(plan),
            (None, Some(m)) => cluster.incomplete.push(format!(
                "{}: discovery of {} failed: {m}",
                spec.kind, spec.group
            )),
            (None, None) => cluster
                .not_served
                .push(format!("{}.{}", spec.kind, spec.group)),
        }
    }
    Ok(plans)
}

fn is_pod_identity_association(spec: &KindSpec) -> bool {
    spec.kind == "PodIdentityAssociation"
}

/// Lists one kind in scope, page by page; objects are sanitized as they arrive.
async fn list_kind(
    fetcher: &Fetcher,
    plan: &Plan,
    namespace: Option<&str>,
    selector: Option<&str>,
) -> Result<KindOutcome, String> {
    let spec = plan.spec;
    let api_version = kinds::api_version(spec.group, &plan.version);
    // With a namespace: the Namespace object by name.
    if spec.kind == "Namespace" {
        if let Some(ns) = namespace {
            let path = format!("/api/v1/namespaces/{}", kinds::encode_segment(ns));
            return match fetcher.get_json(&path).await {
                Ok(mut o) => {
                    set_type(&mut o, &api_version, spec.kind);
                    sanitize::sanitize(&mut o);
                    Ok(KindOutcome::Objects(vec![o]))
                }
                Err(FetchError::NotFound) => Ok(KindOutcome::Objects(vec![])),
                Err(e) => outcome_of_error(e, plan, "get", Some(ns)),
            };
        }
    }
    let cross_namespace = is_pod_identity_association(spec);
    let list_namespace = if plan.namespaced && !cross_namespace {
        namespace
    } else {
        None
    };
    let path = kinds::collection_path(spec.group, &plan.version, &plan.plural, list_namespace);
    let selector = selector.filter(|_| spec.workload);

    let mut restarted = false;
    'restart: loop {
        let mut items: Vec<Value> = vec![];
        let mut token: Option<String> = None;
        loop {
            let mut query = format!("{path}?limit={PAGE_SIZE}");
            if let Some(s) = selector {
                query.push_str(&format!("&labelSelector={}", kinds::encode_segment(s)));
            }
            if let Some(t) = &token {
                query.push_str(&format!("&continue={}", kinds::encode_segment(t)));
            }
            let page = match fetcher.get_json(&query).await {
                Ok(page) => page,
                Err(FetchError::Gone) if token.is_some() && !restarted => {
                    restarted = true;
                    continue 'restart;
                }
                Err(e) => return outcome_of_error(e, plan, "list", list_namespace),
            };
            let Some(page_items) = page.get("items").and_then(Value::as_array) else {
                return Ok(KindOutcome::Incomplete(format!(
                    "GET {query} returned no items array"
                )));
            };
            for item in page_items {
                let mut item = item.clone();
                set_type(&mut item, &api_version, spec.kind);
                sanitize::sanitize(&mut item);
                if cross_namespace && !in_namespace_scope(&item, namespace) {
                    continue;
                }
                items.push(item);
            }
            token = page
                .pointer("/metadata/continue")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if token.is_none() {
                return Ok(KindOutcome::Objects(items));
            }
        }
    }
}

/// An association in scope: it lives in, or targets, the selected namespace.
fn in_namespace_scope(item: &Value, namespace: Option<&str>) -> bool {
    let Some(ns) = namespace else {
        return true;
    };
    [
        "/metadata/namespace",
        "/spec/namespace",
        "/spec/forProvider/namespace",
    ]
    .iter()
    .any(|p| item.pointer(p).and_then(Value::as_str) == Some(ns))
}

fn outcome_of_error(
    error: FetchError,
    plan: &Plan,
    verb: &str,
    namespace: Option<&str>,
) -> Result<KindOutcome, String> {
    match error {
        FetchError::Fatal(m) => Err(m),
        FetchError::Forbidden(message) => Ok(KindOutcome::Forbidden(ForbiddenKind {
            kind: plan.spec.kind.to_string(),
            group: plan.spec.group.to_string(),
            resource: plan.plural.clone(),
            verb: verb.to_string(),
            namespace: namespace.map(str::to_string),
            message,
        })),
        FetchError::NotFound => Ok(KindOutcome::Incomplete(
            "the server answered 404 Not Found for the list".into(),
        )),
        FetchError::Gone => Ok(KindOutcome::Incomplete(
            "the list's continue token expired twice (410 Gone)".into(),
        )),
        FetchError::Failed(m) => Ok(KindOutcome::Incomplete(m)),
    }
}

/// List items carry no apiVersion or kind; every returned object does.
fn set_type(object: &mut Value, api_version: &str, kind: &str) {
    if let Value::Object(map) = object {
        map.insert("apiVersion".into(), Value::String(api_version.into()));
        map.insert("kind".into(), Value::String(kind.into()));
    }
}

/// Per-cluster progress: kinds listed, kinds planned, objects read, done.
#[derive(Default)]
struct ClusterProgress {
    done: usize,
    total: usize,
    objects: usize,
    finished: bool,
}

type ProgressState = Arc<Mutex<BTreeMap<String, ClusterProgress>>>;

/// A one-line progress indicator on stderr.
#[derive(Clone)]
struct Progress {
    state: Option<ProgressState>,
}

impl Progress {
    fn new(enabled: bool) -> Progress {
        Progress {
            state: enabled.then(|| Arc::new(Mutex::new(BTreeMap::new()))),
        }
    }

    fn update(&self, f: impl FnOnce(&mut BTreeMap<String, ClusterProgress>)) {
        let Some(state) = &self.state else {
            return;
        };
        let Ok(mut s) = state.lock() else {
            return;
        };
        f(&mut s);
        let line: Vec<String> = s
            .iter()
            .map(|(ctx, p)| {
                if p.finished {
                    format!("{ctx}: done")
                } else {
                    format!("{ctx}: {}/{} kinds, {} objects", p.done, p.total, p.objects)
                }
            })
            .collect();
        eprint!("\r\x1b[2Kreading {}", line.join("; "));
    }

    fn start(&self, context: &str, total: usize) {
        self.update(|s| {
            s.insert(
                context.to_string(),
                ClusterProgress {
                    total,
                    ..ClusterProgress::default()
                },
            );
        });
    }

    fn kind_done(&self, context: &str, objects: usize) {
        self.update(|s| {
            if let Some(p) = s.get_mut(context) {
                p.done += 1;
                p.objects += objects;
            }
        });
    }

    fn finish(&self, context: &str) {
        self.update(|s| {
            s.entry(context.to_string()).or_default().finished = true;
        });
    }

    fn clear(&self) {
        if self.state.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}
