//! Issue 14: the rules and the workload classification read one fact layer, so
//! they must never disagree. Checked over `examples/`, every rule's good and bad
//! examples, and a generated corpus of varied pod shapes
//! (`cargo xtask corpus --shapes`, the same generator):
//!
//! - PA305 implies effective `static-credentials` or `hardcoded-credentials`;
//! - PA201 implies effective `node-role`;
//! - PA101 implies effective `hardcoded-credentials`;
//! - a workload with no credential source and no SDK signal is `none`;
//! - `migrate` plans every workload whose effective method ranks below the
//!   recommended one, unless its documented reason to skip applies.
use crate::support::{podauth, root, rule_examples};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use yaml_rust2::{Yaml, YamlEmitter, YamlLoader};

/// The security ranking (podauth.workloads.ranks).
fn rank(method: &str) -> Option<u64> {
    match method {
        "irsa" | "pod-identity" => Some(1),
        "assumed-role" => Some(2),
        "ascp" | "external-secrets" => Some(3),
        "node-role" | "kube2iam-kiam" => Some(4),
        "static-credentials" => Some(5),
        "hardcoded-credentials" => Some(6),
        _ => None,
    }
}

/// (kind, namespace, name) of a report entry or plan entry.
type Id = (String, String, String);

fn id_of(v: &Value) -> Id {
    let r = if v["resource"].is_object() {
        &v["resource"]
    } else {
        v
    };
    let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
    let ns = s("namespace");
    (
        s("kind"),
        if ns.is_empty() { "default".into() } else { ns },
        s("name"),
    )
}

/// Every YAML document of a file or directory.
fn documents(path: &Path) -> Vec<Yaml> {
    let files: Vec<_> = if path.is_dir() {
        walkdir::WalkDir::new(path)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().to_path_buf())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    files
        .iter()
        .flat_map(|f| {
            YamlLoader::load_from_str(&std::fs::read_to_string(f).unwrap()).unwrap_or_default()
        })
        .collect()
}

fn text(y: &Yaml) -> String {
    let mut out = String::new();
    YamlEmitter::new(&mut out).dump(y).unwrap();
    out
}

fn str_at<'y>(y: &'y Yaml, path: &[&str]) -> &'y str {
    path.iter().fold(y, |y, k| &y[*k]).as_str().unwrap_or("")
}

const IRSA_ANNOTATION: &str = "eks.amazonaws.com/role-arn";

/// What the manifests say, independently of the policies: the workload objects
/// by id, and the ServiceAccounts with a workload identity (an IRSA annotation
/// or a Pod Identity association).
struct Manifests {
    objects: BTreeMap<Id, Yaml>,
    identities: BTreeSet<(String, String)>,
    /// eksctl ClusterConfig can grant identities in ways not modelled here.
    cluster_config: bool,
}

fn manifests(path: &Path) -> Manifests {
    let mut m = Manifests {
        objects: BTreeMap::new(),
        identities: BTreeSet::new(),
        cluster_config: false,
    };
    for doc in documents(path) {
        let kind = str_at(&doc, &["kind"]).to_string();
        let ns = match str_at(&doc, &["metadata", "namespace"]) {
            "" => "default".to_string(),
            ns => ns.to_string(),
        };
        let name = str_at(&doc, &["metadata", "name"]).to_string();
        match kind.as_str() {
            "ServiceAccount"
                if !str_at(&doc, &["metadata", "annotations", IRSA_ANNOTATION]).is_empty() =>
            {
                m.identities.insert((ns.clone(), name.clone()));
            }
            "PodIdentityAssociation" => {
                let spec = if doc["spec"]["forProvider"].is_badvalue() {
                    &doc["spec"]
                } else {
                    &doc["spec"]["forProvider"]
                };
                m.identities.insert((
                    str_at(spec, &["namespace"]).to_string(),
                    str_at(spec, &["serviceAccount"]).to_string(),
                ));
            }
            "ClusterConfig" => m.cluster_config = true,
            _ => {}
        }
        m.objects.insert((kind, ns, name), doc);
    }
    m
}

/// True when nothing in the workload object could be a credential source or an
/// SDK signal: no AWS or Amazon name, no key-shaped text, no Secret, ConfigMap
/// or CSI reference, no secret-looking argument. Conservative: it may skip
/// workloads that are `none`, never the reverse.
fn visibly_without_aws(object: &Yaml) -> bool {
    let t = text(object).to_lowercase();
    ![
        "aws",
        "amazon",
        "akia",
        "asia",
        "karpenter",
        "cloudwatch",
        "secret",
        "configmap",
        "csi",
        "session",
        "credential",
    ]
    .iter()
    .any(|w| t.contains(w))
}

fn service_account(object: &Yaml) -> String {
    let spec = match str_at(object, &["kind"]) {
        "Pod" => &object["spec"],
        "CronJob" => &object["spec"]["jobTemplate"]["spec"]["template"]["spec"],
        _ => &object["spec"]["template"]["spec"],
    };
    match (
        str_at(spec, &["serviceAccountName"]),
        str_at(spec, &["serviceAccount"]),
    ) {
        ("", "") => "default".into(),
        ("", sa) | (sa, _) => sa.into(),
    }
}

/// Reasons `migrate` may give for not planning a workload that ranks below its
/// recommendation (podauth.migration.decide), with the condition each needs.
fn skip_allowed(w: &Value, skip: &Value) -> bool {
    let reason = skip["reason"].as_str().unwrap_or("");
    let effective = w["effective"].as_str().unwrap_or("");
    let recommended = w["recommended"].as_str().unwrap_or("");
    reason.starts_with("a controller owns it")
        || reason.starts_with("EKS Pod Identity is not available")
        || (reason.contains("already rests on IRSA or Pod Identity")
            && ["ascp", "external-secrets", "assumed-role"].contains(&effective))
        || (reason.starts_with("the decision guide recommends")
            && !["irsa", "pod-identity", "assumed-role"].contains(&recommended))
}

/// Checks every invariant on one input; returns the violations.
fn violations(label: &str, path: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let p = path.to_str().unwrap();
    let run = podauth(&["check", "-f", p, "-o", "json", "--color", "never"]);
    assert!(
        matches!(run.code, 0 | 1),
        "{label}: check failed: {}",
        run.stderr
    );
    let report = run.json();
    let workloads = report["workloads"].as_array().unwrap();
    let by_source: BTreeMap<(String, u64), &Value> = workloads
        .iter()
        .map(|w| {
            let s = &w["source"];
            (
                (
                    s["file"].as_str().unwrap().to_string(),
                    s["document"].as_u64().unwrap(),
                ),
                w,
            )
        })
        .collect();
    for f in report["findings"].as_array().unwrap() {
        let rule = f["rule"].as_str().unwrap();
        let allowed: &[&str] = match rule {
            "PA305" => &["static-credentials", "hardcoded-credentials"],
            "PA201" => &["node-role"],
            "PA101" => &["hardcoded-credentials"],
            _ => continue,
        };
        let s = &f["source"];
        let key = (
            s["file"].as_str().unwrap().to_string(),
            s["document"].as_u64().unwrap(),
        );
        match by_source.get(&key) {
            Some(w) if allowed.contains(&w["effective"].as_str().unwrap()) => {}
            Some(w) => out.push(format!(
                "{label}: {rule} on {:?} but its effective method is {} (methods {})",
                id_of(f),
                w["effective"],
                w["methods"]
            )),
            None => out.push(format!(
                "{label}: {rule} on {:?}, which has no workload row",
                id_of(f)
            )),
        }
    }

    let m = manifests(path);
    for w in workloads {
        let id = id_of(w);
        let Some(object) = m.objects.get(&id) else {
            continue;
        };
        let identity = m
            .identities
            .contains(&(id.1.clone(), service_account(object)));
        if !m.cluster_config && !identity && visibly_without_aws(object) && w["effective"] != "none"
        {
            out.push(format!(
                "{label}: {id:?} has no credential source and no SDK signal but is {}",
                w["effective"]
            ));
        }
    }

    let below: Vec<&Value> = workloads
        .iter()
        .filter(|w| {
            let r = rank(w["effective"].as_str().unwrap());
            let rr = rank(w["recommended"].as_str().unwrap());
            matches!((r, rr), (Some(r), Some(rr)) if r > rr)
        })
        .collect();
    if !below.is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let plan_dir = dir.path().join("plan");
        let run = podauth(&["migrate", "-f", p, "-o", plan_dir.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{label}: migrate failed: {}", run.stderr);
        let plan: Value =
            serde_json::from_str(&std::fs::read_to_string(plan_dir.join("plan.json")).unwrap())
                .unwrap();
        let planned: BTreeSet<Id> = plan["migrations"]
            .as_array()
            .unwrap()
            .iter()
            .map(id_of)
            .collect();
        let skipped: BTreeMap<Id, &Value> = plan["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (id_of(s), s))
            .collect();
        for w in below {
            let id = id_of(w);
            if planned.contains(&id) {
                continue;
            }
            match skipped.get(&id) {
                Some(s) if skip_allowed(w, s) => {}
                Some(s) => out.push(format!(
                    "{label}: {id:?} is {} (recommended {}) but migrate skips it: {}",
                    w["effective"], w["recommended"], s["reason"]
                )),
                None => out.push(format!(
                    "{label}: {id:?} ranks below its recommendation but is not in the plan"
                )),
            }
        }
    }
    out
}

#[test]
fn rules_and_workloads_agree_on_every_example() {
    let mut all = violations("examples/", &root().join("examples"));
    for (id, file) in rule_examples() {
        let label = format!("{id}/{}", file.file_name().unwrap().to_string_lossy());
        all.extend(violations(&label, &file));
    }
    assert!(
        all.is_empty(),
        "{} inconsistencies:\n{}",
        all.len(),
        all.join("\n")
    );
}

/// What each corpus shape must classify as, by the ServiceAccount's identity
/// (None: the shape's own method does not depend on it).
fn expected(shape: &str, identity: bool) -> Option<&'static str> {
    match shape {
        "literal-key" | "secret-in-args" | "secret-in-shell" => Some("hardcoded-credentials"),
        "secret-keys" | "keys-by-reference" | "env-from-prefix" | "credentials-file" => {
            Some("static-credentials")
        }
        "kube2iam" if !identity => Some("kube2iam-kiam"),
        "assumed-role-profile" => Some("assumed-role"),
        "plain" | "cni-setting" | "imds-disabled" | "fargate" if !identity => Some("none"),
        "region" | "bare-role-arn" | "cloudwatch-agent" | "karpenter" | "env-from-config"
            if !identity =>
        {
            Some("node-role")
        }
        "irsa-by-hand" => Some("irsa"),
        "pod-identity-env" if !identity => Some("pod-identity"),
        _ => None,
    }
}

#[test]
fn rules_and_workloads_agree_on_varied_pod_shapes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("shapes");
    crate::corpus::generate_shapes(&dir, 1500, 1).unwrap();
    let mut all = violations("corpus", &dir);

    let report = podauth(&["check", "-f", dir.to_str().unwrap(), "-o", "json"]).json();
    let m = manifests(&dir);
    let mut checked = 0;
    for w in report["workloads"].as_array().unwrap() {
        let id = id_of(w);
        let shape = id.2.rsplit_once('-').map_or("", |(s, _)| s);
        let identity = m.identities.contains(&(
            id.1.clone(),
            w["serviceAccount"].as_str().unwrap().to_string(),
        ));
        if let Some(want) = expected(shape, identity) {
            checked += 1;
            if w["effective"] != want {
                all.push(format!(
                    "corpus: {id:?} ({shape}, identity {identity}) is {}, want {want}",
                    w["effective"]
                ));
            }
        }
    }
    assert!(
        checked > 300,
        "only {checked} workloads had an expected method"
    );
    let rules: BTreeSet<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    for rule in ["PA101", "PA201", "PA305"] {
        assert!(
            rules.contains(rule),
            "the corpus never triggers {rule}: {rules:?}"
        );
    }
    assert!(
        all.is_empty(),
        "{} inconsistencies:\n{}",
        all.len(),
        all.join("\n")
    );
}
