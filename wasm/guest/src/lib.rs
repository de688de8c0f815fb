//! regorus plus the embedded podauth policy library, behind the OPA Wasm ABI
//! (version 1.2, with the 1.3 heap exports as no-ops).
//!
//! Built for `wasm32-unknown-unknown` and post-linked by the `podauth-wasm`
//! crate's build script, which lowers the memory import minimum, turns the data
//! segments passive, and adds the two ABI version globals. See `wasm/README.md`.
//!
//! Value addresses handed to hosts are leaked `Box<regorus::Value>`s; 0 means
//! undefined. Every allocation follows the heap-pointer protocol (`alloc.rs`).

#![allow(clippy::missing_safety_doc)]

mod alloc;
mod rego_text;

use core::cell::UnsafeCell;
use podauth_policies::{entrypoint_rule, Bundle, Purpose, ENTRYPOINTS};
use regorus::{Engine, Value};

#[global_allocator]
static GLOBAL: alloc::PodauthAlloc = alloc::PodauthAlloc;

#[link(wasm_import_module = "env")]
extern "C" {
    /// Hosts throw (or trap) with the NUL-terminated message. `opa_println`
    /// and `opa_builtin0..4` are not imported: every builtin runs inside.
    fn opa_abort(addr: *const u8);
}

/// Which canonical entrypoint gets which id. A post-processing step may rewrite
/// these bytes in the finished module (see `wasm/README.md`): a 32-byte marker,
/// then the number of entrypoints `n`, then `n` canonical indexes; id `i` is
/// canonical entrypoint `bytes[33 + i]`. Read with volatile loads so the
/// compiler cannot fold the build-time value.
#[no_mangle]
#[used]
pub static PODAUTH_ENTRYPOINT_CONFIG: [u8; 64] = default_config();

const fn default_config() -> [u8; 64] {
    let marker = b"PODAUTH-ENTRYPOINT-ORDER-V1:";
    let mut blob = [0u8; 64];
    let mut i = 0;
    while i < marker.len() {
        blob[i] = marker[i];
        i += 1;
    }
    blob[32] = ENTRYPOINTS.len() as u8;
    let mut c = 0;
    while c < ENTRYPOINTS.len() {
        blob[33 + c] = c as u8;
        c += 1;
    }
    blob
}

fn entrypoint_order() -> Vec<usize> {
    let base = PODAUTH_ENTRYPOINT_CONFIG.as_ptr();
    // SAFETY: in-bounds reads of a static.
    let read = |i: usize| unsafe { core::ptr::read_volatile(base.add(i)) };
    let n = (read(32) as usize).min(30);
    let mut order = Vec::with_capacity(n);
    for i in 0..n {
        let c = read(33 + i) as usize;
        if c < ENTRYPOINTS.len() && !order.contains(&c) {
            order.push(c);
        }
    }
    if order.is_empty() {
        order = (0..ENTRYPOINTS.len()).collect();
    }
    order
}

struct State {
    /// Every library and rule, plus the generated aggregate (all rules),
    /// prepared once. Each evaluation runs on a clone.
    engine: Engine,
    /// id -> canonical index.
    order: Vec<usize>,
}

struct Global(UnsafeCell<Option<State>>);
// SAFETY: wasm32-unknown-unknown without threads: one thread only.
unsafe impl Sync for Global {}
static STATE: Global = Global(UnsafeCell::new(None));

fn abort_with(msg: &str) -> ! {
    let mut bytes = Vec::with_capacity(msg.len() + 1);
    bytes.extend_from_slice(msg.replace('\0', " ").as_bytes());
    bytes.push(0);
    // SAFETY: a NUL-terminated string in linear memory.
    unsafe { opa_abort(bytes.as_ptr()) };
    // A host whose `opa_abort` returns still gets a trap.
    core::arch::wasm32::unreachable()
}

/// Builds the persistent state on the first call of any export. Everything it
/// allocates (parsed policies, the prepared interpreter, lazily initialised
/// statics touched by the warm-up) lies below the heap pointer any host reads
/// afterwards.
fn state() -> &'static State {
    // SAFETY: single thread; the state is written once, here, and only read after.
    let slot = unsafe { &mut *STATE.0.get() };
    if slot.is_none() {
        std::panic::set_hook(Box::new(|info| abort_with(&format!("podauth: {info}"))));
        let built = build_state().unwrap_or_else(|e| abort_with(&format!("podauth: {e}")));
        *slot = Some(built);
    }
    slot.as_ref()
        .unwrap_or_else(|| abort_with("podauth: no state"))
}

fn build_state() -> Result<State, String> {
    let bundle = Bundle::embedded();
    let mut engine = Engine::new();
    let ids: Vec<&str> = bundle.rules.iter().map(|r| r.meta.id.as_str()).collect();
    bundle.load_into(Purpose::Evaluate(&ids), |path, text| {
        engine.add_policy(path, text).map(drop)
    })?;
    // Prepares the interpreter (analysis, schedule) on the persistent engine so
    // clones start prepared.
    engine.set_input(
        Value::from_json_str(r#"{"objects":[],"context":[],"parameters":{}}"#)
            .map_err(|e| e.to_string())?,
    );
    // `data.podauth.deny` touches only the rules, so a problem in one
    // entrypoint's own rules cannot stop the module from loading.
    engine
        .eval_rule("data.podauth.deny".into())
        .map_err(|e| format!("preparing: {e}"))?;
    warm_up(&mut engine);
    Ok(State {
        engine,
        order: entrypoint_order(),
    })
}

const WARM_UP_INPUT: &str = r#"{"objects":[{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","namespace":"n","annotations":{"a":"b"}},"spec":{"template":{"metadata":{"labels":{"app":"w"}},"spec":{"serviceAccountName":"sa","containers":[{"name":"c","image":"r/i:1","env":[{"name":"AWS_ACCESS_KEY_ID","value":"AKIAIOSFODNN7EXAMPLE"},{"name":"AWS_REGION","value":"us-east-1"}]}]}}}},{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"sa","namespace":"n","annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::111122223333:role/r"}}}],"context":[],"parameters":{}}"#;

/// Evaluates every entrypoint on the persistent engine, with and without
/// `data`, so builtin tables, regex internals and other lazily built statics
/// exist before the first checkpoint, and so the interpreter's cache of what
/// each call site resolves to is full: every clone (one per evaluation) starts
/// with it.
fn warm_up(engine: &mut Engine) {
    let input = Value::from_json_str(WARM_UP_INPUT).unwrap_or(Value::Undefined);
    let review = Value::from_json_str(
        r#"{"review":{"object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n"},"spec":{"containers":[{"name":"c","image":"i","env":[{"name":"AWS_SECRET_ACCESS_KEY","value":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}]}]}}},"request":{"uid":"u","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n"},"spec":{"containers":[{"name":"c","image":"i"}]}}},"parameters":{}}"#,
    )
    .unwrap_or(Value::Undefined);
    let data = Value::from_json_str(r#"{"kubernetes":{"serviceaccounts":{}}}"#)
        .unwrap_or(Value::Undefined);
    for canonical in 0..ENTRYPOINTS.len() {
        let input = if canonical == 0 { &input } else { &review };
        // Errors surface again on the host's own evaluations.
        let _ = evaluate_on(engine, canonical, None, Some(input.clone()));
        let _ = evaluate_on(engine, canonical, Some(&data), Some(input.clone()));
    }
    engine.set_input(Value::new_object());
}

/// Evaluates entrypoint `id`, aborting on errors.
fn evaluate_or_abort(
    state: &State,
    id: usize,
    data: Option<&Value>,
    input: Option<Value>,
) -> Value {
    evaluate(state, id, data, input).unwrap_or_else(|e| abort_with(&e))
}

/// Evaluates entrypoint `id`; the OPA result set as a value: `[{"result": v}]`,
/// or `[]` when undefined.
fn evaluate(
    state: &State,
    id: usize,
    data: Option<&Value>,
    input: Option<Value>,
) -> Result<Value, String> {
    let Some(&canonical) = state.order.get(id) else {
        return Err("internal: illegal entrypoint id".into());
    };
    evaluate_on(&mut state.engine.clone(), canonical, data, input)
}

/// Evaluates entrypoint `canonical` (an index of `ENTRYPOINTS`) on `engine`.
fn evaluate_on(
    engine: &mut Engine,
    canonical: usize,
    data: Option<&Value>,
    input: Option<Value>,
) -> Result<Value, String> {
    let rule = entrypoint_rule(ENTRYPOINTS[canonical]);
    let data_keys: Vec<Value> = data
        .and_then(|d| d.as_object().ok())
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let value = if data_keys.is_empty() {
        engine.set_input(input.unwrap_or_else(Value::new_object));
        engine
            .eval_rule(rule)
            .map_err(|e| format!("podauth: {}: {e}", ENTRYPOINTS[canonical]))?
    } else {
        // `Engine::add_data` would make regorus re-analyse every module on
        // each evaluation. The data goes in through `with` modifiers instead:
        // the real input and data travel in a wrapper input, and the query
        // puts each back in place.
        let data = data.cloned().unwrap_or(Value::Undefined);
        let mut query = format!("__podauth_result = {rule}");
        let mut wrapper = Value::new_object();
        let map = wrapper.as_object_mut().map_err(|e| e.to_string())?;
        if let Some(input) = input {
            map.insert(Value::from("input"), input);
            query.push_str(" with input as input.input");
        } else {
            query.push_str(" with input as {}");
        }
        for key in &data_keys {
            let Ok(name) = key.as_string() else { continue };
            // The policies own `data.podauth`; only identifier keys can be targets.
            let ident = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if ident && name.as_ref() != "podauth" {
                query.push_str(&format!(" with data.{name} as input.data.{name}"));
            }
        }
        map.insert(Value::from("data"), data);
        engine.set_input(wrapper);
        let results = engine
            .eval_query(query, false)
            .map_err(|e| format!("podauth: {}: {e}", ENTRYPOINTS[canonical]))?;
        results
            .result
            .first()
            .and_then(|r| r.bindings.as_object().ok())
            .and_then(|b| b.get(&Value::from("__podauth_result")).cloned())
            .unwrap_or(Value::Undefined)
    };
    if value == Value::Undefined {
        return Ok(Value::from(Vec::<Value>::new()));
    }
    let mut row = Value::new_object();
    if let Ok(map) = row.as_object_mut() {
        map.insert(Value::from("result"), value);
    }
    Ok(Value::from(vec![row]))
}

// ---------------------------------------------------------------- values

fn leak_value(v: Value) -> i32 {
    Box::into_raw(Box::new(v)) as i32
}

/// The value at `addr`, or `None` for 0 (undefined).
fn value_at<'a>(addr: i32) -> Option<&'a mut Value> {
    if addr == 0 {
        None
    } else {
        // SAFETY: non-zero value addresses come from `leak_value`.
        Some(unsafe { &mut *(addr as *mut Value) })
    }
}

fn leak_cstring(s: String) -> i32 {
    let mut bytes = s.into_bytes();
    bytes.push(0);
    let ptr = bytes.as_ptr() as i32;
    core::mem::forget(bytes);
    ptr
}

fn bytes_at<'a>(addr: i32, len: i32) -> &'a [u8] {
    if len <= 0 {
        return &[];
    }
    // SAFETY: the host passes a range of linear memory it wrote.
    unsafe { core::slice::from_raw_parts(addr as usize as *const u8, len as usize) }
}

/// Compact JSON, as OPA's `opa_json_dump` writes it (sets become arrays,
/// non-string keys their JSON text).
fn json_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| abort_with(&format!("podauth: dumping value: {e}")))
}

/// Parses JSON text. Trailing NULs are ignored: some hosts (the `opa-wasm`
/// crate) pass the length of a C string including its terminator, which
/// OPA's own parser accepts.
fn parse_json(bytes: &[u8]) -> Option<Value> {
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    let text = core::str::from_utf8(&bytes[..end]).ok()?;
    Value::from_json_str(text).ok()
}

// ---------------------------------------------------------------- exports: memory

#[no_mangle]
pub extern "C" fn opa_malloc(size: i32) -> i32 {
    state();
    let p = alloc::malloc(size.max(0) as usize);
    if p.is_null() {
        abort_with("opa_malloc: out of memory");
    }
    p as i32
}

/// A no-op: blocks are reclaimed by `opa_heap_ptr_set`.
#[no_mangle]
pub extern "C" fn opa_free(_addr: i32) {
    state();
}

#[no_mangle]
pub extern "C" fn opa_heap_ptr_get() -> i32 {
    state();
    alloc::heap_ptr_get() as i32
}

#[no_mangle]
pub extern "C" fn opa_heap_ptr_set(addr: i32) {
    state();
    alloc::heap_ptr_set(addr as u32 as usize);
}

/// ABI 1.3: a no-op (values are reclaimed by `opa_heap_ptr_set`).
#[no_mangle]
pub extern "C" fn opa_value_free(_addr: i32) {
    state();
}

/// ABI 1.3: no free lists survive a heap reset here, so nothing to stash.
#[no_mangle]
pub extern "C" fn opa_heap_blocks_stash() {
    state();
}

#[no_mangle]
pub extern "C" fn opa_heap_blocks_restore() {
    state();
}

#[no_mangle]
pub extern "C" fn opa_heap_stash_clear() {
    state();
}

// ---------------------------------------------------------------- exports: values

#[no_mangle]
pub extern "C" fn opa_json_parse(addr: i32, len: i32) -> i32 {
    state();
    parse_json(bytes_at(addr, len)).map_or(0, leak_value)
}

#[no_mangle]
pub extern "C" fn opa_value_parse(addr: i32, len: i32) -> i32 {
    state();
    let bytes = bytes_at(addr, len);
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    parse_json(bytes)
        .or_else(|| rego_text::parse(core::str::from_utf8(&bytes[..end]).ok()?))
        .map_or(0, leak_value)
}

#[no_mangle]
pub extern "C" fn opa_json_dump(addr: i32) -> i32 {
    state();
    let text = match value_at(addr) {
        Some(v) => json_text(v),
        None => "null".to_string(),
    };
    leak_cstring(text)
}

#[no_mangle]
pub extern "C" fn opa_value_dump(addr: i32) -> i32 {
    state();
    let text = match value_at(addr) {
        Some(v) => rego_text::dump(v),
        None => "null".to_string(),
    };
    leak_cstring(text)
}

const OPA_ERR_OK: i32 = 0;
const OPA_ERR_INVALID_TYPE: i32 = 2;
const OPA_ERR_INVALID_PATH: i32 = 3;

fn path_keys(path: i32) -> Result<Vec<Value>, i32> {
    let path = value_at(path).ok_or(OPA_ERR_INVALID_PATH)?;
    let keys = path.as_array().map_err(|_| OPA_ERR_INVALID_TYPE)?;
    if keys.is_empty() {
        return Err(OPA_ERR_INVALID_PATH);
    }
    Ok(keys.iter().cloned().collect())
}

/// What `opa_value_add_path` and `opa_value_remove_path` start from: the
/// path's keys and the base value they walk, or the ABI error code.
fn path_edit<'a>(base: i32, path: i32) -> Result<(Vec<Value>, &'a mut Value), i32> {
    state();
    let keys = path_keys(path)?;
    let base = value_at(base).ok_or(OPA_ERR_INVALID_TYPE)?;
    Ok((keys, base))
}

#[no_mangle]
pub extern "C" fn opa_value_add_path(base: i32, path: i32, value: i32) -> i32 {
    let (keys, mut cur) = match path_edit(base, path) {
        Ok(edit) => edit,
        Err(e) => return e,
    };
    let value = value_at(value).map_or(Value::Undefined, |v| v.clone());
    let (last, parents) = keys.split_last().expect("non-empty path");
    for key in parents {
        let Ok(map) = cur.as_object_mut() else {
            return OPA_ERR_INVALID_TYPE;
        };
        if map.get(key).is_none() {
            map.insert(key.clone(), Value::new_object());
        }
        cur = match map.get_mut(key) {
            Some(v) => v,
            None => return OPA_ERR_INVALID_PATH,
        };
    }
    match cur.as_object_mut() {
        Ok(map) => {
            map.insert(last.clone(), value);
            OPA_ERR_OK
        }
        Err(_) => OPA_ERR_INVALID_TYPE,
    }
}

#[no_mangle]
pub extern "C" fn opa_value_remove_path(base: i32, path: i32) -> i32 {
    let (keys, mut cur) = match path_edit(base, path) {
        Ok(edit) => edit,
        Err(e) => return e,
    };
    let (last, parents) = keys.split_last().expect("non-empty path");
    for key in parents {
        let Ok(map) = cur.as_object_mut() else {
            return OPA_ERR_INVALID_PATH;
        };
        cur = match map.get_mut(key) {
            Some(v) => v,
            None => return OPA_ERR_INVALID_PATH,
        };
    }
    match cur.as_object_mut() {
        Ok(map) => {
            map.remove(last);
            OPA_ERR_OK
        }
        Err(_) => OPA_ERR_INVALID_PATH,
    }
}

// ---------------------------------------------------------------- exports: evaluation

/// Evaluation context; OPA's layout (input@0, data@4, result@8, entrypoint@12).
#[repr(C)]
struct Ctx {
    input: i32,
    data: i32,
    result: i32,
    entrypoint: i32,
}

#[no_mangle]
pub extern "C" fn builtins() -> i32 {
    state();
    // Every builtin is implemented inside the module.
    leak_value(Value::new_object())
}

#[no_mangle]
pub extern "C" fn entrypoints() -> i32 {
    let state = state();
    let mut map = Value::new_object();
    if let Ok(m) = map.as_object_mut() {
        for (id, &c) in state.order.iter().enumerate() {
            m.insert(Value::from(ENTRYPOINTS[c]), Value::from(id as i64));
        }
    }
    leak_value(map)
}

#[no_mangle]
pub extern "C" fn opa_eval_ctx_new() -> i32 {
    state();
    Box::into_raw(Box::new(Ctx {
        input: 0,
        data: 0,
        result: 0,
        entrypoint: 0,
    })) as i32
}

fn ctx_at<'a>(ctx: i32) -> &'a mut Ctx {
    if ctx == 0 {
        abort_with("podauth: null evaluation context");
    }
    // SAFETY: contexts come from `opa_eval_ctx_new`.
    unsafe { &mut *(ctx as *mut Ctx) }
}

#[no_mangle]
pub extern "C" fn opa_eval_ctx_set_input(ctx: i32, value: i32) {
    state();
    ctx_at(ctx).input = value;
}

#[no_mangle]
pub extern "C" fn opa_eval_ctx_set_data(ctx: i32, value: i32) {
    state();
    ctx_at(ctx).data = value;
}

#[no_mangle]
pub extern "C" fn opa_eval_ctx_set_entrypoint(ctx: i32, id: i32) {
    state();
    ctx_at(ctx).entrypoint = id;
}

#[no_mangle]
pub extern "C" fn opa_eval_ctx_get_result(ctx: i32) -> i32 {
    state();
    ctx_at(ctx).result
}

#[no_mangle]
pub extern "C" fn eval(ctx: i32) -> i32 {
    let state = state();
    let c = ctx_at(ctx);
    if c.entrypoint < 0 {
        abort_with("internal: illegal entrypoint id");
    }
    let input = value_at(c.input).map(|v| v.clone());
    let data = value_at(c.data).map(|v| &*v);
    let result = evaluate_or_abort(state, c.entrypoint as usize, data, input);
    c.result = leak_value(result);
    0
}

/// The fast path (ABI 1.2): one call per evaluation.
#[no_mangle]
pub extern "C" fn opa_eval(
    reserved: i32,
    entrypoint: i32,
    data: i32,
    input: i32,
    input_len: i32,
    heap_ptr: i32,
    format: i32,
) -> i32 {
    let state = state();
    if reserved != 0 {
        abort_with("opa_eval: reserved argument must be 0");
    }
    if entrypoint < 0 {
        abort_with("internal: illegal entrypoint id");
    }
    alloc::heap_ptr_set(heap_ptr as u32 as usize);
    let input = if input_len > 0 {
        Some(
            parse_json(bytes_at(input, input_len))
                .unwrap_or_else(|| abort_with("opa_eval: input is not valid JSON")),
        )
    } else {
        None
    };
    let data = value_at(data).map(|v| &*v);
    let result = evaluate_or_abort(state, entrypoint as usize, data, input);
    leak_cstring(if format == 1 {
        rego_text::dump(&result)
    } else {
        json_text(&result)
    })
}

// ---------------------------------------------------------------- getrandom

/// regorus `std` links getrandom; nothing the policies use needs randomness
/// (`rand.intn` is the only consumer). A fixed xorshift keeps it deterministic.
#[no_mangle]
unsafe extern "Rust" fn __getrandom_v03_custom(
    dest: *mut u8,
    len: usize,
) -> Result<(), getrandom::Error> {
    static mut SEED: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..len {
        // SAFETY: single thread; `dest` has `len` writable bytes.
        unsafe {
            let mut x = SEED;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            SEED = x;
            *dest.add(i) = x as u8;
        }
    }
    Ok(())
}
