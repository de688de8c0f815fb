//! `cargo xtask corpus --objects N --out DIR [--seed S]`: a realistic, seeded
//! estate for benchmarks: namespaces of teams, each with ServiceAccounts (some
//! on IRSA), Deployments with env vars, kube2iam annotations, static keys,
//! ConfigMaps, Secrets, External Secrets and ASCP objects, written as
//! multi-document files of about 500 objects. With `--shapes`, every team
//! instead runs one workload of each pod shape in `SHAPES` (credential
//! sources, SDK signals and identities in varied combinations), for the
//! consistency tests.
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
    let written = if args.iter().any(|a| a == "--shapes") {
        generate_shapes(Path::new(&out), objects, seed)?
    } else {
        generate(Path::new(&out), objects, seed)?
    };
    eprintln!("wrote {written} objects to {out}");
    Ok(())
}

/// Writes about `target` objects under `dir`; returns the exact count.
pub fn generate(dir: &Path, target: usize, seed: u64) -> Result<usize> {
    write_teams(dir, target, seed, "estate", team_objects)
}

/// Team after team of `team` objects until `target`, in files of 500 objects
/// named `<prefix>-NNNN.yaml`.
fn write_teams(
    dir: &Path,
    target: usize,
    seed: u64,
    prefix: &str,
    team: fn(&mut Rng, usize) -> Vec<String>,
) -> Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(seed);
    let mut docs: Vec<String> = Vec::with_capacity(target);
    let mut n = 0;
    while docs.len() < target {
        n += 1;
        docs.extend(team(&mut rng, n));
    }
    docs.truncate(target);
    for (i, chunk) in docs.chunks(500).enumerate() {
        let path = dir.join(format!("{prefix}-{i:04}.yaml"));
        std::fs::write(&path, chunk.join("---\n"))?;
    }
    Ok(docs.len())
}

/// One team namespace: about 40 objects.
fn team_objects(rng: &mut Rng, team: usize) -> Vec<String> {
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

// --- Varied pod shapes (`--shapes`) ------------------------------------------------

/// The pod shapes of `--shapes`: a name (the workload is `<name>-<n>`) and how
/// its pod template and context look. Flow-style YAML keeps each one a line.
struct Shape {
    name: &'static str,
    /// Image of the main container.
    image: &'static str,
    /// Flow-style YAML sequences and mappings of the main container.
    env: &'static str,
    env_from: &'static str,
    args: &'static str,
    mounts: &'static str,
    /// Pod-level: volumes (flow-style YAML), extra template labels and
    /// annotations (flow-style mapping entries).
    volumes: &'static str,
    labels: &'static str,
    annotations: &'static str,
    /// Objects the shape needs in its namespace ({ns} and {name} are filled in).
    extra: &'static [&'static str],
}

const fn shape(name: &'static str) -> Shape {
    Shape {
        name,
        image: "registry.example.com/app:1.0",
        env: "[]",
        env_from: "[]",
        args: "[]",
        mounts: "[]",
        volumes: "[]",
        labels: "",
        annotations: "",
        extra: &[],
    }
}

const REGION: &str = "[{name: AWS_REGION, value: eu-west-1}]";

const KEY_SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata: {name: {name}-keys, namespace: {ns}}\nstringData: {AWS_ACCESS_KEY_ID: AKIAQ3EGUNZ5CORPUS01, AWS_SECRET_ACCESS_KEY: corpusFAKEsecretXXXXXXXXXXXXXXXXXXXXXXXX}\n";

const SHAPES: &[Shape] = &[
    Shape { env: REGION, ..shape("region") },
    shape("plain"),
    Shape { env: "[{name: AWS_VPC_K8S_CNI_LOGLEVEL, value: DEBUG}]", ..shape("cni-setting") },
    Shape { env: "[{name: AWS_ROLE_ARN, value: 'arn:aws:iam::111122223333:role/app'}, {name: AWS_REGION, value: eu-west-1}]", ..shape("bare-role-arn") },
    Shape { env: "[{name: AWS_ROLE_ARN, value: 'arn:aws:iam::111122223333:role/app'}, {name: AWS_WEB_IDENTITY_TOKEN_FILE, value: /var/run/secrets/token}]", ..shape("irsa-by-hand") },
    Shape { image: "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300049.1", env: "[{name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}]", ..shape("cloudwatch-agent") },
    Shape { image: "public.ecr.aws/karpenter/controller:1.0.6", ..shape("karpenter") },
    Shape { env: "[{name: AWS_REGION, value: eu-west-1}, {name: AWS_EC2_METADATA_DISABLED, value: 'true'}]", ..shape("imds-disabled") },
    Shape { env: "[{name: AWS_ACCESS_KEY_ID, value: AKIAQ3EGUNZ5CORPUS02}, {name: AWS_REGION, value: eu-west-1}]", ..shape("literal-key") },
    Shape { args: "['--region=eu-west-1', '--aws-secret-access-key', 'corpusFAKEsecretYYYYYYYYYYYYYYYYYYYYYYYY']", ..shape("secret-in-args") },
    Shape { args: "['sh', '-c', 'AWS_SECRET_ACCESS_KEY=corpusFAKEsecretZZZZZZZZZZZZZZZZZZZZZZZZ exec uploader']", ..shape("secret-in-shell") },
    Shape {
        env: "[{name: AWS_ACCESS_KEY_ID, valueFrom: {secretKeyRef: {name: '{name}-keys', key: AWS_ACCESS_KEY_ID}}}, {name: AWS_SECRET_ACCESS_KEY, valueFrom: {secretKeyRef: {name: '{name}-keys', key: AWS_SECRET_ACCESS_KEY}}}]",
        extra: &[KEY_SECRET],
        ..shape("secret-keys")
    },
    Shape {
        env: "[{name: S3_ACCESS_KEY, valueFrom: {secretKeyRef: {name: '{name}-keys', key: AWS_ACCESS_KEY_ID}}}, {name: S3_SECRET_KEY, valueFrom: {secretKeyRef: {name: '{name}-keys', key: AWS_SECRET_ACCESS_KEY}}}, {name: AWS_ACCESS_KEY_ID, value: '$(S3_ACCESS_KEY)'}, {name: AWS_SECRET_ACCESS_KEY, value: '$(S3_SECRET_KEY)'}]",
        extra: &[KEY_SECRET],
        ..shape("keys-by-reference")
    },
    Shape { env_from: "[{prefix: AWS_, secretRef: {name: '{name}-prefixed'}}]", extra: &["apiVersion: v1\nkind: Secret\nmetadata: {name: {name}-prefixed, namespace: {ns}}\nstringData: {ACCESS_KEY_ID: AKIAQ3EGUNZ5CORPUS03, SECRET_ACCESS_KEY: corpusFAKEsecretWWWWWWWWWWWWWWWWWWWWWWWW}\n"], ..shape("env-from-prefix") },
    Shape { env_from: "[{configMapRef: {name: '{name}-settings'}}]", extra: &["apiVersion: v1\nkind: ConfigMap\nmetadata: {name: {name}-settings, namespace: {ns}}\ndata: {AWS_REGION: eu-west-1, LOG_LEVEL: info}\n"], ..shape("env-from-config") },
    Shape { env_from: "[{secretRef: {name: '{name}-unknown'}}]", env: REGION, ..shape("env-from-missing") },
    Shape {
        mounts: "[{name: aws, mountPath: /root/.aws, readOnly: true}]",
        volumes: "[{name: aws, secret: {secretName: '{name}-file'}}]",
        extra: &["apiVersion: v1\nkind: Secret\nmetadata: {name: {name}-file, namespace: {ns}}\nstringData: {credentials: \"[default]\\naws_access_key_id = AKIAQ3EGUNZ5CORPUS04\\naws_secret_access_key = corpusFAKEsecretVVVV\\n\"}\n"],
        ..shape("credentials-file")
    },
    Shape {
        env: "[{name: AWS_CONFIG_FILE, value: /etc/aws/config}, {name: AWS_REGION, value: eu-west-1}]",
        mounts: "[{name: aws, mountPath: /etc/aws, readOnly: true}]",
        volumes: "[{name: aws, configMap: {name: '{name}-profile'}}]",
        extra: &["apiVersion: v1\nkind: ConfigMap\nmetadata: {name: {name}-profile, namespace: {ns}}\ndata: {config: \"[default]\\nrole_arn = arn:aws:iam::444455556666:role/cross\\ncredential_source = EcsContainer\\n\"}\n"],
        ..shape("assumed-role-profile")
    },
    Shape { env: REGION, annotations: "iam.amazonaws.com/role: '{ns}-{name}'", ..shape("kube2iam") },
    Shape { env: REGION, labels: ", eks.amazonaws.com/fargate-profile: default", ..shape("fargate") },
    Shape { env: "[{name: AWS_CONTAINER_CREDENTIALS_FULL_URI, value: 'http://169.254.170.23/v1/credentials'}, {name: AWS_REGION, value: eu-west-1}]", ..shape("pod-identity-env") },
    Shape {
        env: REGION,
        volumes: "[{name: secrets, csi: {driver: secrets-store.csi.k8s.io, readOnly: true, volumeAttributes: {secretProviderClass: '{name}'}}}]",
        ..shape("ascp")
    },
];

/// A corpus of about `target` objects where every team runs each shape once,
/// under a ServiceAccount that is missing, plain, on IRSA or on Pod Identity.
pub fn generate_shapes(dir: &Path, target: usize, seed: u64) -> Result<usize> {
    write_teams(dir, target, seed, "shapes", shaped_team)
}

fn shaped_team(rng: &mut Rng, team: usize) -> Vec<String> {
    const KINDS: [&str; 5] = ["Deployment", "StatefulSet", "DaemonSet", "Job", "Pod"];
    let ns = format!("shapes-{team:05}");
    let mut out = vec![format!(
        "apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n"
    )];
    for (i, s) in SHAPES.iter().enumerate() {
        let name = format!("{}-{i:02}", s.name);
        let fill = |t: &str| t.replace("{ns}", &ns).replace("{name}", &name);
        match rng.next() % 4 {
            0 => {}
            1 => out.push(format!("apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: {name}, namespace: {ns}}}\n")),
            2 => out.push(format!("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  namespace: {ns}\n  annotations: {{eks.amazonaws.com/role-arn: 'arn:aws:iam::111122223333:role/{ns}-{name}'}}\n")),
            _ => {
                out.push(format!("apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: {name}, namespace: {ns}}}\n"));
                out.push(format!("apiVersion: eks.services.k8s.aws/v1alpha1\nkind: PodIdentityAssociation\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {{clusterName: prod, namespace: {ns}, serviceAccount: {name}, roleARN: 'arn:aws:iam::111122223333:role/{ns}-{name}'}}\n"));
            }
        }
        out.extend(s.extra.iter().map(|t| fill(t)));
        if s.name == "ascp" {
            out.push(fill("apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata: {name: {name}, namespace: {ns}}\nspec: {provider: aws, parameters: {objects: '- objectName: {ns}/{name}'}}\n"));
        }
        let pod_spec = format!(
            "{{serviceAccountName: {name}, restartPolicy: {restart}, containers: [{{name: main, image: '{image}', env: {env}, envFrom: {env_from}, args: {args}, volumeMounts: {mounts}}}], volumes: {volumes}}}",
            restart = "Always",
            image = s.image,
            env = fill(s.env),
            env_from = fill(s.env_from),
            args = fill(s.args),
            mounts = s.mounts,
            volumes = fill(s.volumes),
        );
        let labels = format!("{{app: {name}{}}}", s.labels);
        let annotations = format!("{{{}}}", fill(s.annotations));
        let meta = format!("{{labels: {labels}, annotations: {annotations}}}");
        let kind = KINDS[(rng.next() % KINDS.len() as u64) as usize];
        out.push(match kind {
            "Pod" => format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {ns}, labels: {labels}, annotations: {annotations}}}\nspec: {pod_spec}\n"),
            "Job" => format!("apiVersion: batch/v1\nkind: Job\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {{template: {{metadata: {meta}, spec: {}}}}}\n", pod_spec.replace("restartPolicy: Always", "restartPolicy: Never")),
            _ => format!("apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {{selector: {{matchLabels: {{app: {name}}}}}, template: {{metadata: {meta}, spec: {pod_spec}}}}}\n"),
        });
    }
    out
}
