//! The `opa-bundle` target: a `.tar.gz` OPA loads with `opa run --bundle` and
//! the OPA SDKs load through `/policy.wasm`.
use anyhow::Result;
use podauth_policies::{aggregate_module, Bundle, AGGREGATE_PATH};
use serde_json::{json, Value};

/// The bundle's only root: every package is under `podauth`.
pub const ROOT: &str = "podauth";

/// `/.manifest`: the revision, the `podauth` root, and one `wasm` resolver per
/// entrypoint of `/policy.wasm`.
pub fn manifest() -> Value {
    json!({
        "revision": format!("podauth-{}", env!("CARGO_PKG_VERSION")),
        "roots": [ROOT],
        "rego_version": 1,
        "wasm": podauth_wasm::CANONICAL_ENTRYPOINTS
            .iter()
            .map(|e| json!({"entrypoint": e, "module": "/policy.wasm"}))
            .collect::<Vec<_>>(),
    })
}

/// Every file of the bundle, in archive order: `.manifest`, `policy.wasm`,
/// then the Rego sources (libraries, rules, and the generated aggregation
/// module; no tests).
pub fn files(bundle: &Bundle) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = vec![
        (
            ".manifest".to_string(),
            serde_json::to_vec_pretty(&manifest())?,
        ),
        ("policy.wasm".to_string(), podauth_wasm::MODULE.to_vec()),
    ];
    let mut sources: Vec<(String, Vec<u8>)> = bundle
        .modules()
        .map(|f| (f.path.clone(), f.text.clone().into_bytes()))
        .collect();
    let ids: Vec<&str> = bundle.rules.iter().map(|r| r.meta.id.as_str()).collect();
    sources.push((
        AGGREGATE_PATH.to_string(),
        aggregate_module(&ids).into_bytes(),
    ));
    sources.sort();
    files.extend(sources);
    Ok(files)
}

/// The gzipped tar: fixed modes, owners and timestamps, so it is
/// byte-identical for the same library.
pub fn archive(bundle: &Bundle) -> Result<Vec<u8>> {
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    for (path, bytes) in files(bundle)? {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, &path, bytes.as_slice())?;
    }
    Ok(tar.into_inner()?.finish()?)
}
