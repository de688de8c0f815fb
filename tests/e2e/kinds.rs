//! The kind registry (`podauth_policies::kinds`) is the one definition of the
//! kinds: this table-driven test runs one object of every registered kind
//! through each place that reads it, Rust and Rego, and fails on any
//! disagreement.
use podauth_cli::live::collapse::template_of;
use podauth_cli::live::kinds::KINDS;
use podauth_policies::{kinds, Bundle, Evaluator, InputDocument, Parameters};
use serde_json::{json, Value};

const KEY_ID: &str = "AKIAZ7QXFAKEKEY65432";

fn pod_template() -> Value {
    json!({
        "metadata": {"labels": {"app": "a"}},
        "spec": {"containers": [{
            "name": "app",
            "image": "registry.example/app:1",
            "env": [{"name": "AWS_ACCESS_KEY_ID", "value": KEY_ID}],
        }]},
    })
}

/// An object of the kind, with a pod template where the registry says a
/// workload keeps it.
fn sample(spec: &kinds::KindSpec) -> Value {
    let mut object = json!({
        "apiVersion": spec.api_version(),
        "kind": spec.kind,
        "metadata": {"name": format!("x-{}", spec.kind.to_lowercase())},
    });
    if spec.namespaced {
        object["metadata"]["namespace"] = json!("team");
    }
    if let Some(path) = spec.pod_template {
        let template = pod_template();
        if path.is_empty() {
            object["spec"] = template["spec"].clone();
        } else {
            let mut at = &mut object;
            for segment in path {
                at = at
                    .as_object_mut()
                    .expect("an object on the path")
                    .entry(segment.to_string())
                    .or_insert_with(|| json!({}));
            }
            *at = template;
        }
    }
    object
}

fn evaluate(evaluator: &Evaluator, objects: &[Value], rule: &str) -> Value {
    let mut input = InputDocument::new(&Parameters::default());
    for o in objects {
        input.push_object(o).unwrap();
    }
    evaluator.evaluate_rule(&input, rule).unwrap()
}

#[test]
fn rust_and_rego_read_the_same_kind_registry() {
    let bundle = Bundle::embedded();
    let evaluator = Evaluator::new(&bundle, &["PA101"]).unwrap();
    let registry: serde_json::Map<String, Value> =
        ["pod_template_path", "kind_of_plural", "cluster_scoped"]
            .iter()
            .map(|r| {
                let rule = format!("data.podauth.lib.kinds.{r}");
                (r.to_string(), evaluate(&evaluator, &[], &rule))
            })
            .collect();
    let registry = Value::Object(registry);
    for spec in KINDS {
        let object = sample(spec);
        let what = format!("{} ({})", spec.kind, spec.api_version());

        // Rust: live-mode collapse finds the template at the registry's path.
        match spec.pod_template {
            Some(path) if !path.is_empty() => {
                assert_eq!(template_of(&object), Some(&pod_template()), "{what}")
            }
            _ => assert_eq!(template_of(&object), None, "{what}"),
        }

        // Rego: the library finds exactly one pod in a workload, none elsewhere,
        // at the same path, and PA101 reviews it.
        let containers = evaluate(
            &evaluator,
            std::slice::from_ref(&object),
            "data.podauth.lib.k8s.containers",
        );
        let pods: Vec<&Value> = containers
            .as_array()
            .map(|cs| cs.iter().map(|c| &c["pod"]).collect())
            .unwrap_or_default();
        let findings = evaluate(
            &evaluator,
            std::slice::from_ref(&object),
            "data.podauth.rules.PA101.deny",
        );
        let fired = findings.as_array().is_some_and(|f| !f.is_empty());
        if let Some(path) = spec.pod_template {
            assert_eq!(pods.len(), 1, "{what}: {pods:?}");
            let mut expected: Vec<&str> = path.to_vec();
            expected.push("spec");
            assert_eq!(pods[0]["spec_path"], json!(expected.join(".")), "{what}");
            assert!(fired, "{what}: PA101 does not review it");
            assert_eq!(
                registry["pod_template_path"][spec.kind],
                json!(path),
                "{what}"
            );
        } else {
            assert!(pods.is_empty(), "{what}: {pods:?}");
            assert!(!fired, "{what}");
            assert!(registry["pod_template_path"].get(spec.kind).is_none());
        }

        // Kubewarden's plural keys and the admission adapters' scope.
        if spec.is_served() {
            assert_eq!(
                registry["kind_of_plural"][spec.plural],
                json!(spec.kind),
                "{what}"
            );
        }
        let cluster_scoped = registry["cluster_scoped"]
            .as_array()
            .is_some_and(|ks| ks.contains(&json!(spec.kind)));
        assert_eq!(cluster_scoped, !kinds::is_namespaced(spec.kind), "{what}");
    }
}

#[test]
fn every_kind_a_rule_names_is_registered() {
    let bundle = Bundle::embedded();
    for rule in &bundle.rules {
        for kind in rule.meta.reviews.iter().chain(&rule.meta.looks_up) {
            assert!(
                kinds::spec(kind).is_some(),
                "{} names {kind}, which policies/src/kinds.rs does not register",
                rule.meta.id
            );
        }
    }
    // Rules that review workloads review the kinds added with the registry.
    let pa101 = &bundle.rule("PA101").unwrap().meta;
    assert!(pa101.reviews.iter().any(|k| k == "Rollout"));
    assert!(pa101.reviews.iter().any(|k| k == "PodTemplate"));
}
