//! Post-link rewrites of the guest module, with walrus. Shared by `build.rs`
//! (which produces [`crate::MODULE`]) and the library (export steps, tests).
//!
//! - The `env.memory` import's declared minimum becomes [`MEMORY_MIN_PAGES`];
//!   every active data segment becomes passive, and a start function grows the
//!   memory to what the module needs and copies the segments in.
//! - The ABI version globals are added as immutable i32 constants.
#![allow(dead_code)] // build.rs and the library each use a part

use anyhow::{anyhow, bail, Context, Result};
use walrus::ir::{BinaryOp, Value};
use walrus::{ConstExpr, DataKind, ExportItem, FunctionBuilder, GlobalKind, Module, ValType};

/// Declared minimum of the memory import: what every OPA host supplies.
pub const MEMORY_MIN_PAGES: u64 = 2;
pub const ABI_VERSION: i32 = 1;
pub const ABI_MINOR_VERSION: i32 = 2;
pub const ABI_VERSION_EXPORT: &str = "opa_wasm_abi_version";
pub const ABI_MINOR_VERSION_EXPORT: &str = "opa_wasm_abi_minor_version";

/// The marker in front of the entrypoint-order blob (see `wasm/README.md`).
pub const ENTRYPOINT_MARKER: &[u8; 28] = b"PODAUTH-ENTRYPOINT-ORDER-V1:";

fn const_i32(expr: &ConstExpr) -> Option<i32> {
    match expr {
        ConstExpr::Value(Value::I32(v)) => Some(*v),
        _ => None,
    }
}

/// Copies `segments` (offset, bytes) into memory from a new start function that
/// first grows the memory to `pages`, then calls `then` (the linker's own start
/// function, which zeroes `.bss`); replaces any start function and every data
/// segment the module had.
fn set_memory_image(
    module: &mut Module,
    memory: walrus::MemoryId,
    pages: i32,
    segments: &[(i32, Vec<u8>)],
    then: Option<walrus::FunctionId>,
) {
    let old: Vec<_> = module.data.iter().map(|d| d.id()).collect();
    for id in old {
        module.data.delete(id);
    }
    module.memories.get_mut(memory).data_segments.clear();
    let ids: Vec<(walrus::DataId, i32, i32)> = segments
        .iter()
        .map(|(offset, bytes)| {
            (
                module.data.add(DataKind::Passive, bytes.clone()),
                *offset,
                bytes.len() as i32,
            )
        })
        .collect();
    let mut start = FunctionBuilder::new(&mut module.types, &[], &[]);
    {
        let mut body = start.func_body();
        body.memory_size(memory)
            .i32_const(pages)
            .binop(BinaryOp::I32LtU)
            .if_else(
                None,
                |then| {
                    then.i32_const(pages)
                        .memory_size(memory)
                        .binop(BinaryOp::I32Sub)
                        .memory_grow(memory)
                        .i32_const(-1)
                        .binop(BinaryOp::I32Eq)
                        .if_else(
                            None,
                            |oom| {
                                oom.unreachable();
                            },
                            |_| {},
                        );
                },
                |_| {},
            );
        if let Some(f) = then {
            body.call(f);
        }
        for (data, offset, len) in &ids {
            body.i32_const(*offset)
                .i32_const(0)
                .i32_const(*len)
                .memory_init(memory, *data)
                .data_drop(*data);
        }
    }
    let start = start.finish(vec![], &mut module.funcs);
    module.start = Some(start);
}

/// A copy of `wasm` that exports each mutable i32 global as
/// `podauth_snapshot_global_<n>` (n: its position), so a snapshot can read them.
pub fn export_mutable_globals(wasm: &[u8]) -> Result<(Vec<u8>, Vec<String>)> {
    let mut module = Module::from_buffer(wasm)?;
    let globals: Vec<_> = module
        .globals
        .iter()
        .enumerate()
        .filter(|(_, g)| {
            g.mutable && g.ty == ValType::I32 && matches!(g.kind, GlobalKind::Local(_))
        })
        .map(|(n, g)| (n, g.id()))
        .collect();
    let mut names = Vec::new();
    for (n, id) in globals {
        let name = format!("podauth_snapshot_global_{n}");
        module.exports.add(&name, id);
        names.push(name);
    }
    Ok((module.emit_wasm(), names))
}

/// A module whose memory starts as `image` (a snapshot of an initialised
/// instance's memory up to its heap pointer): the non-zero runs of the image
/// become the data segments.
pub fn with_memory_image(wasm: &[u8], image: &[u8], globals: &[(String, i32)]) -> Result<Vec<u8>> {
    let mut module = Module::from_buffer(wasm)?;
    let positions: Vec<_> = module.globals.iter().map(|g| g.id()).collect();
    for (name, value) in globals {
        let n: usize = name
            .strip_prefix("podauth_snapshot_global_")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| anyhow!("bad global name {name}"))?;
        let id = *positions.get(n).ok_or_else(|| anyhow!("no global {n}"))?;
        module.globals.get_mut(id).kind = GlobalKind::Local(ConstExpr::Value(Value::I32(*value)));
    }
    let memory = module
        .memories
        .iter()
        .next()
        .ok_or_else(|| anyhow!("no memory"))?
        .id();
    // Runs of non-zero bytes, joined across zero gaps shorter than 32 bytes.
    let mut segments: Vec<(i32, Vec<u8>)> = Vec::new();
    let mut i = 0;
    while i < image.len() {
        if image[i] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        while i < image.len() {
            if image[i] != 0 {
                end = i + 1;
                i += 1;
            } else if i - end < 32 {
                i += 1;
            } else {
                break;
            }
        }
        segments.push((start as i32, image[start..end].to_vec()));
    }
    let pages = (image.len() as u64).div_ceil(65536).max(MEMORY_MIN_PAGES) as i32;
    // The snapshot already holds `.bss`: the linker's start function must not run again.
    set_memory_image(&mut module, memory, pages, &segments, None);
    walrus::passes::gc::run(&mut module);
    Ok(module.emit_wasm())
}

/// Turns the linker's output into the module hosts load.
pub fn finish(wasm: &[u8]) -> Result<Vec<u8>> {
    let mut module = Module::from_buffer(wasm).context("parsing the guest module")?;

    let memory = module
        .memories
        .iter()
        .next()
        .ok_or_else(|| anyhow!("the guest has no memory"))?
        .id();
    if module.memories.get(memory).import.is_none() {
        bail!("the guest memory must be imported (link with --import-memory)");
    }

    // Everything the linker laid out: the stack, static data, then `__heap_base`.
    let mut needed_bytes: u64 = 0;
    for export in module.exports.iter() {
        if export.name == "__heap_base" {
            if let ExportItem::Global(g) = export.item {
                if let GlobalKind::Local(init) = &module.globals.get(g).kind {
                    needed_bytes = const_i32(init).unwrap_or(0) as u32 as u64;
                }
            }
        }
    }
    let mut segments = Vec::new();
    for data in module.data.iter() {
        if let DataKind::Active { offset, .. } = &data.kind {
            let offset = const_i32(offset)
                .ok_or_else(|| anyhow!("a data segment has a non-constant offset"))?;
            needed_bytes = needed_bytes.max(offset as u32 as u64 + data.value.len() as u64);
            segments.push((offset, data.value.clone()));
        }
    }
    let needed_pages = needed_bytes.div_ceil(65536).max(MEMORY_MIN_PAGES) as i32;
    module.memories.get_mut(memory).initial = MEMORY_MIN_PAGES;
    // wasm-ld's start function zeroes `.bss` (an imported memory may not be
    // zeroed); it runs once memory has grown, before the segments are copied.
    let linker_start = module.start.take();
    set_memory_image(&mut module, memory, needed_pages, &segments, linker_start);

    // Linker symbols hosts have no use for, and any earlier ABI globals.
    let drop: Vec<_> = module
        .exports
        .iter()
        .filter(|e| {
            matches!(
                e.name.as_str(),
                "__heap_base" | "__data_end" | ABI_VERSION_EXPORT | ABI_MINOR_VERSION_EXPORT
            )
        })
        .map(|e| e.id())
        .collect();
    for id in drop {
        module.exports.delete(id);
    }
    for (name, value) in [
        (ABI_VERSION_EXPORT, ABI_VERSION),
        (ABI_MINOR_VERSION_EXPORT, ABI_MINOR_VERSION),
    ] {
        let g = module.globals.add_local(
            ValType::I32,
            false,
            false,
            ConstExpr::Value(Value::I32(value)),
        );
        module.exports.add(name, g);
    }
    walrus::passes::gc::run(&mut module);
    let out = module.emit_wasm();
    if find_marker(&out).is_err() {
        bail!("the entrypoint-order marker is missing from the module, or not unique");
    }
    Ok(out)
}

/// A copy of `wasm` whose `opa_wasm_abi_minor_version` global holds `minor`
/// (tests use it to drive hosts down their pre-1.2 paths).
pub fn with_abi_minor(wasm: &[u8], minor: i32) -> Result<Vec<u8>> {
    let mut module = Module::from_buffer(wasm)?;
    let global = module
        .exports
        .iter()
        .find(|e| e.name == ABI_MINOR_VERSION_EXPORT)
        .and_then(|e| match e.item {
            ExportItem::Global(g) => Some(g),
            _ => None,
        })
        .ok_or_else(|| anyhow!("no {ABI_MINOR_VERSION_EXPORT} export"))?;
    module.globals.get_mut(global).kind = GlobalKind::Local(ConstExpr::Value(Value::I32(minor)));
    Ok(module.emit_wasm())
}

pub fn find_marker(wasm: &[u8]) -> Result<usize> {
    let hits: Vec<usize> = wasm
        .windows(ENTRYPOINT_MARKER.len())
        .enumerate()
        .filter(|(_, w)| w == ENTRYPOINT_MARKER)
        .map(|(i, _)| i)
        .collect();
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => bail!("entrypoint-order marker not found"),
        _ => bail!("entrypoint-order marker found {} times", hits.len()),
    }
}
