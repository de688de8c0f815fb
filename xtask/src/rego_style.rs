//! `cargo xtask rego-style`: the conventions of policies/README.md, checked line
//! by line (there is no Go here, so no `opa fmt` or Regal). Cheap on purpose:
//! each check reads source text, with comments and string contents blanked
//! where code is meant.
use anyhow::{bail, Context, Result};
use podauth_policies::Bundle;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The homes of non-rule Rego under `policies/`, in the order the layout lists
/// them. A file's package follows from where it lives: `lib/x.rego` is
/// `podauth.lib.x`, `entrypoints/x.rego` and `products/x.rego` are `podauth.x`
/// (and `x_test.rego` adds `_test`).
pub const POLICY_DIRS: &[PolicyDir] = &[
    PolicyDir {
        name: "lib",
        package_prefix: "podauth.lib.",
        holds: "shared libraries: package podauth.lib.* only",
    },
    PolicyDir {
        name: "entrypoints",
        package_prefix: "podauth.",
        holds: "admission adapters: the documents Gatekeeper and Kubewarden evaluate",
    },
    PolicyDir {
        name: "products",
        package_prefix: "podauth.",
        holds: "documents built from the facts: workload classification, migration plans",
    },
];

pub struct PolicyDir {
    pub name: &'static str,
    pub package_prefix: &'static str,
    pub holds: &'static str,
}

/// Where the rule directories live (`rules/PA101/policy.rego`).
pub const RULES_DIR: &str = "rules";

/// The only library that reads `input` (and `data` outside podauth): it adapts
/// each engine's input shape. Entry points are adapters too.
const INPUT_READERS: &[&str] = &["lib/objects.rego"];

/// Imports a rule may make outside `data.podauth.lib`, each with its reason.
const IMPORT_EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "rules/PA201/policy.rego",
    "data.podauth.workloads",
    "PA201 fires when the SDK chain's effective method is the node role; that \
     outcome is the workload classification's, and a second copy in lib would \
     be a second definition of the credential chain",
)];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Path relative to `policies/`.
    pub path: String,
    pub line: usize,
    pub check: &'static str,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "policies/{}:{}: [{}] {}",
            self.path, self.line, self.check, self.message
        )
    }
}

/// One Rego source, by path relative to `policies/`.
pub struct Source {
    pub path: String,
    pub text: String,
}

impl Source {
    fn is_test(&self) -> bool {
        self.path.ends_with("_test.rego")
    }
    fn is_rule(&self) -> bool {
        self.path.starts_with("rules/") && !self.is_test()
    }
    fn problem(&self, line: usize, check: &'static str, message: String) -> Problem {
        Problem {
            path: self.path.clone(),
            line,
            check,
            message,
        }
    }
}

pub fn run(root: &Path) -> Result<()> {
    let policies = root.join("policies");
    let mut sources = Vec::new();
    for dir in POLICY_DIRS
        .iter()
        .map(|d| d.name)
        .chain(std::iter::once(RULES_DIR))
    {
        read_tree(&policies, &policies.join(dir), &mut sources)?;
    }
    let mut problems = check(&sources);
    problems.extend(unembedded(&policies, &sources)?);
    for p in &problems {
        eprintln!("{p}");
    }
    if !problems.is_empty() {
        bail!("{} Rego style problem(s)", problems.len());
    }
    eprintln!("Rego style: {} files clean", sources.len());
    Ok(())
}

/// Rego under `policies/` that the bundle does not embed: a home missing from
/// [`POLICY_DIRS`] (or from the list in policies/build.rs) would be silently
/// left out of every engine.
fn unembedded(policies: &Path, checked: &[Source]) -> Result<Vec<Problem>> {
    let mut all = Vec::new();
    read_tree(policies, policies, &mut all)?;
    let embedded = Bundle::embedded();
    let embedded: Vec<&str> = embedded
        .modules()
        .chain(&embedded.tests)
        .map(|f| f.path.trim_start_matches("policies/"))
        .collect();
    Ok(all
        .iter()
        .filter(|s| !s.path.starts_with("tests/"))
        .filter(|s| !embedded.contains(&s.path.as_str()) || !checked.iter().any(|c| c.path == s.path))
        .map(|s| {
            s.problem(
                1,
                "layout",
                "not embedded or not checked: add its directory to POLICY_DIRS (xtask/src/rego_style.rs) and policies/build.rs".into(),
            )
        })
        .collect())
}

fn read_tree(base: &Path, dir: &Path, out: &mut Vec<Source>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            read_tree(base, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rego") {
            out.push(Source {
                path: path
                    .strip_prefix(base)?
                    .to_string_lossy()
                    .replace('\\', "/"),
                text: std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?,
            });
        }
    }
    Ok(())
}

/// Every check over a set of sources.
pub fn check(sources: &[Source]) -> Vec<Problem> {
    let mut problems = check_metadata(sources);
    for s in sources {
        problems.extend(check_whitespace(s));
        problems.extend(check_package(s));
        if s.is_rule() {
            problems.extend(check_rule_imports(s));
            problems.extend(check_messages(s));
            problems.extend(check_finding_messages(s));
        }
        problems.extend(check_input(s));
    }
    problems.extend(check_unused_functions(sources));
    problems
}

/// A line with comments removed and string contents blanked (quotes kept), so
/// words inside strings and comments never count as code. `raw` carries the
/// state of a raw (backquoted) string across lines.
fn code(line: &str, raw: &mut bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if *raw {
            if c == '`' {
                *raw = false;
                out.push('`');
            }
        } else if quoted {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    quoted = false;
                    out.push('"');
                }
                _ => {}
            }
        } else {
            match c {
                '#' => break,
                '"' => {
                    quoted = true;
                    out.push('"');
                }
                '`' => {
                    *raw = true;
                    out.push('`');
                }
                _ => out.push(c),
            }
        }
    }
    out
}

/// Code lines of a source (1-based numbers), comments and strings blanked.
fn code_lines(s: &Source) -> Vec<(usize, String)> {
    let mut raw = false;
    s.text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, code(l, &mut raw)))
        .collect()
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether a reference starts at byte `i`: not inside a longer name or path.
fn starts_reference(code: &str, i: usize) -> bool {
    !code[..i]
        .chars()
        .next_back()
        .is_some_and(|c| is_ident(c) || c == '.')
}

/// `word` as a whole reference root (`input` in `input.x`, not in `my_input`).
fn has_word(code: &str, word: &str) -> bool {
    code.match_indices(word)
        .any(|(i, _)| starts_reference(code, i) && !code[i + word.len()..].starts_with(is_ident))
}

/// Rule METADATA: what `podauth-policies` requires of every rule (the bundle
/// loader is the one definition), plus what the catalog adds for its own
/// rules: `why`, `related_resources`, and `reviews` rather than its older
/// spelling `kinds` (still accepted for custom policies).
fn check_metadata(sources: &[Source]) -> Vec<Problem> {
    let rules: Vec<&Source> = sources.iter().filter(|s| s.is_rule()).collect();
    let files = rules
        .iter()
        .map(|s| (s.path.clone(), s.text.clone()))
        .collect::<Vec<_>>();
    let bundle = match Bundle::from_files(files) {
        Ok(b) => b,
        Err(errors) => {
            return errors
                .into_iter()
                .map(|e| Problem {
                    path: e.path,
                    line: e.line,
                    check: "metadata",
                    message: e.message,
                })
                .collect()
        }
    };
    let mut problems = Vec::new();
    for rule in &bundle.rules {
        let Some(source) = rules.iter().find(|s| s.path == rule.file.path) else {
            continue;
        };
        let line = metadata_line(&source.text);
        if rule.meta.why.as_deref().is_none_or(|w| w.trim().is_empty()) {
            problems.push(source.problem(
                line,
                "metadata",
                "catalog rules need `custom.why`".into(),
            ));
        }
        if rule.meta.related_resources.is_empty() {
            problems.push(source.problem(
                line,
                "metadata",
                "catalog rules need `related_resources`".into(),
            ));
        }
        for (n, l) in metadata_lines(&source.text) {
            if l.trim_start_matches('#').trim_start().starts_with("kinds:") {
                problems.push(source.problem(
                    n,
                    "metadata",
                    "`custom.kinds` is the older name: write `reviews` (and `looks_up`)".into(),
                ));
            }
        }
    }
    problems
}

fn metadata_line(text: &str) -> usize {
    metadata_lines(text).first().map_or(1, |(n, _)| *n)
}

/// The lines of the first `# METADATA` block, with their numbers.
fn metadata_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .skip_while(|(_, l)| l.trim_end() != "# METADATA")
        .take_while(|(_, l)| l.starts_with('#'))
        .map(|(i, l)| (i + 1, l))
        .collect()
}

/// Tabs for indentation, no trailing whitespace (what `opa fmt` would write).
fn check_whitespace(s: &Source) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut raw = false;
    for (i, line) in s.text.lines().enumerate() {
        let in_raw_string = raw;
        code(line, &mut raw);
        if line.ends_with([' ', '\t']) {
            problems.push(s.problem(i + 1, "whitespace", "trailing whitespace".into()));
        }
        if !in_raw_string && line.trim_start_matches('\t').starts_with(' ') {
            problems.push(s.problem(i + 1, "whitespace", "indent with tabs".into()));
        }
    }
    problems
}

/// A file's package follows from its home (see [`POLICY_DIRS`]).
fn check_package(s: &Source) -> Vec<Problem> {
    let Some((dir, file)) = s.path.split_once('/') else {
        return vec![];
    };
    let Some(home) = POLICY_DIRS.iter().find(|d| d.name == dir) else {
        return vec![];
    };
    let Some(stem) = file.strip_suffix(".rego").filter(|f| !f.contains('/')) else {
        return vec![s.problem(1, "layout", format!("{dir}/ holds no subdirectories"))];
    };
    let expected = format!("{}{stem}", home.package_prefix);
    match package(s) {
        Some((line, found)) if found != expected => vec![s.problem(
            line,
            "layout",
            format!("{dir}/{file} must be package {expected}, not {found}"),
        )],
        Some(_) => vec![],
        None => vec![s.problem(1, "layout", "no package declaration".into())],
    }
}

fn package(s: &Source) -> Option<(usize, String)> {
    code_lines(s).into_iter().find_map(|(n, l)| {
        let name = l.trim().strip_prefix("package ")?;
        Some((n, name.trim().to_string()))
    })
}

/// Rules read facts through `data.podauth.lib` only: imports from there, and
/// no other `data` path.
fn check_rule_imports(s: &Source) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (n, l) in code_lines(s) {
        let excepted = |path: &str| {
            IMPORT_EXCEPTIONS
                .iter()
                .any(|(file, import, _)| *file == s.path && *import == path)
        };
        if let Some(rest) = l.trim().strip_prefix("import ") {
            let path = rest.split_whitespace().next().unwrap_or_default();
            if !path.starts_with("data.podauth.lib.") && !excepted(path) {
                problems.push(s.problem(
                    n,
                    "imports",
                    format!("rules import only data.podauth.lib.*, not {path}"),
                ));
            }
            continue;
        }
        for (i, _) in l.match_indices("data.") {
            let path: String = l[i..]
                .chars()
                .take_while(|&c| is_ident(c) || c == '.')
                .collect();
            if starts_reference(&l, i) && !path.starts_with("data.podauth.lib.") {
                problems.push(s.problem(
                    n,
                    "imports",
                    format!("rules read facts through data.podauth.lib, not {path}"),
                ));
            }
        }
    }
    problems
}

/// Only the engine adapters read `input`: rules, libraries (but objects.rego)
/// and product documents read the adapted collections.
fn check_input(s: &Source) -> Vec<Problem> {
    let adapter = s.path.starts_with("entrypoints/") || INPUT_READERS.contains(&s.path.as_str());
    if s.is_test() || adapter {
        return vec![];
    }
    code_lines(s)
        .into_iter()
        .filter(|(_, l)| has_word(l, "input"))
        .map(|(n, _)| {
            s.problem(
                n,
                "input",
                "reads `input` directly; read data.podauth.lib.objects (review, context, parameters)"
                    .into(),
            )
        })
        .collect()
}

/// The message convention: one sentence, on one line, with no trailing
/// period. Checked on the literal (or sprintf format) of every `msg :=` and of
/// every branch of a `message(...)` function.
fn check_messages(s: &Source) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut in_message_function = false;
    for (i, line) in s.text.lines().enumerate() {
        let trimmed = line.trim();
        if !line.starts_with(['\t', '}', ' ']) && !line.is_empty() {
            in_message_function = line.starts_with("message(");
        }
        let value = if let Some(rest) = trimmed.strip_prefix("msg :=") {
            rest
        } else if in_message_function && line.starts_with("message(") {
            line.split_once(":=").map_or("", |(_, v)| v)
        } else if in_message_function {
            match trimmed.strip_prefix("} else :=") {
                Some(rest) => rest,
                None => continue,
            }
        } else {
            continue;
        };
        let Some(literal) = first_literal(value) else {
            continue;
        };
        let problem = if literal.ends_with('.') {
            Some("a message has no trailing period")
        } else if literal.contains("\\n") {
            Some("a message is one line")
        } else if literal != literal.trim() {
            Some("a message has no leading or trailing space")
        } else {
            None
        };
        if let Some(p) = problem {
            problems.push(s.problem(i + 1, "message", format!("{p}: {literal:?}")));
        }
    }
    problems
}

/// The message argument of every `result.finding(ref, path, msg)` call in a
/// rule: `msg` or a `message(...)` call, the two forms [`check_messages`] reads.
fn check_finding_messages(s: &Source) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (n, l) in code_lines(s) {
        for (i, call) in l.match_indices("result.finding(") {
            let Some(args) = call_arguments(&l[i + call.len()..]) else {
                continue;
            };
            let message = args.get(2).map_or("", |a| a.trim());
            if message != "msg" && !message.starts_with("message(") {
                problems.push(s.problem(
                    n,
                    "message",
                    format!("pass the message as `msg` or `message(...)`, not `{message}`"),
                ));
            }
        }
    }
    problems
}

/// The top-level arguments of a call, from just after its `(`; `None` when the
/// call does not close on this line.
fn call_arguments(rest: &str) -> Option<Vec<&str>> {
    let mut depth = 0usize;
    let mut start = 0;
    let mut args = Vec::new();
    for (i, c) in rest.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth > 0 => depth -= 1,
            ')' => {
                args.push(&rest[start..i]);
                return Some(args);
            }
            ',' if depth == 0 => {
                args.push(&rest[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    None
}

/// The first double-quoted literal of an expression, escapes kept.
fn first_literal(expr: &str) -> Option<&str> {
    let start = expr.find('"')? + 1;
    let bytes = expr.as_bytes();
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(&expr[start..i]),
            _ => i += 1,
        }
    }
    None
}

/// A function defined outside the rules (`lib/`, `entrypoints/`, `products/`)
/// that no Rego outside the tests calls. (A function only the CLI queried would
/// need an exception here; none is.)
fn check_unused_functions(sources: &[Source]) -> Vec<Problem> {
    let code: Vec<(&Source, Vec<(usize, String)>)> = sources
        .iter()
        .filter(|s| !s.is_test())
        .map(|s| (s, code_lines(s)))
        .collect();
    let mut problems = Vec::new();
    for (s, lines) in code.iter().filter(|(s, _)| !s.is_rule()) {
        let Some((_, pkg)) = package(s) else { continue };
        let alias = pkg.rsplit('.').next().unwrap_or_default();
        let mut defined: BTreeMap<String, usize> = BTreeMap::new();
        for (n, l) in lines {
            if let Some(name) = function_head(l) {
                defined.entry(name.to_string()).or_insert(*n);
            }
        }
        for (name, line) in defined {
            let qualified = format!("{alias}.{name}(");
            let local = format!("{name}(");
            let called = code.iter().any(|(other, other_lines)| {
                other_lines.iter().any(|(_, l)| {
                    l.contains(&qualified)
                        || (other.path == s.path
                            && function_head(l) != Some(name.as_str())
                            && l.match_indices(&local).any(|(i, _)| starts_reference(l, i)))
                })
            });
            if !called {
                problems.push(s.problem(
                    line,
                    "unused",
                    format!("function {name} is called by no rule, library or product (tests do not count)"),
                ));
            }
        }
    }
    problems
}

/// The name a line defines as a function (`name(args) := ...` / `name(args) if`
/// at column 0), if any.
fn function_head(line: &str) -> Option<&str> {
    let end = line.find('(')?;
    let name = &line[..end];
    (!name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(is_ident))
    .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(path: &str, text: &str) -> Source {
        Source {
            path: path.into(),
            text: text.into(),
        }
    }

    fn checks(problems: &[Problem]) -> Vec<&'static str> {
        problems.iter().map(|p| p.check).collect()
    }

    const RULE_HEAD: &str = "# METADATA\n# title: T\n# description: D\n# scope: package\n# related_resources:\n#   - https://example.com\n# custom:\n#   id: PA999\n#   name: bad-thing\n#   severity: high\n#   category: credentials\n#   reviews: [workloads]\n#   why: W\n#   remediation: R\npackage podauth.rules.PA999\n\nimport data.podauth.lib.k8s\nimport data.podauth.lib.result\n\n";

    fn rule(body: &str) -> Source {
        src("rules/PA999/policy.rego", &format!("{RULE_HEAD}{body}"))
    }

    const GOOD_BODY: &str = "deny contains result.finding(c.ref, c.path, msg) if {\n\tsome c in k8s.containers\n\tmsg := sprintf(\"container %q is bad\", [c.name])\n}\n";

    #[test]
    fn a_conventional_rule_passes() {
        assert_eq!(check(&[rule(GOOD_BODY)]), vec![]);
    }

    #[test]
    fn metadata_lacking_a_required_field_fails() {
        let bad = rule(GOOD_BODY).text.replace("#   severity: high\n", "");
        let problems = check(&[src("rules/PA999/policy.rego", &bad)]);
        assert_eq!(checks(&problems), ["metadata"], "{problems:?}");
        assert!(
            problems[0].message.contains("custom.severity"),
            "{problems:?}"
        );
    }

    #[test]
    fn metadata_without_why_or_with_the_old_kinds_spelling_fails() {
        let no_why = rule(GOOD_BODY).text.replace("#   why: W\n", "");
        assert_eq!(
            checks(&check(&[src("rules/PA999/policy.rego", &no_why)])),
            ["metadata"]
        );
        let kinds = rule(GOOD_BODY)
            .text
            .replace("#   reviews: [workloads]", "#   kinds: [workloads]");
        let problems = check(&[src("rules/PA999/policy.rego", &kinds)]);
        assert_eq!(checks(&problems), ["metadata"]);
        assert_eq!(problems[0].line, 12);
    }

    #[test]
    fn a_rule_importing_or_reading_outside_the_library_fails() {
        let import = rule(GOOD_BODY)
            .text
            .replace("import data.podauth.lib.k8s", "import data.inventory");
        assert_eq!(
            checks(&check(&[src("rules/PA999/policy.rego", &import)])),
            ["imports"]
        );
        let read = rule(
            "deny contains result.finding(0, \"p\", msg) if {\n\tsome x in data.kubernetes.pods\n}\n",
        );
        assert_eq!(checks(&check(&[read])), ["imports"]);
        let qualified = rule(
            "deny contains result.finding(0, \"p\", msg) if {\n\tsome x in data.podauth.lib.k8s.pods\n}\n",
        );
        assert_eq!(check(&[qualified]), vec![]);
    }

    #[test]
    fn a_documented_import_exception_passes() {
        let pa201 = rule(GOOD_BODY).text.replace(
            "import data.podauth.lib.k8s",
            "import data.podauth.workloads",
        );
        let imports: Vec<_> = check(&[src("rules/PA201/policy.rego", &pa201)])
            .into_iter()
            .filter(|p| p.check == "imports")
            .collect();
        assert_eq!(imports, vec![]);
    }

    #[test]
    fn a_rule_reading_input_fails_but_a_comment_or_string_does_not() {
        let bad = rule(
            "deny contains result.finding(0, \"p\", msg) if {\n\tsome o in input.objects\n}\n",
        );
        let problems = check(&[bad]);
        assert_eq!(checks(&problems), ["input"]);
        assert_eq!(problems[0].line, 21);
        let good = rule(
            "# the input shape is the adapters' business\ndeny contains result.finding(0, \"p\", message(\"no input here\")) if {\n\tsome c in k8s.containers\n}\n",
        );
        assert_eq!(check(&[good]), vec![]);
    }

    #[test]
    fn only_the_adapters_read_input() {
        let lib =
            "# METADATA\n# title: T\npackage podauth.lib.objects\n\nreview := input.objects\n";
        assert_eq!(check(&[src("lib/objects.rego", lib)]), vec![]);
        let other = lib.replace("podauth.lib.objects", "podauth.lib.k8s");
        assert_eq!(checks(&check(&[src("lib/k8s.rego", &other)])), ["input"]);
        let entry = "package podauth.gatekeeper\n\nviolation := input.review\n";
        assert_eq!(check(&[src("entrypoints/gatekeeper.rego", entry)]), vec![]);
    }

    #[test]
    fn a_message_with_a_trailing_period_fails() {
        let bad = rule(&GOOD_BODY.replace("is bad\"", "is bad.\""));
        let problems = check(&[bad]);
        assert_eq!(checks(&problems), ["message"]);
        assert_eq!(problems[0].line, 22);
        let function = rule(
            "deny contains result.finding(0, \"p\", message(1)) if {\n\tsome c in k8s.containers\n}\n\nmessage(x) := \"one\" if {\n\tx == 1\n} else := sprintf(\"two %d.\", [x])\n",
        );
        let problems = check(&[function]);
        assert_eq!(checks(&problems), ["message"]);
        assert_eq!(problems[0].line, 26);
        let good_function = rule(
            "deny contains result.finding(0, \"p\", message(1)) if {\n\tsome c in k8s.containers\n}\n\nmessage(x) := \"one\" if {\n\tx == 1\n} else := sprintf(\"two %d\", [x])\n",
        );
        assert_eq!(check(&[good_function]), vec![]);
        let literal = rule(
            "deny contains result.finding(c.ref, sprintf(\"%s.x\", [c.path]), \"no check.\") if {\n\tsome c in k8s.containers\n}\n",
        );
        assert_eq!(checks(&check(&[literal])), ["message"]);
    }

    #[test]
    fn an_uncalled_library_function_fails() {
        let lib = "package podauth.lib.k8s\n\nname(o) := o.metadata.name\n\nkey(a, b) := sprintf(\"%s/%s\", [a, b])\n\nhelper(x) := x\n\nuses_helper(x) := helper(x)\n";
        let user = rule(
            "deny contains result.finding(0, \"p\", message(k8s.name(o))) if {\n\tsome o in k8s.containers\n\tk8s.uses_helper(o)\n}\n",
        );
        let test = src(
            "lib/k8s_test.rego",
            "package podauth.lib.k8s_test\n\ntest_key if k8s.key(\"a\", \"b\") == \"a/b\"\n",
        );
        let problems = check(&[src("lib/k8s.rego", lib), user, test]);
        assert_eq!(checks(&problems), ["unused"], "{problems:?}");
        assert!(problems[0].message.contains("key"), "{problems:?}");
        assert_eq!(problems[0].line, 5);
        let product = "package podauth.workloads\n\neffective(ref) := ref\n";
        assert_eq!(
            checks(&check(&[src("products/workloads.rego", product)])),
            ["unused"]
        );
    }

    #[test]
    fn space_indentation_and_trailing_whitespace_fail() {
        let spaces = rule(&GOOD_BODY.replace("\tsome c", "    some c"));
        assert_eq!(checks(&check(&[spaces])), ["whitespace"]);
        let trailing = rule(&GOOD_BODY.replace("if {\n", "if { \n"));
        assert_eq!(checks(&check(&[trailing])), ["whitespace"]);
    }

    #[test]
    fn a_file_in_the_wrong_home_fails() {
        let workloads = "package podauth.workloads\n\nworkloads := []\n";
        assert_eq!(
            checks(&check(&[src("lib/workloads.rego", workloads)])),
            ["layout"]
        );
        assert_eq!(check(&[src("products/workloads.rego", workloads)]), vec![]);
        let test = "package podauth.workloads_test\n\ntest_x if true\n";
        assert_eq!(check(&[src("products/workloads_test.rego", test)]), vec![]);
    }
}
