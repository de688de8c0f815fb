//! `cargo xtask bench [--dir DIR] [--sizes 1000,10000,100000] [--binary PATH] [--wasm]`: offline
//! `check` at several corpus sizes, with the CLI's own `--timings` figures.
//! (`cargo xtask bench --live [--pods N]`: live check against the local API
//! server, in `bench_live.rs`.)
//!
//! Generates seeded corpora (seed 1, as `cargo xtask corpus`) under DIR (default
//! a directory in the system temp dir, kept for reuse), runs the release binary
//! when it exists (else the debug one, and says so; `--binary` picks another),
//! and prints wall time, the per-phase times, peak RSS, objects/s and the
//! growth factor between sizes.
//! It prints figures and asserts nothing. With `--wasm` it also runs the Wasm
//! admission benchmark (`cargo test -p podauth-wasm --bench wasm`).
#![allow(clippy::print_stdout)]

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
}

impl Run {
    fn phase(&self, name: &str) -> Option<f64> {
        phase_ms(&self.phases, name)
    }
}

/// The milliseconds `--timings` printed for one phase.
pub(crate) fn phase_ms(phases: &[(String, f64)], name: &str) -> Option<f64> {
    phases.iter().find(|(n, _)| n == name).map(|(_, ms)| *ms)
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    if args.iter().any(|a| a == "--live") {
        return crate::bench_live::run(root, args);
    }
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
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

    let (binary, profile) = select_binary(root, value("--binary"))?;
    println!("binary: {} [{profile}]", binary.display());
    println!("machine: {} logical cores", cores());
    println!("corpora: {}", dir.display());

    let mut runs = Vec::new();
    for &size in &sizes {
        let corpus = dir.join(format!("corpus-{size}"));
        let objects = ensure_corpus(&corpus, size)?;
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

/// The CLI binary to measure: `--binary`, else the release build when it
/// exists, else the debug one; with a note saying which.
pub(crate) fn select_binary(root: &Path, given: Option<String>) -> Result<(PathBuf, &'static str)> {
    let release = root.join("target/release/kubectl-podauth");
    let debug = root.join("target/debug/kubectl-podauth");
    Ok(if let Some(path) = given {
        (PathBuf::from(path), "given with --binary")
    } else if release.exists() {
        (release, "release")
    } else if debug.exists() {
        (
            debug,
            "debug (no release build found: run `cargo build --release -p kubectl-podauth`)",
        )
    } else {
        bail!("no kubectl-podauth binary: run `cargo build --release -p kubectl-podauth`");
    })
}

/// Generates the corpus unless a previous run left one of this size.
fn ensure_corpus(dir: &Path, size: usize) -> Result<usize> {
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
    let written = crate::corpus::generate(dir, size, 1)?.objects;
    std::fs::write(&stamp, written.to_string())?;
    Ok(written)
}

fn run_check(binary: &Path, corpus: &Path, objects: usize) -> Result<Run> {
    let started = Instant::now();
    let out = Command::new(binary)
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
    let (phases, peak_rss_mib) = parse_timings(&stderr);
    Ok(Run {
        objects,
        wall_ms,
        phases,
        peak_rss_mib,
    })
}

/// Reads `  parse   675.7 ms` and `  peak RSS   128.0 MiB` lines.
pub(crate) fn parse_timings(stderr: &str) -> (Vec<(String, f64)>, Option<f64>) {
    let mut phases = Vec::new();
    let mut rss = None;
    for line in stderr.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() < 3 {
            continue;
        }
        let unit = words[words.len() - 1];
        let Ok(number) = words[words.len() - 2].parse::<f64>() else {
            continue;
        };
        let name = words[..words.len() - 2].join(" ");
        match unit {
            "ms" => phases.push((name, number)),
            "s" => phases.push((name, number * 1000.0)),
            "MiB" if name == "peak RSS" => rss = Some(number),
            "GiB" if name == "peak RSS" => rss = Some(number * 1024.0),
            _ => {}
        }
    }
    (phases, rss)
}

fn print_table(runs: &[Run]) {
    println!();
    print!("{:>8} {:>9}", "objects", "wall ms");
    for p in PHASES {
        print!(" {:>9}", p);
    }
    println!(" {:>9} {:>10}", "RSS MiB", "objects/s");
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
        println!(" {:>9} {:>10.0}", rss, rate);
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
                "  {} -> {} objects ({objects:.1}x): wall {}, parse {}, evaluate {}, RSS {}",
                a.objects,
                b.objects,
                ratio(Some(a.wall_ms), Some(b.wall_ms)),
                ratio(a.phase("parse"), b.phase("parse")),
                ratio(a.phase("evaluate"), b.phase("evaluate")),
                ratio(a.peak_rss_mib, b.peak_rss_mib),
            );
        }
    }
}

pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}
