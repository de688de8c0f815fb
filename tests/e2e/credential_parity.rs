//! One definition of "what is a key": the same table through the Rust
//! classifier (`cli/src/credentials.rs`, which the redactor and live-mode
//! Secret redaction use) and the Rego one (`policies/lib/aws.rego`,
//! `credentials.rego`, loaded from the embedded bundle as the engine loads
//! them). Any difference fails.
use podauth_cli::credentials;
use serde_json::{json, Value};

/// (entry name, value). Expected classes are not written here: the two
/// implementations must agree with each other, whatever the answer.
const CASES: &[(&str, &str)] = &[
    ("id", "AKIAZ7QXFAKEKEY23456"),
    ("id", "ASIAZ7QXFAKEKEY23456"),
    ("id", "ABIAZ7QXFAKEKEY23456"),
    ("id", "ACCAZ7QXFAKEKEY23456"),
    ("id", "A3T4Z7QXFAKEKEY23456"),
    ("id", "AKIAIOSFODNN7EXAMPLE"),
    ("id", "AKIAZ7QXFAKEKEY2345"),
    ("id", "AKIAZ7QXFAKEKEY234567"),
    ("id", "xAKIAZ7QXFAKEKEY23456"),
    ("id", "s3://AKIAZ7QXFAKEKEY23456@bucket"),
    ("id", "AKIAZ7QXFAKEKEY23456,AKIAZ7QXFAKEKEY65432"),
    ("id", "akiaz7qxfakekey23456"),
    ("AWS_SECRET_ACCESS_KEY", "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"),
    ("aws-secret-access-key", "abc"),
    ("secretAccessKey", "x"),
    ("AWS_SECRET_KEY", "x"),
    ("secret_access_key", "  "),
    ("secretAccessKey", "$(FROM_ENV)"),
    ("secretAccessKey", "$(A)$(B)"),
    ("secretAccessKey", "$(A) suffix"),
    ("password", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz"),
    ("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEJr0123456789"),
    (
        "credentials",
        "[default]\naws_access_key_id = AKIAZ7QXFAKEKEY23456\naws_secret_access_key = abc\n",
    ),
    ("credentials", "  AWS_SECRET_ACCESS_KEY=abc"),
    ("credentials", "aws_secret_access_key ="),
    (
        "config",
        "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/x\ncredential_source = Ec2InstanceMetadata\n",
    ),
    ("config", "[default]\nregion = eu-west-1\n"),
    ("config", "[sso-session s]\nsso_region = eu-west-1\n"),
    ("config", "[profile]\nregion = x\n"),
    ("config", "[other]\nregion = x\n"),
    ("config", "region = x\n"),
    ("config", "[default]\n# region = x\n"),
    ("config", "[default]\nRegion = x\n"),
    ("config", "[default]\nunknown = x\n"),
    ("anything", ""),
    ("anything", "hunter2"),
    ("anything", "nginx:1.25.3-alpine"),
];

fn rego_results() -> Value {
    let mut engine = podauth_policies::Bundle::embedded()
        .engine(podauth_policies::Purpose::Evaluate(&[]))
        .unwrap_or_else(|e| panic!("{e}"));
    engine
        .add_policy(
            "parity.rego".into(),
            r#"package parity
import data.podauth.lib.aws
import data.podauth.lib.credentials

results := [r |
	some c in input.cases
	r := {
		"class": credentials.value_class(c.key, c.text),
		"key_ids": sort([k | some k in aws.access_key_ids(c.text)]),
	}
]
"#
            .into(),
        )
        .unwrap();
    let cases: Vec<Value> = CASES
        .iter()
        .map(|(k, t)| json!({"key": k, "text": t}))
        .collect();
    engine
        .set_input_json(&json!({ "cases": cases }).to_string())
        .unwrap();
    let out = engine.eval_rule("data.parity.results".into()).unwrap();
    serde_json::from_str(&out.to_json_str().unwrap()).unwrap()
}

#[test]
fn rust_and_rego_classify_every_case_alike() {
    let rego = rego_results();
    let rego = rego.as_array().expect("one result per case");
    assert_eq!(rego.len(), CASES.len());
    let mut differences = Vec::new();
    for ((key, text), r) in CASES.iter().zip(rego) {
        let class = credentials::classify(key, text).as_str();
        let mut key_ids: Vec<&str> = credentials::access_key_ids(text);
        key_ids.sort_unstable();
        key_ids.dedup();
        let rust = json!({"class": class, "key_ids": key_ids});
        if &rust != r {
            differences.push(format!("({key:?}, {text:?}): rust {rust} rego {r}"));
        }
    }
    assert!(differences.is_empty(), "{differences:#?}");
    // The table exercises every class.
    let classes: std::collections::BTreeSet<&str> =
        rego.iter().map(|r| r["class"].as_str().unwrap()).collect();
    assert_eq!(classes.len(), 5, "{classes:?}");
}

#[test]
fn every_classified_credential_is_masked_by_the_redactor() {
    // What the classifier calls a credential, the output chokepoint masks.
    let r = podauth_cli::redact::Redactor::default();
    for (key, text) in CASES {
        let class = credentials::classify(key, text);
        if class == credentials::ValueClass::AccessKeyId {
            for id in credentials::access_key_ids(text) {
                assert!(!r.scrub(text).contains(id), "{text}");
            }
        }
    }
}
