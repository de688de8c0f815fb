//! The AWS side: IAM roles read from AWS CLI output, Terraform plans and
//! ACK/Crossplane objects, checked against the ServiceAccounts that use them.
use crate::support::{podauth, podauth_stdin, tree};
use serde_json::{json, Value};

const FIXTURES: &str = "tests/fixtures/aws";

const TRUST_RULES: [&str; 5] = ["PA309", "PA310", "PA311", "PA405", "PA406"];

fn check(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "-o", "json"];
    all.extend(args);
    let run = podauth(&all);
    assert!(
        run.code == 0 || run.code == 1,
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    (run.code, run.json())
}

/// (rule, resource name) of every finding.
fn hits(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(report: &Value, rule: &str, name: &str) -> bool {
    hits(report).iter().any(|(r, n)| r == rule && n == name)
}

fn workload<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["resource"]["name"] == name)
        .unwrap_or_else(|| panic!("no workload {name}"))
}

#[test]
fn list_roles_page_is_checked_against_service_accounts() {
    let (code, report) = check(&[
        "-f",
        &format!("{FIXTURES}/list-roles.json"),
        "-f",
        &format!("{FIXTURES}/serviceaccounts.yaml"),
    ]);
    assert_eq!(code, 1);
    // The URL-encoded trust policy names payments:refunds, not refunds-worker.
    assert!(
        has(&report, "PA309", "refunds-worker"),
        "{:?}",
        hits(&report)
    );
    assert!(!has(&report, "PA309", "ledger"), "{:?}", hits(&report));
    assert!(has(&report, "PA310", "platform-tooling"));
    assert!(has(&report, "PA406", "reports-exporter"));
    // Service-linked and EC2 roles have nothing to say.
    for quiet in ["AWSServiceRoleForAmazonEKS", "eks-prod-node-group"] {
        assert!(hits(&report).iter().all(|(_, n)| n != quiet), "{quiet}");
    }
    let broken = workload(&report, "refunds-worker");
    assert_ne!(broken["rank"], 1, "{broken}");
    assert_ne!(broken["effective"], "irsa", "{broken}");
    assert!(broken["methods"]
        .as_array()
        .unwrap()
        .contains(&json!("irsa")));
    let fine = workload(&report, "ledger");
    assert_eq!(fine["effective"], "irsa", "{fine}");
    assert_eq!(fine["rank"], 1);
    let message = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "PA309")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("system:serviceaccount:payments:refunds-worker")
            && message.contains("system:serviceaccount:payments:refunds\""),
        "{message}"
    );
}

#[test]
fn get_role_output_and_the_oidc_provider_flag() {
    let role = format!("{FIXTURES}/get-role.json");
    let sas = format!("{FIXTURES}/serviceaccounts.yaml");
    let (_, report) = check(&["-f", &role, "-f", &sas]);
    assert!(
        hits(&report).iter().all(|(r, _)| r != "PA309"),
        "{:?}",
        hits(&report)
    );
    // The role of refunds-worker is not in get-role.json: unknown, not broken.
    assert_eq!(workload(&report, "refunds-worker")["effective"], "irsa");
    let (_, other) = check(&[
        "-f",
        &role,
        "-f",
        &sas,
        "--oidc-provider",
        "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
    ]);
    assert!(has(&other, "PA309", "ledger"), "{:?}", hits(&other));
    let (_, same) = check(&[
        "-f",
        &role,
        "-f",
        &sas,
        "--oidc-provider",
        "oidc.eks.eu-west-1.amazonaws.com/id/5C2A7E1B9D0F4A6E8B3C1D2E3F4A5B6C",
    ]);
    assert!(!has(&same, "PA309", "ledger"));
}

#[test]
fn terraform_plan_roles_and_associations() {
    let (code, report) = check(&[
        "-f",
        &format!("{FIXTURES}/terraform-plan.json"),
        "-f",
        &format!("{FIXTURES}/serviceaccounts.yaml"),
    ]);
    assert_eq!(code, 1);
    // role_arn is computed; the configuration's reference names the role.
    assert!(
        has(&report, "PA405", "aws_eks_pod_identity_association.reports"),
        "{:?}",
        hits(&report)
    );
    assert!(has(&report, "PA406", "aws_iam_role.reports"));
    // The search role's trust policy is computed at apply time: unknown.
    assert!(
        hits(&report).iter().all(|(_, n)| !n.contains("search")),
        "{:?}",
        hits(&report)
    );
    // The module's role (ARN unknown) is matched by name and trusts ledger.
    assert!(!has(&report, "PA309", "ledger"));
    assert_eq!(workload(&report, "ledger")["rank"], 1);
}

#[test]
fn ack_and_crossplane_roles_from_the_rule_examples() {
    for (file, rule, name) in [
        ("policies/rules/PA309/bad.yaml", "PA309", "ledger"),
        (
            "policies/rules/PA309/bad-audience.yaml",
            "PA309",
            "image-scanner",
        ),
        ("policies/rules/PA310/bad.yaml", "PA310", "cluster-tooling"),
        ("policies/rules/PA405/bad.yaml", "PA405", "orders-worker"),
    ] {
        let (_, report) = check(&["-f", file]);
        assert!(has(&report, rule, name), "{file}: {:?}", hits(&report));
    }
}

#[test]
fn unreadable_roles_are_errors_and_the_rest_is_read() {
    let dir = tree(&[(
        "roles.json",
        r#"{"Roles": [
  {"Arn": "arn:aws:iam::111122223333:role/nameless"},
  {"RoleName": "broken", "Arn": "arn:aws:iam::111122223333:role/broken", "AssumeRolePolicyDocument": "%7Bnot"},
  {"RoleName": "open", "Arn": "arn:aws:iam::111122223333:role/open", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/AB"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}}
]}"#,
    )]);
    let path = dir.path().join("roles.json");
    let run = podauth(&["check", "-f", path.to_str().unwrap(), "-o", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("roles.json: document 1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Roles[0] has no RoleName"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Roles[1] (broken)"), "{}", run.stderr);
    assert!(run.rules().contains(&"PA310".to_string()));
}

/// The plan's own trust policies, read back as `aws iam list-roles` output
/// with the migrated objects, give no finding of the trust rules.
#[test]
fn migrate_trust_policies_pass_the_trust_rules() {
    let out = tempfile::tempdir().unwrap();
    let provider = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";
    for target in ["irsa", "pod-identity"] {
        let dir = out.path().join(target);
        let run = podauth(&[
            "migrate",
            "-f",
            "examples/",
            "-o",
            dir.to_str().unwrap(),
            "--to",
            target,
            "--account-id",
            "111122223333",
            "--oidc-provider",
            provider,
            "--cluster-name",
            "prod",
            "--region",
            "eu-west-1",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let plan: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap();
        let roles: Vec<Value> = plan["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                json!({"RoleName": r["name"], "Arn": r["arn"], "Path": "/", "AssumeRolePolicyDocument": r["trust_policy"]})
            })
            .collect();
        assert!(!roles.is_empty());
        let rendered = std::process::Command::new("kubectl")
            .arg("kustomize")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(rendered.status.success());
        let mut input = String::from_utf8(rendered.stdout).unwrap();
        if target == "pod-identity" {
            input.push_str("---\n");
            input.push_str(&std::fs::read_to_string(dir.join("pod-identity/ack.yaml")).unwrap());
        }
        let verify = |roles: &[Value]| {
            let listing = tree(&[("roles.json", &json!({"Roles": roles}).to_string())]);
            let path = listing.path().join("roles.json");
            let run = podauth_stdin(
                &[
                    "check",
                    "-f",
                    "-",
                    "-f",
                    path.to_str().unwrap(),
                    "-o",
                    "json",
                    "--oidc-provider",
                    provider,
                ],
                Some(&input),
            );
            assert!(run.code < 2, "{}", run.stderr);
            run.json()
        };
        let report = verify(&roles);
        let trust: Vec<_> = hits(&report)
            .into_iter()
            .filter(|(r, _)| TRUST_RULES.contains(&r.as_str()))
            .collect();
        assert!(trust.is_empty(), "{target}: {trust:?}");
        for m in plan["migrations"].as_array().unwrap() {
            let w = workload(&report, m["name"].as_str().unwrap());
            assert_eq!(w["rank"], 1, "{target}: {w}");
        }
        // The roles were read: breaking one trust policy is reported.
        let mut broken = roles.clone();
        let statement = &mut broken[0]["AssumeRolePolicyDocument"]["Statement"][0];
        statement["Action"] = json!("sts:AssumeRole");
        statement["Principal"] = json!({"Service": "ec2.amazonaws.com"});
        let rules: Vec<String> = hits(&verify(&broken)).into_iter().map(|(r, _)| r).collect();
        let expected = if target == "irsa" { "PA309" } else { "PA405" };
        assert!(rules.contains(&expected.to_string()), "{target}: {rules:?}");
    }
}
