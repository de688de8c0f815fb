//! Lists one kind in scope, page by page, with every object typed and
//! sanitized as it arrives; RBAC denials and broken lists become outcomes,
//! never partial lists.
use super::discovery::Plan;
use super::fetch::{FetchError, Fetcher};
use super::kinds::{self, KindSpec};
use super::sanitize;
use serde_json::Value;

/// Page size of list requests.
pub const PAGE_SIZE: usize = 500;

/// A kind that could not be read because RBAC denies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForbiddenKind {
    /// `Secret`.
    pub kind: String,
    /// `""` for the core group.
    pub group: String,
    /// Plural resource: `secrets`.
    pub resource: String,
    /// The denied verb: `list` (or `get` for the single Namespace read with `-n`).
    pub verb: String,
    /// The namespace the request was scoped to; `None` for cluster scope.
    pub namespace: Option<String>,
    /// The server's message.
    pub message: String,
}

impl ForbiddenKind {
    /// `list secrets in namespace "shop"`, `list deployments.apps (all namespaces)`.
    pub fn permission(&self) -> String {
        let resource = kinds::resource_name(&self.group, &self.resource);
        match &self.namespace {
            Some(ns) => format!("{} {resource} in namespace {ns:?}", self.verb),
            None => format!("{} {resource} (cluster-wide)", self.verb),
        }
    }
}

/// What listing one kind produced.
pub(super) enum KindOutcome {
    Objects(Vec<Value>),
    Forbidden(ForbiddenKind),
    Incomplete(String),
}

fn is_pod_identity_association(spec: &KindSpec) -> bool {
    spec.kind == "PodIdentityAssociation"
}

/// Lists one kind in scope, page by page; objects are sanitized as they arrive.
pub(super) async fn list_kind(
    fetcher: &Fetcher,
    plan: &Plan,
    namespace: Option<&str>,
    selector: Option<&str>,
) -> Result<KindOutcome, String> {
    let spec = plan.spec;
    let api_version = kinds::api_version(spec.group, &plan.version);
    // With a namespace: the Namespace object by name.
    if spec.kind == "Namespace" {
        if let Some(ns) = namespace {
            let path = format!("/api/v1/namespaces/{}", kinds::encode_segment(ns));
            return match fetcher.get_json(&path).await {
                Ok(mut o) => {
                    set_type(&mut o, &api_version, spec.kind);
                    sanitize::sanitize(&mut o);
                    Ok(KindOutcome::Objects(vec![o]))
                }
                Err(FetchError::NotFound) => Ok(KindOutcome::Objects(vec![])),
                Err(e) => outcome_of_error(e, plan, "get", Some(ns)),
            };
        }
    }
    let cross_namespace = is_pod_identity_association(spec);
    let list_namespace = if plan.namespaced && !cross_namespace {
        namespace
    } else {
        None
    };
    let path = kinds::collection_path(spec.group, &plan.version, &plan.plural, list_namespace);
    let selector = selector.filter(|_| spec.is_workload());

    let mut restarted = false;
    'restart: loop {
        let mut items: Vec<Value> = vec![];
        let mut token: Option<String> = None;
        loop {
            let mut query = format!("{path}?limit={PAGE_SIZE}");
            if let Some(s) = selector {
                query.push_str(&format!("&labelSelector={}", kinds::encode_segment(s)));
            }
            if let Some(t) = &token {
                query.push_str(&format!("&continue={}", kinds::encode_segment(t)));
            }
            let page = match fetcher.get_json(&query).await {
                Ok(page) => page,
                Err(FetchError::Gone) if token.is_some() && !restarted => {
                    restarted = true;
                    continue 'restart;
                }
                Err(e) => return outcome_of_error(e, plan, "list", list_namespace),
            };
            let Some(page_items) = page.get("items").and_then(Value::as_array) else {
                return Ok(KindOutcome::Incomplete(format!(
                    "GET {query} returned no items array"
                )));
            };
            for item in page_items {
                let mut item = item.clone();
                set_type(&mut item, &api_version, spec.kind);
                sanitize::sanitize(&mut item);
                if cross_namespace && !in_namespace_scope(&item, namespace) {
                    continue;
                }
                items.push(item);
            }
            token = page
                .pointer("/metadata/continue")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if token.is_none() {
                return Ok(KindOutcome::Objects(items));
            }
        }
    }
}

/// An association in scope: it lives in, or targets, the selected namespace.
fn in_namespace_scope(item: &Value, namespace: Option<&str>) -> bool {
    let Some(ns) = namespace else {
        return true;
    };
    [
        "/metadata/namespace",
        "/spec/namespace",
        "/spec/forProvider/namespace",
    ]
    .iter()
    .any(|p| item.pointer(p).and_then(Value::as_str) == Some(ns))
}

fn outcome_of_error(
    error: FetchError,
    plan: &Plan,
    verb: &str,
    namespace: Option<&str>,
) -> Result<KindOutcome, String> {
    match error {
        FetchError::Fatal(m) => Err(m),
        FetchError::Forbidden(message) => Ok(KindOutcome::Forbidden(ForbiddenKind {
            kind: plan.spec.kind.to_string(),
            group: plan.spec.group.to_string(),
            resource: plan.plural.clone(),
            verb: verb.to_string(),
            namespace: namespace.map(str::to_string),
            message,
        })),
        FetchError::NotFound => Ok(KindOutcome::Incomplete(
            "the server answered 404 Not Found for the list".into(),
        )),
        FetchError::Gone => Ok(KindOutcome::Incomplete(
            "the list's continue token expired twice (410 Gone)".into(),
        )),
        FetchError::Failed(m) => Ok(KindOutcome::Incomplete(m)),
    }
}

/// List items carry no apiVersion or kind; every returned object does.
fn set_type(object: &mut Value, api_version: &str, kind: &str) {
    if let Value::Object(map) = object {
        map.insert("apiVersion".into(), Value::String(api_version.into()));
        map.insert("kind".into(), Value::String(kind.into()));
    }
}
