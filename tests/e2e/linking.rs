//! What the shipped binary links: the test hosts of `podauth-wasm` (Burrego,
//! the npm SDK runner, admission requests) sit behind its `testing` feature,
//! which only dev-dependencies turn on (issue 19).

/// The features `cargo tree` resolves for the CLI package over `edges`.
fn resolved_features(edges: &str) -> String {
    let out = std::process::Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--locked",
            "-p",
            "kubectl-podauth",
            "--prefix",
            "none",
            "-e",
            edges,
        ])
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn the_binary_links_no_test_host() {
    let testing = "podauth-wasm feature \"testing\"";
    let shipped = resolved_features("normal,build,features");
    assert!(
        shipped.contains("podauth-wasm feature \"default\""),
        "the feature graph names podauth-wasm's features:\n{shipped}"
    );
    assert!(
        !shipped.contains(testing),
        "a normal or build dependency turns on `testing`: the binary would link the test hosts"
    );
    // The tests do get them, through the dev-dependency.
    assert!(resolved_features("normal,build,dev,features").contains(testing));
}
