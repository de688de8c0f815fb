//! The one-line progress indicator a live read draws on stderr (terminals only).
#![allow(clippy::print_stderr)] // the progress line
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Per-cluster progress: kinds listed, kinds planned, objects read, done.
#[derive(Default)]
struct ClusterProgress {
    done: usize,
    total: usize,
    objects: usize,
    finished: bool,
}

type ProgressState = Arc<Mutex<BTreeMap<String, ClusterProgress>>>;

/// A one-line progress indicator on stderr.
#[derive(Clone)]
pub(super) struct Progress {
    state: Option<ProgressState>,
}

impl Progress {
    pub(super) fn new(enabled: bool) -> Progress {
        Progress {
            state: enabled.then(|| Arc::new(Mutex::new(BTreeMap::new()))),
        }
    }

    fn update(&self, f: impl FnOnce(&mut BTreeMap<String, ClusterProgress>)) {
        let Some(state) = &self.state else {
            return;
        };
        let Ok(mut s) = state.lock() else {
            return;
        };
        f(&mut s);
        let line: Vec<String> = s
            .iter()
            .map(|(ctx, p)| {
                if p.finished {
                    format!("{ctx}: done")
                } else {
                    format!("{ctx}: {}/{} kinds, {} objects", p.done, p.total, p.objects)
                }
            })
            .collect();
        eprint!("\r\x1b[2Kreading {}", line.join("; "));
    }

    pub(super) fn start(&self, context: &str, total: usize) {
        self.update(|s| {
            s.insert(
                context.to_string(),
                ClusterProgress {
                    total,
                    ..ClusterProgress::default()
                },
            );
        });
    }

    pub(super) fn kind_done(&self, context: &str, objects: usize) {
        self.update(|s| {
            if let Some(p) = s.get_mut(context) {
                p.done += 1;
                p.objects += objects;
            }
        });
    }

    pub(super) fn finish(&self, context: &str) {
        self.update(|s| {
            s.entry(context.to_string()).or_default().finished = true;
        });
    }

    pub(super) fn clear(&self) {
        if self.state.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}
