//! Every rule's bad examples produce a finding of that rule, and its good
//! examples none, through the real binary (trivy-checks' integration contract).
//! Every finding of every bad example (rule, object, path, line, message) is
//! pinned in tests/golden/rule-findings.txt, a snapshot reviewed by hand: the
//! independent oracle for each rule. When a rule or an example changes on
//! purpose, regenerate with `PODAUTH_BLESS=1 cargo test -p kubectl-podauth
//! --test e2e bad_examples` and review the diff line by line.
use crate::support::*;

pub const SNAPSHOT: &str = "tests/golden/rule-findings.txt";

/// One finding as the snapshot pins it: `RULE kind/namespace/name line N path`,
/// then the message on its own line.
fn snapshot_entry(f: &serde_json::Value) -> String {
    format!(
        "  {} {}/{}/{} line {} {}\n      {}\n",
        f["rule"].as_str().unwrap(),
        f["resource"]["kind"].as_str().unwrap(),
        f["resource"]["namespace"].as_str().unwrap_or("-"),
        f["resource"]["name"].as_str().unwrap(),
        f["source"]["line"],
        f["path"].as_str().unwrap(),
        f["message"].as_str().unwrap()
    )
}

/// The snapshot: per bad example, (rule, kind, namespace, name) → findings.
pub fn snapshot_counts() -> std::collections::BTreeMap<(String, String), usize> {
    let text = std::fs::read_to_string(root().join(SNAPSHOT)).unwrap();
    let mut counts = std::collections::BTreeMap::new();
    let mut file = String::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("== ") {
            file = name.to_string();
        } else if let Some(entry) = line.strip_prefix("  ") {
            if entry.starts_with(' ') {
                continue; // a message
            }
            let mut words = entry.split(' ');
            let rule = words.next().unwrap();
            let object = words.next().unwrap();
            *counts
                .entry((format!("{file} {object}"), rule.to_string()))
                .or_default() += 1;
        }
    }
    counts
}

#[test]
fn bad_examples_fire_and_good_examples_do_not() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut snapshot = String::from("# Every finding of every rule's bad examples (check -f FILE --account-id 111122223333).\n# Reviewed by hand; see tests/e2e/rule_examples.rs.\n");
    for (id, file) in rule_examples() {
        let name = file.file_name().unwrap().to_str().unwrap().to_string();
        let bad = name.starts_with("bad");
        let run = podauth(&[
            "check",
            "-f",
            file.to_str().unwrap(),
            "-o",
            "json",
            "--account-id",
            "111122223333",
        ]);
        if run.code == 2 {
            failures.push(format!("{id}/{name}: input error: {}", run.stderr));
            continue;
        }
        if bad {
            let rel = file.strip_prefix(root()).unwrap().display().to_string();
            snapshot.push_str(&format!("== {rel}\n"));
            for f in run.json()["findings"].as_array().unwrap() {
                snapshot.push_str(&snapshot_entry(f));
            }
        }
        let hits = run.rules().iter().filter(|r| **r == id).count();
        if bad && hits == 0 {
            failures.push(format!(
                "{id}/{name}: expected a {id} finding, got {:?}",
                run.rules()
            ));
        }
        if !bad && hits > 0 {
            failures.push(format!("{id}/{name}: expected no {id} finding, got {hits}"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 6, "examples found: {checked}");
    let path = root().join(SNAPSHOT);
    if std::env::var_os("PODAUTH_BLESS").is_some() {
        std::fs::write(&path, &snapshot).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; bless first", path.display()));
    if want != snapshot {
        let diff: Vec<String> = diff_lines(&want, &snapshot);
        panic!(
            "bad-example findings differ from {SNAPSHOT} (- snapshot, + now); if intended, rerun with PODAUTH_BLESS=1 and review:\n{}",
            diff.join("\n")
        );
    }
}

/// Lines only in `want` (-) or only in `got` (+), in order.
fn diff_lines(want: &str, got: &str) -> Vec<String> {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let mut out: Vec<String> = w
        .iter()
        .filter(|l| !g.contains(l))
        .map(|l| format!("-{l}"))
        .collect();
    out.extend(g.iter().filter(|l| !w.contains(l)).map(|l| format!("+{l}")));
    out
}
