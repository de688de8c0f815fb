//! Command-line definitions. Doc comments are the help text.
use crate::printers::{Format, Show};
use crate::style::ColorChoice;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const ABOUT: &str =
    "Audit how pods authenticate to AWS, and plan their move to IRSA or EKS Pod Identity";

#[derive(Debug, Parser)]
#[command(name = "kubectl-podauth", version = crate::version::VERSION_LINE, about = ABOUT, long_about = None)]
#[command(
    after_help = "Examples:\n  kubectl podauth check -f manifests/\n  helm template my-chart | kubectl podauth check -f -\n  kubectl podauth rules\n  kubectl podauth explain PA101"
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
        after_help = "Examples:\n  # A directory, recursively (.yaml, .yml, .json)\n  kubectl podauth check -f k8s/\n\n  # Rendered Helm or kustomize output on stdin\n  kubectl kustomize overlays/prod | kubectl podauth check -f -\n\n  # Machine-readable output, failing only on critical findings\n  kubectl podauth check -f k8s/ -o json --fail-on critical\n\n  # Only some rules\n  kubectl podauth check -f k8s/ --select PA101,PA501\n\nExit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error."
    )]
    Check(CheckArgs),
    /// List the rule catalog
    #[command(after_help = "Examples:\n  kubectl podauth rules\n  kubectl podauth rules -o json")]
    Rules(CatalogArgs),
    /// Print one rule's documentation
    #[command(
        after_help = "Examples:\n  kubectl podauth explain PA101\n  kubectl podauth explain PA501 -o json"
    )]
    Explain(ExplainArgs),
    /// Run Rego unit tests (test_* rules in *_test.rego), like `opa test`
    #[command(
        after_help = "Examples:\n  # The built-in policies' own tests\n  kubectl podauth test\n\n  # Your custom policies, with the built-in library available\n  kubectl podauth test ./policies -v"
    )]
    Test(TestArgs),
    /// Print the version and the git commit it was built from
    #[command(after_help = "Examples:\n  kubectl podauth version")]
    Version,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// File, directory (walked recursively) or `-` for stdin; repeatable
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub filenames: Vec<String>,

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

    /// Team settings file [default: the nearest .podauth.yaml at or above the working directory]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Also list suppressed findings in the table (JSON/YAML always list them)
    #[arg(long)]
    pub show_suppressed: bool,

    /// Compare with a baseline of known findings (written when FILE does not exist); only new findings fail
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Rewrite the --baseline file with the current findings
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,

    /// Extra policy directory with the same layout and METADATA contract; repeatable
    #[arg(long = "policy", value_name = "DIR")]
    pub policies: Vec<PathBuf>,

    /// Largest manifest file read, in MiB
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub max_file_size: u64,
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
    /// Rule id, such as PA101
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
pub enum CatalogFormat {
    Table,
    Json,
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

impl std::str::FromStr for Prefer {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        <Prefer as ValueEnum>::from_str(s, true)
    }
}

impl std::str::FromStr for ClusterType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        <ClusterType as ValueEnum>::from_str(s, true)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Prefer {
    Irsa,
    PodIdentity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClusterType {
    Eks,
    EksFargate,
    NonEks,
}

impl Prefer {
    pub fn as_str(self) -> &'static str {
        match self {
            Prefer::Irsa => "irsa",
            Prefer::PodIdentity => "pod-identity",
        }
    }
}

impl ClusterType {
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterType::Eks => "eks",
            ClusterType::EksFargate => "eks-fargate",
            ClusterType::NonEks => "non-eks",
        }
    }
}
