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

/// `-o yaml` is the JSON output in another notation: read back with the typed
/// scalar rules, it is the same value (no string re-typed as a number, bool or
/// null).
#[test]
fn yaml_output_reads_back_as_the_json_output() {
    let commands: [&[&str]; 3] = [
        &["check", "-f", "examples/"],
        &["rules"],
        &["explain", "PA501"],
    ];
    for args in commands {
        let yaml = podauth(&[args, &["-o", "yaml"]].concat());
        let json = podauth(&[args, &["-o", "json"]].concat());
        assert_eq!(yaml.code, json.code, "{args:?}: {}", yaml.stderr);
        assert!(
            yaml.stdout.starts_with("---\n"),
            "{args:?}: {}",
            yaml.stdout
        );
        let docs = yaml_rust2::YamlLoader::load_from_str(&yaml.stdout)
            .unwrap_or_else(|e| panic!("{args:?} -o yaml is not YAML: {e}"));
        assert_eq!(docs.len(), 1, "{args:?}");
        let read_back =
            podauth_policies::yaml::to_json(&docs[0], podauth_policies::yaml::Scalars::Typed);
        assert_eq!(read_back, json.json(), "{args:?}");
    }
}
