//! How admission engines hand objects to a policy: the AdmissionRequest
//! (`input.review` for Gatekeeper, `input.request` for Kubewarden) and the two
//! inventory layouts. The Kubewarden tests, the export tests and the Gatekeeper
//! suite runner all build their inputs here.
use serde_json::{json, Value};

/// Whether the kind registry files the object's kind without a namespace.
fn is_cluster_scoped(object: &Value) -> bool {
    !podauth_policies::kinds::is_namespaced(object["kind"].as_str().unwrap_or(""))
}

/// The namespace an inventory files a namespaced object under.
fn namespace_of(object: &Value) -> &str {
    object["metadata"]["namespace"]
        .as_str()
        .unwrap_or("default")
}

/// A CREATE AdmissionRequest for `object`; `plural` names its resource.
pub fn admission_request(object: &Value, plural: Option<&str>) -> Value {
    let mut request = audit_request(object, plural);
    request["uid"] = json!("705ab4f5-6393-11e8-b7cc-42010a800002");
    request["operation"] = json!("CREATE");
    request["userInfo"] = json!({"username": "admin", "groups": ["system:authenticated"]});
    request["dryRun"] = json!(false);
    request
}

/// What Gatekeeper's audit reviews: the same request with an empty
/// `operation` and no `uid` or `userInfo`.
pub fn audit_request(object: &Value, plural: Option<&str>) -> Value {
    let api = object["apiVersion"].as_str().unwrap_or("v1");
    let (group, version) = api.rsplit_once('/').unwrap_or(("", api));
    let gvk = json!({"group": group, "version": version, "kind": object["kind"]});
    let resource = json!({"group": group, "version": version, "resource": plural});
    json!({
        "kind": gvk, "resource": resource, "requestKind": gvk, "requestResource": resource,
        "name": object["metadata"]["name"], "namespace": object["metadata"]["namespace"],
        "operation": "",
        "object": object,
    })
}

/// Kubewarden's `data.kubernetes[plural][namespace][name]`, or
/// `[plural][name]` for cluster-scoped kinds. Objects `plural` cannot name are
/// left out, as Kubewarden only lists the kinds it was told about.
pub fn kubewarden_inventory(objects: &[Value], plural: impl Fn(&str) -> Option<String>) -> Value {
    let mut inv = json!({});
    for o in objects {
        let (Some(plural), Some(name)) = (
            plural(o["kind"].as_str().unwrap_or("")),
            o["metadata"]["name"].as_str(),
        ) else {
            continue;
        };
        if is_cluster_scoped(o) {
            inv[&plural][name] = o.clone();
        } else {
            inv[&plural][namespace_of(o)][name] = o.clone();
        }
    }
    inv
}

/// Gatekeeper's `data.inventory.cluster[groupVersion][kind][name]` and
/// `data.inventory.namespace[namespace][groupVersion][kind][name]`.
pub fn gatekeeper_inventory(objects: &[Value]) -> Value {
    let mut inv = json!({"cluster": {}, "namespace": {}});
    for o in objects {
        let gv = o["apiVersion"].as_str().unwrap_or("v1");
        let kind = o["kind"].as_str().unwrap_or("");
        let name = o["metadata"]["name"].as_str().unwrap_or("");
        if is_cluster_scoped(o) {
            inv["cluster"][gv][kind][name] = o.clone();
        } else {
            inv["namespace"][namespace_of(o)][gv][kind][name] = o.clone();
        }
    }
    inv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inventories_file_objects_by_scope() {
        let objects = [
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}),
            json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa", "namespace": "team"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}}),
        ];
        let gk = gatekeeper_inventory(&objects);
        assert_eq!(gk["cluster"]["v1"]["Namespace"]["team"], objects[0]);
        assert_eq!(
            gk["namespace"]["team"]["v1"]["ServiceAccount"]["sa"],
            objects[1]
        );
        assert_eq!(
            gk["namespace"]["default"]["v1"]["ConfigMap"]["cm"],
            objects[2]
        );
        let kw = kubewarden_inventory(&objects, |k| {
            (k != "ConfigMap").then(|| format!("{}s", k.to_lowercase()))
        });
        assert_eq!(kw["namespaces"]["team"], objects[0]);
        assert_eq!(kw["serviceaccounts"]["team"]["sa"], objects[1]);
        assert!(kw.get("configmaps").is_none());
    }

    #[test]
    fn audit_requests_carry_no_operation_or_user() {
        let pod =
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "n"}});
        let audit = audit_request(&pod, Some("pods"));
        assert_eq!(audit["operation"], "");
        assert!(audit.get("uid").is_none() && audit.get("userInfo").is_none());
        let create = admission_request(&pod, Some("pods"));
        assert_eq!(create["operation"], "CREATE");
        assert_eq!(
            create["kind"],
            json!({"group": "", "version": "v1", "kind": "Pod"})
        );
        assert_eq!(create["resource"]["resource"], "pods");
    }
}
