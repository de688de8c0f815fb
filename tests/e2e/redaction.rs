//! Planted canary credentials never reach any output format or error message.
use crate::support::*;
use base64::Engine as _;

const KEY_ID: &str = "AKIACANARY0KEY1D2345";
const SESSION_KEY_ID: &str = "ASIACANARY0SESS12345";
const SECRET: &str = "CanarySecretKey/0123456789abcdefghijKLMN";
const TOKEN: &str = "CanarySessionTokenFwoGZXIvYXdzEJr0123456789";
const CM_SECRET: &str = "CanaryConfigMapSecret0123456789abcdefghij";
const STRINGDATA_SECRET: &str = "CanaryStringDataSecret0123456789abcdefgh";
const DATA_SECRET: &str = "CanaryBase64DataSecret0123456789abcdefgh";
const CONFIG_SECRET: &str = "CanaryConfigFileSecret0123456789abcdefgh";

fn canaries() -> [&'static str; 8] {
    [
        KEY_ID,
        SESSION_KEY_ID,
        SECRET,
        TOKEN,
        CM_SECRET,
        STRINGDATA_SECRET,
        DATA_SECRET,
        CONFIG_SECRET,
    ]
}

fn planted() -> String {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let creds_file = format!(
        "[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {CONFIG_SECRET}\n"
    );
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {{name: leaky, namespace: canary}}
spec:
  template:
    metadata:
      annotations: {{iam.amazonaws.com/role: leaky}}
    spec:
      containers:
        - name: app
          image: app:1
          env:
            - {{name: AWS_ACCESS_KEY_ID, value: {KEY_ID}}}
            - {{name: AWS_SECRET_ACCESS_KEY, value: "{SECRET}"}}
            - {{name: AWS_SESSION_TOKEN, value: {TOKEN}}}
            - {{name: OTHER, value: "s3://{SESSION_KEY_ID}@bucket"}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: aws-config, namespace: canary}}
data:
  credentials: |
    [default]
    aws_access_key_id = {KEY_ID}
    aws_secret_access_key = {CM_SECRET}
  AWS_SECRET_ACCESS_KEY: "{CM_SECRET}"
---
apiVersion: v1
kind: Secret
metadata: {{name: aws-keys, namespace: canary}}
stringData:
  AWS_SECRET_ACCESS_KEY: "{STRINGDATA_SECRET}"
data:
  AWS_ACCESS_KEY_ID: {}
  secret: {}
  credentials: {}
---
apiVersion: external-secrets.io/v1beta1
kind: SecretStore
metadata: {{name: store, namespace: canary}}
spec:
  provider:
    aws:
      service: SecretsManager
      region: eu-west-1
      auth:
        secretRef:
          accessKeyIDSecretRef: {{name: aws-keys, key: AWS_ACCESS_KEY_ID}}
          secretAccessKeySecretRef: {{name: aws-keys, key: secret}}
---
apiVersion: v1
kind: Pod
metadata: {{name: broken, namespace: canary}}
spec: {{containers: [{{name: x, env: [{{name: AWS_SECRET_ACCESS_KEY, value: {SECRET}}}]}}
"#,
        b64(KEY_ID),
        b64(DATA_SECRET),
        b64(&creds_file)
    )
}

fn assert_clean(what: &str, text: &str) {
    for canary in canaries() {
        assert!(!text.contains(canary), "{what} leaks {canary}:\n{text}");
    }
}

#[test]
fn no_canary_in_any_output_format() {
    let dir = tree(&[("leaky.yaml", &planted())]);
    let path = dir.path().to_str().unwrap();
    let mut saw_findings = false;
    for format in ["table", "json", "yaml", "sarif", "junit", "github"] {
        for color in ["never", "always"] {
            let run = podauth(&[
                "check",
                "-f",
                path,
                "-o",
                format,
                "--color",
                color,
                "--fail-on",
                "info",
                "--timings",
                "--show-suppressed",
            ]);
            assert_eq!(run.code, 2, "the broken last document is an input error");
            assert_clean(&format!("{format} stdout"), &run.stdout);
            assert_clean(&format!("{format} stderr"), &run.stderr);
            saw_findings |= run.stdout.contains("PA101");
            assert!(
                format != "table" || run.stderr.contains("timings:"),
                "--timings output is covered"
            );
        }
    }
    assert!(saw_findings, "the planted credentials must be found");
    let json = podauth(&["check", "-f", path, "-o", "json"]);
    let rules = json.rules();
    assert!(rules.contains(&"PA101".to_string()), "{rules:?}");
    assert!(
        json.stdout.contains("AKIA************2345"),
        "key ids are masked, not dropped"
    );
}

#[test]
fn no_canary_through_the_wasm_engine_or_in_a_baseline() {
    let dir = tree(&[("leaky.yaml", &planted())]);
    let path = dir.path().to_str().unwrap();
    let run = podauth(&["check", "-f", path, "-o", "json", "--engine", "wasm"]);
    assert_clean("wasm json", &run.stdout);
    assert_clean("wasm stderr", &run.stderr);
    let baseline = dir.path().join("baseline.json");
    podauth(&[
        "check",
        "-f",
        path,
        "--baseline",
        baseline.to_str().unwrap(),
        "--update-baseline",
    ]);
    assert_clean(
        "baseline file",
        &std::fs::read_to_string(&baseline).unwrap(),
    );
}

// --- Every command, every file, every error path -------------------------

const ARG_SECRET: &str = "arg-secret-value-5432";
const SPLIT_SECRET: &str = "splitFormSecretValue-123";
const CMD_SECRET: &str = "cmd-secret-value-9876";
const ANNOTATION_SECRET: &str = "AnnoSecretCanary0123456789abcdefghijKLMN";
const LABEL_KEY_ID: &str = "AKIACANARY0LABEL1234";
const ROLES_KEY_ID: &str = "AKIACANARY0ROLES1234";
const CONFIG_FILE_SECRET: &str = "CfgSecretCanary00123456789abcdefghijKLMN";
const BASELINE_SECRET: &str = "BaseSecretCanary0123456789abcdefghijKLMN";
const POLICY_SECRET: &str = "PolSecretCanary00123456789abcdefghijKLMN";

fn more_canaries() -> Vec<&'static str> {
    let mut all = canaries().to_vec();
    all.extend([
        ARG_SECRET,
        SPLIT_SECRET,
        CMD_SECRET,
        ANNOTATION_SECRET,
        LABEL_KEY_ID,
        ROLES_KEY_ID,
        CONFIG_FILE_SECRET,
        BASELINE_SECRET,
        POLICY_SECRET,
    ]);
    all
}

fn assert_no_canary(what: &str, text: &str) {
    for canary in more_canaries() {
        assert!(!text.contains(canary), "{what} leaks {canary}:\n{text}");
    }
}

/// Canaries in args (both flag forms), command, annotations (PA303's
/// token-expiration, PA502's allowed-roles) and labels, on objects that
/// `migrate` copies into `base/`.
fn planted_everywhere() -> String {
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: uploader
  namespace: canary
  labels: {{app: uploader, leaked: {LABEL_KEY_ID}}}
  annotations: {{note: "key {KEY_ID}"}}
spec:
  selector: {{matchLabels: {{app: uploader}}}}
  template:
    metadata:
      labels: {{app: uploader, tag: {LABEL_KEY_ID}}}
      annotations:
        iam.amazonaws.com/role: canary-uploader
        eks.amazonaws.com/token-expiration: "{ANNOTATION_SECRET}"
    spec:
      serviceAccountName: uploader
      containers:
        - name: app
          image: example.com/uploader:1.4.2
          args: ["--aws-secret-access-key={ARG_SECRET}", "--aws-secret-access-key", "{SPLIT_SECRET}", "--region", "eu-west-1"]
          command: ["sh", "-c", "AWS_SECRET_ACCESS_KEY={CMD_SECRET} aws s3 ls"]
          env:
            - {{name: AWS_ACCESS_KEY_ID, value: {KEY_ID}}}
            - {{name: AWS_SECRET_ACCESS_KEY, value: "{SECRET}"}}
            - {{name: BUCKET_KEY, valueFrom: {{secretKeyRef: {{name: aws-keys, key: AWS_SECRET_ACCESS_KEY}}}}}}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: uploader
  namespace: canary
  annotations: {{eks.amazonaws.com/token-expiration: "{ANNOTATION_SECRET}"}}
---
apiVersion: v1
kind: Namespace
metadata:
  name: canary
  annotations: {{iam.amazonaws.com/allowed-roles: '["{ROLES_KEY_ID}"]'}}
"#
    )
}

fn files_under(dir: &std::path::Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().display().to_string(),
                String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned(),
            )
        })
        .collect()
}

#[test]
fn no_canary_from_args_command_annotations_or_labels_in_check() {
    let dir = tree(&[("w.yaml", &planted_everywhere())]);
    let path = dir.path().to_str().unwrap();
    for format in ["table", "json", "yaml", "sarif", "junit", "github"] {
        let run = podauth(&["check", "-f", path, "-o", format, "--fail-on", "info"]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert_no_canary(&format!("check -o {format}"), &run.stdout);
        assert_no_canary(&format!("check -o {format} stderr"), &run.stderr);
    }
    let rules = podauth(&["check", "-f", path, "-o", "json"]).rules();
    for id in ["PA303", "PA502"] {
        assert!(
            rules.contains(&id.to_string()),
            "{id} quotes the annotation: {rules:?}"
        );
    }
}

#[test]
fn no_canary_in_migrate_files_base_copies_or_the_kustomize_render() {
    let dir = tree(&[
        ("w.yaml", &planted_everywhere()),
        ("leaky.yaml", &planted()),
    ]);
    let input = dir.path().to_str().unwrap();
    for to in ["irsa", "pod-identity"] {
        let out = tempfile::tempdir().unwrap();
        let plan = out.path().join("plan");
        let run = podauth(&[
            "migrate",
            "-f",
            input,
            "-o",
            plan.to_str().unwrap(),
            "--to",
            to,
            "--account-id",
            "111122223333",
            "--cluster-name",
            "prod",
            "--oidc-provider",
            "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE",
        ]);
        assert_no_canary("migrate stdout", &run.stdout);
        assert_no_canary("migrate stderr", &run.stderr);
        let files = files_under(&plan);
        let base = files
            .iter()
            .find(|(p, _)| p.ends_with("base/canary.deployment.uploader.yaml"))
            .unwrap_or_else(|| {
                panic!(
                    "--to {to}: no base copy: {:?}\n{}",
                    files.iter().map(|f| &f.0).collect::<Vec<_>>(),
                    run.stderr
                )
            });
        // Non-credentials are byte-identical; credentials are gone, not masked.
        for kept in [
            "example.com/uploader:1.4.2",
            "key: \"AWS_SECRET_ACCESS_KEY\"",
            "name: \"AWS_SECRET_ACCESS_KEY\"",
            "--region",
            "aws s3 ls",
        ] {
            assert!(
                base.1.contains(kept),
                "{kept} missing from base:\n{}",
                base.1
            );
        }
        assert!(
            !base.1.contains("****"),
            "base copies drop, never mask:\n{}",
            base.1
        );
        for (path, text) in &files {
            assert_no_canary(path, text);
        }
        assert_no_canary("kubectl kustomize", &kustomize(&plan));
    }
}

#[test]
fn no_canary_through_export_explain_test_or_recommend() {
    let out = tempfile::tempdir().unwrap();
    let image = format!("example.com/{KEY_ID}/*");
    let gk = out.path().join("gk");
    let run = podauth(&[
        "export",
        "gatekeeper",
        "-o",
        gk.to_str().unwrap(),
        "--exempt-image",
        &image,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_no_canary("export stderr", &run.stderr);
    let files = files_under(&gk);
    assert!(
        files.iter().any(|(_, t)| t.contains("example.com/AKIA")),
        "the flag reaches the constraints, masked"
    );
    for (path, text) in &files {
        assert_no_canary(path, text);
    }
    let run = podauth(&["export", "gatekeeper", "--exempt-image", &image]);
    assert_no_canary("export stdout", &run.stdout);
    let run = podauth(&["explain", KEY_ID]);
    assert_eq!(run.code, 2);
    assert_no_canary("explain", &format!("{}{}", run.stdout, run.stderr));
    let run = podauth(&["recommend", "--cluster-type", SECRET]);
    assert_eq!(run.code, 2);
    assert_no_canary("recommend", &format!("{}{}", run.stdout, run.stderr));
    let policies = tree(&[(
        "p/policy_test.rego",
        &format!("package canary_test\n\ntest_x if {{\n\tx := \"{POLICY_SECRET}\" +\n}}\n"),
    )]);
    let run = podauth(&["test", policies.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_no_canary("test", &format!("{}{}", run.stdout, run.stderr));
}

#[test]
fn no_canary_in_config_baseline_policy_or_manifest_errors() {
    let manifests = tree(&[("w.yaml", &planted_everywhere())]);
    let path = manifests.path().to_str().unwrap();
    let scratch = tree(&[
        (
            ".podauth.yaml",
            &format!("rules:\n  severity: {{PA101: {KEY_ID}}}\n"),
        ),
        (
            "typed.yaml",
            &format!("rules:\n  select: {CONFIG_FILE_SECRET}\n"),
        ),
        (
            "baseline.json",
            &format!("{{\"version\": \"{BASELINE_SECRET}\", \"findings\": []}}\n"),
        ),
        (
            "policy/p.rego",
            &format!("package custom.bad\n\nx := \"{POLICY_SECRET}\" +\n"),
        ),
        (
            "bad/list.yaml",
            &format!("apiVersion: v1\nkind: List\nitems: \"{SECRET}\"\n"),
        ),
        (
            "bad/yaml.yaml",
            &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: [\"{SECRET}\"\n"),
        ),
    ]);
    let s = |p: &str| scratch.path().join(p).to_str().unwrap().to_string();
    let runs = [
        (
            "config severity",
            podauth(&["check", "-f", path, "--config", &s(".podauth.yaml")]),
        ),
        (
            "config type",
            podauth(&["check", "-f", path, "--config", &s("typed.yaml")]),
        ),
        (
            "baseline",
            podauth(&["check", "-f", path, "--baseline", &s("baseline.json")]),
        ),
        (
            "policy",
            podauth(&["check", "-f", path, "--policy", &s("policy")]),
        ),
        ("manifests", podauth(&["check", "-f", &s("bad")])),
    ];
    for (what, run) in runs {
        assert_eq!(run.code, 2, "{what}: {}", run.stderr);
        assert!(run.stderr.contains("error"), "{what}: {}", run.stderr);
        assert_no_canary(what, &format!("{}{}", run.stdout, run.stderr));
    }
}

#[test]
fn no_canary_in_a_live_migration() {
    use podauth_test_apiserver::Scenario;
    let deployment = serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "uploader", "namespace": "canary",
            "labels": {"app": "uploader", "leaked": LABEL_KEY_ID},
            "annotations": {"note": format!("key {KEY_ID}")}},
        "spec": {"selector": {"matchLabels": {"app": "uploader"}}, "template": {
            "metadata": {"labels": {"app": "uploader"},
                "annotations": {"iam.amazonaws.com/role": "canary-uploader"}},
            "spec": {"serviceAccountName": "uploader", "containers": [{
                "name": "app", "image": "example.com/uploader:1.4.2",
                "args": [format!("--aws-secret-access-key={ARG_SECRET}"), "--aws-secret-access-key", SPLIT_SECRET],
                "command": ["sh", "-c", format!("AWS_SECRET_ACCESS_KEY={CMD_SECRET} aws s3 ls")],
                "env": [{"name": "AWS_ACCESS_KEY_ID", "value": KEY_ID},
                        {"name": "AWS_SECRET_ACCESS_KEY", "value": SECRET}]}]}}}
    });
    let sa = serde_json::json!({"apiVersion": "v1", "kind": "ServiceAccount",
        "metadata": {"name": "uploader", "namespace": "canary"}});
    let fixtures = tree(&[
        ("deployment.json", &deployment.to_string()),
        ("serviceaccount.json", &sa.to_string()),
    ]);
    let (_server, dir, kubeconfig) = harness(Scenario::from_dir(fixtures.path()).unwrap(), &[]);
    let plan = dir.path().join("plan");
    let run = migrate_live(
        &kubeconfig,
        &plan,
        &[
            "--to",
            "irsa",
            "--account-id",
            "111122223333",
            "--oidc-provider",
            "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_no_canary(
        "live migrate output",
        &format!("{}{}", run.stdout, run.stderr),
    );
    let files = files_under(&plan);
    let base = files
        .iter()
        .find(|(p, _)| p.ends_with("base/canary.deployment.uploader.yaml"))
        .expect("a base copy");
    assert!(base.1.contains("example.com/uploader:1.4.2"), "{}", base.1);
    for (path, text) in &files {
        assert_no_canary(path, text);
    }
}
