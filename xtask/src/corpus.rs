//! `cargo xtask corpus --objects N --out DIR [--seed S]`: a realistic, seeded
//! estate for benchmarks: namespaces of teams, each with ServiceAccounts (some
//! on IRSA), Deployments with env vars, kube2iam annotations, static keys,
//! ConfigMaps, Secrets, External Secrets and ASCP objects, written as
//! multi-document files of about 500 objects. Cross-namespace and
//! cluster-scoped objects name ServiceAccounts and Secrets in the teams'
//! namespaces: ACK Pod Identity associations in `platform-identity`, one eksctl
//! ClusterConfig, ClusterSecretStores, and the Pod Identity Agent in `kube-system`.
//!
//! The generator also counts the findings each rule must report on what it
//! planted ([`Corpus::planted`]); tests/e2e/sharding.rs includes this file and
//! checks the counts on every engine path.
use anyhow::{Context, Result};
use std::collections::BTreeMap;
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
    let written = generate(Path::new(&out), objects, seed)?;
    eprintln!("wrote {} objects to {out}", written.objects);
    Ok(())
}

/// What [`generate`] wrote.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The exact number of objects.
    pub objects: usize,
    /// Rule id → how many findings the planted cases call for (with the CLI's
    /// default parameters: EKS, no account id). Rules not listed must not fire.
    pub planted: BTreeMap<&'static str, usize>,
}

impl Corpus {
    fn plant(&mut self, rule: &'static str, findings: usize) {
        *self.planted.entry(rule).or_default() += findings;
    }
}

/// Pod Identity entries of the eksctl ClusterConfig, gathered from every team.
#[derive(Default)]
struct ClusterConfig {
    /// `iam.podIdentityAssociations` entries, as YAML flow mappings.
    associations: Vec<String>,
    /// `iam.serviceAccounts` entries (eksctl-managed IRSA).
    service_accounts: Vec<String>,
}

/// Writes whole team namespaces until at least `target` objects, plus the
/// cluster-wide objects, under `dir`; returns the exact count and the plan.
pub fn generate(dir: &Path, target: usize, seed: u64) -> Result<Corpus> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(seed);
    let mut corpus = Corpus::default();
    let mut config = ClusterConfig::default();
    // The agent makes associations effective (no PA403), from another namespace.
    let mut docs: Vec<String> = vec!["apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: eks-pod-identity-agent\n  namespace: kube-system\nspec:\n  selector:\n    matchLabels: {app: eks-pod-identity-agent}\n  template:\n    metadata:\n      labels: {app: eks-pod-identity-agent}\n    spec:\n      containers:\n        - name: agent\n          image: public.ecr.aws/eks/eks-pod-identity-agent:0.1.10\n".to_string()];
    let mut team = 0;
    while docs.len() + 1 < target {
        team += 1;
        docs.extend(team_objects(&mut rng, team, &mut corpus, &mut config));
    }
    let mut cluster_config = String::from("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: estate\n  region: eu-west-1\niam:\n  withOIDC: true\n");
    for (field, entries) in [
        ("podIdentityAssociations", &config.associations),
        ("serviceAccounts", &config.service_accounts),
    ] {
        if !entries.is_empty() {
            let _ = writeln!(cluster_config, "  {field}:");
            for e in entries {
                let _ = writeln!(cluster_config, "    - {e}");
            }
        }
    }
    docs.push(cluster_config);
    for (i, chunk) in docs.chunks(500).enumerate() {
        let path = dir.join(format!("estate-{i:04}.yaml"));
        std::fs::write(&path, chunk.join("---\n"))?;
    }
    corpus.objects = docs.len();
    Ok(corpus)
}

/// One team namespace: about 40 objects, and the findings they call for.
fn team_objects(
    rng: &mut Rng,
    team: usize,
    corpus: &mut Corpus,
    config: &mut ClusterConfig,
) -> Vec<String> {
    let ns = format!("team-{team:05}");
    let mut out = Vec::new();
    let legacy = rng.chance(30);
    let mut ns_doc = format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels:\n    team: t{team}\n"
    );
    if rng.chance(60) {
        ns_doc.push_str("    pod-security.kubernetes.io/enforce: baseline\n");
    } else {
        corpus.plant("PA801", 1); // every team namespace runs workloads
    }
    if legacy {
        let _ = write!(
            ns_doc,
            "  annotations:\n    iam.amazonaws.com/allowed-roles: '[\"{ns}-*\"]'\n"
        );
        corpus.plant("PA502", 1);
    }
    out.push(ns_doc);
    if rng.chance(20) {
        out.push(format!(
            "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: aws\n  namespace: {ns}\nspec:\n  provider:\n    aws:\n      service: SecretsManager\n      region: eu-west-1\n      auth:\n        jwt:\n          serviceAccountRef:\n            name: eso\n"
        ));
    }
    // Cluster-scoped stores that read this namespace's ServiceAccount or Secret.
    if rng.chance(5) {
        out.push(format!(
            "apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata:\n  name: {ns}-static\nspec:\n  provider:\n    aws:\n      service: SecretsManager\n      region: eu-west-1\n      auth:\n        secretRef:\n          accessKeyIDSecretRef: {{name: eso-keys, namespace: {ns}, key: id}}\n          secretAccessKeySecretRef: {{name: eso-keys, namespace: {ns}, key: secret}}\n"
        ));
        corpus.plant("PA601", 1);
    }
    if rng.chance(10) {
        out.push(format!(
            "apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata:\n  name: {ns}-jwt\nspec:\n  provider:\n    aws:\n      service: ParameterStore\n      region: eu-west-1\n      auth:\n        jwt:\n          serviceAccountRef: {{name: app-00, namespace: {ns}}}\n"
        ));
    }
    // An ACK association in another namespace for a ServiceAccount that does not exist.
    if rng.chance(5) {
        out.push(association(&ns, "ghost", "orphan"));
        corpus.plant("PA401", 1);
    }
    // eksctl entries for ServiceAccounts that do not exist: an orphan, and one
    // eksctl creates itself (no finding).
    if rng.chance(3) {
        config.associations.push(format!(
            "{{namespace: {ns}, serviceAccountName: ghost-eksctl, roleARN: 'arn:aws:iam::111122223333:role/{ns}-ghost'}}"
        ));
        corpus.plant("PA401", 1);
    }
    if rng.chance(3) {
        config.associations.push(format!(
            "{{namespace: {ns}, serviceAccountName: created-by-eksctl, createServiceAccount: true, roleARN: 'arn:aws:iam::111122223333:role/{ns}-created'}}"
        ));
    }
    for app in 0..12 {
        let name = format!("app-{app:02}");
        let irsa = rng.chance(55);
        let mut sa = format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
        );
        if irsa {
            let _ = write!(sa, "  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/{ns}-{name}\n");
            // An association too: Pod Identity wins and the IRSA role is unused.
            if rng.chance(4) {
                out.push(association(&ns, &name, "both"));
                corpus.plant("PA307", 1);
            }
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
            corpus.plant("PA104", 2); // the key id and the secret key
        }
        let mut env = String::from("            - name: AWS_REGION\n              value: eu-west-1\n            - name: LOG_FORMAT\n              value: json\n");
        let mut own_credentials = static_keys;
        if static_keys {
            let _ = write!(
                env,
                "            - name: AWS_ACCESS_KEY_ID\n              valueFrom:\n                secretKeyRef: {{name: {name}-aws, key: AWS_ACCESS_KEY_ID}}\n            - name: AWS_SECRET_ACCESS_KEY\n              valueFrom:\n                secretKeyRef: {{name: {name}-aws, key: AWS_SECRET_ACCESS_KEY}}\n"
            );
            corpus.plant("PA103", 2);
        } else if rng.chance(2) {
            let _ = write!(
                env,
                "            - name: AWS_ACCESS_KEY_ID\n              value: {}\n",
                rng.key_id()
            );
            corpus.plant("PA101", 1);
            if irsa {
                // The literal key wins over the IRSA role in the SDK's chain.
                corpus.plant("PA305", 1);
            }
            own_credentials = true;
        }
        // Workload identity from outside the namespace: an ACK association in
        // platform-identity, or the eksctl ClusterConfig (Pod Identity or IRSA).
        let mut identity_elsewhere = false;
        if !irsa && !own_credentials {
            if rng.chance(10) {
                out.push(association(&ns, &name, "pia"));
                identity_elsewhere = true;
            } else if rng.chance(5) {
                config.associations.push(format!(
                    "{{namespace: {ns}, serviceAccountName: {name}, roleARN: 'arn:aws:iam::111122223333:role/{ns}-{name}-eksctl'}}"
                ));
                identity_elsewhere = true;
            }
        }
        let mut eksctl_irsa = false;
        if !irsa && !own_credentials && !identity_elsewhere && rng.chance(5) {
            config.service_accounts.push(format!(
                "{{metadata: {{name: {name}, namespace: {ns}}}, attachPolicyARNs: ['arn:aws:iam::aws:policy/ReadOnlyAccess']}}"
            ));
            eksctl_irsa = true;
            identity_elsewhere = true;
        }
        let kube2iam = legacy && !irsa && !identity_elsewhere && rng.chance(50);
        let annotations = if kube2iam {
            corpus.plant("PA501", 1);
            format!("      annotations:\n        iam.amazonaws.com/role: {ns}-{name}\n")
        } else {
            String::new()
        };
        // AWS_REGION marks an SDK user: with no identity of any kind, the node role.
        if !irsa && !own_credentials && !identity_elsewhere && !kube2iam {
            corpus.plant("PA201", 1);
        }
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
            // The class uses IRSA auth: only an IRSA role (annotation or eksctl) serves it.
            if !irsa && !eksctl_irsa {
                corpus.plant("PA611", 1);
            }
        }
        let kind = if rng.chance(80) {
            "Deployment"
        } else {
            "StatefulSet"
        };
        out.push(format!(
            "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels: {{app: {name}}}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n{annotations}    spec:\n      serviceAccountName: {name}\n      containers:\n        - name: main\n          image: registry.example.com/{ns}/{name}:1.{app}.0\n          ports:\n            - containerPort: 8080\n          env:\n{env}          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n{volumes}"
        ));
        if rng.chance(25) {
            out.push(format!(
                "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: {name}-db\n  namespace: {ns}\nspec:\n  refreshInterval: 1h\n  secretStoreRef: {{name: aws, kind: SecretStore}}\n  target: {{name: {name}-db}}\n  data:\n    - secretKey: password\n      remoteRef: {{key: {ns}/{name}/db}}\n"
            ));
        }
    }
    out
}

/// An ACK Pod Identity association, kept in `platform-identity`, for a
/// ServiceAccount in `ns`.
fn association(ns: &str, service_account: &str, tag: &str) -> String {
    format!(
        "apiVersion: eks.services.k8s.aws/v1alpha1\nkind: PodIdentityAssociation\nmetadata:\n  name: {ns}-{service_account}-{tag}\n  namespace: platform-identity\nspec:\n  clusterName: estate\n  namespace: {ns}\n  serviceAccount: {service_account}\n  roleARN: arn:aws:iam::111122223333:role/{ns}-{service_account}\n"
    )
}
