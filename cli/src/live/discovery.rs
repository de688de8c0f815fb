//! Resolves the kinds the policies read to the versions and plural names a
//! cluster serves (`/apis` and each group's resource list).
use super::fetch::{FetchError, Fetcher};
use super::kinds::KindSpec;
use super::ClusterObjects;
use serde_json::Value;
use std::collections::BTreeMap;

/// A kind to list, resolved against discovery.
pub(super) struct Plan {
    pub(super) spec: &'static KindSpec,
    pub(super) version: String,
    pub(super) plural: String,
    pub(super) namespaced: bool,
}

/// Resolves the wanted kinds to versions and plurals. Core kinds need no
/// discovery; optional kinds are listed only where their group serves them.
pub(super) async fn discover(
    fetcher: &Fetcher,
    wanted: &[&'static KindSpec],
    cluster: &mut ClusterObjects,
) -> Result<Vec<Plan>, String> {
    let groups = match fetcher.get_json("/apis").await {
        Ok(v) => Some(v),
        Err(FetchError::Fatal(m)) | Err(FetchError::Failed(m)) => return Err(m),
        Err(FetchError::Forbidden(m)) => {
            cluster
                .incomplete
                .push(format!("API discovery: forbidden ({m})"));
            None
        }
        Err(FetchError::NotFound) | Err(FetchError::Gone) => {
            return Err("the server does not serve /apis (is this a Kubernetes API server?)".into())
        }
    };
    let served: BTreeMap<String, Vec<String>> = groups
        .as_ref()
        .and_then(|g| g.get("groups"))
        .and_then(Value::as_array)
        .map(|gs| {
            gs.iter()
                .filter_map(|g| {
                    let name = g.get("name")?.as_str()?.to_string();
                    let versions = g
                        .get("versions")?
                        .as_array()?
                        .iter()
                        .filter_map(|v| v.get("version")?.as_str().map(str::to_string))
                        .collect();
                    Some((name, versions))
                })
                .collect()
        })
        .unwrap_or_default();

    let mut plans = vec![];
    // Resource lists fetched so far: (group, version) -> resources.
    let mut resource_lists: BTreeMap<(String, String), Option<Vec<Value>>> = BTreeMap::new();
    for spec in wanted {
        if !spec.is_optional() {
            plans.push(Plan {
                spec,
                version: spec.versions[0].to_string(),
                plural: spec.plural.to_string(),
                namespaced: spec.namespaced,
            });
            continue;
        }
        if groups.is_none() {
            cluster
                .incomplete
                .push(format!("{}: API discovery was forbidden", spec.kind));
            continue;
        }
        let Some(versions) = served.get(spec.group) else {
            cluster
                .not_served
                .push(format!("{}.{}", spec.kind, spec.group));
            continue;
        };
        let mut found = None;
        let mut failed = None;
        for version in spec
            .versions
            .iter()
            .filter(|v| versions.iter().any(|s| s == *v))
        {
            let key = (spec.group.to_string(), version.to_string());
            if !resource_lists.contains_key(&key) {
                let path = format!("/apis/{}/{version}", spec.group);
                let list = match fetcher.get_json(&path).await {
                    Ok(v) => v.get("resources").and_then(Value::as_array).cloned(),
                    Err(FetchError::Fatal(m)) => return Err(m),
                    Err(FetchError::NotFound) => Some(vec![]),
                    Err(FetchError::Forbidden(m)) | Err(FetchError::Failed(m)) => {
                        failed = Some(m);
                        None
                    }
                    Err(FetchError::Gone) => None,
                };
                resource_lists.insert(key.clone(), list);
            }
            let resource = resource_lists[&key].as_ref().and_then(|rs| {
                rs.iter().find(|r| {
                    r.get("kind").and_then(Value::as_str) == Some(spec.kind)
                        && r.get("name")
                            .and_then(Value::as_str)
                            .is_some_and(|n| !n.contains('/'))
                })
            });
            if let Some(r) = resource {
                found = Some(Plan {
                    spec,
                    version: version.to_string(),
                    plural: r
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or(spec.plural)
                        .to_string(),
                    namespaced: r
                        .get("namespaced")
                        .and_then(Value::as_bool)
                        .unwrap_or(spec.namespaced),
                });
                break;
            }
        }
        match (found, failed) {
            (Some(plan), _) => plans.push(plan),
            (None, Some(m)) => cluster.incomplete.push(format!(
                "{}: discovery of {} failed: {m}",
                spec.kind, spec.group
            )),
            (None, None) => cluster
                .not_served
                .push(format!("{}.{}", spec.kind, spec.group)),
        }
    }
    Ok(plans)
}
