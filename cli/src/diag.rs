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
    line("error", &e.message);
    if let Some(h) = &e.hint {
        eprintln!("  hint: {}", safe(h));
    }
}

pub fn warning(message: &str) {
    line("warning", message);
}

/// A problem with one input that did not stop the run.
pub fn input_error(message: &str) {
    line("error", message);
}

/// The `--timings` report.
pub fn timings(report: &str) {
    eprint!("{}", crate::redact::scrub(report));
}

fn line(level: &str, message: &str) {
    eprintln!("kubectl-podauth: {level}: {}", safe(message));
}

/// Every message passes the credential redactor, then loses its control characters.
fn safe(message: &str) -> String {
    crate::terminal::escape_control(&crate::redact::scrub(message)).into_owned()
}

/// Text for stderr that is not one of ours (clap's usage errors), redacted.
pub fn raw(text: &str) {
    eprint!("{}", crate::redact::scrub(text));
}
