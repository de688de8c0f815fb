//! `kubectl podauth export`: the policy library as artifacts admission engines
//! deploy as they are (see `docs/export.md`).
//!
//! Everything here is deterministic: the same selection gives byte-identical
//! files (maps keep insertion order, lists are sorted).
pub mod gatekeeper;
pub mod kubewarden;
pub mod opa_bundle;

use anyhow::{bail, Result};
use podauth_policies::kinds::KINDS;
use podauth_policies::{Bundle, RuleMeta, Severity};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The rules an export carries, in id order.
pub fn select_rules<'b>(
    bundle: &'b Bundle,
    select: &[String],
    ignore: &[String],
    min_severity: Option<Severity>,
) -> Result<Vec<&'b RuleMeta>> {
    let rules: Vec<&RuleMeta> = bundle
        .select(select, ignore)?
        .into_iter()
        .filter(|m| min_severity.is_none_or(|s| m.severity >= s))
        .collect();
    if rules.is_empty() {
        bail!("the selection leaves no rule to export");
    }
    Ok(rules)
}

/// Kinds a rule looks up that an admission engine can hand it as inventory
/// (served kinds its METADATA lists under `looks_up`). Empty for rules that
/// judge each object alone.
pub fn context_kinds(rule: &RuleMeta) -> BTreeSet<&str> {
    rule.looks_up
        .iter()
        .map(String::as_str)
        .filter(|k| KINDS.iter().any(|s| s.kind == *k && s.is_served()))
        .collect()
}

/// Whether any selected rule looks objects up in an inventory.
pub fn cross_object(rules: &[&RuleMeta]) -> bool {
    rules.iter().any(|r| !context_kinds(r).is_empty())
}

/// `(group, preferred version, kind, plural, namespaced)` of every cluster
/// kind the rules declare (kinds that never reach an API server, such as
/// eksctl's `ClusterConfig`, have none), sorted.
pub fn resources(
    kinds: &BTreeSet<&str>,
) -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    let mut out: Vec<_> = KINDS
        .iter()
        .filter(|s| s.is_served() && kinds.contains(s.kind))
        .map(|s| (s.group, s.versions[0], s.kind, s.plural))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every kind the selected rules review: what admission must send them
/// (kinds they only look up arrive as inventory).
pub fn reviewed_kinds<'r>(rules: &[&'r RuleMeta]) -> BTreeSet<&'r str> {
    rules
        .iter()
        .flat_map(|r| r.reviews.iter().map(String::as_str))
        .collect()
}

/// Admission rules (`RuleWithOperations`) for the kinds the rules review: one per
/// API group, every version the CLI knows, CREATE and UPDATE.
pub fn admission_rules(rules: &[&RuleMeta]) -> Value {
    let kinds = reviewed_kinds(rules);
    let mut groups: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
    for spec in KINDS
        .iter()
        .filter(|s| s.is_served() && kinds.contains(s.kind))
    {
        let (versions, plurals) = groups.entry(spec.group).or_default();
        versions.extend(spec.versions.iter().copied());
        plurals.insert(spec.plural);
    }
    Value::Array(
        groups
            .into_iter()
            .map(|(group, (versions, plurals))| {
                json!({
                    "apiGroups": [group],
                    "apiVersions": versions.into_iter().collect::<Vec<_>>(),
                    "resources": plurals.into_iter().collect::<Vec<_>>(),
                    "operations": ["CREATE", "UPDATE"],
                })
            })
            .collect(),
    )
}

/// `[{"apiVersion", "kind"}]` of every kind the cross-object rules look up.
pub fn context_resources(rules: &[&RuleMeta]) -> Value {
    let kinds: BTreeSet<&str> = rules.iter().flat_map(|r| context_kinds(r)).collect();
    let mut list: Vec<(String, &str)> = KINDS
        .iter()
        .filter(|s| kinds.contains(s.kind))
        .map(|s| (s.api_version(), s.kind))
        .collect();
    list.sort();
    list.dedup();
    Value::Array(
        list.into_iter()
            .map(|(api, kind)| json!({"apiVersion": api, "kind": kind}))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_honours_select_ignore_and_severity() {
        let bundle = Bundle::embedded();
        let all = select_rules(&bundle, &[], &[], None).unwrap();
        assert_eq!(all.len(), bundle.rules.len());
        let one = select_rules(&bundle, &["pa101".into()], &[], None).unwrap();
        assert_eq!(one.len(), 1);
        let crit = select_rules(&bundle, &[], &[], Some(Severity::Critical)).unwrap();
        assert!(crit.iter().all(|r| r.severity == Severity::Critical));
        assert!(select_rules(&bundle, &["PA000".into()], &[], None).is_err());
    }
}
