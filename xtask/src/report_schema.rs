//! docs/json-schema.md, generated from docs/report.schema.json: the schema is
//! the one source, and the end-to-end tests validate real reports against it.
use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};
use std::fmt::Write as _;

pub const SCHEMA_PATH: &str = "docs/report.schema.json";
pub const PAGE_PATH: &str = "docs/json-schema.md";

/// The definitions documented, in reading order (the others are value types
/// rendered inline: Severity, Method, Suppression).
const SECTIONS: &[&str] = &[
    "Finding",
    "Workload",
    "Summary",
    "InputError",
    "Suppressed",
    "Resource",
    "Source",
];

pub fn page(schema_text: &str) -> Result<String> {
    let schema: Value = serde_json::from_str(schema_text).context("parsing the report schema")?;
    let mut out = String::new();
    writeln!(out, "# JSON and YAML report schema (version 1)\n")?;
    writeln!(
        out,
        "<!-- Generated from {SCHEMA_PATH} by `cargo xtask docs`; edit the schema, not this page. -->\n"
    )?;
    writeln!(out, "{}\n", text(&schema, "description")?)?;
    writeln!(
        out,
        "The machine-readable schema (JSON Schema 2020-12) is [report.schema.json](report.schema.json).\n"
    )?;
    table(&mut out, &schema)?;
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .context("schema has no $defs")?;
    for name in SECTIONS {
        let def = defs
            .get(*name)
            .with_context(|| format!("schema has no $defs/{name}"))?;
        writeln!(out, "\n## {name}\n")?;
        if let Some(description) = def.get("description").and_then(Value::as_str) {
            writeln!(out, "{}.\n", capitalise(description))?;
        }
        table(&mut out, def)?;
    }
    Ok(out)
}

fn table(out: &mut String, object: &Value) -> Result<()> {
    let properties = object
        .get("properties")
        .and_then(Value::as_object)
        .context("an object definition without properties")?;
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    writeln!(out, "| field | type | meaning |\n|---|---|---|")?;
    for (field, spec) in properties {
        let optional = if required.contains(&field.as_str()) {
            ""
        } else {
            ", optional"
        };
        writeln!(
            out,
            "| `{field}` | {}{optional} | {} |",
            type_of(spec)?,
            text(spec, "description")?
        )?;
    }
    Ok(())
}

fn text<'a>(spec: &'a Value, key: &str) -> Result<&'a str> {
    match spec.get(key).and_then(Value::as_str) {
        Some(t) => Ok(t),
        None => bail!("schema entry without {key}: {spec}"),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// A readable type: `string`, `integer or null`, `array of Finding`, `Severity`.
fn type_of(spec: &Value) -> Result<String> {
    if let Some(reference) = spec.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return Ok(match name {
            // Value types read better as what they are.
            "Severity" | "Method" => "string".to_string(),
            "Source" => "Source or null".to_string(),
            other => other.to_string(),
        });
    }
    if spec.get("const").is_some_and(Value::is_number) {
        return Ok("integer".to_string());
    }
    let types: Vec<&str> = match spec.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => bail!("schema entry without a type: {spec}"),
    };
    let rendered: Result<Vec<String>> = types
        .iter()
        .map(|t| match *t {
            "array" => Ok(format!(
                "array of {}",
                type_of(spec.get("items").unwrap_or(&Value::Object(Map::new())))?
            )),
            other => Ok(other.to_string()),
        })
        .collect();
    Ok(rendered?.join(" or "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_the_committed_schema_is_on_the_page() {
        let root = crate::root();
        let schema = std::fs::read_to_string(root.join(SCHEMA_PATH)).unwrap();
        let page = page(&schema).unwrap();
        for field in [
            "`suppressed`",
            "`expiredExceptions`",
            "`clusters`",
            "`degradedRules`",
            "`cluster`",
        ] {
            assert!(page.contains(field), "{field} missing from the page");
        }
        assert!(page.contains("| `rank` | integer or null |"), "{page}");
    }

    #[test]
    fn an_entry_without_a_description_is_refused() {
        let schema =
            r#"{"description": "d", "properties": {"x": {"type": "string"}}, "$defs": {}}"#;
        let err = page(schema).unwrap_err().to_string();
        assert!(err.contains("without description"), "{err}");
    }
}
