//! What both benchmarks (`bench.rs` offline, `bench_live.rs` live) measure a
//! CLI run with: which binary, GNU time's CPU and peak RSS, and the phases
//! `--timings` prints.
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The milliseconds `--timings` printed for one phase.
pub fn phase_ms(phases: &[(String, f64)], name: &str) -> Option<f64> {
    phases.iter().find(|(n, _)| n == name).map(|(_, ms)| *ms)
}

/// The CLI binary to measure: `--binary`, else the release build when it
/// exists, else the debug one; with a note saying which.
pub fn select_binary(root: &Path, given: Option<String>) -> Result<(PathBuf, &'static str)> {
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

/// `binary` under GNU time (`-v`) when it is installed, for CPU time and the
/// kernel's peak RSS; read them back with [`cpu_and_rss`].
pub fn timed(binary: &Path) -> Command {
    let time = Path::new("/usr/bin/time");
    if time.exists() {
        let mut c = Command::new(time);
        c.arg("-v").arg(binary);
        c
    } else {
        Command::new(binary)
    }
}

/// User + system CPU seconds and peak RSS in MiB, from `/usr/bin/time -v`
/// output on stderr.
pub fn cpu_and_rss(stderr: &str) -> (Option<f64>, Option<f64>) {
    let time_v = |label: &str| {
        stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    let cpu_s = match (
        time_v("User time (seconds):"),
        time_v("System time (seconds):"),
    ) {
        (Some(u), Some(s)) => Some(u + s),
        _ => None,
    };
    let rss = time_v("Maximum resident set size (kbytes):").map(|kib| kib / 1024.0);
    (cpu_s, rss)
}

/// Reads `  parse   675.7 ms` and `  peak RSS   128.0 MiB` lines.
pub fn parse_timings(stderr: &str) -> (Vec<(String, f64)>, Option<f64>) {
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

pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}
