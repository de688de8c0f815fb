//! Dynamic shell completion in Cobra's `__complete` protocol, which kubectl
//! (1.26 and later) speaks with plugins: for `kubectl podauth <TAB>` it runs
//! `kubectl_complete-podauth` with the words after `kubectl podauth`, the last
//! being the word under the cursor (possibly empty), and reads one candidate
//! per line (`value<TAB>description`) followed by `:<directive>`.
//!
//! Candidates come from the parser itself (subcommands, flags, value enums),
//! the rule catalog (ids and names) and the kubeconfig (contexts).
use crate::cli::Cli;
use clap::{Arg, ArgAction, Command, CommandFactory};
use std::path::PathBuf;

/// Cobra's ShellCompDirective bits.
pub mod directive {
    /// Let the shell complete file names.
    pub const DEFAULT: u32 = 0;
    /// Do not add a space after the completion (`--flag=`).
    pub const NO_SPACE: u32 = 2;
    /// No file completion when no candidate matches.
    pub const NO_FILE_COMP: u32 = 4;
    /// Complete directory names only.
    pub const FILTER_DIRS: u32 = 16;
}

/// One completion candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub value: String,
    pub description: String,
}

/// What to offer for the last of `words` (the words after `kubectl podauth`).
pub fn complete(words: &[String], rules: &[(String, String, String)]) -> (Vec<Candidate>, u32) {
    let (current, before) = match words.split_last() {
        Some((current, before)) => (current.as_str(), before),
        None => ("", &[][..]),
    };
    let root = Cli::command();
    let mut cmd = &root;
    let mut pending: Option<&Arg> = None;
    let mut kubeconfig: Option<PathBuf> = None;
    let mut positionals = 0usize;
    for word in before {
        if let Some(arg) = pending.take() {
            if arg.get_id() == "kubeconfig" {
                kubeconfig = Some(PathBuf::from(word));
            }
            continue;
        }
        if word.starts_with('-') && word.len() > 1 {
            let (name, inline) = match word.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (word.as_str(), None),
            };
            if let Some(arg) = find_flag(cmd, &root, name) {
                if takes_value(arg) {
                    match inline {
                        Some(v) if arg.get_id() == "kubeconfig" => {
                            kubeconfig = Some(PathBuf::from(v))
                        }
                        Some(_) => {}
                        None => pending = Some(arg),
                    }
                }
            }
            continue;
        }
        match cmd.find_subcommand(word) {
            Some(sub) if positionals == 0 => cmd = sub,
            _ => positionals += 1,
        }
    }
    let contexts = || crate::live::context_names(kubeconfig.clone());
    if let Some(arg) = pending {
        return values(arg, current, "", rules, &contexts);
    }
    if current.starts_with('-') {
        if let Some((name, value)) = current.split_once('=') {
            return match find_flag(cmd, &root, name) {
                Some(arg) => values(arg, value, &format!("{name}="), rules, &contexts),
                None => (Vec::new(), directive::NO_FILE_COMP),
            };
        }
        let flags = flags_of(cmd, &root)
            .into_iter()
            .filter(|c| c.value.starts_with(current))
            .collect();
        return (flags, directive::NO_FILE_COMP);
    }
    let subcommands: Vec<Candidate> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .map(|s| Candidate {
            value: s.get_name().to_string(),
            description: about(s),
        })
        .filter(|c| c.value.starts_with(current))
        .collect();
    if cmd.has_subcommands() && positionals == 0 {
        return (subcommands, directive::NO_FILE_COMP);
    }
    match cmd.get_name() {
        "explain" if positionals == 0 => {
            (rule_candidates(rules, current, ""), directive::NO_FILE_COMP)
        }
        "completion" if positionals == 0 => {
            let shell = cmd
                .get_positionals()
                .next()
                .expect("completion takes a shell");
            values(shell, current, "", rules, &contexts)
        }
        "test" => (Vec::new(), directive::FILTER_DIRS),
        _ => (Vec::new(), directive::NO_FILE_COMP),
    }
}

/// Renders candidates and the directive as Cobra prints them.
pub fn render(candidates: &[Candidate], directive: u32) -> String {
    let mut out = String::new();
    for c in candidates {
        out.push_str(&c.value);
        if !c.description.is_empty() {
            out.push('\t');
            out.push_str(&c.description);
        }
        out.push('\n');
    }
    out.push_str(&format!(":{directive}\n"));
    out
}

fn about(cmd: &Command) -> String {
    cmd.get_about().map(first_line).unwrap_or_default()
}

fn first_line(text: &clap::builder::StyledStr) -> String {
    text.to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

fn takes_value(arg: &Arg) -> bool {
    matches!(arg.get_action(), ArgAction::Set | ArgAction::Append)
}

/// A flag of the command, or a global one of the root (`--color`).
fn find_flag<'c>(cmd: &'c Command, root: &'c Command, name: &str) -> Option<&'c Arg> {
    let matches = |a: &&Arg| {
        if let Some(long) = name.strip_prefix("--") {
            a.get_long() == Some(long)
        } else {
            let short = name.strip_prefix('-').and_then(|s| s.chars().next());
            short.is_some() && a.get_short() == short
        }
    };
    cmd.get_arguments().find(matches).or_else(|| {
        root.get_arguments()
            .filter(|a| a.is_global_set())
            .find(matches)
    })
}

fn flags_of(cmd: &Command, root: &Command) -> Vec<Candidate> {
    let globals = root.get_arguments().filter(|a| a.is_global_set());
    cmd.get_arguments()
        .chain(globals)
        .filter(|a| !a.is_hide_set())
        .filter_map(|a| {
            let long = a.get_long()?;
            Some(Candidate {
                value: format!("--{long}"),
                description: a.get_help().map(first_line).unwrap_or_default(),
            })
        })
        .collect()
}

fn rule_candidates(
    rules: &[(String, String, String)],
    current: &str,
    prefix: &str,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (id, name, title) in rules {
        for value in [id, name] {
            if value
                .to_ascii_lowercase()
                .starts_with(&current.to_ascii_lowercase())
            {
                out.push(Candidate {
                    value: format!("{prefix}{value}"),
                    description: title.clone(),
                });
            }
        }
    }
    out
}

/// Values of a flag that takes one, after `prefix` (`--output=`, or the
/// ids already typed in a comma-separated list).
fn values(
    arg: &Arg,
    current: &str,
    prefix: &str,
    rules: &[(String, String, String)],
    contexts: &dyn Fn() -> Vec<String>,
) -> (Vec<Candidate>, u32) {
    let id = arg.get_id().as_str();
    let possible = arg.get_possible_values();
    if !possible.is_empty() {
        let out = possible
            .iter()
            .filter(|v| !v.is_hide_set() && v.get_name().starts_with(current))
            .map(|v| Candidate {
                value: format!("{prefix}{}", v.get_name()),
                description: v.get_help().map(first_line).unwrap_or_default(),
            })
            .collect();
        return (out, directive::NO_FILE_COMP);
    }
    match id {
        "contexts" => {
            let out = contexts()
                .into_iter()
                .filter(|c| c.starts_with(current))
                .map(|c| Candidate {
                    value: format!("{prefix}{c}"),
                    description: String::new(),
                })
                .collect();
            (out, directive::NO_FILE_COMP)
        }
        "select" | "ignore" => {
            // Comma-separated: complete the last id, keeping those typed.
            let (typed, last) = match current.rsplit_once(',') {
                Some((typed, last)) => (format!("{prefix}{typed},"), last),
                None => (prefix.to_string(), current),
            };
            let ids: Vec<(String, String, String)> = rules
                .iter()
                .map(|(id, _, title)| (id.clone(), id.clone(), title.clone()))
                .collect();
            let mut out = rule_candidates(&ids, last, &typed);
            out.dedup();
            (out, directive::NO_FILE_COMP | directive::NO_SPACE)
        }
        "policies" | "policy" | "output_dir" => (Vec::new(), directive::FILTER_DIRS),
        "filenames" | "context_from" | "kubeconfig" | "config" | "baseline" | "output" => {
            (Vec::new(), directive::DEFAULT)
        }
        _ => (Vec::new(), directive::NO_FILE_COMP),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<(String, String, String)> {
        vec![
            (
                "PA101".into(),
                "hardcoded-aws-credentials".into(),
                "Hardcoded".into(),
            ),
            (
                "PA501".into(),
                "legacy-iam-annotation".into(),
                "Legacy".into(),
            ),
        ]
    }

    fn values_of(words: &[&str]) -> (Vec<String>, u32) {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let (c, d) = complete(&words, &rules());
        (c.into_iter().map(|c| c.value).collect(), d)
    }

    #[test]
    fn subcommands_flags_and_values() {
        let (subs, d) = values_of(&[""]);
        assert!(subs.contains(&"check".into()) && subs.contains(&"explain".into()));
        assert!(
            !subs.iter().any(|s| s.starts_with("__") || s == "man"),
            "{subs:?}"
        );
        assert_eq!(d, directive::NO_FILE_COMP);
        assert_eq!(values_of(&["ch"]).0, ["check"]);
        let (flags, _) = values_of(&["check", "--fa"]);
        assert_eq!(flags, ["--fail-on"]);
        let (flags, _) = values_of(&["check", "--"]);
        assert!(flags.contains(&"--color".into()), "global flags: {flags:?}");
        assert_eq!(values_of(&["check", "-o", "ya"]).0, ["yaml"]);
        assert_eq!(
            values_of(&["check", "--output=j"]).0,
            ["--output=json", "--output=junit"]
        );
        assert_eq!(values_of(&["check", "--fail-on", "c"]).0, ["critical"]);
        assert_eq!(values_of(&["explain", "PA5"]).0, ["PA501"]);
        assert_eq!(
            values_of(&["explain", "hard"]).0,
            ["hardcoded-aws-credentials"]
        );
        let (ids, d) = values_of(&["check", "--select", "PA101,PA"]);
        assert_eq!(ids, ["PA101,PA101", "PA101,PA501"]);
        assert_eq!(d & directive::NO_SPACE, directive::NO_SPACE);
        assert_eq!(values_of(&["export", "k"]).0, ["kubewarden"]);
        assert_eq!(values_of(&["completion", "z"]).0, ["zsh"]);
        assert_eq!(
            values_of(&["check", "-f", ""]).1,
            directive::DEFAULT,
            "files"
        );
    }

    #[test]
    fn contexts_come_from_the_kubeconfig_given() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(
            &path,
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: prod-eu\n  context: {cluster: c, user: u}\n- name: prod-us\n  context: {cluster: c, user: u}\n- name: staging\n  context: {cluster: c, user: u}\ncurrent-context: staging\n",
        )
        .unwrap();
        let kc = path.to_str().unwrap();
        assert_eq!(
            values_of(&["check", "--kubeconfig", kc, "--context", "prod"]).0,
            ["prod-eu", "prod-us"]
        );
        assert_eq!(
            values_of(&["check", &format!("--kubeconfig={kc}"), "--context="]).0,
            [
                "--context=prod-eu",
                "--context=prod-us",
                "--context=staging"
            ]
        );
    }

    #[test]
    fn rendering_is_cobras() {
        let text = render(
            &[Candidate {
                value: "check".into(),
                description: "Check manifests".into(),
            }],
            4,
        );
        assert_eq!(text, "check\tCheck manifests\n:4\n");
    }
}
