//! The resources the fake API server knows, as discovery reports them.

/// One API resource: group, version, kind, plural and scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
}

const fn r(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
) -> Resource {
    Resource {
        group,
        version,
        kind,
        plural,
        namespaced,
    }
}

/// Group versions served by every cluster, whatever the fixtures hold.
pub const BUILT_IN: [(&str, &str); 3] = [("", "v1"), ("apps", "v1"), ("batch", "v1")];

pub const RESOURCES: &[Resource] = &[
    r("", "v1", "Namespace", "namespaces", false),
    r("", "v1", "Node", "nodes", false),
    r("", "v1", "Pod", "pods", true),
    r("", "v1", "ServiceAccount", "serviceaccounts", true),
    r("", "v1", "ConfigMap", "configmaps", true),
    r("", "v1", "Secret", "secrets", true),
    r(
        "",
        "v1",
        "ReplicationController",
        "replicationcontrollers",
        true,
    ),
    r("", "v1", "Service", "services", true),
    r("apps", "v1", "Deployment", "deployments", true),
    r("apps", "v1", "StatefulSet", "statefulsets", true),
    r("apps", "v1", "DaemonSet", "daemonsets", true),
    r("apps", "v1", "ReplicaSet", "replicasets", true),
    r("batch", "v1", "Job", "jobs", true),
    r("batch", "v1", "CronJob", "cronjobs", true),
    r(
        "external-secrets.io",
        "v1",
        "SecretStore",
        "secretstores",
        true,
    ),
    r(
        "external-secrets.io",
        "v1",
        "ClusterSecretStore",
        "clustersecretstores",
        false,
    ),
    r(
        "external-secrets.io",
        "v1",
        "ExternalSecret",
        "externalsecrets",
        true,
    ),
    r(
        "external-secrets.io",
        "v1",
        "ClusterExternalSecret",
        "clusterexternalsecrets",
        false,
    ),
    r(
        "external-secrets.io",
        "v1beta1",
        "SecretStore",
        "secretstores",
        true,
    ),
    r(
        "external-secrets.io",
        "v1beta1",
        "ClusterSecretStore",
        "clustersecretstores",
        false,
    ),
    r(
        "external-secrets.io",
        "v1beta1",
        "ExternalSecret",
        "externalsecrets",
        true,
    ),
    r(
        "external-secrets.io",
        "v1beta1",
        "ClusterExternalSecret",
        "clusterexternalsecrets",
        false,
    ),
    r(
        "secrets-store.csi.x-k8s.io",
        "v1",
        "SecretProviderClass",
        "secretproviderclasses",
        true,
    ),
    r(
        "secrets-store.csi.x-k8s.io",
        "v1alpha1",
        "SecretProviderClass",
        "secretproviderclasses",
        true,
    ),
    r(
        "eks.services.k8s.aws",
        "v1alpha1",
        "PodIdentityAssociation",
        "podidentityassociations",
        true,
    ),
    r("eks.services.k8s.aws", "v1alpha1", "Addon", "addons", true),
    r(
        "eks.aws.upbound.io",
        "v1beta1",
        "PodIdentityAssociation",
        "podidentityassociations",
        false,
    ),
    r(
        "eks.aws.m.upbound.io",
        "v1beta1",
        "PodIdentityAssociation",
        "podidentityassociations",
        true,
    ),
    r("iam.services.k8s.aws", "v1alpha1", "Role", "roles", true),
    r("iam.aws.upbound.io", "v1beta1", "Role", "roles", false),
    r("iam.aws.m.upbound.io", "v1beta1", "Role", "roles", true),
    r("iam.aws.crossplane.io", "v1beta1", "Role", "roles", false),
    r(
        "karpenter.k8s.aws",
        "v1",
        "EC2NodeClass",
        "ec2nodeclasses",
        false,
    ),
    r(
        "karpenter.k8s.aws",
        "v1beta1",
        "EC2NodeClass",
        "ec2nodeclasses",
        false,
    ),
    r(
        "karpenter.k8s.aws",
        "v1alpha1",
        "AWSNodeTemplate",
        "awsnodetemplates",
        false,
    ),
];

/// `apps/v1` -> ("apps", "v1"); `v1` -> ("", "v1").
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}

pub fn group_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

/// kubectl's short names (`deploy`, `sa`, ...), as real servers advertise them.
pub fn short_names(plural: &str) -> &'static [&'static str] {
    match plural {
        "namespaces" => &["ns"],
        "nodes" => &["no"],
        "pods" => &["po"],
        "serviceaccounts" => &["sa"],
        "configmaps" => &["cm"],
        "replicationcontrollers" => &["rc"],
        "services" => &["svc"],
        "deployments" => &["deploy"],
        "statefulsets" => &["sts"],
        "daemonsets" => &["ds"],
        "replicasets" => &["rs"],
        "cronjobs" => &["cj"],
        "secretstores" => &["ss"],
        "clustersecretstores" => &["css"],
        "externalsecrets" => &["es"],
        "clusterexternalsecrets" => &["ces"],
        _ => &[],
    }
}

pub fn by_plural(group: &str, version: &str, plural: &str) -> Option<&'static Resource> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

pub fn by_kind(group: &str, version: &str, kind: &str) -> Option<&'static Resource> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.kind == kind)
}
