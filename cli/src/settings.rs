//! The settings a run is made of, as the CLI, `.podauth.yaml` and the printers
//! all name them. `cli.rs` offers them as flags (the `ValueEnum` derive is how
//! clap reads a variant's name and help); nothing here depends on a command.
use clap::ValueEnum;

/// Report output formats (`-o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable, grouped by resource; fits the terminal
    Table,
    /// The table with every column (SERVICE ACCOUNT, METHODS), never cut
    Wide,
    /// Stable JSON (docs/json-schema.md)
    Json,
    /// The JSON shape as YAML
    Yaml,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// JUnit XML, one testcase per rule and resource
    Junit,
    /// GitHub Actions annotations (::error file=...,line=...::)
    Github,
    /// One self-contained HTML page: charts, sortable findings, migration paths
    Html,
}

/// Output formats of `rules`, `explain` and `recommend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogFormat {
    Table,
    Json,
    Yaml,
}

/// Which sections the table shows (`--show`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Show {
    Findings,
    Workloads,
    All,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
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

/// When to colour output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
