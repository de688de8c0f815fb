//! `--timings`: wall time per phase and peak memory, printed on stderr. The
//! benchmark reads the same numbers, so users and maintainers measure alike.
use std::time::{Duration, Instant};

pub struct Timings {
    enabled: bool,
    started: Instant,
    phases: Vec<(&'static str, Duration)>,
}

impl Timings {
    pub fn new(enabled: bool) -> Timings {
        Timings {
            enabled,
            started: Instant::now(),
            phases: Vec::new(),
        }
    }

    pub fn disabled() -> Timings {
        Timings::new(false)
    }

    /// Runs `f`, adding its wall time to the phase `name`.
    pub fn phase<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        let took = start.elapsed();
        match self.phases.iter_mut().find(|(n, _)| *n == name) {
            Some((_, d)) => *d += took,
            None => self.phases.push((name, took)),
        }
        out
    }

    /// One line per phase, then the total and peak resident memory.
    pub fn report(&self) -> Option<String> {
        if !self.enabled {
            return None;
        }
        let mut out = String::from("timings:\n");
        for (name, d) in &self.phases {
            out.push_str(&format!(
                "  {name:<10} {:>9.1} ms\n",
                d.as_secs_f64() * 1000.0
            ));
        }
        out.push_str(&format!(
            "  {:<10} {:>9.1} ms\n",
            "total",
            self.started.elapsed().as_secs_f64() * 1000.0
        ));
        if let Some(kib) = peak_rss_kib() {
            out.push_str(&format!("  peak RSS   {:>9.1} MiB\n", kib as f64 / 1024.0));
        }
        Some(out)
    }
}

/// Peak resident set size (Linux: VmHWM in /proc/self/status).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
