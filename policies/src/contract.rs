//! The evaluation contract every engine shares: the entrypoints, the generated
//! aggregate module, which rules a selection names, and how the modules are
//! loaded into a regorus engine (native, Wasm guest, Gatekeeper export).
use crate::{Bundle, RuleMeta};
use std::fmt::Display;

/// Where the generated aggregation module is loaded from.
pub const AGGREGATE_PATH: &str = "podauth/aggregate.rego";

/// The entrypoint every engine evaluates for the CLI's document.
pub const FINDINGS_ENTRYPOINT: &str = "podauth/findings";
/// Gatekeeper's `violation` set (`policies/entrypoints/gatekeeper.rego`).
pub const GATEKEEPER_ENTRYPOINT: &str = "podauth/gatekeeper/violation";
/// Kubewarden's `opa` mode response (`policies/entrypoints/kubewarden.rego`).
pub const KUBEWARDEN_ENTRYPOINT: &str = "podauth/kubewarden/response";

/// The entrypoints the Wasm module carries, by canonical index (the order
/// its entrypoint-order blob refers to; see `wasm/README.md`).
pub const ENTRYPOINTS: [&str; 3] = [
    FINDINGS_ENTRYPOINT,
    GATEKEEPER_ENTRYPOINT,
    KUBEWARDEN_ENTRYPOINT,
];

/// The rule an entrypoint names: `podauth/findings` is `data.podauth.findings`.
pub fn entrypoint_rule(entrypoint: &str) -> String {
    format!("data.{}", entrypoint.replace('/', "."))
}

/// The generated `podauth` package: `deny` gathers the findings of the selected
/// rules (tagged with their id); `findings` is the CLI's whole document, with
/// the workload classification.
pub fn aggregate_module(selected: &[&str]) -> String {
    let mut rego = String::from(
        "package podauth\n\nimport data.podauth.rules\n\ndefault classified := []\n\nclassified := data.podauth.workloads.workloads\n\nfindings := {\"findings\": deny, \"workloads\": classified}\n\n",
    );
    rego.push_str(&deny_rules(selected, "rules"));
    if selected.is_empty() {
        rego.push_str("deny := set()\n");
    }
    rego
}

/// The `deny` rules of the aggregate, one per selected rule: its findings,
/// tagged with its id. `rules` is how the module refers to
/// `data.podauth.rules` (Gatekeeper renames every package under `lib.`).
pub fn deny_rules(selected: &[&str], rules: &str) -> String {
    selected
        .iter()
        .map(|id| {
            format!(
                "deny contains object.union(f, {{\"rule\": \"{id}\"}}) if {{\n\tsome f in {rules}.{id}.deny\n}}\n\n"
            )
        })
        .collect()
}

/// A rule id a selection names that the bundle does not hold.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("unknown rule id {0:?}")]
pub struct UnknownRule(pub String);

/// What a set of modules is loaded for.
#[derive(Debug, Clone, Copy)]
pub enum Purpose<'a> {
    /// Evaluation: libraries and rules, then the aggregate of these rule ids.
    Evaluate(&'a [&'a str]),
    /// Rego unit tests: libraries, rules and `_test.rego` files; no aggregate.
    Test,
}

impl Bundle {
    /// The rules `select` (all when empty) leaves after `ignore`, in id order;
    /// ids match case-insensitively, and one the bundle lacks is an error.
    pub fn select(
        &self,
        select: &[String],
        ignore: &[String],
    ) -> Result<Vec<&RuleMeta>, UnknownRule> {
        if let Some(unknown) = select
            .iter()
            .chain(ignore)
            .find(|id| self.rule(id.trim()).is_none())
        {
            return Err(UnknownRule(unknown.clone()));
        }
        let named =
            |list: &[String], id: &str| list.iter().any(|s| s.trim().eq_ignore_ascii_case(id));
        Ok(self
            .rules
            .iter()
            .map(|r| &r.meta)
            .filter(|m| (select.is_empty() || named(select, &m.id)) && !named(ignore, &m.id))
            .collect())
    }

    /// Hands every module `purpose` needs, in the one order all engines load
    /// them, to `add` (an engine's `add_policy`). The error names the file.
    pub fn load_into<E: Display>(
        &self,
        purpose: Purpose,
        mut add: impl FnMut(String, String) -> Result<(), E>,
    ) -> Result<(), String> {
        let tests = match purpose {
            Purpose::Evaluate(_) => &[][..],
            Purpose::Test => &self.tests[..],
        };
        for file in self.modules().chain(tests) {
            add(file.path.clone(), file.text.clone())
                .map_err(|e| format!("loading {}: {e}", file.path))?;
        }
        if let Purpose::Evaluate(selected) = purpose {
            add(AGGREGATE_PATH.into(), aggregate_module(selected))
                .map_err(|e| format!("loading {AGGREGATE_PATH}: {e}"))?;
        }
        Ok(())
    }

    /// A regorus engine with the modules `purpose` needs.
    #[cfg(feature = "engine")]
    pub fn engine(&self, purpose: Purpose) -> Result<regorus::Engine, String> {
        let mut engine = regorus::Engine::new();
        self.load_into(purpose, |path, text| {
            engine.add_policy(path, text).map(drop)
        })?;
        Ok(engine)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entrypoints_name_their_rules() {
        assert_eq!(
            entrypoint_rule(FINDINGS_ENTRYPOINT),
            "data.podauth.findings"
        );
        assert_eq!(
            entrypoint_rule(GATEKEEPER_ENTRYPOINT),
            "data.podauth.gatekeeper.violation"
        );
    }

    #[test]
    fn selection_matches_ids_case_insensitively_and_rejects_unknown_ones() {
        let bundle = Bundle::embedded();
        let ids = |select: &[&str], ignore: &[&str]| {
            let owned = |l: &[&str]| l.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
            bundle
                .select(&owned(select), &owned(ignore))
                .map(|rules| rules.iter().map(|r| r.id.clone()).collect::<Vec<_>>())
        };
        assert_eq!(ids(&[" pa101", "PA102"], &[]).unwrap(), ["PA101", "PA102"]);
        assert_eq!(ids(&[], &[]).unwrap().len(), bundle.rules.len());
        assert!(!ids(&[], &["PA101"]).unwrap().contains(&"PA101".to_string()));
        assert_eq!(ids(&["PA000"], &[]), Err(UnknownRule("PA000".into())));
        assert_eq!(ids(&[], &["nope"]), Err(UnknownRule("nope".into())));
    }

    #[cfg(feature = "engine")]
    #[test]
    fn the_lookup_context_is_unique_by_identity() {
        use serde_json::{json, Value};
        let object = |api: &str, ns: Option<&str>, data: &str| {
            let mut o = json!({"apiVersion": api, "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"v": data}});
            if let Some(ns) = ns {
                o["metadata"]["namespace"] = json!(ns);
            }
            o
        };
        let mut doc = crate::InputDocument::new(&crate::Parameters::default());
        doc.push_object(&object("v1", None, "first")).unwrap();
        // Same group, kind, namespace (missing is `default`) and name.
        doc.push_object(&object("v1", Some("default"), "second"))
            .unwrap();
        doc.push_context(&object("v1", Some("default"), "third"))
            .unwrap();
        // Another namespace, another group: other identities.
        doc.push_context(&object("v1", Some("other"), "fourth"))
            .unwrap();
        doc.push_object(&object("example.com/v1", None, "fifth"))
            .unwrap();
        // Reviewed only: not in the context, and does not claim its identity.
        doc.push_reviewed_only(&object("v2", Some("x"), "sixth"))
            .unwrap();
        doc.push_context(&object("v2", Some("x"), "seventh"))
            .unwrap();
        let input: Value = serde_json::from_str(&doc.to_json().unwrap()).unwrap();
        let data = |list: &str| -> Vec<String> {
            input[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["data"]["v"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(data("objects"), ["first", "second", "fifth", "sixth"]);
        assert_eq!(data("context"), ["first", "fourth", "fifth", "seventh"]);
        assert_eq!(input["parameters"]["prefer"], "irsa");
    }
}
