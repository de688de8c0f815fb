//! Parses OPA `# METADATA` annotation blocks: YAML in comments at column 1,
//! ending at the first line that is not a comment.
use crate::Severity;
use serde::Deserialize;
use yaml_rust2::{Yaml, YamlLoader};

/// Everything a rule declares about itself. Docs, `rules`, `explain`, SARIF and
/// every export are generated from this.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub title: String,
    pub description: String,
    pub remediation: String,
    pub related_resources: Vec<String>,
    /// Every kind the rule reads (reviewed, then looked up), as `kind` values.
    pub kinds: Vec<String>,
    /// Kinds whose objects it reports on: they must be under review with it.
    pub reviews: Vec<String>,
    /// Kinds it only looks up in the lookup context.
    pub looks_up: Vec<String>,
    pub category: String,
    /// Why it matters, in the words of the source document.
    pub why: Option<String>,
    /// The migration path the seed prescribes, when one applies.
    pub migration: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("line {line}: {message}")]
pub struct MetadataError {
    /// 1-based line in the .rego file.
    pub line: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Block {
    title: Option<String>,
    description: Option<String>,
    scope: Option<String>,
    #[serde(default)]
    related_resources: Vec<String>,
    custom: Option<Custom>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Custom {
    id: Option<String>,
    name: Option<String>,
    severity: Option<String>,
    category: Option<String>,
    remediation: Option<String>,
    /// Older spelling of `reviews`, still accepted for custom policies.
    #[serde(default)]
    kinds: Vec<String>,
    #[serde(default)]
    reviews: Vec<String>,
    #[serde(default)]
    looks_up: Vec<String>,
    why: Option<String>,
    migration: Option<String>,
}

/// Returns the YAML text of the first `# METADATA` block and the line it starts on.
pub(crate) fn metadata_block(source: &str) -> Option<(String, usize)> {
    let mut lines = source.lines().enumerate();
    let (start, _) = lines.find(|(_, l)| l.trim_end() == "# METADATA")?;
    let mut yaml = String::new();
    for (_, line) in lines {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        yaml.push('\n');
    }
    Some((yaml, start + 1))
}

/// The `package` declared by a Rego source, with its line.
pub(crate) fn package_of(source: &str) -> Option<(String, usize)> {
    source.lines().enumerate().find_map(|(i, l)| {
        let rest = l.trim().strip_prefix("package ")?;
        Some((rest.trim().to_string(), i + 1))
    })
}

/// Parses and validates the METADATA of a rule file.
pub fn parse_rule_metadata(source: &str) -> Result<RuleMeta, MetadataError> {
    let err = |line, message: String| MetadataError { line, message };
    let (yaml, line) =
        metadata_block(source).ok_or_else(|| err(1, "rule has no `# METADATA` block".into()))?;
    let docs = YamlLoader::load_from_str(&yaml).map_err(|e| {
        err(
            line + e.marker().line(),
            format!("METADATA is not valid YAML: {}", e.info()),
        )
    })?;
    let doc = docs.into_iter().next().unwrap_or(Yaml::Null);
    let block: Block =
        serde_json::from_value(crate::yaml::to_json(&doc, crate::yaml::Scalars::Text))
            .map_err(|e| err(line, format!("invalid METADATA: {e}")))?;
    let custom = block
        .custom
        .ok_or_else(|| err(line, "METADATA lacks `custom`".into()))?;
    let required = |field: Option<String>, name: &str| {
        field
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| err(line, format!("METADATA lacks required field `{name}`")))
    };
    let id = required(custom.id, "custom.id")?;
    if !is_rule_id(&id) {
        return Err(err(
            line,
            format!("rule id {id:?} is not of the form PA123 (or a team prefix such as ACME123)"),
        ));
    }
    let name = required(custom.name, "custom.name")?;
    if !is_kebab(&name) {
        return Err(err(line, format!("rule name {name:?} must be kebab-case")));
    }
    let severity = required(custom.severity, "custom.severity")?
        .parse::<Severity>()
        .map_err(|e| err(line, e))?;
    if block.scope.as_deref().is_some_and(|s| s != "package") {
        return Err(err(line, "rule METADATA must have `scope: package`".into()));
    }
    if !custom.kinds.is_empty() && !custom.reviews.is_empty() {
        return Err(err(
            line,
            "METADATA gives both `custom.kinds` and `custom.reviews`; `kinds` is the older name of `reviews`".into(),
        ));
    }
    let reviews = crate::kinds::expand(if custom.reviews.is_empty() {
        &custom.kinds
    } else {
        &custom.reviews
    });
    if reviews.is_empty() {
        return Err(err(
            line,
            "METADATA lacks required field `custom.reviews` (the kinds the rule reports on)".into(),
        ));
    }
    // A kind may be in both (PA403 reviews workloads and looks for the Pod
    // Identity Agent's DaemonSet). The older `kinds` said only "reads", so
    // its kinds may be looked up too.
    let looks_up = crate::kinds::expand(if custom.kinds.is_empty() {
        &custom.looks_up
    } else {
        &custom.kinds
    });
    let all: Vec<String> = reviews.iter().chain(&looks_up).cloned().collect();
    let kinds = crate::kinds::expand(&all);
    Ok(RuleMeta {
        id,
        name,
        severity,
        title: required(block.title, "title")?,
        description: required(block.description, "description")?,
        remediation: required(custom.remediation, "custom.remediation")?,
        related_resources: block.related_resources,
        kinds,
        reviews,
        looks_up,
        category: required(custom.category, "custom.category")?,
        why: custom.why,
        migration: custom.migration,
    })
}

fn is_rule_id(id: &str) -> bool {
    let letters = id.chars().take_while(|c| c.is_ascii_uppercase()).count();
    let digits = &id[letters..];
    (2..=8).contains(&letters) && digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit())
}

fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# METADATA\n# title: T\n# description: D\n# scope: package\n# custom:\n#   id: PA999\n#   name: some-bad-thing\n#   severity: high\n#   category: test\n#   kinds: [Pod]\n#   remediation: fix it\npackage podauth.rules.PA999\n";

    #[test]
    fn parses_a_complete_block() {
        let meta = parse_rule_metadata(GOOD).unwrap();
        assert_eq!(meta.id, "PA999");
        assert_eq!(meta.severity, Severity::High);
        assert_eq!(meta.kinds, vec!["Pod"]);
        assert_eq!(meta.reviews, vec!["Pod"]);
        assert_eq!(
            meta.looks_up,
            vec!["Pod"],
            "the older `kinds` may be looked up"
        );
        let split = GOOD.replace(
            "#   kinds: [Pod]\n",
            "#   reviews: [workloads]\n#   looks_up: [ServiceAccount, Pod]\n",
        );
        let meta = parse_rule_metadata(&split).unwrap();
        assert!(meta.reviews.iter().any(|k| k == "Rollout"));
        assert_eq!(meta.looks_up, vec!["ServiceAccount", "Pod"]);
        assert_eq!(
            meta.kinds.last().map(String::as_str),
            Some("ServiceAccount")
        );
        let both = GOOD.replace(
            "#   kinds: [Pod]\n",
            "#   kinds: [Pod]\n#   reviews: [Pod]\n",
        );
        assert!(parse_rule_metadata(&both)
            .unwrap_err()
            .message
            .contains("older name"));
        assert_eq!(package_of(GOOD).unwrap().0, "podauth.rules.PA999");
    }

    #[test]
    fn rejects_missing_fields_and_bad_values() {
        let no_sev = GOOD.replace("#   severity: high\n", "");
        assert!(parse_rule_metadata(&no_sev)
            .unwrap_err()
            .message
            .contains("custom.severity"));
        let bad_sev = GOOD.replace("severity: high", "severity: urgent");
        assert!(parse_rule_metadata(&bad_sev)
            .unwrap_err()
            .message
            .contains("unknown severity"));
        let bad_name = GOOD.replace("some-bad-thing", "SomeBadThing");
        assert!(parse_rule_metadata(&bad_name)
            .unwrap_err()
            .message
            .contains("kebab-case"));
        let unknown = GOOD.replace("#   kinds: [Pod]\n", "#   kinds: [Pod]\n#   colour: red\n");
        assert!(parse_rule_metadata(&unknown)
            .unwrap_err()
            .message
            .contains("unknown field"));
        assert!(parse_rule_metadata("package x\n")
            .unwrap_err()
            .message
            .contains("no `# METADATA`"));
    }
}
