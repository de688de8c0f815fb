//! The output chokepoint for credentials. Every byte the program writes to
//! stdout, stderr or a file passes [`scrub`]: it masks every AWS credential
//! value seen in the input (learned with [`learn`] as objects are read), plus
//! anything that looks like one in free text ([`credentials::credential_spans`]):
//! key ids, secrets after their name, secret-key and session-token shapes.
//! Rules already mask the values they quote; this is the last line of defence.
use crate::credentials::{self, classify, mask, ValueClass};
use aho_corasick::AhoCorasick;
use base64::Engine as _;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::{OnceLock, RwLock};

/// Credential values collected from objects, and a matcher over them.
#[derive(Default)]
pub struct Redactor {
    secrets: BTreeSet<String>,
    /// Built on the first search after the secrets change, not on every
    /// [`learn`]: live mode and batches learn many times before they write.
    matcher: OnceLock<Option<AhoCorasick>>,
    /// Fake credentials of the bundled rule examples, which exports ship on
    /// purpose (a gator suite must still trip PA101 on them).
    allowed: BTreeSet<String>,
}

impl Redactor {
    /// Collects credential values from objects: strings holding credential
    /// material, literal values of credential env vars and secret-named
    /// entries, Secret values (raw and decoded) and credentials-file secrets.
    pub fn from_objects<'a>(objects: impl IntoIterator<Item = &'a Value>) -> Redactor {
        let mut r = Redactor::default();
        r.add_objects(objects);
        r
    }

    pub fn add_objects<'a>(&mut self, objects: impl IntoIterator<Item = &'a Value>) {
        let before = self.secrets.len();
        for object in objects {
            collect(object, &mut self.secrets);
            if object.get("kind").and_then(Value::as_str) == Some("Secret") {
                collect_secret_data(object, &mut self.secrets);
            }
        }
        if self.secrets.len() != before {
            self.matcher = OnceLock::new();
        }
    }

    fn matcher(&self) -> Option<&AhoCorasick> {
        self.matcher
            .get_or_init(|| {
                (!self.secrets.is_empty())
                    .then(|| AhoCorasick::new(&self.secrets).expect("valid patterns"))
            })
            .as_ref()
    }

    /// Byte ranges of credential material in `text`: learned values and
    /// [`credentials::credential_spans`]. Sorted, merged.
    pub fn spans(&self, text: &str) -> Vec<Range<usize>> {
        let mut spans = credentials::credential_spans(text);
        if let Some(matcher) = self.matcher() {
            spans.extend(matcher.find_iter(text).map(|m| m.range()));
        }
        if !self.allowed.is_empty() {
            spans.retain(|r| !self.allowed.contains(&text[r.clone()]));
        }
        credentials::merge(spans)
    }

    /// Replaces every credential value in `text` with its mask.
    pub fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        replace_spans(text, &self.spans(text), mask)
    }

    /// `text` without its credential values (for copies that must not carry
    /// even a mask).
    pub fn cut<'t>(&self, text: &'t str) -> Cow<'t, str> {
        replace_spans(text, &self.spans(text), |_| String::new())
    }

    /// True when `text` holds a credential this redactor would mask.
    pub fn holds_credential(&self, text: &str) -> bool {
        !self.spans(text).is_empty()
    }

    /// False only when no line of `text` holds anything [`Redactor::spans`]
    /// would find: no credential pattern and no learned value occurs anywhere
    /// in it (see [`credentials::may_hold_credential`]).
    fn may_hold_credential(&self, text: &str) -> bool {
        credentials::may_hold_credential(text) || self.matcher().is_some_and(|m| m.is_match(text))
    }
}

fn replace_spans<'t>(
    text: &'t str,
    spans: &[Range<usize>],
    with: impl Fn(&str) -> String,
) -> Cow<'t, str> {
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for span in spans {
        out.push_str(&text[at..span.start]);
        out.push_str(&with(&text[span.clone()]));
        at = span.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

fn add_secret(value: &str, found: &mut BTreeSet<String>) {
    let v = value.trim();
    // Very short values ("true", "1") are not credentials and would mangle
    // text; a line-oriented writer never sees a multi-line value whole.
    if v.len() >= 8 && !v.contains('\n') && credentials::literal_credential(v) {
        found.insert(v.to_string());
    }
}

fn add_text(text: &str, found: &mut BTreeSet<String>) {
    for span in credentials::credential_spans(text) {
        add_secret(&text[span], found);
    }
}

/// A name whose literal value is a credential: the env vars, secret-key and
/// session-token names (as entries or as flags).
fn credential_name(name: &str) -> bool {
    credentials::CREDENTIAL_ENV.contains(&name) || credentials::secret_or_token_name(name)
}

fn collect_secret_data(object: &Value, found: &mut BTreeSet<String>) {
    for field in ["data", "stringData"] {
        let Some(Value::Object(entries)) = object.get(field) else {
            continue;
        };
        for (key, value) in entries {
            let Some(value) = value.as_str() else {
                continue;
            };
            let text = if field == "data" {
                base64::engine::general_purpose::STANDARD
                    .decode(value.trim())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
            } else {
                Some(value.to_string())
            };
            let Some(text) = text else { continue };
            if !matches!(
                classify(key, &text),
                ValueClass::Other | ValueClass::ConfigFile
            ) {
                add_secret(&text, found);
            }
            add_text(&text, found);
        }
    }
}

/// Walks every string: credential material anywhere, values under credential names.
fn collect(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => add_text(s, found),
        Value::Array(items) => {
            // `["--aws-secret-access-key", "VALUE"]`: the split flag form.
            for pair in items.windows(2) {
                if let [Value::String(flag), Value::String(v)] = pair {
                    if credentials::secret_flag(flag) {
                        add_secret(v, found);
                    }
                }
            }
            items.iter().for_each(|v| collect(v, found));
        }
        Value::Object(map) => {
            if let Some(Value::String(name)) = map.get("name") {
                if credential_name(name) {
                    if let Some(Value::String(v)) = map.get("value") {
                        add_secret(v, found);
                    }
                }
            }
            for (key, v) in map {
                if let Value::String(s) = v {
                    if credential_name(key) {
                        add_secret(s, found);
                    }
                }
                collect(v, found);
            }
        }
        _ => {}
    }
}

fn global() -> &'static RwLock<Redactor> {
    static GLOBAL: OnceLock<RwLock<Redactor>> = OnceLock::new();
    GLOBAL.get_or_init(|| RwLock::new(Redactor::default()))
}

/// Adds the credential values of input objects to the process-wide redactor.
/// Every reader of input (files, stdin, clusters, config) calls this.
pub fn learn<'a>(objects: impl IntoIterator<Item = &'a Value>) {
    let mut r = global()
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    r.add_objects(objects);
}

/// Lets the credential material of the bundled rule examples through: they
/// are published fakes, and `export` writes them into test suites on purpose.
/// Only called by `export`, with the embedded examples' texts.
pub fn allow_examples<'a>(texts: impl IntoIterator<Item = &'a str>) {
    let mut r = global()
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for text in texts {
        for span in credentials::credential_spans(text) {
            r.allowed.insert(text[span].to_string());
        }
    }
}

/// Learns the secrets in free text read from input (a config file, a policy).
pub fn learn_text(text: &str) {
    let mut found = BTreeSet::new();
    add_text(text, &mut found);
    if !found.is_empty() {
        learn(&[Value::Array(found.into_iter().map(Value::String).collect())]);
    }
}

/// Masks every credential in `text`, with everything learned so far.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let r = global()
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    replace_spans(text, &r.spans(text), mask)
}

/// `text` without the credentials in it (see [`Redactor::cut`]).
pub fn cut(text: &str) -> Cow<'_, str> {
    let r = global()
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    replace_spans(text, &r.spans(text), |_| String::new())
}

/// True when `text` holds anything [`scrub`] would mask.
pub fn holds_credential(text: &str) -> bool {
    global()
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .holds_credential(text)
}

/// Text bytes scrubbed; bytes that are not UTF-8 (a Wasm module) pass as they are.
pub fn scrub_bytes(bytes: &[u8]) -> Cow<'_, [u8]> {
    match std::str::from_utf8(bytes) {
        Ok(text) => match scrub(text) {
            Cow::Borrowed(_) => Cow::Borrowed(bytes),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        },
        Err(_) => Cow::Borrowed(bytes),
    }
}

/// Writes a file through the chokepoint.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> io::Result<()> {
    std::fs::write(path, scrub_bytes(bytes))
}

/// A parser's message (serde, YAML) with every quoted input value replaced by
/// its length: `invalid type: string "AKIA..."` -> `invalid type: string (a
/// 20-character value)`. Error types never carry raw input values.
pub fn without_input_values(message: &str) -> String {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r#"(invalid (?:type|value): (?:string|map|sequence|integer|floating point|boolean|character|unit variant|newtype variant|tuple variant|struct variant) |unknown (?:field|variant) |invalid length )("(?:[^"\\]|\\.)*"|`[^`]*`|[-+0-9.e]+)"#,
        )
        .expect("valid regex")
    });
    re.replace_all(message, |c: &regex::Captures| {
        let quoted = &c[2];
        let n = quoted.trim_matches(['"', '`']).chars().count();
        format!("{}(a {n}-character value)", &c[1])
    })
    .into_owned()
}

/// A Rego compiler message without the source excerpt it quotes (`  5 | x := ...`
/// and the caret line under it): a policy line can hold a credential.
pub fn without_source_lines(message: &str) -> String {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"^\s*[0-9]*\s*\|").expect("valid regex"));
    message
        .lines()
        .filter(|l| !re.is_match(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A writer that scrubs each line before passing it on. Credentials never
/// span lines (multi-line values are not collected), so line-wise is exact.
pub struct ScrubbingWriter<W: Write> {
    inner: W,
    /// The line not yet ended by a newline.
    line: Vec<u8>,
}

/// About how many bytes of whole lines [`ScrubbingWriter`] checks at once.
const SCRUB_BLOCK: usize = 4096;

impl<W: Write> ScrubbingWriter<W> {
    pub fn new(inner: W) -> Self {
        ScrubbingWriter {
            inner,
            line: Vec::new(),
        }
    }

    /// Writes whole lines (`lines` ends with a newline, or is the last line),
    /// block by block: a block in which nothing could be masked passes as it
    /// is, in one search; the others are scrubbed line by line.
    fn write_lines(&mut self, lines: &[u8]) -> io::Result<()> {
        let mut at = 0;
        while at < lines.len() {
            let end = lines
                .get(at + SCRUB_BLOCK..)
                .and_then(|tail| tail.iter().position(|b| *b == b'\n'))
                .map_or(lines.len(), |i| at + SCRUB_BLOCK + i + 1);
            let block = &lines[at..end];
            if block_is_clean(block) {
                self.inner.write_all(block)?;
            } else {
                for line in block.split_inclusive(|b| *b == b'\n') {
                    self.inner.write_all(&scrub_bytes(line))?;
                }
            }
            at = end;
        }
        Ok(())
    }
}

/// True when no line of `block` holds anything [`scrub`] would mask (text
/// that is not UTF-8 is checked line by line, as [`scrub_bytes`] treats it).
fn block_is_clean(block: &[u8]) -> bool {
    std::str::from_utf8(block).is_ok_and(|text| {
        !global()
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .may_hold_credential(text)
    })
}

impl<W: Write> Write for ScrubbingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(last) = buf.iter().rposition(|b| *b == b'\n') else {
            self.line.extend_from_slice(buf);
            return Ok(buf.len());
        };
        let (whole, rest) = buf.split_at(last + 1);
        if self.line.is_empty() {
            self.write_lines(whole)?;
        } else {
            let mut lines = std::mem::take(&mut self.line);
            lines.extend_from_slice(whole);
            self.write_lines(&lines)?;
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.write_lines(&line)?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_collected_values() {
        let pod = serde_json::json!({"kind": "Pod", "spec": {"containers": [{"env": [
            {"name": "AWS_SECRET_ACCESS_KEY", "value": "canarySECRETvalue0123456789"},
            {"name": "X", "value": "AKIAZ7QXFAKEKEY23456"}
        ]}]}});
        let secret = serde_json::json!({"kind": "Secret", "data": {
            "AWS_SECRET_ACCESS_KEY": "Y2FuYXJ5LWluLWEtc2VjcmV0LXZhbHVl",
            "tag": "MS4yNS4zLWFscGluZQ=="}});
        let r = Redactor::from_objects([&pod, &secret]);
        let out = r.scrub(
            "a canarySECRETvalue0123456789 b AKIAZ7QXFAKEKEY23456 c canary-in-a-secret-value d nginx:1.25.3-alpine",
        );
        assert!(!out.contains("canarySECRET"), "{out}");
        assert!(!out.contains("AKIAZ7QXFAKEKEY23456"), "{out}");
        assert!(!out.contains("canary-in-a-secret"), "{out}");
        assert!(out.contains("AKIA************3456"), "{out}");
        // A Secret value that is not a credential masks nothing elsewhere.
        assert!(out.contains("nginx:1.25.3-alpine"), "{out}");
    }

    #[test]
    fn parser_messages_lose_their_values() {
        assert_eq!(
            without_input_values(
                "invalid type: string \"AKIAZ7QXFAKEKEY23456\", expected u32 at line 3 column 5"
            ),
            "invalid type: string (a 20-character value), expected u32 at line 3 column 5"
        );
        assert_eq!(
            without_input_values("unknown field `s3cr3t`, expected one of `a`"),
            "unknown field (a 6-character value), expected one of `a`"
        );
        assert_eq!(
            without_source_lines(
                "p.rego:3:5: error: unexpected token\n   |\n 3 | x := \"s3cr3t\"\n   |      ^\n"
            ),
            "p.rego:3:5: error: unexpected token"
        );
    }

    #[test]
    fn the_writer_scrubs_across_write_calls() {
        let mut out = Vec::new();
        {
            let mut w = ScrubbingWriter::new(&mut out);
            w.write_all(b"key AKIAZ7QX").unwrap();
            w.write_all(b"FAKEKEY23456 end\nnext").unwrap();
            w.flush().unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "key AKIA************3456 end\nnext"
        );
    }

    /// The writer checks blocks of lines at once: its output must be the
    /// line-by-line scrub of the same text, wherever a credential sits.
    #[test]
    fn the_writer_scrubs_blocks_as_it_scrubs_lines() {
        // A 40-character run that is not a secret (all lower case) right
        // before a line that starts with one: across the line break the
        // first run's match eats the newline the second one needs.
        let tricky = "x aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz y\n";
        let filler = "  \"path\": \"spec.template.spec.containers[0].env[0]\",\n".repeat(300);
        let text = format!("{filler}{tricky}{filler}AKIAZ7QXFAKEKEY23456\n{filler}last");
        let by_lines: String = text.split_inclusive('\n').map(|l| scrub(l)).collect();
        assert!(!by_lines.contains("wJalrXUtnFEMI"), "{by_lines}");
        assert!(!by_lines.contains("AKIAZ7QXFAKEKEY23456"));
        for chunk in [1, 7, 4096, 5000, text.len()] {
            let mut out = Vec::new();
            {
                let mut w = ScrubbingWriter::new(&mut out);
                for part in text.as_bytes().chunks(chunk) {
                    w.write_all(part).unwrap();
                }
                w.flush().unwrap();
            }
            assert!(String::from_utf8(out).unwrap() == by_lines, "chunk {chunk}");
        }
    }
}
