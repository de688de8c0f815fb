//! Command-line definitions. Doc comments are the help text.
use crate::settings::{CatalogFormat, ClusterType, ColorChoice, Format, Prefer, Show};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const ABOUT: &str =
    "Audit how pods authenticate to AWS, and plan their move to IRSA or EKS Pod Identity";

#[derive(Debug, Parser)]
#[command(name = "kubectl-podauth", version = crate::version::VERSION_LINE, about = ABOUT, long_about = None)]
#[command(
    after_help = "Examples:\n  kubectl podauth check -f manifests/\n  kubectl podauth check -A\n  helm template my-chart | kubectl podauth check -f -\n  kubectl podauth rules\n  kubectl podauth explain PA101"
)]
pub struct Cli {
    /// When to colour output: auto honours NO_COLOR and only colours terminals
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check manifests against the pod-authentication policies
    #[command(
        after_help = "Examples:\n  # A directory, recursively (.yaml, .yml, .json)\n  kubectl podauth check -f k8s/\n\n  # The current cluster, every namespace (read-only; see examples/rbac.yaml)\n  kubectl podauth check -A\n\n  # Every cluster in the kubeconfig, concurrently, into one report\n  kubectl podauth check -A --all-contexts -o json\n\n  # Rendered Helm or kustomize output on stdin\n  kubectl kustomize overlays/prod | kubectl podauth check -f -\n\n  # Machine-readable output, failing only on critical findings\n  kubectl podauth check -f k8s/ -o json --fail-on critical\n\n  # Only some rules\n  kubectl podauth check -f k8s/ --select PA101,PA501\n\nExit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error."
    )]
    Check(CheckArgs),
    /// List the rule catalog
    #[command(after_help = "Examples:\n  kubectl podauth rules\n  kubectl podauth rules -o yaml")]
    Rules(CatalogArgs),
    /// Print one rule's documentation
    #[command(
        after_help = "Examples:\n  kubectl podauth explain PA101\n  kubectl podauth explain legacy-iam-annotation -o json"
    )]
    Explain(ExplainArgs),
    /// Run Rego unit tests (test_* rules in *_test.rego), like `opa test`
    #[command(
        after_help = "Examples:\n  # The built-in policies' own tests\n  kubectl podauth test\n\n  # Your custom policies, with the built-in library available\n  kubectl podauth test ./policies -v"
    )]
    Test(TestArgs),
    /// Plan the move to IRSA or EKS Pod Identity: patches, IAM trust policies, associations, MIGRATION.md
    #[command(
        after_help = "Examples:\n  # Plan from manifests, targets from the decision guide\n  kubectl podauth migrate -f k8s/ -o migration/ --account-id 111122223333 \\\n    --oidc-provider oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE \\\n    --cluster-name prod --region eu-west-1\n\n  # Everything to EKS Pod Identity\n  kubectl podauth migrate -f k8s/ -o migration/ --to pod-identity \\\n    --cluster-name prod --account-id 111122223333\n\n  # Review the Kubernetes changes, then apply them\n  kubectl kustomize migration/ | kubectl podauth check -f -\n\nNothing is applied to a cluster or to AWS. See docs/migration.md."
    )]
    Migrate(MigrateArgs),
    /// Answer the decision guide: which pod authentication method to use, and why
    #[command(
        after_help = "Examples:\n  # Interactive on a terminal\n  kubectl podauth recommend\n\n  # Non-interactive\n  kubectl podauth recommend --eks --per-pod --prefer pod-identity\n  kubectl podauth recommend --no-eks --no-ec2-nodes -o json\n\nUnanswered questions are asked on a terminal, and take their defaults otherwise."
    )]
    Recommend(RecommendArgs),
    /// Export the policies as artifacts admission engines deploy: Kubewarden, an OPA bundle, a bare Wasm module
    #[command(
        after_help = "Examples:\n  # A Kubewarden policy (policy.wasm + policy.yaml)\n  kubectl podauth export kubewarden -o kubewarden/\n  kubectl apply -f kubewarden/policy.yaml\n\n  # Critical rules only, reporting without rejecting\n  kubectl podauth export kubewarden -o kw/ --min-severity critical --policy-mode monitor\n\n  # Gatekeeper templates, constraints, SyncSet and gator suite\n  kubectl podauth export gatekeeper -o gatekeeper/\n  kubectl apply -f gatekeeper/templates/ && kubectl apply -f gatekeeper/constraints/\n\n  # The bare OPA-ABI module\n  kubectl podauth export wasm -o podauth.wasm\n\n  # An OPA bundle\n  kubectl podauth export opa-bundle -o podauth.tar.gz\n  opa run --server --bundle podauth.tar.gz\n\nSee docs/export.md."
    )]
    Export(ExportArgs),
    /// Print the version and the git commit it was built from
    #[command(after_help = "Examples:\n  kubectl podauth version")]
    Version,
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  # bash, for this shell\n  source <(kubectl podauth completion bash)\n\n  # zsh, installed\n  kubectl podauth completion zsh > \"${fpath[1]}/_kubectl-podauth\"\n\n  # fish\n  kubectl podauth completion fish > ~/.config/fish/completions/kubectl-podauth.fish\n\n  # PowerShell\n  kubectl podauth completion powershell | Out-String | Invoke-Expression"
    )]
    Completion {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), as packaged in release archives
    #[command(hide = true)]
    Man,
}

/// kubectl's cluster flags, shared by every command that reads a cluster.
#[derive(Debug, Clone, Default, Args)]
pub struct ClusterArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)
    #[arg(long, value_name = "FILE", help_heading = "Cluster")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context to read; repeat for several clusters
    #[arg(long = "context", value_name = "NAME", help_heading = "Cluster")]
    pub contexts: Vec<String>,

    /// Read every context in the kubeconfig, concurrently
    #[arg(long, help_heading = "Cluster", conflicts_with = "contexts")]
    pub all_contexts: bool,

    /// Namespace to read (default: the context's namespace)
    #[arg(short = 'n', long, value_name = "NAMESPACE", help_heading = "Cluster")]
    pub namespace: Option<String>,

    /// Read every namespace
    #[arg(
        short = 'A',
        long,
        help_heading = "Cluster",
        conflicts_with = "namespace"
    )]
    pub all_namespaces: bool,

    /// Label selector for workloads, e.g. app=web,tier!=db
    #[arg(short = 'l', long, value_name = "SELECTOR", help_heading = "Cluster")]
    pub selector: Option<String>,

    /// How long to wait for each request: 30s, 2m, or 0 for no limit
    #[arg(long, value_name = "DURATION", help_heading = "Cluster")]
    pub request_timeout: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// File, directory (walked recursively) or `-` for stdin; repeatable, or several after one -f (as pre-commit passes them). Without -f, the current cluster is read
    #[arg(short = 'f', long = "filename", value_name = "PATH", num_args = 1..)]
    pub filenames: Vec<String>,

    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// Lookup context only (e.g. the rest of the repository): ServiceAccounts, Namespaces, ConfigMaps, Secrets and the other kinds rules look up are read from PATH but never checked; repeatable
    #[arg(long, value_name = "PATH", requires = "filenames")]
    pub context_from: Vec<String>,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = Format::Table)]
    pub output: Format,

    /// Exit 1 when a finding is at or above this severity [default: high]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    /// Only these rule ids (comma-separated or repeated)
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub select: Vec<String>,

    /// Skip these rule ids (comma-separated or repeated)
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub ignore: Vec<String>,

    /// What the table shows
    #[arg(long, value_enum, default_value_t = Show::All)]
    pub show: Show,

    /// Preferred per-pod method when the decision guide allows either [default: irsa]
    #[arg(long, value_enum)]
    pub prefer: Option<Prefer>,

    /// The kind of cluster the manifests run on [default: eks]
    #[arg(long, value_enum)]
    pub cluster_type: Option<ClusterType>,

    /// The cluster's AWS account id; roles in other accounts are reported (PA308)
    #[arg(long, value_name = "ACCOUNT")]
    pub account_id: Option<String>,

    /// The cluster's OIDC provider (oidc.eks.REGION.amazonaws.com/id/ID); IRSA trust policies of another provider are reported (PA309)
    #[arg(long, value_name = "PROVIDER")]
    pub oidc_provider: Option<String>,

    /// Team settings file [default: the nearest .podauth.yaml at or above the working directory]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Also list suppressed findings in the table (JSON/YAML always list them)
    #[arg(long)]
    pub show_suppressed: bool,

    /// Compare with a baseline of known findings; only new findings fail (write it first with --update-baseline)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write (or rewrite) the --baseline file with the current findings
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,

    /// Extra policy directory with the same layout and METADATA contract; repeatable
    #[arg(long = "policy", value_name = "DIR")]
    pub policies: Vec<PathBuf>,

    /// Evaluate with the native regorus engine, or through the embedded OPA-ABI Wasm module
    #[arg(long, value_enum, default_value_t = EngineKind::Native)]
    pub engine: EngineKind,

    /// Print the wall time of each phase and peak memory on stderr
    #[arg(long)]
    pub timings: bool,

    /// Largest manifest file read, in MiB
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub max_file_size: u64,

    /// Succeed when -f matches no manifest (by default an empty directory is an error)
    #[arg(long, requires = "filenames")]
    pub allow_empty: bool,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// File, directory (walked recursively) or `-` for stdin; repeatable. Without -f, the current cluster is read
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub filenames: Vec<String>,

    /// Directory to write the plan to (created; a previous plan there is replaced)
    #[arg(short = 'o', long = "output-dir", value_name = "DIR", required = true)]
    pub output_dir: PathBuf,

    /// Target method for every workload [default: the decision guide's choice per workload]
    #[arg(long, value_enum, value_name = "METHOD")]
    pub to: Option<Prefer>,

    /// The cluster's AWS account id (roles and the OIDC provider live there)
    #[arg(long, value_name = "ACCOUNT", help_heading = "AWS")]
    pub account_id: Option<String>,

    /// The EKS cluster name (Pod Identity associations)
    #[arg(long, value_name = "NAME", help_heading = "AWS")]
    pub cluster_name: Option<String>,

    /// The cluster's OIDC provider, such as oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE (IRSA trust policies)
    #[arg(long, value_name = "PROVIDER", help_heading = "AWS")]
    pub oidc_provider: Option<String>,

    /// The AWS region (also selects the partition: cn-* and us-gov-*)
    #[arg(long, value_name = "REGION", help_heading = "AWS")]
    pub region: Option<String>,

    /// kube2iam's --base-role-arn, for role names given without an ARN [default: read from the kube2iam DaemonSet]
    #[arg(long, value_name = "ARN", help_heading = "AWS")]
    pub base_role_arn: Option<String>,

    /// Name of each new IAM role; {namespace}, {serviceaccount}, {workload}, {kind} and {cluster} are replaced
    #[arg(
        long,
        value_name = "TEMPLATE",
        default_value = "{namespace}-{serviceaccount}",
        help_heading = "AWS"
    )]
    pub role_name_template: String,

    /// Preferred per-pod method when the decision guide allows either [default: irsa]
    #[arg(long, value_enum)]
    pub prefer: Option<Prefer>,

    /// The kind of cluster the manifests run on [default: eks]
    #[arg(long, value_enum)]
    pub cluster_type: Option<ClusterType>,

    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// Largest manifest file read, in MiB
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub max_file_size: u64,

    /// Succeed when -f matches no manifest (by default an empty directory is an error)
    #[arg(long, requires = "filenames")]
    pub allow_empty: bool,
}

#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// The cluster is EKS
    #[arg(long, conflicts_with = "no_eks", help_heading = "Questions")]
    pub eks: bool,
    /// The cluster is not EKS (on-premises, other clouds, self-managed)
    #[arg(long, help_heading = "Questions")]
    pub no_eks: bool,

    /// The kind of cluster (eks-fargate answers --eks --fargate)
    #[arg(long, value_enum, conflicts_with_all = ["eks", "no_eks"], help_heading = "Questions")]
    pub cluster_type: Option<ClusterType>,

    /// The nodes are EC2 instances
    #[arg(long, conflicts_with = "no_ec2_nodes", help_heading = "Questions")]
    pub ec2_nodes: bool,
    /// The nodes are not EC2 instances
    #[arg(long, help_heading = "Questions")]
    pub no_ec2_nodes: bool,

    /// Pods need their own IAM permissions
    #[arg(long, conflicts_with = "uniform", help_heading = "Questions")]
    pub per_pod: bool,
    /// All pods need the same permissions
    #[arg(long, help_heading = "Questions")]
    pub uniform: bool,

    /// Preferred per-pod method, as for check: irsa (IAM bindings in manifests, GitOps) or pod-identity (through the EKS API, infrastructure-as-code) [default: irsa]
    #[arg(long, value_enum, help_heading = "Questions")]
    pub prefer: Option<Prefer>,

    /// Pods need access to other AWS accounts
    #[arg(long, conflicts_with = "no_cross_account", help_heading = "Questions")]
    pub cross_account: bool,
    /// Pods stay in the cluster's account
    #[arg(long, help_heading = "Questions")]
    pub no_cross_account: bool,

    /// Pods need static credentials (secrets) from external accounts
    #[arg(
        long,
        conflicts_with = "no_external_static_secrets",
        help_heading = "Questions"
    )]
    pub external_static_secrets: bool,
    /// Pods need no static credentials from external accounts
    #[arg(long, help_heading = "Questions")]
    pub no_external_static_secrets: bool,

    /// The pods run on Fargate
    #[arg(long, conflicts_with = "no_fargate", help_heading = "Questions")]
    pub fargate: bool,
    /// The pods do not run on Fargate
    #[arg(long, help_heading = "Questions")]
    pub no_fargate: bool,

    /// The pods run on Windows nodes
    #[arg(long, conflicts_with = "no_windows", help_heading = "Questions")]
    pub windows: bool,
    /// The pods run on Linux nodes
    #[arg(long, help_heading = "Questions")]
    pub no_windows: bool,

    /// Never prompt; unanswered questions take their defaults
    #[arg(long)]
    pub no_input: bool,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = CatalogFormat::Table)]
    pub output: CatalogFormat,
}

#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = CatalogFormat::Table)]
    pub output: CatalogFormat,

    /// Include custom policies from this directory; repeatable
    #[arg(long = "policy", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule id or name, such as PA101 or hardcoded-aws-credentials
    pub rule: String,

    #[command(flatten)]
    pub catalog: CatalogArgs,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Directories of extra policies and their *_test.rego files
    pub dirs: Vec<PathBuf>,

    /// Print passing tests too
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineKind {
    /// regorus, in process
    Native,
    /// The Wasm module admission engines run, in wasmtime (fuel/deadline and memory caps)
    Wasm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl From<SeverityArg> for podauth_policies::Severity {
    fn from(s: SeverityArg) -> Self {
        use podauth_policies::Severity as S;
        match s {
            SeverityArg::Critical => S::Critical,
            SeverityArg::High => S::High,
            SeverityArg::Medium => S::Medium,
            SeverityArg::Low => S::Low,
            SeverityArg::Info => S::Info,
        }
    }
}

impl std::str::FromStr for SeverityArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        <SeverityArg as ValueEnum>::from_str(s, true)
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub target: ExportTarget,
}

#[derive(Debug, Subcommand)]
pub enum ExportTarget {
    /// A Kubewarden policy: policy.wasm (with io.kubewarden.metadata) and policy.yaml (a ClusterAdmissionPolicy)
    Kubewarden(KubewardenExportArgs),
    /// An OPA bundle (.tar.gz): /.manifest, /policy.wasm and the Rego sources, for `opa run --bundle` and the OPA SDKs
    OpaBundle {
        /// The .tar.gz file to write, or - for stdout
        #[arg(short = 'o', long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Gatekeeper ConstraintTemplates (Rego v1), Constraints, the SyncSet and a gator Suite
    Gatekeeper(GatekeeperExportArgs),
    /// The bare OPA-ABI module (entrypoint 0 podauth/findings), for any OPA-Wasm host
    Wasm {
        /// The .wasm file to write, or - for stdout
        #[arg(short = 'o', long, value_name = "FILE")]
        output: PathBuf,
    },
}

/// Which rules an export carries.
#[derive(Debug, Args)]
pub struct ExportSelection {
    /// Only these rule ids (comma-separated or repeated)
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub select: Vec<String>,

    /// Leave out these rule ids (comma-separated or repeated)
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub ignore: Vec<String>,

    /// Only rules at or above this severity
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<SeverityArg>,
}

#[derive(Debug, Args)]
pub struct KubewardenExportArgs {
    /// The directory to write policy.wasm and policy.yaml into (created if missing)
    #[arg(short = 'o', long, value_name = "DIR")]
    pub output: PathBuf,

    /// Kubewarden's Rego execution mode
    #[arg(long, value_enum, default_value_t = KwMode::Opa)]
    pub mode: KwMode,

    #[command(flatten)]
    pub rules: ExportSelection,

    /// Where the policy server fetches the module (registry://, https:// or file://) [default: file://<DIR>/policy.wasm]
    #[arg(long, value_name = "URL")]
    pub module_url: Option<String>,

    /// protect rejects offending requests; monitor only logs and reports them
    #[arg(long, value_enum, default_value_t = KwPolicyMode::Protect)]
    pub policy_mode: KwPolicyMode,
}

#[derive(Debug, Args)]
pub struct GatekeeperExportArgs {
    /// The directory to write templates/, constraints/, syncset.yaml and the gator suite into [default: -, the manifests on stdout]
    #[arg(short = 'o', long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// One ConstraintTemplate per rule category instead of one per rule
    #[arg(long)]
    pub group: bool,

    /// What Gatekeeper does with a violation
    #[arg(long, value_enum, default_value_t = GkEnforcement::Deny)]
    pub enforcement: GkEnforcement,

    /// Namespaces the Constraints never match (match.excludedNamespaces; comma-separated or repeated; a trailing * matches a prefix)
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NS",
        default_value = "kube-system"
    )]
    pub exclude_namespace: Vec<String>,

    /// Constraint parameter exemptNamespaces: namespaces whose objects are not checked
    #[arg(long, value_delimiter = ',', value_name = "NS")]
    pub exempt_namespace: Vec<String>,

    /// Constraint parameter exemptImages: container images whose findings are not reported (a trailing * matches a prefix)
    #[arg(long, value_delimiter = ',', value_name = "IMAGE")]
    pub exempt_image: Vec<String>,

    /// Constraint parameter accountId: the AWS account that owns the cluster's IAM roles
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,

    #[command(flatten)]
    pub rules: ExportSelection,

    /// Extra policy directory (custom rules) to export too; repeatable
    #[arg(long = "policy", value_name = "DIR")]
    pub policy: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GkEnforcement {
    Deny,
    Dryrun,
    Warn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KwMode {
    Opa,
    Gatekeeper,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KwPolicyMode {
    Protect,
    Monitor,
}

#[cfg(test)]
mod readme_usage {
    //! The README's Usage block is written by hand; these tests keep it true
    //! to the parser in both directions.
    use super::Cli;
    use clap::CommandFactory;
    use std::collections::BTreeSet;

    /// Each `kubectl podauth ...` entry (with its continuation lines), by subcommand path.
    fn entries() -> Vec<(Vec<String>, String)> {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
        let block = readme
            .split("## Usage\n\n```text\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("README has a Usage block");
        let mut out: Vec<(Vec<String>, String)> = Vec::new();
        for line in block.lines() {
            match line.strip_prefix("kubectl podauth ") {
                Some(rest) => {
                    let path = rest
                        .split_whitespace()
                        .take_while(|w| {
                            w.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                                && !w.starts_with('-')
                        })
                        .map(str::to_string)
                        .collect();
                    out.push((path, rest.to_string()));
                }
                None => out.last_mut().expect("continuation").1.push_str(line),
            }
        }
        out
    }

    fn command(path: &[String]) -> clap::Command {
        let mut cmd = Cli::command();
        for name in path {
            cmd = cmd
                .find_subcommand(name)
                .unwrap_or_else(|| panic!("README names a subcommand {name:?} clap lacks"))
                .clone();
        }
        cmd
    }

    #[test]
    fn every_flag_in_the_readme_exists_and_every_flag_is_in_the_readme() {
        let flag = regex::Regex::new(r"(?:^|[\s\[(|,])(--[a-z][a-z0-9-]*|-[a-zA-Z])\b").unwrap();
        let entries = entries();
        assert!(entries.len() >= 12, "{entries:?}");
        for (path, text) in &entries {
            let cmd = command(path);
            let mentioned: BTreeSet<String> =
                flag.captures_iter(text).map(|c| c[1].to_string()).collect();
            let mut known = BTreeSet::new();
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if arg.is_hide_set() || arg.is_global_set() || id == "help" || id == "version" {
                    continue;
                }
                let long = arg.get_long().map(|l| format!("--{l}"));
                let short = arg.get_short().map(|s| format!("-{s}"));
                if long.is_none() && short.is_none() {
                    continue; // positional
                }
                assert!(
                    long.iter().chain(&short).any(|f| mentioned.contains(f)),
                    "README usage of `{}` does not mention {long:?}/{short:?}",
                    path.join(" ")
                );
                known.extend(long);
                known.extend(short);
            }
            for f in &mentioned {
                assert!(
                    known.contains(f),
                    "README usage of `{}` offers {f}, which clap rejects",
                    path.join(" ")
                );
            }
        }
    }

    #[test]
    fn value_lists_in_the_readme_match_the_parser() {
        let list =
            regex::Regex::new(r"(--[a-z][a-z0-9-]*|-[a-zA-Z]) ([a-z][a-z-]*(?:\|[a-z][a-z-]*)+)")
                .unwrap();
        for (path, text) in entries() {
            let cmd = command(&path);
            for c in list.captures_iter(&text) {
                let name = c[1].trim_start_matches('-');
                let arg = cmd
                    .get_arguments()
                    .find(|a| {
                        a.get_long() == Some(name)
                            || (name.len() == 1 && a.get_short() == name.chars().next())
                    })
                    .unwrap_or_else(|| panic!("{}: no flag {}", path.join(" "), &c[1]));
                let offered: BTreeSet<&str> = c[2].split('|').collect();
                let parsed: Vec<String> = arg
                    .get_possible_values()
                    .iter()
                    .map(|v| v.get_name().to_string())
                    .collect();
                let parsed: BTreeSet<&str> = parsed.iter().map(String::as_str).collect();
                assert_eq!(offered, parsed, "`{}` {}", path.join(" "), &c[1]);
            }
        }
    }
}
