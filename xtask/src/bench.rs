//! `cargo xtask bench [--dir DIR] [--sizes 1000,10000,100000] [--workloads PCT] [--binary PATH] [--wasm]`:
//! offline `check` at several corpus sizes, with the CLI's own `--timings`
//! figures. `--workloads 50` measures corpora where half the objects are
//! workloads (`cargo xtask corpus --workloads 50`) instead of the default mix.
//! (`cargo xtask bench --live [--pods N]`: live check against the local API
//! server, in `bench_live.rs`.)
//!
//! Generates seeded corpora (seed 1, as `cargo xtask corpus`) under DIR (default
//! a directory in the system temp dir, kept for reuse), runs the release binary
//! when it exists (else the debug one, and says so; `--binary` picks another),
//! and prints wall time, the per-phase times, CPU time (user + system, from
//! `/usr/bin/time` when present), peak RSS, objects/s and the growth factor
//! between sizes.
//! It prints figures and asserts nothing. With `--wasm` it also runs the Wasm
//! admission benchmark (`cargo test -p podauth-wasm --bench wasm`).
#![allow(clippy::print_stdout)]

use crate::measure::{cores, cpu_and_rss, parse_timings, phase_ms, select_binary, timed};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const PHASES: [&str; 6] = ["read", "parse", "normalise", "evaluate", "output", "total"];

struct Run {
    objects: usize,
    wall_ms: f64,
    /// Phase name -> milliseconds, as `--timings` printed them.
    phases: Vec<(String, f64)>,
    peak_rss_mib: Option<f64>,
    cpu_s: Option<f64>,
}

impl Run {
    fn phase(&self, name: &str) -> Option<f64> {
        phase_ms(&self.phases, name)
    }
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let value = |flag: &str| crate::flag_value(args, flag);
    let dir =
        value("--dir").map_or_else(|| std::env::temp_dir().join("podauth-bench"), PathBuf::from);
    let sizes: Vec<usize> = value("--sizes")
        .unwrap_or_else(|| "1000,10000,100000".into())
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .context("--sizes takes comma-separated numbers")
        })
        .collect::<Result<_>>()?;

    let workloads = value("--workloads")
        .map(|s| crate::corpus::parse_workload_share(&s))
        .transpose()?;

    let (binary, profile) = select_binary(root, value("--binary"))?;
    println!("binary: {} [{profile}]", binary.display());
    println!("machine: {} logical cores", cores());
    println!("corpora: {}", dir.display());
    match workloads {
        Some(pct) => println!("mix: {pct}% workloads (--workloads)"),
        None => println!("mix: default (about 28% workloads; --workloads PCT for another)"),
    }

    let mut runs = Vec::new();
    for &size in &sizes {
        let corpus = match workloads {
            Some(pct) => dir.join(format!("corpus-{size}-w{pct}")),
            None => dir.join(format!("corpus-{size}")),
        };
        let objects = ensure_corpus(&corpus, size, workloads)?;
        runs.push(run_check(&binary, &corpus, objects)?);
    }
    print_table(&runs);

    if args.iter().any(|a| a == "--wasm") {
        println!("\nWasm admission evaluation (cargo test -p podauth-wasm --bench wasm):");
        let status = Command::new(env!("CARGO"))
            .args(["test", "-p", "podauth-wasm", "--bench", "wasm"])
            .current_dir(root)
            .status()
            .context("running the wasm benchmark")?;
        if !status.success() {
            println!("(the wasm benchmark failed)");
        }
    } else {
        println!(
            "\nWasm admission evaluation: `cargo xtask bench --wasm` or \
             `cargo test -p podauth-wasm --bench wasm`"
        );
    }
    Ok(())
}

/// Generates the corpus unless a previous run left one of this size.
fn ensure_corpus(dir: &Path, size: usize, workloads: Option<u32>) -> Result<usize> {
    let stamp = dir.join(".objects");
    if let Ok(text) = std::fs::read_to_string(&stamp) {
        if let Ok(n) = text.trim().parse() {
            return Ok(n);
        }
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    eprintln!("generating {size} objects in {}", dir.display());
    let written = match workloads {
        Some(pct) => crate::corpus::generate_mix(dir, size, 1, Some(pct))?.objects,
        None => crate::corpus::generate(dir, size, 1)?.objects,
    };
    std::fs::write(&stamp, written.to_string())?;
    Ok(written)
}

fn run_check(binary: &Path, corpus: &Path, objects: usize) -> Result<Run> {
    let started = Instant::now();
    let out = timed(binary)
        .args(["check", "-f"])
        .arg(corpus)
        .args(["-o", "json", "--timings"])
        .output()
        .with_context(|| format!("running {}", binary.display()))?;
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    // Exit 1 means findings, which a realistic estate has.
    if !matches!(out.status.code(), Some(0 | 1)) {
        bail!(
            "check on {} failed: {}",
            corpus.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (phases, vm_hwm_mib) = parse_timings(&stderr);
    let (cpu_s, rss_mib) = cpu_and_rss(&stderr);
    Ok(Run {
        objects,
        wall_ms,
        phases,
        peak_rss_mib: rss_mib.or(vm_hwm_mib),
        cpu_s,
    })
}

fn print_table(runs: &[Run]) {
    println!();
    print!("{:>8} {:>9}", "objects", "wall ms");
    for p in PHASES {
        print!(" {:>9}", p);
    }
    println!(" {:>7} {:>9} {:>10}", "CPU s", "RSS MiB", "objects/s");
    for r in runs {
        print!("{:>8} {:>9.0}", r.objects, r.wall_ms);
        for p in PHASES {
            match r.phase(p) {
                Some(ms) => print!(" {:>9.0}", ms),
                None => print!(" {:>9}", "-"),
            }
        }
        let rss = r
            .peak_rss_mib
            .map_or("-".to_string(), |m| format!("{m:.0}"));
        let rate = r.objects as f64 / (r.wall_ms / 1000.0);
        let cpu = r.cpu_s.map_or("-".to_string(), |s| format!("{s:.1}"));
        println!(" {:>7} {:>9} {:>10.0}", cpu, rss, rate);
    }
    if runs.len() > 1 {
        println!("\ngrowth (time ratios; linear growth matches the object ratio):");
        for pair in runs.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let objects = b.objects as f64 / a.objects as f64;
            let ratio = |x: Option<f64>, y: Option<f64>| match (x, y) {
                (Some(x), Some(y)) if x > 0.0 => format!("{:.1}x", y / x),
                _ => "-".into(),
            };
            println!(
                "  {} -> {} objects ({objects:.1}x): wall {}, CPU {}, parse {}, evaluate {}, RSS {}",
                a.objects,
                b.objects,
                ratio(Some(a.wall_ms), Some(b.wall_ms)),
                ratio(a.cpu_s, b.cpu_s),
                ratio(a.phase("parse"), b.phase("parse")),
                ratio(a.phase("evaluate"), b.phase("evaluate")),
                ratio(a.peak_rss_mib, b.peak_rss_mib),
            );
        }
    }
}
