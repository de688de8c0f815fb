//! Builds JSON values from yaml-rust2 parser events, with line tracking and
//! limits on depth and alias expansion. Scalars resolve the way kubectl's YAML
//! decoder (go-yaml v2 via sigs.k8s.io/yaml) resolves them.
use super::Limits;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Absolute 1-based line, when known.
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug)]
pub struct ParsedDocument {
    pub value: Value,
    pub line: usize,
    pub item_lines: Vec<usize>,
}

enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
    },
    Map {
        map: Map<String, Value>,
        key: Option<String>,
        anchor: usize,
        merged: Vec<String>,
    },
}

struct Builder<'l> {
    limits: &'l Limits,
    line_offset: usize,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Value, usize, usize)>,
    alias_nodes: usize,
    alias_bytes: usize,
    root: Option<Value>,
    first_line: Option<usize>,
    item_lines: Vec<usize>,
}

/// Parses one YAML document. `Ok(None)` means the document holds no content.
pub fn parse_yaml_document(
    text: &str,
    first_line: usize,
    limits: &Limits,
) -> Result<Option<ParsedDocument>, ParseError> {
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder {
        limits,
        line_offset: first_line - 1,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        alias_bytes: 0,
        root: None,
        first_line: None,
        item_lines: Vec::new(),
    };
    loop {
        let (event, mark) = parser.next_token().map_err(|e| ParseError {
            line: Some(b.abs_line(e.marker())),
            message: format!("invalid YAML: {}", e.info()),
        })?;
        match event {
            Event::StreamEnd => break,
            Event::StreamStart | Event::DocumentStart | Event::DocumentEnd | Event::Nothing => {}
            event => b.on_event(event, &mark)?,
        }
    }
    Ok(b.root.map(|value| ParsedDocument {
        value,
        line: b.first_line.unwrap_or(first_line),
        item_lines: b.item_lines,
    }))
}

impl Builder<'_> {
    fn abs_line(&self, mark: &Marker) -> usize {
        self.line_offset + mark.line()
    }

    fn error(&self, mark: &Marker, message: String) -> ParseError {
        ParseError {
            line: Some(self.abs_line(mark)),
            message,
        }
    }

    fn on_event(&mut self, event: Event, mark: &Marker) -> Result<(), ParseError> {
        if self.first_line.is_none() {
            self.first_line = Some(self.abs_line(mark));
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = resolve_scalar(text, style, tag.as_ref());
                self.push_value(value, anchor, mark)
            }
            Event::SequenceStart(anchor, _) => {
                self.check_depth(mark)?;
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    anchor,
                });
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                self.check_depth(mark)?;
                if self.in_top_level_items() {
                    self.item_lines.push(self.abs_line(mark));
                }
                self.stack.push(Frame::Map {
                    map: Map::new(),
                    key: None,
                    anchor,
                    merged: Vec::new(),
                });
                Ok(())
            }
            Event::SequenceEnd => match self.stack.pop() {
                Some(Frame::Seq { items, anchor }) => {
                    self.push_value(Value::Array(items), anchor, mark)
                }
                _ => Err(self.error(mark, "unbalanced sequence".into())),
            },
            Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Map { map, anchor, .. }) => {
                    self.push_value(Value::Object(map), anchor, mark)
                }
                _ => Err(self.error(mark, "unbalanced mapping".into())),
            },
            Event::Alias(id) => {
                let Some((value, nodes, bytes)) = self.anchors.get(&id) else {
                    return Err(self.error(mark, "alias refers to an unknown anchor".into()));
                };
                self.alias_nodes += nodes;
                self.alias_bytes = self.alias_bytes.saturating_add(*bytes);
                if self.alias_bytes > self.limits.max_alias_bytes {
                    return Err(self.error(
                        mark,
                        format!(
                            "alias expansion exceeds {} MiB (a YAML alias bomb?); document rejected",
                            self.limits.max_alias_bytes / (1024 * 1024)
                        ),
                    ));
                }
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(self.error(
                        mark,
                        format!(
                            "alias expansion exceeds {} nodes (a YAML alias bomb?); document rejected",
                            self.limits.max_alias_nodes
                        ),
                    ));
                }
                let value = value.clone();
                self.push_value(value, 0, mark)
            }
            _ => Ok(()),
        }
    }

    fn check_depth(&self, mark: &Marker) -> Result<(), ParseError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.error(
                mark,
                format!(
                    "nesting exceeds the limit of {} levels",
                    self.limits.max_depth
                ),
            ));
        }
        Ok(())
    }

    /// True while inside the sequence under the root mapping's `items` key.
    fn in_top_level_items(&self) -> bool {
        matches!(
            self.stack.as_slice(),
            [Frame::Map { key: Some(k), .. }, Frame::Seq { .. }] if k == "items"
        )
    }

    fn push_value(&mut self, value: Value, anchor: usize, mark: &Marker) -> Result<(), ParseError> {
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                (value.clone(), count_nodes(&value), count_bytes(&value)),
            );
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(value);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(value);
                Ok(())
            }
            Some(Frame::Map {
                map, key, merged, ..
            }) => match key.take() {
                None => {
                    let k = match value {
                        Value::String(s) => s,
                        Value::Null => "null".into(),
                        Value::Bool(b) => b.to_string(),
                        Value::Number(n) => n.to_string(),
                        _ => return Err(self.error(mark, "mapping keys must be scalars".into())),
                    };
                    *key = Some(k);
                    Ok(())
                }
                Some(k) if k == "<<" => merge_into(map, merged, value).map_err(|m| ParseError {
                    line: Some(self.line_offset + mark.line()),
                    message: m,
                }),
                Some(k) => {
                    if let Some(i) = merged.iter().position(|m| *m == k) {
                        merged.swap_remove(i);
                    } else if map.contains_key(&k) {
                        let line = self.abs_line(mark);
                        return Err(ParseError {
                            line: Some(line),
                            message: format!("duplicate key {k:?}"),
                        });
                    }
                    map.insert(k, value);
                    Ok(())
                }
            },
        }
    }
}

/// YAML merge keys (`<<: *base`): explicit entries win, before or after the merge.
fn merge_into(
    map: &mut Map<String, Value>,
    merged: &mut Vec<String>,
    value: Value,
) -> Result<(), String> {
    let sources = match value {
        Value::Object(o) => vec![o],
        Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Value::Object(o) => Ok(o),
                _ => Err("merge key `<<` takes mappings".to_string()),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err("merge key `<<` takes a mapping".into()),
    };
    for source in sources {
        for (k, v) in source {
            if !map.contains_key(&k) {
                merged.push(k.clone());
                map.insert(k, v);
            }
        }
    }
    Ok(())
}

fn count_nodes(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(count_nodes).sum::<usize>(),
        Value::Object(o) => 1 + o.values().map(count_nodes).sum::<usize>(),
        _ => 1,
    }
}

/// The text an expansion copies: scalars and keys, plus one byte per node.
fn count_bytes(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(count_bytes).sum::<usize>(),
        Value::Object(o) => {
            1 + o
                .iter()
                .map(|(k, v)| k.len() + count_bytes(v))
                .sum::<usize>()
        }
        Value::String(s) => 1 + s.len(),
        _ => 8,
    }
}

fn resolve_scalar(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        if tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:" {
            return match tag.suffix.as_str() {
                "str" | "binary" | "timestamp" => Value::String(text),
                _ => resolve_plain(text),
            };
        }
    }
    if style == TScalarStyle::Plain {
        resolve_plain(text)
    } else {
        Value::String(text)
    }
}

fn resolve_plain(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            return Value::Bool(true)
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        _ => {}
    }
    if let Some(n) = parse_number(&text) {
        return Value::Number(n);
    }
    Value::String(text)
}

fn parse_number(s: &str) -> Option<Number> {
    let bytes = s.as_bytes();
    let first = *bytes.first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    let unsigned = s.trim_start_matches(['-', '+']);
    if let Some(hex) = unsigned.strip_prefix("0x") {
        let v = i64::from_str_radix(hex, 16).ok()?;
        return Some(Number::from(if s.starts_with('-') { -v } else { v }));
    }
    if let Some(oct) = unsigned.strip_prefix("0o") {
        let v = i64::from_str_radix(oct, 8).ok()?;
        return Some(Number::from(if s.starts_with('-') { -v } else { v }));
    }
    if unsigned.bytes().all(|b| b.is_ascii_digit()) && !unsigned.is_empty() {
        if let Ok(i) = s.trim_start_matches('+').parse::<i64>() {
            return Some(Number::from(i));
        }
    }
    let is_float = unsigned
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && unsigned.bytes().any(|b| b.is_ascii_digit());
    if is_float {
        return s.parse::<f64>().ok().and_then(Number::from_f64);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Value, ParseError> {
        parse_yaml_document(text, 1, &Limits::default()).map(|d| d.unwrap().value)
    }

    #[test]
    fn resolves_scalars_like_kubectl() {
        let v = parse(
            "a: 1\nb: \"1\"\nc: true\nd: ~\ne: 1.5\nf: text\ng: 012345678901\nh: !!str 5\ni: yes\n",
        )
        .unwrap();
        assert_eq!(v["a"], 1);
        assert_eq!(v["b"], "1");
        assert_eq!(v["c"], true);
        assert!(v["d"].is_null());
        assert_eq!(v["e"], 1.5);
        assert_eq!(v["f"], "text");
        assert_eq!(v["g"], 12345678901_i64);
        assert_eq!(v["h"], "5");
        assert_eq!(v["i"], true);
    }

    #[test]
    fn reports_absolute_lines() {
        let doc = parse_yaml_document("\n\nkind: Pod\n", 10, &Limits::default())
            .unwrap()
            .unwrap();
        assert_eq!(doc.line, 12);
        let err = parse_yaml_document("a: 1\nb: [\n", 5, &Limits::default()).unwrap_err();
        assert!(err.line.unwrap() >= 6, "{err:?}");
    }

    #[test]
    fn rejects_duplicate_keys_and_deep_nesting() {
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.message, "duplicate key \"a\"");
        assert_eq!(err.line, Some(3));
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(&deep)
            .unwrap_err()
            .message
            .contains("nesting exceeds"));
    }

    #[test]
    fn stops_alias_bombs() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            bomb.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                [prev.as_str(); 9].join(", ")
            ));
        }
        let err = parse(&bomb).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err:?}");
    }

    #[test]
    fn stops_alias_bombs_by_bytes() {
        let big = "x".repeat(1024 * 1024);
        let mut bomb = format!("a: &a \"{big}\"\nb: [");
        bomb.push_str(&vec!["*a"; 2000].join(", "));
        bomb.push_str("]\n");
        let limits = Limits::for_file_size(8 * 1024 * 1024);
        let err = parse_yaml_document(&bomb, 1, &limits).unwrap_err();
        assert!(err.message.contains("exceeds 4 MiB"), "{err:?}");
    }

    #[test]
    fn merges_keys_and_records_list_item_lines() {
        let v = parse("base: &b {x: 1, y: 2}\nobj:\n  <<: *b\n  y: 3\n").unwrap();
        assert_eq!(v["obj"]["x"], 1);
        assert_eq!(v["obj"]["y"], 3);
        let doc = parse_yaml_document(
            "kind: List\nitems:\n- kind: A\n  x: 1\n- kind: B\n",
            1,
            &Limits::default(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(doc.item_lines, vec![3, 5]);
    }
}
