//! Reads Kubernetes manifests from files, directories and stdin.
//!
//! Every object remembers its file, document number and line. Bad input never
//! stops the run: each problem becomes an [`InputError`] naming file, document
//! and line, and the remaining documents and files are still read.

mod aws;
mod documents;
mod limits;
mod locate;
mod shape;
mod sources;
mod yaml;

pub use documents::Span;
pub use limits::Limits;
pub use locate::line_of_path;
pub use sources::{expand_sources, Source};

use serde_json::Value;
use std::sync::Arc;

/// Where an object came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The path as the user gave it (or found under a directory); `-` for stdin.
    pub file: Arc<str>,
    /// 1-based document number within the file.
    pub document: usize,
    /// 1-based line where the object starts.
    pub line: usize,
    /// Position in the document's `items` when the document is a List.
    pub item: Option<usize>,
    /// The document's place in the file's text.
    pub span: Span,
}

/// One Kubernetes object read from a manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub value: Value,
    pub origin: Origin,
}

/// A problem with the input. Displayed as `file: document N (line L): message`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InputError {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        match (self.document, self.line) {
            (Some(d), Some(l)) => write!(f, ": document {d} (line {l})")?,
            (Some(d), None) => write!(f, ": document {d}")?,
            (None, Some(l)) => write!(f, ": line {l}")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything read from a set of sources.
#[derive(Debug, Default)]
pub struct Loaded {
    pub manifests: Vec<Manifest>,
    /// The text of every file read, to locate the lines of findings.
    pub texts: std::collections::HashMap<Arc<str>, Arc<str>>,
    pub errors: Vec<InputError>,
    /// Problems that skip an input without failing the run (special files in a directory).
    pub warnings: Vec<InputError>,
    /// Directories given as sources that hold no manifest file.
    pub empty_sources: Vec<String>,
    pub files_read: usize,
    /// Objects skipped because no rule reads their kind.
    pub skipped_unknown_kinds: usize,
}

impl Loaded {
    /// The line of a field inside an object, from its JSON path.
    pub fn line_of(&self, origin: &Origin, path: &str) -> usize {
        self.texts
            .get(&origin.file)
            .and_then(|text| text.get(origin.span.start..origin.span.end))
            .and_then(|doc| line_of_path(doc, origin.span.first_line, origin.item, path))
            .unwrap_or(origin.line)
    }

    pub fn merge(&mut self, other: Loaded) {
        self.manifests.extend(other.manifests);
        self.texts.extend(other.texts);
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
        self.empty_sources.extend(other.empty_sources);
        self.files_read += other.files_read;
        self.skipped_unknown_kinds += other.skipped_unknown_kinds;
    }
}

/// Reads and parses every source. Files are read, then parsed, in parallel;
/// the result keeps the order of the sources.
pub fn load(
    sources: &[Source],
    limits: &Limits,
    is_supported_kind: &(dyn Fn(&str) -> bool + Sync),
) -> Loaded {
    load_timed(
        sources,
        limits,
        is_supported_kind,
        &mut crate::timings::Timings::disabled(),
    )
}

/// [`load`], recording the discover, read and parse phases.
pub fn load_timed(
    sources: &[Source],
    limits: &Limits,
    is_supported_kind: &(dyn Fn(&str) -> bool + Sync),
    timings: &mut crate::timings::Timings,
) -> Loaded {
    use rayon::prelude::*;
    let (files, mut loaded) = timings.phase("discover", || expand_sources(sources));
    let texts: Vec<Result<String, InputError>> = timings.phase("read", || {
        files
            .par_iter()
            .map(|file| sources::read_source(file, limits))
            .collect()
    });
    let parts: Vec<Loaded> = timings.phase("parse", || {
        files
            .par_iter()
            .zip(texts.into_par_iter())
            .map(|(file, text)| match text {
                Ok(text) => {
                    let mut part =
                        parse_text(&file.display_name(), &text, limits, is_supported_kind);
                    part.files_read = 1;
                    part
                }
                Err(e) => Loaded {
                    errors: vec![e],
                    ..Loaded::default()
                },
            })
            .collect()
    });
    for part in parts {
        loaded.merge(part);
    }
    loaded
}

/// Parses the text of one file: JSON, or one or more YAML documents.
pub fn parse_text(
    file: &str,
    text: &str,
    limits: &Limits,
    is_supported_kind: &(dyn Fn(&str) -> bool + Sync),
) -> Loaded {
    let file: Arc<str> = Arc::from(file);
    let mut out = Loaded::default();
    if let Some(e) = binary_data(&file, text) {
        out.errors.push(e);
        return out;
    }
    out.texts.insert(file.clone(), Arc::from(text));
    for doc in documents::parse_documents(text, limits) {
        let origin = Origin {
            file: file.clone(),
            document: doc.number,
            line: doc.line,
            item: None,
            span: doc.span,
        };
        match doc.result {
            Ok(value) => add_object(value, origin, &doc.item_lines, is_supported_kind, &mut out),
            Err(e) => out.errors.push(InputError {
                file: file.to_string(),
                document: Some(doc.number),
                line: Some(e.line.unwrap_or(doc.line)),
                message: e.message,
            }),
        }
    }
    out
}

/// Text that neither YAML nor JSON allows raw: a NUL or another C0 control
/// character (tab, newline and carriage return aside). Such a file is binary
/// data, not an empty manifest.
fn binary_data(file: &str, text: &str) -> Option<InputError> {
    // One search over the whole file, not a loop per character.
    static CONTROL: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let control = CONTROL
        .get_or_init(|| regex::Regex::new(r"[\x00-\x08\x0B\x0C\x0E-\x1F]").expect("valid regex"));
    let offset = control.find(text)?.start();
    let c = text.as_bytes()[offset];
    let line = text[..offset].bytes().filter(|b| *b == b'\n').count() + 1;
    Some(InputError {
        file: file.to_string(),
        document: None,
        line: Some(line),
        message: format!(
            "binary data, not YAML or JSON (control character 0x{:02x} at byte {offset})",
            u32::from(c)
        ),
    })
}

fn add_object(
    value: Value,
    origin: Origin,
    item_lines: &[usize],
    is_supported_kind: &(dyn Fn(&str) -> bool + Sync),
    out: &mut Loaded,
) {
    let error = |origin: &Origin, message: String| InputError {
        file: origin.file.to_string(),
        document: Some(origin.document),
        line: Some(origin.line),
        message,
    };
    let Value::Object(map) = &value else {
        out.errors.push(error(
            &origin,
            format!("document is {}, not a Kubernetes object", describe(&value)),
        ));
        return;
    };
    // AWS CLI and Terraform documents declare IAM roles and associations.
    if let Some(converted) = aws::convert(map) {
        for problem in converted.problems {
            out.errors.push(error(&origin, problem));
        }
        for (object, at) in converted.objects {
            let line = out
                .texts
                .get(&origin.file)
                .and_then(|t| t.get(origin.span.start..origin.span.end))
                .and_then(|doc| line_of_path(doc, origin.span.first_line, None, &at))
                .unwrap_or(origin.line);
            // An empty span: paths inside the converted object are not in the
            // text, so every finding on it points at its declaration's line.
            let origin = Origin {
                line,
                span: Span {
                    start: origin.span.start,
                    end: origin.span.start,
                    first_line: line,
                },
                ..origin.clone()
            };
            add_object(object, origin, &[], is_supported_kind, out);
        }
        return;
    }
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let missing: Vec<&str> = [("apiVersion", api_version), ("kind", kind)]
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(k, _)| *k)
        .collect();
    if !missing.is_empty() {
        out.errors.push(error(
            &origin,
            format!("object has no {}", missing.join(" or ")),
        ));
        return;
    }
    if kind.ends_with("List")
        && !matches!(map.get("items"), None | Some(Value::Null | Value::Array(_)))
    {
        let items = map.get("items").map_or("missing", describe);
        out.errors.push(error(
            &origin,
            format!("{kind} items is {items}, not a list of objects"),
        ));
        return;
    }
    if kind.ends_with("List") && matches!(map.get("items"), Some(Value::Array(_))) {
        let Value::Object(mut map) = value else {
            unreachable!("checked above")
        };
        let Some(Value::Array(items)) = map.remove("items") else {
            unreachable!("checked above")
        };
        for (i, item) in items.into_iter().enumerate() {
            let line = item_lines.get(i).copied().unwrap_or(origin.line);
            let item_origin = Origin {
                line,
                item: Some(i),
                ..origin.clone()
            };
            if !item.is_object() {
                out.errors.push(error(
                    &item_origin,
                    format!("items[{i}] is {}, not a Kubernetes object", describe(&item)),
                ));
                continue;
            }
            add_object(item, item_origin, &[], is_supported_kind, out);
        }
        return;
    }
    if !map.get("metadata").is_none_or(Value::is_object) {
        out.errors.push(error(
            &origin,
            format!("{kind} has metadata that is not a mapping"),
        ));
        return;
    }
    if !is_supported_kind(kind) {
        out.skipped_unknown_kinds += 1;
        return;
    }
    if let Some((path, problem)) = shape::check(&value) {
        let line = out
            .texts
            .get(&origin.file)
            .and_then(|t| t.get(origin.span.start..origin.span.end))
            .and_then(|doc| line_of_path(doc, origin.span.first_line, origin.item, &path))
            .unwrap_or(origin.line);
        out.errors.push(InputError {
            file: origin.file.to_string(),
            document: Some(origin.document),
            line: Some(line),
            message: format!(
                "{kind} {:?}: {problem}; the object was not checked",
                name_of(&value)
            ),
        });
        return;
    }
    out.manifests.push(Manifest { value, origin });
}

fn name_of(v: &Value) -> &str {
    v.get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::binary_data;

    #[test]
    fn control_characters_mark_binary_data() {
        let e = binary_data("f", "a: é\nb: \u{1}\n").unwrap();
        assert_eq!(e.line, Some(2));
        assert!(
            e.message.ends_with("(control character 0x01 at byte 9)"),
            "{}",
            e.message
        );
        assert!(binary_data("f", "a:\tb\r\nc: \u{7f}\u{85}é\n").is_none());
        assert!(binary_data("f", "\u{1f}").is_some());
    }
}
