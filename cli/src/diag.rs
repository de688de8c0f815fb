//! Messages on stderr: errors with a hint, warnings, and per-input problems.
//! One line each, never a backtrace or a debug dump.
#![allow(clippy::print_stderr)]

/// A fatal error for one command: what went wrong and what to try next.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }
}

pub fn error(e: &CliError) {
    eprintln!("kubectl-podauth: error: {}", e.message);
    if let Some(h) = &e.hint {
        eprintln!("  hint: {h}");
    }
}

pub fn warning(message: &str) {
    eprintln!("kubectl-podauth: warning: {message}");
}

/// A problem with one input that did not stop the run.
pub fn input_error(message: &str) {
    eprintln!("kubectl-podauth: error: {message}");
}

/// The `--timings` report.
pub fn timings(report: &str) {
    eprint!("{report}");
}
