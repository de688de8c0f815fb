//! Terminal colour. Decided once from `--color`, `NO_COLOR` and whether stdout
//! is a terminal; printers only ask `paint`, so no escape codes reach pipes.
use crate::settings::ColorChoice;
use owo_colors::OwoColorize;
use std::io::IsTerminal;

/// Whether to colour stdout.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
            !no_color && !dumb && std::io::stdout().is_terminal()
        }
    }
}

/// Roles rather than colours: each maps to a colour readable on light and dark
/// backgrounds (no yellow-on-white, no dim grey text for content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    Plain,
    Bold,
    Dim,
    Critical,
    Bad,
    Warn,
    Note,
    Good,
}

pub fn paint(color: bool, role: Paint, text: &str) -> String {
    if !color {
        return text.to_string();
    }
    match role {
        Paint::Plain => text.to_string(),
        Paint::Bold => text.bold().to_string(),
        Paint::Dim => text.dimmed().to_string(),
        Paint::Critical => text.bold().magenta().to_string(),
        Paint::Bad => text.bold().red().to_string(),
        Paint::Warn => text.bold().yellow().to_string(),
        Paint::Note => text.blue().to_string(),
        Paint::Good => text.green().to_string(),
    }
}

/// The width tables fit: `COLUMNS` when set (as kubectl and `ls` honour it),
/// else the terminal's; `None` when stdout is not a terminal (no limit).
pub fn terminal_width() -> Option<usize> {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0);
    columns.or_else(|| {
        std::io::stdout()
            .is_terminal()
            .then(|| terminal_size::terminal_size().map(|(w, _)| w.0 as usize))
            .flatten()
    })
}
