//! `export`: the Kubewarden artifacts, run through a host that drives the
//! module as Kubewarden's burrego evaluator does (a fresh instance per
//! request, `MemoryType::new(5, None)`, entrypoint 0, the ctx path, data before
//! input), deny every rule's bad examples and allow its good ones in both modes.
use crate::support::*;
use podauth_cli::live::kinds::KINDS;
use podauth_policies::{Bundle, ExampleKind};
use podauth_wasm::admission::{self, gatekeeper_inventory};
use podauth_wasm::burrego::Burrego;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

type Res<T> = Result<T, String>;

/// The objects of a manifest text, read by the CLI's own loader.
fn objects_of(text: &str) -> Vec<Value> {
    objects_of_text("example.yaml", text)
}

fn admission_request(object: &Value) -> Value {
    admission::admission_request(object, plural(object))
}

/// Kubewarden's inventories hold only the policy's `contextAwareResources`.
fn in_context(object: &Value, context: &BTreeSet<String>) -> bool {
    context.contains(object["kind"].as_str().unwrap_or(""))
}

fn opa_inventory(objects: &[Value]) -> Value {
    admission::kubewarden_inventory(objects, |kind| {
        KINDS
            .iter()
            .find(|k| k.kind == kind && k.is_served())
            .map(|k| k.plural.to_string())
    })
}

/// The denial message for one object, or None when it is allowed.
fn admit(
    host: &Burrego,
    mode: &str,
    settings: &Value,
    object: &Value,
    others: &[Value],
) -> Res<Option<String>> {
    if mode == "opa" {
        let mut data = settings.clone();
        data["kubernetes"] = opa_inventory(others);
        let got = host
            .evaluate(&data, &json!({"request": admission_request(object)}))
            .map_err(|e| format!("{e:#}"))?;
        let response = &got[0]["result"]["response"];
        match response["allowed"].as_bool() {
            Some(true) => Ok(None),
            Some(false) => Ok(Some(
                response["status"]["message"].as_str().unwrap_or("").into(),
            )),
            None => Err(format!("cannot interpret OPA policy result: {got}")),
        }
    } else {
        let data = json!({"inventory": gatekeeper_inventory(others)});
        let input = json!({"parameters": settings, "review": admission_request(object)});
        let got = host.evaluate(&data, &input).map_err(|e| format!("{e:#}"))?;
        let msgs: Vec<&str> = got[0]["result"]
            .as_array()
            .map(|v| v.iter().filter_map(|m| m["msg"].as_str()).collect())
            .unwrap_or_default();
        Ok((!msgs.is_empty()).then(|| msgs.join(", ")))
    }
}

fn export(dir: &Path, extra: &[&str]) -> (Vec<u8>, String) {
    let mut args = vec!["export", "kubewarden", "-o", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = podauth(&args);
    assert_eq!(run.code, 0, "export failed: {}", run.stderr);
    (
        std::fs::read(dir.join("policy.wasm")).unwrap(),
        std::fs::read_to_string(dir.join("policy.yaml")).unwrap(),
    )
}

fn metadata_of(wasm: &[u8]) -> Value {
    podauth_cli::export::kubewarden::read_metadata(wasm)
        .unwrap()
        .expect("io.kubewarden.metadata section")
}

fn check_mode(mode: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let (wasm, _) = export(tmp.path(), &["--mode", mode]);
    let meta = metadata_of(&wasm);
    assert_eq!(meta["executionMode"], json!(mode));
    let context: BTreeSet<String> = meta["contextAwareResources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap().to_string())
        .collect();
    let host = Burrego::new(&wasm);
    let bundle = Bundle::embedded();
    let (mut denied, mut allowed, mut failures) = (0, 0, Vec::new());
    for rule in &bundle.rules {
        let id = &rule.meta.id;
        // What policy.yaml's settings carry for a one-rule selection.
        let mut settings = json!({"enabled_rules": [id]});
        if id == "PA308" {
            // The CLI's --account-id, carried in the policy's settings.
            settings["account_id"] = json!("111122223333");
        }
        for example in &rule.examples {
            let objects = objects_of(&example.text);
            if !objects.iter().any(|o| plural(o).is_some()) {
                continue; // only eksctl ClusterConfig: never reaches an API server
            }
            let inert = ADMISSION_INERT
                .iter()
                .any(|(r, modes, _)| r == id && modes.contains(&mode));
            let mut messages = Vec::new();
            for (i, object) in objects.iter().enumerate() {
                if plural(object).is_none() {
                    continue; // never reaches an API server (eksctl ClusterConfig)
                }
                let others: Vec<Value> = objects
                    .iter()
                    .enumerate()
                    .filter(|(j, o)| *j != i && in_context(o, &context))
                    .map(|(_, o)| o.clone())
                    .collect();
                match admit(&host, mode, &settings, object, &others) {
                    Ok(Some(m)) => messages.push(m),
                    Ok(None) => {}
                    Err(e) => failures.push(format!("{}: {e}", example.path)),
                }
            }
            let names_rule = messages.iter().any(|m| m.contains(&format!("[{id}]")));
            match example.kind {
                ExampleKind::Bad if inert => assert!(
                    !names_rule,
                    "{}: {id} is listed as inert at admission in {mode} mode but fired",
                    example.path
                ),
                ExampleKind::Bad if names_rule => denied += 1,
                ExampleKind::Bad => failures.push(format!("{}: not denied", example.path)),
                ExampleKind::Good if messages.is_empty() => allowed += 1,
                ExampleKind::Good => {
                    failures.push(format!("{}: denied: {messages:?}", example.path))
                }
            }
        }
    }
    assert!(failures.is_empty(), "{mode} mode:\n{}", failures.join("\n"));
    assert!(
        denied + ADMISSION_INERT.len() >= bundle.rules.len(),
        "{denied} denied"
    );
    assert!(allowed >= bundle.rules.len(), "{allowed} allowed");
}

/// Rules whose bad examples cannot fire on one admission request, by mode,
/// with the reason (docs/export.md lists them too).
const ADMISSION_INERT: [(&str, &[&str], &str); 1] = [(
    "PA801",
    &["opa", "gatekeeper"],
    "reports a Namespace only when reviewed workloads are in it: never on one object",
)];

#[test]
fn kubewarden_opa_mode_denies_bad_and_allows_good_examples() {
    check_mode("opa");
}

#[test]
fn kubewarden_gatekeeper_mode_denies_bad_and_allows_good_examples() {
    check_mode("gatekeeper");
}

fn yaml_to_json(text: &str) -> Value {
    objects_of(text).into_iter().next().expect("one object")
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap_or_else(|| panic!("not a string: {s}")))
        .collect()
}

#[test]
fn kubewarden_metadata_and_cluster_admission_policy_are_well_formed() {
    let tmp = tempfile::tempdir().unwrap();
    let url = "registry://ghcr.io/example/podauth:v0.1.0";
    let (wasm, yaml) = export(
        tmp.path(),
        &[
            "--mode",
            "gatekeeper",
            "--select",
            "PA101,pa403",
            "--policy-mode",
            "monitor",
            "--module-url",
            url,
        ],
    );
    let meta = metadata_of(&wasm);
    // Only fields of kubewarden/policy-evaluator's `Metadata` (camelCase).
    let known = [
        "protocolVersion",
        "rules",
        "annotations",
        "mutating",
        "backgroundAudit",
        "contextAwareResources",
        "executionMode",
        "policyType",
        "minimumKubewardenVersion",
    ];
    for key in meta.as_object().unwrap().keys() {
        assert!(
            known.contains(&key.as_str()),
            "unknown metadata field {key}"
        );
    }
    assert_eq!(
        meta["protocolVersion"],
        json!("Unknown"),
        "kwctl's value for Rego"
    );
    assert_eq!(meta["mutating"], json!(false));
    assert_eq!(meta["executionMode"], json!("gatekeeper"));
    assert_eq!(meta["policyType"], json!("kubernetes"));
    assert!(meta["backgroundAudit"].is_boolean());
    let rules = meta["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    let mut resources = BTreeSet::new();
    for rule in rules {
        for field in ["apiGroups", "apiVersions", "resources", "operations"] {
            assert!(!strings(&rule[field]).is_empty(), "{field} in {rule}");
        }
        let ops = strings(&rule["operations"]);
        assert!(ops
            .iter()
            .all(|o| ["CREATE", "UPDATE", "DELETE", "CONNECT"].contains(o)));
        resources.extend(strings(&rule["resources"]).into_iter().map(String::from));
    }
    for r in [
        "pods",
        "deployments",
        "cronjobs",
        "podidentityassociations",
        "daemonsets",
    ] {
        assert!(resources.contains(r), "{r} not admitted: {resources:?}");
    }
    for key in [
        "title",
        "description",
        "version",
        "severity",
        "category",
        "source",
        "license",
    ] {
        let v = meta["annotations"][format!("io.kubewarden.policy.{key}")]
            .as_str()
            .unwrap_or_else(|| panic!("annotation {key} missing"));
        assert!(!v.is_empty(), "annotation {key} is empty");
    }
    assert!(meta["annotations"]["io.kubewarden.policy.description"]
        .as_str()
        .unwrap()
        .contains("PA101, PA403"));
    // PA403 looks up the Pod Identity Agent DaemonSet and associations.
    let context: Vec<(String, String)> = meta["contextAwareResources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["apiVersion"].as_str().unwrap().to_string(),
                r["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        context.contains(&("apps/v1".into(), "DaemonSet".into())),
        "{context:?}"
    );
    assert!(
        context.contains(&("v1".into(), "ServiceAccount".into())),
        "{context:?}"
    );

    let policy = yaml_to_json(&yaml);
    assert_eq!(policy["apiVersion"], json!("policies.kubewarden.io/v1"));
    assert_eq!(policy["kind"], json!("ClusterAdmissionPolicy"));
    assert_eq!(policy["metadata"]["name"], json!("podauth-gatekeeper"));
    let spec = &policy["spec"];
    // Only fields of the ClusterAdmissionPolicy CRD's spec.
    let spec_fields = [
        "module",
        "settings",
        "rules",
        "mode",
        "mutating",
        "policyServer",
        "backgroundAudit",
        "failurePolicy",
        "matchPolicy",
        "matchConditions",
        "objectSelector",
        "namespaceSelector",
        "sideEffects",
        "timeoutSeconds",
        "timeoutEvalSeconds",
        "contextAwareResources",
        "message",
    ];
    for key in spec.as_object().unwrap().keys() {
        assert!(
            spec_fields.contains(&key.as_str()),
            "unknown spec field {key}"
        );
    }
    assert_eq!(spec["module"], json!(url));
    assert_eq!(spec["mode"], json!("monitor"));
    assert_eq!(spec["mutating"], json!(false));
    assert_eq!(spec["rules"], meta["rules"]);
    assert_eq!(spec["contextAwareResources"], meta["contextAwareResources"]);
    assert_eq!(
        spec["settings"],
        json!({"enabled_rules": ["PA101", "PA403"]})
    );

    // Without --module-url the policy points at the file it sits beside.
    let plain = tempfile::tempdir().unwrap();
    let (_, yaml) = export(plain.path(), &["--min-severity", "critical"]);
    let policy = yaml_to_json(&yaml);
    let module = policy["spec"]["module"].as_str().unwrap();
    let path = module.strip_prefix("file://").expect("a file:// url");
    assert!(
        Path::new(path).is_absolute() && Path::new(path).is_file(),
        "{module}"
    );
    assert_eq!(policy["spec"]["mode"], json!("protect"));
    let bundle = Bundle::embedded();
    let critical: Vec<&str> = bundle
        .rules
        .iter()
        .filter(|r| r.meta.severity == podauth_policies::Severity::Critical)
        .map(|r| r.meta.id.as_str())
        .collect();
    assert_eq!(
        strings(&policy["spec"]["settings"]["enabled_rules"]),
        critical
    );
}

#[test]
fn kubewarden_export_is_deterministic() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let args = ["--module-url", "registry://ghcr.io/example/podauth:v1"];
    let first = export(a.path(), &args);
    let second = export(b.path(), &args);
    assert!(
        first.0 == second.0,
        "policy.wasm differs between two exports"
    );
    assert_eq!(first.1, second.1);
}

#[test]
fn export_rejects_unknown_rules_and_writes_the_bare_module() {
    let tmp = tempfile::tempdir().unwrap();
    let run = podauth(&[
        "export",
        "kubewarden",
        "-o",
        tmp.path().to_str().unwrap(),
        "--select",
        "PA000",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("PA000"), "{}", run.stderr);
    assert!(!tmp.path().join("policy.wasm").exists());

    let file = tmp.path().join("podauth.wasm");
    let run = podauth(&["export", "wasm", "-o", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::read(&file).unwrap() == podauth_wasm::MODULE);
}

fn read_bundle(path: &Path) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap());
    let mut archive = tar::Archive::new(gz);
    let mut out = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.push((name, bytes));
    }
    out
}

#[tokio::test(flavor = "current_thread")]
async fn opa_bundle_loads_in_the_opa_wasm_crate_and_matches_native() {
    use opa_wasm::wasmtime;
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.tar.gz"), tmp.path().join("b.tar.gz"));
    for file in [&a, &b] {
        let run = podauth(&["export", "opa-bundle", "-o", file.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    assert!(
        std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(),
        "bundle not deterministic"
    );
    let files = read_bundle(&a);
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
            .unwrap_or_else(|| panic!("{name} missing from the bundle"))
    };
    // The manifest schema (openpolicyagent.org/schemas/bundle/v1): revision
    // string, roots list, wasm resolvers with entrypoint and module.
    let manifest: Value = serde_json::from_slice(&get(".manifest")).unwrap();
    assert!(manifest["revision"].as_str().is_some_and(|r| !r.is_empty()));
    let roots = strings(&manifest["roots"]);
    assert_eq!(roots, ["podauth"]);
    let resolvers = manifest["wasm"].as_array().unwrap();
    let entrypoints: Vec<&str> = resolvers
        .iter()
        .map(|r| {
            assert_eq!(r["module"], json!("/policy.wasm"));
            r["entrypoint"].as_str().unwrap()
        })
        .collect();
    assert_eq!(entrypoints, podauth_wasm::CANONICAL_ENTRYPOINTS);
    assert!(entrypoints.iter().all(|e| e.starts_with("podauth/")));
    let bundle = Bundle::embedded();
    for module in bundle.modules() {
        assert_eq!(get(&module.path), module.text.as_bytes(), "{}", module.path);
        let package = &module.package;
        assert!(
            package == "podauth" || package.starts_with("podauth."),
            "{package} outside the root"
        );
    }
    assert!(files.iter().all(|(n, _)| !n.ends_with("_test.rego")));

    let wasm = get("policy.wasm");
    let engine = wasmtime::Engine::new(&wasmtime::Config::new()).unwrap();
    let module = wasmtime::Module::new(&engine, &wasm).unwrap();
    let mut store = wasmtime::Store::new(&engine, ());
    let runtime = opa_wasm::Runtime::new(&mut store, &module)
        .await
        .expect("opa-wasm loads the bundle's module");
    for e in &entrypoints {
        assert!(
            runtime.entrypoints().contains(*e),
            "resolver {e} not in the module"
        );
    }
    let policy = runtime.without_data(&mut store).await.unwrap();
    let mut compared = 0;
    let mut with_findings = 0;
    for (path, doc, want) in example_documents(&bundle) {
        let got: Value = policy
            .evaluate(&mut store, podauth_wasm::FINDINGS, &doc)
            .await
            .unwrap();
        let got = podauth_policies::Evaluation::from_document(&got[0]["result"]).unwrap();
        assert_eq!(got.findings, want.findings, "{path}");
        assert_eq!(got.workloads, want.workloads, "{path}");
        compared += 1;
        with_findings += usize::from(!want.findings.is_empty());
    }
    assert!(compared >= bundle.rules.len() && with_findings >= bundle.rules.len() - 1);
}

/// Every rule example as the CLI's input document, with the native engine's
/// evaluation of it (PA308's account id set).
fn example_documents(bundle: &Bundle) -> Vec<(String, Value, podauth_policies::Evaluation)> {
    let ids: Vec<&str> = bundle.rules.iter().map(|r| r.meta.id.as_str()).collect();
    let native = podauth_policies::Evaluator::new(bundle, &ids).unwrap();
    let mut out = Vec::new();
    for example in bundle.rules.iter().flat_map(|r| &r.examples) {
        let mut input = podauth_policies::InputDocument::new(&podauth_policies::Parameters {
            account_id: "111122223333".into(),
            ..Default::default()
        });
        for object in objects_of(&example.text) {
            input.push_object(&object).unwrap();
        }
        let doc: Value = serde_json::from_str(&input.to_json().unwrap()).unwrap();
        out.push((example.path.clone(), doc, native.evaluate(&input).unwrap()));
    }
    out
}

/// The bundle's `/policy.wasm`, loaded by `@open-policy-agent/opa-wasm` (the
/// npm SDK) through `loadPolicy`, gives the native engine's findings for every
/// rule example.
#[test]
fn opa_bundle_loads_in_the_npm_opa_wasm_host_and_matches_native() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("podauth.tar.gz");
    let run = podauth(&["export", "opa-bundle", "-o", archive.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let wasm = read_bundle(&archive)
        .into_iter()
        .find(|(n, _)| n == "policy.wasm")
        .expect("policy.wasm in the bundle")
        .1;
    let examples = example_documents(&Bundle::embedded());
    let jobs: Vec<Value> = examples
        .iter()
        .map(
            |(_, doc, _)| json!({"entrypoint": podauth_wasm::FINDINGS, "input": doc, "data": null}),
        )
        .collect();
    let report = podauth_wasm::npm_host::evaluate("bundle", &wasm, &jobs)
        .unwrap_or_else(|e| panic!("{e:#}"));
    let results = report["results"].as_array().unwrap();
    for ((path, _, want), got) in examples.iter().zip(results) {
        let got = podauth_policies::Evaluation::from_document(&got[0]["result"]).unwrap();
        assert_eq!(got.findings, want.findings, "{path}");
        assert_eq!(got.workloads, want.workloads, "{path}");
    }
}
