//! Arbitrary bytes through the manifest loader `check -f` uses: read as a
//! file, then as stdin (`-f -`), then every object's fields are located again
//! as a finding's would be. Errors are expected; a panic is a bug.
//!
//! The loader is the CLI's own source (`cli/src/manifest/`, and the
//! `timings` module it reports phases to), compiled into this target rather
//! than linked through the `kubectl-podauth` crate: the module needs nothing
//! else from the CLI, and leaving out the CLI's Kubernetes client, TLS and
//! async stack (and the Wasm host, for this target) keeps the CI fuzz build
//! within its time budget. If the module starts using another `crate::`
//! module, add it here the same way.
#![no_main]

#[allow(dead_code)]
#[path = "../../cli/src/timings.rs"]
mod timings;

#[allow(dead_code)]
#[path = "../../cli/src/manifest/mod.rs"]
mod manifest;

use libfuzzer_sys::fuzz_target;
use manifest::{Limits, Loaded, Source};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

/// The kinds the embedded rules read, as `check` filters them.
static KINDS: LazyLock<BTreeSet<String>> = LazyLock::new(|| {
    podauth_policies::Bundle::embedded()
        .supported_kinds()
        .into_iter()
        .map(str::to_owned)
        .collect()
});

/// One unlinked scratch file holding the current input. It is also the
/// process's stdin (fd 0 is a dup of it, sharing the file offset), and is read
/// as a named file through `/proc/self/fd/N`. Nothing is left on disk.
struct Scratch {
    file: File,
    path: PathBuf,
}

static SCRATCH: LazyLock<Mutex<Scratch>> = LazyLock::new(|| {
    let file = tempfile::tempfile().expect("scratch file");
    // SAFETY: both descriptors are valid; fd 0 is replaced for this process only.
    let rc = unsafe { libc::dup2(file.as_raw_fd(), 0) };
    assert!(rc == 0, "dup2 onto stdin failed");
    let path = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
    Mutex::new(Scratch { file, path })
});

fuzz_target!(|data: &[u8]| {
    let mut scratch = SCRATCH.lock().unwrap_or_else(|e| e.into_inner());
    scratch.file.set_len(0).expect("truncate scratch");
    scratch.file.write_all_at(data, 0).expect("write scratch");
    let is_supported = |k: &str| KINDS.contains(k);

    // `check -f FILE` with the default limits.
    let loaded = manifest::load(
        &[Source::Path(scratch.path.clone())],
        &Limits::default(),
        &is_supported,
    );
    exercise(&loaded);

    // `check -f -`: the stdin reader, with tight limits so the size, depth
    // and alias limits are reached by small inputs too.
    scratch.file.seek(SeekFrom::Start(0)).expect("rewind stdin");
    let tight = Limits {
        max_file_bytes: 2048,
        max_depth: 8,
        max_alias_nodes: 64,
        max_alias_bytes: 4096,
    };
    let loaded = manifest::load(&[Source::Stdin], &tight, &is_supported);
    exercise(&loaded);

    // Straight to the parser, bypassing the readers (lossy for non-UTF-8).
    let text = String::from_utf8_lossy(data);
    let loaded = manifest::parse_text("-", &text, &Limits::default(), &|_| true);
    exercise(&loaded);
});

/// What the report does with a loaded file: print its errors, and locate the
/// line of fields of each object (every leaf path, as findings name them).
fn exercise(loaded: &Loaded) {
    for e in &loaded.errors {
        let _ = e.to_string();
    }
    for m in &loaded.manifests {
        let mut paths = Vec::new();
        leaf_paths(&m.value, String::new(), &mut paths);
        paths.push("spec.template.spec.containers[0].env[0].value".into());
        paths.push(r#"metadata.annotations["eks.amazonaws.com/role-arn"]"#.into());
        paths.push("no.such[3].field".into());
        paths.push(r#"["unterminated"#.into());
        for path in &paths {
            let line = loaded.line_of(&m.origin, path);
            assert!(line >= 1, "line {line} for {path:?}");
        }
    }
}

const MAX_PATHS: usize = 64;

/// Paths to leaves in the finding syntax: `a.b[0]["x.y"]`.
fn leaf_paths(v: &Value, prefix: String, out: &mut Vec<String>) {
    if out.len() >= MAX_PATHS {
        return;
    }
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, child) in map {
                let simple = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                let path = if simple && prefix.is_empty() {
                    k.clone()
                } else if simple {
                    format!("{prefix}.{k}")
                } else {
                    let escaped = k.replace('\\', "\\\\").replace('"', "\\\"");
                    format!("{prefix}[\"{escaped}\"]")
                };
                leaf_paths(child, path, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, child) in items.iter().enumerate() {
                leaf_paths(child, format!("{prefix}[{i}]"), out);
            }
        }
        _ => out.push(prefix),
    }
}
