//! `--engine wasm` must give the native engine's document, byte for byte.
#![allow(clippy::print_stderr)]
mod common;

use podauth_policies::{Bundle, Evaluation, Evaluator};
use podauth_wasm::{CodeCache, Limits, WasmEngine, MODULE};

#[test]
fn findings_match_the_native_engine_on_every_example() {
    let bundle = Bundle::embedded();
    let ids: Vec<&str> = bundle.rules.iter().map(|r| r.meta.id.as_str()).collect();
    let evaluator = Evaluator::new(&bundle, &ids).expect("native evaluator");
    let native = common::native_engine();
    let wasm = WasmEngine::with_module(MODULE, Limits::default(), &CodeCache::Default)
        .expect("wasm engine");

    let examples = common::examples();
    assert!(
        examples.len() > 10,
        "expected the rule examples and examples/, got {}",
        examples.len()
    );
    let (mut with_findings, mut compared, mut both_failed) = (0, 0, 0);
    for (name, objects) in &examples {
        let doc = common::input_document(objects);
        let input = doc.to_json().expect("input JSON");

        let wasm_raw = wasm.evaluate_raw(podauth_wasm::FINDINGS, &input);
        let expected = match common::try_native_findings_json(&native, &input) {
            Ok(json) => format!("[{{\"result\":{json}}}]"),
            Err(native_err) => {
                // A policy error must be an error in both engines, with the same cause.
                let err = wasm_raw.expect_err(&format!(
                    "{name}: native failed ({native_err}) but wasm did not"
                ));
                let last = native_err.lines().last().unwrap_or_default().to_string();
                assert!(
                    format!("{err:#}").contains(&last),
                    "{name}: {err:#} vs {native_err}"
                );
                both_failed += 1;
                continue;
            }
        };
        let raw = wasm_raw.unwrap_or_else(|e| panic!("{name}: {e:#}"));
        let got: serde_json::Value = serde_json::from_str(&raw).expect("result set is JSON");
        let want: serde_json::Value = serde_json::from_str(&expected).expect("native JSON");
        assert_eq!(
            common::canonical(&got),
            common::canonical(&want),
            "{name}: wasm and native documents differ"
        );
        assert_eq!(raw, expected, "{name}: not byte-identical");

        // And through the API the CLI uses.
        let document = wasm.evaluate_findings(&input).expect("findings");
        let via_wasm = Evaluation::from_document(&document).expect("document reads");
        let via_native = evaluator.evaluate(&doc).expect("native evaluation");
        assert_eq!(via_wasm.findings, via_native.findings, "{name}");
        assert_eq!(
            common::canonical(&via_wasm.workloads),
            common::canonical(&via_native.workloads),
            "{name}"
        );
        compared += 1;
        if !via_native.findings.is_empty() {
            with_findings += 1;
        }
    }
    eprintln!("compared {compared} documents ({with_findings} with findings); {both_failed} failed in both engines");
    // Every example is compared (an example that fails in both engines would
    // otherwise let the whole test pass without comparing anything).
    assert_eq!(
        both_failed, 0,
        "{both_failed} examples failed in both engines; only {compared} compared"
    );
    assert_eq!(compared, examples.len());
    // At least every rule's bad example (tests/golden/rule-findings.txt).
    assert!(
        with_findings >= 32,
        "only {with_findings} of {compared} examples have findings"
    );
}

#[test]
fn module_declares_the_abi() {
    let engine = podauth_wasm::new_engine().expect("engine");
    let module = wasmtime::Module::new(&engine, MODULE).expect("module compiles");
    let memory = module
        .imports()
        .find(|i| i.module() == "env" && i.name() == "memory")
        .and_then(|i| i.ty().memory().cloned())
        .expect("imports env.memory");
    assert!(
        memory.minimum() <= 2,
        "memory minimum {} pages",
        memory.minimum()
    );
    let exports: Vec<String> = module.exports().map(|e| e.name().to_string()).collect();
    for name in [
        "memory",
        "eval",
        "builtins",
        "entrypoints",
        "opa_eval_ctx_new",
        "opa_eval_ctx_set_input",
        "opa_eval_ctx_set_data",
        "opa_eval_ctx_set_entrypoint",
        "opa_eval_ctx_get_result",
        "opa_malloc",
        "opa_free",
        "opa_json_parse",
        "opa_value_parse",
        "opa_json_dump",
        "opa_value_dump",
        "opa_heap_ptr_get",
        "opa_heap_ptr_set",
        "opa_eval",
        "opa_value_add_path",
        "opa_value_remove_path",
        "opa_wasm_abi_version",
        "opa_wasm_abi_minor_version",
    ] {
        assert!(exports.iter().any(|e| e == name), "missing export {name}");
    }
    for import in module.imports() {
        assert_eq!(
            import.module(),
            "env",
            "unexpected import {}.{}",
            import.module(),
            import.name()
        );
    }
}

#[test]
fn entrypoint_order_can_be_rewritten_without_rebuilding() {
    let reordered = podauth_wasm::with_entrypoints(
        MODULE,
        &[podauth_wasm::KUBEWARDEN_RESPONSE, podauth_wasm::FINDINGS],
    )
    .expect("rewrite");
    assert_eq!(reordered.len(), MODULE.len());
    let wasm =
        WasmEngine::with_module(&reordered, Limits::default(), &CodeCache::Off).expect("engine");
    // Entrypoint ids come from the rewritten blob; entrypoints still evaluate by name.
    let text = wasm
        .evaluate_raw(
            podauth_wasm::KUBEWARDEN_RESPONSE,
            r#"{"request":{"uid":"x"}}"#,
        )
        .expect("kubewarden response");
    let set: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        set[0]["result"]["response"],
        serde_json::json!({"uid": "x", "allowed": true})
    );
    let err = wasm
        .evaluate_raw(podauth_wasm::GATEKEEPER_VIOLATION, "{}")
        .expect_err("gatekeeper entrypoint was left out");
    assert!(format!("{err:#}").contains("no entrypoint"), "{err:#}");
    assert!(podauth_wasm::with_entrypoints(MODULE, &["nope"]).is_err());
}
