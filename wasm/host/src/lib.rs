//! The podauth policy library as one WebAssembly module behind the OPA Wasm ABI
//! ([`MODULE`]), and a wasmtime host for it ([`WasmEngine`]).
//!
//! The module is regorus plus every embedded policy, built from `wasm/guest` by
//! this crate's build script. Any OPA-Wasm host can load it (see
//! `wasm/README.md`); [`WasmEngine`] is the one the CLI uses for
//! `--engine wasm`: it compiles the module once (and caches the compiled code
//! on disk), runs each evaluation under a wall-clock deadline and a memory cap,
//! and turns traps, aborts and limit hits into errors.

// Test hosts: behind `testing`, so the shipped binary links none of them.
#[cfg(feature = "testing")]
pub mod admission;
#[cfg(feature = "testing")]
pub mod burrego;
#[cfg(feature = "testing")]
pub mod npm_host;
mod postlink;

use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wasmtime::{
    Caller, Config, Engine, Instance, Linker, Memory, MemoryType, Module, Store, StoreLimits,
    StoreLimitsBuilder, TypedFunc,
};

/// The entrypoints the module carries, by canonical index.
pub use podauth_policies::ENTRYPOINTS as CANONICAL_ENTRYPOINTS;
use podauth_policies::ENTRYPOINTS;
/// Entrypoint of the CLI's document (same JSON as the native engine).
pub use podauth_policies::FINDINGS_ENTRYPOINT as FINDINGS;
pub use podauth_policies::GATEKEEPER_ENTRYPOINT as GATEKEEPER_VIOLATION;
pub use podauth_policies::KUBEWARDEN_ENTRYPOINT as KUBEWARDEN_RESPONSE;
pub use postlink::{
    with_abi_minor, with_memory_image, ABI_MINOR_VERSION, ABI_VERSION, ENTRYPOINT_MARKER,
    MEMORY_MIN_PAGES,
};

/// The finished module: `podauth/findings` is entrypoint 0.
pub static MODULE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/podauth.wasm"));

/// A copy of `wasm` whose entrypoint ids follow `order` (slash paths from
/// [`ENTRYPOINTS`]): `order[0]` becomes id 0, the one Kubewarden
/// evaluates. Entrypoints left out are not exported. A byte rewrite of the
/// 64-byte blob in the data section: no rebuild, no re-encoding.
pub fn with_entrypoints(wasm: &[u8], order: &[&str]) -> Result<Vec<u8>> {
    if order.is_empty() || order.len() > ENTRYPOINTS.len() {
        bail!("give between 1 and {} entrypoints", ENTRYPOINTS.len());
    }
    let at = postlink::find_marker(wasm)?;
    let mut out = wasm.to_vec();
    let blob = &mut out[at + 32..at + 64];
    blob.fill(0);
    blob[0] = order.len() as u8;
    for (i, name) in order.iter().enumerate() {
        let c = ENTRYPOINTS
            .iter()
            .position(|e| e == name)
            .ok_or_else(|| anyhow!("unknown entrypoint {name:?}"))?;
        if order[..i].contains(name) {
            bail!("entrypoint {name:?} listed twice");
        }
        blob[1 + i] = c as u8;
    }
    Ok(out)
}

/// How long one epoch tick lasts.
const TICK: Duration = Duration::from_millis(10);

/// Limits of one evaluation.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Wall-clock deadline of one evaluation (enforced with epoch interruption).
    pub timeout: Duration,
    /// Largest linear memory the module may grow to.
    pub max_memory_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            timeout: Duration::from_secs(120),
            max_memory_bytes: 3 << 30,
        }
    }
}

/// Where compiled code is cached.
#[derive(Debug, Clone, Default)]
pub enum CodeCache {
    /// `$PODAUTH_WASM_CACHE`, else `$XDG_CACHE_HOME/kubectl-podauth`, else
    /// `$HOME/.cache/kubectl-podauth`; none when `PODAUTH_WASM_CACHE=off`.
    #[default]
    Default,
    Dir(PathBuf),
    /// Always compile.
    Off,
}

impl CodeCache {
    fn dir(&self) -> Option<PathBuf> {
        match self {
            CodeCache::Off => None,
            CodeCache::Dir(d) => Some(d.clone()),
            CodeCache::Default => match std::env::var_os("PODAUTH_WASM_CACHE") {
                Some(v) if v == "off" => None,
                Some(v) => Some(PathBuf::from(v)),
                None => std::env::var_os("XDG_CACHE_HOME")
                    .map(PathBuf::from)
                    .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                    .map(|d| d.join("kubectl-podauth")),
            },
        }
    }
}

/// `opa_eval(reserved, entrypoint, data, input, input_len, heap_ptr, format) -> str_addr`.
type OpaEval = TypedFunc<(i32, i32, i32, i32, i32, i32, i32), i32>;

struct HostState {
    limits: StoreLimits,
}

/// A live instance with its store: the persistent state is built and the
/// data heap checkpoint taken.
struct Live {
    store: Store<HostState>,
    memory: Memory,
    base_heap: i32,
    opa_eval: OpaEval,
    entrypoints: Vec<(String, i32)>,
}

/// The wasmtime host. Create it once: it compiles the module (or loads the
/// cached compiled code) and keeps one instance, reset between evaluations
/// with the OPA heap protocol.
pub struct WasmEngine {
    engine: Engine,
    module: Module,
    limits: Limits,
    live: Mutex<Option<Live>>,
    ticker_stop: Arc<AtomicBool>,
}

impl Drop for WasmEngine {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

/// A wasmtime engine configured for the module (epoch interruption on).
pub fn new_engine() -> Result<Engine> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    Ok(Engine::new(&config)?)
}

impl WasmEngine {
    /// [`MODULE`] with default limits and the default code cache.
    pub fn new() -> Result<WasmEngine> {
        WasmEngine::with_module(MODULE, Limits::default(), &CodeCache::Default)
    }

    pub fn with_module(wasm: &[u8], limits: Limits, cache: &CodeCache) -> Result<WasmEngine> {
        let engine = new_engine()?;
        let module = load_module(&engine, wasm, cache)?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        let stop = ticker_stop.clone();
        let ticking = engine.clone();
        std::thread::Builder::new()
            .name("podauth-wasm-epoch".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(TICK);
                    ticking.increment_epoch();
                }
            })
            .context("starting the epoch thread")?;
        Ok(WasmEngine {
            engine,
            module,
            limits,
            live: Mutex::new(None),
            ticker_stop,
        })
    }

    pub fn module(&self) -> &Module {
        &self.module
    }

    fn instantiate(&self) -> Result<Live> {
        let mut store = Store::new(
            &self.engine,
            HostState {
                limits: StoreLimitsBuilder::new()
                    .memory_size(self.limits.max_memory_bytes)
                    .instances(1)
                    .build(),
            },
        );
        store.limiter(|s| &mut s.limits);
        store.set_epoch_deadline(deadline_ticks(self.limits.timeout));
        let memory = Memory::new(&mut store, MemoryType::new(MEMORY_MIN_PAGES as u32, None))?;
        let instance = link(&mut store, &self.module, memory)?;
        let heap_ptr_get = instance.get_typed_func::<(), i32>(&mut store, "opa_heap_ptr_get")?;
        let opa_eval = instance.get_typed_func(&mut store, "opa_eval")?;
        // The first export call builds the persistent state.
        let base_heap = heap_ptr_get.call(&mut store, ())?;
        let entrypoints = read_entrypoints(&mut store, &instance, memory)?;
        Ok(Live {
            store,
            memory,
            base_heap,
            opa_eval,
            entrypoints,
        })
    }

    /// Evaluates `entrypoint` on `input_json` with no data; returns the OPA
    /// result set as JSON text (`[{"result": ...}]` or `[]`).
    pub fn evaluate_raw(&self, entrypoint: &str, input_json: &str) -> Result<String> {
        let mut guard = self
            .live
            .lock()
            .map_err(|_| anyhow!("wasm engine poisoned"))?;
        if guard.is_none() {
            *guard = Some(self.instantiate()?);
        }
        let live = guard.as_mut().expect("instantiated");
        let result = eval_fast(live, entrypoint, input_json, self.limits.timeout);
        if result.is_err() {
            // A trap or a limit hit leaves the instance in an unknown state.
            *guard = None;
        }
        result
    }

    /// Evaluates `podauth/findings` on the CLI's input document
    /// (`{"objects", "context", "parameters"}`, see `policies/README.md`) and
    /// returns the document: `{"findings": [...], "workloads": [...]}`.
    pub fn evaluate_findings(&self, input_json: &str) -> Result<serde_json::Value> {
        let text = self.evaluate_raw(FINDINGS, input_json)?;
        let mut set: Vec<serde_json::Value> =
            serde_json::from_str(&text).context("reading the module's result")?;
        match set.pop() {
            Some(mut row) => Ok(row
                .get_mut("result")
                .map(serde_json::Value::take)
                .unwrap_or_default()),
            None => Ok(serde_json::Value::Null),
        }
    }
}

/// Runs the module's initialisation (policies parsed, interpreter prepared,
/// every entrypoint warmed up) once in wasmtime, and returns a module whose
/// memory starts in that state: a fresh instance skips the work, which is
/// what Kubewarden pays on every request. Choose the entrypoint order with
/// [`with_entrypoints`] *before* taking the snapshot: the order is read during
/// initialisation.
pub fn snapshot(wasm: &[u8]) -> Result<Vec<u8>> {
    let (probe, globals) = postlink::export_mutable_globals(wasm)?;
    let engine = Engine::default();
    let module = Module::new(&engine, &probe)?;
    let mut store = Store::new(&engine, ());
    let memory = Memory::new(&mut store, MemoryType::new(MEMORY_MIN_PAGES as u32, None))?;
    let instance = link(&mut store, &module, memory)?;
    let top = instance
        .get_typed_func::<(), i32>(&mut store, "opa_heap_ptr_get")?
        .call(&mut store, ())? as u32 as usize;
    let mut values = Vec::new();
    for name in globals {
        let g = instance
            .get_global(&mut store, &name)
            .ok_or_else(|| anyhow!("missing {name}"))?;
        let v = g
            .get(&mut store)
            .i32()
            .ok_or_else(|| anyhow!("{name} is not i32"))?;
        values.push((name, v));
    }
    let image = memory.data(&store)[..top].to_vec();
    postlink::with_memory_image(wasm, &image, &values)
}

fn deadline_ticks(timeout: Duration) -> u64 {
    (timeout.as_millis() / TICK.as_millis()).max(1) as u64 + 1
}

/// Defines `env.memory` and `env.opa_abort` and instantiates.
pub fn link<T: 'static>(store: &mut Store<T>, module: &Module, memory: Memory) -> Result<Instance> {
    let mut linker = Linker::new(store.engine());
    linker.define(&mut *store, "env", "memory", memory)?;
    linker.func_wrap(
        "env",
        "opa_abort",
        |mut caller: Caller<'_, T>, addr: i32| -> wasmtime::Result<()> {
            let msg = read_cstr(&mut caller, addr).unwrap_or_else(|| "<unreadable message>".into());
            wasmtime::bail!("opa_abort: {msg}")
        },
    )?;
    linker.func_wrap(
        "env",
        "opa_println",
        |mut caller: Caller<'_, T>, addr: i32| {
            let _ = read_cstr(&mut caller, addr);
        },
    )?;
    Ok(linker.instantiate(&mut *store, module)?)
}

fn read_cstr<T>(caller: &mut Caller<'_, T>, addr: i32) -> Option<String> {
    let memory = caller.get_export("memory")?.into_memory()?;
    let data = memory.data(&*caller);
    let start = addr as u32 as usize;
    let end = start + data.get(start..)?.iter().position(|&b| b == 0)?;
    Some(String::from_utf8_lossy(&data[start..end]).into_owned())
}

/// Reads a NUL-terminated string the module returned.
pub fn read_result<T>(store: &Store<T>, memory: Memory, addr: i32) -> Result<String> {
    let data = memory.data(store);
    let start = addr as u32 as usize;
    let len = data
        .get(start..)
        .and_then(|d| d.iter().position(|&b| b == 0))
        .ok_or_else(|| anyhow!("result string at {addr} is not terminated"))?;
    Ok(String::from_utf8(data[start..start + len].to_vec())?)
}

fn read_entrypoints(
    store: &mut Store<HostState>,
    instance: &Instance,
    memory: Memory,
) -> Result<Vec<(String, i32)>> {
    let entrypoints = instance.get_typed_func::<(), i32>(&mut *store, "entrypoints")?;
    let dump = instance.get_typed_func::<i32, i32>(&mut *store, "opa_json_dump")?;
    let value = entrypoints.call(&mut *store, ())?;
    let addr = dump.call(&mut *store, value)?;
    let text = read_result(store, memory, addr)?;
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text)?;
    Ok(map
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.as_i64()? as i32)))
        .collect())
}

/// The fast path, as npm's `LoadedPolicy.evaluate` drives it: input bytes at
/// the data heap pointer, then `opa_eval`.
fn eval_fast(
    live: &mut Live,
    entrypoint: &str,
    input_json: &str,
    timeout: Duration,
) -> Result<String> {
    let id = live
        .entrypoints
        .iter()
        .find(|(name, _)| name == entrypoint)
        .map(|(_, id)| *id)
        .ok_or_else(|| anyhow!("the module has no entrypoint {entrypoint:?}"))?;
    live.store.set_epoch_deadline(deadline_ticks(timeout));
    let at = live.base_heap as u32 as usize;
    let end = at
        .checked_add(input_json.len())
        .filter(|&e| e <= u32::MAX as usize)
        .ok_or_else(|| anyhow!("input too large for a 32-bit module"))?;
    let have = live.memory.data_size(&live.store);
    if end > have {
        let pages = (end - have).div_ceil(65536) as u64;
        live.memory.grow(&mut live.store, pages).map_err(|e| {
            anyhow!(
                "input of {} bytes exceeds the memory cap: {e}",
                input_json.len()
            )
        })?;
    }
    live.memory.data_mut(&mut live.store)[at..end].copy_from_slice(input_json.as_bytes());
    let out = live
        .opa_eval
        .call(
            &mut live.store,
            (0, id, 0, at as i32, input_json.len() as i32, end as i32, 0),
        )
        .map_err(describe_trap)?;
    let text = read_result(&live.store, live.memory, out)?;
    Ok(text)
}

fn describe_trap(e: wasmtime::Error) -> anyhow::Error {
    if let Some(trap) = e.downcast_ref::<wasmtime::Trap>() {
        if *trap == wasmtime::Trap::Interrupt {
            return anyhow!("policy evaluation exceeded its deadline");
        }
    }
    anyhow::Error::from(e).context("policy evaluation failed in the wasm module")
}

/// Compiles `wasm`, or loads compiled code cached by an earlier run.
pub fn load_module(engine: &Engine, wasm: &[u8], cache: &CodeCache) -> Result<Module> {
    let Some(dir) = cache.dir() else {
        return Ok(Module::new(engine, wasm)?);
    };
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    wasm.hash(&mut h);
    engine.precompile_compatibility_hash().hash(&mut h);
    env!("CARGO_PKG_VERSION").hash(&mut h);
    let path = dir.join(format!("podauth-{:016x}.cwasm", h.finish()));
    if path.is_file() {
        // SAFETY: the file is compiled code this crate wrote for this exact
        // module and engine configuration (the name hashes both), in the
        // user's own cache directory; wasmtime checks its header again.
        #[allow(unsafe_code)]
        let loaded = unsafe { Module::deserialize_file(engine, &path) };
        if let Ok(module) = loaded {
            return Ok(module);
        }
    }
    let module = Module::new(engine, wasm)?;
    if let Ok(bytes) = module.serialize() {
        let tmp = dir.join(format!(".tmp-{}", std::process::id()));
        let written = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&tmp, bytes))
            .and_then(|()| std::fs::rename(&tmp, &path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
    Ok(module)
}
