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
    ]);
    assert_clean(
        "baseline file",
        &std::fs::read_to_string(&baseline).unwrap(),
    );
}
