//! Version with the git commit it was built from (set by build.rs).
pub const VERSION_LINE: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("PODAUTH_GIT_COMMIT"),
    ")"
);
