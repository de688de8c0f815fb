//! Golden output for every format on the bundled examples. When the catalog
//! or a printer changes on purpose, regenerate with
//! `PODAUTH_BLESS=1 cargo test -p kubectl-podauth --test e2e golden` and review the diff.
use crate::support::*;

const FORMATS: [(&str, &str); 7] = [
    ("table", "txt"),
    ("wide", "txt"),
    ("json", "json"),
    ("yaml", "yaml"),
    ("sarif", "sarif"),
    ("junit", "xml"),
    ("github", "txt"),
];

#[test]
fn every_format_matches_its_golden_file() {
    let bless = std::env::var_os("PODAUTH_BLESS").is_some();
    let mut stale = Vec::new();
    for (format, ext) in FORMATS {
        let run = podauth(&["check", "-f", "examples/", "-o", format, "--color", "never"]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        let path = root().join(format!("tests/golden/examples.{format}.{ext}"));
        if bless {
            std::fs::write(&path, &run.stdout).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; bless first", path.display()));
        if want != run.stdout {
            stale.push(format!("{format} ({})", path.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "output differs from golden files: {stale:?}; if intended, rerun with PODAUTH_BLESS=1"
    );
}
