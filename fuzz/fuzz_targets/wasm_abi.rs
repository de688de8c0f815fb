//! Arbitrary bytes into the module's OPA ABI, as OPA hosts drive it:
//! `opa_malloc` + copy + `opa_json_parse` / `opa_value_parse` (+ dumps), then,
//! for JSON that parses, the ctx path (`opa_eval_ctx_*` + `eval`) on
//! entrypoint 0 and the fast path (`opa_eval`) on every entrypoint through the
//! CLI's own host, [`WasmEngine`].
//!
//! Traps and aborts are errors, which are fine: the host must turn them into
//! `Err` (and recover) without panicking, within the deadline and memory cap.
//! With `PODAUTH_FUZZ_STRICT=1`, a Rust panic *inside* the guest (reported
//! through `opa_abort` as `podauth: panicked at ...`) is a crash too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use podauth_wasm::{link, new_engine, read_result, CodeCache, Limits, WasmEngine, MODULE};
use podauth_wasm::{FINDINGS, GATEKEEPER_VIOLATION, KUBEWARDEN_RESPONSE, MEMORY_MIN_PAGES};
use serde_json::Value;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;
use wasmtime::{Engine, Instance, Memory, MemoryType, Module, Store, StoreLimits, StoreLimitsBuilder};

/// Per-call deadline and memory cap, as `WasmEngine` enforces them (shorter).
const TIMEOUT: Duration = Duration::from_secs(5);
const MAX_MEMORY: usize = 512 << 20;
const TICK: Duration = Duration::from_millis(10);

/// The module compiled once per process (and cached on disk between runs,
/// like the CLI does), with an epoch ticker for the deadline.
struct Compiled {
    engine: Engine,
    module: Module,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let engine = new_engine().expect("engine");
    let module = podauth_wasm::load_module(&engine, MODULE, &CodeCache::Default).expect("module");
    let ticking = engine.clone();
    std::thread::spawn(move || loop {
        std::thread::sleep(TICK);
        ticking.increment_epoch();
    });
    Compiled { engine, module }
});

/// The CLI's host (its own instance; reset between calls with the heap protocol).
static HOST: LazyLock<WasmEngine> = LazyLock::new(|| {
    let limits = Limits {
        timeout: TIMEOUT,
        max_memory_bytes: MAX_MEMORY,
    };
    WasmEngine::with_module(MODULE, limits, &CodeCache::Default).expect("wasm engine")
});

/// A raw instance, initialised, with the heap pointer to reset to.
struct Raw {
    store: Store<StoreLimits>,
    instance: Instance,
    memory: Memory,
    base_heap: i32,
}

static RAW: Mutex<Option<Raw>> = Mutex::new(None);

fn instantiate() -> anyhow::Result<Raw> {
    let c = &*COMPILED;
    let mut store = Store::new(
        &c.engine,
        StoreLimitsBuilder::new()
            .memory_size(MAX_MEMORY)
            .instances(1)
            .build(),
    );
    store.limiter(|s| s);
    store.set_epoch_deadline(deadline());
    let memory = Memory::new(&mut store, MemoryType::new(MEMORY_MIN_PAGES as u32, None))?;
    let instance = link(&mut store, &c.module, memory)?;
    let base_heap = instance
        .get_typed_func::<(), i32>(&mut store, "opa_heap_ptr_get")?
        .call(&mut store, ())?;
    Ok(Raw {
        store,
        instance,
        memory,
        base_heap,
    })
}

fn deadline() -> u64 {
    (TIMEOUT.as_millis() / TICK.as_millis()) as u64 + 1
}

impl Raw {
    fn call<P: wasmtime::WasmParams, R: wasmtime::WasmResults>(
        &mut self,
        name: &str,
        params: P,
    ) -> anyhow::Result<R> {
        let f = self.instance.get_typed_func::<P, R>(&mut self.store, name)?;
        self.store.set_epoch_deadline(deadline());
        Ok(f.call(&mut self.store, params)?)
    }

    fn has(&mut self, name: &str) -> bool {
        self.instance.get_func(&mut self.store, name).is_some()
    }

    /// Copies `bytes` into a fresh `opa_malloc` block; returns its address.
    fn put(&mut self, bytes: &[u8]) -> anyhow::Result<i32> {
        let len = i32::try_from(bytes.len())?;
        let addr: i32 = self.call("opa_malloc", len)?;
        self.memory
            .write(&mut self.store, addr as u32 as usize, bytes)
            .map_err(|e| anyhow::anyhow!("opa_malloc({len}) returned {addr}: {e}"))?;
        Ok(addr)
    }

    /// `opa_json_dump`/`opa_value_dump` of a value, read back as text.
    fn dump(&mut self, func: &str, value: i32) -> anyhow::Result<String> {
        let at: i32 = self.call(func, value)?;
        read_result(&self.store, self.memory, at)
    }

    /// One input through the raw ABI. Returns whether `opa_json_parse` accepted it.
    fn run(&mut self, data: &[u8]) -> anyhow::Result<bool> {
        let base = self.base_heap;
        self.call::<i32, ()>("opa_heap_ptr_set", base)?;

        let addr = self.put(data)?;
        let len = data.len() as i32;
        let json: i32 = self.call("opa_json_parse", (addr, len))?;
        if json != 0 {
            let text = self.dump("opa_json_dump", json)?;
            // What the module parsed, it dumps as JSON.
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
                check_strict(&format!("opa_json_dump wrote invalid JSON ({e}): {text:.200}"));
            }
            self.dump("opa_value_dump", json)?;
        }
        if self.has("opa_value_parse") {
            let value: i32 = self.call("opa_value_parse", (addr, len))?;
            if value != 0 {
                self.dump("opa_value_dump", value)?;
                self.dump("opa_json_dump", value)?;
            }
        }
        if json != 0 {
            // The ctx path (Kubewarden's burrego, older OPA SDKs): entrypoint 0.
            let ctx: i32 = self.call("opa_eval_ctx_new", ())?;
            self.call::<(i32, i32), ()>("opa_eval_ctx_set_input", (ctx, json))?;
            self.call::<(i32, i32), ()>("opa_eval_ctx_set_entrypoint", (ctx, 0))?;
            self.call::<i32, i32>("eval", ctx)?;
            let result: i32 = self.call("opa_eval_ctx_get_result", ctx)?;
            let text = self.dump("opa_json_dump", result)?;
            if serde_json::from_str::<serde_json::Value>(&text).is_err() {
                check_strict(&format!("eval result is not JSON: {text:.200}"));
            }
        }
        self.call::<i32, ()>("opa_heap_ptr_set", base)?;
        Ok(json != 0)
    }
}

fuzz_target!(|data: &[u8]| {
    let parsed = {
        let mut slot = RAW.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(instantiate().expect("instantiating the module"));
        }
        let raw = slot.as_mut().expect("instantiated");
        match raw.run(data) {
            Ok(parsed) => parsed,
            Err(e) => {
                // A trap leaves the instance in an unknown state: start over.
                *slot = None;
                note_error(&format!("{e:#}"));
                // Whether it parsed is unknown; the host below decides for itself.
                serde_json::from_slice::<serde_json::Value>(data).is_ok()
            }
        }
    };
    if !parsed {
        return;
    }
    // The fast path, through the CLI's host, on every entrypoint.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `podauth/findings` as `check --engine wasm` runs it (result parsed too).
    match HOST.evaluate_findings(text) {
        Ok(document) => observe(FINDINGS, &document, ""),
        Err(e) => note_error(&format!("{e:#}")),
    }
    for entrypoint in [GATEKEEPER_VIOLATION, KUBEWARDEN_RESPONSE] {
        match HOST.evaluate_raw(entrypoint, text) {
            Ok(result) => match serde_json::from_str::<Value>(&result) {
                Ok(set) => observe(entrypoint, &set, ""),
                Err(_) => check_strict(&format!("{entrypoint} result is not JSON: {result:.200}")),
            },
            Err(e) => note_error(&format!("{e:#}")),
        }
    }
});

/// Errors are expected; the first few distinct ones are shown, and a panic
/// inside the guest is a crash under `PODAUTH_FUZZ_STRICT=1`.
fn note_error(message: &str) {
    // The cause, without the wasm backtrace, numbers and names that vary.
    let cause = message.rsplit("opa_abort: ").next().unwrap_or(message);
    let class: String = cause
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .take(80)
        .collect();
    feature(&["error", &class]);
    if cause.contains("panicked at") {
        check_strict(message);
    }
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    if seen.len() < 1000 && seen.insert(class) && SHOWN.fetch_add(1, Ordering::Relaxed) < 20 {
        eprintln!("wasm_abi: error (fine): {cause:.300}");
    }
}

static SEEN: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Default::default);
static SHOWN: AtomicUsize = AtomicUsize::new(0);

fn check_strict(message: &str) {
    static STRICT: LazyLock<bool> =
        LazyLock::new(|| std::env::var_os("PODAUTH_FUZZ_STRICT").is_some_and(|v| v == "1"));
    if *STRICT {
        panic!("{message}");
    }
    if SHOWN.fetch_add(1, Ordering::Relaxed) < 20 {
        eprintln!("wasm_abi: guest bug (not fatal without PODAUTH_FUZZ_STRICT=1): {message:.500}");
    }
}

// ---------------------------------------------------------------- feedback
//
// libFuzzer only sees coverage of the host. What the guest did is fed back
// through libFuzzer's "extra counters" (the `__libfuzzer_extra_counters`
// section, cleared before every input): one counter per (entrypoint, key,
// value) of the results' categorical fields, so an input that fires a new
// rule, finds a new method or gets a new verdict is kept in the corpus.

const EXTRA_LEN: usize = 1 << 12;

#[used]
#[link_section = "__libfuzzer_extra_counters"]
static EXTRA: [AtomicU8; EXTRA_LEN] = [const { AtomicU8::new(0) }; EXTRA_LEN];

fn feature(parts: &[&str]) {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    let slot = &EXTRA[(h.finish() as usize) % EXTRA_LEN];
    let _ = slot.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| v.checked_add(1));
}

/// Fields whose values are categories, not names.
const CATEGORICAL: &[&str] = &[
    "rule", "severity", "methods", "effective", "recommended", "rank", "method",
    "allowed", "code", "kind", "result",
];

fn observe(entrypoint: &str, v: &Value, key: &str) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                feature(&[entrypoint, "key", k]);
                observe(entrypoint, child, k);
            }
        }
        Value::Array(items) => {
            feature(&[entrypoint, key, if items.is_empty() { "[]" } else { "[..]" }]);
            for child in items {
                observe(entrypoint, child, key);
            }
        }
        Value::String(s) if CATEGORICAL.contains(&key) && s.len() <= 40 => {
            feature(&[entrypoint, key, s]);
        }
        Value::Bool(b) => feature(&[entrypoint, key, if *b { "true" } else { "false" }]),
        Value::Number(n) if CATEGORICAL.contains(&key) => feature(&[entrypoint, key, &n.to_string()]),
        Value::Null => feature(&[entrypoint, key, "null"]),
        _ => {}
    }
}
