//! How live mode finds the registry's kinds (`podauth_policies::kinds`) on an API server.

pub use podauth_policies::kinds::{api_version, KindSpec, KINDS};

/// Kinds live mode can read (what callers may pass as wanted kinds): every
/// kind of the registry an API server serves.
pub fn known_kinds() -> std::collections::BTreeSet<&'static str> {
    KINDS
        .iter()
        .filter(|k| k.is_served())
        .map(|k| k.kind)
        .collect()
}

/// The collection path: `/api/v1/pods`, `/apis/apps/v1/namespaces/shop/deployments`.
pub fn collection_path(
    group: &str,
    version: &str,
    plural: &str,
    namespace: Option<&str>,
) -> String {
    let root = if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    };
    match namespace {
        Some(ns) => format!("{root}/namespaces/{}/{plural}", encode_segment(ns)),
        None => format!("{root}/{plural}"),
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A short name for messages: `secrets`, `deployments.apps`.
pub fn resource_name(group: &str, plural: &str) -> String {
    if group.is_empty() {
        plural.to_string()
    } else {
        format!("{plural}.{group}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_api_layout() {
        assert_eq!(collection_path("", "v1", "pods", None), "/api/v1/pods");
        assert_eq!(
            collection_path("apps", "v1", "deployments", Some("shop")),
            "/apis/apps/v1/namespaces/shop/deployments"
        );
        assert_eq!(
            encode_segment("app=web,tier!=db"),
            "app%3Dweb%2Ctier%21%3Ddb"
        );
        assert_eq!(resource_name("apps", "deployments"), "deployments.apps");
    }
}
