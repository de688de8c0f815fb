use super::{PrintOptions, Show};
use crate::report::{Finding, Report};
use crate::style::{paint, Paint};
use podauth_policies::Severity;
use std::io::{self, Write};

pub fn write_table(report: &Report, opts: &PrintOptions, out: &mut dyn Write) -> io::Result<()> {
    if matches!(opts.show, Show::Findings | Show::All) {
        write_findings(&report.findings, opts.color, out)?;
    }
    if opts.show_suppressed && !report.suppressed.is_empty() {
        write_suppressed(report, opts.color, out)?;
    }
    if matches!(opts.show, Show::Workloads | Show::All) && !report.workloads.is_empty() {
        write_workloads(report, opts.color, out)?;
    }
    write_summary(report, opts.color, out)
}

fn write_findings(findings: &[Finding], color: bool, out: &mut dyn Write) -> io::Result<()> {
    // Group by resource, in report order (by file and line).
    let mut groups: Vec<(&Finding, Vec<&Finding>)> = Vec::new();
    for f in findings {
        match groups
            .iter_mut()
            .find(|(first, _)| first.resource == f.resource && same_file(first, f))
        {
            Some((_, items)) => items.push(f),
            None => groups.push((f, vec![f])),
        }
    }
    for (first, items) in groups {
        let location = first
            .source
            .as_ref()
            .map(|s| {
                format!(
                    "  {}",
                    paint(color, Paint::Dim, &format!("{}:{}", s.file, s.line))
                )
            })
            .unwrap_or_default();
        writeln!(
            out,
            "{}{location}",
            paint(color, Paint::Bold, &first.resource.display())
        )?;
        for f in items {
            let sev = format!("{:<8}", f.severity.as_str().to_uppercase());
            writeln!(
                out,
                "  {} {}  {}",
                paint(color, severity_paint(f.severity), &sev),
                f.rule,
                f.message
            )?;
            let at = match &f.source {
                Some(s) => format!("{} (line {})", f.path, s.line),
                None => f.path.clone(),
            };
            writeln!(
                out,
                "           {} {}",
                paint(color, Paint::Dim, "at"),
                paint(color, Paint::Dim, &at)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn write_suppressed(report: &Report, color: bool, out: &mut dyn Write) -> io::Result<()> {
    use crate::suppress::Suppression;
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

fn write_workloads(report: &Report, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let headers = [
        "WORKLOAD",
        "SERVICE ACCOUNT",
        "METHODS",
        "EFFECTIVE",
        "RANK",
        "RECOMMENDED",
    ];
    let rows: Vec<[String; 6]> = report
        .workloads
        .iter()
        .map(|w| {
            [
                match &w.cluster {
                    Some(c) => format!("{c}: {}", w.resource.display()),
                    None => w.resource.display(),
                },
                w.service_account.clone(),
                w.methods.join(","),
                w.effective.clone(),
                w.rank.map_or("-".into(), |r| r.to_string()),
                w.recommended.clone(),
            ]
        })
        .collect();
    let mut widths = headers.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    writeln!(out, "{}", paint(color, Paint::Bold, "Workloads"))?;
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    writeln!(
        out,
        "{}",
        paint(color, Paint::Dim, &line(&headers.map(String::from)))
    )?;
    for row in &rows {
        let rank_paint = match row[4].as_str() {
            "1" | "2" => Paint::Good,
            "-" | "3" => Paint::Plain,
            _ => Paint::Warn,
        };
        let text = line(row);
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
    writeln!(
        out,
        "{findings}{breakdown} in {} objects from {} files{suppressed}{errors}",
        s.objects_read, s.files_read
    )
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
