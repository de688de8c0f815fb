//! `kubectl podauth migrate` and `kubectl podauth recommend`, end to end: the
//! plan is rendered with the real `kubectl kustomize` and checked again.
use crate::support::{
    harness_with_contexts, kustomize, migrate_live, podauth, podauth_stdin, recommend_pod_identity,
    tree,
};
use podauth_test_apiserver::Scenario;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// The account, OIDC provider and cluster every plan here is made for.
const AWS_IDENTITY: [&str; 6] = [
    "--account-id",
    "111122223333",
    "--oidc-provider",
    "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE",
    "--cluster-name",
    "prod",
];

fn migrate(inputs: &[&str], out: &Path, extra: &[&str]) -> BTreeMap<String, String> {
    let out_s = out.to_str().unwrap();
    let mut args = vec!["migrate"];
    for i in inputs {
        args.extend(["-f", i]);
    }
    args.extend(["-o", out_s]);
    args.extend(AWS_IDENTITY);
    args.extend(["--region", "eu-west-1"]);
    args.extend(extra);
    let run = podauth(&args);
    assert_eq!(
        run.code, 0,
        "migrate failed: {}\n{}",
        run.stdout, run.stderr
    );
    files(out)
}

/// Every file under a directory, by relative path.
fn files(dir: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

fn plan(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap()
}

/// The review command of docs/migration.md (also in the README), for `dir`.
fn review_command(dir: &Path) -> String {
    let docs = std::fs::read_to_string(crate::support::root().join("docs/migration.md")).unwrap();
    let line = docs
        .lines()
        .find(|l| l.starts_with("kubectl kustomize migration/ | kubectl podauth check"))
        .expect("docs/migration.md shows the review command");
    let readme = std::fs::read_to_string(crate::support::root().join("README.md")).unwrap();
    assert!(
        readme.contains(line),
        "the README shows the same review command: {line}"
    );
    line.replace("migration/", dir.to_str().unwrap())
}

/// Runs the documented review command as a shell runs it, through real
/// kubectl and the plugin on PATH, with `-o json`: the report.
fn review(dir: &Path) -> Value {
    let bin_dir = Path::new(crate::support::BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{} -o json", review_command(dir)))
        .env("PATH", path)
        .current_dir(crate::support::root())
        .output()
        .expect("sh runs");
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "review command failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "review output is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Checks the rendered output: every migrated workload at rank 1 with the
/// target method, and none of the findings its migration addresses.
fn assert_round_trip(plan: &Value, rendered: &str, target: &str) {
    let run = podauth_stdin(&["check", "-f", "-", "-o", "json"], Some(rendered));
    assert_report(plan, &run.json(), target);
}

fn assert_report(plan: &Value, report: &Value, target: &str) {
    let migrations = plan["migrations"].as_array().unwrap();
    assert!(!migrations.is_empty());
    for m in migrations {
        let name = m["name"].as_str().unwrap();
        let kind = m["kind"].as_str().unwrap();
        let w = report["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["resource"]["name"] == name && w["resource"]["kind"] == kind)
            .unwrap_or_else(|| panic!("{kind}/{name} missing from the rendered output"));
        assert_eq!(w["rank"], 1, "{kind}/{name} after migration: {w}");
        assert_eq!(w["effective"], target, "{kind}/{name}: {w}");
        let addressed: Vec<&str> = m["addresses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        for f in report["findings"].as_array().unwrap() {
            let on_it = f["resource"]["name"] == name;
            assert!(
                !(on_it && addressed.contains(&f["rule"].as_str().unwrap())),
                "{kind}/{name} still has {} after migration: {}",
                f["rule"],
                f["message"]
            );
        }
    }
}

#[test]
fn migrate_round_trip_to_irsa_on_the_examples() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("plan");
    let files = migrate(&["examples/"], &dir, &[]);
    for required in [
        "kustomization.yaml",
        "MIGRATION.md",
        "iam/create-roles.sh",
        "serviceaccounts/payments.checkout-api.yaml",
        "serviceaccounts/payments.settlement-report.yaml",
        "patches/payments.deployment.checkout-api.yaml",
        "patches/payments.cronjob.settlement-report.yaml",
        "iam/payments-settlement-report.trust-policy.json",
    ] {
        assert!(
            files.contains_key(required),
            "{required} missing: {:?}",
            files.keys()
        );
    }
    let p = plan(&dir);
    let names: Vec<&str> = p["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["checkout-api", "refunds-worker", "settlement-report"]
    );
    // Before: the examples have the findings the migration addresses.
    let before = podauth(&["check", "-f", "examples/", "-o", "json"]).rules();
    for rule in ["PA101", "PA103", "PA301", "PA501"] {
        assert!(
            before.contains(&rule.to_string()),
            "{rule} not in {before:?}"
        );
    }
    let rendered = kustomize(&dir);
    assert!(!rendered.contains("iam.amazonaws.com/role"), "{rendered}");
    assert!(!rendered.contains("AWS_ACCESS_KEY_ID"), "{rendered}");
    assert_round_trip(&p, &rendered, "irsa");
    let md = &files["MIGRATION.md"];
    assert!(md.contains("kube2iam/KIAM → IRSA"), "{md}");
    assert!(md.contains("Static keys shadow IRSA"), "{md}");
    // The cut-over order: create role and trust, annotate, roll, verify, then
    // revoke the static keys.
    let section = &md[md.find("## payments/CronJob/settlement-report").unwrap()..];
    let order = [
        "Create the IAM role payments-settlement-report with the trust policy",
        "Annotate the ServiceAccount payments/settlement-report",
        "Roll the pods",
        "Verify in CloudTrail",
        "Then revoke the static keys",
    ];
    let at: Vec<usize> = order.iter().map(|s| section.find(s).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "cut-over order: {at:?}");
}

#[test]
fn migrate_round_trip_to_pod_identity() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("plan");
    let files = migrate(&["examples/"], &dir, &["--to", "pod-identity"]);
    for form in [
        "pod-identity/associations.sh",
        "pod-identity/eksctl.yaml",
        "pod-identity/ack.yaml",
        "pod-identity/main.tf",
    ] {
        assert!(files[form].contains("payments-checkout-api"), "{form}");
    }
    assert!(files["pod-identity/associations.sh"].contains(
        "aws eks create-pod-identity-association --cluster-name 'prod' --namespace 'payments' --service-account 'checkout-api'"
    ));
    assert!(files["pod-identity/main.tf"].contains("resource \"aws_eks_pod_identity_association\""));
    assert!(files["pod-identity/eksctl.yaml"].contains("podIdentityAssociations:"));
    // No IRSA annotation on any ServiceAccount the plan writes.
    for (path, text) in &files {
        if path.starts_with("serviceaccounts/") {
            assert!(
                !text.contains("eks.amazonaws.com/role-arn"),
                "{path}: {text}"
            );
        }
    }
    let rendered = kustomize(&dir);
    assert!(
        !rendered.contains("eks.amazonaws.com/role-arn"),
        "{rendered}"
    );
    // The documented review command reads the associations from the plan.
    assert_report(&plan(&dir), &review(&dir), "pod-identity");
}

/// A small schema of IAM policy grammar.
fn assert_iam_policy(path: &str, text: &str) {
    let doc: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let obj = doc.as_object().unwrap();
    assert!(
        obj.keys()
            .all(|k| k == "Version" || k == "Statement" || k == "Id"),
        "{path}"
    );
    assert_eq!(doc["Version"], "2012-10-17", "{path}");
    let statements = doc["Statement"].as_array().expect("Statement is a list");
    assert!(!statements.is_empty(), "{path}");
    let string_or_strings = |v: &Value| {
        v.is_string()
            || v.as_array()
                .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string))
    };
    for s in statements {
        let keys = ["Sid", "Effect", "Principal", "Action", "Condition"];
        assert!(
            s.as_object()
                .unwrap()
                .keys()
                .all(|k| keys.contains(&k.as_str())),
            "{path}: {s}"
        );
        assert!(s["Effect"] == "Allow" || s["Effect"] == "Deny", "{path}");
        let principal = s["Principal"].as_object().expect("Principal is an object");
        assert!(
            principal.iter().all(
                |(k, v)| ["AWS", "Federated", "Service"].contains(&k.as_str())
                    && string_or_strings(v)
            ),
            "{path}: {s}"
        );
        assert!(string_or_strings(&s["Action"]), "{path}");
        let actions: Vec<&str> = match &s["Action"] {
            Value::String(a) => vec![a.as_str()],
            other => other
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect(),
        };
        assert!(actions.iter().all(|a| a.starts_with("sts:")), "{path}");
        if let Some(c) = s.get("Condition") {
            for (op, tests) in c.as_object().unwrap() {
                assert!(
                    ["StringEquals", "StringLike", "ArnEquals", "ArnLike"].contains(&op.as_str())
                );
                assert!(
                    tests.as_object().unwrap().values().all(string_or_strings),
                    "{path}"
                );
            }
        }
        // The trust shapes the issue asks for.
        if let Some(federated) = principal.get("Federated") {
            assert_eq!(federated, "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE");
            assert_eq!(s["Action"], "sts:AssumeRoleWithWebIdentity");
            let eq = &s["Condition"]["StringEquals"];
            assert_eq!(
                eq["oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:aud"],
                "sts.amazonaws.com"
            );
            let sub = eq["oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:sub"]
                .as_str()
                .unwrap();
            assert!(sub.starts_with("system:serviceaccount:payments:"), "{sub}");
        } else {
            assert_eq!(principal["Service"], "pods.eks.amazonaws.com");
            assert_eq!(
                s["Action"],
                serde_json::json!(["sts:AssumeRole", "sts:TagSession"])
            );
        }
    }
}

#[test]
fn migrate_trust_policies_are_iam_policies() {
    let out = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (sub, extra) in [("irsa", vec![]), ("pi", vec!["--to", "pod-identity"])] {
        let files = migrate(&["examples/"], &out.path().join(sub), &extra);
        for (path, text) in &files {
            if path.ends_with(".trust-policy.json") {
                assert_iam_policy(path, text);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 3 + 4);
}

#[test]
fn migrate_is_deterministic_and_replaces_its_previous_plan() {
    let out = tempfile::tempdir().unwrap();
    let a = migrate(
        &["examples/"],
        &out.path().join("a"),
        &["--to", "pod-identity"],
    );
    let b = migrate(
        &["examples/"],
        &out.path().join("b"),
        &["--to", "pod-identity"],
    );
    assert_eq!(a, b);
    // A second run into the same directory replaces the plan (no stale files).
    let again = migrate(&["examples/"], &out.path().join("a"), &[]);
    assert!(
        !again.keys().any(|k| k.starts_with("pod-identity/")),
        "{:?}",
        again.keys()
    );
    // A directory holding something else is refused.
    let other = tree(&[("notes.txt", "mine")]);
    let run = podauth(&[
        "migrate",
        "-f",
        "examples/",
        "-o",
        other.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
}

#[test]
fn migrate_writes_no_credential_value() {
    use base64::Engine as _;
    let key_id = "AKIAZ7QXCANARY234567";
    let secret = "cAnArYsEcReT0123456789abcdefGHIJKLMNOPQR";
    let token = "CanaryTokenValue987654321";
    let config_secret = "ConfigCanarySecretValue1234";
    let manifests = format!(
        r#"apiVersion: v1
kind: Secret
metadata: {{name: app-aws, namespace: shop}}
data:
  secret: {b64}
stringData:
  credentials: |
    [default]
    aws_access_key_id = {key_id}
    aws_secret_access_key = {config_secret}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: shop
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{{"env":"{secret}"}}'
spec:
  template:
    metadata:
      annotations: {{iam.amazonaws.com/role: shop-app}}
    spec:
      containers:
        - name: app
          image: app:1
          env:
            - {{name: AWS_ACCESS_KEY_ID, value: {key_id}}}
            - {{name: AWS_SECRET_ACCESS_KEY, value: {secret}}}
            - {{name: AWS_SESSION_TOKEN, value: {token}}}
            - {{name: AWS_REGION, value: eu-west-1}}
        - name: sidecar
          image: side:1
          env:
            - name: AWS_SECRET_ACCESS_KEY
              valueFrom: {{secretKeyRef: {{name: app-aws, key: secret}}}}
"#,
        b64 = base64::engine::general_purpose::STANDARD.encode(secret),
    );
    let input = tree(&[("app.yaml", &manifests)]);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("plan");
    for extra in [vec![], vec!["--to", "pod-identity"]] {
        let files = migrate(&[input.path().to_str().unwrap()], &dir, &extra);
        let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
        for (path, text) in &files {
            for canary in [key_id, secret, token, config_secret, b64.as_str()] {
                assert!(!text.contains(canary), "{path} leaks {canary}:\n{text}");
            }
        }
        let rendered = kustomize(&dir);
        assert!(!rendered.contains("AWS_SECRET_ACCESS_KEY"), "{rendered}");
        assert!(!rendered.contains("AWS_SESSION_TOKEN"), "{rendered}");
        assert!(
            !rendered.contains("kind: Secret"),
            "Secrets are never copied"
        );
    }
}

#[test]
fn migrate_skips_what_it_cannot_move() {
    let input = tree(&[(
        "fargate.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: job, namespace: batch, labels: {eks.amazonaws.com/fargate-profile: fp}}\nspec:\n  containers:\n    - name: c\n      image: c:1\n      env: [{name: AWS_ACCESS_KEY_ID, valueFrom: {secretKeyRef: {name: k, key: id}}}]\n",
    )]);
    let out = tempfile::tempdir().unwrap();
    let files = migrate(
        &[input.path().to_str().unwrap()],
        out.path(),
        &["--to", "pod-identity"],
    );
    let md = &files["MIGRATION.md"];
    assert!(md.contains("not available on Fargate"), "{md}");
    assert!(
        !files.keys().any(|k| k.starts_with("patches/")),
        "{:?}",
        files.keys()
    );
}

/// Every branch of the decision guide, as flags.
#[test]
fn recommend_covers_every_branch() {
    let cases: [(&[&str], &str, &str); 13] = [
        (
            &["--eks", "--per-pod", "--prefer", "irsa"],
            "eks-per-pod-gitops",
            "irsa",
        ),
        (
            &["--eks", "--per-pod", "--prefer", "pod-identity"],
            "eks-per-pod-iac",
            "pod-identity",
        ),
        (&["--eks", "--uniform"], "eks-uniform", "node-role"),
        (
            &["--eks", "--external-static-secrets"],
            "eks-external-static-credentials",
            "external-secrets",
        ),
        (
            &["--cluster-type", "eks-fargate", "--prefer", "pod-identity"],
            "eks-fargate",
            "irsa",
        ),
        (
            &[
                "--eks",
                "--per-pod",
                "--prefer",
                "pod-identity",
                "--windows",
            ],
            "eks-per-pod-windows",
            "irsa",
        ),
        (
            &["--no-eks", "--ec2-nodes", "--uniform"],
            "non-eks-ec2-shared",
            "node-role",
        ),
        (
            &["--no-eks", "--ec2-nodes", "--per-pod"],
            "non-eks-ec2-last-resort",
            "static-credentials",
        ),
        (
            &["--no-eks", "--no-ec2-nodes"],
            "non-eks-no-ec2",
            "static-credentials",
        ),
        (
            &["--no-eks", "--external-static-secrets"],
            "non-eks-external-secrets",
            "external-secrets",
        ),
        (
            &["--cross-account"],
            "multi-account-complex",
            "assumed-role",
        ),
        (
            &["--cross-account", "--external-static-secrets"],
            "multi-account-simple-secrets",
            "external-secrets",
        ),
        (&["--no-input"], "eks-per-pod-gitops", "irsa"),
    ];
    for (flags, branch, method) in cases {
        let mut args = vec!["recommend", "-o", "json"];
        args.extend_from_slice(flags);
        let run = podauth(&args);
        assert_eq!(run.code, 0, "{flags:?}: {}", run.stderr);
        let j = run.json();
        assert_eq!(j["branch"], branch, "{flags:?}: {j}");
        assert_eq!(j["method"], method, "{flags:?}: {j}");
        assert!(!j["reason"].as_str().unwrap().is_empty());
        if method == "irsa" || method == "pod-identity" {
            assert!(
                j["next"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("kubectl podauth migrate --to {method}")),
                "{j}"
            );
        }
    }
    // Cross-account builds on the per-pod method the other answers pick.
    let j = podauth(&[
        "recommend",
        "-o",
        "json",
        "--cross-account",
        "--prefer",
        "pod-identity",
    ])
    .json();
    assert!(
        j["next"]
            .as_str()
            .unwrap()
            .starts_with("kubectl podauth migrate --to pod-identity"),
        "{j}"
    );
}

#[test]
fn recommend_text_quotes_the_guide() {
    let run = recommend_pod_identity(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Method:  pod-identity"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\"On EKS, when you need per-pod IAM permissions, use EKS Pod Identity if you prefer infrastructure-as-code for IAM associations\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Next:    kubectl podauth migrate --to pod-identity"),
        "{}",
        run.stdout
    );
    // stdin is not a terminal here: no prompt is written.
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

// --- Round trips: migrate, render with real kubectl, review with the documented command ---

/// Rules a plan can resolve: every rule id of `address_items` in
/// policies/products/migration.rego (what a migration's `addresses` can list).
fn resolved_rules() -> Vec<String> {
    let rego =
        std::fs::read_to_string(crate::support::root().join("policies/products/migration.rego"))
            .unwrap();
    let mut ids: Vec<String> = rego
        .lines()
        .filter(|l| l.contains("\"rules\": ["))
        .flat_map(|l| {
            l.split('"')
                .filter(|t| t.len() == 5 && t.starts_with("PA"))
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Credential values in a manifest text: access key ids anywhere, and the
/// values given to secret keys and session tokens (YAML `value:` after the
/// variable's name, `KEY: value`, `"KEY": "value"` and `key = value` lines).
fn key_values(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('A') {
        let id = &bytes[i..(i + 20).min(bytes.len())];
        if id.len() == 20
            && (id.starts_with(b"AKIA") || id.starts_with(b"ASIA"))
            && id
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            out.push(String::from_utf8_lossy(id).into_owned());
        }
    }
    let secret_name = |l: &str| {
        let l = l.to_ascii_lowercase();
        l.contains("aws_secret_access_key") || l.contains("aws_session_token")
    };
    let value_of = |l: &str| -> Option<String> {
        let (_, v) = l.rsplit_once(['=', ':'])?;
        let v = v.trim().trim_matches(['"', '\'', ',', ' ']);
        // `$(VAR)` is a reference, not a value.
        (v.len() >= 8 && !secret_name(v) && !v.starts_with('$')).then(|| v.to_string())
    };
    let lines: Vec<&str> = text.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if !secret_name(l) {
            continue;
        }
        out.extend(value_of(l));
        if let Some(next) = lines
            .get(i + 1)
            .filter(|n| n.trim_start().starts_with("value:"))
        {
            out.extend(value_of(next));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn assert_no_key(keys: &[String], files: &BTreeMap<String, String>, rendered: &str, what: &str) {
    for key in keys {
        for (path, text) in files {
            assert!(!text.contains(key.as_str()), "{what}: {path} holds a key");
        }
        assert!(
            !rendered.contains(key.as_str()),
            "{what}: the rendered output holds a key"
        );
    }
}

/// Every migrated workload: no manual step left, and its rendered pod spec has
/// no envFrom source, volume or variable the plan removed.
fn assert_complete(plan: &Value, what: &str) {
    for m in plan["migrations"].as_array().unwrap() {
        assert_eq!(
            m["manual"],
            serde_json::json!([]),
            "{what}: {} {} needs manual work",
            m["kind"],
            m["name"]
        );
        assert_eq!(m["complete"], true, "{what}");
    }
}

/// migrate → documented review command, plus the same check with the input's
/// Secrets and ConfigMaps as lookup context (what the cluster still holds).
fn round_trip(input: &Path, target: &str, what: &str) -> (Value, BTreeMap<String, String>) {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("plan");
    let files = migrate(&[input.to_str().unwrap()], &dir, &["--to", target]);
    let p = plan(&dir);
    if p["migrations"].as_array().unwrap().is_empty() {
        return (p, files);
    }
    let rendered = kustomize(&dir);
    assert_report(&p, &review(&dir), target);
    let strict = podauth_stdin(
        &[
            "check",
            "-f",
            "-",
            "--context-from",
            dir.to_str().unwrap(),
            "--context-from",
            input.to_str().unwrap(),
            "-o",
            "json",
        ],
        Some(&rendered),
    );
    assert_report(&p, &strict.json(), target);
    let keys = key_values(&std::fs::read_to_string(input).unwrap());
    assert_no_key(&keys, &files, &rendered, what);
    assert_complete(&p, what);
    (p, files)
}

#[test]
fn migrate_round_trips_every_bad_example_of_the_rules_it_resolves() {
    let rules = resolved_rules();
    let core = ["PA101", "PA102", "PA103", "PA201", "PA305", "PA501"];
    for id in core {
        assert!(rules.contains(&id.to_string()), "{id} not in {rules:?}");
    }
    let mut round_trips = 0;
    for (id, path) in crate::support::rule_examples() {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if !rules.contains(&id) || !name.starts_with("bad") {
            continue;
        }
        for target in ["irsa", "pod-identity"] {
            let what = format!("{id}/{name} --to {target}");
            let (p, _) = round_trip(&path, target, &what);
            let migrations = p["migrations"].as_array().unwrap();
            if core.contains(&id.as_str()) {
                assert!(
                    migrations.iter().any(|m| m["addresses"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|a| a == &id)),
                    "{what}: no migration resolves {id}: {p}"
                );
            }
            round_trips += usize::from(!migrations.is_empty());
        }
    }
    // Six rules with seven bad examples, both targets; PA302's example moves to
    // a dedicated ServiceAccount for Pod Identity only (it already uses IRSA).
    assert!(round_trips >= 15, "{round_trips} round trips");
}

#[test]
fn migrate_patches_the_external_dns_tutorial_credentials_file() {
    let input = crate::support::root().join("tests/e2e/fixtures/external-dns-aws-static.yaml");
    let before = podauth(&["check", "-f", input.to_str().unwrap(), "-o", "json"]);
    assert!(before.rules().contains(&"PA103".to_string()));
    for target in ["irsa", "pod-identity"] {
        let (p, files) = round_trip(&input, target, &format!("external-dns --to {target}"));
        let m = &p["migrations"][0];
        assert_eq!(m["from"], "static-credentials", "{m}");
        let patch = &files["patches/default.deployment.external-dns.yaml"];
        assert!(patch.contains("\"$patch\": \"delete\""), "{patch}");
        for removed in [
            "name: \"aws-credentials\"",
            "mountPath: \"/.aws\"",
            "AWS_SHARED_CREDENTIALS_FILE",
        ] {
            assert!(
                patch.contains(removed),
                "{target}: {removed} not removed:\n{patch}"
            );
        }
        let md = &files["MIGRATION.md"];
        assert!(!md.contains("do by hand"), "{md}");
        assert!(
            md.contains("volume \"aws-credentials\" (Secret \"external-dns\", a credentials file)"),
            "{md}"
        );
        for canary in [
            "AKIAZ7QXEXTDNS234567",
            "ExtDnsFakeSecretValue0123456789abcdefGH",
        ] {
            assert!(files.values().all(|t| !t.contains(canary)));
        }
    }
}

#[test]
fn migrate_review_command_sees_the_pod_identity_associations() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("plan");
    let files = migrate(&["examples/"], &dir, &["--to", "pod-identity"]);
    let md = &files["MIGRATION.md"];
    assert!(
        md.contains("kubectl kustomize . | kubectl podauth check -f - --context-from ."),
        "{md}"
    );
    let report = review(&dir);
    // Without the plan's associations the render alone falls back to the node
    // role (the bug this guards against); through the documented command no
    // migrated workload does.
    let rendered = kustomize(&dir);
    let alone = podauth_stdin(&["check", "-f", "-", "-o", "json"], Some(&rendered)).rules();
    assert!(alone.contains(&"PA201".to_string()), "{alone:?}");
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "PA201"),
        "{report}"
    );
    assert_report(&plan(&dir), &report, "pod-identity");
    // The same command on an IRSA plan (no associations) works too.
    let irsa = out.path().join("irsa");
    migrate(&["examples/"], &irsa, &[]);
    assert_report(&plan(&irsa), &review(&irsa), "irsa");
}

const KUBE2IAM: &str = r"apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube2iam, namespace: kube-system}
spec:
  template:
    spec:
      containers:
        - name: kube2iam
          image: jtblin/kube2iam:0.11.2
          args: [--base-role-arn=arn:aws:iam::111122223333:role/, --iptables=true]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout-api, namespace: payments}
spec:
  template:
    metadata:
      annotations: {iam.amazonaws.com/role: payments-checkout-api}
    spec:
      serviceAccountName: checkout-api
      containers: [{name: api, image: api:1, env: [{name: AWS_REGION, value: eu-west-1}]}]
";

#[test]
fn migrate_names_one_account_per_plan() {
    let input = tree(&[("app.yaml", KUBE2IAM)]);
    let input = input.path().to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    // No --account-id: the account kube2iam names, never a placeholder.
    let run = podauth(&[
        "migrate",
        "-f",
        input,
        "-o",
        out.path().join("a").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = files(&out.path().join("a"));
    for (path, text) in &files {
        assert!(!text.contains("<ACCOUNT_ID>"), "{path}: {text}");
    }
    let md = &files["MIGRATION.md"];
    assert!(
        md.contains("- Account: `111122223333` (from kube2iam's --base-role-arn)"),
        "{md}"
    );
    assert!(
        md.contains(
            "arn:aws:iam::111122223333:role/payments-checkout-api`) (the existing role, re-trusted)"
        ),
        "{md}"
    );
    // --account-id wins; the kube2iam role in the other account is then a
    // cross-account move, said so, and not "the existing role, re-trusted".
    let dir = out.path().join("b");
    let run = podauth(&[
        "migrate",
        "-f",
        input,
        "-o",
        dir.to_str().unwrap(),
        "--account-id",
        "999988887777",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = self::files(&dir);
    let md = &files["MIGRATION.md"];
    assert!(
        md.contains("- Account: `999988887777` (from --account-id)"),
        "{md}"
    );
    assert!(!md.contains("(the existing role, re-trusted)"), "{md}");
    assert!(md.contains("Cross-account step: the workload's current role arn:aws:iam::111122223333:role/payments-checkout-api is in account 111122223333"), "{md}");
    assert!(md.contains("- Cross-account:"), "{md}");
    let p = plan(&dir);
    for role in p["roles"].as_array().unwrap() {
        assert!(role["arn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:iam::999988887777:role/"));
        assert_eq!(role["reuse"], false, "{role}");
    }
    for (path, text) in &files {
        if path.ends_with(".trust-policy.json") || path.starts_with("serviceaccounts/") {
            assert!(
                !text.contains("arn:aws:iam::111122223333:role/"),
                "{path}: {text}"
            );
        }
    }
}

// --- Live clusters (the test API server) ---

/// Key values the live fixtures hold, plain or base64 in Secret data.
fn live_fixture_keys() -> Vec<String> {
    use base64::Engine as _;
    let dir = podauth_test_apiserver::Scenario::fixture_dir("mixed");
    let mut keys = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        keys.extend(key_values(&text));
        let doc: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        for v in doc["data"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(_, v)| v)
        {
            if let Some(decoded) = v
                .as_str()
                .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            {
                keys.extend(key_values(&String::from_utf8_lossy(&decoded)));
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

#[test]
fn migrate_round_trips_a_live_cluster() {
    let (server, _dir, kubeconfig) =
        harness_with_contexts(Scenario::named("mixed").unwrap(), &["prod"], &[]);
    let keys = live_fixture_keys();
    assert!(!keys.is_empty(), "the fixtures hold keys to look for");
    for target in ["irsa", "pod-identity"] {
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().join("plan");
        let mut extra = vec!["--to", target];
        extra.extend(AWS_IDENTITY);
        let run = migrate_live(&kubeconfig, &dir, &extra);
        assert_eq!(run.code, 0, "{target}: {}\n{}", run.stdout, run.stderr);
        let p = plan(&dir);
        let froms: Vec<&str> = p["migrations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["from"].as_str().unwrap())
            .collect();
        for from in [
            "kube2iam-kiam",
            "static-credentials",
            "hardcoded-credentials",
        ] {
            assert!(
                froms.contains(&from),
                "{target}: no {from} migration in {froms:?}"
            );
        }
        let rendered = kustomize(&dir);
        assert_report(&p, &review(&dir), target);
        assert_no_key(
            &keys,
            &self::files(&dir),
            &rendered,
            &format!("live --to {target}"),
        );
        assert_complete(&p, &format!("live --to {target}"));
    }
    assert!(
        server.requests().iter().all(|r| r.method == "GET"),
        "live mode is read-only"
    );
}

#[test]
fn migrate_writes_one_plan_per_cluster() {
    let (_server, _dir, kubeconfig) = harness_with_contexts(
        Scenario::named("mixed").unwrap(),
        &["arn:aws:eks:eu-west-1:111122223333:cluster/prod", "staging"],
        &[],
    );
    let out = tempfile::tempdir().unwrap();
    for (sub, selection) in [
        ("all", vec!["--all-contexts"]),
        (
            "repeated",
            vec![
                "--context",
                "arn:aws:eks:eu-west-1:111122223333:cluster/prod",
                "--context",
                "staging",
            ],
        ),
    ] {
        let dir = out.path().join(sub);
        let run = migrate_live(&kubeconfig, &dir, &selection);
        assert_eq!(run.code, 0, "{sub}: {}\n{}", run.stdout, run.stderr);
        let eks = dir.join("arn_aws_eks_eu-west-1_111122223333_cluster_prod");
        for plan_dir in [eks.clone(), dir.join("staging")] {
            assert!(
                plan_dir.join("MIGRATION.md").is_file(),
                "{sub}: {}",
                plan_dir.display()
            );
            assert!(!plan(&plan_dir)["migrations"].as_array().unwrap().is_empty());
        }
        // The EKS context names its cluster and region.
        let p = plan(&eks)["parameters"].clone();
        assert_eq!(p["cluster_name"], "prod", "{p}");
        assert_eq!(p["region"], "eu-west-1", "{p}");
        assert_eq!(
            plan(&dir.join("staging"))["parameters"]["cluster_name"],
            "<CLUSTER_NAME>"
        );
        assert!(
            run.stdout.contains("(context \"staging\")"),
            "{}",
            run.stdout
        );
    }
    // A flag that names one cluster is refused with a reason and a hint.
    let run = podauth(&[
        "migrate",
        "-A",
        "--all-contexts",
        "--kubeconfig",
        &kubeconfig,
        "-o",
        out.path().join("refused").to_str().unwrap(),
        "--cluster-name",
        "prod",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--cluster-name names one cluster"),
        "{}",
        run.stderr
    );
    let hint = run
        .stderr
        .lines()
        .find(|l| l.contains("hint:"))
        .expect("a hint");
    assert!(hint.trim().len() > "hint:".len() + 10, "{hint}");
}
