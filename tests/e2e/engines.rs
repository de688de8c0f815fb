//! `--engine wasm` (the embedded OPA-ABI module in wasmtime) gives
//! byte-identical JSON to `--engine native` on every example and fixture.
use crate::support::*;

fn inputs() -> Vec<String> {
    let mut paths = vec!["examples/".to_string()];
    paths.extend(
        rule_examples()
            .into_iter()
            .map(|(_, f)| f.strip_prefix(root()).unwrap().display().to_string()),
    );
    paths
}

#[test]
fn wasm_and_native_engines_agree_byte_for_byte() {
    let mut compared = 0;
    let mut with_findings = 0;
    for path in inputs() {
        let args = |engine: &'static str| {
            vec![
                "check",
                "-f",
                path.as_str(),
                "-o",
                "json",
                "--account-id",
                "111122223333",
                "--engine",
                engine,
            ]
        };
        let native = podauth(&args("native"));
        let wasm = podauth(&args("wasm"));
        assert_eq!(
            native.code, wasm.code,
            "{path}: exit codes differ: {}",
            wasm.stderr
        );
        assert_eq!(native.stdout, wasm.stdout, "{path}: reports differ");
        compared += 1;
        with_findings += usize::from(native.json()["summary"]["findings"].as_u64().unwrap() > 0);
    }
    assert!(compared > 40, "compared {compared}");
    assert!(
        with_findings > 20,
        "only {with_findings} inputs had findings"
    );
}

#[test]
fn wasm_engine_honours_selection_and_refuses_custom_policies() {
    let run = check_json("examples/", &["--engine", "wasm", "--select", "PA501"]);
    assert_eq!(run.rules().iter().filter(|r| *r != "PA501").count(), 0);
    assert!(!run.rules().is_empty());
    let dir = tree(&[("p/x.rego", "package x\n")]);
    let run = podauth(&[
        "check",
        "-f",
        "examples/",
        "--engine",
        "wasm",
        "--policy",
        dir.path().join("p").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot load --policy"),
        "{}",
        run.stderr
    );
}
