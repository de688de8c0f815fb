//! The table as a terminal shows it: fitted to the width (COLUMNS, as kubectl
//! and ls honour it), `-o wide` with every column, findings wrapped at word
//! boundaries with a hanging indent, and one heading per cluster.
use crate::support::*;
use podauth_test_apiserver::Scenario;
use std::process::Command;

fn table_at(columns: usize, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .args(["--color", "never"])
        .current_dir(root())
        .env("COLUMNS", columns.to_string())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Compares with tests/golden/NAME (written with PODAUTH_BLESS=1).
fn snapshot(name: &str, text: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("PODAUTH_BLESS").is_some() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; bless first", path.display()));
    assert_eq!(
        want, text,
        "{name} changed; if intended, rerun with PODAUTH_BLESS=1"
    );
}

#[test]
fn the_table_fits_80_columns_and_wraps_at_word_boundaries() {
    let text = table_at(80, &["check", "-f", "examples/"]);
    for line in text.lines() {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line:?}",
            line.chars().count()
        );
    }
    // Wrapped message lines hang under the message, not under the severity.
    let lines: Vec<&str> = text.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.starts_with("  CRITICAL PA101  "))
        .expect("PA101 finding");
    let next = lines[first + 1];
    assert!(
        next.starts_with(&" ".repeat(18)) && !next.starts_with(&" ".repeat(19)),
        "{next:?}"
    );
    // No word is cut: every word of the message is whole on some line.
    let json = podauth(&["check", "-f", "examples/", "-o", "json"]).json();
    let message = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "PA101")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    let joined: Vec<&str> = lines[first..]
        .iter()
        .take_while(|l| !l.trim_start().starts_with("at "))
        .flat_map(|l| l.split_whitespace())
        .collect();
    for word in message.split_whitespace() {
        assert!(joined.contains(&word), "{word:?} was cut: {joined:?}");
    }
    // The default table leaves out the wide columns.
    assert!(!text.contains("SERVICE ACCOUNT") && text.contains("EFFECTIVE"));
    snapshot("examples.table.80.txt", &text);
}

#[test]
fn at_200_columns_nothing_wraps_and_wide_shows_every_column() {
    let text = table_at(200, &["check", "-f", "examples/"]);
    assert!(text
        .lines()
        .any(|l| l.starts_with("  CRITICAL PA101  ") && l.contains("(AKIA************7Q2X)")));
    snapshot("examples.table.200.txt", &text);
    let wide = table_at(80, &["check", "-f", "examples/", "-o", "wide"]);
    assert!(wide.contains("SERVICE ACCOUNT") && wide.contains("METHODS"));
    assert!(
        wide.contains("hardcoded-credentials,static-credentials"),
        "-o wide never cuts cells"
    );
}

#[test]
fn several_clusters_are_grouped_under_a_heading_each() {
    let (_server, _dir, kubeconfig) =
        harness_with_contexts(Scenario::named("mixed").unwrap(), &["prod", "staging"], &[]);
    let text = table_at(
        120,
        &["check", "-A", "--all-contexts", "--kubeconfig", &kubeconfig],
    );
    let prod = text.find("Cluster prod\n").expect("a prod heading");
    let staging = text.find("Cluster staging\n").expect("a staging heading");
    assert!(prod < staging, "{text}");
    // Each heading has its own findings and Workloads table under it.
    assert_eq!(
        text.matches("\nWorkloads\n").count() + usize::from(text.starts_with("Workloads")),
        2,
        "{text}"
    );
    assert!(
        !text.contains("prod: "),
        "no cluster prefix inside a cluster's section"
    );
    assert!(text.trim_end().ends_with("from 2 clusters"), "{text}");
}
