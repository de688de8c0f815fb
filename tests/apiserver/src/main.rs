//! `podauth-test-apiserver`: serves a fixture scenario (and, with `--pods N`,
//! a generated estate of N varied pods) on 127.0.0.1 for manual use with
//! kubectl or kubectl-podauth, and writes a kubeconfig for it.
//!
//! ```text
//! podauth-test-apiserver --fixtures tests/apiserver/fixtures/mixed --port 6443 --kubeconfig /tmp/kc
//! podauth-test-apiserver --pods 10000 --kubeconfig /tmp/kc
//! kubectl --kubeconfig /tmp/kc get pods -A
//! ```
//!
//! With `--control-stdin` (what `cargo xtask bench --live` uses) it prints one
//! `ready {"url":..,"kubeconfig":..,"objects":N,"pods":N}` line once serving,
//! then reads commands from stdin: `requests` prints the requests received
//! since the last `requests` as one JSON line (`[{"method":..,"uri":..}]`);
//! end of input stops the server.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use clap::{Parser, ValueEnum};
use podauth_test_apiserver::{write_kubeconfig, ApiServer, Scenario, UserAuth, TOKEN};
use serde_json::json;
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Auth {
    /// Bearer token
    Token,
    /// Client certificate signed by the generated CA
    ClientCert,
}

/// A local Kubernetes API server serving fixtures (TLS, discovery, paging, RBAC, faults)
#[derive(Debug, Parser)]
#[command(name = "podauth-test-apiserver")]
struct Args {
    /// Scenario directory: API JSON objects or Lists, plus an optional scenario.json
    #[arg(long, value_name = "DIR", required_unless_present = "pods")]
    fixtures: Option<PathBuf>,

    /// Also serve a generated estate of N varied pods in team namespaces of 100, with
    /// their Namespaces, ServiceAccounts (some on IRSA), ConfigMaps and Secrets
    #[arg(long, value_name = "N")]
    pods: Option<usize>,

    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Where to write the kubeconfig
    #[arg(long, value_name = "PATH")]
    kubeconfig: Option<PathBuf>,

    /// How the kubeconfig's user authenticates
    #[arg(long, value_enum, default_value_t = Auth::Token)]
    auth: Auth,

    /// Context (and cluster and user) name in the kubeconfig
    #[arg(long, default_value = "podauth-test")]
    context: String,

    /// Print a `ready {json}` line, answer `requests` on stdin, stop at end of input
    #[arg(long)]
    control_stdin: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut scenario = match &args.fixtures {
        Some(dir) => Scenario::from_dir(dir)?,
        None => Scenario::default(),
    };
    let pods = args.pods.unwrap_or(0);
    scenario.estate_pods += pods;
    let server = ApiServer::start_on(scenario, args.port)?;
    let auth = match args.auth {
        Auth::Token => UserAuth::Token(TOKEN.into()),
        Auth::ClientCert => UserAuth::ClientCert,
    };
    let path = args.kubeconfig.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!(
            "podauth-test-apiserver-{}.kubeconfig",
            server.addr.port()
        ))
    });
    write_kubeconfig(&path, &[server.context(&args.context, auth)])?;

    if args.control_stdin {
        let ready = json!({
            "url": server.url(),
            "kubeconfig": path,
            "objects": server.object_count(),
            "pods": pods,
        });
        let mut out = std::io::stdout().lock();
        writeln!(out, "ready {ready}")?;
        out.flush()?;
        for line in std::io::stdin().lock().lines() {
            match line?.trim() {
                "requests" => {
                    let log: Vec<_> = server
                        .take_requests()
                        .into_iter()
                        .map(|r| json!({"method": r.method, "uri": r.uri}))
                        .collect();
                    writeln!(out, "{}", serde_json::Value::Array(log))?;
                    out.flush()?;
                }
                "" => {}
                other => eprintln!("unknown command {other:?} (known: requests)"),
            }
        }
        return Ok(());
    }

    let what = match (&args.fixtures, pods) {
        (Some(dir), 0) => dir.display().to_string(),
        (Some(dir), n) => format!("{} and {n} generated pods", dir.display()),
        (None, n) => format!("{n} generated pods"),
    };
    println!(
        "serving {what} ({} objects) on {}",
        server.object_count(),
        server.url()
    );
    println!("kubeconfig: {}", path.display());
    println!("try: kubectl --kubeconfig {} get pods -A", path.display());
    loop {
        std::thread::park();
    }
}
