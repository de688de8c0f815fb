//! Suppressions teams own: inline annotations, config exceptions and baselines.
//! A suppressed finding is never dropped silently: it moves to the report's
//! `suppressed` list with the reason, and is counted in the summary.
use crate::config::{glob_match, parse_date, Exception};
use crate::manifest::Origin;
use crate::report::{Finding, Resource};

pub const IGNORE_ANNOTATION: &str = "podauth.io/ignore";
pub const REASON_ANNOTATION: &str = "podauth.io/ignore-reason";

/// What an inline ignore is keyed by: the object, and offline its file and document.
pub type IgnoreKey = (Resource, Option<(String, usize)>);

/// The rule ids and reason of each annotated object under review.
pub type InlineIgnores = std::collections::HashMap<IgnoreKey, (Vec<String>, Option<String>)>;

/// The [`IgnoreKey`] of an object read from `origin`.
pub fn ignore_key(resource: Resource, origin: &Origin) -> IgnoreKey {
    let place =
        (!origin.file.starts_with("cluster:")).then(|| (origin.file.to_string(), origin.document));
    (resource, place)
}

/// The rule ids an object's `podauth.io/ignore` annotation lists, with its reason.
pub fn inline_ignores(object: &serde_json::Value) -> Option<(Vec<String>, Option<String>)> {
    let annotations = object.get("metadata")?.get("annotations")?;
    let ids = annotations.get(IGNORE_ANNOTATION)?.as_str()?;
    let reason = annotations
        .get(REASON_ANNOTATION)
        .and_then(|r| r.as_str())
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let ids = ids
        .split(',')
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect();
    Some((ids, reason))
}

/// Config exceptions, split into those in force today and those expired.
pub fn active_exceptions(all: &[Exception], today: i64) -> (Vec<&Exception>, Vec<&Exception>) {
    all.iter().partition(|e| {
        e.expires
            .as_deref()
            .and_then(parse_date)
            .is_none_or(|d| d >= today)
    })
}

pub fn exception_matches(e: &Exception, f: &Finding) -> bool {
    (e.rule == "*" || e.rule.eq_ignore_ascii_case(&f.rule))
        && e.kind.as_deref().is_none_or(|k| k == f.resource.kind)
        && glob_match(&e.namespace, f.resource.namespace.as_deref().unwrap_or(""))
        && glob_match(&e.name, &f.resource.name)
}
