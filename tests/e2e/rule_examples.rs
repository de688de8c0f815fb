//! Every rule's bad examples produce a finding of that rule, and its good
//! examples none, through the real binary (trivy-checks' integration contract).
use crate::support::*;

#[test]
fn bad_examples_fire_and_good_examples_do_not() {
    let bundle = podauth_policies::Bundle::embedded();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (id, file) in rule_examples() {
        let name = file.file_name().unwrap().to_str().unwrap().to_string();
        let bad = name.starts_with("bad");
        let run = podauth(&[
            "check",
            "-f",
            file.to_str().unwrap(),
            "-o",
            "json",
            "--account-id",
            "111122223333",
        ]);
        if run.code == 2 {
            failures.push(format!("{id}/{name}: input error: {}", run.stderr));
            continue;
        }
        let hits = run.rules().iter().filter(|r| **r == id).count();
        // A rule reports only on the kinds its METADATA says it reviews: the
        // evaluation core dispatches rules by those kinds.
        let reviews = &bundle.rule(&id).expect("rule of its example").meta.reviews;
        for f in run.json()["findings"].as_array().into_iter().flatten() {
            let kind = f["resource"]["kind"].as_str().unwrap_or("");
            if f["rule"] == id.as_str() && !reviews.iter().any(|k| k == kind) {
                failures.push(format!(
                    "{id}/{name}: reports on a {kind}, which its METADATA `reviews` omits"
                ));
            }
        }
        if bad && hits == 0 {
            failures.push(format!(
                "{id}/{name}: expected a {id} finding, got {:?}",
                run.rules()
            ));
        }
        if !bad && hits > 0 {
            failures.push(format!("{id}/{name}: expected no {id} finding, got {hits}"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 6, "examples found: {checked}");
}
