//! Figures for `wasm/README.md` (not a timed test):
//! `cargo bench -p podauth-wasm --bench wasm`
//!
//! - module size;
//! - compile (cold) and load-from-precompiled times, and instantiation;
//! - per-request latency as Kubewarden runs it: a fresh instance, data (the
//!   ServiceAccount as `data.kubernetes`) then input (one Deployment as an
//!   AdmissionRequest), entrypoint 0 on the ctx path;
//! - throughput of `podauth/findings` versus the native engine on `examples/`.
#![allow(clippy::print_stdout, unsafe_code)]

#[path = "../tests/common/mod.rs"]
mod common;

use podauth_policies::{Bundle, Evaluator};
use podauth_wasm::burrego::Burrego;
use podauth_wasm::{CodeCache, Limits, WasmEngine, MODULE};
use serde_json::json;
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    println!(
        "module size: {} bytes ({:.2} MiB)",
        MODULE.len(),
        MODULE.len() as f64 / 1048576.0
    );

    // Compile and load.
    let engine = wasmtime::Engine::default();
    let t = Instant::now();
    let module = wasmtime::Module::new(&engine, MODULE).expect("compile");
    println!("compile (cold, Cranelift): {}", ms(t.elapsed()));
    let precompiled = module.serialize().expect("serialize");
    let t = Instant::now();
    // SAFETY: bytes serialized by this engine a moment ago.
    let cached =
        unsafe { wasmtime::Module::deserialize(&engine, &precompiled) }.expect("deserialize");
    println!("load precompiled module: {}", ms(t.elapsed()));

    // Instantiation alone, and up to the persistent state (first export call).
    let mut inst = Vec::new();
    let mut ready = Vec::new();
    for _ in 0..20 {
        let mut store = wasmtime::Store::new(&engine, ());
        let memory = wasmtime::Memory::new(&mut store, wasmtime::MemoryType::new(5, None)).unwrap();
        let t = Instant::now();
        let instance = podauth_wasm::link(&mut store, &cached, memory).expect("instantiate");
        inst.push(t.elapsed());
        let get = instance
            .get_typed_func::<(), i32>(&mut store, "opa_heap_ptr_get")
            .unwrap();
        get.call(&mut store, ()).unwrap();
        ready.push(t.elapsed());
    }
    inst.sort();
    ready.sort();
    println!(
        "instantiate from precompiled: p50 {} (start function, segments copied); with policies parsed and warmed (first export call): p50 {}",
        ms(percentile(&inst, 0.5)),
        ms(percentile(&ready, 0.5))
    );

    // Kubewarden: fresh instance per request.
    let ledger = common::objects_of(
        &std::fs::read_to_string(common::repo_root().join("examples/payments/ledger.yaml"))
            .unwrap(),
    );
    let sa = ledger
        .iter()
        .find(|o| o["kind"] == "ServiceAccount")
        .unwrap();
    let deployment = ledger.iter().find(|o| o["kind"] == "Deployment").unwrap();
    let ns = deployment["metadata"]["namespace"]
        .as_str()
        .unwrap_or("default");
    let data = json!({"kubernetes": {"serviceaccounts": {ns: {sa["metadata"]["name"].as_str().unwrap(): sa}}}});
    let input = json!({"request": {"uid": "u", "operation": "CREATE",
        "kind": {"group": "apps", "version": "v1", "kind": "Deployment"}, "object": deployment}});
    let kw = podauth_wasm::with_entrypoints(MODULE, &[podauth_wasm::KUBEWARDEN_RESPONSE]).unwrap();
    let t = Instant::now();
    let kw_snapshot = podauth_wasm::snapshot(&kw).unwrap();
    println!(
        "snapshot of initialised memory: taken in {}, module {} bytes ({:.2} MiB)",
        ms(t.elapsed()),
        kw_snapshot.len(),
        kw_snapshot.len() as f64 / 1048576.0
    );
    for (label, wasm, rounds) in [
        ("parse at start-up", &kw, 10),
        ("memory snapshot", &kw_snapshot, 60),
    ] {
        let kw_module = wasmtime::Module::new(&engine, wasm).unwrap();
        let host = Burrego::from_module(engine.clone(), kw_module);
        let mut lat = Vec::new();
        let mut last = serde_json::Value::Null;
        for _ in 0..rounds {
            let t = Instant::now();
            last = host.evaluate(&data, &input).expect("admission");
            lat.push(t.elapsed());
        }
        lat.sort();
        println!(
            "Kubewarden-style request, {label} (fresh instance + Deployment with its ServiceAccount): p50 {}, p95 {} (allowed: {})",
            ms(percentile(&lat, 0.5)),
            ms(percentile(&lat, 0.95)),
            last[0]["result"]["response"]["allowed"]
        );
    }

    // The same request on a warm instance (what the evaluation alone costs).
    let warm = WasmEngine::with_module(MODULE, Limits::default(), &CodeCache::Default).unwrap();
    let wrapped = serde_json::to_string(&input).unwrap();
    warm.evaluate_raw(podauth_wasm::KUBEWARDEN_RESPONSE, &wrapped)
        .unwrap();
    let mut lat = Vec::new();
    for _ in 0..60 {
        let t = Instant::now();
        warm.evaluate_raw(podauth_wasm::KUBEWARDEN_RESPONSE, &wrapped)
            .unwrap();
        lat.push(t.elapsed());
    }
    lat.sort();
    println!(
        "same request on a warm instance (no inventory): p50 {}, p95 {}",
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.95))
    );
    let _ = &data;

    // Throughput versus native on examples/.
    let (_, all) = common::examples()
        .into_iter()
        .find(|(n, _)| n.ends_with("(all)"))
        .unwrap();
    let doc = common::input_document(&all);
    let input_json = doc.to_json().unwrap();
    let bundle = Bundle::embedded();
    let ids: Vec<&str> = bundle.rules.iter().map(|r| r.meta.id.as_str()).collect();
    let native = Evaluator::new(&bundle, &ids).unwrap();
    let wasm = WasmEngine::with_module(MODULE, Limits::default(), &CodeCache::Default).unwrap();
    wasm.evaluate_findings(&input_json).unwrap();
    native.evaluate(&doc).unwrap();
    let rounds = 30;
    let t = Instant::now();
    for _ in 0..rounds {
        native.evaluate(&doc).unwrap();
    }
    let native_t = t.elapsed() / rounds;
    let t = Instant::now();
    for _ in 0..rounds {
        wasm.evaluate_findings(&input_json).unwrap();
    }
    let wasm_t = t.elapsed() / rounds;
    let per_s = |d: Duration| all.len() as f64 / d.as_secs_f64();
    println!(
        "examples/ ({} objects), one evaluation: native {} ({:.0} objects/s), wasm {} ({:.0} objects/s), wasm/native time {:.2}x",
        all.len(),
        ms(native_t),
        per_s(native_t),
        ms(wasm_t),
        per_s(wasm_t),
        wasm_t.as_secs_f64() / native_t.as_secs_f64()
    );
}
