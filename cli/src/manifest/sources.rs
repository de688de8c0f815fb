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
        for entry in walkdir::WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_file() && is_manifest_file(e.path()) => {
                    files.push(Source::Path(e.into_path()));
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
            let file = std::fs::File::open(path).map_err(|e| err(io_message(&e)))?;
            file.take(limits.max_file_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| err(io_message(&e)))?;
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

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
