//! The kind registry: every Kubernetes kind the policies know, with its API
//! group, versions, plural, scope and, for workloads, where its pod template
//! lives. Live discovery, `--context-from`, collapse, the exports and the
//! admission adapters read this table; the Rego library reads the same table
//! as `data.podauth.lib.kinds`, generated from it ([`rego_module`]) into
//! every bundle, so the two can never disagree.

/// One kind, as a group serves it.
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
    /// Where the pod template lives (`[]`: the object is the pod), for kinds
    /// that run pods: the workloads rules review.
    pub pod_template: Option<&'static [&'static str]>,
    /// The kind this controller creates from its template, which live mode
    /// collapses into it (a Deployment's ReplicaSets, a ReplicaSet's Pods).
    pub creates: Option<&'static str>,
    /// How an API server serves it.
    pub api: Api,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Built in: always listed in live mode.
    Core,
    /// A CRD: listed only when discovery shows the group and kind served.
    Optional,
    /// Never reaches an API server (eksctl's `ClusterConfig`): files only.
    FileOnly,
}

impl KindSpec {
    /// Whether it runs pods (rules that review workloads review it).
    pub fn is_workload(&self) -> bool {
        self.pod_template.is_some()
    }

    /// Whether an API server can serve it (live mode, admission, exports).
    pub fn is_served(&self) -> bool {
        self.api != Api::FileOnly
    }

    /// Listed only when discovery shows it.
    pub fn is_optional(&self) -> bool {
        self.api == Api::Optional
    }

    /// `apps/v1` for the preferred version.
    pub fn api_version(&self) -> String {
        api_version(self.group, self.versions[0])
    }
}

const V1: &[&str] = &["v1"];
const ESO: &[&str] = &["v1", "v1beta1"];
const SPEC_TEMPLATE: Option<&[&str]> = Some(&["spec", "template"]);
const CROSSPLANE: &[&str] = &["v1beta1", "v1beta2"];

const fn kind(
    group: &'static str,
    versions: &'static [&'static str],
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
    api: Api,
) -> KindSpec {
    KindSpec {
        group,
        versions,
        kind,
        plural,
        namespaced,
        pod_template: None,
        creates: None,
        api,
    }
}

const fn workload(
    group: &'static str,
    kind: &'static str,
    plural: &'static str,
    pod_template: Option<&'static [&'static str]>,
    creates: Option<&'static str>,
) -> KindSpec {
    KindSpec {
        group,
        versions: V1,
        kind,
        plural,
        namespaced: true,
        pod_template,
        creates,
        api: Api::Core,
    }
}

/// Every kind the policies know, in the order live mode returns objects.
pub const KINDS: &[KindSpec] = &[
    kind("", V1, "Namespace", "namespaces", false, Api::Core),
    kind("", V1, "ServiceAccount", "serviceaccounts", true, Api::Core),
    kind("", V1, "ConfigMap", "configmaps", true, Api::Core),
    kind("", V1, "Secret", "secrets", true, Api::Core),
    workload(
        "apps",
        "Deployment",
        "deployments",
        SPEC_TEMPLATE,
        Some("ReplicaSet"),
    ),
    workload(
        "apps",
        "StatefulSet",
        "statefulsets",
        SPEC_TEMPLATE,
        Some("Pod"),
    ),
    workload(
        "apps",
        "DaemonSet",
        "daemonsets",
        SPEC_TEMPLATE,
        Some("Pod"),
    ),
    workload(
        "apps",
        "ReplicaSet",
        "replicasets",
        SPEC_TEMPLATE,
        Some("Pod"),
    ),
    workload(
        "",
        "ReplicationController",
        "replicationcontrollers",
        SPEC_TEMPLATE,
        Some("Pod"),
    ),
    workload(
        "batch",
        "CronJob",
        "cronjobs",
        Some(&["spec", "jobTemplate", "spec", "template"]),
        Some("Job"),
    ),
    workload("batch", "Job", "jobs", SPEC_TEMPLATE, Some("Pod")),
    workload("", "Pod", "pods", Some(&[]), None),
    // A template the API server stores for others to stamp out; it runs nothing
    // itself, but what it declares is what those pods will run. Reviewed in
    // manifests; not listed in live mode yet (the test API server does not
    // serve it), so `FileOnly` for now.
    KindSpec {
        api: Api::FileOnly,
        ..workload("", "PodTemplate", "podtemplates", Some(&["template"]), None)
    },
    KindSpec {
        versions: &["v1alpha1"],
        api: Api::Optional,
        ..workload(
            "argoproj.io",
            "Rollout",
            "rollouts",
            SPEC_TEMPLATE,
            Some("ReplicaSet"),
        )
    },
    kind(
        "external-secrets.io",
        ESO,
        "SecretStore",
        "secretstores",
        true,
        Api::Optional,
    ),
    kind(
        "external-secrets.io",
        ESO,
        "ClusterSecretStore",
        "clustersecretstores",
        false,
        Api::Optional,
    ),
    kind(
        "external-secrets.io",
        ESO,
        "ExternalSecret",
        "externalsecrets",
        true,
        Api::Optional,
    ),
    kind(
        "external-secrets.io",
        ESO,
        "ClusterExternalSecret",
        "clusterexternalsecrets",
        false,
        Api::Optional,
    ),
    kind(
        "secrets-store.csi.x-k8s.io",
        &["v1", "v1alpha1"],
        "SecretProviderClass",
        "secretproviderclasses",
        true,
        Api::Optional,
    ),
    kind(
        "eks.services.k8s.aws",
        &["v1alpha1"],
        "PodIdentityAssociation",
        "podidentityassociations",
        true,
        Api::Optional,
    ),
    kind(
        "eks.aws.upbound.io",
        CROSSPLANE,
        "PodIdentityAssociation",
        "podidentityassociations",
        false,
        Api::Optional,
    ),
    kind(
        "eks.aws.m.upbound.io",
        CROSSPLANE,
        "PodIdentityAssociation",
        "podidentityassociations",
        true,
        Api::Optional,
    ),
    kind(
        "karpenter.k8s.aws",
        &["v1", "v1beta1"],
        "EC2NodeClass",
        "ec2nodeclasses",
        false,
        Api::Optional,
    ),
    kind(
        "karpenter.k8s.aws",
        &["v1alpha1"],
        "AWSNodeTemplate",
        "awsnodetemplates",
        false,
        Api::Optional,
    ),
    // IAM roles as ACK, Crossplane (upbound, namespaced upbound, community)
    // declare them: PA309-PA311, PA405 and PA406 read their trust policies.
    kind(
        "iam.services.k8s.aws",
        &["v1alpha1"],
        "Role",
        "roles",
        true,
        Api::Optional,
    ),
    kind(
        "iam.aws.upbound.io",
        &["v1beta1"],
        "Role",
        "roles",
        false,
        Api::Optional,
    ),
    kind(
        "iam.aws.m.upbound.io",
        &["v1beta1"],
        "Role",
        "roles",
        true,
        Api::Optional,
    ),
    kind(
        "iam.aws.crossplane.io",
        &["v1beta1"],
        "Role",
        "roles",
        false,
        Api::Optional,
    ),
    // A role exported from IAM for review (podauth.io): files only.
    kind("podauth.io", &["v1"], "IAMRole", "", false, Api::FileOnly),
    kind(
        "eksctl.io",
        &["v1alpha5"],
        "ClusterConfig",
        "",
        false,
        Api::FileOnly,
    ),
    // ACK and Crossplane EKS add-ons: read from files only, as before (they
    // tell PA403 that the Pod Identity Agent is installed).
    kind(
        "eks.services.k8s.aws",
        &["v1alpha1"],
        "Addon",
        "",
        true,
        Api::FileOnly,
    ),
];

/// The word a rule's METADATA uses for every workload kind.
pub const WORKLOADS: &str = "workloads";

/// The first entry for a kind (kinds served by several groups share their
/// workload facts).
pub fn spec(kind: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|s| s.kind == kind)
}

/// Whether objects of this kind run pods.
pub fn is_workload(kind: &str) -> bool {
    spec(kind).is_some_and(KindSpec::is_workload)
}

/// Every workload kind, in registry order.
pub fn workload_kinds() -> impl Iterator<Item = &'static str> {
    KINDS.iter().filter(|s| s.is_workload()).map(|s| s.kind)
}

/// Where a workload keeps its pod template (`[]` for a Pod).
pub fn pod_template(kind: &str) -> Option<&'static [&'static str]> {
    spec(kind).and_then(|s| s.pod_template)
}

/// The pod template of a workload kind as a JSON pointer (`""` for a Pod,
/// `/spec/template` for a Deployment).
pub fn pod_template_pointer(kind: &str) -> Option<String> {
    pod_template(kind).map(|path| path.iter().map(|s| format!("/{s}")).collect())
}

/// Whether objects of `kind` owned by an `owner_kind` controller are made
/// from its template (live mode reports the controller, not each copy).
pub fn collapses_into(kind: &str, owner_kind: &str) -> bool {
    KINDS
        .iter()
        .any(|s| s.kind == owner_kind && s.creates == Some(kind))
}

/// Whether the kind is namespaced (unknown kinds are).
pub fn is_namespaced(kind: &str) -> bool {
    spec(kind).is_none_or(|s| s.namespaced)
}

/// Expands a METADATA kind list: `workloads` stands for every workload kind.
pub fn expand(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let items: Vec<&str> = if name == WORKLOADS {
            workload_kinds().collect()
        } else {
            vec![name.as_str()]
        };
        for item in items {
            if !out.iter().any(|k| k == item) {
                out.push(item.to_string());
            }
        }
    }
    out
}

/// `apps`, `v1` -> `apps/v1`; `""`, `v1` -> `v1`.
pub fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

/// Where the generated module is loaded from.
pub const KINDS_MODULE_PATH: &str = "policies/lib/kinds.rego";

/// The registry as a Rego module, `data.podauth.lib.kinds`: what the library
/// needs of it (pod template paths, plural names, scope).
pub fn rego_module() -> String {
    let json = |v: serde_json::Value| v.to_string();
    let mut templates = serde_json::Map::new();
    let mut plurals = serde_json::Map::new();
    let mut cluster_scoped = Vec::new();
    for s in KINDS {
        if let Some(path) = s.pod_template {
            templates
                .entry(s.kind)
                .or_insert_with(|| serde_json::json!(path));
        }
        if s.is_served() {
            plurals
                .entry(s.plural)
                .or_insert_with(|| serde_json::json!(s.kind));
        }
        // Scope by the kind's first entry, as [`is_namespaced`] reads it.
        if !is_namespaced(s.kind) && !cluster_scoped.contains(&s.kind) {
            cluster_scoped.push(s.kind);
        }
    }
    let cluster_scoped = format!(
        "{{{}}}",
        cluster_scoped
            .iter()
            .map(|k| json(serde_json::json!(k)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    format!(
        "# METADATA\n# title: Kind registry\n# description: >-\n#   Generated from policies/src/kinds.rs (KINDS) when the bundle is built;\n#   edit that table, not this module.\n# scope: package\npackage podauth.lib.kinds\n\n# Where each workload kind keeps its pod template.\npod_template_path := {}\n\n# Kind of each served plural resource name (Kubewarden's inventory keys).\nkind_of_plural := {}\n\n# Kinds that have no namespace.\ncluster_scoped := {}\n",
        json(serde_json::Value::Object(templates)),
        json(serde_json::Value::Object(plurals)),
        cluster_scoped,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_unique_per_group() {
        let mut seen = std::collections::BTreeSet::new();
        for k in KINDS {
            assert!(seen.insert((k.group, k.kind)), "{} twice", k.kind);
            assert!(!k.versions.is_empty(), "{} has no version", k.kind);
            assert!(
                !k.is_served() || !k.plural.is_empty(),
                "{} is served without a plural",
                k.kind
            );
        }
    }

    #[test]
    fn controllers_create_known_workloads() {
        for k in KINDS {
            if let Some(created) = k.creates {
                assert!(k.is_workload(), "{} creates but runs no pods", k.kind);
                assert!(is_workload(created), "{} creates {created}", k.kind);
            }
        }
        assert!(collapses_into("ReplicaSet", "Rollout"));
        assert!(collapses_into("Job", "CronJob"));
        assert_eq!(pod_template_pointer("Pod").as_deref(), Some(""));
        assert_eq!(
            pod_template_pointer("CronJob").as_deref(),
            Some("/spec/jobTemplate/spec/template")
        );
        assert_eq!(
            pod_template_pointer("PodTemplate").as_deref(),
            Some("/template")
        );
        assert_eq!(pod_template_pointer("ConfigMap"), None);
        assert!(!collapses_into("Pod", "Deployment"));
    }

    #[test]
    fn workloads_expands_to_every_workload_kind() {
        let names = vec!["Secret".to_string(), WORKLOADS.to_string()];
        let kinds = expand(&names);
        assert_eq!(kinds[0], "Secret");
        assert!(kinds.iter().any(|k| k == "Rollout"));
        assert!(kinds.iter().any(|k| k == "PodTemplate"));
        assert_eq!(kinds.len(), 1 + workload_kinds().count());
    }
}
