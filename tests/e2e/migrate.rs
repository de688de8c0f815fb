//! `kubectl podauth migrate` and `kubectl podauth recommend`, end to end: the
//! plan is rendered with the real `kubectl kustomize` and checked again.
use crate::support::{hermetic, podauth, podauth_stdin, tree};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const AWS: [&str; 8] = [
    "--account-id",
    "111122223333",
    "--oidc-provider",
    "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE",
    "--cluster-name",
    "prod",
    "--region",
    "eu-west-1",
];

fn migrate(inputs: &[&str], out: &Path, extra: &[&str]) -> BTreeMap<String, String> {
    let out_s = out.to_str().unwrap();
    let mut args = vec!["migrate"];
    for i in inputs {
        args.extend(["-f", i]);
    }
    args.extend(["-o", out_s]);
    args.extend(AWS);
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

fn kustomize(dir: &Path) -> String {
    let out = hermetic(&mut Command::new("kubectl"))
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("kubectl runs");
    assert!(
        out.status.success(),
        "kubectl kustomize failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn plan(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap()
}

/// Checks the rendered output: every migrated workload at rank 1 with the
/// target method, and none of the findings its migration addresses.
fn assert_round_trip(plan: &Value, rendered: &str, target: &str) {
    let run = podauth_stdin(&["check", "-f", "-", "-o", "json"], Some(rendered));
    let report = run.json();
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
    // The ACK associations stand in for the association the check looks up.
    let with_associations = format!("{rendered}\n---\n{}", files["pod-identity/ack.yaml"]);
    assert_round_trip(&plan(&dir), &with_associations, "pod-identity");
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
    let run = podauth(&[
        "recommend",
        "--eks",
        "--per-pod",
        "--prefer",
        "pod-identity",
    ]);
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
