//! `cargo xtask cycles`: fails on an import cycle between modules of the CLI
//! and of xtask.
//!
//! Every path a file names (`use crate::…`, `crate::a::b`, `super::…`,
//! `self::…`) is resolved against the module tree (`mod x;` declarations, and
//! the parent's `use` imports and re-exports, so `super::plural` counts as the
//! printer that defines it). A reference from module S to module T is an arrow
//! between the two siblings where their paths part: `commands/check.rs` naming
//! `crate::pipeline::evaluate` is `commands -> pipeline` among the top-level
//! modules; `printers/html.rs` naming `super::table` is `html -> table` inside
//! `printers/`. A module naming its own ancestor's items (`crate::Exit`,
//! `super::emit`) or its own descendants is no arrow: a parent is the facade
//! of its children. Among each set of siblings the arrows must form no cycle.
//!
//! The scan reads tokens, not text: comments, strings and char literals are
//! skipped, so a path in a doc comment or a message is not an import. Test
//! modules count (they are code too). Not seen: a name reached only through a
//! glob import (`use super::*` is an arrow to the module it names, not to what
//! that module re-exports) and paths that macros build.
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates whose module graph must be acyclic, by source directory.
pub const CRATES: [&str; 2] = ["cli/src", "xtask/src"];

pub fn run(root: &Path) -> Result<()> {
    let mut report = Vec::new();
    for dir in CRATES {
        let graph = Graph::of_crate(&root.join(dir))?;
        for cycle in graph.cycles() {
            report.push(format!("{dir}: {cycle}"));
        }
    }
    if !report.is_empty() {
        bail!(
            "import cycles between modules (make the arrows point one way):\n  {}",
            report.join("\n  ")
        );
    }
    eprintln!("no import cycle in {}", CRATES.join(", "));
    Ok(())
}

/// A module path from the crate root: `["printers", "table"]`.
type ModPath = Vec<String>;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Punct(char),
}

/// Tokens with their line numbers; comments, strings and chars dropped.
fn tokenize(src: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = src.chars().collect();
    let (mut out, mut i, mut line) = (Vec::new(), 0, 1);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if c == 'r'
            && (at(i + 1) == '"' || (at(i + 1) == '#' && matches!(at(i + 2), '"' | '#')))
        {
            // Raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|h| at(j + 1 + h) == '#') {
                    j += 1 + hashes;
                    break;
                }
                line += usize::from(chars[j] == '\n');
                j += 1;
            }
            i = j;
        } else if c == '"' || (c == 'b' && at(i + 1) == '"') {
            i += if c == 'b' { 2 } else { 1 };
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                line += usize::from(at(i) == '\n');
                i += 1;
            }
            i += 1;
        } else if c == '\'' {
            // A char literal ('a', '\n', '\u{1F}') or a lifetime ('a, 'static).
            if at(i + 1) == '\\' {
                i += 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Token::Ident(chars[start..i].iter().collect()), line));
        } else if c == ':' && at(i + 1) == ':' {
            out.push((Token::PathSep, line));
            i += 2;
        } else {
            out.push((Token::Punct(c), line));
            i += 1;
        }
    }
    out
}

/// What one file says: the module paths it names (each with its line, and
/// relative to the inline module it appears in), the names it imports, and
/// the file modules it declares.
#[derive(Default)]
struct FileScan {
    /// (inline module path within the file, path as written, line).
    paths: Vec<(Vec<String>, Vec<String>, usize)>,
    /// Imported name -> path as written (the file's top level only).
    imports: BTreeMap<String, Vec<String>>,
    /// `mod x;` at the file's top level.
    file_modules: Vec<String>,
}

fn scan_file(src: &str) -> FileScan {
    let tokens = tokenize(src);
    let ident = |i: usize| match tokens.get(i) {
        Some((Token::Ident(s), _)) => Some(s.as_str()),
        _ => None,
    };
    let is = |i: usize, t: Token| tokens.get(i).map(|(x, _)| x) == Some(&t);
    let mut scan = FileScan::default();
    // Inline modules open at this point: (name, brace depth inside it).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let line = tokens[i].1;
        let inline_path = || inline.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        match &tokens[i].0 {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Token::Ident(kw) if kw == "mod" => {
                if let Some(name) = ident(i + 1) {
                    if is(i + 2, Token::Punct('{')) {
                        inline.push((name.to_string(), depth + 1));
                    } else if is(i + 2, Token::Punct(';')) && inline.is_empty() {
                        scan.file_modules.push(name.to_string());
                    }
                }
            }
            Token::Ident(kw) if kw == "use" && !is(i + 1, Token::PathSep) => {
                let end = (i..tokens.len())
                    .find(|&j| is(j, Token::Punct(';')))
                    .unwrap_or(tokens.len());
                let mut leaves = Vec::new();
                expand_use(&tokens[i + 1..end], Vec::new(), &mut leaves);
                for (path, alias) in leaves {
                    if inline.is_empty() {
                        if let Some(alias) = alias {
                            scan.imports.insert(alias, path.clone());
                        }
                    }
                    scan.paths.push((inline_path(), path, line));
                }
                i = end;
            }
            Token::Ident(kw)
                if matches!(kw.as_str(), "crate" | "super" | "self")
                    && is(i + 1, Token::PathSep)
                    && !(i > 0 && is(i - 1, Token::Punct('$'))) =>
            {
                let mut path = vec![kw.clone()];
                let mut j = i + 1;
                while is(j, Token::PathSep) {
                    match ident(j + 1) {
                        Some(s) => path.push(s.to_string()),
                        None => break,
                    }
                    j += 2;
                }
                scan.paths.push((inline_path(), path, line));
                i = j - 1;
            }
            _ => {}
        }
        i += 1;
    }
    scan
}

/// Expands a use tree (`a::{b, c::{self, d as e}}`) into its leaf paths, each
/// with the name it brings into scope (`None` for a glob).
fn expand_use(
    tokens: &[(Token, usize)],
    prefix: Vec<String>,
    out: &mut Vec<(Vec<String>, Option<String>)>,
) {
    let mut path = prefix.clone();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i].0 {
            Token::Ident(s) if s == "as" => {
                if let (Some((Token::Ident(alias), _)), Some(_)) = (tokens.get(i + 1), path.last())
                {
                    let alias = (alias != "_").then(|| alias.clone());
                    out.push((std::mem::take(&mut path), alias));
                }
                i += 2;
                continue;
            }
            Token::Ident(s) if s == "self" && !path.is_empty() && path.len() == prefix.len() => {
                let name = path.last().cloned();
                out.push((std::mem::take(&mut path), name));
            }
            Token::Ident(s) => path.push(s.clone()),
            Token::Punct('*') => out.push((std::mem::take(&mut path), None)),
            Token::Punct('{') => {
                // The group runs to its matching brace; its items split at top-level commas.
                let (mut depth, mut j, mut start) = (0, i, i + 1);
                while j < tokens.len() {
                    match tokens[j].0 {
                        Token::Punct('{') => depth += 1,
                        Token::Punct('}') => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        Token::Punct(',') if depth == 1 => {
                            expand_use(&tokens[start..j], path.clone(), out);
                            start = j + 1;
                        }
                        _ => {}
                    }
                    j += 1;
                }
                expand_use(&tokens[start..j.min(tokens.len())], path.clone(), out);
                path.clear();
                i = j + 1;
                continue;
            }
            Token::Punct(',') => {
                if path.len() > prefix.len() {
                    let name = path.last().cloned();
                    out.push((std::mem::take(&mut path), name));
                }
                path = prefix.clone();
            }
            _ => {}
        }
        i += 1;
    }
    if path.len() > prefix.len() {
        let name = path.last().cloned();
        out.push((path, name));
    }
}

/// The module tree of one crate and every file's scan.
struct Graph {
    /// Every file module, with its file (relative to the crate's src).
    modules: BTreeMap<ModPath, (PathBuf, FileScan)>,
}

/// One arrow between siblings, with the first place that draws it.
#[derive(Debug)]
struct Arrow {
    from: String,
    to: String,
    at: String,
}

impl Graph {
    fn of_crate(src: &Path) -> Result<Graph> {
        let root = ["lib.rs", "main.rs"]
            .iter()
            .map(|f| src.join(f))
            .find(|p| p.is_file())
            .with_context(|| format!("no lib.rs or main.rs in {}", src.display()))?;
        let mut modules = BTreeMap::new();
        let mut queue = vec![(Vec::new(), root)];
        while let Some((path, file)) = queue.pop() {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let scan = scan_file(&text);
            let own_dir = match file.file_name().and_then(|f| f.to_str()) {
                Some("lib.rs" | "main.rs" | "mod.rs") => file.parent().map(Path::to_path_buf),
                _ => Some(file.with_extension("")),
            }
            .unwrap_or_default();
            for child in &scan.file_modules {
                let candidates = [
                    own_dir.join(format!("{child}.rs")),
                    own_dir.join(child).join("mod.rs"),
                ];
                if let Some(found) = candidates.into_iter().find(|p| p.is_file()) {
                    let mut child_path = path.clone();
                    child_path.push(child.clone());
                    queue.push((child_path, found));
                }
            }
            let relative = file.strip_prefix(src).unwrap_or(&file).to_path_buf();
            modules.insert(path, (relative, scan));
        }
        Ok(Graph { modules })
    }

    #[cfg(test)]
    fn of_files(files: &[(&str, &str)]) -> Graph {
        let mut modules = BTreeMap::new();
        for (name, text) in files {
            let path: ModPath = name
                .trim_end_matches(".rs")
                .trim_end_matches("/mod")
                .split('/')
                .filter(|s| !s.is_empty() && *s != "lib")
                .map(str::to_string)
                .collect();
            modules.insert(path, (PathBuf::from(name), scan_file(text)));
        }
        Graph { modules }
    }

    /// Where `written` (as it appears in module `from`) points, as far as it
    /// names modules: a re-export or import is followed to its own module.
    fn resolve(&self, from: &[String], written: &[String], hops: usize) -> ModPath {
        let mut segments = written.iter();
        let mut at: ModPath = match written.first().map(String::as_str) {
            Some("crate") => {
                segments.next();
                Vec::new()
            }
            Some("self") | Some("super") => {
                let mut at = from.to_vec();
                while let Some(s) = segments
                    .as_slice()
                    .first()
                    .filter(|s| *s == "self" || *s == "super")
                {
                    if s == "super" {
                        at.pop();
                    }
                    segments.next();
                }
                at
            }
            // A bare path in a `use` names an extern crate or a child module.
            _ => from.to_vec(),
        };
        for segment in segments {
            let mut child = at.clone();
            child.push(segment.clone());
            if self.modules.contains_key(&child) {
                at = child;
                continue;
            }
            // An item the module imports or re-exports: the module it comes from.
            let imported = self
                .modules
                .get(&at)
                .and_then(|(_, scan)| scan.imports.get(segment));
            if let Some(target) = imported.filter(|_| hops < 8) {
                at = self.resolve(&at, target, hops + 1);
            }
            break;
        }
        at
    }

    /// Arrows between siblings, keyed by their parent module.
    fn arrows(&self) -> BTreeMap<ModPath, Vec<Arrow>> {
        let mut arrows: BTreeMap<ModPath, Vec<Arrow>> = BTreeMap::new();
        for (module, (file, scan)) in &self.modules {
            for (inline, written, line) in &scan.paths {
                let mut from = module.clone();
                from.extend(inline.iter().cloned());
                let target = self.resolve(&from, written, 0);
                let common = module
                    .iter()
                    .zip(&target)
                    .take_while(|(a, b)| a == b)
                    .count();
                if common < module.len() && common < target.len() {
                    arrows
                        .entry(module[..common].to_vec())
                        .or_default()
                        .push(Arrow {
                            from: module[common].clone(),
                            to: target[common].clone(),
                            at: format!("{}:{line} `{}`", file.display(), written.join("::")),
                        });
                }
            }
        }
        arrows
    }

    /// Each cycle among siblings, as `a -> b -> a` with where each arrow is drawn.
    fn cycles(&self) -> Vec<String> {
        let mut found = Vec::new();
        for (parent, arrows) in self.arrows() {
            let mut next: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
            for a in &arrows {
                next.entry(&a.from)
                    .or_default()
                    .entry(&a.to)
                    .or_insert(&a.at);
            }
            let mut reported: BTreeSet<BTreeSet<&str>> = BTreeSet::new();
            for start in next.keys() {
                if let Some(cycle) = shortest_cycle(&next, start) {
                    let members: BTreeSet<&str> = cycle.iter().copied().collect();
                    if !reported.insert(members) {
                        continue;
                    }
                    let prefix = if parent.is_empty() {
                        String::new()
                    } else {
                        format!("{}::", parent.join("::"))
                    };
                    let steps: Vec<String> = cycle
                        .windows(2)
                        .map(|w| {
                            format!(
                                "{prefix}{} -> {prefix}{} ({})",
                                w[0], w[1], next[w[0]][w[1]]
                            )
                        })
                        .collect();
                    found.push(steps.join("; "));
                }
            }
        }
        found
    }
}

/// The shortest cycle through `start` (breadth first), as `[start, …, start]`.
fn shortest_cycle<'a>(
    next: &BTreeMap<&'a str, BTreeMap<&'a str, &'a str>>,
    start: &'a str,
) -> Option<Vec<&'a str>> {
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut frontier = vec![start];
    while !frontier.is_empty() {
        let mut following = Vec::new();
        for node in frontier {
            for &to in next.get(node).into_iter().flat_map(|m| m.keys()) {
                if to == start {
                    let mut path = vec![start, node];
                    let mut at = node;
                    while at != start {
                        at = came_from[at];
                        path.push(at);
                    }
                    path.reverse();
                    return Some(path);
                }
                if !came_from.contains_key(to) {
                    came_from.insert(to, node);
                    following.push(to);
                }
            }
        }
        frontier = following;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_and_xtask_have_no_import_cycle() {
        run(&crate::root()).unwrap();
    }

    #[test]
    fn a_cycle_between_top_level_modules_is_named_with_its_lines() {
        let graph = Graph::of_files(&[
            ("lib.rs", "pub mod cli;\npub mod printers;\n"),
            ("cli.rs", "use crate::printers::{self, Format};\n"),
            (
                "printers/mod.rs",
                "mod table;\npub use table::Show;\npub enum Format {}\n",
            ),
            (
                "printers/table.rs",
                "// crate::ignored::in_comments\nfn f() -> crate::cli::Args { todo!() }\n",
            ),
        ]);
        let cycles = graph.cycles();
        assert_eq!(
            cycles,
            ["cli -> printers (cli.rs:1 `crate::printers`); printers -> cli (printers/table.rs:2 `crate::cli::Args`)"]
        );
    }

    #[test]
    fn arrows_follow_re_exports_and_ignore_parents_children_strings_and_tests() {
        let graph = Graph::of_files(&[
            ("lib.rs", "pub mod printers;\npub mod report;\npub enum Exit {}\nfn run() { printers::html::x(); }\n"),
            ("report.rs", "use crate::Exit;\nconst S: &str = \"crate::printers::x\";\n"),
            ("printers/mod.rs", "mod html;\nmod table;\npub use table::plural;\nuse crate::report;\nfn p() { html::x(); }\n"),
            ("printers/html.rs", "use super::plural;\nuse crate::report::Report;\n"),
            ("printers/table.rs", "pub fn plural() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::super::html;\n}\n"),
        ]);
        let arrows = graph.arrows();
        let names = |parent: &[&str]| -> Vec<String> {
            let parent: ModPath = parent.iter().map(|s| s.to_string()).collect();
            arrows
                .get(&parent)
                .into_iter()
                .flatten()
                .map(|a| format!("{} -> {}", a.from, a.to))
                .collect()
        };
        assert_eq!(names(&[]), ["printers -> report", "printers -> report"]);
        // `super::plural` is table's, through the re-export; the test module's
        // `super::super::html` is an arrow too (tests are code).
        assert_eq!(names(&["printers"]), ["html -> table", "table -> html"]);
        assert_eq!(graph.cycles().len(), 1, "{:?}", graph.cycles());
    }

    #[test]
    fn use_trees_expand_to_their_leaves() {
        let tokens = tokenize("crate::a::{self, b::{C, D as E}, f::*}");
        let mut leaves = Vec::new();
        expand_use(&tokens, Vec::new(), &mut leaves);
        let shown: Vec<String> = leaves
            .iter()
            .map(|(p, alias)| format!("{} as {}", p.join("::"), alias.as_deref().unwrap_or("*")))
            .collect();
        assert_eq!(
            shown,
            [
                "crate::a as a",
                "crate::a::b::C as C",
                "crate::a::b::D as E",
                "crate::a::f as *"
            ]
        );
    }
}
