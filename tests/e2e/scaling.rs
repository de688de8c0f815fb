//! Issue 8: evaluation cost must grow linearly. A rule that scans all objects
//! inside a loop over objects (a nested scan instead of an indexed join) makes
//! 20x the objects cost about 400x the time; this test allows 60x, a ceiling
//! that a loaded 2-core machine (measured up to 30x) stays under while a
//! quadratic join cannot. Both sizes
//! take the sharded path (`PODAUTH_SHARD_MIN_OBJECTS=1`), so the ratio compares
//! like with like on any number of cores.
use crate::support::cli;
use std::path::Path;

/// Writes the seeded `cargo xtask corpus` estate of about `objects` objects.
fn corpus(dir: &Path, objects: usize) {
    crate::corpus::generate(dir, objects, 1).expect("corpus written");
}

/// The evaluate phase of `check --timings`, in milliseconds.
fn evaluate_ms(dir: &Path) -> f64 {
    let out = cli()
        .args(["check", "-o", "json", "--timings", "-f"])
        .arg(dir)
        .env("PODAUTH_SHARD_MIN_OBJECTS", "1")
        .output()
        .expect("binary runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .find_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["evaluate", ms, "ms"] => ms.parse().ok(),
                ["evaluate", s, "s"] => s.parse::<f64>().ok().map(|s| s * 1000.0),
                _ => None,
            }
        })
        .unwrap_or_else(|| panic!("no evaluate timing in:\n{stderr}"))
}

#[test]
#[allow(clippy::print_stderr)] // the figures, for `--nocapture`
fn evaluation_grows_linearly_from_1k_to_20k_objects() {
    let tmp = tempfile::tempdir().unwrap();
    let (small, large) = (tmp.path().join("1k"), tmp.path().join("20k"));
    corpus(&small, 1_000);
    corpus(&large, 20_000);
    // The machine may be shared: the best of a few runs is the least noisy
    // figure (the first small run also warms the file cache and the binary).
    let best = |dir: &Path, runs: usize| {
        (0..runs)
            .map(|_| evaluate_ms(dir))
            .fold(f64::INFINITY, f64::min)
    };
    let t1k = best(&small, 3);
    let t20k = best(&large, 2);
    eprintln!(
        "evaluate: 1k {t1k:.0} ms, 20k {t20k:.0} ms ({:.1}x)",
        t20k / t1k
    );
    assert!(
        t20k <= 60.0 * t1k,
        "evaluation is superlinear: 20k objects took {t20k:.0} ms, more than 60x the {t1k:.0} ms of 1k objects"
    );
}
