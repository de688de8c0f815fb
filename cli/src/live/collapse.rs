//! Reports each workload once: objects a controller created from its template
//! are dropped when they still match that template.
//!
//! Dropped, when the owner (the `controller: true` owner reference, found by
//! uid, else by kind and name in the namespace) was read too and the object
//! matches the owner's pod template:
//! - a Pod owned by a ReplicaSet, StatefulSet, DaemonSet, Job or
//!   ReplicationController;
//! - a ReplicaSet owned by a Deployment (also when it is scaled to zero: an
//!   old rollout revision that runs nothing);
//! - a Job owned by a CronJob.
//!
//! "Matches" compares what decides how a pod authenticates to AWS:
//! - `serviceAccountName` (or the deprecated `serviceAccount`, default
//!   `default`), `automountServiceAccountToken`, `hostNetwork`;
//! - for each container and init container: `name`, `image`, `command`,
//!   `args`, `env` (name, value, and the `secretKeyRef`/`configMapKeyRef`
//!   name and key, `fieldRef.fieldPath`, `resourceFieldRef.resource` of
//!   `valueFrom`), `envFrom` (prefix and Secret/ConfigMap name), and
//!   `volumeMounts` (name, mountPath, subPath);
//! - `volumes`: name and source (Secret, ConfigMap, CSI driver and
//!   attributes, projected sources with token audience and path, hostPath,
//!   PVC claim; other sources by type only);
//! - annotations under `iam.amazonaws.com/` (kube2iam, kiam) and
//!   `eks.amazonaws.com/`.
//!
//! What admission adds to a pod is ignored on the pod side when the template
//! lacks it: the EKS Pod Identity webhook's env vars (`AWS_ROLE_ARN`,
//! `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_STS_REGIONAL_ENDPOINTS`, `AWS_REGION`,
//! `AWS_DEFAULT_REGION`, `AWS_CONTAINER_CREDENTIALS_FULL_URI`,
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`) and token volumes
//! (`aws-iam-token`, `eks-pod-identity-token`), and the ServiceAccount
//! admission controller's `kube-api-access-*` volume. Defaults the API server
//! fills in (`imagePullPolicy`, `terminationMessagePath`, `defaultMode`, ...)
//! are outside the comparison.
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};

const INJECTED_ENV: &[&str] = &[
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

const AUTH_ANNOTATION_PREFIXES: &[&str] = &["iam.amazonaws.com/", "eks.amazonaws.com/"];

fn injected_volume(name: &str) -> bool {
    name == "aws-iam-token"
        || name == "eks-pod-identity-token"
        || name.starts_with("kube-api-access-")
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// The pod template of a controller (where the kind registry says it
/// lives), or `None` for a Pod and for kinds that run no pods.
pub fn template_of(owner: &Value) -> Option<&Value> {
    let path = podauth_policies::kinds::pod_template(str_at(owner, "/kind"))?;
    if path.is_empty() {
        return None;
    }
    path.iter().try_fold(owner, |v, segment| v.get(*segment))
}

/// `(metadata, spec)` of what an object runs: a Pod itself, or a controller's template.
fn pod_parts(object: &Value) -> Option<(&Value, &Value)> {
    if str_at(object, "/kind") == "Pod" {
        return Some((object.get("metadata")?, object.get("spec")?));
    }
    let t = template_of(object)?;
    Some((t.get("metadata").unwrap_or(&Value::Null), t.get("spec")?))
}

fn env_entry(e: &Value) -> Value {
    let vf = e.get("valueFrom");
    let keyref = |field: &str| {
        vf.and_then(|v| v.get(field))
            .map(|r| json!([str_at(r, "/name"), str_at(r, "/key")]))
    };
    json!({
        "name": str_at(e, "/name"),
        "value": e.get("value"),
        "secretKeyRef": keyref("secretKeyRef"),
        "configMapKeyRef": keyref("configMapKeyRef"),
        "fieldPath": vf.and_then(|v| v.pointer("/fieldRef/fieldPath")),
        "resource": vf.and_then(|v| v.pointer("/resourceFieldRef/resource")),
    })
}

fn array(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn container(c: &Value, template: Option<&Value>) -> Value {
    let template_env: HashSet<&str> = template
        .map(|t| {
            array(t.get("env"))
                .iter()
                .map(|e| str_at(e, "/name"))
                .collect()
        })
        .unwrap_or_default();
    let template_mounts: HashSet<&str> = template
        .map(|t| {
            array(t.get("volumeMounts"))
                .iter()
                .map(|m| str_at(m, "/name"))
                .collect()
        })
        .unwrap_or_default();
    let pod_side = template.is_some();
    let env: Vec<Value> = array(c.get("env"))
        .iter()
        .filter(|e| {
            let name = str_at(e, "/name");
            !(pod_side && INJECTED_ENV.contains(&name) && !template_env.contains(name))
        })
        .map(env_entry)
        .collect();
    let env_from: Vec<Value> = array(c.get("envFrom"))
        .iter()
        .map(|e| {
            json!([
                str_at(e, "/prefix"),
                str_at(e, "/secretRef/name"),
                str_at(e, "/configMapRef/name")
            ])
        })
        .collect();
    let mounts: Vec<Value> = array(c.get("volumeMounts"))
        .iter()
        .filter(|m| {
            let name = str_at(m, "/name");
            !(pod_side && injected_volume(name) && !template_mounts.contains(name))
        })
        .map(|m| {
            json!([
                str_at(m, "/name"),
                str_at(m, "/mountPath"),
                str_at(m, "/subPath")
            ])
        })
        .collect();
    json!({
        "name": str_at(c, "/name"),
        "image": str_at(c, "/image"),
        "command": c.get("command"),
        "args": c.get("args"),
        "env": env,
        "envFrom": env_from,
        "volumeMounts": mounts,
    })
}

fn volume(v: &Value) -> Value {
    let name = str_at(v, "/name");
    let source = if let Some(s) = v.get("secret") {
        json!({"secret": str_at(s, "/secretName")})
    } else if let Some(c) = v.get("configMap") {
        json!({"configMap": str_at(c, "/name")})
    } else if let Some(c) = v.get("csi") {
        json!({"csi": [str_at(c, "/driver"), c.get("volumeAttributes")]})
    } else if let Some(p) = v.get("projected") {
        let sources: Vec<Value> = array(p.get("sources"))
            .iter()
            .map(|s| {
                json!([
                    s.pointer("/serviceAccountToken/audience"),
                    s.pointer("/serviceAccountToken/path"),
                    s.pointer("/secret/name"),
                    s.pointer("/configMap/name"),
                ])
            })
            .collect();
        json!({"projected": sources})
    } else if let Some(h) = v.get("hostPath") {
        json!({"hostPath": str_at(h, "/path")})
    } else if let Some(c) = v.get("persistentVolumeClaim") {
        json!({"pvc": str_at(c, "/claimName")})
    } else {
        let kind = v
            .as_object()
            .and_then(|m| m.keys().find(|k| *k != "name").cloned())
            .unwrap_or_default();
        json!({"other": kind})
    };
    json!({"name": name, "source": source})
}

fn auth_annotations(meta: &Value) -> Map<String, Value> {
    meta.get("annotations")
        .and_then(Value::as_object)
        .map(|a| {
            a.iter()
                .filter(|(k, _)| AUTH_ANNOTATION_PREFIXES.iter().any(|p| k.starts_with(p)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The auth-relevant projection of a pod spec. With `template`, the spec is a
/// pod created from it and admission-injected items the template lacks are left out.
fn projection(meta: &Value, spec: &Value, template: Option<&Value>) -> Value {
    let sa = spec
        .get("serviceAccountName")
        .or_else(|| spec.get("serviceAccount"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("default");
    let containers = |field: &str| -> Vec<Value> {
        let template_containers = template.map(|t| array(t.get(field))).unwrap_or(&[]);
        array(spec.get(field))
            .iter()
            .map(|c| {
                let matching = template.map(|_| {
                    template_containers
                        .iter()
                        .find(|t| str_at(t, "/name") == str_at(c, "/name"))
                        .unwrap_or(&Value::Null)
                });
                container(c, matching)
            })
            .collect()
    };
    let template_volumes: HashSet<&str> = template
        .map(|t| {
            array(t.get("volumes"))
                .iter()
                .map(|v| str_at(v, "/name"))
                .collect()
        })
        .unwrap_or_default();
    let volumes: Vec<Value> = array(spec.get("volumes"))
        .iter()
        .filter(|v| {
            let name = str_at(v, "/name");
            !(template.is_some() && injected_volume(name) && !template_volumes.contains(name))
        })
        .map(volume)
        .collect();
    json!({
        "serviceAccountName": sa,
        "automountServiceAccountToken": spec.get("automountServiceAccountToken"),
        "hostNetwork": spec.get("hostNetwork").and_then(Value::as_bool).unwrap_or(false),
        "containers": containers("containers"),
        "initContainers": containers("initContainers"),
        "volumes": volumes,
        "annotations": auth_annotations(meta),
    })
}

/// True when `object` (a Pod or a controller) runs what `owner`'s template says.
pub fn matches_template(object: &Value, owner: &Value) -> bool {
    let (Some((meta, spec)), Some(template)) = (pod_parts(object), template_of(owner)) else {
        return false;
    };
    let t_meta = template.get("metadata").unwrap_or(&Value::Null);
    let Some(t_spec) = template.get("spec") else {
        return false;
    };
    let is_pod = str_at(object, "/kind") == "Pod";
    projection(meta, spec, is_pod.then_some(t_spec)) == projection(t_meta, t_spec, None)
}

/// Owner kinds whose objects collapse into them: the kind each controller
/// creates, from the kind registry.
fn collapses_into(kind: &str, owner_kind: &str) -> bool {
    podauth_policies::kinds::collapses_into(kind, owner_kind)
}

fn controller_ref(object: &Value) -> Option<&Value> {
    let refs = array(object.pointer("/metadata/ownerReferences"));
    refs.iter()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
        .or_else(|| refs.first())
}

/// Drops collapsed objects; returns how many were dropped.
pub fn collapse(objects: &mut Vec<Value>) -> usize {
    let key = |o: &Value| {
        (
            str_at(o, "/metadata/namespace").to_string(),
            str_at(o, "/kind").to_string(),
            str_at(o, "/metadata/name").to_string(),
        )
    };
    let mut by_uid: HashMap<&str, usize> = HashMap::new();
    let mut by_name: HashMap<(String, String, String), usize> = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        let uid = str_at(o, "/metadata/uid");
        if !uid.is_empty() {
            by_uid.insert(uid, i);
        }
        by_name.insert(key(o), i);
    }
    let drop: Vec<bool> = objects
        .iter()
        .map(|o| {
            let Some(r) = controller_ref(o) else {
                return false;
            };
            let owner_kind = str_at(r, "/kind");
            if !collapses_into(str_at(o, "/kind"), owner_kind) {
                return false;
            }
            let owner = by_uid
                .get(str_at(r, "/uid"))
                .or_else(|| {
                    by_name.get(&(
                        str_at(o, "/metadata/namespace").to_string(),
                        owner_kind.to_string(),
                        str_at(r, "/name").to_string(),
                    ))
                })
                .map(|i| &objects[*i]);
            let Some(owner) = owner.filter(|w| str_at(w, "/kind") == owner_kind) else {
                return false;
            };
            let scaled_to_zero = str_at(o, "/kind") == "ReplicaSet"
                && o.pointer("/spec/replicas").and_then(Value::as_u64) == Some(0);
            scaled_to_zero || matches_template(o, owner)
        })
        .collect();
    let dropped = drop.iter().filter(|d| **d).count();
    let mut i = 0;
    objects.retain(|_| {
        let keep = !drop[i];
        i += 1;
        keep
    });
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop", "uid": "d1"},
            "spec": {"template": {"metadata": {"labels": {"app": "web"}, "annotations": {"iam.amazonaws.com/role": "web"}},
                "spec": {"serviceAccountName": "web", "containers": [{"name": "app", "image": "web:1",
                    "env": [{"name": "AWS_REGION", "value": "eu-west-1"}]}]}}}})
    }

    fn replica_set() -> Value {
        let mut rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "web-5d9", "namespace": "shop", "uid": "r1",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "d1", "controller": true}]},
            "spec": {"replicas": 2}});
        rs["spec"]["template"] = deployment()["spec"]["template"].clone();
        rs["spec"]["template"]["metadata"]["labels"]["pod-template-hash"] = json!("5d9");
        rs
    }

    fn pod(name: &str) -> Value {
        let mut p = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "shop", "uid": format!("p-{name}"),
                "annotations": {"iam.amazonaws.com/role": "web"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d9", "uid": "r1", "controller": true}]},
            "spec": deployment()["spec"]["template"]["spec"].clone()});
        // What admission adds.
        p["spec"]["containers"][0]["env"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::111122223333:role/web"}));
        p["spec"]["containers"][0]["volumeMounts"] = json!([{"name": "kube-api-access-x1", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]);
        p["spec"]["containers"][0]["imagePullPolicy"] = json!("IfNotPresent");
        p["spec"]["volumes"] =
            json!([{"name": "kube-api-access-x1", "projected": {"sources": []}}]);
        p
    }

    #[test]
    fn matching_pods_and_replica_sets_collapse_into_the_deployment() {
        let mut objects = vec![deployment(), replica_set(), pod("web-a")];
        assert_eq!(collapse(&mut objects), 2);
        assert_eq!(objects, vec![deployment()]);
    }

    #[test]
    fn a_pod_that_differs_is_kept() {
        let mut changed = pod("web-b");
        changed["spec"]["containers"][0]["env"][0]["value"] = json!("us-east-1");
        let mut no_role = pod("web-c");
        no_role["metadata"]["annotations"] = json!({});
        let mut objects = vec![deployment(), replica_set(), pod("web-a"), changed, no_role];
        assert_eq!(collapse(&mut objects), 2);
        let names: Vec<&str> = objects
            .iter()
            .map(|o| str_at(o, "/metadata/name"))
            .collect();
        assert_eq!(names, ["web", "web-b", "web-c"]);
    }

    #[test]
    fn objects_whose_owner_was_not_read_are_kept() {
        let mut objects = vec![pod("web-a")];
        assert_eq!(collapse(&mut objects), 0);
        assert_eq!(objects.len(), 1);
    }

    #[test]
    fn jobs_collapse_into_cron_jobs() {
        let template = json!({"spec": {"containers": [{"name": "c", "image": "x"}]}});
        let cron = json!({"kind": "CronJob", "metadata": {"name": "nightly", "namespace": "n", "uid": "c1"},
            "spec": {"jobTemplate": {"spec": {"template": template}}}});
        let job = json!({"kind": "Job", "metadata": {"name": "nightly-1", "namespace": "n", "uid": "j1",
            "ownerReferences": [{"kind": "CronJob", "name": "nightly", "uid": "c1", "controller": true}]},
            "spec": {"template": template}});
        let mut other = job.clone();
        other["metadata"]["name"] = json!("nightly-0");
        other["metadata"]["uid"] = json!("j0");
        other["spec"]["template"]["spec"]["containers"][0]["image"] = json!("y");
        let mut objects = vec![cron, job, other];
        assert_eq!(collapse(&mut objects), 1);
        assert_eq!(str_at(&objects[1], "/metadata/name"), "nightly-0");
    }
}
