//! Hostile input yields an error within the deadline, never a hang or a crash.
use podauth_wasm::{CodeCache, Limits, WasmEngine, MODULE};
use std::time::{Duration, Instant};

fn engine(timeout: Duration) -> WasmEngine {
    let limits = Limits {
        timeout,
        max_memory_bytes: 256 << 20,
    };
    WasmEngine::with_module(MODULE, limits, &CodeCache::Default).expect("engine")
}

#[test]
fn deeply_nested_input_is_an_error() {
    // A deadline this long only catches a hang; the error must be the parser's.
    let wasm = engine(Duration::from_secs(300));
    let depth = 100_000;
    let input = format!(
        "{{\"objects\":[{}{}]}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let err = wasm
        .evaluate_findings(&input)
        .expect_err("nesting this deep must be refused");
    assert!(format!("{err:#}").contains("not valid JSON"), "{err:#}");
    // The engine recovers: a fresh instance serves the next request.
    let ok = wasm
        .evaluate_findings(r#"{"objects":[],"context":[],"parameters":{}}"#)
        .expect("recovers");
    assert_eq!(ok["findings"], serde_json::json!([]));
}

#[test]
fn work_past_the_deadline_is_interrupted() {
    let timeout = Duration::from_millis(300);
    let wasm = engine(timeout);
    // Many pods with many env vars: far more than 300 ms of policy work.
    let env: Vec<String> = (0..200)
        .map(|i| format!(r#"{{"name":"AWS_SECRET_ACCESS_KEY_{i}","value":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY{i}"}}"#))
        .collect();
    let pod = |i: usize| {
        format!(
            r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p{i}","namespace":"n"}},"spec":{{"containers":[{{"name":"c","image":"i","env":[{}]}}]}}}}"#,
            env.join(",")
        )
    };
    let pods: Vec<String> = (0..3000).map(pod).collect();
    let input = format!(
        r#"{{"objects":[{}],"context":[],"parameters":{{}}}}"#,
        pods.join(",")
    );
    let started = Instant::now();
    let err = wasm
        .evaluate_findings(&input)
        .expect_err("must not finish in 300 ms");
    let elapsed = started.elapsed();
    let msg = format!("{err:#}");
    assert!(msg.contains("deadline") || msg.contains("memory"), "{msg}");
    // Only a hang-catcher: the message above says the deadline stopped it.
    assert!(elapsed < Duration::from_secs(300), "took {elapsed:?}");
}

#[test]
fn input_past_the_memory_cap_is_an_error() {
    let wasm = engine(Duration::from_secs(30));
    let big = format!(
        r#"{{"objects":[],"context":[],"parameters":{{"x":"{}"}}}}"#,
        "a".repeat(300 << 20)
    );
    let err = wasm
        .evaluate_findings(&big)
        .expect_err("300 MiB of input exceeds a 256 MiB cap");
    assert!(format!("{err:#}").contains("memory"), "{err:#}");
}
