//! kubectl-podauth: the CLI around the podauth policy library.
//!
//! `main.rs` only calls [`run`]. Commands resolve arguments, drive the loader
//! and the engine, and hand a finished report to a printer.

pub mod cli;
pub mod commands;
pub mod completion;
pub mod config;
pub mod credentials;
pub mod diag;
pub mod export;
pub mod live;
pub mod manifest;
pub mod migrate;
pub mod pipeline;
pub mod printers;
pub mod redact;
pub mod report;
pub mod settings;
pub mod style;
pub mod terminal;
pub mod timings;
pub mod version;

use clap::{CommandFactory, FromArgMatches};
use std::ffi::OsString;

/// Process exit status, as CI systems read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// No finding at or above `--fail-on`.
    Clean = 0,
    /// Findings at or above `--fail-on` (or failing tests).
    Findings = 1,
    /// Usage or input error.
    Error = 2,
}

/// The hidden command of Cobra's completion protocol.
pub const COMPLETE: &str = "__complete";

/// Runs the CLI with the given arguments (argv[0] included).
pub fn run(args: Vec<OsString>) -> Exit {
    // `kubectl_complete-podauth` (kubectl's plugin completion) calls
    // `__complete WORDS...`; the words are not ours to parse as flags.
    if args.get(1).is_some_and(|a| a == COMPLETE) {
        let words: Vec<String> = args[2..]
            .iter()
            .map(|w| w.to_string_lossy().into_owned())
            .collect();
        return match commands::complete(&words) {
            Ok(()) => Exit::Clean,
            Err(e) => {
                diag::error(&e);
                Exit::Error
            }
        };
    }
    let bin_name = display_name(args.first());
    let command = cli::Cli::command().bin_name(bin_name);
    let parsed = command
        .try_get_matches_from(args)
        .and_then(|m| cli::Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            // clap quotes the arguments it rejects: through the redactor.
            let text = e.render().to_string();
            if e.use_stderr() {
                diag::raw(&text);
            } else {
                let _ = commands::emit_text(&text);
            }
            return if code == 0 { Exit::Clean } else { Exit::Error };
        }
    };
    match commands::dispatch(cli) {
        Ok(exit) => exit,
        Err(e) => {
            diag::error(&e);
            Exit::Error
        }
    }
}

/// `kubectl podauth` when run as the plugin binary, as krew's guide asks.
fn display_name(argv0: Option<&OsString>) -> String {
    let base = argv0
        .and_then(|a| {
            std::path::Path::new(a)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "kubectl-podauth".into());
    match base.strip_prefix("kubectl-") {
        Some(plugin) => format!("kubectl {}", plugin.replace('_', "-")),
        None => base,
    }
}
