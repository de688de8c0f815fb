//! `check -o html`: one self-contained page, loaded in a real headless
//! Chromium from a file:// URL (no network), with charts and tables that
//! count what the JSON report counts.
use crate::support::*;
use std::path::Path;
use std::process::Command;

fn html(args: &[&str]) -> String {
    let mut all = vec!["check", "-o", "html"];
    all.extend_from_slice(args);
    let run = podauth(&all);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    run.stdout
}

/// Chromium, headless, with a profile of its own (tests run in parallel).
fn chromium(args: &[&str], url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .output()
        .expect("chromium is required (.ci/run installs Debian's chromium)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// `attr="value"` of the first element with `id="id"`.
fn attr_of(dom: &str, id: &str, attr: &str) -> String {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let tag_start = dom[..at].rfind('<').unwrap();
    let tag_end = at + dom[at..].find('>').unwrap();
    let tag = &dom[tag_start..tag_end];
    let re = regex::Regex::new(&format!(r#"{attr}="([^"]*)""#)).unwrap();
    re.captures(tag)
        .unwrap_or_else(|| panic!("#{id} has no {attr}: {tag}"))[1]
        .to_string()
}

/// (label, count) of every bar of a chart, in order.
fn bars(dom: &str, chart: &str) -> Vec<(String, usize)> {
    let start = dom.find(&format!("id=\"{chart}\"")).unwrap();
    let end = start + dom[start..].find("</svg>").unwrap();
    let re =
        regex::Regex::new(r#"class="bar [a-z]+" data-label="([^"]*)" data-count="(\d+)""#).unwrap();
    re.captures_iter(&dom[start..end])
        .map(|c| (c[1].to_string(), c[2].parse().unwrap()))
        .collect()
}

#[test]
fn the_report_is_self_contained_and_masks_credentials() {
    let page = html(&["-f", "examples/"]);
    assert!(page.starts_with("<!DOCTYPE html>"));
    for remote in ["<link", " src=", "http://", "https://", "@import", "url("] {
        assert!(
            !page.contains(remote),
            "the page fetches nothing: found {remote:?}"
        );
    }
    assert!(page.contains("<style>") && page.contains("<script>") && page.contains("<svg"));
    assert!(
        !page.contains("AKIA4DEMOFAKEKEY7Q2X"),
        "raw key id in the report"
    );
    assert!(
        page.contains("AKIA************7Q2X"),
        "masked as in every format"
    );
    assert!(!page.contains("Zk9vQmFyRGVtb1NlY3JldEtleUZvckV4YW1wbGVz"));
}

#[test]
fn chromium_renders_charts_and_tables_with_the_reports_counts() {
    let json = podauth(&["check", "-f", "examples/", "-o", "json"]).json();
    let findings = json["findings"].as_array().unwrap();
    let workloads = json["workloads"].as_array().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, html(&["-f", "examples/"])).unwrap();

    let dom = chromium(&["--dump-dom"], &file_url(&page));
    assert!(
        dom.contains("data-ready=\"true\""),
        "the script ran offline"
    );
    let n = findings.len();
    assert_eq!(attr_of(&dom, "shown", "data-visible"), n.to_string());
    assert!(dom.contains(&format!("{n} of {n} shown")));
    assert_eq!(dom.matches("<tr class=\"finding\"").count(), n);

    let methods = bars(&dom, "chart-methods");
    let total: usize = methods.iter().map(|b| b.1).sum();
    assert_eq!(total, workloads.len());
    for (label, count) in &methods {
        let want = workloads
            .iter()
            .filter(|w| w["effective"] == label.as_str())
            .count();
        assert_eq!(*count, want, "method {label}");
    }
    let ranking = bars(&dom, "chart-ranking");
    for r in 1..=6u64 {
        let want = workloads.iter().filter(|w| w["rank"] == r).count();
        let (label, count) = &ranking[r as usize - 1];
        assert!(label.starts_with(&format!("rank {r}")), "{label}");
        assert_eq!(*count, want, "rank {r}");
    }
    // One row per namespace, counting its workloads.
    for ns in ["payments", "kube-system"] {
        let want = workloads
            .iter()
            .filter(|w| w["resource"]["namespace"] == ns)
            .count();
        assert!(
            dom.contains(&format!(
                "data-namespace=\"{ns}\" data-workloads=\"{want}\""
            )),
            "{ns}: {want}"
        );
    }
    assert_eq!(
        attr_of(&dom, "migration-table", "data-rows"),
        workloads.len().to_string()
    );

    // Filtering works from the URL, offline.
    let pa501 = findings.iter().filter(|f| f["rule"] == "PA501").count();
    let filtered = chromium(
        &["--dump-dom"],
        &format!("{}#filter=PA501", file_url(&page)),
    );
    assert_eq!(
        attr_of(&filtered, "shown", "data-visible"),
        pa501.to_string()
    );
}

#[test]
fn a_screenshot_at_1280x800_is_not_blank() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, html(&["-f", "examples/"])).unwrap();
    let shot = dir.path().join("report.png");
    chromium(
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,800",
        ],
        &file_url(&page),
    );
    let (width, height, pixels) = decode_png(&std::fs::read(&shot).unwrap());
    assert_eq!((width, height), (1280, 800));
    let background = pixels[0];
    let ink = pixels.iter().filter(|p| **p != background).count();
    assert!(
        ink * 100 / pixels.len() >= 3,
        "only {ink} non-background pixels"
    );
    let colours: std::collections::BTreeSet<_> = pixels.iter().collect();
    assert!(
        colours.len() > 50,
        "{} colours: text and charts render",
        colours.len()
    );
}

#[test]
fn baseline_progress_counts_fixed_open_and_new() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let b = baseline.to_str().unwrap();
    let all = podauth(&["check", "-f", "examples/", "--baseline", b, "-o", "json"]).json();
    assert!(baseline.exists());
    let known = all["summary"]["suppressed"].as_u64().unwrap();
    // Half-way: the platform directory's findings are gone (fixed).
    let now = podauth(&["check", "-f", "examples/payments/", "-o", "json"]).json();
    let open = now["summary"]["findings"].as_u64().unwrap();
    let page = html(&["-f", "examples/payments/", "--baseline", b]);
    let dom_attr = |a: &str| attr_of(&page, "baseline", a);
    assert_eq!(dom_attr("data-known"), known.to_string());
    assert_eq!(dom_attr("data-open"), open.to_string());
    assert_eq!(dom_attr("data-fixed"), (known - open).to_string());
    assert_eq!(dom_attr("data-new"), "0");
    assert!(known > open, "the fixture fixes something");
}

/// Decodes an 8-bit RGB or RGBA PNG into packed RGBA pixels.
fn decode_png(bytes: &[u8]) -> (usize, usize, Vec<u32>) {
    use std::io::Read;
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let (mut at, mut idat) = (8, Vec::new());
    let (mut width, mut height, mut channels) = (0, 0, 0);
    while at < bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let kind = &bytes[at + 4..at + 8];
        let data = &bytes[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[0..4].try_into().unwrap()) as usize;
                height = u32::from_be_bytes(data[4..8].try_into().unwrap()) as usize;
                assert_eq!(data[8], 8, "8-bit");
                channels = match data[9] {
                    2 => 3,
                    6 => 4,
                    other => panic!("colour type {other}"),
                };
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        at += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(idat.as_slice())
        .read_to_end(&mut raw)
        .unwrap();
    let stride = width * channels;
    let mut prev = vec![0u8; stride];
    let mut pixels = Vec::with_capacity(width * height);
    for y in 0..height {
        let line = &raw[y * (stride + 1)..(y + 1) * (stride + 1)];
        let mut cur = line[1..].to_vec();
        for i in 0..stride {
            let a = if i >= channels {
                cur[i - channels] as i32
            } else {
                0
            };
            let b = prev[i] as i32;
            let c = if i >= channels {
                prev[i - channels] as i32
            } else {
                0
            };
            let add = match line[0] {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => panic!("filter {f}"),
            };
            cur[i] = cur[i].wrapping_add(add as u8);
        }
        for px in cur.chunks(channels) {
            pixels.push(u32::from_be_bytes([
                px[0],
                px[1],
                px[2],
                *px.get(3).unwrap_or(&255),
            ]));
        }
        prev = cur;
    }
    (width, height, pixels)
}
