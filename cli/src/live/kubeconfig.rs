//! Which clusters to read: the kubeconfig as kubectl loads it (`--kubeconfig`,
//! `KUBECONFIG`, `~/.kube/config`), the selected contexts, or the pod's
//! in-cluster ServiceAccount.
use super::fetch::one_line;
use kube::config::{KubeConfigOptions, Kubeconfig};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

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

/// One cluster to read.
pub(super) struct Target {
    pub(super) context: String,
    pub(super) config: Result<kube::Config, String>,
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
                one_line(&e)
            )
        });
    }
    match Kubeconfig::from_env() {
        Ok(Some(k)) => return Ok(Some(k)),
        Ok(None) => {}
        Err(e) => return Err(format!("cannot read KUBECONFIG: {}", one_line(&e))),
    }
    match default_kubeconfig_path().filter(|p| p.exists()) {
        Some(path) => Kubeconfig::read_from(&path).map(Some).map_err(|e| {
            format!(
                "cannot read kubeconfig {}: {}",
                path.display(),
                one_line(&e)
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
    kube::Config::incluster().map_err(|e| one_line(&e))
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

pub(super) async fn targets(opts: &LiveOptions) -> Result<Vec<Target>, LiveError> {
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
            .map_err(|e| one_line(&e));
        out.push(Target {
            context: name,
            config,
        });
    }
    Ok(out)
}
