//! Type checks for the fields the policies read, as the API server's schema
//! enforces them. An object that fails is reported as an input error (naming
//! the path) instead of reaching the policies, where a number in place of a
//! list would abort the whole evaluation.
use serde_json::Value;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ty {
    Str,
    Obj,
    Arr,
}

impl Ty {
    fn matches(self, v: &Value) -> bool {
        match self {
            Ty::Str => v.is_string(),
            Ty::Obj => v.is_object(),
            Ty::Arr => v.is_array(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Ty::Str => "a string",
            Ty::Obj => "a mapping",
            Ty::Arr => "a list",
        }
    }
}

use Ty::{Arr, Obj, Str};

/// Checked on every object. `*` matches every list element or mapping value.
const METADATA: &[(&str, Ty)] = &[
    ("metadata", Obj),
    ("metadata.name", Str),
    ("metadata.namespace", Str),
    ("metadata.annotations", Obj),
    ("metadata.annotations.*", Str),
    ("metadata.labels", Obj),
    ("metadata.labels.*", Str),
    ("metadata.ownerReferences", Arr),
    ("metadata.ownerReferences.*", Obj),
];

/// Checked under a pod template root (`` for Pods, `spec.template` ...).
const POD_TEMPLATE: &[(&str, Ty)] = &[
    ("metadata", Obj),
    ("metadata.annotations", Obj),
    ("metadata.annotations.*", Str),
    ("metadata.labels", Obj),
    ("metadata.labels.*", Str),
    ("spec", Obj),
    ("spec.serviceAccountName", Str),
    ("spec.serviceAccount", Str),
    ("spec.nodeSelector", Obj),
    ("spec.nodeSelector.*", Str),
    ("spec.affinity", Obj),
    ("spec.volumes", Arr),
    ("spec.volumes.*", Obj),
    ("spec.volumes.*.hostPath", Obj),
    ("spec.volumes.*.hostPath.path", Str),
    ("spec.volumes.*.secret", Obj),
    ("spec.volumes.*.secret.items", Arr),
    ("spec.volumes.*.secret.items.*", Obj),
    ("spec.volumes.*.configMap", Obj),
    ("spec.volumes.*.csi", Obj),
    ("spec.volumes.*.csi.volumeAttributes", Obj),
    ("spec.volumes.*.csi.volumeAttributes.*", Str),
    ("spec.volumes.*.projected", Obj),
    ("spec.volumes.*.projected.sources", Arr),
    ("spec.volumes.*.projected.sources.*", Obj),
];

const CONTAINER: &[(&str, Ty)] = &[
    ("", Obj),
    ("name", Str),
    ("image", Str),
    ("command", Arr),
    ("args", Arr),
    ("env", Arr),
    ("env.*", Obj),
    ("env.*.name", Str),
    ("env.*.value", Str),
    ("env.*.valueFrom", Obj),
    ("env.*.valueFrom.secretKeyRef", Obj),
    ("env.*.valueFrom.configMapKeyRef", Obj),
    ("envFrom", Arr),
    ("envFrom.*", Obj),
    ("envFrom.*.secretRef", Obj),
    ("envFrom.*.configMapRef", Obj),
    ("volumeMounts", Arr),
    ("volumeMounts.*", Obj),
    ("volumeMounts.*.name", Str),
    ("volumeMounts.*.mountPath", Str),
    ("securityContext", Obj),
    ("ports", Arr),
    ("ports.*", Obj),
];

const DATA: &[(&str, Ty)] = &[
    ("data", Obj),
    ("data.*", Str),
    ("stringData", Obj),
    ("stringData.*", Str),
];

const SPEC: &[(&str, Ty)] = &[("spec", Obj)];

const SECRET_PROVIDER_CLASS: &[(&str, Ty)] = &[
    ("spec.parameters", Obj),
    ("spec.secretObjects", Arr),
    ("spec.secretObjects.*", Obj),
    ("spec.secretObjects.*.data", Arr),
    ("spec.secretObjects.*.data.*", Obj),
];

const EXTERNAL_SECRETS: &[(&str, Ty)] = &[
    ("spec.target", Obj),
    ("spec.data", Arr),
    ("spec.data.*", Obj),
    ("spec.provider", Obj),
    ("spec.provider.aws", Obj),
    ("spec.provider.aws.auth", Obj),
    ("spec.externalSecretSpec", Obj),
];

const CLUSTER_CONFIG: &[(&str, Ty)] = &[
    ("iam", Obj),
    ("iam.serviceAccounts", Arr),
    ("iam.serviceAccounts.*", Obj),
    ("iam.serviceAccounts.*.metadata", Obj),
    ("iam.podIdentityAssociations", Arr),
    ("iam.podIdentityAssociations.*", Obj),
    ("nodeGroups", Arr),
    ("nodeGroups.*", Obj),
    ("managedNodeGroups", Arr),
    ("managedNodeGroups.*", Obj),
    ("addons", Arr),
    ("addons.*", Obj),
];

const NODE_CLASS: &[(&str, Ty)] = &[("spec.metadataOptions", Obj)];

/// The first field whose type is wrong, as `(path, message)`; `path` uses the
/// finding path syntax so its line can be located.
pub fn check(object: &Value) -> Option<(String, String)> {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    if let Some(bad) = check_rules(object, METADATA) {
        return Some(bad.at(""));
    }
    if let Some(template) = podauth_policies::kinds::pod_template(kind) {
        let base = template
            .iter()
            .try_fold(object, |v, k| v.get(k))
            .unwrap_or(&Value::Null);
        // Paths are only spelled out for a violation, never on the way.
        let root = || template.join(".");
        let with = |p: &str| {
            if template.is_empty() {
                p.to_string()
            } else {
                format!("{}.{p}", root())
            }
        };
        if let Some(bad) = check_rules(base, POD_TEMPLATE) {
            return Some(bad.at(&root()));
        }
        if let Some(spec) = base.get("spec") {
            for field in ["initContainers", "containers", "ephemeralContainers"] {
                let Some(list) = spec.get(field) else {
                    continue;
                };
                let Some(items) = list.as_array() else {
                    return Some((
                        with(&format!("spec.{field}")),
                        format!("spec.{field} must be a list"),
                    ));
                };
                for (i, c) in items.iter().enumerate() {
                    if let Some(bad) = check_rules(c, CONTAINER) {
                        return Some(bad.at(&with(&format!("spec.{field}[{i}]"))));
                    }
                }
            }
        }
    }
    let group = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|a| a.split_once('/'))
        .map_or("", |(g, _)| g);
    let extra: &[&[(&str, Ty)]] = match (kind, group) {
        ("Secret" | "ConfigMap", "") => &[DATA],
        ("SecretProviderClass", _) => &[SPEC, SECRET_PROVIDER_CLASS],
        (_, "external-secrets.io") => &[SPEC, EXTERNAL_SECRETS],
        ("ClusterConfig", _) => &[CLUSTER_CONFIG],
        ("EC2NodeClass" | "AWSNodeTemplate", _) => &[SPEC, NODE_CLASS],
        ("PodIdentityAssociation", _) => &[SPEC],
        _ => &[],
    };
    extra
        .iter()
        .find_map(|rules| check_rules(object, rules))
        .map(|bad| bad.at(""))
}

/// One step from a value to a child.
enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

/// A field of the wrong type, found under some base value.
struct Violation<'v> {
    /// The steps from the base to the field, innermost first.
    steps: Vec<Step<'v>>,
    expected: Ty,
    found: &'static str,
}

impl Violation<'_> {
    /// `(path, message)`, with the path under `prefix` (the base's own path).
    fn at(&self, prefix: &str) -> (String, String) {
        let path = self
            .steps
            .iter()
            .rev()
            .fold(prefix.to_string(), |path, step| match step {
                Step::Key(k) => join_key(&path, k),
                Step::Index(i) => format!("{path}[{i}]"),
            });
        let shown = if path.is_empty() {
            "the object".to_string()
        } else {
            path.clone()
        };
        let message = format!(
            "{shown} must be {}, not {}",
            self.expected.name(),
            self.found
        );
        (path, message)
    }
}

/// Runs the rules under `base`; `Some` on the first violation.
fn check_rules<'v>(base: &'v Value, rules: &[(&'static str, Ty)]) -> Option<Violation<'v>> {
    rules
        .iter()
        .find_map(|(pattern, ty)| find_violation(base, pattern, *ty))
}

/// Follows the dotted `pattern` (`*`: every list element or mapping value)
/// from `v` to the first value that is not a `ty`.
fn find_violation<'v>(v: &'v Value, pattern: &'static str, ty: Ty) -> Option<Violation<'v>> {
    if pattern.is_empty() {
        return (!ty.matches(v)).then(|| Violation {
            steps: Vec::new(),
            expected: ty,
            found: describe(v),
        });
    }
    let (first, rest) = pattern.split_once('.').unwrap_or((pattern, ""));
    let under = |step: Step<'v>, child: &'v Value| {
        find_violation(child, rest, ty).map(|mut bad| {
            bad.steps.push(step);
            bad
        })
    };
    if first == "*" {
        match v {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| under(Step::Index(i), item)),
            Value::Object(map) => map.iter().find_map(|(k, item)| under(Step::Key(k), item)),
            _ => None,
        }
    } else {
        let child = field(v.as_object()?, first)?;
        under(Step::Key(first), child)
    }
}

/// `map[key]`. Object mappings are small, and a scan compares a few short
/// keys where a lookup hashes the key first; large ones (data, labels) are
/// looked up.
fn field<'v>(map: &'v serde_json::Map<String, Value>, key: &str) -> Option<&'v Value> {
    if map.len() > 16 {
        return map.get(key);
    }
    map.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// Appends a key in the finding path syntax (`a.b`, `a["x.y/z"]`).
fn join_key(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (path.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{}]", serde_json::to_string(key).unwrap_or_default()),
    }
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::check;
    use serde_json::json;

    #[test]
    fn accepts_well_formed_objects() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a", "annotations": {"x": "1"}},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "env": [{"name": "A", "value": "b"}]}]}}}});
        assert_eq!(check(&d), None);
    }

    #[test]
    fn names_the_offending_path() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "volumeMounts": 3}]}}}});
        let (path, msg) = check(&d).unwrap();
        assert_eq!(path, "spec.template.spec.containers[0].volumeMounts");
        assert!(msg.ends_with("must be a list, not a number"), "{msg}");
        let s = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n", "annotations": {"iam.amazonaws.com/allowed-roles": 42}}});
        assert_eq!(
            check(&s).unwrap().0,
            "metadata.annotations[\"iam.amazonaws.com/allowed-roles\"]"
        );
        let sec = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"a": 5}});
        assert_eq!(check(&sec).unwrap().0, "data.a");
    }

    #[test]
    fn paths_start_at_the_kinds_pod_template() {
        let cron = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "b"},
            "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c",
                "env": [{"name": "X", "valueFrom": {"secretKeyRef": 5}}]}]}}}}}});
        assert_eq!(
            check(&cron).unwrap(),
            (
                "spec.jobTemplate.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef".into(),
                "spec.jobTemplate.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef must be a mapping, not a number".into()
            )
        );
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"volumes": [{"csi": {"volumeAttributes": {"a.b/c": 1}}}], "containers": 7}});
        assert_eq!(
            check(&pod).unwrap().0,
            "spec.volumes[0].csi.volumeAttributes[\"a.b/c\"]"
        );
        let template = json!({"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "t"},
            "template": {"metadata": {"labels": {"app": 3}}}});
        assert_eq!(check(&template).unwrap().0, "template.metadata.labels.app");
        let bare = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": 7}});
        assert_eq!(
            check(&bare).unwrap(),
            (
                "spec.containers".into(),
                "spec.containers must be a list".into()
            )
        );
    }
}
