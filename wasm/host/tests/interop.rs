//! Hosts nobody here wrote load the module as it is and return the native
//! engine's answers: the `opa-wasm` crate (wasmtime) and the npm package
//! `@open-policy-agent/opa-wasm` under Node.js, each on the `opa_eval` fast
//! path and, with the ABI minor version forced to 1, on the legacy ctx path.
mod common;

use serde_json::{json, Value};

/// (entrypoint, input, data, expected result set) for the examples, plus a
/// Gatekeeper-shaped request.
fn jobs() -> Vec<(String, Value, Value, Value)> {
    let native = common::native_engine();
    let mut out = Vec::new();
    for (name, objects) in common::examples() {
        if !(name.contains("examples/") || name.contains("/bad")) {
            continue;
        }
        let input = common::input_document(&objects).to_json().unwrap();
        let want: Value = serde_json::from_str(&format!(
            "[{{\"result\":{}}}]",
            common::native_findings_json(&native, &input)
        ))
        .unwrap();
        out.push((
            podauth_wasm::FINDINGS.to_string(),
            serde_json::from_str(&input).unwrap(),
            json!({}),
            want,
        ));
    }
    let bad = common::objects_of(
        &std::fs::read_to_string(
            common::repo_root().join("examples/payments/settlement-report.yaml"),
        )
        .unwrap(),
    );
    let cronjob = bad.iter().find(|o| o["kind"] == "CronJob").unwrap().clone();
    let input =
        json!({"parameters": {}, "review": {"uid": "1", "operation": "CREATE", "object": cronjob}});
    let mut engine = native.clone();
    engine.set_input_json(&input.to_string()).unwrap();
    let v = engine
        .eval_rule("data.podauth.gatekeeper.violation".into())
        .unwrap();
    let want =
        json!([{"result": serde_json::from_str::<Value>(&v.to_json_str().unwrap()).unwrap()}]);
    assert!(
        !want[0]["result"].as_array().unwrap().is_empty(),
        "the CronJob must violate"
    );
    out.push((
        podauth_wasm::GATEKEEPER_VIOLATION.into(),
        input,
        json!({}),
        want,
    ));
    out
}

async fn run_opa_wasm_crate(wasm: &[u8]) -> (opa_wasm::AbiVersion, Vec<(Value, Value)>) {
    let engine = wasmtime::Engine::new(&wasmtime::Config::new()).unwrap();
    let module = wasmtime::Module::new(&engine, wasm).unwrap();
    let mut store = wasmtime::Store::new(&engine, ());
    let runtime = opa_wasm::Runtime::new(&mut store, &module)
        .await
        .expect("opa-wasm loads the module");
    let abi = runtime.abi_version();
    let entrypoints = runtime.entrypoints();
    for e in podauth_wasm::CANONICAL_ENTRYPOINTS {
        assert!(
            entrypoints.contains(e),
            "missing entrypoint {e}: {entrypoints:?}"
        );
    }
    assert_eq!(runtime.default_entrypoint(), Some(podauth_wasm::FINDINGS));
    let policy = runtime.without_data(&mut store).await.unwrap();
    let mut pairs = Vec::new();
    for (entrypoint, input, _data, want) in jobs() {
        let got: Value = policy
            .evaluate(&mut store, &entrypoint, &input)
            .await
            .expect("evaluates");
        pairs.push((got, want));
    }
    (abi, pairs)
}

#[tokio::test(flavor = "current_thread")]
async fn opa_wasm_crate_fast_path() {
    let (abi, pairs) = run_opa_wasm_crate(podauth_wasm::MODULE).await;
    assert_eq!(abi.to_string(), "1.2");
    assert!(pairs.len() > 3);
    for (got, want) in pairs {
        assert_eq!(common::canonical(&got), common::canonical(&want));
    }
}

#[tokio::test(flavor = "current_thread")]
async fn opa_wasm_crate_legacy_path() {
    let legacy = podauth_wasm::with_abi_minor(podauth_wasm::MODULE, 1).unwrap();
    let (abi, pairs) = run_opa_wasm_crate(&legacy).await;
    assert_eq!(abi.to_string(), "1.1");
    for (got, want) in pairs {
        assert_eq!(common::canonical(&got), common::canonical(&want));
    }
}

fn run_node(label: &str, wasm: &[u8]) -> Value {
    let jobs = jobs();
    let spec: Vec<Value> = jobs
        .iter()
        .map(|(e, input, data, _)| json!({"entrypoint": e, "input": input, "data": data}))
        .collect();
    let report =
        podauth_wasm::npm_host::evaluate(label, wasm, &spec).unwrap_or_else(|e| panic!("{e:#}"));
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), jobs.len());
    for ((entrypoint, _, _, want), got) in jobs.iter().zip(results) {
        assert_eq!(
            common::canonical(got),
            common::canonical(want),
            "{entrypoint}"
        );
    }
    report
}

#[test]
fn npm_opa_wasm_fast_path() {
    let report = run_node("fast", podauth_wasm::MODULE);
    assert_eq!(report["abi"], json!("1.2"));
}

#[test]
fn npm_opa_wasm_legacy_path() {
    let legacy = podauth_wasm::with_abi_minor(podauth_wasm::MODULE, 1).unwrap();
    let report = run_node("legacy", &legacy);
    assert_eq!(report["abi"], json!("1.1"));
}
