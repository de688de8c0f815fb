//! Maps a finding's JSON path back to the line of the offending field, by
//! re-reading the object's YAML with spans. Only done for findings, so the
//! loader itself never pays for it.
use yaml_rust2::parser::{Event, Parser};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Parses `spec.containers[0].env[1].value` and `metadata.annotations["a.b/c"]`.
fn parse_path(path: &str) -> Option<Vec<Segment>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            if let Some(r) = r.strip_prefix('"') {
                // A quoted key: find the closing quote that is not escaped.
                let mut key = String::new();
                let mut chars = r.char_indices();
                let mut end = None;
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' => key.push(chars.next()?.1),
                        '"' => {
                            end = Some(i);
                            break;
                        }
                        c => key.push(c),
                    }
                }
                let end = end?;
                rest = r[end + 1..].strip_prefix(']')?;
                out.push(Segment::Key(key));
            } else {
                let close = r.find(']')?;
                out.push(Segment::Index(r[..close].parse().ok()?));
                rest = &r[close + 1..];
            }
        } else {
            let r = rest.strip_prefix('.').unwrap_or(rest);
            let end = r.find(['.', '[']).unwrap_or(r.len());
            out.push(Segment::Key(r[..end].to_string()));
            rest = &r[end..];
        }
    }
    Some(out)
}

enum Frame {
    Seq { next: usize },
    Map { key: Option<(String, usize)> },
}

/// The 1-based line of `path` inside the YAML document `text` (whose first line
/// is `first_line`), or of its deepest existing ancestor. `prefix` selects a
/// List item (`items[3]`) before the path is followed.
pub fn line_of_path(
    text: &str,
    first_line: usize,
    prefix: Option<usize>,
    path: &str,
) -> Option<usize> {
    let mut target = Vec::new();
    if let Some(i) = prefix {
        target.push(Segment::Key("items".into()));
        target.push(Segment::Index(i));
    }
    target.extend(parse_path(path)?);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut current: Vec<Segment> = Vec::new();
    let mut best: Option<(usize, usize)> = None; // (matched depth, line)
    loop {
        let (event, mark) = parser.next_token().ok()?;
        let line = first_line - 1 + mark.line();
        // Is this event a node (not a key scalar, not an end)?
        let starts_node = matches!(
            event,
            Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(..)
        );
        if starts_node {
            let mut key_line = line;
            let is_key = match stack.last_mut() {
                Some(Frame::Map { key }) if key.is_none() => {
                    if let Event::Scalar(ref s, ..) = event {
                        *key = Some((s.clone(), line));
                    }
                    true
                }
                Some(Frame::Map { key: Some((k, l)) }) => {
                    current.push(Segment::Key(k.clone()));
                    key_line = *l;
                    false
                }
                Some(Frame::Seq { next }) => {
                    current.push(Segment::Index(*next));
                    *next += 1;
                    false
                }
                _ => false,
            };
            if !is_key {
                let depth = current.len();
                if depth <= target.len()
                    && current[..] == target[..depth]
                    && best.is_none_or(|(d, _)| depth > d)
                {
                    best = Some((depth, key_line));
                    if depth == target.len() {
                        return Some(key_line);
                    }
                }
                match event {
                    Event::SequenceStart(..) => stack.push(Frame::Seq { next: 0 }),
                    Event::MappingStart(..) => stack.push(Frame::Map { key: None }),
                    _ => finish_node(&mut stack, &mut current),
                }
            }
            continue;
        }
        match event {
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                finish_node(&mut stack, &mut current);
            }
            Event::StreamEnd => break,
            _ => {}
        }
    }
    best.map(|(_, l)| l)
}

/// After a value completes, leave its path segment and reset the parent's key.
fn finish_node(stack: &mut [Frame], current: &mut Vec<Segment>) {
    match stack.last_mut() {
        Some(Frame::Map { key }) => {
            *key = None;
            current.pop();
        }
        Some(Frame::Seq { .. }) => {
            current.pop();
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  annotations:\n    a.b/c: \"1\"\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n        - name: b\n          env:\n            - name: K\n              value: v\n";

    #[test]
    fn finds_exact_lines() {
        assert_eq!(
            line_of_path(
                DOC,
                1,
                None,
                "spec.template.spec.containers[1].env[0].value"
            ),
            Some(15)
        );
        assert_eq!(
            line_of_path(DOC, 1, None, "metadata.annotations[\"a.b/c\"]"),
            Some(6)
        );
        assert_eq!(line_of_path(DOC, 10, None, "kind"), Some(11));
        assert_eq!(
            line_of_path(DOC, 1, None, "spec.template.spec.containers[0]"),
            Some(11)
        );
    }

    #[test]
    fn falls_back_to_the_deepest_existing_ancestor() {
        assert_eq!(
            line_of_path(DOC, 1, None, "metadata.labels[\"x\"]"),
            Some(3)
        );
    }

    #[test]
    fn follows_list_items() {
        let list = "kind: List\nitems:\n- kind: A\n  metadata:\n    name: one\n- kind: B\n  metadata:\n    name: two\n";
        assert_eq!(line_of_path(list, 1, Some(1), "metadata.name"), Some(8));
    }
}
