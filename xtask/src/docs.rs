//! Documentation generated from its sources: rule METADATA, the policy tree,
//! the report schema and the CLI's own output on examples/.
use crate::rego_style::{POLICY_DIRS, RULES_DIR};
use crate::{report_schema, samples};
use anyhow::{bail, Context, Result};
use podauth_policies::{Bundle, Rule};
use std::fmt::Write as _;
use std::path::Path;

/// Generated regions of a hand-written page are fenced by `<!-- BEGIN GENERATED <NAME>:
/// cargo xtask docs -->` and `<!-- END GENERATED <NAME> -->`.
fn markers(region: &str) -> (String, String) {
    (
        format!("<!-- BEGIN GENERATED {region}: cargo xtask docs -->"),
        format!("<!-- END GENERATED {region} -->"),
    )
}

/// One generated page (or a page with generated regions): its old and new text.
struct Page {
    path: &'static str,
    old: String,
    new: String,
}

pub fn run(root: &Path, check: bool) -> Result<()> {
    let bundle = Bundle::embedded();
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap_or_default();
    let readme = read("README.md");
    let mut new_readme = splice(
        &readme,
        "README.md",
        "RULES TABLE",
        &rules_table(&bundle.rules),
    )?;
    for (region, text) in samples::regions(root)? {
        new_readme = splice(&new_readme, "README.md", region, &text)?;
    }
    let policies_readme = read(POLICIES_README);
    let new_policies_readme = splice(
        &policies_readme,
        POLICIES_README,
        "LAYOUT",
        &policy_layout(&bundle)?,
    )?;
    let schema_page = report_schema::page(
        &std::fs::read_to_string(root.join(report_schema::SCHEMA_PATH))
            .context("reading the report schema")?,
    )?;
    let pages = [
        Page {
            path: "README.md",
            old: readme,
            new: new_readme,
        },
        Page {
            path: "docs/rules.md",
            old: read("docs/rules.md"),
            new: rules_reference(&bundle.rules),
        },
        Page {
            path: report_schema::PAGE_PATH,
            old: read(report_schema::PAGE_PATH),
            new: schema_page,
        },
        Page {
            path: POLICIES_README,
            old: policies_readme,
            new: new_policies_readme,
        },
    ];
    if check {
        let stale: Vec<&str> = pages
            .iter()
            .filter(|p| p.old != p.new)
            .map(|p| p.path)
            .collect();
        if !stale.is_empty() {
            bail!(
                "{} out of date with rule METADATA, the policy tree, the report schema or the CLI's output on examples/; run `cargo xtask docs`",
                stale.join(" and ")
            );
        }
        eprintln!("docs are up to date with {} rules", bundle.rules.len());
    } else {
        std::fs::create_dir_all(root.join("docs"))?;
        for page in &pages {
            std::fs::write(root.join(page.path), &page.new)?;
        }
        eprintln!(
            "wrote {} ({} rules)",
            pages.iter().map(|p| p.path).collect::<Vec<_>>().join(", "),
            bundle.rules.len()
        );
    }
    Ok(())
}

/// Replaces the text between a region's markers.
fn splice(doc: &str, doc_name: &str, region: &str, content: &str) -> Result<String> {
    let (begin, end) = markers(region);
    let (Some(start), Some(stop)) = (doc.find(&begin), doc.find(&end)) else {
        bail!("{doc_name} lacks the {begin} / {end} markers");
    };
    Ok(format!(
        "{}{begin}\n{content}{}",
        &doc[..start],
        &doc[stop..]
    ))
}

const POLICIES_README: &str = "policies/README.md";

/// The `policies/` tree as the bundle embeds it: each home of non-rule Rego
/// with its files' METADATA titles, then the rule layout.
fn policy_layout(bundle: &Bundle) -> Result<String> {
    let mut rows: Vec<(String, String)> = vec![];
    for dir in POLICY_DIRS {
        rows.push((format!("  {}/", dir.name), dir.holds.to_string()));
        let prefix = format!("policies/{}/", dir.name);
        let mut files: Vec<_> = bundle.libraries.iter().collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        for file in files {
            let Some(name) = file.path.strip_prefix(&prefix) else {
                continue;
            };
            let title = title_of(&file.text)
                .with_context(|| format!("{} has no METADATA title", file.path))?;
            let generated = if file.path == podauth_policies::kinds::KINDS_MODULE_PATH {
                " (generated from src/kinds.rs)"
            } else {
                ""
            };
            let package = if dir.package_prefix == "podauth.lib." {
                String::new()
            } else {
                format!(" (package {})", file.package)
            };
            rows.push((
                format!("    {name}"),
                format!("{title}{package}{generated}"),
            ));
        }
    }
    let first = bundle.rules.first().context("no rules")?;
    let id = &first.meta.id;
    rows.extend([
        (
            format!("  {RULES_DIR}/{id}/"),
            format!("one directory per rule ({} rules)", bundle.rules.len()),
        ),
        (
            "    policy.rego".into(),
            format!("package podauth.rules.{id}, with # METADATA"),
        ),
        (
            "    policy_test.rego".into(),
            "Rego unit tests (test_* rules)".into(),
        ),
        (
            "    good*.yaml".into(),
            "manifests that must produce no finding of this rule".into(),
        ),
        (
            "    bad*.yaml".into(),
            "manifests that must produce at least one".into(),
        ),
        (
            "  src/".into(),
            "the Rust crate: embeds the files above (build.rs), parses METADATA, evaluates".into(),
        ),
    ]);
    let width = rows.iter().map(|(a, _)| a.len()).max().unwrap_or(0) + 2;
    let mut out = String::from("```\npolicies/\n");
    for (name, what) in rows {
        let _ = writeln!(out, "{name:width$}{what}");
    }
    out.push_str("```\n");
    Ok(out)
}

/// The `title:` of a file's first `# METADATA` block.
fn title_of(text: &str) -> Option<&str> {
    text.lines()
        .skip_while(|l| l.trim_end() != "# METADATA")
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix("# title:"))
        .map(str::trim)
}

fn anchor(rule: &Rule) -> String {
    format!("{}-{}", rule.meta.id.to_lowercase(), rule.meta.name)
}

fn rules_table(rules: &[Rule]) -> String {
    let mut out = String::from("| ID | Name | Severity | Finds |\n|---|---|---|---|\n");
    for r in rules {
        let m = &r.meta;
        let _ = writeln!(
            out,
            "| [{}](docs/rules.md#{}) | `{}` | {} | {} |",
            m.id,
            anchor(r),
            m.name,
            m.severity,
            m.title
        );
    }
    out
}

fn rules_reference(rules: &[Rule]) -> String {
    let mut out = String::from(
        "# Rule reference\n\nGenerated by `cargo xtask docs` from each rule's `# METADATA` block; do not edit by hand.\n`kubectl podauth explain <ID>` prints the same text.\n",
    );
    for r in rules {
        let m = &r.meta;
        let _ = write!(
            out,
            "\n## {} {}\n\n**{}** · severity `{}` · category `{}` · applies to {}\n\n{}\n",
            m.id,
            m.name,
            m.title,
            m.severity,
            m.category,
            m.kinds.join(", "),
            m.description
        );
        if let Some(why) = &m.why {
            let _ = write!(out, "\n**Why it matters.** {why}\n");
        }
        let _ = write!(out, "\n**How to fix it.** {}\n", m.remediation);
        if let Some(migration) = &m.migration {
            let _ = write!(out, "\n**Migration path.** {migration}\n");
        }
        if !m.related_resources.is_empty() {
            out.push_str("\nReferences:\n");
            for link in &m.related_resources {
                let _ = writeln!(out, "- <{link}>");
            }
        }
        let _ = writeln!(out, "\nSource: [`{}`](../{})", r.file.path, r.file.path);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policies_readme_names_the_package_the_cli_generates() {
        let aggregate = podauth_policies::aggregate_module(&[]);
        let package = aggregate.lines().next().expect("a package line");
        let readme = std::fs::read_to_string(crate::root().join(POLICIES_README)).unwrap();
        assert!(
            readme.contains(&format!(
                "The CLI generates `{package}` (`{}`",
                podauth_policies::AGGREGATE_PATH
            )),
            "{POLICIES_README} must name `{package}`"
        );
    }

    #[test]
    fn splice_replaces_only_the_region() {
        let doc =
            "a\n<!-- BEGIN GENERATED X: cargo xtask docs -->\nold\n<!-- END GENERATED X -->\nb\n";
        assert_eq!(
            splice(doc, "doc", "X", "new\n").unwrap(),
            "a\n<!-- BEGIN GENERATED X: cargo xtask docs -->\nnew\n<!-- END GENERATED X -->\nb\n"
        );
        assert!(splice(doc, "doc", "Y", "new\n").is_err());
    }
}
