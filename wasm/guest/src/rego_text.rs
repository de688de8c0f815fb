//! Rego value text, as `opa_value_dump` writes and `opa_value_parse` reads it
//! (OPA's Go SDK uses format 1): JSON plus sets (`{1, 2}`, `set()`) and object
//! keys of any type.

use regorus::Value;

pub fn dump(v: &Value) -> String {
    let mut out = String::new();
    write(v, &mut out);
    out
}

fn write(v: &Value, out: &mut String) {
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Set(items) => {
            if items.is_empty() {
                out.push_str("set()");
                return;
            }
            out.push('{');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push('}');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter_sorted().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(k, out);
                out.push(':');
                write(item, out);
            }
            out.push('}');
        }
        Value::Undefined => out.push_str("null"),
        scalar => out.push_str(&scalar.to_json_str().unwrap_or_else(|_| "null".into())),
    }
}

/// Parses Rego value text; `None` on any syntax error.
pub fn parse(text: &str) -> Option<Value> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value()?;
    p.ws();
    (p.i == p.s.len()).then_some(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value()?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Value::from(items))
            }
            b'{' => {
                self.i += 1;
                if self.eat(b'}') {
                    return Some(Value::new_object());
                }
                let first = self.value()?;
                if self.eat(b':') {
                    let mut obj = Value::new_object();
                    let mut key = first;
                    loop {
                        let v = self.value()?;
                        obj.as_object_mut().ok()?.insert(key, v);
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                        key = self.value()?;
                        if !self.eat(b':') {
                            return None;
                        }
                    }
                    Some(obj)
                } else {
                    let mut set = Value::new_set();
                    set.as_set_mut().ok()?.insert(first);
                    while !self.eat(b'}') {
                        if !self.eat(b',') {
                            return None;
                        }
                        let v = self.value()?;
                        set.as_set_mut().ok()?.insert(v);
                    }
                    Some(set)
                }
            }
            b's' if self.s[self.i..].starts_with(b"set()") => {
                self.i += 5;
                Some(Value::new_set())
            }
            b'"' => {
                let start = self.i;
                self.i += 1;
                while self.i < self.s.len() && self.s[self.i] != b'"' {
                    if self.s[self.i] == b'\\' {
                        self.i += 1;
                    }
                    self.i += 1;
                }
                self.i += 1;
                let token = core::str::from_utf8(self.s.get(start..self.i)?).ok()?;
                Value::from_json_str(token).ok()
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len()
                    && !matches!(self.s[self.i], b',' | b':' | b']' | b'}')
                    && !self.s[self.i].is_ascii_whitespace()
                {
                    self.i += 1;
                }
                let token = core::str::from_utf8(&self.s[start..self.i]).ok()?;
                Value::from_json_str(token).ok()
            }
        }
    }
}
