//! Drives the module through `@open-policy-agent/opa-wasm`, the npm SDK, under
//! Node.js (`tests/node/evaluate.mjs`). The interoperability tests and the
//! OPA-bundle export test share this one runner.
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The npm project holding the SDK (`npm ci --prefix wasm/host/tests/node`).
pub fn node_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node")
}

/// Loads `wasm` with `loadPolicy` and evaluates each job
/// (`{"entrypoint", "input", "data"}`) in order. Returns the script's report:
/// `{"abi", "entrypoints", "results": [<result set>, ...]}`.
pub fn evaluate(label: &str, wasm: &[u8], jobs: &[Value]) -> Result<Value> {
    let dir = node_dir();
    if !dir
        .join("node_modules/@open-policy-agent/opa-wasm")
        .is_dir()
    {
        bail!("the npm host is not installed: run `npm ci --prefix wasm/host/tests/node`");
    }
    let tmp = std::env::temp_dir().join(format!("podauth-npm-{}-{label}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let module = tmp.join("policy.wasm");
    let jobs_file = tmp.join("jobs.json");
    std::fs::write(&module, wasm)?;
    std::fs::write(&jobs_file, serde_json::to_vec(jobs)?)?;
    let out = Command::new("node")
        .arg(dir.join("evaluate.mjs"))
        .arg(&module)
        .arg(&jobs_file)
        .output()
        .context("running node (Node.js 20 is required)");
    let _ = std::fs::remove_dir_all(&tmp);
    let out = out?;
    if !out.status.success() {
        bail!("node failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let report: Value = serde_json::from_slice(&out.stdout).context("node prints JSON")?;
    let results = report["results"].as_array().map_or(0, Vec::len);
    if results != jobs.len() {
        bail!("node returned {results} results for {} jobs", jobs.len());
    }
    Ok(report)
}
