//! A generated estate for the live benchmark (`cargo xtask bench --live`):
//! `pods` running pods spread over team namespaces of 100, each namespace
//! with its Namespace object, ten ServiceAccounts (four on IRSA), two
//! ConfigMaps and a Secret holding AWS keys.
//!
//! Pods are deterministic, so tests can count what a check must report
//! ([`EstateCounts`]); by `i % 20` (`i` the pod's index):
//! - ServiceAccount `app-{i % 10}`; `app-0`..`app-3` carry an IRSA role, and
//!   their pods the env vars and token volume the EKS webhook injects;
//! - 5: static keys written in the env (`AWS_ACCESS_KEY_ID` and
//!   `AWS_SECRET_ACCESS_KEY` values);
//! - 15: the same keys read from the namespace's `aws-creds` Secret;
//! - 7 and 17: a kube2iam `iam.amazonaws.com/role` annotation;
//! - the rest: plain pods with a region and log settings only.
//!
//! Pods have no owner references, so live mode collapses none of them: every
//! pod is a workload to evaluate.
use serde_json::{json, Value};

/// Pods per team namespace.
pub const PODS_PER_NAMESPACE: usize = 100;
/// ServiceAccounts per namespace (`app-0`..`app-9`).
pub const SERVICE_ACCOUNTS: usize = 10;
/// ServiceAccounts `app-0`..`app-{IRSA_ACCOUNTS - 1}` are annotated with a role.
pub const IRSA_ACCOUNTS: usize = 4;

/// How one generated pod authenticates to AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodClass {
    /// Its ServiceAccount has an IRSA role (and the webhook's env/volume).
    Irsa,
    /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` values in the env.
    StaticEnv,
    /// The same keys through `secretKeyRef` to the `aws-creds` Secret.
    SecretEnv,
    /// A kube2iam `iam.amazonaws.com/role` annotation.
    Kube2iam,
    /// Nothing AWS-specific but a region.
    Plain,
}

/// The class of pod `i`.
pub fn pod_class(i: usize) -> PodClass {
    if i % SERVICE_ACCOUNTS < IRSA_ACCOUNTS {
        return PodClass::Irsa;
    }
    match i % 20 {
        5 => PodClass::StaticEnv,
        15 => PodClass::SecretEnv,
        7 | 17 => PodClass::Kube2iam,
        _ => PodClass::Plain,
    }
}

/// What an estate of `pods` pods holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EstateCounts {
    pub pods: usize,
    pub namespaces: usize,
    pub service_accounts: usize,
    pub config_maps: usize,
    pub secrets: usize,
    /// Every object served.
    pub objects: usize,
    pub irsa_pods: usize,
    pub static_env_pods: usize,
    pub secret_env_pods: usize,
    pub kube2iam_pods: usize,
    pub plain_pods: usize,
}

/// The counts of [`estate`]`(pods)`.
pub fn estate_counts(pods: usize) -> EstateCounts {
    let namespaces = pods.div_ceil(PODS_PER_NAMESPACE);
    let mut c = EstateCounts {
        pods,
        namespaces,
        service_accounts: namespaces * SERVICE_ACCOUNTS,
        config_maps: namespaces * 2,
        secrets: namespaces,
        ..EstateCounts::default()
    };
    c.objects = pods + namespaces + c.service_accounts + c.config_maps + c.secrets;
    for i in 0..pods {
        match pod_class(i) {
            PodClass::Irsa => c.irsa_pods += 1,
            PodClass::StaticEnv => c.static_env_pods += 1,
            PodClass::SecretEnv => c.secret_env_pods += 1,
            PodClass::Kube2iam => c.kube2iam_pods += 1,
            PodClass::Plain => c.plain_pods += 1,
        }
    }
    c
}

fn namespace_of(i: usize) -> String {
    format!("team-{:03}", i / PODS_PER_NAMESPACE)
}

fn uid(kind: u8, n: usize) -> String {
    format!("6f1c0a2e-{kind:04x}-4000-8000-{n:012}")
}

/// A well-formed access key id, different for each `n`.
fn key_id(n: usize) -> String {
    const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut x = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5bd1_e995;
    let tail: String = (0..16)
        .map(|_| {
            let c = B32[(x % 32) as usize] as char;
            x = x.rotate_right(5) ^ 0x2545_f491_4f6c_dd1d;
            c
        })
        .collect();
    format!("AKIA{tail}")
}

fn secret_key(n: usize) -> String {
    format!("benchFAKEsecret{n:08}xxxxxxxxxxxxxxxxx")
}

fn managed_fields(manager: &str) -> Value {
    json!([{
        "manager": manager,
        "operation": "Update",
        "apiVersion": "v1",
        "time": "2025-01-01T00:00:00Z",
        "fieldsType": "FieldsV1",
        "fieldsV1": {"f:metadata": {"f:labels": {}}, "f:spec": {}},
    }])
}

fn metadata(kind: u8, n: usize, name: &str, namespace: Option<&str>) -> Value {
    let mut m = json!({
        "name": name,
        "uid": uid(kind, n),
        "resourceVersion": format!("{}", 1000 + n),
        "creationTimestamp": "2025-01-01T00:00:00Z",
        "managedFields": managed_fields("kubectl-client-side-apply"),
    });
    if let Some(ns) = namespace {
        m["namespace"] = json!(ns);
    }
    m
}

/// Every object of an estate of `pods` pods (see the module docs).
pub fn estate(pods: usize) -> Vec<Value> {
    let counts = estate_counts(pods);
    let mut out = Vec::with_capacity(counts.objects);
    for t in 0..counts.namespaces {
        out.extend(namespace_objects(t));
    }
    for i in 0..pods {
        out.push(pod(i));
    }
    out
}

fn namespace_objects(t: usize) -> Vec<Value> {
    let ns = namespace_of(t * PODS_PER_NAMESPACE);
    let mut out = Vec::new();
    let mut namespace = json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": metadata(1, t, &ns, None),
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    });
    namespace["metadata"]["labels"] = json!({
        "kubernetes.io/metadata.name": ns,
        "team": format!("t{t}"),
        "pod-security.kubernetes.io/enforce": "baseline",
    });
    out.push(namespace);
    for k in 0..SERVICE_ACCOUNTS {
        let name = format!("app-{k}");
        let mut sa = json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": metadata(2, t * SERVICE_ACCOUNTS + k, &name, Some(&ns)),
        });
        if k < IRSA_ACCOUNTS {
            sa["metadata"]["annotations"] = json!({
                "eks.amazonaws.com/role-arn": format!("arn:aws:iam::111122223333:role/{ns}-{name}"),
            });
        }
        out.push(sa);
    }
    out.push(json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(3, t * 2, "app-config", Some(&ns)),
        "data": {
            "LOG_LEVEL": "info",
            "FEATURE_FLAGS": "checkout,search",
            "ENDPOINT": format!("https://api.{ns}.svc.cluster.local"),
        },
    }));
    out.push(json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(3, t * 2 + 1, "kube-root-ca.crt", Some(&ns)),
        "data": {
            "ca.crt": "-----BEGIN CERTIFICATE-----\nMIIBbench\n-----END CERTIFICATE-----\n",
        },
    }));
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    out.push(json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "metadata": metadata(4, t, "aws-creds", Some(&ns)),
        "data": {
            "AWS_ACCESS_KEY_ID": b64(&key_id(1_000_000 + t)),
            "AWS_SECRET_ACCESS_KEY": b64(&secret_key(1_000_000 + t)),
        },
    }));
    out
}

fn pod(i: usize) -> Value {
    let ns = namespace_of(i);
    let class = pod_class(i);
    let sa = format!("app-{}", i % SERVICE_ACCOUNTS);
    let name = format!("{sa}-{i:06}");
    let api_volume = format!("kube-api-access-{:05}", i % 100_000);

    let mut env = vec![
        json!({"name": "AWS_REGION", "value": "eu-west-1"}),
        json!({"name": "LOG_FORMAT", "value": "json"}),
    ];
    let mut mounts = vec![json!({
        "name": api_volume,
        "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
        "readOnly": true,
    })];
    let mut volumes = vec![json!({
        "name": api_volume,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
            ],
        },
    })];
    let mut annotations = json!({"kubectl.kubernetes.io/restartedAt": "2025-01-01T00:00:00Z"});
    match class {
        PodClass::Irsa => {
            env.push(json!({"name": "AWS_STS_REGIONAL_ENDPOINTS", "value": "regional"}));
            env.push(json!({"name": "AWS_ROLE_ARN", "value": format!("arn:aws:iam::111122223333:role/{ns}-{sa}")}));
            env.push(json!({"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}));
            mounts.push(json!({
                "name": "aws-iam-token",
                "mountPath": "/var/run/secrets/eks.amazonaws.com/serviceaccount",
                "readOnly": true,
            }));
            volumes.push(json!({
                "name": "aws-iam-token",
                "projected": {"defaultMode": 420, "sources": [{"serviceAccountToken": {
                    "audience": "sts.amazonaws.com", "expirationSeconds": 86400, "path": "token",
                }}]},
            }));
        }
        PodClass::StaticEnv => {
            env.push(json!({"name": "AWS_ACCESS_KEY_ID", "value": key_id(i)}));
            env.push(json!({"name": "AWS_SECRET_ACCESS_KEY", "value": secret_key(i)}));
        }
        PodClass::SecretEnv => {
            for key in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
                env.push(json!({"name": key, "valueFrom": {"secretKeyRef": {"name": "aws-creds", "key": key}}}));
            }
        }
        PodClass::Kube2iam => {
            annotations["iam.amazonaws.com/role"] = json!(format!("{ns}-{sa}"));
        }
        PodClass::Plain => {}
    }
    let node = format!("ip-10-0-{}-{}.eu-west-1.compute.internal", i % 7, i % 31);
    let ip = format!("10.1.{}.{}", (i / 250) % 250, i % 250);
    let image = format!("registry.example.com/{ns}/{sa}:1.{}.0", i % 9);
    let mut meta = metadata(5, i, &name, Some(&ns));
    meta["labels"] = json!({"app": sa, "team": ns, "version": format!("1.{}", i % 9)});
    meta["annotations"] = annotations;
    meta["managedFields"] = managed_fields("kubelet");
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {
            "serviceAccountName": sa,
            "serviceAccount": sa,
            "nodeName": node,
            "containers": [{
                "name": "main",
                "image": image,
                "imagePullPolicy": "IfNotPresent",
                "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                "env": env,
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                "volumeMounts": mounts,
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
            }],
            "volumes": volumes,
            "restartPolicy": "Always",
            "dnsPolicy": "ClusterFirst",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "terminationGracePeriodSeconds": 30,
            "enableServiceLinks": true,
            "preemptionPolicy": "PreemptLowerPriority",
            "priority": 0,
            "tolerations": [
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            ],
        },
        "status": {
            "phase": "Running",
            "hostIP": format!("10.0.{}.{}", i % 7, i % 31),
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "qosClass": "Burstable",
            "startTime": "2025-01-01T00:00:05Z",
            "conditions": [
                {"type": "Initialized", "status": "True", "lastTransitionTime": "2025-01-01T00:00:05Z"},
                {"type": "Ready", "status": "True", "lastTransitionTime": "2025-01-01T00:00:09Z"},
                {"type": "ContainersReady", "status": "True", "lastTransitionTime": "2025-01-01T00:00:09Z"},
                {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2025-01-01T00:00:05Z"},
            ],
            "containerStatuses": [{
                "name": "main",
                "image": image,
                "imageID": format!("registry.example.com/{ns}/{sa}@sha256:{:064x}", i),
                "containerID": format!("containerd://{:064x}", i),
                "ready": true,
                "restartCount": 0,
                "started": true,
                "state": {"running": {"startedAt": "2025-01-01T00:00:08Z"}},
            }],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_objects() {
        for pods in [0, 1, 99, 100, 250] {
            let objects = estate(pods);
            let c = estate_counts(pods);
            assert_eq!(objects.len(), c.objects, "{pods} pods");
            let kind = |k: &str| objects.iter().filter(|o| o["kind"] == k).count();
            assert_eq!(kind("Pod"), pods);
            assert_eq!(kind("Namespace"), c.namespaces);
            assert_eq!(kind("ServiceAccount"), c.service_accounts);
            assert_eq!(kind("ConfigMap"), c.config_maps);
            assert_eq!(kind("Secret"), c.secrets);
            assert_eq!(
                c.irsa_pods
                    + c.static_env_pods
                    + c.secret_env_pods
                    + c.kube2iam_pods
                    + c.plain_pods,
                pods
            );
        }
        let c = estate_counts(200);
        assert_eq!(
            (
                c.irsa_pods,
                c.static_env_pods,
                c.secret_env_pods,
                c.kube2iam_pods
            ),
            (80, 10, 10, 20)
        );
    }

    #[test]
    fn key_ids_look_real_and_differ() {
        let a = key_id(1);
        assert_eq!(a.len(), 20);
        assert!(a.starts_with("AKIA"));
        assert!(a[4..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        assert_ne!(a, key_id(2));
    }
}
