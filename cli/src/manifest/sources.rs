use super::{InputError, Limits, Loaded};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A place to read manifests from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    Path(PathBuf),
}

impl Source {
    pub fn parse(arg: &str) -> Source {
        if arg == "-" {
            Source::Stdin
        } else {
            Source::Path(PathBuf::from(arg))
        }
    }

    pub fn display_name(&self) -> String {
        match self {
            Source::Stdin => "-".into(),
            Source::Path(p) => p.display().to_string(),
        }
    }
}

fn is_manifest_file(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("yaml" | "yml" | "json")
    )
}

/// Expands directories (recursively, in name order, following symlinks but
/// detecting loops) into files. Explicitly named files are read whatever their
/// extension; files found in directories must end in .yaml, .yml or .json.
pub fn expand_sources(sources: &[Source]) -> (Vec<Source>, Loaded) {
    let mut files = Vec::new();
    let mut loaded = Loaded::default();
    let err = |file: String, message: String| InputError {
        file,
        document: None,
        line: None,
        message,
    };
    for source in sources {
        let Source::Path(path) = source else {
            files.push(source.clone());
            continue;
        };
        if !path.is_dir() {
            files.push(source.clone());
            continue;
        }
        let before = files.len();
        for entry in walkdir::WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_file() && is_manifest_file(e.path()) => {
                    files.push(Source::Path(e.into_path()));
                }
                Ok(e) if special_file(e.file_type()).is_some() => {
                    let what = special_file(e.file_type()).unwrap_or_default();
                    loaded.warnings.push(err(
                        e.path().display().to_string(),
                        format!("{what}, not a regular file; skipped"),
                    ));
                }
                Ok(_) => {}
                Err(e) => {
                    let at = e
                        .path()
                        .map_or_else(|| path.display().to_string(), |p| p.display().to_string());
                    let message = if e.loop_ancestor().is_some() {
                        "symbolic link loop; not followed".to_string()
                    } else {
                        e.io_error().map_or_else(|| e.to_string(), io_message)
                    };
                    loaded.errors.push(err(at, message));
                }
            }
        }
        if files.len() == before {
            loaded.empty_sources.push(source.display_name());
        }
    }
    (files, loaded)
}

/// Reads one source as UTF-8 text, within the size limit.
pub fn read_source(source: &Source, limits: &Limits) -> Result<String, InputError> {
    let name = source.display_name();
    let err = |message: String| InputError {
        file: name.clone(),
        document: None,
        line: None,
        message,
    };
    let too_big = |size: u64| {
        err(format!(
            "file is {} MiB, over the {} MiB limit (raise it with --max-file-size)",
            size / (1024 * 1024),
            limits.max_file_bytes / (1024 * 1024)
        ))
    };
    let mut bytes = Vec::new();
    match source {
        Source::Stdin => {
            std::io::stdin()
                .take(limits.max_file_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| err(io_message(&e)))?;
            if bytes.len() as u64 > limits.max_file_bytes {
                return Err(too_big(bytes.len() as u64));
            }
        }
        Source::Path(path) => {
            let meta = std::fs::metadata(path).map_err(|e| err(io_message(&e)))?;
            if meta.len() > limits.max_file_bytes {
                return Err(too_big(meta.len()));
            }
            let file = match special_file(meta.file_type()) {
                Some("a FIFO") => open_fifo(path).map_err(err)?,
                Some(what) => {
                    return Err(err(format!(
                        "{what}, not a regular file; refused (pipe it to -f - instead)"
                    )))
                }
                None => std::fs::File::open(path).map_err(|e| err(io_message(&e)))?,
            };
            file.take(limits.max_file_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| err(io_message(&e)))?;
            // A size of 0 in the metadata says nothing for pipes and /proc files.
            if bytes.len() as u64 > limits.max_file_bytes {
                return Err(too_big(bytes.len() as u64));
            }
        }
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..offset]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        InputError {
            file: name.clone(),
            document: None,
            line: Some(line),
            message: format!("not valid UTF-8 text (first bad byte at offset {offset})"),
        }
    })
}

/// What a file is when it is not a regular file or a directory.
fn special_file(t: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    let _ = t;
    None
}

/// How long `-f FIFO` waits for a writer before giving up.
pub const FIFO_WRITER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Opens a FIFO (`-f <(helm template ...)` is one). Opening blocks until a
/// writer appears, so it happens on a helper thread that is abandoned after
/// [`FIFO_WRITER_TIMEOUT`].
fn open_fifo(path: &Path) -> Result<std::fs::File, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(std::fs::File::open(owned));
    });
    match rx.recv_timeout(FIFO_WRITER_TIMEOUT) {
        Ok(Ok(file)) => Ok(file),
        Ok(Err(e)) => Err(io_message(&e)),
        Err(_) => Err(format!(
            "a FIFO with no writer after {} s; refused",
            FIFO_WRITER_TIMEOUT.as_secs()
        )),
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
