//! IAM roles and Pod Identity associations kept outside Kubernetes: AWS CLI
//! `aws iam list-roles`/`get-role` output and Terraform plan (or state) JSON
//! (`terraform show -json`). Each is recognised by its shape and turned into
//! the objects the policies read (policies/README.md, "IAM roles"):
//!
//! - `podauth.io/v1alpha1 IAMRole`: `metadata.name` (the role name, or the
//!   Terraform address), `spec.roleName`, `spec.arn` ("" when unknown),
//!   `spec.assumeRolePolicyDocument` (the decoded policy object, or null when
//!   unknown) and `spec.source`;
//! - `podauth.io/v1alpha1 PodIdentityAssociation`: the fields of ACK's kind
//!   (`clusterName`, `namespace`, `serviceAccount`, `roleARN`,
//!   `targetRoleARN`), plus `roleName` when `role_arn` is computed but refers
//!   to an `aws_iam_role` of the same plan.
//!
//! A value computed at apply time is absent from the plan: it stays unknown
//! (an empty string or null), never a guess.
use serde_json::{json, Map, Value};

pub const API_VERSION: &str = "podauth.io/v1alpha1";

/// What a document that is not a Kubernetes object turned into.
pub struct Converted {
    /// Each object with the JSON path of what declared it (`Roles[2]`).
    pub objects: Vec<(Value, String)>,
    /// Parts that could not be read, each naming its place in the document.
    pub problems: Vec<String>,
}

/// The objects a non-Kubernetes document declares, or None when its shape is
/// none of those read here.
pub fn convert(doc: &Map<String, Value>) -> Option<Converted> {
    if doc.contains_key("apiVersion") || doc.contains_key("kind") {
        return None;
    }
    let mut out = Converted {
        objects: Vec::new(),
        problems: Vec::new(),
    };
    if let Some(Value::Array(roles)) = doc.get("Roles") {
        for (i, role) in roles.iter().enumerate() {
            cli_role(role, &format!("Roles[{i}]"), "aws iam list-roles", &mut out);
        }
    } else if let Some(role @ Value::Object(_)) = doc.get("Role") {
        cli_role(role, "Role", "aws iam get-role", &mut out);
    } else if doc.contains_key("format_version") && doc.contains_key("terraform_version") {
        terraform(doc, &mut out);
    } else {
        return None;
    }
    Some(out)
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn cli_role(role: &Value, at: &str, source: &str, out: &mut Converted) {
    let Some(name) = text(role, "RoleName") else {
        out.problems
            .push(format!("{at} has no RoleName; the role was not read"));
        return;
    };
    let document = match role.get("AssumeRolePolicyDocument") {
        None | Some(Value::Null) => Value::Null,
        Some(v) => policy_document(v).unwrap_or_else(|problem| {
            out.problems.push(format!(
                "{at} ({name}): AssumeRolePolicyDocument {problem}; its trust policy is treated as unknown"
            ));
            Value::Null
        }),
    };
    out.objects.push((
        iam_role(
            name,
            name,
            text(role, "Arn").unwrap_or(""),
            document,
            source,
        ),
        at.to_string(),
    ));
}

fn iam_role(meta_name: &str, name: &str, arn: &str, document: Value, source: &str) -> Value {
    json!({
        "apiVersion": API_VERSION,
        "kind": "IAMRole",
        "metadata": {"name": meta_name},
        "spec": {
            "roleName": name,
            "arn": arn,
            "assumeRolePolicyDocument": document,
            "source": source,
        },
    })
}

/// A trust policy as the AWS CLI prints it (an object), as the raw API returns
/// it (URL-encoded JSON), or as Terraform holds it (a JSON string).
pub fn policy_document(v: &Value) -> Result<Value, String> {
    match v {
        Value::Object(_) => Ok(v.clone()),
        Value::String(s) => {
            let trimmed = s.trim_start();
            let decoded;
            let json_text = if trimmed.starts_with('{') {
                trimmed
            } else {
                decoded = percent_decode(trimmed).ok_or("is not valid URL-encoded text")?;
                decoded.as_str()
            };
            match serde_json::from_str::<Value>(json_text) {
                Ok(doc @ Value::Object(_)) => Ok(doc),
                Ok(_) => Err("is not a JSON object".into()),
                Err(e) => Err(format!("is not valid JSON ({e})")),
            }
        }
        _ => Err("is neither a JSON object nor a string".into()),
    }
}

/// RFC 3986 percent-decoding (`+` stays `+`, as IAM encodes a space as %20).
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

// --- Terraform ---------------------------------------------------------------------------

/// One managed resource of the plan, with the module it lives in.
struct Resource<'a> {
    module: &'a str,
    value: &'a Value,
    /// JSON path in the document, for line numbers.
    at: String,
}

impl Resource<'_> {
    fn address(&self) -> &str {
        text(self.value, "address").unwrap_or("")
    }
    fn kind(&self) -> &str {
        text(self.value, "type").unwrap_or("")
    }
    fn name(&self) -> &str {
        text(self.value, "name").unwrap_or("")
    }
    fn values(&self) -> &Value {
        self.value.get("values").unwrap_or(&Value::Null)
    }
}

fn terraform(doc: &Map<String, Value>, out: &mut Converted) {
    // A plan's planned_values; `terraform show -json` of a state has `values`.
    let (top, values) = match doc.get("planned_values") {
        Some(v) => ("planned_values", Some(v)),
        None => ("values", doc.get("values")),
    };
    let mut resources = Vec::new();
    if let Some(root) = values.and_then(|v| v.get("root_module")) {
        collect(root, "", &format!("{top}.root_module"), &mut resources);
    }
    let configuration = doc.get("configuration").and_then(|c| c.get("root_module"));
    for r in &resources {
        match r.kind() {
            "aws_iam_role" => terraform_role(r, out),
            "aws_eks_pod_identity_association" => {
                terraform_association(r, &resources, configuration, out)
            }
            _ => {}
        }
    }
}

fn collect<'a>(module: &'a Value, address: &'a str, at: &str, out: &mut Vec<Resource<'a>>) {
    for (i, r) in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if r.get("mode").and_then(Value::as_str).unwrap_or("managed") == "managed" {
            out.push(Resource {
                module: address,
                value: r,
                at: format!("{at}.resources[{i}]"),
            });
        }
    }
    for (i, child) in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let child_at = format!("{at}.child_modules[{i}]");
        collect(child, text(child, "address").unwrap_or(""), &child_at, out);
    }
}

fn terraform_role(r: &Resource, out: &mut Converted) {
    let values = r.values();
    let document = match values.get("assume_role_policy") {
        None | Some(Value::Null) => Value::Null,
        Some(v) => policy_document(v).unwrap_or_else(|problem| {
            out.problems.push(format!(
                "{}: assume_role_policy {problem}; its trust policy is treated as unknown",
                r.address()
            ));
            Value::Null
        }),
    };
    out.objects.push((
        iam_role(
            r.address(),
            text(values, "name").unwrap_or(""),
            text(values, "arn").unwrap_or(""),
            document,
            "terraform plan",
        ),
        r.at.clone(),
    ));
}

fn terraform_association(
    r: &Resource,
    resources: &[Resource],
    configuration: Option<&Value>,
    out: &mut Converted,
) {
    let values = r.values();
    let mut spec = Map::new();
    for (from, to) in [
        ("cluster_name", "clusterName"),
        ("namespace", "namespace"),
        ("service_account", "serviceAccount"),
        ("role_arn", "roleARN"),
        ("target_role_arn", "targetRoleARN"),
    ] {
        if let Some(v) = text(values, from) {
            spec.insert(to.into(), Value::from(v));
        }
    }
    let (Some(namespace), Some(_)) = (text(values, "namespace"), text(values, "service_account"))
    else {
        out.problems.push(format!(
            "{}: namespace or service_account is unknown until apply; the association was not read",
            r.address()
        ));
        return;
    };
    if !spec.contains_key("roleARN") {
        if let Some(name) = referenced_role_name(r, resources, configuration) {
            spec.insert("roleName".into(), Value::from(name));
        }
    }
    out.objects.push((
        json!({
            "apiVersion": API_VERSION,
            "kind": "PodIdentityAssociation",
            "metadata": {"name": r.address(), "namespace": namespace},
            "spec": spec,
        }),
        r.at.clone(),
    ));
}

/// The name of the `aws_iam_role` (same module) that a computed `role_arn`
/// refers to in the configuration, when that role's name is known.
fn referenced_role_name<'a>(
    r: &Resource,
    resources: &'a [Resource],
    configuration: Option<&Value>,
) -> Option<&'a str> {
    let module = config_module(configuration?, r.module)?;
    let config = module
        .get("resources")?
        .as_array()?
        .iter()
        .find(|c| text(c, "type") == Some(r.kind()) && text(c, "name") == Some(r.name()))?;
    let references = config
        .get("expressions")?
        .get("role_arn")?
        .get("references")?
        .as_array()?;
    let role = references.iter().filter_map(Value::as_str).find_map(|s| {
        let rest = s.strip_prefix("aws_iam_role.")?;
        Some(rest.split('.').next().unwrap_or(rest))
    })?;
    let candidates: Vec<&Resource> = resources
        .iter()
        .filter(|c| c.module == r.module && c.kind() == "aws_iam_role" && c.name() == role)
        .collect();
    // With count/for_each, the role instance with the association's index.
    let chosen = match candidates.as_slice() {
        [one] => *one,
        many => *many
            .iter()
            .find(|c| c.value.get("index") == r.value.get("index"))?,
    };
    text(chosen.values(), "name")
}

/// The configuration module of a planned module address: `module.a["x"].module.b[0]` -> a, b.
fn config_module<'a>(root: &'a Value, address: &str) -> Option<&'a Value> {
    let mut module = root;
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find(['.', '[']).unwrap_or(after.len());
        let name = &after[..end];
        module = module.get("module_calls")?.get(name)?.get("module")?;
        rest = skip_index(&after[end..])?;
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    Some(module)
}

/// `["a.b"].rest` or `[0].rest` -> `.rest`; text without an index is unchanged.
fn skip_index(s: &str) -> Option<&str> {
    let Some(inner) = s.strip_prefix('[') else {
        return Some(s);
    };
    let close = match inner.strip_prefix('"') {
        Some(quoted) => quoted.find("\"]")? + 2,
        None => inner.find(']')?,
    };
    Some(&inner[close + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert_json(text: &str) -> Converted {
        let v: Value = serde_json::from_str(text).unwrap();
        convert(v.as_object().unwrap()).expect("recognised")
    }

    #[test]
    fn url_encoded_trust_policies_are_decoded() {
        let doc = policy_document(&Value::from(
            "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D",
        ))
        .unwrap();
        assert_eq!(doc["Version"], "2012-10-17");
        assert!(policy_document(&Value::from("%ZZ")).is_err());
        assert!(policy_document(&Value::from("[1]")).is_err());
    }

    #[test]
    fn kubernetes_objects_are_not_converted() {
        let v = json!({"apiVersion": "v1", "kind": "ServiceAccount", "Roles": []});
        assert!(convert(v.as_object().unwrap()).is_none());
        let v = json!({"unrelated": true});
        assert!(convert(v.as_object().unwrap()).is_none());
    }

    #[test]
    fn get_role_without_name_is_a_problem() {
        let out = convert_json(r#"{"Role": {"Arn": "arn:aws:iam::111122223333:role/x"}}"#);
        assert!(out.objects.is_empty());
        assert!(out.problems[0].contains("RoleName"), "{:?}", out.problems);
    }

    #[test]
    fn module_addresses_map_to_module_calls() {
        let root = json!({"module_calls": {"irsa": {"module": {"module_calls": {"inner": {"module": {"resources": [1]}}}}}}});
        let m = config_module(&root, "module.irsa[\"a.b\"].module.inner[0]").unwrap();
        assert_eq!(m["resources"][0], 1);
        assert!(config_module(&root, "module.other").is_none());
    }
}
