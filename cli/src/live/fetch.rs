//! GET requests with kubectl-like error handling: retries for transient
//! failures, one-line errors for fatal ones. There is no other verb here.
use serde_json::Value;
use std::time::Duration;

/// Attempts for a 5xx or a dropped connection before the kind is incomplete.
const MAX_SERVER_RETRIES: u32 = 4;
/// Attempts for a 429 before the kind is incomplete.
const MAX_THROTTLE_RETRIES: u32 = 5;
/// Longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Why a GET failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The cluster cannot be read at all (401, unreachable, TLS, timeout): one line.
    Fatal(String),
    /// 403, with the server's message.
    Forbidden(String),
    /// 404.
    NotFound,
    /// 410 Gone (an expired `continue` token).
    Gone,
    /// Anything else, after retries: one line.
    Failed(String),
}

pub struct Fetcher {
    pub client: kube::Client,
    pub timeout: Option<Duration>,
}

/// Status message of a `metav1.Status` body, if the body is one.
fn status_message(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    (v.get("kind").and_then(Value::as_str) == Some("Status"))
        .then(|| v.get("message").and_then(Value::as_str).map(str::to_string))
        .flatten()
}

/// The error chain as one line, without repeats: `a: b: c`.
pub fn one_line(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![];
    let mut current = Some(error);
    while let Some(e) = current {
        let text = e.to_string();
        // Wrappers often repeat their source's message ("ServiceError: x", then "x").
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.retain(|p| !text.contains(p.as_str()));
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ").replace(['\n', '\r'], " ")
}

/// How a transport-level failure is treated.
#[derive(Debug, PartialEq, Eq)]
enum Transport {
    /// Connection refused, DNS, TLS, credentials plugin: the cluster is unreadable.
    Fatal(String),
    /// A dropped or reset connection: retried.
    Retry(String),
}

fn classify_transport(error: &kube::Error) -> Transport {
    // kube's variant prefixes say nothing to a user.
    let text = one_line(error)
        .replace("ServiceError: ", "")
        .replace("HyperError: ", "");
    let lower = text.to_lowercase();
    // A connection dropped mid-request is transient, whatever layer noticed it.
    let dropped = [
        "close_notify",
        "connection reset",
        "unexpected eof",
        "connection closed",
        "incomplete message",
        "broken pipe",
        "connection aborted",
    ];
    if dropped.iter().any(|d| lower.contains(d)) {
        return Transport::Retry(text);
    }
    let summary =
        if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
            format!("TLS failure: {text}")
        } else if lower.contains("connection refused") {
            format!("cannot connect to the server (connection refused): {text}")
        } else if lower.contains("dns")
            || lower.contains("failed to lookup")
            || lower.contains("name or service not known")
        {
            format!("cannot resolve the server's address: {text}")
        } else if lower.contains("timed out") || lower.contains("deadline") {
            format!("request timed out: {text}")
        } else if matches!(error, kube::Error::Auth(_))
            || lower.contains("auth exec")
            || lower.contains("exec-plugin")
        {
            format!("cannot get credentials: {text}")
        } else {
            return Transport::Retry(text);
        };
    Transport::Fatal(summary)
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(200u64.saturating_mul(1 << attempt.min(6)))
}

impl Fetcher {
    /// GETs `path_and_query` and parses the JSON body.
    pub async fn get_json(&self, path_and_query: &str) -> Result<Value, FetchError> {
        let mut server_failures = 0;
        let mut throttled = 0;
        loop {
            let outcome = match self.timeout {
                Some(t) => match tokio::time::timeout(t, self.attempt(path_and_query)).await {
                    Ok(o) => o,
                    Err(_) => {
                        return Err(FetchError::Fatal(format!(
                            "request timed out after {} (GET {path_and_query})",
                            human_duration(t)
                        )))
                    }
                },
                None => self.attempt(path_and_query).await,
            };
            match outcome {
                Attempt::Done(result) => return result,
                Attempt::Throttled(wait) => {
                    throttled += 1;
                    if throttled > MAX_THROTTLE_RETRIES {
                        return Err(FetchError::Failed(format!(
                            "the server kept answering 429 Too Many Requests (GET {path_and_query})"
                        )));
                    }
                    tokio::time::sleep(wait).await;
                }
                Attempt::Transient(message) => {
                    server_failures += 1;
                    if server_failures > MAX_SERVER_RETRIES {
                        return Err(FetchError::Failed(format!(
                            "{message} (GET {path_and_query}, {MAX_SERVER_RETRIES} retries)"
                        )));
                    }
                    tokio::time::sleep(backoff(server_failures - 1)).await;
                }
            }
        }
    }

    async fn attempt(&self, path_and_query: &str) -> Attempt {
        let request = match http::Request::get(path_and_query)
            .header(http::header::ACCEPT, "application/json")
            .body(kube::client::Body::from(Vec::new()))
        {
            Ok(r) => r,
            Err(e) => {
                return Attempt::Done(Err(FetchError::Failed(format!(
                    "invalid request {path_and_query}: {e}"
                ))))
            }
        };
        let response = match self.client.send(request).await {
            Ok(r) => r,
            Err(e) => {
                return match classify_transport(&e) {
                    Transport::Fatal(m) => Attempt::Done(Err(FetchError::Fatal(m))),
                    Transport::Retry(m) => Attempt::Transient(m),
                }
            }
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = match response.into_body().collect_bytes().await {
            Ok(b) => b,
            // The connection dropped mid-body.
            Err(e) => {
                return Attempt::Transient(format!(
                    "connection lost while reading the response: {}",
                    one_line(&e)
                ))
            }
        };
        let message = || status_message(&body).unwrap_or_else(|| status.to_string());
        match status.as_u16() {
            200..=299 => Attempt::Done(serde_json::from_slice(&body).map_err(|_| {
                FetchError::Failed(format!(
                    "the server returned a body that is not JSON for GET {path_and_query} (is this a Kubernetes API server?)"
                ))
            })),
            401 => Attempt::Done(Err(FetchError::Fatal(format!(
                "authentication failed (401 Unauthorized: {}); the credentials may have expired",
                message()
            )))),
            403 => Attempt::Done(Err(FetchError::Forbidden(message()))),
            404 => Attempt::Done(Err(FetchError::NotFound)),
            410 => Attempt::Done(Err(FetchError::Gone)),
            429 => Attempt::Throttled(retry_after.unwrap_or(Duration::from_secs(1)).min(MAX_RETRY_AFTER)),
            500..=599 => Attempt::Transient(format!("server error {}: {}", status.as_u16(), message())),
            _ => Attempt::Done(Err(FetchError::Failed(format!(
                "unexpected {} for GET {path_and_query}: {}",
                status,
                message()
            )))),
        }
    }
}

enum Attempt {
    Done(Result<Value, FetchError>),
    Throttled(Duration),
    Transient(String),
}

/// `1s`, `1.5s`, `2m0s` as kubectl prints durations.
pub fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms % 1000 == 0 {
        let s = ms / 1000;
        if s >= 60 {
            format!("{}m{}s", s / 60, s % 60)
        } else {
            format!("{s}s")
        }
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_become_one_line_without_repeats() {
        #[derive(Debug)]
        struct E(&'static str, Option<Box<E>>);
        impl std::fmt::Display for E {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        impl std::error::Error for E {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.1.as_deref().map(|e| e as _)
            }
        }
        let e = E(
            "ServiceError: client error (Connect)",
            Some(Box::new(E(
                "client error (Connect)",
                Some(Box::new(E("Connection refused\n(os error 111)", None))),
            ))),
        );
        assert_eq!(
            one_line(&e),
            "ServiceError: client error (Connect): Connection refused (os error 111)"
        );
    }

    #[test]
    fn status_messages_are_read() {
        let body = br#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"secrets is forbidden","code":403}"#;
        assert_eq!(
            status_message(body).as_deref(),
            Some("secrets is forbidden")
        );
        assert_eq!(status_message(b"<html>"), None);
        assert_eq!(human_duration(Duration::from_secs(2)), "2s");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5s");
    }
}
