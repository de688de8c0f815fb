//! The report every printer renders: findings, workloads, summary and errors.
//! Its JSON shape is documented in docs/json-schema.md and versioned.
use crate::manifest::InputError;
use podauth_policies::Severity;
use serde::Serialize;

/// Bumped when the JSON shape changes incompatibly.
pub const REPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl Resource {
    pub fn of(object: &serde_json::Value) -> Resource {
        let s =
            |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).unwrap_or("").to_string();
        let meta = object.get("metadata");
        Resource {
            api_version: s(object.get("apiVersion")),
            kind: s(object.get("kind")),
            namespace: meta
                .and_then(|m| m.get("namespace"))
                .and_then(|v| v.as_str())
                .map(str::to_string),
            name: s(meta.and_then(|m| m.get("name"))),
        }
    }

    /// `namespace/Kind/name`, or `Kind/name` when cluster-scoped or unset.
    pub fn display(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}/{}", self.kind, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }
}

/// Where in a file a finding sits.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Source {
    pub file: String,
    /// Line of the offending field (of the object, when the field is absent).
    pub line: usize,
    pub document: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    pub name: String,
    pub severity: Severity,
    pub title: String,
    pub resource: Resource,
    /// The kubeconfig context, in live mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    pub source: Option<Source>,
    pub path: String,
    pub message: String,
    pub remediation: String,
}

impl Finding {
    /// Stable across commits: the rule, the object's identity and the field path,
    /// but not the line, so moving an object does not create a "new" alert.
    pub fn fingerprint(&self) -> String {
        let r = &self.resource;
        let group = r.api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let key = format!(
            "{}\u{0}{group}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
            self.rule,
            r.kind,
            r.namespace.as_deref().unwrap_or(""),
            r.name,
            self.path
        );
        // FNV-1a, 64 bit: stable across builds and platforms.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

/// Why a finding was suppressed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Suppression {
    /// `podauth.io/ignore` on the object.
    Inline { reason: Option<String> },
    /// An exception in `.podauth.yaml`.
    Config {
        reason: String,
        expires: Option<String>,
    },
    /// Present in the `--baseline` file.
    Baseline,
}

#[derive(Debug, Clone, Serialize)]
pub struct Suppressed {
    #[serde(flatten)]
    pub finding: Finding,
    pub suppression: Suppression,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Workload {
    pub resource: Resource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    pub source: Option<Source>,
    pub service_account: String,
    pub methods: Vec<String>,
    pub effective: String,
    pub rank: Option<u8>,
    pub recommended: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub findings: usize,
    pub by_severity: serde_json::Map<String, serde_json::Value>,
    pub objects_read: usize,
    pub files_read: usize,
    pub errors: usize,
    /// Findings suppressed inline, by a config exception or by the baseline.
    pub suppressed: usize,
    /// Config exceptions past their `expires` date (no longer applied).
    pub expired_exceptions: usize,
    /// Clusters read, in live mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clusters: Option<usize>,
    /// Rules that ran without some kind they read (RBAC refused it, or listing failed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub degraded_rules: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub version: u32,
    pub findings: Vec<Finding>,
    pub workloads: Vec<Workload>,
    pub summary: Summary,
    pub errors: Vec<InputError>,
    pub suppressed: Vec<Suppressed>,
}

impl Report {
    pub fn new(
        mut findings: Vec<Finding>,
        workloads: Vec<Workload>,
        errors: Vec<InputError>,
        objects_read: usize,
        files_read: usize,
    ) -> Report {
        findings.sort_by(|a, b| {
            (&a.cluster, &a.source, &a.resource, &a.rule, &a.path).cmp(&(
                &b.cluster,
                &b.source,
                &b.resource,
                &b.rule,
                &b.path,
            ))
        });
        let by_severity = Severity::ALL
            .iter()
            .map(|sev| {
                let n = findings.iter().filter(|f| f.severity == *sev).count();
                (sev.as_str().to_string(), serde_json::Value::from(n))
            })
            .collect();
        let summary = Summary {
            findings: findings.len(),
            by_severity,
            objects_read,
            files_read,
            errors: errors.len(),
            suppressed: 0,
            expired_exceptions: 0,
            clusters: None,
            degraded_rules: Vec::new(),
        };
        Report {
            version: REPORT_VERSION,
            findings,
            workloads,
            summary,
            errors,
            suppressed: Vec::new(),
        }
    }

    /// Moves findings the predicate suppresses into `suppressed`.
    pub fn suppress(&mut self, mut why: impl FnMut(&Finding) -> Option<Suppression>) {
        let mut kept = Vec::with_capacity(self.findings.len());
        for f in std::mem::take(&mut self.findings) {
            match why(&f) {
                Some(suppression) => self.suppressed.push(Suppressed {
                    finding: f,
                    suppression,
                }),
                None => kept.push(f),
            }
        }
        self.findings = kept;
        self.recount();
    }

    /// Recomputes the summary counts after findings changed.
    pub fn recount(&mut self) {
        self.summary.findings = self.findings.len();
        self.summary.suppressed = self.suppressed.len();
        for sev in Severity::ALL {
            let n = self.findings.iter().filter(|f| f.severity == sev).count();
            self.summary
                .by_severity
                .insert(sev.as_str().to_string(), serde_json::Value::from(n));
        }
    }

    /// True when some finding is at or above the threshold.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= threshold)
    }
}
