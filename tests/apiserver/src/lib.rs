//! A local Kubernetes API server for kubectl-podauth's live-mode tests.
//!
//! It speaks the real wire protocol over TLS (a CA and server certificate are
//! generated at start): `/version`, discovery (`/api`, `/api/v1`, `/apis`,
//! `/apis/<group>`, `/apis/<group>/<version>`), cluster-wide and namespaced
//! list endpoints with `limit`/`continue` paging and equality-based
//! `labelSelector`, single-object GETs, and `Status` bodies for 401, 403, 404,
//! 405 and 410. Objects come from fixtures stored as real API JSON (one object
//! or one `List` per `*.json` file) plus generated pods (uniform ones for
//! paging tests, or a varied [`estate`] for the live benchmark); only the
//! groups the fixtures use (and the built-in `v1`, `apps/v1`, `batch/v1`) are
//! discovered.
//!
//! A [`Scenario`] adds per-resource RBAC denials and faults (stall, garbage,
//! 429 with `Retry-After`, 500, a connection reset mid-list, an expired
//! `continue` token). Every request is recorded ([`ApiServer::requests`]) so a
//! test can assert that a client only read.
//!
//! The server runs on its own thread and runtime, so synchronous tests (and
//! code that builds its own tokio runtime) can use it; dropping the
//! [`ApiServer`] stops it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod catalog;
pub mod estate;
mod server;
pub mod tls;

use anyhow::{bail, Context, Result};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use tls::Pki;

/// The bearer token the generated kubeconfigs carry.
pub const TOKEN: &str = "podauth-test-token";

/// What a scenario serves and how it misbehaves.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Scenario {
    /// Fixture directories (real API JSON: one object or one List per file).
    pub fixtures: Vec<PathBuf>,
    /// Objects added in code (tests), as full API objects.
    #[serde(skip)]
    pub objects: Vec<Value>,
    /// Generated pods (`pod-00000`...) in namespace `paging`, for paging tests.
    pub generate_pods: usize,
    /// A generated estate of this many varied pods with their Namespaces,
    /// ServiceAccounts, ConfigMaps and Secrets ([`estate`]), for the live benchmark.
    pub estate_pods: usize,
    /// Extra group versions served although no fixture uses them ("external-secrets.io/v1").
    pub serve: Vec<String>,
    /// Accepted bearer tokens; empty means [`TOKEN`].
    pub tokens: Vec<String>,
    /// Resources the test user may not read (403).
    pub forbid: Vec<Forbid>,
    /// Injected faults, checked in order; the first that matches and has uses left applies.
    pub faults: Vec<FaultRule>,
}

/// A 403 for one resource: `{"group": "", "resource": "secrets"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Forbid {
    #[serde(default)]
    pub group: String,
    pub resource: String,
    /// Only this verb ("list" or "get"); all verbs when absent.
    #[serde(default)]
    pub verb: Option<String>,
}

/// A fault applied to matching requests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    pub fault: Fault,
    /// Applies to requests whose path contains this text; all requests when absent.
    #[serde(default)]
    pub path: Option<String>,
    /// How many times it applies; always when absent.
    #[serde(default)]
    pub times: Option<usize>,
}

/// Misbehaviours a real API server (or what sits in front of one) shows.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// Accept the request and never answer.
    Stall,
    /// 200 with a body that is not JSON.
    Garbage,
    /// 429 Too Many Requests with `Retry-After: <seconds>`.
    TooManyRequests(u64),
    /// 500 Internal Server Error with a Status body.
    ServerError,
    /// Start a 200 list body, then drop the connection.
    ResetMidList,
    /// 410 Gone (`Expired`) for a request carrying a `continue` token.
    ExpireContinue,
}

impl FaultRule {
    pub fn new(fault: Fault) -> FaultRule {
        FaultRule {
            fault,
            path: None,
            times: None,
        }
    }
    pub fn on(mut self, path: &str) -> FaultRule {
        self.path = Some(path.to_string());
        self
    }
    pub fn times(mut self, n: usize) -> FaultRule {
        self.times = Some(n);
        self
    }
}

impl Scenario {
    /// The fixture directory `tests/apiserver/fixtures/<name>`.
    pub fn fixture_dir(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name)
    }

    /// A scenario serving the named fixture directory, with its
    /// `scenario.json` (if any) applied.
    pub fn named(name: &str) -> Result<Scenario> {
        Scenario::from_dir(&Scenario::fixture_dir(name))
    }

    /// Serves `dir`; a `scenario.json` there adds settings, and its
    /// `fixtures` (relative to `dir`) are served too.
    pub fn from_dir(dir: &Path) -> Result<Scenario> {
        let file = dir.join("scenario.json");
        let mut scenario = if file.exists() {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let mut s: Scenario = serde_json::from_str(&text)
                .with_context(|| format!("parsing {}", file.display()))?;
            s.fixtures = s.fixtures.iter().map(|f| dir.join(f)).collect();
            s
        } else {
            Scenario::default()
        };
        scenario.fixtures.insert(0, dir.to_path_buf());
        Ok(scenario)
    }

    pub fn forbid(mut self, group: &str, resource: &str) -> Scenario {
        self.forbid.push(Forbid {
            group: group.into(),
            resource: resource.into(),
            verb: None,
        });
        self
    }

    pub fn fault(mut self, rule: FaultRule) -> Scenario {
        self.faults.push(rule);
        self
    }

    /// Every object the scenario serves, with apiVersion and kind.
    pub fn load_objects(&self) -> Result<Vec<Value>> {
        let mut out = self.objects.clone();
        for dir in &self.fixtures {
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
                .with_context(|| format!("reading fixture directory {}", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "json")
                        && p.file_name().is_some_and(|n| n != "scenario.json")
                })
                .collect();
            files.sort();
            for file in files {
                let text = std::fs::read_to_string(&file)?;
                let value: Value = serde_json::from_str(&text)
                    .with_context(|| format!("parsing fixture {}", file.display()))?;
                push_object(value, &mut out).with_context(|| format!("{}", file.display()))?;
            }
        }
        for i in 0..self.generate_pods {
            out.push(generated_pod(i));
        }
        out.extend(estate::estate(self.estate_pods));
        Ok(out)
    }
}

fn push_object(value: Value, out: &mut Vec<Value>) -> Result<()> {
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
    if let Some(base) = kind.strip_suffix("List") {
        let api = value
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("v1")
            .to_string();
        let base = base.to_string();
        for mut item in value
            .get("items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            if let Value::Object(m) = &mut item {
                if !base.is_empty() {
                    m.entry("apiVersion").or_insert(json!(api));
                    m.entry("kind").or_insert(json!(base));
                }
            }
            push_object(item, out)?;
        }
        return Ok(());
    }
    if kind.is_empty() || value.get("apiVersion").and_then(Value::as_str).is_none() {
        bail!("object without apiVersion or kind");
    }
    out.push(value);
    Ok(())
}

fn generated_pod(i: usize) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": format!("pod-{i:05}"),
            "namespace": "paging",
            "uid": format!("00000000-0000-4000-8000-{i:012}"),
            "labels": {"app": "paging", "shard": format!("{}", i % 4)},
            "resourceVersion": "1",
            "managedFields": [{"manager": "kubelet", "operation": "Update"}],
        },
        "spec": {
            "serviceAccountName": "default",
            "containers": [{"name": "app", "image": "public.ecr.aws/docker/library/busybox:1.36"}],
        },
        "status": {"phase": "Running"},
    })
}

/// One recorded request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub uri: String,
}

/// How a kubeconfig user authenticates.
#[derive(Debug, Clone)]
pub enum UserAuth {
    /// `token:` with this value.
    Token(String),
    /// `client-certificate-data` / `client-key-data` from the server's PKI.
    ClientCert,
    /// `exec:` running `command` with `args` (client.authentication.k8s.io/v1).
    Exec { command: String, args: Vec<String> },
    /// No credentials at all.
    None,
}

/// One context of a kubeconfig.
#[derive(Debug, Clone)]
pub struct ContextSpec {
    pub name: String,
    pub server: String,
    pub ca_pem: Option<String>,
    pub auth: UserAuth,
    pub namespace: Option<String>,
    client_cert: Option<(String, String)>,
}

impl ContextSpec {
    /// A context pointing at a server nobody listens on (`127.0.0.1:<port>`).
    pub fn unreachable(name: &str, port: u16) -> ContextSpec {
        ContextSpec {
            name: name.into(),
            server: format!("https://127.0.0.1:{port}"),
            ca_pem: None,
            auth: UserAuth::Token(TOKEN.into()),
            namespace: None,
            client_cert: None,
        }
    }

    pub fn namespace(mut self, ns: &str) -> ContextSpec {
        self.namespace = Some(ns.into());
        self
    }
}

/// A kubeconfig (JSON, which is valid YAML) holding `contexts`; the first is current.
pub fn kubeconfig(contexts: &[ContextSpec]) -> Value {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let clusters: Vec<Value> = contexts
        .iter()
        .map(|c| {
            let mut cluster = json!({"server": c.server});
            if let Some(ca) = &c.ca_pem {
                cluster["certificate-authority-data"] = json!(b64(ca));
            }
            json!({"name": c.name, "cluster": cluster})
        })
        .collect();
    let users: Vec<Value> = contexts
        .iter()
        .map(|c| {
            let user = match &c.auth {
                UserAuth::Token(t) => json!({"token": t}),
                UserAuth::ClientCert => {
                    let (cert, key) = c.client_cert.clone().unwrap_or_default();
                    json!({"client-certificate-data": b64(&cert), "client-key-data": b64(&key)})
                }
                UserAuth::Exec { command, args } => json!({"exec": {
                    "apiVersion": "client.authentication.k8s.io/v1",
                    "command": command,
                    "args": args,
                    "interactiveMode": "Never",
                }}),
                UserAuth::None => json!({}),
            };
            json!({"name": c.name, "user": user})
        })
        .collect();
    let ctxs: Vec<Value> = contexts
        .iter()
        .map(|c| {
            let mut ctx = json!({"cluster": c.name, "user": c.name});
            if let Some(ns) = &c.namespace {
                ctx["namespace"] = json!(ns);
            }
            json!({"name": c.name, "context": ctx})
        })
        .collect();
    json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": clusters,
        "users": users,
        "contexts": ctxs,
        "current-context": contexts.first().map(|c| c.name.clone()).unwrap_or_default(),
        "preferences": {},
    })
}

/// Writes `kubeconfig(contexts)` to `path`.
pub fn write_kubeconfig(path: &Path, contexts: &[ContextSpec]) -> Result<()> {
    let text = serde_json::to_string_pretty(&kubeconfig(contexts))?;
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// A running server; dropping it stops the server.
pub struct ApiServer {
    pub addr: SocketAddr,
    pub pki: Pki,
    objects: usize,
    requests: Arc<Mutex<Vec<Recorded>>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ApiServer {
    /// Starts on `127.0.0.1:0` (an ephemeral port).
    pub fn start(scenario: Scenario) -> Result<ApiServer> {
        ApiServer::start_on(scenario, 0)
    }

    /// Starts on `127.0.0.1:<port>`.
    pub fn start_on(scenario: Scenario, port: u16) -> Result<ApiServer> {
        let objects = scenario.load_objects()?;
        let object_count = objects.len();
        let pki = Pki::generate()?;
        let tls = Arc::new(pki.server_config()?);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(server::State::new(scenario, objects, requests.clone()));
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))
            .with_context(|| format!("binding 127.0.0.1:{port}"))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("podauth-test-apiserver".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("tokio runtime");
                runtime.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    tokio::select! {
                        () = server::serve(listener, tls, state) => {}
                        _ = rx => {}
                    }
                });
                runtime.shutdown_background();
            })?;
        Ok(ApiServer {
            addr,
            pki,
            objects: object_count,
            requests,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// `https://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// A context for this server with the given auth.
    pub fn context(&self, name: &str, auth: UserAuth) -> ContextSpec {
        ContextSpec {
            name: name.into(),
            server: self.url(),
            ca_pem: Some(self.pki.ca_pem.clone()),
            auth,
            namespace: None,
            client_cert: Some((
                self.pki.client_cert_pem.clone(),
                self.pki.client_key_pem.clone(),
            )),
        }
    }

    /// A context authenticating with the accepted bearer token.
    pub fn token_context(&self, name: &str) -> ContextSpec {
        self.context(name, UserAuth::Token(TOKEN.into()))
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("request log").clone()
    }

    /// Every request received since the last call (or the start), emptying the log.
    pub fn take_requests(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.requests.lock().expect("request log"))
    }

    /// How many objects the server serves.
    pub fn object_count(&self) -> usize {
        self.objects
    }
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Cuts a process a test spawns (the CLI, kubectl) off the machine's clusters:
/// `home` (an empty scratch directory) as `HOME`, an empty `KUBECONFIG`
/// (kubectl and kube-rs treat it as unset) and none of the variables that make
/// a process believe it runs in a pod. A test that wants a cluster passes
/// `--kubeconfig`, or sets these variables itself after this call.
pub fn hermetic<'c>(
    cmd: &'c mut std::process::Command,
    home: &Path,
) -> &'c mut std::process::Command {
    cmd.env("HOME", home)
        .env("KUBECONFIG", "")
        .env_remove("USERPROFILE")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env_remove("KUBERNETES_SERVICE_PORT")
        .env_remove("PODAUTH_SHARD_MIN_OBJECTS")
}
