//! Builds the guest (`../guest`, a standalone wasm32-unknown-unknown crate) with
//! a nested cargo, post-links it (`src/postlink.rs`) and leaves the finished
//! module in `$OUT_DIR/podauth.wasm` for `include_bytes!`.
//!
//! `PODAUTH_WASM_MODULE=/path/podauth_wasm_guest.wasm` skips the nested build
//! and post-links that file instead.
#[path = "src/postlink.rs"]
mod postlink;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let guest = manifest_dir.join("../guest");
    let policies = manifest_dir.join("../../policies");
    // The guest evaluates with the vendored regorus (vendor/regorus/PODAUTH-PATCH.md).
    let regorus = manifest_dir.join("../../vendor/regorus");
    for path in [
        guest.join("src"),
        guest.join("Cargo.toml"),
        guest.join("Cargo.lock"),
        guest.join(".cargo/config.toml"),
        policies.join("lib"),
        policies.join("entrypoints"),
        policies.join("products"),
        policies.join("rules"),
        policies.join("src"),
        policies.join("build.rs"),
        policies.join("Cargo.toml"),
        manifest_dir.join("src/postlink.rs"),
        regorus.join("src"),
        regorus.join("Cargo.toml"),
    ] {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!("cargo:rerun-if-env-changed=PODAUTH_WASM_MODULE");

    let raw = match env::var_os("PODAUTH_WASM_MODULE") {
        Some(path) => PathBuf::from(path),
        None => build_guest(&guest, &out_dir),
    };
    let bytes = fs::read(&raw).unwrap_or_else(|e| panic!("reading {}: {e}", raw.display()));
    let module = postlink::finish(&bytes)
        .unwrap_or_else(|e| panic!("post-linking {}: {e:#}", raw.display()));
    fs::write(out_dir.join("podauth.wasm"), module).expect("writing podauth.wasm");
}

/// `<workspace target>/wasm-guest`, found from OUT_DIR
/// (`<target>/[<triple>/]<profile>/build/<pkg>-<hash>/out`).
fn guest_target_dir(out_dir: &Path) -> PathBuf {
    let build = out_dir
        .ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "build"))
        .expect("OUT_DIR under a build directory");
    let profile_parent = build
        .parent()
        .and_then(Path::parent)
        .expect("target directory");
    profile_parent.join("wasm-guest")
}

fn build_guest(guest: &Path, out_dir: &Path) -> PathBuf {
    let target_dir = guest_target_dir(out_dir);
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(guest)
        .args(["build", "--release", "--target", "wasm32-unknown-unknown"])
        .arg("--manifest-path")
        .arg(guest.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir);
    // Whatever the outer build was told (flags, profiles, a clippy or
    // coverage wrapper) must not leak into the wasm build; the jobserver
    // (CARGO_MAKEFLAGS) and CARGO_HOME are kept.
    for (key, _) in env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        let strip = (key.starts_with("CARGO_")
            && !matches!(key, "CARGO_HOME" | "CARGO_MAKEFLAGS" | "CARGO_TARGET_DIR"))
            || matches!(
                key,
                "RUSTFLAGS"
                    | "RUSTDOCFLAGS"
                    | "RUSTC_WORKSPACE_WRAPPER"
                    | "RUSTC_WRAPPER"
                    | "RUSTC"
                    | "RUSTDOC"
            );
        if strip {
            cmd.env_remove(key);
        }
    }
    let status = cmd.status().expect("running cargo for the wasm guest");
    if !status.success() {
        panic!(
            "building the wasm guest failed ({status}); is the target installed? `rustup target add wasm32-unknown-unknown`"
        );
    }
    target_dir.join("wasm32-unknown-unknown/release/podauth_wasm_guest.wasm")
}
