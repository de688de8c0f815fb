//! `cargo xtask bench --live [--pods N] [--runs R] [--binary PATH] [--apiserver PATH]`: live
//! `check -A` against the local API server harness (TLS, bearer token, real
//! `limit`/`continue` paging) serving a generated estate of N varied pods
//! (default 10000) with their Namespaces, ServiceAccounts, ConfigMaps and
//! Secrets (`tests/apiserver/src/estate.rs`).
//!
//! The harness runs as its own process (`podauth-test-apiserver --pods N
//! --control-stdin`), so xtask does not compile hyper, rustls and tokio: it
//! is built with `cargo build -p podauth-test-apiserver` (dev profile, whose
//! dependencies are optimised) unless `--apiserver` names a binary. The CLI
//! binary is chosen as the offline bench does (release if built, else debug).
//!
//! Each of R runs (default 5) prints the wall time, the CLI's `--timings`
//! phases, its CPU time and peak RSS (from `/usr/bin/time -v` when present,
//! else the VmHWM `--timings` reports, with no CPU time), objects/s and the
//! requests the server saw; then best and median. It asserts nothing.
#![allow(clippy::print_stdout)]

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

const PHASES: [&str; 5] = ["read", "normalise", "evaluate", "output", "total"];

struct Run {
    wall_ms: f64,
    phases: Vec<(String, f64)>,
    peak_rss_mib: Option<f64>,
    /// User + system CPU seconds of the CLI (`/usr/bin/time -v`).
    cpu_s: Option<f64>,
    objects_read: Option<u64>,
    findings: Option<u64>,
    workloads: usize,
    requests: Requests,
}

impl Run {
    fn phase(&self, name: &str) -> Option<f64> {
        crate::measure::phase_ms(&self.phases, name)
    }

    fn objects_per_s(&self) -> Option<f64> {
        self.objects_read
            .map(|n| n as f64 / (self.wall_ms / 1000.0))
    }
}

/// What the server saw during one run.
#[derive(Default, Clone, PartialEq, Eq)]
struct Requests {
    total: usize,
    /// List requests (paged: `limit=` in the query).
    lists: usize,
    /// Collections listed (distinct paths).
    collections: usize,
    /// Pages of `/api/v1/pods`.
    pod_pages: usize,
    /// `limit` values used.
    page_sizes: Vec<String>,
}

fn summarise(log: &str) -> Requests {
    let mut r = Requests::default();
    let mut collections = std::collections::BTreeSet::new();
    // `[{"method":"GET","uri":"/api/v1/pods?limit=500"},...]`: URIs hold no quotes.
    for uri in log.split("\"uri\":\"").skip(1) {
        let uri = uri.split('"').next().unwrap_or("");
        r.total += 1;
        let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
        let limit = query
            .split('&')
            .find_map(|p| p.strip_prefix("limit="))
            .map(str::to_string);
        if let Some(limit) = limit {
            r.lists += 1;
            collections.insert(path.to_string());
            if path == "/api/v1/pods" {
                r.pod_pages += 1;
            }
            if !r.page_sizes.contains(&limit) {
                r.page_sizes.push(limit);
            }
        }
    }
    r.collections = collections.len();
    r
}

/// The harness process; end of its stdin stops it.
struct Harness {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Harness {
    fn requests(&mut self) -> Result<Requests> {
        let stdin = self.stdin.as_mut().context("harness stdin")?;
        writeln!(stdin, "requests")?;
        stdin.flush()?;
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        if !line.starts_with('[') {
            bail!("harness answered {line:?} to `requests`");
        }
        Ok(summarise(&line))
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        drop(self.stdin.take());
        if self.child.wait().is_err() {
            let _ = self.child.kill();
        }
    }
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let value = |flag: &str| crate::flag_value(args, flag);
    let pods: usize = value("--pods")
        .map_or(Ok(10_000), |s| s.parse())
        .context("--pods takes a number")?;
    let runs: usize = value("--runs")
        .map_or(Ok(5), |s| s.parse())
        .context("--runs takes a number")?;
    let (binary, profile) = crate::measure::select_binary(root, value("--binary"))?;
    let (apiserver, apiserver_note) = match value("--apiserver") {
        Some(path) => (PathBuf::from(path), "given with --apiserver"),
        None => {
            eprintln!("+ cargo build -p podauth-test-apiserver --bin podauth-test-apiserver");
            let status = Command::new(env!("CARGO"))
                .args([
                    "build",
                    "-p",
                    "podauth-test-apiserver",
                    "--bin",
                    "podauth-test-apiserver",
                ])
                .current_dir(root)
                .status()
                .context("running cargo")?;
            if !status.success() {
                bail!("cargo build -p podauth-test-apiserver failed");
            }
            (
                root.join("target/debug/podauth-test-apiserver"),
                "dev profile, dependencies optimised",
            )
        }
    };
    println!("binary: {} [{profile}]", binary.display());
    println!("apiserver: {} [{apiserver_note}]", apiserver.display());
    println!("machine: {} logical cores", crate::measure::cores());

    let kubeconfig = std::env::temp_dir().join(format!(
        "podauth-bench-live-{}.kubeconfig",
        std::process::id()
    ));
    let started = Instant::now();
    let mut child = Command::new(&apiserver)
        .args([
            "--pods",
            &pods.to_string(),
            "--control-stdin",
            "--kubeconfig",
        ])
        .arg(&kubeconfig)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", apiserver.display()))?;
    let stdin = child.stdin.take();
    let stdout = BufReader::new(child.stdout.take().context("harness stdout")?);
    let mut harness = Harness {
        child,
        stdin,
        stdout,
    };
    let mut ready = String::new();
    harness.stdout.read_line(&mut ready)?;
    let Some(ready) = ready.strip_prefix("ready ") else {
        bail!("the harness did not start (it printed {ready:?})");
    };
    println!(
        "server: {} generated pods, {} objects, TLS + bearer token, ready in {:.0} ms",
        pods,
        json_number(ready, "objects").unwrap_or(0),
        started.elapsed().as_secs_f64() * 1000.0
    );
    println!(
        "command: {} check --kubeconfig {} -A -o json --timings",
        binary.display(),
        kubeconfig.display()
    );

    let mut results = Vec::new();
    for i in 0..runs {
        harness.requests()?; // start each run with an empty log
        let run = run_check(&binary, &kubeconfig, &mut harness)
            .with_context(|| format!("run {}", i + 1))?;
        results.push(run);
    }
    drop(harness);
    let _ = std::fs::remove_file(&kubeconfig);
    print_runs(&results);
    Ok(())
}

fn run_check(binary: &Path, kubeconfig: &Path, harness: &mut Harness) -> Result<Run> {
    // GNU time adds the CPU time and the peak RSS as the kernel counts it.
    let mut command = crate::measure::timed(binary);
    let started = Instant::now();
    let out = command
        .args(["check", "--kubeconfig"])
        .arg(kubeconfig)
        .args(["-A", "-o", "json", "--timings", "--request-timeout", "120s"])
        .env_remove("KUBECONFIG")
        .output()
        .with_context(|| format!("running {}", binary.display()))?;
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Exit 1 means findings, which the generated estate has.
    if !matches!(out.status.code(), Some(0 | 1)) {
        bail!("live check failed: {stderr}");
    }
    let (phases, vm_hwm_mib) = crate::measure::parse_timings(&stderr);
    let (cpu_s, rss_mib) = crate::measure::cpu_and_rss(&stderr);
    let peak_rss_mib = rss_mib.or(vm_hwm_mib);
    let report = String::from_utf8_lossy(&out.stdout);
    // The summary comes after the findings and workloads; string values
    // escape their quotes, so a bare `"summary":` is the key.
    let summary = report.rfind("\"summary\":").map_or("", |i| &report[i..]);
    Ok(Run {
        wall_ms,
        phases,
        peak_rss_mib,
        cpu_s,
        objects_read: json_number(summary, "objectsRead"),
        findings: json_number(summary, "findings"),
        workloads: report.matches("\"effective\":").count(),
        requests: harness.requests()?,
    })
}

/// The number after the first `"key":` in `text`.
fn json_number(text: &str, key: &str) -> Option<u64> {
    let pattern = format!("\"{key}\":");
    let at = text.find(&pattern)? + pattern.len();
    let digits: String = text[at..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn print_runs(runs: &[Run]) {
    println!();
    print!("{:>5} {:>9}", "run", "wall ms");
    for p in PHASES {
        print!(" {:>9}", p);
    }
    println!(
        " {:>6} {:>8} {:>10} {:>6} {:>9}",
        "CPU s", "RSS MiB", "objects/s", "lists", "pod pages"
    );
    let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
    for (i, r) in runs.iter().enumerate() {
        print!("{:>5} {:>9.0}", i + 1, r.wall_ms);
        for p in PHASES {
            print!(" {:>9}", fmt(r.phase(p)));
        }
        println!(
            " {:>6} {:>8} {:>10} {:>6} {:>9}",
            r.cpu_s.map_or("-".into(), |c| format!("{c:.1}")),
            fmt(r.peak_rss_mib),
            fmt(r.objects_per_s()),
            r.requests.lists,
            r.requests.pod_pages
        );
    }
    if runs.is_empty() {
        return;
    }
    for (label, best) in [("best", true), ("med", false)] {
        let cell = |f: &dyn Fn(&Run) -> Option<f64>, higher_is_better: bool| {
            let v: Vec<f64> = runs.iter().filter_map(f).collect();
            fmt(if best {
                best_of(&v, higher_is_better)
            } else {
                median(&v)
            })
        };
        print!("{:>5} {:>9}", label, cell(&|r| Some(r.wall_ms), false));
        for p in PHASES {
            print!(" {:>9}", cell(&|r| r.phase(p), false));
        }
        let cpu: Vec<f64> = runs.iter().filter_map(|r| r.cpu_s).collect();
        let cpu = if best {
            best_of(&cpu, false)
        } else {
            median(&cpu)
        };
        println!(
            " {:>6} {:>8} {:>10}",
            cpu.map_or("-".into(), |c| format!("{c:.1}")),
            cell(&|r| r.peak_rss_mib, false),
            cell(&Run::objects_per_s, true)
        );
    }

    let first = &runs[0];
    let q = &first.requests;
    println!(
        "\nper run: {} objects read, {} workloads, {} findings",
        first.objects_read.map_or("-".into(), |n| n.to_string()),
        first.workloads,
        first.findings.map_or("-".into(), |n| n.to_string()),
    );
    println!(
        "requests per run: {} in all; {} paged list requests over {} collections \
         (limit={}); pods in {} pages; {} discovery and other GETs",
        q.total,
        q.lists,
        q.collections,
        q.page_sizes.join(","),
        q.pod_pages,
        q.total - q.lists
    );
    if runs.iter().any(|r| r.requests != *q) {
        println!("(request counts differed between runs)");
    }
    println!(
        "best = lowest time and RSS, highest objects/s; med = median of {} runs",
        runs.len()
    );
}

fn best_of(v: &[f64], higher_is_better: bool) -> Option<f64> {
    let it = v.iter().copied();
    if higher_is_better {
        it.max_by(f64::total_cmp)
    } else {
        it.min_by(f64::total_cmp)
    }
}

fn median(v: &[f64]) -> Option<f64> {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_the_request_log() {
        let log = r#"[{"method":"GET","uri":"/version"},{"method":"GET","uri":"/api/v1"},{"method":"GET","uri":"/api/v1/pods?limit=500"},{"method":"GET","uri":"/api/v1/pods?limit=500&continue=eyJ2Ijo"},{"method":"GET","uri":"/api/v1/secrets?limit=500"}]"#;
        let r = summarise(log);
        assert_eq!((r.total, r.lists, r.collections, r.pod_pages), (5, 3, 2, 2));
        assert_eq!(r.page_sizes, vec!["500".to_string()]);
    }

    #[test]
    fn best_and_median() {
        assert_eq!(best_of(&[3.0, 1.0, 2.0], false), Some(1.0));
        assert_eq!(best_of(&[3.0, 1.0, 2.0], true), Some(3.0));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn reads_numbers_from_the_summary() {
        let report = r#"{"findings":[{"message":"x \"summary\": 3"}],"summary":{"findings": 144,"objectsRead":228}}"#;
        let summary = &report[report.rfind("\"summary\":").unwrap()..];
        assert_eq!(json_number(summary, "findings"), Some(144));
        assert_eq!(json_number(summary, "objectsRead"), Some(228));
        assert_eq!(json_number(summary, "errors"), None);
    }
}
