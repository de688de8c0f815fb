//! The set of policy files an evaluation uses: the embedded library plus any
//! custom policy directories, classified into libraries, rules, tests and examples.
use crate::metadata::{package_of, parse_rule_metadata};
use crate::RuleMeta;
use std::{fs, path::Path};

/// One Rego source file.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    /// Display path: `policies/rules/PA101/policy.rego` for embedded files.
    pub path: String,
    pub package: String,
    pub text: String,
}

/// A rule: its METADATA, its source, and its examples.
#[derive(Debug, Clone)]
pub struct Rule {
    pub meta: RuleMeta,
    pub file: PolicyFile,
    pub examples: Vec<Example>,
    /// Whether a `_test.rego` sits beside the rule.
    pub has_tests: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleKind {
    Good,
    Bad,
}

/// A good or bad example manifest (possibly multi-document) for one rule.
#[derive(Debug, Clone)]
pub struct Example {
    pub path: String,
    pub kind: ExampleKind,
    pub text: String,
}

/// A problem with a policy file: names the file and line.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("{path}:{line}: {message}")]
pub struct BundleError {
    pub path: String,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct Bundle {
    pub libraries: Vec<PolicyFile>,
    pub rules: Vec<Rule>,
    pub tests: Vec<PolicyFile>,
}

const RULE_PACKAGE_PREFIX: &str = "podauth.rules.";

/// How many duplicated rule ids an error names before it only counts the rest.
const DUPLICATES_NAMED: usize = 3;

/// One error for a directory whose rule ids are already loaded: pointing
/// `--policy` or `test DIR` at the built-in library would otherwise list every
/// built-in rule.
fn duplicate_ids_error(dir: &Path, first: &Rule, duplicates: &[&Rule]) -> BundleError {
    let ids: Vec<&str> = duplicates.iter().map(|r| r.meta.id.as_str()).collect();
    let named = ids[..ids.len().min(DUPLICATES_NAMED)].join(", ");
    let listed = match ids.len() {
        1 => format!("rule id {named} is"),
        n if n <= DUPLICATES_NAMED => format!("rule ids {named} are"),
        n => format!("rule ids {named} and {} more are", n - DUPLICATES_NAMED),
    };
    let embedded = Bundle::embedded();
    let message = if ids.iter().all(|id| embedded.rule(id).is_some()) {
        format!(
            "{} is (or contains) the built-in policy library, which is always loaded \
             (`kubectl podauth test` without a directory runs its tests): {listed} already defined",
            dir.display()
        )
    } else {
        format!("{listed} already defined")
    };
    BundleError {
        path: first.file.path.clone(),
        line: 1,
        message,
    }
}

impl Bundle {
    /// The policies compiled into this binary.
    pub fn embedded() -> Bundle {
        // The kind registry's Rego side is generated from the Rust table, so
        // the library and the CLI read one definition.
        let generated = (
            crate::kinds::KINDS_MODULE_PATH.to_string(),
            crate::kinds::rego_module(),
        );
        let files = std::iter::once(generated).chain(
            crate::embedded::EMBEDDED
                .iter()
                .map(|(rel, text)| (format!("policies/{rel}"), (*text).to_string())),
        );
        let bundle = Bundle::from_files(files);
        match bundle {
            Ok(b) => b,
            // The `embedded_policies_are_valid` test keeps this unreachable.
            Err(errors) => panic!("embedded policies are invalid: {errors:?}"),
        }
    }

    /// Adds a directory of custom policies (walked recursively), with the same
    /// layout and METADATA contract as the embedded ones.
    pub fn add_dir(&mut self, dir: &Path) -> Result<(), Vec<BundleError>> {
        let mut files = Vec::new();
        walk(dir, &mut files).map_err(|e| {
            vec![BundleError {
                path: dir.display().to_string(),
                line: 0,
                message: e.to_string(),
            }]
        })?;
        let extra = Bundle::from_files(files)?;
        let duplicates: Vec<&Rule> = extra
            .rules
            .iter()
            .filter(|rule| self.rule(&rule.meta.id).is_some())
            .collect();
        if let Some(first) = duplicates.first() {
            return Err(vec![duplicate_ids_error(dir, first, &duplicates)]);
        }
        self.libraries.extend(extra.libraries);
        self.rules.extend(extra.rules);
        self.tests.extend(extra.tests);
        self.rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        Ok(())
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.meta.id.eq_ignore_ascii_case(id))
    }

    /// Every Rego module (libraries, then rules), as the engines load them.
    pub fn modules(&self) -> impl Iterator<Item = &PolicyFile> {
        self.libraries
            .iter()
            .chain(self.rules.iter().map(|r| &r.file))
    }

    /// Every kind any rule reads; objects of other kinds are skipped on input.
    pub fn supported_kinds(&self) -> std::collections::BTreeSet<&str> {
        self.rules
            .iter()
            .flat_map(|r| r.meta.kinds.iter().map(String::as_str))
            .collect()
    }

    /// Every kind some rule looks up in the lookup context.
    pub fn looked_up_kinds(&self) -> std::collections::BTreeSet<&str> {
        self.rules
            .iter()
            .flat_map(|r| r.meta.looks_up.iter().map(String::as_str))
            .collect()
    }

    /// Builds a bundle from (path, text) pairs. Examples belong to the rule in the
    /// same directory and are named `good*.yaml` / `bad*.yaml`.
    pub fn from_files(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Bundle, Vec<BundleError>> {
        let mut bundle = Bundle::default();
        let mut examples = Vec::new();
        let mut errors = Vec::new();
        for (path, text) in files {
            let file_name = path.rsplit('/').next().unwrap_or(&path).to_string();
            if !file_name.ends_with(".rego") {
                let kind = if file_name.starts_with("good") {
                    ExampleKind::Good
                } else if file_name.starts_with("bad") {
                    ExampleKind::Bad
                } else {
                    continue;
                };
                examples.push((dir_of(&path).to_string(), Example { path, kind, text }));
                continue;
            }
            let Some((package, _)) = package_of(&text) else {
                errors.push(BundleError {
                    path,
                    line: 1,
                    message: "no package declaration".into(),
                });
                continue;
            };
            let file = PolicyFile {
                path: path.clone(),
                package: package.clone(),
                text,
            };
            if file_name.ends_with("_test.rego") {
                bundle.tests.push(file);
            } else if let Some(id) = package.strip_prefix(RULE_PACKAGE_PREFIX) {
                match parse_rule_metadata(&file.text) {
                    Ok(meta) if meta.id != id => errors.push(BundleError {
                        path,
                        line: package_of(&file.text).map_or(1, |p| p.1),
                        message: format!("package {package} does not match rule id {}", meta.id),
                    }),
                    Ok(meta) => bundle.rules.push(Rule {
                        meta,
                        file,
                        examples: vec![],
                        has_tests: false,
                    }),
                    Err(e) => errors.push(BundleError {
                        path,
                        line: e.line,
                        message: e.message,
                    }),
                }
            } else {
                bundle.libraries.push(file);
            }
        }
        for rule in &mut bundle.rules {
            let dir = dir_of(&rule.file.path);
            rule.examples = examples
                .iter()
                .filter(|(d, _)| *d == dir)
                .map(|(_, e)| e.clone())
                .collect();
            rule.has_tests = bundle.tests.iter().any(|t| dir_of(&t.path) == dir);
        }
        let mut seen = std::collections::BTreeMap::new();
        for rule in &bundle.rules {
            if let Some(first) = seen.insert(rule.meta.id.clone(), rule.file.path.clone()) {
                errors.push(BundleError {
                    path: rule.file.path.clone(),
                    line: 1,
                    message: format!("rule id {} is also defined in {first}", rule.meta.id),
                });
            }
        }
        bundle.rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        if errors.is_empty() {
            Ok(bundle)
        } else {
            Err(errors)
        }
    }
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn walk(dir: &Path, out: &mut Vec<(String, String)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rego" | "yaml" | "yml")
        ) {
            let text = fs::read_to_string(&path)?;
            out.push((path.display().to_string(), text));
        }
    }
    Ok(())
}
