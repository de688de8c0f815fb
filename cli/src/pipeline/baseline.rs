//! `--baseline FILE`: record today's findings by stable fingerprint, then fail
//! only on findings that are not in the record.
use crate::diag::CliError;
use crate::report::Finding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub resource: String,
    pub path: String,
}

impl Baseline {
    pub fn of(findings: &[Finding]) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint(),
                rule: f.rule.clone(),
                resource: f.resource.display(),
                path: f.path.clone(),
            })
            .collect();
        entries
            .sort_by(|a, b| (&a.rule, &a.resource, &a.path).cmp(&(&b.rule, &b.resource, &b.path)));
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            version: 1,
            findings: entries,
        }
    }

    pub fn read(path: &Path) -> Result<Baseline, CliError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::new(format!("{}: {e}", path.display())))?;
        serde_json::from_str(&text).map_err(|e| {
            CliError::new(format!(
                "{}: not a podauth baseline: {}",
                path.display(),
                crate::redact::without_input_values(&e.to_string())
            ))
            .hint("delete it and run again with --baseline to write a new one")
        })
    }

    pub fn write(&self, path: &Path) -> Result<(), CliError> {
        let text = serde_json::to_string_pretty(self).expect("baseline serialises") + "\n";
        crate::redact::write_file(path, text.as_bytes())
            .map_err(|e| CliError::new(format!("writing {}: {e}", path.display())))
    }

    pub fn fingerprints(&self) -> BTreeSet<&str> {
        self.findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect()
    }
}
