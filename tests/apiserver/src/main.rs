//! `podauth-test-apiserver`: serves a fixture scenario on 127.0.0.1 for manual
//! use with kubectl or kubectl-podauth, and writes a kubeconfig for it.
//!
//! ```text
//! podauth-test-apiserver --fixtures tests/apiserver/fixtures/mixed --port 6443 --kubeconfig /tmp/kc
//! kubectl --kubeconfig /tmp/kc get pods -A
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use clap::{Parser, ValueEnum};
use podauth_test_apiserver::{write_kubeconfig, ApiServer, Scenario, UserAuth, TOKEN};
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
    #[arg(long, value_name = "DIR")]
    fixtures: PathBuf,

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
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let scenario = Scenario::from_dir(&args.fixtures)?;
    let server = ApiServer::start_on(scenario, args.port)?;
    let auth = match args.auth {
        Auth::Token => UserAuth::Token(TOKEN.into()),
        Auth::ClientCert => UserAuth::ClientCert,
    };
    let path = args.kubeconfig.unwrap_or_else(|| {
        std::env::temp_dir().join(format!(
            "podauth-test-apiserver-{}.kubeconfig",
            server.addr.port()
        ))
    });
    write_kubeconfig(&path, &[server.context(&args.context, auth)])?;
    println!("serving {} on {}", args.fixtures.display(), server.url());
    println!("kubeconfig: {}", path.display());
    println!("try: kubectl --kubeconfig {} get pods -A", path.display());
    loop {
        std::thread::park();
    }
}
