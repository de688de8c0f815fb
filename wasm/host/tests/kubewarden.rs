//! A test host that drives the module the way Kubewarden's burrego evaluator
//! does (`kubewarden/policy-evaluator:crates/burrego`): a fresh instance per
//! request, a fixed `MemoryType::new(5, None)`, entrypoint 0 only, the ctx path
//! (never `opa_eval`), data pushed before input, `opa_json_dump` for the result.
//! Both Kubewarden modes run through it; the answers must equal the native
//! engine's for the same input and data.
mod common;

use podauth_wasm::admission::{self, gatekeeper_inventory};
use podauth_wasm::burrego::Burrego;
use serde_json::{json, Value};

fn admission_request(object: &Value) -> Value {
    admission::admission_request(object, Some(&plural(object["kind"].as_str().unwrap_or(""))))
}

fn plural(kind: &str) -> String {
    format!("{}s", kind.to_lowercase())
}

fn kubewarden_inventory(objects: &[Value]) -> Value {
    admission::kubewarden_inventory(objects, |k| Some(plural(k)))
}

fn native(rule: &str, data: &Value, input: &Value) -> Value {
    let mut engine = common::native_engine();
    engine
        .add_data(regorus::Value::from_json_str(&data.to_string()).unwrap())
        .expect("data");
    engine.set_input_json(&input.to_string()).expect("input");
    let v = engine.eval_rule(rule.into()).expect("native evaluation");
    if v == regorus::Value::Undefined {
        return json!([]);
    }
    json!([{"result": serde_json::from_str::<Value>(&v.to_json_str().unwrap()).unwrap()}])
}

const WORKLOADS: [&str; 7] = [
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
];

/// (workload, the other objects of its example file) for every file of examples/.
fn cases() -> Vec<(String, Value, Vec<Value>)> {
    let mut out = Vec::new();
    for (name, objects) in common::examples() {
        if !name.contains("examples/") || name.ends_with("(all)") {
            continue;
        }
        for (i, o) in objects.iter().enumerate() {
            if WORKLOADS.contains(&o["kind"].as_str().unwrap_or("")) {
                let others = objects
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, x)| x.clone())
                    .collect();
                out.push((
                    format!("{name}: {}", o["metadata"]["name"]),
                    o.clone(),
                    others,
                ));
            }
        }
    }
    out
}

#[test]
fn opa_mode_matches_native_and_denies_bad_allows_good() {
    // As shipped to Kubewarden: the response entrypoint as id 0, initialised memory snapshotted.
    let module =
        podauth_wasm::with_entrypoints(podauth_wasm::MODULE, &[podauth_wasm::KUBEWARDEN_RESPONSE])
            .unwrap();
    let module = podauth_wasm::snapshot(&module).unwrap();
    let host = Burrego::new(&module);
    let (mut denied, mut allowed) = (0, 0);
    for (name, object, others) in cases() {
        for inventory in [others.clone(), vec![]] {
            let settings = json!({});
            let mut data = settings.clone();
            data["kubernetes"] = kubewarden_inventory(&inventory);
            let input = json!({"request": admission_request(&object)});
            let got = host
                .evaluate(&data, &input)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
            assert_eq!(
                got,
                native("data.podauth.kubewarden.response", &data, &input),
                "{name}"
            );
            let response = &got[0]["result"]["response"];
            assert_eq!(
                response["uid"],
                json!("705ab4f5-6393-11e8-b7cc-42010a800002"),
                "{name}"
            );
            match response["allowed"].as_bool() {
                Some(true) => allowed += 1,
                Some(false) => {
                    assert!(
                        response["status"]["message"]
                            .as_str()
                            .unwrap()
                            .starts_with("[PA"),
                        "{name}: {response}"
                    );
                    denied += 1;
                }
                None => panic!("{name}: no allowed field in {got}"),
            }
        }
    }
    assert!(denied > 0, "a bad example must be denied");
    assert!(allowed > 0, "a good example must be allowed");
}

#[test]
fn gatekeeper_mode_matches_native_and_honours_enabled_rules() {
    let module =
        podauth_wasm::with_entrypoints(podauth_wasm::MODULE, &[podauth_wasm::GATEKEEPER_VIOLATION])
            .unwrap();
    let host = Burrego::new(&module);
    let (mut bad, mut good) = (0, 0);
    for (name, object, others) in cases() {
        let data = json!({"inventory": gatekeeper_inventory(&others)});
        let input = json!({"parameters": {}, "review": admission_request(&object)});
        let got = host
            .evaluate(&data, &input)
            .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        let want = native("data.podauth.gatekeeper.violation", &data, &input);
        assert_eq!(common::canonical(&got), common::canonical(&want), "{name}");
        let violations = got[0]["result"].as_array().cloned().unwrap_or_default();
        if violations.is_empty() {
            good += 1;
            continue;
        }
        bad += 1;
        let first = violations[0]["msg"].as_str().unwrap().to_string();
        assert!(first.starts_with("[PA"), "{name}: {first}");
        // Only the rules listed in `enabled_rules` report.
        let rule = violations[0]["details"]["rule"]
            .as_str()
            .unwrap()
            .to_string();
        let input =
            json!({"parameters": {"enabled_rules": [rule]}, "review": admission_request(&object)});
        let only = host.evaluate(&data, &input).unwrap();
        let only = only[0]["result"].as_array().cloned().unwrap_or_default();
        assert!(!only.is_empty());
        assert!(
            only.iter().all(|v| v["details"]["rule"] == json!(rule)),
            "{name}: {only:?}"
        );
    }
    assert!(
        bad > 0 && good > 0,
        "need a bad ({bad}) and a good ({good}) example"
    );
}

#[test]
fn entrypoint_zero_is_findings_by_default() {
    let host = Burrego::new(podauth_wasm::MODULE);
    let objects = common::objects_of(
        &std::fs::read_to_string(
            common::repo_root().join("examples/payments/settlement-report.yaml"),
        )
        .unwrap(),
    );
    let input: Value =
        serde_json::from_str(&common::input_document(&objects).to_json().unwrap()).unwrap();
    let got = host.evaluate(&json!({}), &input).unwrap();
    let want: Value = serde_json::from_str(&format!(
        "[{{\"result\":{}}}]",
        common::native_findings_json(&common::native_engine(), &input.to_string())
    ))
    .unwrap();
    assert_eq!(got, want);
    assert!(!got[0]["result"]["findings"].as_array().unwrap().is_empty());
}
