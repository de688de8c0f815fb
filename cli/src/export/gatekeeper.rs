//! The `gatekeeper` target: ConstraintTemplates (Rego v1 through
//! `code[].source`), their Constraints, the SyncSet cross-object rules need,
//! and a `gator verify` Suite built from the rules' examples.
//!
//! The templates carry the same policy files the CLI evaluates. Gatekeeper
//! only lets a template read `input`, `data.inventory` and `data.lib.*`, so
//! every package is renamed under `lib.` and the regions of
//! `policies/lib/objects.rego` marked `podauth:kubewarden-only` are dropped.
use super::{context_kinds, reviewed_kinds};
use crate::manifest;
use crate::printers::to_yaml;
use anyhow::{bail, Context, Result};
use podauth_policies::kinds::KINDS;
use podauth_policies::{
    deny_rules, Bundle, Evaluator, InputDocument, Parameters, PolicyFile, RuleMeta,
};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The first Gatekeeper release that accepts `code: [{engine: Rego, source:
/// {version: "v1"}}]` (open-policy-agent/frameworks #517, gatekeeper #3908).
pub const MIN_GATEKEEPER_VERSION: &str = "v3.19.0";

const TARGET: &str = "admission.k8s.gatekeeper.sh";
const KUBEWARDEN_ONLY_BEGIN: &str = "# podauth:kubewarden-only:begin";
const KUBEWARDEN_ONLY_END: &str = "# podauth:kubewarden-only:end";
/// The library package whose `violation` every template re-exports.
const ADAPTER_PACKAGE: &str = "podauth.gatekeeper";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforcement {
    Deny,
    Dryrun,
    Warn,
}

impl Enforcement {
    fn as_str(self) -> &'static str {
        match self {
            Enforcement::Deny => "deny",
            Enforcement::Dryrun => "dryrun",
            Enforcement::Warn => "warn",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    /// One template per category instead of one per rule.
    pub group: bool,
    pub enforcement: Enforcement,
    pub excluded_namespaces: Vec<String>,
    /// The Constraint's `spec.parameters` (camelCase names).
    pub parameters: Map<String, Value>,
}

/// One file of the export: its path under the output directory and its text.
pub type File = (String, String);

/// Everything `export gatekeeper` writes.
#[derive(Debug, Default)]
pub struct Export {
    pub templates: Vec<File>,
    pub constraints: Vec<File>,
    pub sync_set: Option<File>,
    /// `suite.yaml` and the object files its cases read.
    pub suite: Vec<File>,
    /// Rules left out, with the reason.
    pub skipped: Vec<String>,
}

impl Export {
    /// The cluster manifests (templates, constraints, SyncSet) as one
    /// multi-document YAML stream, for stdout.
    pub fn manifests(&self) -> String {
        let docs: Vec<&str> = self
            .templates
            .iter()
            .chain(&self.constraints)
            .chain(&self.sync_set)
            .map(|(_, text)| text.as_str())
            .collect();
        docs.join("---\n")
    }

    /// Every file, in writing order.
    pub fn files(&self) -> impl Iterator<Item = &File> {
        self.templates
            .iter()
            .chain(&self.constraints)
            .chain(&self.sync_set)
            .chain(&self.suite)
    }
}

/// A template: its kind and the rules it enforces.
struct Template<'r> {
    kind: String,
    rules: Vec<&'r RuleMeta>,
}

impl Template<'_> {
    fn name(&self) -> String {
        self.kind.to_ascii_lowercase()
    }

    fn ids(&self) -> Vec<&str> {
        self.rules.iter().map(|r| r.id.as_str()).collect()
    }
}

pub fn export(bundle: &Bundle, rules: &[&RuleMeta], options: &Options) -> Result<Export> {
    let mut out = Export::default();
    let mut enforced = Vec::new();
    for rule in rules {
        if match_kinds(&[rule]).as_array().is_some_and(Vec::is_empty) {
            out.skipped.push(format!(
                "{}: reads only kinds that never reach an API server; run the CLI in CI for it",
                rule.id
            ));
        } else {
            enforced.push(*rule);
        }
    }
    if enforced.is_empty() {
        bail!("none of the selected rules can be enforced at admission");
    }
    let templates = group_templates(&enforced, options.group);
    let libs = Libraries::new(bundle);
    let mut suite_tests = Vec::new();
    for template in &templates {
        let name = template.name();
        let template_path = format!("templates/{name}.yaml");
        let constraint_path = format!("constraints/{name}.yaml");
        let (rego, template_libs) = libs.template_rego(&template.kind, &template.ids())?;
        out.templates.push((
            template_path.clone(),
            to_yaml(&constraint_template(template, &rego, &template_libs)),
        ));
        let constraint = constraint(template, options);
        out.constraints
            .push((constraint_path.clone(), to_yaml(&constraint)));
        let (cases, files) = suite_cases(bundle, template, options, &name)
            .with_context(|| format!("building the gator cases of {name}"))?;
        suite_tests.push(json!({
            "name": name,
            "template": template_path,
            "constraint": constraint_path,
            "cases": cases,
        }));
        out.suite.extend(files);
    }
    if let Some(sync) = sync_set(&enforced) {
        out.sync_set = Some(("syncset.yaml".into(), to_yaml(&sync)));
    }
    let suite = json!({
        "apiVersion": "test.gatekeeper.sh/v1alpha1",
        "kind": "Suite",
        "metadata": {"name": "podauth"},
        "tests": suite_tests,
    });
    out.suite.insert(0, ("suite.yaml".into(), to_yaml(&suite)));
    Ok(out)
}

fn group_templates<'r>(rules: &[&'r RuleMeta], group: bool) -> Vec<Template<'r>> {
    if !group {
        return rules
            .iter()
            .map(|r| Template {
                kind: format!("Podauth{}", alphanumeric(&r.id)),
                rules: vec![*r],
            })
            .collect();
    }
    let mut by_category: BTreeMap<&str, Vec<&RuleMeta>> = BTreeMap::new();
    for rule in rules {
        by_category.entry(&rule.category).or_default().push(*rule);
    }
    by_category
        .into_iter()
        .map(|(category, rules)| Template {
            kind: format!("Podauth{}", camel(category)),
            rules,
        })
        .collect()
}

fn alphanumeric(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// `workload-identity` → `WorkloadIdentity`.
fn camel(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

/// The policy library as Gatekeeper libs: every module renamed under `lib.`.
struct Libraries {
    /// Package → module text (renamed), for every library and rule module.
    modules: BTreeMap<String, String>,
}

impl Libraries {
    fn new(bundle: &Bundle) -> Libraries {
        let roots: BTreeSet<String> = bundle
            .modules()
            .map(|f| root(&f.package).to_string())
            .collect();
        let modules = bundle
            .modules()
            .map(|f: &PolicyFile| (format!("lib.{}", f.package), rename(f, &roots)))
            .collect();
        Libraries { modules }
    }

    /// The template's main module and the libs it needs (the transitive
    /// closure of its `data.lib.*` references), sorted by package.
    fn template_rego(&self, kind: &str, ids: &[&str]) -> Result<(String, Vec<String>)> {
        let rego = format!(
            "package {}\n\n# Every finding of {} not exempted by the parameters.\nviolation contains v if {{\n\tsome v in data.lib.{ADAPTER_PACKAGE}.violation\n}}\n",
            kind.to_ascii_lowercase(),
            ids.join(", "),
        );
        let deny = format!(
            "package lib.podauth\n\n{}",
            deny_rules(ids, "data.lib.podauth.rules")
        );
        let mut modules: BTreeMap<&str, &str> = self
            .modules
            .iter()
            .map(|(package, text)| (package.as_str(), text.as_str()))
            .collect();
        modules.insert("lib.podauth", &deny);
        let mut needed = BTreeSet::new();
        let mut queue = vec![rego.as_str()];
        while let Some(text) = queue.pop() {
            for reference in data_lib_refs(text) {
                let Some(package) = longest_package(&modules, &reference) else {
                    continue;
                };
                if needed.insert(package) {
                    queue.push(modules[package]);
                }
            }
        }
        if needed.is_empty() {
            bail!("the template for {} needs no library", ids.join(", "));
        }
        Ok((
            rego,
            needed.into_iter().map(|p| modules[p].to_string()).collect(),
        ))
    }
}

fn root(package: &str) -> &str {
    package.split('.').next().unwrap_or(package)
}

/// A module for Gatekeeper: packages and `data.` references under `lib.`,
/// without the regions that read Kubewarden's data.
fn rename(file: &PolicyFile, roots: &BTreeSet<String>) -> String {
    let mut out = String::with_capacity(file.text.len() + 64);
    let mut skipping = false;
    for line in file.text.lines() {
        let trimmed = line.trim();
        if trimmed == KUBEWARDEN_ONLY_BEGIN {
            skipping = true;
            continue;
        }
        if trimmed == KUBEWARDEN_ONLY_END {
            skipping = false;
            continue;
        }
        if skipping {
            continue;
        }
        let mut line = line.to_string();
        if let Some(package) = line.strip_prefix("package ") {
            line = format!("package lib.{package}");
        }
        for r in roots {
            line = prefix_refs(&line, &format!("data.{r}"), &format!("data.lib.{r}"));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Replaces `from` by `to` where it is a whole reference head (followed by
/// `.`, `[`, or the end of an identifier).
fn prefix_refs(line: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(from) {
        let before_ok = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'));
        let after = &rest[at + from.len()..];
        let after_ok = after
            .chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        out.push_str(&rest[..at]);
        out.push_str(if before_ok && after_ok { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Every `data.lib.a.b.c` reference path in a module (as `lib.a.b.c`).
fn data_lib_refs(text: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("data.lib.") {
        let tail = &rest[at + "data.".len()..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(tail.len());
        refs.insert(tail[..end].trim_end_matches('.').to_string());
        rest = &tail[end..];
    }
    refs
}

/// The longest known package that is a prefix (by segments) of a reference.
fn longest_package<'m>(modules: &BTreeMap<&'m str, &str>, reference: &str) -> Option<&'m str> {
    let mut candidate = reference;
    loop {
        if let Some((package, _)) = modules.get_key_value(candidate) {
            return Some(*package);
        }
        candidate = &candidate[..candidate.rfind('.')?];
    }
}

/// Lets users select what the export applied (`kubectl wait -l ...`).
fn labels() -> Value {
    json!({"app.kubernetes.io/managed-by": "kubectl-podauth"})
}

fn parameters_schema() -> Value {
    let strings = |description: &str| json!({"type": "array", "description": description, "items": {"type": "string"}});
    json!({
        "type": "object",
        "properties": {
            "exemptNamespaces": strings("Namespaces whose objects are not checked; a trailing * matches a prefix (kube-*)."),
            "exemptImages": strings("Container images whose findings are not reported; a trailing * matches a prefix (registry.example/tools/*). A pod-level finding is exempt when every container's image is."),
            "enabledRules": strings("Only these rule ids (default: every rule of the template)."),
            "accountId": {"type": "string", "description": "The AWS account id that owns the cluster's IAM roles (PA308 compares role ARNs with it)."},
            "prefer": {"type": "string", "description": "The method migrations recommend.", "enum": ["irsa", "pod-identity"]},
            "clusterType": {"type": "string", "description": "Where the cluster runs.", "enum": ["eks", "eks-fargate", "non-eks"]},
        },
    })
}

fn constraint_template(template: &Template, rego: &str, libs: &[String]) -> Value {
    let titles: Vec<String> = template
        .rules
        .iter()
        .map(|r| format!("{} {}", r.id, r.title))
        .collect();
    let description = if template.rules.len() == 1 {
        template.rules[0].description.clone()
    } else {
        format!("podauth rules: {}", titles.join("; "))
    };
    json!({
        "apiVersion": "templates.gatekeeper.sh/v1",
        "kind": "ConstraintTemplate",
        "metadata": {
            "name": template.name(),
            "labels": labels(),
            "annotations": {
                "metadata.gatekeeper.sh/title": if template.rules.len() == 1 { titles[0].clone() } else { format!("podauth {}", template.kind.trim_start_matches("Podauth")) },
                "metadata.gatekeeper.sh/version": env!("CARGO_PKG_VERSION"),
                "description": description,
                "podauth.io/rules": template.ids().join(","),
                "podauth.io/min-gatekeeper-version": MIN_GATEKEEPER_VERSION,
            },
        },
        "spec": {
            "crd": {"spec": {
                "names": {"kind": template.kind},
                "validation": {"openAPIV3Schema": parameters_schema()},
            }},
            "targets": [{
                "target": TARGET,
                "code": [{
                    "engine": "Rego",
                    "source": {"version": "v1", "rego": rego, "libs": libs},
                }],
            }],
        },
    })
}

/// `match.kinds`: one entry per API group of the kinds the rules review.
fn match_kinds(rules: &[&RuleMeta]) -> Value {
    let kinds = reviewed_kinds(rules);
    let mut groups: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for spec in KINDS
        .iter()
        .filter(|s| s.is_served() && kinds.contains(s.kind))
    {
        groups.entry(spec.group).or_default().insert(spec.kind);
    }
    Value::Array(
        groups
            .into_iter()
            .map(|(group, kinds)| json!({"apiGroups": [group], "kinds": kinds}))
            .collect(),
    )
}

fn constraint(template: &Template, options: &Options) -> Value {
    let mut spec = json!({
        "enforcementAction": options.enforcement.as_str(),
        "match": {"kinds": match_kinds(&template.rules)},
    });
    if !options.excluded_namespaces.is_empty() {
        spec["match"]["excludedNamespaces"] = json!(options.excluded_namespaces);
    }
    if !options.parameters.is_empty() {
        spec["parameters"] = Value::Object(options.parameters.clone());
    }
    json!({
        "apiVersion": "constraints.gatekeeper.sh/v1beta1",
        "kind": template.kind,
        "metadata": {
            "name": format!("podauth-{}", template.name().trim_start_matches("podauth")),
            "labels": labels(),
        },
        "spec": spec,
    })
}

/// The kinds the cross-object rules look up, replicated into `data.inventory`.
fn synced_kinds<'r>(rules: &[&'r RuleMeta]) -> BTreeSet<&'r str> {
    rules.iter().flat_map(|r| context_kinds(r)).collect()
}

fn sync_set(rules: &[&RuleMeta]) -> Option<Value> {
    let kinds = synced_kinds(rules);
    let mut gvks: Vec<(&str, &str, &str)> = KINDS
        .iter()
        .filter(|s| kinds.contains(s.kind))
        .map(|s| (s.group, s.versions[0], s.kind))
        .collect();
    gvks.sort();
    gvks.dedup();
    (!gvks.is_empty()).then(|| {
        json!({
            "apiVersion": "syncset.gatekeeper.sh/v1alpha1",
            "kind": "SyncSet",
            "metadata": {"name": "podauth", "labels": labels()},
            "spec": {"gvks": gvks.iter().map(|(g, v, k)| json!({"group": g, "version": v, "kind": k})).collect::<Vec<_>>()},
        })
    })
}

/// The gator cases of one template: a case per API object of each example of
/// its rules, expecting what the CLI's engine reports for that object when it
/// is reviewed alone with the rest of its example as the inventory.
fn suite_cases(
    bundle: &Bundle,
    template: &Template,
    options: &Options,
    name: &str,
) -> Result<(Vec<Value>, Vec<File>)> {
    // The Constraint's camelCase names, as objects.rego reads them.
    let parameters: Parameters = serde_json::from_value(Value::Object(options.parameters.clone()))
        .context("the Constraint's parameters")?;
    let ids = template.ids();
    let evaluator = Evaluator::new(bundle, &ids)?;
    let matched = reviewed_kinds(&template.rules);
    let synced = synced_kinds(&template.rules);
    let mut cases = Vec::new();
    let mut files = Vec::new();
    for id in &ids {
        let rule = bundle.rule(id).context("rule vanished")?;
        for example in &rule.examples {
            let loaded = manifest::parse_text(
                &example.path,
                &example.text,
                &manifest::Limits::default(),
                &|_| true,
            );
            let objects: Vec<Value> = loaded.manifests.into_iter().map(|m| m.value).collect();
            let stem = example_stem(&example.path);
            for (i, object) in objects.iter().enumerate() {
                let kind = object["kind"].as_str().unwrap_or("");
                if !matched.contains(kind) || !KINDS.iter().any(|s| s.kind == kind && s.is_served())
                {
                    continue;
                }
                let inventory: Vec<&Value> = objects
                    .iter()
                    .enumerate()
                    .filter(|(j, o)| *j != i && synced.contains(o["kind"].as_str().unwrap_or("")))
                    .map(|(_, o)| o)
                    .collect();
                let mut input = InputDocument::new(&parameters);
                input.push_reviewed_only(object)?;
                for o in &inventory {
                    input.push_context(o)?;
                }
                let evaluation = evaluator.evaluate(&input)?;
                let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
                // The Constraint never matches objects in excluded namespaces.
                if !excluded(&options.excluded_namespaces, object) {
                    for f in &evaluation.findings {
                        *per_rule.entry(f.rule.as_str()).or_default() += 1;
                    }
                }
                let case = format!("{}-{stem}-{i}", id.to_ascii_lowercase());
                let object_path = format!("suite/{name}/{case}.yaml");
                files.push((object_path.clone(), to_yaml(object)));
                // The total, then each rule's count by the id its messages start with.
                let total: usize = per_rule.values().sum();
                let mut assertions = Vec::new();
                if per_rule.len() != 1 {
                    assertions.push(json!({ "violations": total }));
                }
                for (rule, n) in &per_rule {
                    assertions.push(json!({"violations": n, "message": format!("^\\[{rule}\\]")}));
                }
                let mut entry = json!({"name": case, "object": object_path});
                if !inventory.is_empty() {
                    let inventory_path = format!("suite/{name}/{case}-inventory.yaml");
                    let docs: Vec<String> = inventory.iter().map(|o| to_yaml(o)).collect();
                    files.push((inventory_path.clone(), docs.join("---\n")));
                    entry["inventory"] = json!([inventory_path]);
                }
                entry["assertions"] = Value::Array(assertions);
                cases.push(entry);
            }
        }
    }
    Ok((cases, files))
}

/// Whether `match.excludedNamespaces` (exact names or `prefix*` globs)
/// covers the object. Cluster-scoped objects are never excluded.
fn excluded(patterns: &[String], object: &Value) -> bool {
    let Some(ns) = object["metadata"]["namespace"].as_str() else {
        return false;
    };
    patterns.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => ns.starts_with(prefix),
        None => ns == p,
    })
}

/// `policies/rules/PA101/bad-configmap.yaml` → `bad-configmap`.
fn example_stem(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.trim_end_matches(".yaml")
        .trim_end_matches(".yml")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each parameter the ConstraintTemplate's schema offers is one the
    /// policies read: a misspelt name would be ignored silently.
    #[test]
    fn the_schema_offers_only_parameters_the_policies_read() {
        let schema = parameters_schema();
        let properties = schema["properties"].as_object().unwrap();
        assert!(properties.len() >= 6);
        for (name, spec) in properties {
            let value = match (spec["type"].as_str(), spec["enum"].as_array()) {
                (Some("array"), _) => json!(["x"]),
                // Not the first (default) value.
                (_, Some(values)) => values[1].clone(),
                _ => json!("x"),
            };
            let parsed: Parameters =
                serde_json::from_value(json!({ name.as_str(): value })).unwrap();
            assert_ne!(parsed, Parameters::default(), "{name} is not a parameter");
        }
    }

    #[test]
    fn references_are_renamed_only_where_they_are_whole() {
        assert_eq!(
            prefix_refs(
                "x := data.podauth.lib.k8s.pods; y := data.podauthx; z := mydata.podauth.q",
                "data.podauth",
                "data.lib.podauth"
            ),
            "x := data.lib.podauth.lib.k8s.pods; y := data.podauthx; z := mydata.podauth.q"
        );
    }

    #[test]
    fn kubewarden_regions_are_dropped_and_packages_renamed() {
        let file = PolicyFile {
            path: "x.rego".into(),
            package: "podauth.lib.objects".into(),
            text: "package podauth.lib.objects\n\nimport data.podauth.lib.k8s\n\na := 1 if {\n\ttrue\n# podauth:kubewarden-only:begin\n} else := data.kubernetes if {\n\ttrue\n# podauth:kubewarden-only:end\n} else := 2\n".into(),
        };
        let roots = BTreeSet::from(["podauth".to_string()]);
        let out = rename(&file, &roots);
        assert!(out.starts_with("package lib.podauth.lib.objects\n"));
        assert!(out.contains("import data.lib.podauth.lib.k8s\n"));
        assert!(!out.contains("kubernetes"), "{out}");
        assert!(out.contains("\ttrue\n} else := 2\n"), "{out}");
    }

    #[test]
    fn categories_become_kinds() {
        assert_eq!(camel("workload-identity"), "WorkloadIdentity");
        assert_eq!(camel("credentials"), "Credentials");
        assert_eq!(alphanumeric("ACME-001"), "ACME001");
    }

    #[test]
    fn templates_need_only_what_they_reference() {
        let bundle = Bundle::embedded();
        let libs = Libraries::new(&bundle);
        let (rego, needed) = libs.template_rego("PodauthPA101", &["PA101"]).unwrap();
        assert!(rego.starts_with("package podauthpa101\n"));
        let packages: Vec<&str> = needed
            .iter()
            .filter_map(|m| m.lines().find_map(|l| l.strip_prefix("package ")))
            .collect();
        assert!(
            packages.contains(&"lib.podauth.rules.PA101"),
            "{packages:?}"
        );
        assert!(packages.contains(&"lib.podauth.gatekeeper"), "{packages:?}");
        assert!(
            packages.contains(&"lib.podauth.lib.objects"),
            "{packages:?}"
        );
        assert!(
            !packages.contains(&"lib.podauth.rules.PA102"),
            "{packages:?}"
        );
        assert!(
            !packages.contains(&"lib.podauth.kubewarden"),
            "{packages:?}"
        );
        for module in &needed {
            assert!(!module.contains("data.podauth."), "unrenamed reference");
            assert!(!module.contains("data.kubernetes"), "Kubewarden data read");
        }
    }
}
