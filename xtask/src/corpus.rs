//! `cargo xtask corpus --objects N --out DIR [--seed S]`: a realistic, seeded
//! estate for benchmarks: namespaces of teams, each with ServiceAccounts (some
//! on IRSA), Deployments with env vars, kube2iam annotations, static keys,
//! ConfigMaps, Secrets, External Secrets and ASCP objects, written as
//! multi-document files of about 500 objects.
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::Path;

/// A small deterministic generator (SplitMix64), so corpora are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// True with probability `percent`%.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn key_id(&mut self) -> String {
        const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let tail: String = (0..16)
            .map(|_| B32[(self.next() % 32) as usize] as char)
            .collect();
        format!("AKIA{tail}")
    }
}

pub fn run(args: &[String]) -> Result<()> {
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let objects: usize = value("--objects")
        .context("--objects N is required")?
        .parse()?;
    let out = value("--out").context("--out DIR is required")?;
    let seed: u64 = value("--seed").map_or(Ok(1), |s| s.parse())?;
    let workloads = value("--workloads")
        .map(|s| parse_workload_share(&s))
        .transpose()?;
    let written = generate_mix(Path::new(&out), objects, seed, workloads)?;
    eprintln!("wrote {written} objects to {out}");
    Ok(())
}

/// `--workloads PCT`: the share of workloads in the corpus, 1 to 99 percent.
pub fn parse_workload_share(text: &str) -> Result<u32> {
    let pct: u32 = text
        .trim()
        .trim_end_matches('%')
        .parse()
        .context("--workloads takes a percentage, e.g. 50")?;
    anyhow::ensure!((1..100).contains(&pct), "--workloads must be 1 to 99");
    Ok(pct)
}

/// Writes about `target` objects under `dir`; returns the exact count.
pub fn generate(dir: &Path, target: usize, seed: u64) -> Result<usize> {
    generate_mix(dir, target, seed, None)
}

/// As [`generate`]; with `workload_percent`, each app gets more Deployment
/// replicas of its own workload (same ServiceAccount and env) until workloads
/// are that share of the objects. `None` is the default mix (about 28%),
/// unchanged object for object.
pub fn generate_mix(
    dir: &Path,
    target: usize,
    seed: u64,
    workload_percent: Option<u32>,
) -> Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(seed);
    let mut docs: Vec<String> = Vec::with_capacity(target);
    let mut team = 0;
    let mut mix = Mix {
        percent: workload_percent,
        objects: 0,
        workloads: 0,
    };
    while docs.len() < target {
        team += 1;
        docs.extend(team_objects(&mut rng, team, &mut mix));
    }
    docs.truncate(target);
    for (i, chunk) in docs.chunks(500).enumerate() {
        let path = dir.join(format!("estate-{i:04}.yaml"));
        std::fs::write(&path, chunk.join("---\n"))?;
    }
    Ok(docs.len())
}

/// The running workload share, for `--workloads`.
struct Mix {
    percent: Option<u32>,
    objects: usize,
    workloads: usize,
}

impl Mix {
    /// How many extra copies of a workload bring the share up to the target,
    /// after `emitted` more objects of which one is a workload.
    fn extra(&mut self, emitted: usize) -> usize {
        self.objects += emitted;
        self.workloads += 1;
        let Some(pct) = self.percent.map(|p| p as usize) else {
            return 0;
        };
        let mut extra = 0;
        while (self.workloads + extra) * 100 < pct * (self.objects + extra) {
            extra += 1;
        }
        self.objects += extra;
        self.workloads += extra;
        extra
    }
}

/// One team namespace: about 40 objects (more with a workload share).
fn team_objects(rng: &mut Rng, team: usize, mix: &mut Mix) -> Vec<String> {
    let ns = format!("team-{team:05}");
    let mut out = Vec::new();
    let legacy = rng.chance(30);
    let mut ns_doc = format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels:\n    team: t{team}\n"
    );
    if rng.chance(60) {
        ns_doc.push_str("    pod-security.kubernetes.io/enforce: baseline\n");
    }
    if legacy {
        let _ = write!(
            ns_doc,
            "  annotations:\n    iam.amazonaws.com/allowed-roles: '[\"{ns}-*\"]'\n"
        );
    }
    out.push(ns_doc);
    if rng.chance(20) {
        out.push(format!(
            "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: aws\n  namespace: {ns}\nspec:\n  provider:\n    aws:\n      service: SecretsManager\n      region: eu-west-1\n      auth:\n        jwt:\n          serviceAccountRef:\n            name: eso\n"
        ));
    }
    for app in 0..12 {
        // The team's first app also counts the Namespace and SecretStore.
        let app_start = if app == 0 { 0 } else { out.len() };
        let name = format!("app-{app:02}");
        let irsa = rng.chance(55);
        let mut sa = format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
        );
        if irsa {
            let _ = write!(sa, "  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/{ns}-{name}\n");
        }
        out.push(sa);
        out.push(format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\n  namespace: {ns}\ndata:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: \"checkout,search\"\n  ENDPOINT: https://{name}.{ns}.svc.cluster.local\n"
        ));
        let static_keys = !irsa && rng.chance(15);
        if static_keys {
            out.push(format!(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}-aws\n  namespace: {ns}\ntype: Opaque\nstringData:\n  AWS_ACCESS_KEY_ID: {}\n  AWS_SECRET_ACCESS_KEY: corpusFAKEsecret{team:05}{app:02}xxxxxxxxxxxxxxxxx\n",
                rng.key_id()
            ));
        }
        let mut env = String::from("            - name: AWS_REGION\n              value: eu-west-1\n            - name: LOG_FORMAT\n              value: json\n");
        if static_keys {
            let _ = write!(
                env,
                "            - name: AWS_ACCESS_KEY_ID\n              valueFrom:\n                secretKeyRef: {{name: {name}-aws, key: AWS_ACCESS_KEY_ID}}\n            - name: AWS_SECRET_ACCESS_KEY\n              valueFrom:\n                secretKeyRef: {{name: {name}-aws, key: AWS_SECRET_ACCESS_KEY}}\n"
            );
        } else if rng.chance(2) {
            let _ = write!(
                env,
                "            - name: AWS_ACCESS_KEY_ID\n              value: {}\n",
                rng.key_id()
            );
        }
        let annotations = if legacy && !irsa && rng.chance(50) {
            format!("      annotations:\n        iam.amazonaws.com/role: {ns}-{name}\n")
        } else {
            String::new()
        };
        let ascp = rng.chance(8);
        let volumes = if ascp {
            format!("      volumes:\n        - name: secrets\n          csi:\n            driver: secrets-store.csi.k8s.io\n            readOnly: true\n            volumeAttributes:\n              secretProviderClass: {name}\n")
        } else {
            String::new()
        };
        if ascp {
            out.push(format!(
                "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  provider: aws\n  parameters:\n    objects: |\n      - objectName: {ns}/{name}\n        objectType: secretsmanager\n"
            ));
        }
        let kind = if rng.chance(80) {
            "Deployment"
        } else {
            "StatefulSet"
        };
        let workload = |kind: &str, workload_name: &str| {
            format!(
            "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {workload_name}\n  namespace: {ns}\n  labels: {{app: {name}}}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: {workload_name}}}\n  template:\n    metadata:\n      labels: {{app: {workload_name}}}\n{annotations}    spec:\n      serviceAccountName: {name}\n      containers:\n        - name: main\n          image: registry.example.com/{ns}/{name}:1.{app}.0\n          ports:\n            - containerPort: 8080\n          env:\n{env}          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n{volumes}"
            )
        };
        out.push(workload(kind, &name));
        if rng.chance(25) {
            out.push(format!(
                "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: {name}-db\n  namespace: {ns}\nspec:\n  refreshInterval: 1h\n  secretStoreRef: {{name: aws, kind: SecretStore}}\n  target: {{name: {name}-db}}\n  data:\n    - secretKey: password\n      remoteRef: {{key: {ns}/{name}/db}}\n"
            ));
        }
        for copy in 0..mix.extra(out.len() - app_start) {
            out.push(workload("Deployment", &format!("{name}-w{copy}")));
        }
    }
    out
}
