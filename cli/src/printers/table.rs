use super::PrintOptions;
use crate::report::{Finding, Report, Workload};
use crate::settings::Show;
use crate::style::{paint, Paint};
use podauth_policies::Severity;
use std::io::{self, Write};

/// How the table is laid out: kubectl's default (fit the terminal, leave out
/// wide columns) or `-o wide` (every column, never cut).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Columns to fit into; `None` for no limit (a pipe, or `-o wide`).
    pub width: Option<usize>,
    /// Show the wide columns (SERVICE ACCOUNT, METHODS).
    pub wide: bool,
}

pub fn write_table(
    report: &Report,
    opts: &PrintOptions,
    layout: Layout,
    out: &mut dyn Write,
) -> io::Result<()> {
    // Live mode: one heading per cluster, its findings and workloads under it.
    let mut clusters: Vec<Option<&str>> = Vec::new();
    let cluster_names = report
        .findings
        .iter()
        .map(|f| f.cluster.as_deref())
        .chain(report.workloads.iter().map(|w| w.cluster.as_deref()));
    for c in cluster_names {
        if !clusters.contains(&c) {
            clusters.push(c);
        }
    }
    if clusters.is_empty() {
        clusters.push(None);
    }
    for cluster in clusters {
        if let Some(name) = cluster {
            writeln!(
                out,
                "{}",
                paint(opts.color, Paint::Bold, &format!("Cluster {name}"))
            )?;
            writeln!(out)?;
        }
        if matches!(opts.show, Show::Findings | Show::All) {
            let findings: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| f.cluster.as_deref() == cluster)
                .collect();
            write_findings(&findings, opts.color, layout, out)?;
        }
        let workloads: Vec<&Workload> = report
            .workloads
            .iter()
            .filter(|w| w.cluster.as_deref() == cluster)
            .collect();
        if matches!(opts.show, Show::Workloads | Show::All) && !workloads.is_empty() {
            write_workloads(&workloads, opts.color, layout, out)?;
        }
    }
    if opts.show_suppressed && !report.suppressed.is_empty() {
        write_suppressed(report, opts.color, out)?;
    }
    write_summary(report, opts.color, out)
}

fn write_findings(
    findings: &[&Finding],
    color: bool,
    layout: Layout,
    out: &mut dyn Write,
) -> io::Result<()> {
    // Group by resource, in report order (by file and line).
    let mut groups: Vec<(&Finding, Vec<&Finding>)> = Vec::new();
    for f in findings.iter().copied() {
        match groups
            .iter_mut()
            .find(|(first, _)| first.resource == f.resource && same_file(first, f))
        {
            Some((_, items)) => items.push(f),
            None => groups.push((f, vec![f])),
        }
    }
    for (first, items) in groups {
        let name = first.resource.display();
        let place = first
            .source
            .as_ref()
            .map(|s| format!("{}:{}", s.file, s.line));
        // The location follows the resource, or goes on its own line when both do not fit.
        let location = match &place {
            Some(p) if fits(layout, name.chars().count() + 2 + p.chars().count()) => {
                format!("  {}", paint(color, Paint::Dim, p))
            }
            Some(p) => format!("\n  {}", paint(color, Paint::Dim, p)),
            None => String::new(),
        };
        writeln!(out, "{}{location}", paint(color, Paint::Bold, &name))?;
        for f in items {
            let sev = format!("{:<8}", f.severity.as_str().to_uppercase());
            let lead = format!("  {sev} {}  ", f.rule);
            let indent = lead.chars().count();
            let mut lines = wrap_words(&f.message, layout.width.map(|w| w.saturating_sub(indent)));
            writeln!(
                out,
                "  {} {}  {}",
                paint(color, severity_paint(f.severity), &sev),
                f.rule,
                lines.remove(0)
            )?;
            for line in lines {
                writeln!(out, "{:indent$}{line}", "")?;
            }
            let at = match &f.source {
                Some(s) => format!("at {} (line {})", f.path, s.line),
                None => format!("at {}", f.path),
            };
            let at_indent = 11;
            for (i, line) in wrap_words(&at, layout.width.map(|w| w.saturating_sub(at_indent + 3)))
                .iter()
                .enumerate()
            {
                let pad = if i == 0 { at_indent } else { at_indent + 3 };
                writeln!(out, "{:pad$}{}", "", paint(color, Paint::Dim, line))?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

fn fits(layout: Layout, len: usize) -> bool {
    layout.width.is_none_or(|w| len <= w)
}

/// Splits text into lines of at most `width` characters at spaces (a word
/// longer than a line is cut); `None` keeps one line.
pub fn wrap_words(text: &str, width: Option<usize>) -> Vec<String> {
    let Some(width) = width.map(|w| w.max(10)) else {
        return vec![text.to_string()];
    };
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let line_len = line.chars().count();
            let word_len = word.chars().count();
            let needed = if line.is_empty() {
                word_len
            } else {
                line_len + 1 + word_len
            };
            if needed <= width {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word longer than the line: cut it.
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            lines.push(head);
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Splits a table cell into lines of at most `width`, preferring to break
/// after `/`, `,` or `-` so names stay readable.
fn wrap_cell(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    let mut start = 0;
    while chars.len() - start > width {
        let window = &chars[start..start + width];
        let cut = window
            .iter()
            .rposition(|c| matches!(c, '/' | ',' | '-' | ' '))
            .filter(|i| *i > 0)
            .map_or(width, |i| i + 1);
        lines.push(
            chars[start..start + cut]
                .iter()
                .collect::<String>()
                .trim_end()
                .to_string(),
        );
        start += cut;
    }
    lines.push(chars[start..].iter().collect());
    lines
}

fn write_suppressed(report: &Report, color: bool, out: &mut dyn Write) -> io::Result<()> {
    use crate::report::Suppression;
    writeln!(out, "{}", paint(color, Paint::Bold, "Suppressed"))?;
    for s in &report.suppressed {
        let f = &s.finding;
        let why = match &s.suppression {
            Suppression::Inline { reason: Some(r) } => format!("podauth.io/ignore: {r}"),
            Suppression::Inline { reason: None } => {
                "podauth.io/ignore (no reason given)".to_string()
            }
            Suppression::Config {
                reason,
                expires: Some(d),
            } => format!(".podauth.yaml until {d}: {reason}"),
            Suppression::Config {
                reason,
                expires: None,
            } => format!(".podauth.yaml: {reason}"),
            Suppression::Baseline => "in the baseline".to_string(),
        };
        writeln!(
            out,
            "  {} {}  {}  ({why})",
            f.rule,
            f.resource.display(),
            f.message
        )?;
    }
    writeln!(out)
}

fn same_file(a: &Finding, b: &Finding) -> bool {
    a.source.as_ref().map(|s| &s.file) == b.source.as_ref().map(|s| &s.file)
}

/// A Workloads column: its header, whether only `-o wide` shows it, and its cell.
struct Column {
    header: &'static str,
    wide: bool,
    cell: fn(&Workload) -> String,
}

const WORKLOAD_COLUMNS: [Column; 6] = [
    Column {
        header: "WORKLOAD",
        wide: false,
        cell: |w| w.resource.display(),
    },
    Column {
        header: "SERVICE ACCOUNT",
        wide: true,
        cell: |w| w.service_account.clone(),
    },
    Column {
        header: "METHODS",
        wide: true,
        cell: |w| w.methods.join(","),
    },
    Column {
        header: "EFFECTIVE",
        wide: false,
        cell: |w| w.effective.clone(),
    },
    Column {
        header: "RANK",
        wide: false,
        cell: |w| w.rank.map_or("-".into(), |r| r.to_string()),
    },
    Column {
        header: "RECOMMENDED",
        wide: false,
        cell: |w| w.recommended.clone(),
    },
];

const GAP: usize = 2;

fn write_workloads(
    workloads: &[&Workload],
    color: bool,
    layout: Layout,
    out: &mut dyn Write,
) -> io::Result<()> {
    let columns: Vec<&Column> = WORKLOAD_COLUMNS
        .iter()
        .filter(|c| layout.wide || !c.wide)
        .collect();
    let headers: Vec<String> = columns.iter().map(|c| c.header.to_string()).collect();
    let rows: Vec<(Option<u8>, Vec<String>)> = workloads
        .iter()
        .map(|w| (w.rank, columns.iter().map(|c| (c.cell)(w)).collect()))
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for (_, row) in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    // Too wide for the terminal: the widest column gives way, its cells wrap.
    if let Some(limit) = layout.width {
        let total = |ws: &[usize]| ws.iter().sum::<usize>() + GAP * (ws.len() - 1);
        while total(&widths) > limit {
            let (i, widest) = widths
                .iter()
                .copied()
                .enumerate()
                .max_by_key(|(_, w)| *w)
                .expect("columns");
            let floor = headers[i].chars().count().max(8);
            if widest <= floor {
                break;
            }
            widths[i] = (widest - (total(&widths) - limit)).max(floor);
        }
    }
    writeln!(out, "{}", paint(color, Paint::Bold, "Workloads"))?;
    let lines = |cells: &[String]| -> Vec<String> {
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| wrap_cell(c, *w))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        (0..height)
            .map(|i| {
                wrapped
                    .iter()
                    .zip(&widths)
                    .map(|(cell, w)| format!("{:<w$}", cell.get(i).map_or("", String::as_str)))
                    .collect::<Vec<_>>()
                    .join(&" ".repeat(GAP))
                    .trim_end()
                    .to_string()
            })
            .collect()
    };
    for header in lines(&headers) {
        writeln!(out, "{}", paint(color, Paint::Dim, &header))?;
    }
    for (rank, row) in &rows {
        let rank_paint = match rank {
            Some(1 | 2) => Paint::Good,
            None | Some(3) => Paint::Plain,
            _ => Paint::Warn,
        };
        for text in lines(row) {
            writeln!(
                out,
                "{}",
                if rank_paint == Paint::Plain {
                    text
                } else {
                    paint(color, rank_paint, &text)
                }
            )?;
        }
    }
    writeln!(out)
}

fn write_summary(report: &Report, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.summary;
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|sev| {
            let n = s
                .by_severity
                .get(sev.as_str())
                .and_then(|v| v.as_u64())
                .unwrap_or(0);
            (n > 0).then(|| paint(color, severity_paint(*sev), &format!("{n} {sev}")))
        })
        .collect();
    let findings = match s.findings {
        0 => paint(color, Paint::Good, "No findings"),
        1 => "1 finding".to_string(),
        n => format!("{n} findings"),
    };
    let breakdown = if counts.is_empty() {
        String::new()
    } else {
        format!(" ({})", counts.join(", "))
    };
    let errors = match s.errors {
        0 => String::new(),
        1 => format!(", {}", paint(color, Paint::Bad, "1 input error")),
        n => format!(
            ", {}",
            paint(color, Paint::Bad, &format!("{n} input errors"))
        ),
    };
    let suppressed = match s.suppressed {
        0 => String::new(),
        n => format!(", {n} suppressed"),
    };
    let from = match s.clusters {
        Some(n) => plural(n, "cluster"),
        None => plural(s.files_read, "file"),
    };
    writeln!(
        out,
        "{findings}{breakdown} in {} from {from}{suppressed}{errors}",
        plural(s.objects_read, "object")
    )
}

/// `1 file`, `2 files`: counts in prose.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn severity_paint(sev: Severity) -> Paint {
    match sev {
        Severity::Critical => Paint::Critical,
        Severity::High => Paint::Bad,
        Severity::Medium => Paint::Warn,
        Severity::Low => Paint::Note,
        Severity::Info => Paint::Plain,
    }
}
