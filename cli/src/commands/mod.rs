mod catalog;
mod check;
mod export;
mod migrate;
mod recommend;
mod test;

use crate::cli::{Cli, Command};
use crate::diag::CliError;
use crate::Exit;
use podauth_policies::{Bundle, Evaluator};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

pub fn dispatch(cli: Cli) -> Result<Exit, CliError> {
    let color = crate::style::use_color(cli.color);
    match cli.command {
        Command::Check(args) => check::run(&args, color),
        Command::Rules(args) => catalog::rules(&args),
        Command::Explain(args) => catalog::explain(&args, color),
        Command::Test(args) => test::run(&args, color),
        Command::Migrate(args) => migrate::run(&args),
        Command::Recommend(args) => recommend::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Completion { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            // clap_complete panics when its writer fails, so it writes to
            // memory and `emit` handles a closed pipe (`| head -1`).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, BIN, &mut script);
            if shell == clap_complete::Shell::Bash {
                script = bash_case_labels(&String::from_utf8_lossy(&script)).into_bytes();
            }
            emit(|out| out.write_all(&script))?;
            Ok(Exit::Clean)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            emit(|out| clap_mangen::Man::new(cmd).render(out))?;
            Ok(Exit::Clean)
        }
        Command::Version => {
            emit(|out| writeln!(out, "kubectl-podauth {}", crate::version::VERSION_LINE))?;
            Ok(Exit::Clean)
        }
    }
}

const BIN: &str = "kubectl-podauth";

/// clap_complete's bash script tracks the command as `kubectl__podauth__subcmd__check`
/// (the binary's `-` as `__`) but labels its cases `kubectl__subcmd__podauth__subcmd__check`
/// (every `-` as `__subcmd__`), so no subcommand's flags were ever completed.
/// The labels are renamed to what the tracking sets.
fn bash_case_labels(script: &str) -> String {
    let tracked = BIN.replace('-', "__");
    let labelled = BIN.replace('-', "__subcmd__");
    script.replace(
        &format!("{labelled}__subcmd__"),
        &format!("{tracked}__subcmd__"),
    )
}

/// `__complete WORDS...`: candidates for the last word, in Cobra's protocol.
pub fn complete(words: &[String]) -> Result<(), CliError> {
    let bundle = Bundle::embedded();
    let rules: Vec<(String, String, String)> = bundle
        .rules
        .iter()
        .map(|r| (r.meta.id.clone(), r.meta.name.clone(), r.meta.title.clone()))
        .collect();
    let (candidates, directive) = crate::completion::complete(words, &rules);
    let text = crate::completion::render(&candidates, directive);
    emit(|out| out.write_all(text.as_bytes()))
}

/// Writes to stdout through the credential redactor and a buffer. A closed pipe (`| head`) is not an error:
/// the output is simply cut short.
pub(crate) fn emit(print: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), CliError> {
    let stdout = io::stdout();
    let mut out = crate::redact::ScrubbingWriter::new(BufWriter::new(stdout.lock()));
    let result = print(&mut out).and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::new(format!("writing output: {e}"))),
        Ok(()) => Ok(()),
    }
}

/// [`emit`] for a finished text.
pub fn emit_text(text: &str) -> Result<(), CliError> {
    emit(|out| out.write_all(text.as_bytes()))
}

/// The embedded policies plus any custom policy directories.
pub(crate) fn load_bundle(dirs: &[PathBuf]) -> Result<Bundle, CliError> {
    let mut bundle = Bundle::embedded();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(CliError::new(format!(
                "policy directory {} does not exist",
                dir.display()
            ))
            .hint("--policy takes a directory of .rego files"));
        }
        // A policy file's secrets are masked wherever a message quotes them.
        for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
            if entry.path().extension().is_some_and(|e| e == "rego") {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    crate::redact::learn_text(&text);
                }
            }
        }
        bundle.add_dir(dir).map_err(|errors| {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            CliError::new(format!("invalid custom policy: {}", list.join("; ")))
                .hint("each rule needs a # METADATA block; see docs/custom-policies.md")
        })?;
    }
    Ok(bundle)
}

/// The evaluator for `selected` rules of `bundle` (all rules when empty).
pub(crate) fn load_evaluator(bundle: &Bundle, selected: &[&str]) -> Result<Evaluator, CliError> {
    Evaluator::new(bundle, selected).map_err(|e| policies_failed_to_load(&e))
}

/// The error for a bundle whose policies do not compile; Rego source lines
/// are left out because a custom policy may quote a secret.
pub(crate) fn policies_failed_to_load(error: &impl std::fmt::Display) -> CliError {
    CliError::new(format!(
        "policies failed to load: {}",
        crate::redact::without_source_lines(&format!("{error:#}"))
    ))
}

/// File name endings that say "one file", never a directory of artifacts.
const FILE_LIKE_ENDINGS: [&str; 8] = [
    ".wasm", ".tar.gz", ".tgz", ".tar", ".yaml", ".yml", ".json", ".md",
];

/// Where a single-file artifact goes: a file, or stdout for `-o -`.
pub(crate) enum FileTarget {
    Stdout,
    File(PathBuf),
}

/// Resolves `-o` for a command that writes one file. An existing directory is
/// refused by name (rather than the OS's "Is a directory").
pub(crate) fn file_target(
    command: &str,
    path: &Path,
    example: &str,
) -> Result<FileTarget, CliError> {
    if path.as_os_str() == "-" {
        return Ok(FileTarget::Stdout);
    }
    if path.is_dir() {
        return Err(CliError::new(format!(
            "{command} writes one file, and -o {} is a directory",
            path.display()
        ))
        .hint(format!(
            "name the file, e.g. -o {}, or -o - for stdout",
            path.join(example).display()
        )));
    }
    Ok(FileTarget::File(path.to_path_buf()))
}

/// Checks `-o` for a command that writes several files into a directory:
/// `-`, an existing file, or a name that looks like one file are refused by name.
pub(crate) fn dir_target(command: &str, path: &Path, writes: &str) -> Result<(), CliError> {
    let shown = path.display().to_string();
    let refuse = |why: String| {
        Err(
            CliError::new(format!("{command} writes {writes} into a directory, {why}"))
                .hint("pass a directory, e.g. -o out/"),
        )
    };
    if shown == "-" {
        return refuse("and -o - (stdout) cannot hold several files".into());
    }
    if path.exists() && !path.is_dir() {
        return refuse(format!("and -o {shown} is an existing file"));
    }
    let lower = shown.to_ascii_lowercase();
    if !path.exists() {
        if let Some(ending) = FILE_LIKE_ENDINGS.iter().find(|e| lower.ends_with(*e)) {
            return refuse(format!(
                "and -o {shown} ends in {ending}, a file name (no directory was created)"
            ));
        }
    }
    Ok(())
}

/// Writes a single-file artifact to its target.
pub(crate) fn write_file_target(target: &FileTarget, bytes: &[u8]) -> Result<(), CliError> {
    match target {
        FileTarget::Stdout => emit(|out| out.write_all(bytes)),
        FileTarget::File(path) => crate::redact::write_file(path, bytes)
            .map_err(|e| CliError::new(format!("writing {}: {e}", path.display()))),
    }
}
