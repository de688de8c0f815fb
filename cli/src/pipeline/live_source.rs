//! Live mode: reads clusters through the read-only live reader and turns each
//! into a batch, with warnings for what RBAC or the server withheld.
use super::evaluate::Batch;
use crate::cli::ClusterArgs;
use crate::diag::{self, CliError};
use crate::live::{self, LiveOptions};
use crate::manifest::{InputError, Loaded, Manifest, Origin, Span};
use podauth_policies::Bundle;
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::sync::Arc;

pub struct LiveBatches {
    pub batches: Vec<Batch>,
    /// Clusters that could not be read at all, and kinds whose listing failed.
    pub errors: Vec<InputError>,
    /// Rule ids that ran without some kind they read (RBAC or an incomplete list).
    pub degraded: BTreeSet<String>,
}

pub fn read_clusters(args: &ClusterArgs, bundle: &Bundle) -> Result<LiveBatches, CliError> {
    let opts = LiveOptions {
        kubeconfig: args.kubeconfig.clone(),
        contexts: args.contexts.clone(),
        all_contexts: args.all_contexts,
        namespace: args.namespace.clone(),
        all_namespaces: args.all_namespaces,
        selector: args.selector.clone(),
        request_timeout: args
            .request_timeout
            .as_deref()
            .map(parse_timeout)
            .transpose()?
            .flatten(),
        progress: std::io::stderr().is_terminal(),
    };
    let kinds = bundle.supported_kinds();
    let scan = live::scan(&opts, &kinds);
    // No cluster to name at all (no kubeconfig, no context): a usage error.
    // A named cluster that could not be read is reported like any other input
    // error, so `-o json` still prints a report with errors[].
    if scan.clusters.is_empty() {
        if let [only] = scan.errors.as_slice() {
            if only.context.is_empty() {
                return Err(CliError::new(only.message.clone())
                    .hint("check manifests with -f PATH (or -f - for stdin), or choose a cluster with --kubeconfig / --context"));
            }
        }
    }
    let mut out = LiveBatches {
        batches: Vec::new(),
        errors: Vec::new(),
        degraded: BTreeSet::new(),
    };
    for e in scan.errors {
        out.errors.push(InputError {
            file: e.place(),
            document: None,
            line: None,
            message: e.message,
        });
    }
    for cluster in scan.clusters {
        let mut unavailable: BTreeSet<String> = BTreeSet::new();
        for f in &cluster.forbidden {
            unavailable.insert(f.kind.clone());
        }
        for entry in &cluster.incomplete {
            let kind = entry.split(':').next().unwrap_or(entry).trim().to_string();
            out.errors.push(InputError {
                file: format!("context {:?}", cluster.context),
                document: None,
                line: None,
                message: format!("listing was incomplete: {entry}"),
            });
            unavailable.insert(kind);
        }
        let degraded: Vec<&str> = bundle
            .rules
            .iter()
            .filter(|r| r.meta.kinds.iter().any(|k| unavailable.contains(k)))
            .map(|r| r.meta.id.as_str())
            .collect();
        for f in &cluster.forbidden {
            diag::warning(&format!(
                "context {:?}: forbidden to {}; rules reading {} are degraded. Grant the permissions in examples/rbac.yaml",
                cluster.context,
                f.permission(),
                f.kind
            ));
        }
        out.degraded
            .extend(degraded.iter().map(|s| (*s).to_string()));
        let file: Arc<str> = Arc::from(format!("cluster:{}", cluster.context));
        crate::redact::learn(&cluster.objects);
        let manifests = cluster
            .objects
            .into_iter()
            .map(|value| Manifest {
                value,
                origin: Origin {
                    file: file.clone(),
                    document: 0,
                    line: 0,
                    item: None,
                    span: Span::default(),
                },
            })
            .collect();
        out.batches.push(Batch {
            loaded: Loaded {
                manifests,
                ..Loaded::default()
            },
            cluster: Some(cluster.context),
            inventory_complete: cluster.inventory_complete,
            context: Vec::new(),
        });
    }
    Ok(out)
}

/// With `-f`, the cluster flags select nothing: rather than ignore them
/// silently, name them and say what to do instead.
pub fn reject_cluster_flags_offline(args: &ClusterArgs) -> Result<(), CliError> {
    let given: Vec<&str> = [
        (args.namespace.is_some(), "-n/--namespace"),
        (args.all_namespaces, "-A/--all-namespaces"),
        (args.selector.is_some(), "-l/--selector"),
        (!args.contexts.is_empty(), "--context"),
        (args.all_contexts, "--all-contexts"),
        (args.kubeconfig.is_some(), "--kubeconfig"),
        (args.request_timeout.is_some(), "--request-timeout"),
    ]
    .into_iter()
    .filter_map(|(set, flag)| set.then_some(flag))
    .collect();
    if given.is_empty() {
        return Ok(());
    }
    Err(CliError::new(format!(
        "{} select what is read from a cluster, and -f reads files: they cannot be combined",
        given.join(", ")
    ))
    .hint("check every object in the files (ServiceAccounts and Secrets in other namespaces are needed as context), or drop -f to read the cluster"))
}

/// kubectl's --request-timeout: "0" (none), a bare number of seconds, or a
/// duration such as 30s, 2m, 1h, 500ms.
fn parse_timeout(text: &str) -> Result<Option<std::time::Duration>, CliError> {
    use std::time::Duration;
    let bad = || {
        CliError::new(format!("invalid --request-timeout {text:?}"))
            .hint("use a duration such as 30s, 2m or 1h, or 0 for none")
    };
    let t = text.trim();
    let (number, unit) = match t.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, "s"),
    };
    let n: f64 = number.parse().map_err(|_| bad())?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(bad()),
    };
    Ok((secs > 0.0).then(|| Duration::from_secs_f64(secs)))
}

#[cfg(test)]
mod tests {
    use super::parse_timeout;
    use std::time::Duration;

    #[test]
    fn timeouts_parse_like_kubectl() {
        assert_eq!(parse_timeout("30s").unwrap(), Some(Duration::from_secs(30)));
        assert_eq!(parse_timeout("2m").unwrap(), Some(Duration::from_secs(120)));
        assert_eq!(parse_timeout("5").unwrap(), Some(Duration::from_secs(5)));
        assert_eq!(
            parse_timeout("500ms").unwrap(),
            Some(Duration::from_millis(500))
        );
        assert_eq!(parse_timeout("0").unwrap(), None);
        assert!(parse_timeout("soon").is_err());
    }
}
