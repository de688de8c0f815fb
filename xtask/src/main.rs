#![allow(clippy::print_stderr)]
//! Project automation: `cargo xtask <task>`.
//!
//! - `docs [--check]`: regenerate (or verify) the README rules table and
//!   docs/rules.md from rule METADATA, docs/json-schema.md from
//!   docs/report.schema.json, the policies/README.md layout from the policy tree
//!   and the README's sample output from the CLI run on examples/: each page has
//!   one source of truth.
//! - `ci`: everything CI runs after set-up (fmt and clippy, the Wasm guest included; the Rego
//!   style check; docs check; module-cycle check; tests).
//! - `cycles [ROOT]`: fail on an import cycle between modules of the CLI or of xtask (of the
//!   checkout at ROOT, default this one).
//! - `rego-style`: the Rego conventions of policies/README.md (METADATA, imports, `input`,
//!   messages, unused library functions, whitespace).
//! - `corpus --objects N --out DIR [--seed S] [--shapes]`: a seeded benchmark estate
//!   (`--shapes`: varied pod shapes for the consistency tests).
//! - `bench [--dir DIR] [--sizes 1000,10000,100000] [--binary PATH] [--wasm]`: offline check at
//!   each size with `--timings`, printed as a table (figures only, no asserts).
//! - `bench --live [--pods N] [--runs R] [--binary PATH] [--apiserver PATH]`: live check
//!   against the local API server harness serving N generated pods (default 10000).
//! - `dist [--binary PATH] [--out DIR] [--manifest FILE] [--manifest-only]`: release archive for
//!   this platform and the krew manifest with its sha256.
mod bench;
mod bench_live;
mod corpus;
mod cycles;
mod dist;
mod docs;
mod measure;
mod rego_style;
mod report_schema;
mod samples;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = root();
    match args.first().map(String::as_str) {
        Some("docs") => docs::run(&root, args.iter().any(|a| a == "--check")),
        Some("ci") => ci(&root),
        Some("cycles") => cycles::run(&args.get(1).map_or(root.clone(), PathBuf::from)),
        Some("rego-style") => rego_style::run(&root),
        Some("dist") => dist::run(&root, &args[1..]),
        Some("corpus") => corpus::run(&args[1..]),
        Some("bench") if args.iter().any(|a| a == "--live") => bench_live::run(&root, &args[1..]),
        Some("bench") => bench::run(&root, &args[1..]),
        _ => bail!("usage: cargo xtask <docs [--check] | ci | cycles [ROOT] | rego-style | corpus --objects N --out DIR | bench [--live] | dist [--binary PATH] [--out DIR] [--manifest FILE]>"),
    }
}

/// The word after `flag` in a task's arguments (`--sizes 1000,10000`).
fn flag_value(args: &[String], flag: &str) -> Option<String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn cargo(dir: &Path, args: &[&str]) -> Result<()> {
    eprintln!("+ cargo {}", args.join(" "));
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("cargo {} failed", args.join(" "));
    }
    Ok(())
}

/// The README's "run all tests" command.
fn ci(root: &Path) -> Result<()> {
    cargo(root, &["fmt", "--all", "--check"])?;
    cargo(
        root,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // The Wasm guest is its own workspace (another target, its own lockfile):
    // linted from its directory so its `.cargo/config.toml` applies.
    let guest = root.join("wasm/guest");
    let lint_target = root.join("target/wasm-guest-clippy");
    cargo(&guest, &["fmt", "--check"])?;
    cargo(
        &guest,
        &[
            "clippy",
            "--target",
            "wasm32-unknown-unknown",
            "--target-dir",
            lint_target.to_str().context("target path is not UTF-8")?,
            "--",
            "-D",
            "warnings",
        ],
    )?;
    rego_style::run(root)?;
    docs::run(root, true)?;
    cycles::run(root)?;
    cargo(root, &["test", "--workspace"])?;
    Ok(())
}
