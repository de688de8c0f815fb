//! Accept loop, authentication, faults and routing.
use crate::catalog::{self, Resource};
use crate::{Fault, Recorded, Scenario, TOKEN};
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Frame, Incoming};
use hyper::{Request, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

type BoxBody = http_body_util::combinators::BoxBody<Bytes, std::io::Error>;

pub(crate) struct State {
    scenario: Scenario,
    objects: Vec<Value>,
    /// Served group versions, group -> versions in preference order.
    served: BTreeMap<String, Vec<String>>,
    /// Uses of each fault rule so far.
    fault_uses: Vec<AtomicUsize>,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl State {
    pub(crate) fn new(
        scenario: Scenario,
        mut objects: Vec<Value>,
        requests: Arc<Mutex<Vec<Recorded>>>,
    ) -> State {
        let mut wanted: BTreeSet<(String, String)> = catalog::BUILT_IN
            .iter()
            .map(|(g, v)| (g.to_string(), v.to_string()))
            .collect();
        let gvs = objects
            .iter()
            .filter_map(|o| o.get("apiVersion").and_then(Value::as_str))
            .chain(scenario.serve.iter().map(String::as_str));
        for gv in gvs {
            let (g, v) = catalog::split_api_version(gv);
            wanted.insert((g.to_string(), v.to_string()));
        }
        let mut served: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in catalog::RESOURCES {
            if wanted.contains(&(r.group.to_string(), r.version.to_string())) {
                let versions = served.entry(r.group.to_string()).or_default();
                if !versions.iter().any(|v| v == r.version) {
                    versions.push(r.version.to_string());
                }
            }
        }
        objects.sort_by_key(sort_key);
        let fault_uses = scenario
            .faults
            .iter()
            .map(|_| AtomicUsize::new(0))
            .collect();
        State {
            scenario,
            objects,
            served,
            fault_uses,
            requests,
        }
    }

    fn serves(&self, group: &str, version: &str) -> bool {
        self.served
            .get(group)
            .is_some_and(|vs| vs.iter().any(|v| v == version))
    }

    fn tokens(&self) -> Vec<&str> {
        if self.scenario.tokens.is_empty() {
            vec![TOKEN]
        } else {
            self.scenario.tokens.iter().map(String::as_str).collect()
        }
    }
}

fn sort_key(o: &Value) -> (String, String) {
    let s = |p: &str| {
        o.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    (s("/metadata/namespace"), s("/metadata/name"))
}

pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    state: Arc<State>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let acceptor = acceptor.clone();
        let state = state.clone();
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(tcp).await else {
                return;
            };
            let client_cert = stream.get_ref().1.peer_certificates().is_some();
            let service = hyper::service::service_fn(move |req| {
                let state = state.clone();
                async move { Ok::<_, std::convert::Infallible>(handle(&state, req, client_cert).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

fn full(status: StatusCode, body: Vec<u8>) -> Response<BoxBody> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("cache-control", "no-cache, private")
        .body(
            Full::new(Bytes::from(body))
                .map_err(|never| match never {})
                .boxed(),
        )
        .expect("response")
}

fn json_response(status: StatusCode, value: &Value) -> Response<BoxBody> {
    full(status, serde_json::to_vec(value).expect("json"))
}

/// A `metav1.Status` failure.
fn status(code: StatusCode, reason: &str, message: &str, details: Value) -> Response<BoxBody> {
    let mut body = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code.as_u16(),
    });
    if !details.is_null() {
        body["details"] = details;
    }
    json_response(code, &body)
}

fn not_found() -> Response<BoxBody> {
    status(
        StatusCode::NOT_FOUND,
        "NotFound",
        "the server could not find the requested resource",
        Value::Null,
    )
}

/// Sends one chunk of a list, then fails the body so the connection is dropped.
struct ResetBody {
    sent: bool,
}

impl Body for ResetBody {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if self.sent {
            Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected reset",
            ))))
        } else {
            self.sent = true;
            Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(
                b"{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[{\"metadata\":{\"name\":",
            )))))
        }
    }
}

fn query_params(query: Option<&str>) -> BTreeMap<String, String> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn handle(state: &State, req: Request<Incoming>, client_cert: bool) -> Response<BoxBody> {
    let method = req.method().as_str().to_string();
    let uri = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_string(), |p| p.as_str().to_string());
    state.requests.lock().expect("request log").push(Recorded {
        method: method.clone(),
        uri: uri.clone(),
    });
    let path = req.uri().path().to_string();
    let params = query_params(req.uri().query());

    for (i, rule) in state.scenario.faults.iter().enumerate() {
        if rule.path.as_deref().is_some_and(|p| !path.contains(p)) {
            continue;
        }
        if rule.fault == Fault::ExpireContinue && !params.contains_key("continue") {
            continue;
        }
        if let Some(limit) = rule.times {
            let used = state.fault_uses[i].fetch_add(1, Ordering::SeqCst);
            if used >= limit {
                continue;
            }
        }
        match &rule.fault {
            Fault::Stall => std::future::pending::<()>().await,
            Fault::Garbage => {
                return full(
                    StatusCode::OK,
                    b"<html><body>502 Bad Gateway? \x00\x01 not json".to_vec(),
                )
            }
            Fault::TooManyRequests(seconds) => {
                let mut r = status(
                    StatusCode::TOO_MANY_REQUESTS,
                    "TooManyRequests",
                    "Too many requests, please try again later.",
                    json!({"retryAfterSeconds": seconds}),
                );
                r.headers_mut().insert(
                    "retry-after",
                    seconds.to_string().parse().expect("header value"),
                );
                return r;
            }
            Fault::ServerError => {
                return status(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalError",
                    "Internal error occurred: injected failure",
                    Value::Null,
                )
            }
            Fault::ResetMidList => {
                return Response::builder()
                    .status(StatusCode::OK)
                    .header("content-type", "application/json")
                    .body(ResetBody { sent: false }.boxed())
                    .expect("response")
            }
            Fault::ExpireContinue => return expired(),
        }
    }

    let bearer = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let authenticated = client_cert || bearer.is_some_and(|t| state.tokens().contains(&t));
    if !authenticated {
        return status(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "Unauthorized",
            Value::Null,
        );
    }
    if method != "GET" {
        return status(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            &format!("the server does not allow this method on the requested resource ({method} is not supported by this read-only test server)"),
            Value::Null,
        );
    }
    route(state, &path, &params)
}

fn expired() -> Response<BoxBody> {
    status(
        StatusCode::GONE,
        "Expired",
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
        Value::Null,
    )
}

fn route(state: &State, path: &str, params: &BTreeMap<String, String>) -> Response<BoxBody> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["version"] => json_response(
            StatusCode::OK,
            &json!({
                "major": "1", "minor": "32", "gitVersion": "v1.32.0-podauth-test",
                "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
                "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.23.0",
                "compiler": "gc", "platform": "linux/amd64",
            }),
        ),
        ["api"] => json_response(
            StatusCode::OK,
            &json!({
                "kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:443"}],
            }),
        ),
        ["apis"] => {
            let groups: Vec<Value> = state
                .served
                .iter()
                .filter(|(g, _)| !g.is_empty())
                .map(|(g, vs)| api_group(g, vs))
                .collect();
            json_response(
                StatusCode::OK,
                &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
            )
        }
        ["apis", group] => match state.served.get(*group) {
            Some(vs) if !group.is_empty() => json_response(StatusCode::OK, &api_group(group, vs)),
            _ => not_found(),
        },
        ["api", "v1"] => resource_list(state, "", "v1"),
        ["apis", group, version] => resource_list(state, group, version),
        ["api", "v1", rest @ ..] => objects(state, "", "v1", rest, params),
        ["apis", group, version, rest @ ..] => objects(state, group, version, rest, params),
        _ => not_found(),
    }
}

fn api_group(group: &str, versions: &[String]) -> Value {
    let vs: Vec<Value> = versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v}))
        .collect();
    json!({
        "kind": "APIGroup", "apiVersion": "v1", "name": group,
        "versions": vs, "preferredVersion": vs.first().cloned().unwrap_or(Value::Null),
    })
}

const VERBS: [&str; 8] = [
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

fn resource_list(state: &State, group: &str, version: &str) -> Response<BoxBody> {
    if !state.serves(group, version) {
        return not_found();
    }
    let resources: Vec<Value> = catalog::RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .map(|r| {
            json!({
                "name": r.plural, "singularName": r.kind.to_lowercase(), "namespaced": r.namespaced,
                "kind": r.kind, "verbs": VERBS, "shortNames": catalog::short_names(r.plural),
            })
        })
        .collect();
    json_response(
        StatusCode::OK,
        &json!({
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": catalog::group_version(group, version), "resources": resources,
        }),
    )
}

fn forbidden(
    state: &State,
    r: &Resource,
    verb: &str,
    namespace: Option<&str>,
) -> Option<Response<BoxBody>> {
    let denied = state.scenario.forbid.iter().any(|f| {
        f.group == r.group && f.resource == r.plural && f.verb.as_deref().is_none_or(|v| v == verb)
    });
    if !denied {
        return None;
    }
    let scope = match namespace {
        Some(ns) => format!("in the namespace \"{ns}\""),
        None => "at the cluster scope".to_string(),
    };
    let message = format!(
        "{plural} is forbidden: User \"podauth-test\" cannot {verb} resource \"{plural}\" in API group \"{group}\" {scope}",
        plural = r.plural,
        group = r.group,
    );
    Some(status(
        StatusCode::FORBIDDEN,
        "Forbidden",
        &message,
        json!({"group": r.group, "kind": r.plural}),
    ))
}

fn objects(
    state: &State,
    group: &str,
    version: &str,
    rest: &[&str],
    params: &BTreeMap<String, String>,
) -> Response<BoxBody> {
    if !state.serves(group, version) {
        return not_found();
    }
    // (namespace, plural, name)
    let (namespace, plural, name) = match rest {
        [plural] => (None, *plural, None),
        [plural, name] => (None, *plural, Some(*name)),
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        _ => return not_found(),
    };
    let Some(resource) = catalog::by_plural(group, version, plural) else {
        return not_found();
    };
    if namespace.is_some() && !resource.namespaced {
        return not_found();
    }
    let verb = if name.is_some() { "get" } else { "list" };
    if let Some(denied) = forbidden(state, resource, verb, namespace) {
        return denied;
    }
    let api_version = catalog::group_version(group, version);
    let matching = state.objects.iter().filter(|o| {
        o.get("apiVersion").and_then(Value::as_str) == Some(api_version.as_str())
            && o.get("kind").and_then(Value::as_str) == Some(resource.kind)
            && namespace.is_none_or(|ns| {
                o.pointer("/metadata/namespace").and_then(Value::as_str) == Some(ns)
            })
    });
    if let Some(name) = name {
        return match matching
            .clone()
            .find(|o| o.pointer("/metadata/name").and_then(Value::as_str) == Some(name))
        {
            Some(o) => json_response(StatusCode::OK, o),
            None => status(
                StatusCode::NOT_FOUND,
                "NotFound",
                &format!("{plural} \"{name}\" not found"),
                json!({"name": name, "group": group, "kind": plural}),
            ),
        };
    }
    let selector = match params.get("labelSelector").map(|s| parse_selector(s)) {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            return status(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                &format!("unable to parse requirement: {e}"),
                Value::Null,
            )
        }
        None => vec![],
    };
    let items: Vec<&Value> = matching
        .filter(|o| selector.iter().all(|req| req.matches(o)))
        .collect();

    let offset = match params.get("continue").filter(|c| !c.is_empty()) {
        None => 0,
        Some(token) => match decode_continue(token) {
            Some(o) => o,
            None => {
                return status(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    "continue key is not valid: illegal base64 data",
                    Value::Null,
                )
            }
        },
    };
    let limit = params
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0);
    let end = limit.map_or(items.len(), |l| (offset + l).min(items.len()));
    let page: Vec<Value> = items
        .get(offset.min(items.len())..end)
        .unwrap_or(&[])
        .iter()
        .map(|o| {
            let mut item = (*o).clone();
            if let Value::Object(m) = &mut item {
                m.remove("apiVersion");
                m.remove("kind");
            }
            item
        })
        .collect();
    let mut metadata = json!({"resourceVersion": "1000"});
    if end < items.len() {
        metadata["continue"] = json!(encode_continue(end));
        metadata["remainingItemCount"] = json!(items.len() - end);
    }
    json_response(
        StatusCode::OK,
        &json!({
            "kind": format!("{}List", resource.kind),
            "apiVersion": api_version,
            "metadata": metadata,
            "items": page,
        }),
    )
}

fn encode_continue(offset: usize) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(json!({"v": "meta.k8s.io/v1", "rv": 1000, "start": offset}).to_string())
}

fn decode_continue(token: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.get("start")?.as_u64().map(|s| s as usize)
}

enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    Exists(String),
    NotExists(String),
}

impl Requirement {
    fn matches(&self, o: &Value) -> bool {
        let label = |k: &str| {
            o.pointer("/metadata/labels")
                .and_then(|l| l.get(k))
                .and_then(Value::as_str)
        };
        match self {
            Requirement::Equals(k, v) => label(k) == Some(v.as_str()),
            Requirement::NotEquals(k, v) => label(k) != Some(v.as_str()),
            Requirement::Exists(k) => label(k).is_some(),
            Requirement::NotExists(k) => label(k).is_none(),
        }
    }
}

/// Equality-based selectors: `a=b`, `a==b`, `a!=b`, `a`, `!a`, comma-separated.
fn parse_selector(s: &str) -> Result<Vec<Requirement>, String> {
    let mut out = vec![];
    for term in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if term.contains(" in ") || term.contains(" notin ") || term.contains('(') {
            return Err(format!("set-based requirement {term:?} is not supported"));
        }
        let req = if let Some((k, v)) = term.split_once("!=") {
            Requirement::NotEquals(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = term.split_once("==") {
            Requirement::Equals(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = term.split_once('=') {
            Requirement::Equals(k.trim().into(), v.trim().into())
        } else if let Some(k) = term.strip_prefix('!') {
            Requirement::NotExists(k.trim().into())
        } else {
            Requirement::Exists(term.into())
        };
        out.push(req);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("app%3Dweb%2Ctier%21%3Dx"), "app=web,tier!=x");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn continue_tokens_round_trip() {
        assert_eq!(decode_continue(&encode_continue(500)), Some(500));
        assert_eq!(decode_continue("%%%"), None);
    }
}
