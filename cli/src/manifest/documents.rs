//! Splits a file into documents so that one malformed document does not hide
//! the ones after it. YAML document markers (`---`, `...`) must start at column
//! 0, where no block scalar or flow collection can continue, so a line-based
//! split is exact.
use super::yaml::{parse_yaml_document, ParseError};
use super::Limits;
use serde_json::Value;

pub struct Document {
    /// 1-based document number.
    pub number: usize,
    /// 1-based line where the document's content starts.
    pub line: usize,
    pub result: Result<Value, ParseError>,
    /// Start lines of the entries of a top-level `items` list (for `kind: List`).
    pub item_lines: Vec<usize>,
    /// Where the document's text sits in the file, to find field lines later.
    pub span: Span,
}

/// A document's byte range in its file and the line number of its first byte.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub first_line: usize,
}

pub fn parse_documents(text: &str, limits: &Limits) -> Vec<Document> {
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let first = text[bom..].trim_start();
    if first.starts_with('{') || first.starts_with('[') {
        return vec![parse_json(text, bom, limits)];
    }
    let mut docs = Vec::new();
    for chunk in split_documents(text, bom) {
        let number = docs.len() + 1;
        let span = Span {
            start: chunk.start,
            end: chunk.start + chunk.text.len(),
            first_line: chunk.first_line,
        };
        match parse_yaml_document(chunk.text, chunk.first_line, limits) {
            // Only comments, blank lines or a bare `---`: kubectl skips these too.
            Ok(None) => {}
            Ok(Some(parsed)) if parsed.value.is_null() => {}
            Ok(Some(parsed)) => docs.push(Document {
                number,
                line: parsed.line,
                result: Ok(parsed.value),
                item_lines: parsed.item_lines,
                span,
            }),
            Err(e) => docs.push(Document {
                number,
                line: chunk.content_line,
                result: Err(e),
                item_lines: vec![],
                span,
            }),
        }
    }
    docs
}

fn parse_json(text: &str, bom: usize, limits: &Limits) -> Document {
    let result = serde_json::from_str::<Value>(&text[bom..])
        .map_err(|e| ParseError {
            line: Some(e.line()),
            message: format!("invalid JSON: {e}"),
        })
        .and_then(|v| {
            let depth = depth(&v);
            if depth > limits.max_depth {
                Err(ParseError {
                    line: None,
                    message: format!(
                        "nesting is {depth} levels deep, over the limit of {}",
                        limits.max_depth
                    ),
                })
            } else {
                Ok(v)
            }
        });
    let span = Span {
        start: bom,
        end: text.len(),
        first_line: 1,
    };
    Document {
        number: 1,
        line: 1,
        result,
        item_lines: vec![],
        span,
    }
}

fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

struct Chunk<'a> {
    text: &'a str,
    /// Byte offset of the chunk in the file.
    start: usize,
    /// Line number of the chunk's first line.
    first_line: usize,
    /// Line of the first non-blank, non-comment line (for errors).
    content_line: usize,
}

fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
}

fn split_documents(text: &str, from: usize) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut start = from;
    let mut start_line = 1usize;
    let mut offset = from;
    for (i, line) in text[from..].split_inclusive('\n').enumerate() {
        let line_no = i + 1;
        // Only a line starting with `-` or `.` can be a marker.
        if line.starts_with(['-', '.']) {
            let bare = line.trim_end_matches(['\n', '\r']);
            if is_marker(bare, "---") && offset > start {
                chunks.push(make_chunk(text, start, offset, start_line));
                start = offset;
                start_line = line_no;
            } else if is_marker(bare, "...") {
                chunks.push(make_chunk(text, start, offset, start_line));
                start = offset + line.len();
                start_line = line_no + 1;
            }
        }
        offset += line.len();
    }
    if start < text.len() {
        chunks.push(make_chunk(text, start, text.len(), start_line));
    }
    chunks
}

fn make_chunk(text: &str, from: usize, to: usize, first_line: usize) -> Chunk<'_> {
    let body = &text[from..to];
    let content_line = body
        .lines()
        .position(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#') && t != "---"
        })
        .map_or(first_line, |i| first_line + i);
    Chunk {
        text: body,
        start: from,
        first_line,
        content_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, usize)> {
        split_documents(text, 0)
            .iter()
            .map(|c| (c.first_line, c.content_line))
            .collect()
    }

    #[test]
    fn splits_on_markers_at_column_zero_only() {
        let text = "a: 1\n---\nb: |\n  ---\n  x\n--- \n# c\nc: 3\n...\n";
        assert_eq!(lines(text), vec![(1, 1), (2, 3), (6, 8)]);
    }

    #[test]
    fn leading_marker_does_not_make_an_empty_document() {
        assert_eq!(lines("---\na: 1\n"), vec![(1, 2)]);
    }
}
