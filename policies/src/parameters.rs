//! The parameters the policies read (`data.podauth.lib.objects.parameters`, see
//! `policies/README.md`, "The input document"). The defaults here are the ones
//! `policies/lib/objects.rego` applies to a missing field; a table test pins
//! every field name (and its Gatekeeper camelCase spelling) to the Rego side.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Parameters {
    /// The 12-digit AWS account that owns the cluster's IAM roles; "" when unknown.
    #[serde(alias = "accountId")]
    pub account_id: String,
    /// The per-pod method recommendations prefer: `irsa` (default) or `pod-identity`.
    pub prefer: String,
    /// Where the cluster runs: `eks` (default), `eks-fargate` or `non-eks`.
    #[serde(alias = "clusterType")]
    pub cluster_type: String,
    /// Namespaces whose objects are not checked (admission); `kube-*` matches a prefix.
    #[serde(alias = "exemptNamespaces")]
    pub exempt_namespaces: Vec<String>,
    /// Images whose findings are not reported (admission); a trailing `*` matches a prefix.
    #[serde(alias = "exemptImages")]
    pub exempt_images: Vec<String>,
    /// True when the context holds every object of its kinds in the namespaces
    /// it covers (live mode): "not found" rules may then trust an absence.
    #[serde(alias = "inventoryComplete")]
    pub inventory_complete: bool,
    /// The cluster's OIDC issuer host/path; "" when unknown.
    #[serde(alias = "oidcProvider")]
    pub oidc_provider: String,
    /// Only these rule ids (Gatekeeper); `None`: every rule loaded.
    #[serde(alias = "enabledRules", skip_serializing_if = "Option::is_none")]
    pub enabled_rules: Option<Vec<String>>,
    /// `kubectl podauth migrate` (podauth.migration; "" means the plan's
    /// placeholder or what the input implies).
    #[serde(flatten)]
    pub migration: MigrationParameters,
    /// `kubectl podauth recommend`'s answers to the decision guide (podauth.lib.decision).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answers: Option<serde_json::Value>,
}

/// What `kubectl podauth migrate` adds; every field "" when not given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MigrationParameters {
    pub cluster_name: String,
    pub region: String,
    /// kube2iam's `--base-role-arn`; "" means the one its DaemonSet names, if any.
    pub base_role_arn: String,
    /// `{namespace}-{serviceaccount}` when "".
    pub role_name_template: String,
    /// The method to migrate to (`irsa`, `pod-identity`); "" lets the plan choose.
    pub to: String,
}

impl Default for Parameters {
    fn default() -> Parameters {
        Parameters {
            account_id: String::new(),
            prefer: "irsa".into(),
            cluster_type: "eks".into(),
            exempt_namespaces: Vec::new(),
            exempt_images: Vec::new(),
            inventory_complete: false,
            oidc_provider: String::new(),
            enabled_rules: None,
            migration: MigrationParameters::default(),
            answers: None,
        }
    }
}

#[cfg(all(test, feature = "engine"))]
mod tests {
    use super::*;
    use crate::{Bundle, Purpose};
    use serde_json::{json, Value};

    /// Every field of [`Parameters`], with where the Rego side reads it:
    /// `default` (objects.rego's `default_parameters`), or a snippet of the
    /// module that reads it.
    const READ_BY: &[(&str, &str)] = &[
        ("account_id", "default"),
        ("prefer", "default"),
        ("cluster_type", "default"),
        ("exempt_namespaces", "default"),
        ("exempt_images", "default"),
        ("inventory_complete", "default"),
        ("oidc_provider", "default"),
        ("enabled_rules", "objects.parameters.enabled_rules"),
        ("cluster_name", "text_param(\"cluster_name\")"),
        ("region", "text_param(\"region\")"),
        ("base_role_arn", "text_param(\"base_role_arn\")"),
        ("role_name_template", "text_param(\"role_name_template\")"),
        ("to", "text_param(\"to\")"),
        ("answers", "objects.parameters, \"answers\""),
    ];

    fn eval(engine: &regorus::Engine, rule: &str, parameters: Value) -> Value {
        let mut engine = engine.clone();
        let input = json!({"objects": [], "context": [], "parameters": parameters});
        engine.set_input(regorus::Value::from_json_str(&input.to_string()).unwrap());
        let value = engine.eval_rule(rule.into()).unwrap();
        serde_json::to_value(&value).unwrap()
    }

    #[test]
    fn parameters_are_the_fields_the_policies_read() {
        let bundle = Bundle::embedded();
        let engine = bundle.engine(Purpose::Evaluate(&[])).unwrap();
        let rego_defaults = eval(
            &engine,
            "data.podauth.lib.objects.default_parameters",
            json!({}),
        );
        let rego_defaults = rego_defaults.as_object().unwrap();

        // Every field, all set, so optional ones serialise too.
        let mut all = Parameters {
            enabled_rules: Some(vec![]),
            answers: Some(json!({})),
            ..Parameters::default()
        };
        all.migration.to = "irsa".into();
        let fields: Vec<String> = serde_json::to_value(&all)
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let table: Vec<&str> = READ_BY.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, table, "READ_BY lists every field, in order");

        let sources: String = bundle.modules().map(|f| f.text.as_str()).collect();
        let defaults = serde_json::to_value(Parameters::default()).unwrap();
        for (field, read_by) in READ_BY {
            if *read_by == "default" {
                assert_eq!(
                    rego_defaults.get(*field),
                    defaults.get(*field),
                    "{field}: the Rust default is objects.rego's"
                );
            } else {
                assert!(
                    sources.contains(read_by),
                    "{field}: no module reads {read_by}"
                );
                assert!(
                    !rego_defaults.contains_key(*field),
                    "{field} has a Rego default"
                );
            }
        }
        let rego_fields: Vec<&String> = rego_defaults.keys().collect();
        for field in rego_fields {
            assert!(
                table.contains(&field.as_str()),
                "objects.rego defaults {field}, Parameters lacks it"
            );
        }
        // What the policies see for the defaults is what they assume without any.
        assert_eq!(
            eval(
                &engine,
                "data.podauth.lib.objects.parameters",
                defaults.clone()
            )
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| rego_defaults.contains_key(*k))
            .collect::<Vec<_>>(),
            rego_defaults.iter().collect::<Vec<_>>()
        );
    }

    #[test]
    fn gatekeeper_camel_case_names_are_the_ones_objects_rego_maps() {
        let engine = Bundle::embedded().engine(Purpose::Evaluate(&[])).unwrap();
        let names = eval(
            &engine,
            "data.podauth.lib.objects.camel_case_names",
            json!({}),
        );
        let names = names.as_object().unwrap();
        assert!(names.len() >= 7, "{names:?}");
        for (camel, snake) in names {
            let snake = snake.as_str().unwrap();
            let default = &serde_json::to_value(Parameters::default()).unwrap()[snake];
            // A value of the field's type that is not its default.
            let given = match default {
                Value::Bool(b) => json!(!b),
                Value::String(_) => json!("x"),
                _ => json!(["x"]),
            };
            let parsed: Parameters = serde_json::from_value(json!({ camel.as_str(): given }))
                .unwrap_or_else(|e| panic!("{camel}: {e}"));
            assert_eq!(
                serde_json::to_value(parsed).unwrap()[snake],
                given,
                "{camel} reads as {snake}"
            );
        }
    }
}
