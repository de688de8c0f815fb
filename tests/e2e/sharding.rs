//! The sharded evaluation path (issue 20). Native evaluation splits large
//! inputs by namespace and remaps each shard's `ref`s; the Wasm engine never
//! shards. A generated estate with cross-namespace lookups must give one
//! byte-identical report on the sharded path, the single path and in Wasm, with
//! exactly the findings the generator planted.
use crate::corpus;
use crate::support::*;
use std::collections::BTreeMap;

/// `PODAUTH_SHARD_MIN_OBJECTS` (policies/src/engine.rs): a threshold, or `off`.
const SHARD_KNOB: &str = "PODAUTH_SHARD_MIN_OBJECTS";

fn check(path: &str, engine: &str, shard_min_objects: &str) -> Run {
    podauth_with(
        &["check", "-f", path, "-o", "json", "--engine", engine],
        None,
        &[(SHARD_KNOB, shard_min_objects)],
    )
}

fn count_by_rule(run: &Run) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for rule in run.rules() {
        *counts.entry(rule).or_default() += 1;
    }
    counts
}

/// 5k objects over about 120 namespaces: the smallest estate that still has
/// every planted cross-namespace case several times over.
#[test]
fn a_generated_estate_gives_one_report_sharded_single_and_in_wasm() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus::generate(dir.path(), 5_000, 20).unwrap();
    let path = dir.path().to_str().unwrap();

    // Under the default 2,000 threshold too, but the knob guarantees two or
    // more shards even on a one-core machine.
    let sharded = check(path, "native", "1000");
    assert_eq!(sharded.code, 1, "{}", sharded.stderr);
    let report = sharded.json();
    assert_eq!(report["summary"]["objectsRead"], corpus.objects);
    assert_eq!(report["summary"]["errors"], 0, "{}", sharded.stderr);

    let planted: BTreeMap<String, usize> = corpus
        .planted
        .iter()
        .map(|(rule, n)| (rule.to_string(), *n))
        .collect();
    assert!(
        planted.len() >= 10 && planted.values().all(|n| *n >= 3),
        "the estate plants every case several times: {planted:?}"
    );
    assert_eq!(
        count_by_rule(&sharded),
        planted,
        "findings per rule (left) differ from what the generator planted (right)"
    );

    let single = check(path, "native", "off");
    assert_eq!(single.code, 1, "{}", single.stderr);
    assert!(
        single.stdout == sharded.stdout,
        "the sharded and the single evaluation differ; per rule: sharded {:?}, single {:?}",
        count_by_rule(&sharded),
        count_by_rule(&single)
    );
    let wasm = check(path, "wasm", "off");
    assert_eq!(wasm.code, 1, "{}", wasm.stderr);
    assert!(
        wasm.stdout == single.stdout,
        "the Wasm engine and the native engine differ; per rule: wasm {:?}, native {:?}",
        count_by_rule(&wasm),
        count_by_rule(&single)
    );
}

/// With the knob at 1, even the bundled examples and every rule example are
/// split into shards: findings, workloads and their order stay the same.
#[test]
fn small_fixtures_give_the_same_report_sharded() {
    for path in ["examples/", "policies/rules/"] {
        let sharded = check(path, "native", "1");
        let single = check(path, "native", "off");
        assert_eq!(sharded.code, 1, "{path}: {}", sharded.stderr);
        assert!(
            sharded.json()["findings"].as_array().unwrap().len() > 8,
            "{path}"
        );
        assert!(
            sharded.stdout == single.stdout,
            "{path}: sharded and single reports differ"
        );
    }
}

#[test]
fn a_malformed_shard_knob_is_an_error_not_a_silent_default() {
    let run = check("examples/", "native", "many");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(SHARD_KNOB), "{}", run.stderr);
}
