//! The kinds live mode reads, and how each is found.

/// A kind live mode can list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSpec {
    /// API group ("" for the core group).
    pub group: &'static str,
    /// Versions in order of preference; the first one served is listed.
    pub versions: &'static [&'static str],
    pub kind: &'static str,
    /// Plural resource name; discovery's name wins for optional kinds.
    pub plural: &'static str,
    pub namespaced: bool,
    /// `-l/--selector` applies to it (workloads only).
    pub workload: bool,
    /// Listed only when discovery shows the group and kind served.
    pub optional: bool,
}

const fn core(
    group: &'static str,
    version: &'static [&'static str],
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
    workload: bool,
) -> KindSpec {
    KindSpec {
        group,
        versions: version,
        kind,
        plural,
        namespaced,
        workload,
        optional: false,
    }
}

const fn optional(
    group: &'static str,
    versions: &'static [&'static str],
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
) -> KindSpec {
    KindSpec {
        group,
        versions,
        kind,
        plural,
        namespaced,
        workload: false,
        optional: true,
    }
}

const V1: &[&str] = &["v1"];
const ESO: &[&str] = &["v1", "v1beta1"];

/// Every kind live mode knows, in the order objects are returned.
pub const KINDS: &[KindSpec] = &[
    core("", V1, "Namespace", "namespaces", false, false),
    core("", V1, "ServiceAccount", "serviceaccounts", true, false),
    core("", V1, "ConfigMap", "configmaps", true, false),
    core("", V1, "Secret", "secrets", true, false),
    core("apps", V1, "Deployment", "deployments", true, true),
    core("apps", V1, "StatefulSet", "statefulsets", true, true),
    core("apps", V1, "DaemonSet", "daemonsets", true, true),
    core("apps", V1, "ReplicaSet", "replicasets", true, true),
    core(
        "",
        V1,
        "ReplicationController",
        "replicationcontrollers",
        true,
        true,
    ),
    core("batch", V1, "CronJob", "cronjobs", true, true),
    core("batch", V1, "Job", "jobs", true, true),
    core("", V1, "Pod", "pods", true, true),
    optional(
        "external-secrets.io",
        ESO,
        "SecretStore",
        "secretstores",
        true,
    ),
    optional(
        "external-secrets.io",
        ESO,
        "ClusterSecretStore",
        "clustersecretstores",
        false,
    ),
    optional(
        "external-secrets.io",
        ESO,
        "ExternalSecret",
        "externalsecrets",
        true,
    ),
    optional(
        "external-secrets.io",
        ESO,
        "ClusterExternalSecret",
        "clusterexternalsecrets",
        false,
    ),
    optional(
        "secrets-store.csi.x-k8s.io",
        &["v1", "v1alpha1"],
        "SecretProviderClass",
        "secretproviderclasses",
        true,
    ),
    optional(
        "eks.services.k8s.aws",
        &["v1alpha1"],
        "PodIdentityAssociation",
        "podidentityassociations",
        true,
    ),
    optional(
        "eks.aws.upbound.io",
        &["v1beta1", "v1beta2"],
        "PodIdentityAssociation",
        "podidentityassociations",
        false,
    ),
    optional(
        "eks.aws.m.upbound.io",
        &["v1beta1", "v1beta2"],
        "PodIdentityAssociation",
        "podidentityassociations",
        true,
    ),
    optional("iam.services.k8s.aws", &["v1alpha1"], "Role", "roles", true),
    optional("iam.aws.upbound.io", &["v1beta1"], "Role", "roles", false),
    optional("iam.aws.m.upbound.io", &["v1beta1"], "Role", "roles", true),
    optional(
        "iam.aws.crossplane.io",
        &["v1beta1"],
        "Role",
        "roles",
        false,
    ),
    optional(
        "karpenter.k8s.aws",
        &["v1", "v1beta1"],
        "EC2NodeClass",
        "ec2nodeclasses",
        false,
    ),
    optional(
        "karpenter.k8s.aws",
        &["v1alpha1"],
        "AWSNodeTemplate",
        "awsnodetemplates",
        false,
    ),
];

/// Kinds live mode can read (what callers may pass as wanted kinds).
pub fn known_kinds() -> std::collections::BTreeSet<&'static str> {
    KINDS.iter().map(|k| k.kind).collect()
}

/// `apps`, `v1` -> `apps/v1`; `""`, `v1` -> `v1`.
pub fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
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

    #[test]
    fn every_kind_is_unique_per_group() {
        let mut seen = std::collections::BTreeSet::new();
        for k in KINDS {
            assert!(seen.insert((k.group, k.kind)), "{} twice", k.kind);
        }
    }
}
