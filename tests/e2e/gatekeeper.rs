//! `export gatekeeper`: the templates' Rego, run under regorus with the input
//! Gatekeeper builds (`review`, `parameters`, `data.inventory`), gives the
//! CLI's findings for every rule example, at admission and in audit (empty
//! `operation`); the generated gator Suite holds when its cases are run the
//! way `gator verify` runs them; every artifact keeps its engine's schema rules.
use crate::support::*;
use podauth_cli::live::kinds::KINDS;
use podauth_policies::{Bundle, Evaluator, InputDocument, Parameters};
use podauth_wasm::admission::{admission_request, audit_request, gatekeeper_inventory};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The objects of a manifest file, read by the CLI's own loader.
pub fn objects_in(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    objects_of_text(&path.display().to_string(), &text)
}

/// Runs `export gatekeeper -o DIR` with extra arguments.
pub fn export_gatekeeper(extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["export", "gatekeeper", "-o", dir.path().to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = podauth(&args);
    assert_eq!(run.code, 0, "export failed: {}", run.stderr);
    dir
}

/// A ConstraintTemplate's Rego, compiled once.
pub struct Template {
    pub kind: String,
    package: String,
    engine: regorus::Engine,
}

impl Template {
    pub fn read(path: &Path) -> Template {
        let t = objects_in(path).remove(0);
        let kind = t["spec"]["crd"]["spec"]["names"]["kind"]
            .as_str()
            .unwrap()
            .to_string();
        let source = &t["spec"]["targets"][0]["code"][0]["source"];
        let rego = source["rego"].as_str().expect("source.rego");
        let package = rego
            .lines()
            .find_map(|l| l.strip_prefix("package "))
            .expect("a package")
            .to_string();
        let mut engine = regorus::Engine::new();
        engine
            .add_policy("template.rego".into(), rego.into())
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        for (i, lib) in source["libs"].as_array().expect("libs").iter().enumerate() {
            engine
                .add_policy(format!("lib{i}.rego"), lib.as_str().unwrap().into())
                .unwrap_or_else(|e| panic!("{kind} lib {i}: {e}"));
        }
        Template {
            kind,
            package,
            engine,
        }
    }

    /// The `msg` of every violation for one review, as Gatekeeper evaluates it.
    pub fn violations(
        &self,
        review: &Value,
        parameters: &Value,
        inventory: &[Value],
    ) -> Vec<String> {
        let mut engine = self.engine.clone();
        let data = json!({"inventory": gatekeeper_inventory(inventory)});
        engine
            .add_data(regorus::Value::from_json_str(&data.to_string()).unwrap())
            .unwrap();
        engine
            .set_input_json(&json!({"review": review, "parameters": parameters}).to_string())
            .unwrap();
        let result = engine
            .eval_rule(format!("data.{}.violation", self.package))
            .unwrap_or_else(|e| panic!("{}: {e}", self.kind));
        let result: Value = serde_json::from_str(&result.to_json_str().unwrap()).unwrap();
        let mut msgs: Vec<String> = result
            .as_array()
            .unwrap_or_else(|| panic!("violation is not a set: {result}"))
            .iter()
            .map(|v| {
                assert!(v["details"].is_object(), "violation without details: {v}");
                v["msg"].as_str().expect("msg").to_string()
            })
            .collect();
        msgs.sort();
        msgs
    }
}

/// Whether a Constraint's `match` selects the object (kinds and
/// excludedNamespaces, the fields the export writes).
fn constraint_matches(constraint: &Value, object: &Value) -> bool {
    let api = object["apiVersion"].as_str().unwrap_or("v1");
    let group = api.rsplit_once('/').map_or("", |(g, _)| g);
    let kind = object["kind"].as_str().unwrap_or("");
    let m = &constraint["spec"]["match"];
    let kind_ok = m["kinds"].as_array().unwrap().iter().any(|k| {
        k["apiGroups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == group)
            && k["kinds"].as_array().unwrap().iter().any(|x| x == kind)
    });
    let ns = object["metadata"]["namespace"].as_str();
    let excluded = m["excludedNamespaces"].as_array().is_some_and(|list| {
        list.iter()
            .filter_map(Value::as_str)
            .any(|p| match (p.strip_suffix('*'), ns) {
                (Some(prefix), Some(ns)) => ns.starts_with(prefix),
                (None, Some(ns)) => ns == p,
                _ => false,
            })
    });
    kind_ok && !excluded
}

/// Runs every case of the exported `suite.yaml` as `gator verify` does, once
/// as an admission request and once as an audit review. Returns the number of
/// cases run.
pub fn run_suite(dir: &Path) -> usize {
    let suite = objects_in(&dir.join("suite.yaml")).remove(0);
    assert_eq!(suite["apiVersion"], json!("test.gatekeeper.sh/v1alpha1"));
    assert_eq!(suite["kind"], json!("Suite"));
    let mut failures = Vec::new();
    let mut cases = 0;
    for test in suite["tests"].as_array().expect("tests") {
        let template = Template::read(&dir.join(test["template"].as_str().unwrap()));
        let constraint = objects_in(&dir.join(test["constraint"].as_str().unwrap())).remove(0);
        assert_eq!(constraint["kind"].as_str(), Some(template.kind.as_str()));
        let parameters = constraint["spec"]
            .get("parameters")
            .cloned()
            .unwrap_or(json!({}));
        for case in test["cases"].as_array().expect("cases") {
            cases += 1;
            let name = format!("{} / {}", test["name"], case["name"]);
            let object = objects_in(&dir.join(case["object"].as_str().unwrap())).remove(0);
            let inventory: Vec<Value> = case["inventory"]
                .as_array()
                .map(|files| {
                    files
                        .iter()
                        .flat_map(|f| objects_in(&dir.join(f.as_str().unwrap())))
                        .collect()
                })
                .unwrap_or_default();
            for review in [
                admission_request(&object, plural(&object)),
                audit_request(&object, plural(&object)),
            ] {
                let msgs = if constraint_matches(&constraint, &object) {
                    template.violations(&review, &parameters, &inventory)
                } else {
                    Vec::new()
                };
                for assertion in case["assertions"].as_array().expect("assertions") {
                    let want = assertion["violations"].as_u64().expect("a count") as usize;
                    let got = match assertion["message"].as_str() {
                        Some(pattern) => {
                            let re = regex_lite(pattern);
                            msgs.iter().filter(|m| re(m)).count()
                        }
                        None => msgs.len(),
                    };
                    if got != want {
                        failures.push(format!(
                            "{name} ({:?}): {assertion} but got {msgs:?}",
                            review["operation"]
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    cases
}

/// The assertions' patterns are `^\[ID\]`: a prefix match on the rule id.
fn regex_lite(pattern: &str) -> impl Fn(&str) -> bool {
    let prefix = pattern
        .strip_prefix('^')
        .expect("anchored pattern")
        .replace('\\', "");
    move |m: &str| m.starts_with(&prefix)
}

#[test]
fn gatekeeper_suite_holds_per_rule_and_per_group() {
    let per_rule = export_gatekeeper(&["--account-id", "111122223333"]);
    let cases = run_suite(per_rule.path());
    assert!(cases >= 60, "only {cases} cases");
    let grouped = export_gatekeeper(&["--group"]);
    // A group's Constraint matches the union of its rules' kinds: at least
    // every object the per-rule suite reviews.
    assert!(run_suite(grouped.path()) >= cases);
}

/// Rules whose bad examples cannot fire on one admission request.
const ADMISSION_INERT: [&str; 1] = ["PA801"];

#[test]
fn gatekeeper_templates_give_the_cli_findings_for_every_example() {
    let dir = export_gatekeeper(&["--account-id", "111122223333", "--exclude-namespace", ""]);
    let bundle = Bundle::embedded();
    let sync: BTreeSet<String> = std::fs::read_to_string(dir.path().join("syncset.yaml"))
        .map(|t| objects_of_text("syncset.yaml", &t).remove(0))
        .map(|s| {
            s["spec"]["gvks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["kind"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap();
    let parameters = Parameters {
        account_id: "111122223333".into(),
        ..Parameters::default()
    };
    let (mut compared, mut failures) = (0, Vec::new());
    for rule in &bundle.rules {
        let id = rule.meta.id.as_str();
        let name = format!("podauth{}", id.to_lowercase());
        let template = Template::read(&dir.path().join(format!("templates/{name}.yaml")));
        let constraint = objects_in(&dir.path().join(format!("constraints/{name}.yaml"))).remove(0);
        let gk_parameters = constraint["spec"]["parameters"].clone();
        assert_eq!(gk_parameters, json!({"accountId": "111122223333"}));
        let evaluator = Evaluator::new(&bundle, &[id]).unwrap();
        for example in &rule.examples {
            let objects = objects_of_text(&example.path, &example.text);
            // What the CLI reports on the whole example.
            let mut input = InputDocument::new(&parameters);
            for o in &objects {
                input.push_object(o).unwrap();
            }
            let mut cli: Vec<String> = evaluator
                .evaluate(&input)
                .unwrap()
                .findings
                .into_iter()
                .filter(|f| plural(&objects[f.object]).is_some())
                .map(|f| format!("[{}] {}", f.rule, f.message))
                .collect();
            cli.sort();
            for (operation, build) in [
                (
                    "CREATE",
                    admission_request as fn(&Value, Option<&str>) -> Value,
                ),
                ("audit", audit_request),
            ] {
                let mut gk = Vec::new();
                for (i, object) in objects.iter().enumerate() {
                    if !constraint_matches(&constraint, object) {
                        continue;
                    }
                    let inventory: Vec<Value> = objects
                        .iter()
                        .enumerate()
                        .filter(|(j, o)| *j != i && sync.contains(o["kind"].as_str().unwrap_or("")))
                        .map(|(_, o)| o.clone())
                        .collect();
                    let review = build(object, plural(object));
                    gk.extend(template.violations(&review, &gk_parameters, &inventory));
                }
                gk.sort();
                compared += 1;
                if ADMISSION_INERT.contains(&id) {
                    if !gk.is_empty() {
                        failures.push(format!("{}: {id} fired at admission: {gk:?}", example.path));
                    }
                } else if gk != cli {
                    failures.push(format!(
                        "{} ({operation}):\n  gatekeeper {gk:?}\n  cli        {cli:?}",
                        example.path
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        compared >= 2 * 2 * bundle.rules.len(),
        "{compared} comparisons"
    );
}

/// The structural-schema rules a v1 CRD (and so a v1 ConstraintTemplate's
/// parameters schema) must follow: a type at every level, items for arrays,
/// properties only on objects, enum values of the declared type.
fn check_structural(schema: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(ty) = schema["type"].as_str() else {
        problems.push(format!("{at}: no type"));
        return;
    };
    if !["object", "array", "string", "integer", "number", "boolean"].contains(&ty) {
        problems.push(format!("{at}: unknown type {ty}"));
    }
    for key in schema.as_object().unwrap().keys() {
        let allowed = [
            "type",
            "description",
            "properties",
            "items",
            "enum",
            "default",
            "required",
            "additionalProperties",
        ];
        if !allowed.contains(&key.as_str()) {
            problems.push(format!("{at}: unexpected keyword {key}"));
        }
    }
    if let Some(props) = schema.get("properties") {
        if ty != "object" {
            problems.push(format!("{at}: properties on a {ty}"));
        }
        if schema.get("additionalProperties").is_some() {
            problems.push(format!("{at}: properties with additionalProperties"));
        }
        for (k, v) in props.as_object().unwrap() {
            check_structural(v, &format!("{at}.{k}"), problems);
        }
    }
    match (ty, schema.get("items")) {
        ("array", Some(items)) => check_structural(items, &format!("{at}[]"), problems),
        ("array", None) => problems.push(format!("{at}: array without items")),
        (_, Some(_)) => problems.push(format!("{at}: items on a {ty}")),
        _ => {}
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if ty == "string" && !values.iter().all(Value::is_string) {
            problems.push(format!("{at}: enum values are not strings"));
        }
    }
}

/// Every `data.<root>` a module reads (outside comments).
fn data_roots(rego: &str) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    let code: String = rego
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let rego = code.as_str();
    for (i, _) in rego.match_indices("data.") {
        let before = rego[..i].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let root: String = rego[i + 5..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        roots.insert(root);
    }
    roots
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn gatekeeper_artifacts_keep_their_schema_rules() {
    let dir = export_gatekeeper(&[
        "--enforcement",
        "warn",
        "--exempt-image",
        "registry.example/debug/*",
    ]);
    let mut problems = Vec::new();
    let mut template_kinds = BTreeMap::new();
    for path in yaml_files(&dir.path().join("templates")) {
        let t = objects_in(&path).remove(0);
        let kind = t["spec"]["crd"]["spec"]["names"]["kind"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(t["apiVersion"], json!("templates.gatekeeper.sh/v1"));
        assert_eq!(t["kind"], json!("ConstraintTemplate"));
        assert_eq!(
            t["metadata"]["name"].as_str(),
            Some(kind.to_lowercase().as_str())
        );
        let schema = &t["spec"]["crd"]["spec"]["validation"]["openAPIV3Schema"];
        check_structural(schema, &kind, &mut problems);
        for p in ["exemptNamespaces", "exemptImages"] {
            assert_eq!(
                schema["properties"][p]["items"]["type"],
                json!("string"),
                "{kind} {p}"
            );
        }
        let targets = t["spec"]["targets"].as_array().unwrap();
        assert_eq!(targets.len(), 1);
        assert_eq!(targets[0]["target"], json!("admission.k8s.gatekeeper.sh"));
        assert!(
            targets[0].get("rego").is_none(),
            "v0 rego field set on {kind}"
        );
        let code = &targets[0]["code"][0];
        assert_eq!(code["engine"], json!("Rego"));
        assert_eq!(code["source"]["version"], json!("v1"));
        let rego = code["source"]["rego"].as_str().unwrap();
        assert!(
            rego.contains("\nviolation contains "),
            "{kind}: no violation rule"
        );
        let mut modules = vec![rego];
        for lib in code["source"]["libs"].as_array().unwrap() {
            let lib = lib.as_str().unwrap();
            let package = lib
                .lines()
                .find_map(|l| l.strip_prefix("package "))
                .unwrap();
            if !package.starts_with("lib.") {
                problems.push(format!("{kind}: lib package {package} is not under lib."));
            }
            modules.push(lib);
        }
        for module in modules {
            for root in data_roots(module) {
                if root != "lib" && root != "inventory" {
                    problems.push(format!("{kind}: reads data.{root}"));
                }
            }
        }
        template_kinds.insert(kind, t);
    }
    assert_eq!(template_kinds.len(), Bundle::embedded().rules.len());
    let mut constraints = 0;
    for path in yaml_files(&dir.path().join("constraints")) {
        let c = objects_in(&path).remove(0);
        constraints += 1;
        let kind = c["kind"].as_str().unwrap();
        let template = template_kinds
            .get(kind)
            .unwrap_or_else(|| panic!("no template for {kind}"));
        assert_eq!(c["apiVersion"], json!("constraints.gatekeeper.sh/v1beta1"));
        assert_eq!(c["spec"]["enforcementAction"], json!("warn"));
        assert_eq!(
            c["spec"]["match"]["excludedNamespaces"],
            json!(["kube-system"])
        );
        let kinds = c["spec"]["match"]["kinds"].as_array().unwrap();
        assert!(!kinds.is_empty());
        for k in kinds {
            assert!(k["apiGroups"].as_array().is_some_and(|g| !g.is_empty()));
            assert!(k["kinds"].as_array().is_some_and(|g| !g.is_empty()));
        }
        // The parameters fit the template's schema.
        let schema =
            &template["spec"]["crd"]["spec"]["validation"]["openAPIV3Schema"]["properties"];
        for (name, value) in c["spec"]["parameters"].as_object().unwrap() {
            let ty = schema[name]["type"]
                .as_str()
                .unwrap_or_else(|| panic!("{kind}: parameter {name} not in the schema"));
            assert_eq!(ty, "array", "{name}");
            assert!(value.as_array().unwrap().iter().all(Value::is_string));
        }
    }
    assert_eq!(constraints, template_kinds.len());
    let sync = objects_in(&dir.path().join("syncset.yaml")).remove(0);
    assert_eq!(sync["apiVersion"], json!("syncset.gatekeeper.sh/v1alpha1"));
    let gvks = sync["spec"]["gvks"].as_array().unwrap();
    // What the rules' METADATA `looks_up` lists (no rule reads Namespaces
    // from the inventory).
    for kind in ["ServiceAccount", "Secret", "DaemonSet"] {
        assert!(gvks.iter().any(|g| g["kind"] == kind), "{kind} not synced");
    }
    for g in gvks {
        assert!(g["group"].is_string() && g["version"].is_string() && g["kind"].is_string());
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn gatekeeper_export_is_deterministic_and_streams_to_stdout() {
    let (a, b) = (
        export_gatekeeper(&["--group"]),
        export_gatekeeper(&["--group"]),
    );
    let files = |d: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![d.to_path_buf()];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            } else {
                out.push((
                    p.strip_prefix(d).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
        out.sort();
        out
    };
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert!(fa.len() > 10);
    assert!(fa == fb, "two exports differ");

    let run = podauth(&[
        "export",
        "gatekeeper",
        "--select",
        "PA101",
        "--enforcement",
        "dryrun",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let docs = objects_of_text("stdout", &run.stdout);
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    // PA101 reads no other object: no SyncSet.
    assert_eq!(kinds, ["ConstraintTemplate", "PodauthPA101"]);
    assert_eq!(docs[1]["spec"]["enforcementAction"], json!("dryrun"));
}

#[test]
fn gatekeeper_parameters_exempt_namespaces_and_images() {
    let bad = root().join("policies/rules/PA101/bad.yaml");
    let objects = objects_in(&bad);
    let object = &objects[0];
    let ns = object["metadata"]["namespace"].as_str().unwrap();
    let image = object["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap();
    let dir = export_gatekeeper(&["--select", "PA101"]);
    let template = Template::read(&dir.path().join("templates/podauthpa101.yaml"));
    let review = admission_request(object, plural(object));
    let fire = |params: Value| template.violations(&review, &params, &[]).len();
    assert!(fire(json!({})) >= 1);
    assert_eq!(fire(json!({"exemptNamespaces": [ns]})), 0);
    assert_eq!(
        fire(json!({"exemptNamespaces": [format!("{}*", &ns[..2])]})),
        0
    );
    assert!(fire(json!({"exemptNamespaces": ["other"]})) >= 1);
    assert_eq!(fire(json!({"exemptImages": [image]})), 0);
    assert!(fire(json!({"exemptImages": ["registry.example/other:1"]})) >= 1);
    assert!(fire(json!({"enabledRules": ["PA999"]})) == 0);

    // The exporter writes the flags into the Constraint.
    let dir = export_gatekeeper(&[
        "--select",
        "PA101",
        "--exempt-namespace",
        ns,
        "--exempt-image",
        image,
    ]);
    let c = objects_in(&dir.path().join("constraints/podauthpa101.yaml")).remove(0);
    assert_eq!(
        c["spec"]["parameters"],
        json!({"exemptNamespaces": [ns], "exemptImages": [image]})
    );
    let template = Template::read(&dir.path().join("templates/podauthpa101.yaml"));
    assert!(template
        .violations(&review, &c["spec"]["parameters"], &[])
        .is_empty());
}

/// Rules that join objects under review (a Namespace and the workloads in it)
/// cannot fire when an admission request carries one object.
const NEEDS_OBJECTS_REVIEWED_TOGETHER: [&str; 1] = ["PA801"];

/// `Kind/namespace/name` (`-` for no namespace), as the rule-example snapshot keys objects.
fn object_key(object: &Value) -> String {
    format!(
        "{}/{}/{}",
        object["kind"].as_str().unwrap(),
        object["metadata"]["namespace"].as_str().unwrap_or("-"),
        object["metadata"]["name"].as_str().unwrap()
    )
}

/// Every rule no case confirmed against the snapshot, except those that need
/// several objects reviewed together.
fn unconfirmed_rules(confirmed: &BTreeSet<String>) -> Vec<String> {
    Bundle::embedded()
        .rules
        .iter()
        .map(|r| r.meta.id.clone())
        .filter(|id| {
            !confirmed.contains(id) && !NEEDS_OBJECTS_REVIEWED_TOGETHER.contains(&id.as_str())
        })
        .collect()
}

/// The suite's expectations are the CLI's own answers; the reviewed snapshot
/// of every bad example's findings (tests/golden/rule-findings.txt) is an
/// independent oracle. Each rule's template must have a case expecting at
/// least one violation on one of its bad examples, exactly as many as the
/// snapshot pins for that object.
#[test]
fn every_rule_has_a_suite_case_expecting_the_snapshot_violations() {
    // The snapshot's parameters: the account id, and no namespace excluded
    // (kube2iam and KIAM live in kube-system).
    let dir = export_gatekeeper(&[
        "--account-id",
        "111122223333",
        "--exclude-namespace",
        "excluded-by-nobody",
    ]);
    // The expectations hold when the templates run as Gatekeeper runs them.
    assert!(run_suite(dir.path()) >= 60);
    let snapshot = crate::rule_examples::snapshot_counts();
    let suite = objects_in(&dir.path().join("suite.yaml")).remove(0);
    let mut confirmed = BTreeSet::new();
    let mut problems = Vec::new();
    for test in suite["tests"].as_array().unwrap() {
        for case in test["cases"].as_array().unwrap() {
            let name = case["name"].as_str().unwrap();
            let object = objects_in(&dir.path().join(case["object"].as_str().unwrap())).remove(0);
            // `pa101-bad-configmap-0`: the rule, the example's stem, the object's position.
            let (rule_and_stem, _) = name.rsplit_once('-').unwrap();
            let (owner, stem) = rule_and_stem.split_once('-').unwrap();
            // The export turns `bad_audience.yaml` into the stem `bad-audience`.
            let dir = format!("policies/rules/{}", owner.to_uppercase());
            let file = std::fs::read_dir(root().join(&dir))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .find(|f| f.trim_end_matches(".yaml").replace('_', "-") == stem)
                .map_or_else(|| format!("{dir}/{stem}.yaml"), |f| format!("{dir}/{f}"));
            let object_key = object_key(&object);
            for assertion in case["assertions"].as_array().unwrap() {
                let Some(pattern) = assertion["message"].as_str() else {
                    continue;
                };
                let rule = pattern.trim_start_matches("^\\[").trim_end_matches("\\]");
                let want = assertion["violations"].as_u64().unwrap() as usize;
                let pinned = snapshot
                    .get(&(format!("{file} {object_key}"), rule.to_string()))
                    .copied()
                    .unwrap_or(0);
                // Reviewed alone, an object may differ from the whole file's
                // run (PA311 names each sharer of a role); one agreeing case per rule is required.
                if want > 0 && want == pinned {
                    confirmed.insert(rule.to_string());
                } else if want > 0 {
                    problems.push(format!(
                        "{name}: the suite expects {want} {rule} violations on {object_key}, the snapshot of {file} pins {pinned}"
                    ));
                }
            }
        }
    }
    let missing = unconfirmed_rules(&confirmed);
    assert!(
        missing.is_empty(),
        "no suite case expects the snapshot's violations for {missing:?}; disagreeing cases:\n{}",
        problems.join("\n")
    );
}

/// Kubewarden runs the module through burrego: in both of its modes, each
/// rule denies at least one object of its bad examples, with exactly the
/// findings the reviewed snapshot pins for that object (gatekeeper mode
/// counts violations per rule; opa mode must deny naming the rule).
#[test]
fn kubewarden_denies_for_every_rule_as_the_snapshot_pins() {
    use podauth_wasm::admission::kubewarden_inventory;
    use podauth_wasm::burrego::Burrego;
    let module =
        |entrypoint| podauth_wasm::with_entrypoints(podauth_wasm::MODULE, &[entrypoint]).unwrap();
    let gatekeeper_mode = Burrego::new(&module(podauth_wasm::GATEKEEPER_VIOLATION));
    let opa_mode = Burrego::new(&module(podauth_wasm::KUBEWARDEN_RESPONSE));
    let snapshot = crate::rule_examples::snapshot_counts();
    let mut confirmed = BTreeSet::new();
    for (rule, file) in rule_examples() {
        let rel = file.strip_prefix(root()).unwrap().display().to_string();
        if !file
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("bad")
        {
            continue;
        }
        let objects = objects_in(&file);
        for (i, object) in objects.iter().enumerate() {
            let object_key = object_key(object);
            let Some(&pinned) = snapshot.get(&(format!("{rel} {object_key}"), rule.clone())) else {
                continue;
            };
            let Some(plural) = plural(object) else {
                continue;
            };
            let others: Vec<Value> = objects
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, o)| o.clone())
                .collect();
            let review = admission_request(object, Some(plural));
            let data = json!({"inventory": gatekeeper_inventory(&others)});
            let input = json!({"parameters": {"accountId": "111122223333"}, "review": review});
            let violations = gatekeeper_mode.evaluate(&data, &input).unwrap();
            let of_rule = violations[0]["result"].as_array().map_or(0, |v| {
                v.iter()
                    .filter(|v| v["details"]["rule"] == json!(rule))
                    .count()
            });
            let data = json!({
                "account_id": "111122223333",
                "kubernetes": kubewarden_inventory(&others, |k| {
                    KINDS.iter().find(|s| s.kind == k).map(|s| s.plural.to_string())
                }),
            });
            let response = opa_mode
                .evaluate(&data, &json!({"request": review}))
                .unwrap();
            let response = &response[0]["result"]["response"];
            let denied = response["allowed"] == json!(false)
                && response["status"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(&format!("[{rule}]")));
            if of_rule == pinned && denied {
                confirmed.insert(rule.clone());
            }
        }
    }
    let missing = unconfirmed_rules(&confirmed);
    assert!(
        missing.is_empty(),
        "Kubewarden never denies as the snapshot pins for {missing:?}"
    );
}
