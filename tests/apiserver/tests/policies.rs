//! Live objects feed the policy engine as offline manifests do: the same
//! objects, read from the server (sanitized, redacted) or from the fixture
//! files, give the same findings.
mod common;

use common::*;
use podauth_policies::{Bundle, Evaluator, InputDocument, Parameters};
use serde_json::Value;
use std::collections::BTreeSet;

/// (rule, kind, namespace/name, path) of every finding.
fn findings(objects: &[Value]) -> BTreeSet<(String, String, String, String)> {
    let bundle = Bundle::embedded();
    let ids: Vec<&str> = bundle.rules.iter().map(|r| r.meta.id.as_str()).collect();
    let evaluator = Evaluator::new(&bundle, &ids).expect("policies load");
    let mut doc = InputDocument::new(&Parameters {
        inventory_complete: true,
        ..Parameters::default()
    });
    for o in objects {
        doc.push_object(o).expect("object converts");
    }
    let evaluation = evaluator.evaluate(&doc).expect("policies evaluate");
    evaluation
        .findings
        .iter()
        .map(|f| {
            let o = &objects[f.object];
            (
                f.rule.clone(),
                str_at(o, "/kind").to_string(),
                format!(
                    "{}/{}",
                    str_at(o, "/metadata/namespace"),
                    str_at(o, "/metadata/name")
                ),
                f.path.clone(),
            )
        })
        .collect()
}

#[test]
fn live_objects_give_the_offline_findings() {
    let h = start(named("mixed"));
    let scan = scan(&options(&h));
    let live = &only_cluster(&scan).objects;
    let kept = ids(live);
    // Offline: the fixture files as written (status, managedFields, Secret
    // values in base64), less what live mode collapsed into owners.
    let offline: Vec<Value> = named("mixed")
        .load_objects()
        .unwrap()
        .into_iter()
        .filter(|o| kept.contains(ids(std::slice::from_ref(o)).iter().next().unwrap()))
        .collect();
    assert_eq!(offline.len(), live.len());

    let live_findings = findings(live);
    let offline_findings = findings(&offline);
    assert_eq!(live_findings, offline_findings);

    // The methods of the catalog are all seen, through redacted Secrets too.
    let rules: BTreeSet<&str> = live_findings.iter().map(|f| f.0.as_str()).collect();
    for expected in ["PA101", "PA103", "PA701"] {
        assert!(
            rules.contains(expected),
            "{expected} missing: {live_findings:#?}"
        );
    }
    assert!(
        live_findings
            .iter()
            .any(|f| f.0 == "PA701" && f.2 == "legacy/aws-config"),
        "PA701 reads the sanitized config file"
    );
}
