//! A host that drives the module exactly as Kubewarden's burrego evaluator
//! does (`kubewarden/policy-evaluator:crates/burrego`): a fresh instance per
//! request with a fixed 5-page memory, data then input pushed through
//! malloc + json_parse, entrypoint 0 through the ctx path. The Kubewarden
//! tests, the export tests and the benchmark all use this one copy.
use anyhow::{bail, Context, Result};
use serde_json::Value;
use wasmtime::{Caller, Engine, Linker, Memory, MemoryType, Module, Store};

pub struct Burrego {
    engine: Engine,
    module: Module,
}

impl Burrego {
    pub fn new(wasm: &[u8]) -> Burrego {
        let engine = Engine::default();
        let module = Module::new(&engine, wasm).expect("module compiles");
        Burrego { engine, module }
    }

    pub fn from_module(engine: Engine, module: Module) -> Burrego {
        Burrego { engine, module }
    }

    /// One admission request: instantiate, push data then input, evaluate entrypoint 0.
    pub fn evaluate(&self, data: &Value, input: &Value) -> Result<Value> {
        let mut store = Store::new(&self.engine, ());
        let memory = Memory::new(&mut store, MemoryType::new(5, None))?;
        let mut linker = Linker::new(&self.engine);
        linker.define(&store, "env", "memory", memory)?;
        linker.func_wrap(
            "env",
            "opa_abort",
            |mut caller: Caller<'_, ()>, addr: i32| -> wasmtime::Result<()> {
                let mem = caller
                    .get_export("memory")
                    .and_then(|e| e.into_memory())
                    .ok_or_else(|| wasmtime::format_err!("no memory export"))?;
                let data = mem.data(&caller);
                let start = addr as usize;
                let end = start + data[start..].iter().position(|&b| b == 0).unwrap_or(0);
                wasmtime::bail!("opa_abort: {}", String::from_utf8_lossy(&data[start..end]))
            },
        )?;
        linker.func_wrap("env", "opa_println", |_: i32| {})?;
        linker.func_wrap(
            "env",
            "opa_builtin0",
            |_: i32, _: i32| -> wasmtime::Result<i32> { wasmtime::bail!("builtin0 called") },
        )?;
        linker.func_wrap(
            "env",
            "opa_builtin1",
            |_: i32, _: i32, _: i32| -> wasmtime::Result<i32> {
                wasmtime::bail!("builtin1 called")
            },
        )?;
        linker.func_wrap(
            "env",
            "opa_builtin2",
            |_: i32, _: i32, _: i32, _: i32| -> wasmtime::Result<i32> {
                wasmtime::bail!("builtin2 called")
            },
        )?;
        linker.func_wrap(
            "env",
            "opa_builtin3",
            |_: i32, _: i32, _: i32, _: i32, _: i32| -> wasmtime::Result<i32> {
                wasmtime::bail!("builtin3 called")
            },
        )?;
        linker.func_wrap(
            "env",
            "opa_builtin4",
            |_: i32, _: i32, _: i32, _: i32, _: i32, _: i32| -> wasmtime::Result<i32> {
                wasmtime::bail!("builtin4 called")
            },
        )?;
        let instance = linker.instantiate(&mut store, &self.module)?;
        let f0 =
            |store: &mut Store<()>, name: &str| instance.get_typed_func::<(), i32>(store, name);
        let f1 =
            |store: &mut Store<()>, name: &str| instance.get_typed_func::<i32, i32>(store, name);
        let f2 = |store: &mut Store<()>, name: &str| {
            instance.get_typed_func::<(i32, i32), i32>(store, name)
        };

        // Policy::new: builtins (must be empty), entrypoints, then the base heap pointer.
        let dump = f1(&mut store, "opa_json_dump")?;
        let builtins = f0(&mut store, "builtins")?.call(&mut store, ())?;
        let builtins = dump.call(&mut store, builtins)?;
        let builtins = read(&store, memory, builtins)?;
        if builtins != "{}" {
            bail!("the module asks for host builtins: {builtins}");
        }
        let _ = f0(&mut store, "entrypoints")?.call(&mut store, ())?;
        let heap_get = f0(&mut store, "opa_heap_ptr_get")?;
        let heap_set = instance.get_typed_func::<i32, ()>(&mut store, "opa_heap_ptr_set")?;
        let malloc = f1(&mut store, "opa_malloc")?;
        let parse = f2(&mut store, "opa_json_parse")?;
        let base = heap_get.call(&mut store, ())?;

        let push = |store: &mut Store<()>, v: &Value| -> Result<i32> {
            let bytes = serde_json::to_vec(v)?;
            let addr = malloc.call(&mut *store, bytes.len() as i32)?;
            memory.write(&mut *store, addr as usize, &bytes)?;
            let value = parse.call(&mut *store, (addr, bytes.len() as i32))?;
            if value == 0 {
                bail!("opa_json_parse failed");
            }
            Ok(value)
        };
        heap_set.call(&mut store, base)?;
        let data_addr = push(&mut store, data)?;
        let data_heap = heap_get.call(&mut store, ())?;
        heap_set.call(&mut store, data_heap)?;
        let input_addr = push(&mut store, input)?;

        let ctx = f0(&mut store, "opa_eval_ctx_new")?.call(&mut store, ())?;
        instance
            .get_typed_func::<(i32, i32), ()>(&mut store, "opa_eval_ctx_set_input")?
            .call(&mut store, (ctx, input_addr))?;
        instance
            .get_typed_func::<(i32, i32), ()>(&mut store, "opa_eval_ctx_set_data")?
            .call(&mut store, (ctx, data_addr))?;
        instance
            .get_typed_func::<(i32, i32), ()>(&mut store, "opa_eval_ctx_set_entrypoint")?
            .call(&mut store, (ctx, 0))?;
        f1(&mut store, "eval")?.call(&mut store, ctx)?;
        let result = f1(&mut store, "opa_eval_ctx_get_result")?.call(&mut store, ctx)?;
        let text = dump.call(&mut store, result)?;
        let text = read(&store, memory, text)?;
        Ok(serde_json::from_str(&text)?)
    }
}

fn read(store: &Store<()>, memory: Memory, addr: i32) -> Result<String> {
    let data = memory.data(store);
    let start = addr as usize;
    let len = data[start..]
        .iter()
        .position(|&b| b == 0)
        .context("unterminated")?;
    Ok(String::from_utf8(data[start..start + len].to_vec())?)
}
