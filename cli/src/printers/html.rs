//! `check -o html`: one self-contained page a platform team shares. No
//! network: the CSS, the script and the SVG charts are inline and generated
//! here, so it works from a file:// URL and in a mail attachment. The page is
//! complete without the script (which only sorts and filters the findings).
//!
//! It renders the same report as every other format, so values are masked the
//! same way (the evaluator scrubs messages through the redactor).
// HTML content and attribute values escape as XML's do.
use super::junit::esc as escape;
use super::PrintOptions;
use crate::report::{Finding, Report, Workload};
use podauth_policies::Severity;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};

/// `--baseline` progress: what the baseline knew and what happened to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaselineProgress {
    /// Findings recorded in the baseline.
    pub known: usize,
    /// Baseline findings no longer found.
    pub fixed: usize,
    /// Baseline findings still present (suppressed as known).
    pub open: usize,
    /// Findings not in the baseline.
    pub new: usize,
}

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

pub fn write_html(report: &Report, opts: &PrintOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut page = String::new();
    let title = "kubectl podauth report";
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    header(&mut page, report);
    if let Some(progress) = &opts.baseline {
        baseline(&mut page, progress);
    }
    estate(&mut page, &report.workloads, &report.findings);
    findings(&mut page, &report.findings);
    migration(&mut page, &report.workloads, &report.findings, opts);
    let _ = write!(
        page,
        "<footer>kubectl-podauth {} &middot; credential values are masked in every output</footer>\n\
         <script>{SCRIPT}</script>\n</body>\n</html>\n",
        escape(crate::version::VERSION_LINE)
    );
    out.write_all(page.as_bytes())
}

fn header(page: &mut String, report: &Report) {
    let s = &report.summary;
    let source = match s.clusters {
        Some(n) => super::plural(n, "cluster"),
        None => super::plural(s.files_read, "file"),
    };
    let _ = write!(
        page,
        "<header><h1>Pod authentication to AWS</h1>\
         <p class=\"lede\">{} and {} in {} from {source}{}</p><ul class=\"tiles\">",
        super::plural(s.findings, "finding"),
        super::plural(report.workloads.len(), "workload"),
        super::plural(s.objects_read, "object"),
        if s.errors > 0 {
            format!(
                ", <strong class=\"bad\">{}</strong> (findings may be missing)",
                super::plural(s.errors, "input error")
            )
        } else {
            String::new()
        }
    );
    for sev in Severity::ALL {
        let n = report.findings.iter().filter(|f| f.severity == sev).count();
        let _ = write!(
            page,
            "<li class=\"tile sev-{sev}\" data-severity=\"{sev}\" data-count=\"{n}\"><b>{n}</b> {sev}</li>",
            sev = sev.as_str()
        );
    }
    let _ = writeln!(
        page,
        "<li class=\"tile\" data-count=\"{}\"><b>{}</b> suppressed</li></ul></header>",
        s.suppressed, s.suppressed
    );
}

fn baseline(page: &mut String, p: &BaselineProgress) {
    let percent = (p.fixed * 100).checked_div(p.known).unwrap_or(100);
    let _ = writeln!(
        page,
        "<section id=\"baseline\" data-known=\"{known}\" data-fixed=\"{fixed}\" data-open=\"{open}\" data-new=\"{new}\">\
         <h2>Progress since the baseline</h2>\
         <p>{fixed} of {known} fixed ({percent}%), {open} still open, {new} new.</p>\
         <svg class=\"progress\" role=\"img\" aria-label=\"{percent}% of the baseline fixed\" viewBox=\"0 0 600 22\" width=\"600\" height=\"22\">\
         <rect x=\"0\" y=\"0\" width=\"600\" height=\"22\" rx=\"4\" class=\"track\"/>\
         <rect x=\"0\" y=\"0\" width=\"{bar}\" height=\"22\" rx=\"4\" class=\"fill\"/></svg></section>",
        known = p.known,
        fixed = p.fixed,
        open = p.open,
        new = p.new,
        bar = percent * 6
    );
}

/// A horizontal bar chart as inline SVG. Each bar carries its label and
/// count as data attributes, so tests (and readers' tools) can check it.
pub fn bar_chart(id: &str, caption: &str, bars: &[(String, usize, &str)]) -> String {
    let (label_w, bar_w, row_h) = (240usize, 330usize, 26usize);
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let height = row_h * bars.len().max(1) + 8;
    let total: usize = bars.iter().map(|b| b.1).sum();
    let mut svg = format!(
        "<figure><svg id=\"{id}\" class=\"chart\" role=\"img\" aria-label=\"{caption}\" data-total=\"{total}\" \
         viewBox=\"0 0 {w} {height}\" width=\"{w}\" height=\"{height}\">",
        caption = escape(caption),
        w = label_w + bar_w + 50
    );
    for (i, (label, count, class)) in bars.iter().enumerate() {
        let y = 4 + i * row_h;
        let len = if *count == 0 {
            0
        } else {
            (count * bar_w / max).max(2)
        };
        let _ = write!(
            svg,
            "<g class=\"bar {class}\" data-label=\"{l}\" data-count=\"{count}\">\
             <text x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\">{l}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{len}\" height=\"{bh}\" rx=\"3\"/>\
             <text x=\"{cx}\" y=\"{ty}\" class=\"count\">{count}</text></g>",
            l = escape(label),
            tx = label_w - 8,
            ty = y + 15,
            bh = row_h - 8,
            cx = label_w + len + 6
        );
    }
    let _ = write!(
        svg,
        "</svg><figcaption>{}</figcaption></figure>",
        escape(caption)
    );
    svg
}

fn rank_class(rank: Option<u8>) -> &'static str {
    match rank {
        Some(1 | 2) => "good",
        Some(3) => "fair",
        Some(_) => "poor",
        None => "none",
    }
}

fn rank_label(rank: Option<u8>) -> String {
    rank.map_or("unranked".into(), |r| format!("rank {r}"))
}

fn estate(page: &mut String, workloads: &[Workload], findings: &[Finding]) {
    // Methods, most secure first (the ranking's order), "none" last.
    let mut methods: BTreeMap<(u8, String), usize> = BTreeMap::new();
    let mut ranks: BTreeMap<u8, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for w in workloads {
        let rank = w.rank.unwrap_or(u8::MAX);
        *methods.entry((rank, w.effective.clone())).or_default() += 1;
        let entry = ranks.entry(rank).or_default();
        entry.0 += 1;
        entry.1.insert(&w.effective);
    }
    let method_bars: Vec<(String, usize, &str)> = methods
        .iter()
        .map(|((rank, m), n)| {
            (
                m.clone(),
                *n,
                rank_class((*rank != u8::MAX).then_some(*rank)),
            )
        })
        .collect();
    let rank_bars: Vec<(String, usize, &str)> = (1..=6u8)
        .map(|r| {
            let (n, names) = ranks.get(&r).cloned().unwrap_or_default();
            let names: Vec<&str> = names.into_iter().collect();
            let label = if names.is_empty() {
                rank_label(Some(r))
            } else {
                format!("{} ({})", rank_label(Some(r)), names.join(", "))
            };
            (label, n, rank_class(Some(r)))
        })
        .chain(
            ranks
                .get(&u8::MAX)
                .map(|(n, _)| ("no AWS access".to_string(), *n, "none")),
        )
        .collect();
    let _ =
        write!(
        page,
        "<section id=\"estate\"><h2>The estate at a glance</h2><div class=\"charts\">{}{}</div>",
        bar_chart("chart-methods", "Workloads by effective method", &method_bars),
        bar_chart(
            "chart-ranking",
            "Security ranking (1 is most secure)",
            &rank_bars
        ),
    );
    // Per cluster and namespace: workloads per method (methods in ranking order).
    let columns: Vec<&(u8, String)> = methods.keys().collect();
    let mut places: BTreeMap<(String, String), Vec<&Workload>> = BTreeMap::new();
    for w in workloads {
        let key = (
            w.cluster.clone().unwrap_or_default(),
            w.resource.namespace.clone().unwrap_or_default(),
        );
        places.entry(key).or_default().push(w);
    }
    let with_clusters = workloads.iter().any(|w| w.cluster.is_some());
    let _ = write!(page, "<table id=\"places\" class=\"grid\"><thead><tr>");
    if with_clusters {
        page.push_str("<th>Cluster</th>");
    }
    page.push_str("<th>Namespace</th><th class=\"num\">Workloads</th>");
    for (rank, m) in &columns {
        let title = if *rank == u8::MAX {
            "unranked".to_string()
        } else {
            rank_label(Some(*rank))
        };
        let _ = write!(
            page,
            "<th class=\"num\" title=\"{title}\">{}</th>",
            escape(m)
        );
    }
    page.push_str("<th class=\"num\">Findings</th></tr></thead><tbody>");
    for ((cluster, ns), items) in &places {
        let in_place = |f: &&Finding| {
            f.cluster.clone().unwrap_or_default() == *cluster
                && f.resource.namespace.clone().unwrap_or_default() == *ns
        };
        let _ = write!(
            page,
            "<tr data-cluster=\"{c}\" data-namespace=\"{n}\" data-workloads=\"{count}\">",
            c = escape(cluster),
            n = escape(ns),
            count = items.len()
        );
        if with_clusters {
            let _ = write!(page, "<td>{}</td>", escape(cluster));
        }
        let _ = write!(
            page,
            "<td>{}</td><td class=\"num\">{}</td>",
            escape(if ns.is_empty() { "(cluster)" } else { ns }),
            items.len()
        );
        for (_, m) in &columns {
            let n = items.iter().filter(|w| &w.effective == m).count();
            let _ = write!(
                page,
                "<td class=\"num{}\">{}</td>",
                if n == 0 { " zero" } else { "" },
                n
            );
        }
        let _ = write!(
            page,
            "<td class=\"num\">{}</td></tr>",
            findings.iter().filter(in_place).count()
        );
    }
    page.push_str("</tbody></table></section>\n");
}

fn findings(page: &mut String, findings: &[Finding]) {
    let with_clusters = findings.iter().any(|f| f.cluster.is_some());
    let _ = write!(
        page,
        "<section id=\"findings\"><h2>Findings</h2>\
         <div class=\"controls\"><input id=\"filter\" type=\"search\" placeholder=\"Filter: rule, resource, message...\" aria-label=\"Filter findings\">\
         <select id=\"severity\" aria-label=\"Minimum severity\"><option value=\"\">every severity</option>"
    );
    for sev in Severity::ALL {
        let _ = write!(
            page,
            "<option value=\"{s}\">{s} and above</option>",
            s = sev.as_str()
        );
    }
    let _ = write!(
        page,
        "</select><span id=\"shown\" data-total=\"{n}\">{n} of {n} shown</span></div>\
         <table id=\"findings-table\" class=\"grid sortable\" data-rows=\"{n}\"><thead><tr>\
         <th data-sort=\"rank\">Severity</th><th data-sort=\"text\">Rule</th>{cluster}<th data-sort=\"text\">Resource</th>\
         <th data-sort=\"text\">Where</th><th data-sort=\"text\">Message</th></tr></thead><tbody>",
        n = findings.len(),
        cluster = if with_clusters {
            "<th data-sort=\"text\">Cluster</th>"
        } else {
            ""
        }
    );
    for f in findings {
        let sev = f.severity.as_str();
        let place = match &f.source {
            Some(s) => format!("{}:{}", s.file, s.line),
            None => f.path.clone(),
        };
        let _ = write!(
            page,
            "<tr class=\"finding\" data-severity=\"{sev}\" data-level=\"{level}\" data-rule=\"{rule}\">\
             <td data-key=\"{level}\"><span class=\"sev sev-{sev}\">{sev}</span></td>\
             <td title=\"{title}\">{rule}</td>",
            level = severity_level(f.severity),
            rule = escape(&f.rule),
            title = escape(&f.title)
        );
        if with_clusters {
            let _ = write!(
                page,
                "<td>{}</td>",
                escape(f.cluster.as_deref().unwrap_or(""))
            );
        }
        let _ = write!(
            page,
            "<td>{}</td><td class=\"where\" title=\"{}\">{}</td><td>{}</td></tr>",
            escape(&f.resource.display()),
            escape(&f.path),
            escape(&place),
            escape(&f.message)
        );
    }
    page.push_str("</tbody></table></section>\n");
}

fn severity_level(sev: Severity) -> usize {
    Severity::ALL.len() - Severity::ALL.iter().position(|s| *s == sev).unwrap_or(0)
}

fn migration(page: &mut String, workloads: &[Workload], findings: &[Finding], opts: &PrintOptions) {
    let _ = write!(
        page,
        "<section id=\"migration\"><h2>Migration paths</h2><table id=\"migration-table\" class=\"grid\" data-rows=\"{}\">\
         <thead><tr><th>Workload</th><th>Now</th><th>Rank</th><th>Move to</th><th>Why, and how</th></tr></thead><tbody>",
        workloads.len()
    );
    for w in workloads {
        let moves = w.recommended != w.effective && w.recommended != "none";
        let steps: BTreeSet<&str> = findings
            .iter()
            .filter(|f| f.resource == w.resource && f.cluster == w.cluster)
            .filter_map(|f| opts.rules.iter().find(|r| r.id == f.rule))
            .filter_map(|r| r.migration.as_deref())
            .collect();
        let name = match &w.cluster {
            Some(c) => format!("{c}: {}", w.resource.display()),
            None => w.resource.display(),
        };
        let _ = write!(
            page,
            "<tr class=\"{}\" data-workload=\"{}\"><td>{}</td><td>{}</td><td><span class=\"rank {}\">{}</span></td><td>{}</td><td>{}",
            if moves { "moves" } else { "stays" },
            escape(&name),
            escape(&name),
            escape(&w.effective),
            rank_class(w.rank),
            w.rank.map_or("-".into(), |r| r.to_string()),
            if moves {
                format!("<b>{}</b>", escape(&w.recommended))
            } else {
                "stays".into()
            },
            escape(&w.reason)
        );
        if !steps.is_empty() {
            let _ = write!(page, "<details><summary>Migration steps</summary>");
            for s in steps {
                let _ = write!(page, "<p>{}</p>", escape(s));
            }
            page.push_str("</details>");
        }
        page.push_str("</td></tr>");
    }
    page.push_str("</tbody></table><p class=\"hint\">Turn this into reviewable files with <code>kubectl podauth migrate -f &lt;manifests&gt; -o &lt;dir&gt;</code>.</p></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_quotes_and_control_characters() {
        assert_eq!(
            escape("<script>\"a\" & 'b'\u{1b}[31m"),
            "&lt;script&gt;&quot;a&quot; &amp; &apos;b&apos;[31m"
        );
    }

    #[test]
    fn bars_are_scaled_to_the_largest_and_carry_their_counts() {
        let svg = bar_chart(
            "c",
            "x",
            &[
                ("a".into(), 4, "good"),
                ("b<".into(), 2, "poor"),
                ("z".into(), 0, "none"),
            ],
        );
        assert!(svg.contains("data-total=\"6\""));
        assert!(svg.contains("data-label=\"a\" data-count=\"4\""));
        assert!(
            svg.contains("width=\"330\""),
            "the largest bar is full width"
        );
        assert!(
            svg.contains("width=\"165\""),
            "half the largest is half as long"
        );
        assert!(svg.contains("data-label=\"b&lt;\""));
        assert!(svg.contains("width=\"0\""), "an empty bar has no length");
    }
}
