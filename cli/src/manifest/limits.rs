/// Bounds that keep hostile input from exhausting memory or time.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Deepest nesting of mappings and sequences in one document.
    pub max_depth: usize,
    /// Most nodes one document may produce through alias expansion
    /// (the "billion laughs" defence).
    pub max_alias_nodes: usize,
    /// Most bytes (of scalar text) alias expansion may add to one document:
    /// a few aliases of a large string are a bomb by size, not by nodes.
    pub max_alias_bytes: usize,
}

impl Limits {
    /// The limits for a `--max-file-size`: expansion may add at most half
    /// the file limit again.
    pub fn for_file_size(max_file_bytes: u64) -> Limits {
        Limits {
            max_file_bytes,
            max_alias_bytes: usize::try_from(max_file_bytes / 2).unwrap_or(usize::MAX),
            ..Limits::default()
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 64 * 1024 * 1024,
            max_depth: 64,
            max_alias_nodes: 100_000,
            max_alias_bytes: 32 * 1024 * 1024,
        }
    }
}
