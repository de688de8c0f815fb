//! Arbitrary names and objects through the migration writer `migrate -o` uses:
//! a plan (migrations, ServiceAccount patches and creations, roles, Pod
//! Identity associations) is built from the input's strings, rendered
//! (`migrate::render`) over objects that carry a planted access key id in
//! args, command, env, annotations and labels, and written to a scratch
//! directory (`migrate::safe_paths::write_files`). Must hold: no panic, every
//! rendered path is a safe relative path, every file lands inside the output
//! directory, and the planted key id never appears unmasked.
//!
//! Like `loader`, the CLI's modules are compiled in with `#[path]`
//! (`migrate/`, `redact`, `credentials`, `terminal`, the YAML printer) rather
//! than linking the whole CLI.
#![no_main]

#[allow(dead_code)]
#[path = "../../cli/src/credentials.rs"]
mod credentials;

#[allow(dead_code)]
#[path = "../../cli/src/redact.rs"]
mod redact;

#[allow(dead_code)]
#[path = "../../cli/src/terminal.rs"]
mod terminal;

// At the top level: a `#[path]` inside an inline module resolves through a
// `fuzz_targets/printers/` directory that does not exist.
#[allow(dead_code)]
#[path = "../../cli/src/printers/structured.rs"]
mod structured;

mod printers {
    pub use super::structured::write_yaml;
}

#[allow(dead_code)]
#[path = "../../cli/src/migrate/mod.rs"]
mod migrate;

use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

const KEY_ID: &str = "AKIAFUZZ0CANARY12345";

/// The input split into short strings (names, kinds, role names...).
fn pieces(data: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(data)
        .split('\u{1}')
        .map(|s| s.chars().take(80).collect())
        .collect()
}

fn workload(kind: &str, name: &str, ns: &str, sa: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": kind,
        "metadata": {"name": name, "namespace": ns,
            "labels": {"app": name, "leak": KEY_ID},
            "annotations": {"iam.amazonaws.com/role": name, "note": format!("k={KEY_ID}")}},
        "spec": {"template": {"spec": {"serviceAccountName": sa, "containers": [{
            "name": "c", "image": format!("example.com/{name}:1"),
            "args": [format!("--aws-secret-access-key={KEY_ID}"), "--aws-secret-access-key", KEY_ID],
            "command": ["sh", "-c", format!("AWS_ACCESS_KEY_ID={KEY_ID} aws s3 ls")],
            "env": [{"name": "AWS_ACCESS_KEY_ID", "value": KEY_ID}]
        }]}}}
    })
}

fuzz_target!(|data: &[u8]| {
    let p = pieces(data);
    let at = |i: usize| p.get(i % p.len().max(1)).cloned().unwrap_or_default();
    let (ns, kind, name, sa, role) = (at(0), at(1), at(2), at(3), at(4));
    let objects = vec![
        workload(&kind, &name, &ns, &sa),
        json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": sa, "namespace": ns, "annotations": {"x": KEY_ID}}}),
    ];
    redact::learn(&objects);
    let role_arn = format!("arn:aws:iam::111122223333:role/{role}");
    let plan = json!({
        "parameters": {"account_id": "111122223333", "cluster_name": at(5), "region": at(6),
            "oidc_provider": at(7), "role_name_template": at(8)},
        "migrations": [{"namespace": ns, "kind": kind, "name": name, "ref": 0,
            "from": "kube2iam-kiam", "to": "irsa", "path": at(9),
            "patch": {"metadata": {"name": name}},
            "service_account": {"to": sa, "action": "patch"},
            "role": {"name": role, "arn": role_arn, "copy_from": {"description": at(10)}},
            "removed_env": [{"name": "AWS_ACCESS_KEY_ID", "container": "c", "source": KEY_ID}],
            "steps": [at(11)], "manual": [at(12)], "risks": [at(13)]}],
        "service_account_patches": [{"metadata": {"name": sa, "namespace": ns}}],
        "service_accounts": [{"metadata": {"name": at(14), "namespace": at(15)}}],
        "roles": [{"name": role, "to": "irsa", "trust_policy": {}, "reuse": data.len() % 2 == 0,
            "copy_from": [at(16)]}],
        "associations": [{"cluster_name": at(5), "namespace": ns, "service_account": sa,
            "role_arn": role_arn, "ack": {}}],
        "skipped": [{"namespace": ns, "kind": kind, "name": name, "from": "x", "reason": at(17)}],
    });
    let refs: Vec<&Value> = objects.iter().collect();
    let files = migrate::render(&plan, &refs);
    for rel in files.keys() {
        assert!(migrate::safe_paths::safe_relative(rel), "unsafe path {rel:?}");
    }
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    std::fs::create_dir(&out).unwrap();
    migrate::safe_paths::write_files(&out, &files).unwrap();
    for entry in walkdir::WalkDir::new(root.path()) {
        let entry = entry.unwrap();
        if entry.file_type().is_dir() {
            continue;
        }
        assert!(entry.path().starts_with(&out), "{} outside -o", entry.path().display());
        let text = std::fs::read_to_string(entry.path()).unwrap();
        assert!(!text.contains(KEY_ID), "{} leaks the key id", entry.path().display());
    }
});
