#![allow(clippy::print_stderr)]
//! Project automation: `cargo xtask <task>`.
//!
//! - `docs [--check]`: regenerate (or verify) the README rules table and
//!   docs/rules.md from rule METADATA, the one source of truth.
//! - `ci`: everything CI runs after set-up (fmt, clippy, docs check, tests).
mod docs;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = root();
    match args.first().map(String::as_str) {
        Some("docs") => docs::run(&root, args.iter().any(|a| a == "--check")),
        Some("ci") => ci(&root),
        _ => bail!("usage: cargo xtask <docs [--check] | ci>"),
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    eprintln!("+ cargo {}", args.join(" "));
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(root)
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
    docs::run(root, true)?;
    cargo(root, &["test", "--workspace"])?;
    Ok(())
}
