mod catalog;
mod check;
mod evaluate;
mod export;
mod live_source;
mod migrate;
mod recommend;
mod test;

use crate::cli::{Cli, Command};
use crate::diag::CliError;
use crate::Exit;
use podauth_policies::Bundle;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

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
            emit(|out| {
                clap_complete::generate(shell, &mut cmd, "kubectl-podauth", out);
                Ok(())
            })?;
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
