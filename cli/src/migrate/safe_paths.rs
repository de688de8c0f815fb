//! Untrusted names on their way into paths, shell scripts and IAM names.
//!
//! Offline manifests need not obey the API server's rules, so `migrate`
//! refuses an object whose name, namespace or ServiceAccount name breaks them
//! ([`name_problems`]) before it reaches the plan. Independently of that check,
//! every output path is re-validated and kept inside `-o` ([`write_files`]),
//! symbolic links inside the output directory are never followed, and every
//! value in a generated script is single-quoted ([`sh_quote`]).
use serde_json::Value;
use std::path::{Component, Path, PathBuf};

/// A DNS-1123 label: at most 63 of `[a-z0-9-]`, alphanumeric at both ends
/// (namespaces).
pub fn dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// A DNS-1123 subdomain: at most 253 characters of dot-separated labels
/// (most object names, ServiceAccount names).
pub fn dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(dns1123_label_no_length)
}

fn dns1123_label_no_length(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// RBAC object names: any path segment name (`system:controller:x` is valid).
fn path_segment_name(s: &str) -> bool {
    !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '%'])
}

const RBAC_KINDS: [&str; 4] = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

/// Where a kind keeps its pod spec, from the kind registry (a kind it does not
/// know is read at `spec.template.spec`, the common controller shape).
fn pod_spec_path(kind: &str) -> String {
    let template = podauth_policies::kinds::pod_template_pointer(kind)
        .unwrap_or_else(|| "/spec/template".to_string());
    format!("{template}/spec")
}

/// What is wrong with an object's names, as the API server would say it;
/// empty when every name is valid.
pub fn name_problems(object: &Value) -> Vec<String> {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    let meta = object.get("metadata");
    let field = |path: &str| meta.and_then(|m| m.get(path)).and_then(Value::as_str);
    let mut problems = Vec::new();
    let subdomain = "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters, starting and ending with a letter or digit";
    let label = "a DNS-1123 label: lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit";
    if let Some(name) = field("name") {
        let (ok, rule) = match kind {
            "Namespace" => (dns1123_label(name), label),
            k if RBAC_KINDS.contains(&k) => (
                path_segment_name(name),
                "a path segment: not '.' or '..', no '/' or '%'",
            ),
            _ => (dns1123_subdomain(name), subdomain),
        };
        if !ok {
            problems.push(format!("metadata.name {name:?} is not {rule}"));
        }
    }
    if let Some(ns) = field("namespace") {
        if !dns1123_label(ns) {
            problems.push(format!("metadata.namespace {ns:?} is not {label}"));
        }
    }
    if let Some(spec) = object.pointer(&pod_spec_path(kind)) {
        for key in ["serviceAccountName", "serviceAccount"] {
            if let Some(sa) = spec.get(key).and_then(Value::as_str) {
                if !sa.is_empty() && !dns1123_subdomain(sa) {
                    problems.push(format!("{key} {sa:?} is not {subdomain}"));
                }
            }
        }
    }
    problems
}

/// A POSIX shell word: single-quoted, `'` written as `'\''`. Safe for any
/// text, validated or not.
pub fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Text for a `#` comment line of a script or a Markdown line: control
/// characters (a newline would end the comment) escaped.
pub fn one_line(text: &str) -> String {
    crate::terminal::escape_control(text).into_owned()
}

/// A relative output path is made only of plain components of
/// `[A-Za-z0-9._+=,@-]`, none of them `.` or `..`.
pub fn safe_relative(rel: &str) -> bool {
    !rel.is_empty()
        && rel.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"._+=,@-".contains(&c))
        })
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Why a path cannot be written.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

fn refuse(path: &Path, message: impl Into<String>) -> WriteError {
    WriteError {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn io(path: &Path, what: &str, e: &std::io::Error) -> WriteError {
    refuse(path, format!("{what}: {e}"))
}

/// Creates `dir/rel`'s parent directories one at a time, refusing any
/// component that exists as a symbolic link, and returns the file's path.
fn prepare(dir: &Path, rel: &str) -> Result<PathBuf, WriteError> {
    if !safe_relative(rel) {
        return Err(refuse(
            &dir.join(rel.replace(['\n', '\r'], "?")),
            "unsafe output path; not written",
        ));
    }
    let parts: Vec<&str> = rel.split('/').collect();
    let mut at = dir.to_path_buf();
    for part in &parts[..parts.len() - 1] {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(refuse(&at, "is a symbolic link; refusing to follow it"))
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(refuse(&at, "exists and is not a directory")),
            Err(_) => std::fs::create_dir(&at).map_err(|e| io(&at, "creating", &e))?,
        }
    }
    at.push(parts[parts.len() - 1]);
    if let Ok(m) = std::fs::symlink_metadata(&at) {
        if m.file_type().is_symlink() {
            return Err(refuse(&at, "is a symbolic link; refusing to overwrite it"));
        }
    }
    Ok(at)
}

/// Writes each `(relative path, text)` under `dir`, through the credential
/// redactor. Scripts (`*.sh`) are made executable. A path that is unsafe, or
/// would pass through a symbolic link, is refused and nothing is written for it.
pub fn write_files<'a>(
    dir: &Path,
    files: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Result<(), WriteError> {
    let root = dir.canonicalize().map_err(|e| io(dir, "resolving", &e))?;
    for (rel, text) in files {
        let path = prepare(&root, rel)?;
        // Belt and braces: the parent, resolved, is still inside the root.
        let parent = path.parent().unwrap_or(&root);
        let resolved = parent
            .canonicalize()
            .map_err(|e| io(parent, "resolving", &e))?;
        if !resolved.starts_with(&root) {
            return Err(refuse(
                &path,
                "would be written outside the output directory",
            ));
        }
        crate::redact::write_file(&path, text.as_bytes()).map_err(|e| io(&path, "writing", &e))?;
        #[cfg(unix)]
        if rel.ends_with(".sh") {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755));
        }
    }
    Ok(())
}

/// Removes a previous plan's entry, never following a symbolic link.
pub fn remove_entry(path: &Path) -> Result<(), WriteError> {
    match std::fs::symlink_metadata(path) {
        Err(_) => Ok(()),
        Ok(m) if m.file_type().is_symlink() => Err(refuse(
            path,
            "is a symbolic link; refusing to follow or replace it",
        )),
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path).map_err(|e| io(path, "removing", &e)),
        Ok(_) => std::fs::remove_file(path).map_err(|e| io(path, "removing", &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_follow_the_api_server() {
        for ok in ["a", "checkout-api", "a.b-c", "x1"] {
            assert!(dns1123_subdomain(ok), "{ok}");
        }
        for bad in [
            "", "..", "a..b", "-a", "A", "a/b", "a b", "a;b", "$(x)", "ａ", "a\nb", ".a",
        ] {
            assert!(!dns1123_subdomain(bad), "{bad:?}");
        }
        assert!(dns1123_label("prod"));
        assert!(!dns1123_label("a.b"));
        assert!(!dns1123_label(&"a".repeat(64)));
    }

    #[test]
    fn objects_with_bad_names_are_described() {
        let d = json!({"kind": "Deployment", "metadata": {"name": "../x", "namespace": "prod$(touch X)"},
            "spec": {"template": {"spec": {"serviceAccountName": "sa;touch Y;#"}}}});
        let problems = name_problems(&d);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[2].starts_with("serviceAccountName \"sa;touch Y;#\""));
        let role = json!({"kind": "ClusterRole", "metadata": {"name": "system:controller:x"}});
        assert!(name_problems(&role).is_empty());
    }

    #[test]
    fn shell_words_are_single_quoted() {
        assert_eq!(sh_quote("a b"), "'a b'");
        assert_eq!(sh_quote("it's $(x)"), r"'it'\''s $(x)'");
    }

    #[test]
    fn relative_paths_stay_relative() {
        assert!(safe_relative("base/prod.deployment.api.yaml"));
        for bad in [
            "", "/etc/x", "../x", "a/../b", "a//b", "a/./b", "a\nb", "a b",
        ] {
            assert!(!safe_relative(bad), "{bad:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_never_followed() {
        let out = tempfile::tempdir().unwrap();
        let victim = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(victim.path(), out.path().join("base")).unwrap();
        let files = [("base/x.yaml".to_string(), "x".to_string())];
        let err = write_files(out.path(), files.iter().map(|(a, b)| (a, b))).unwrap_err();
        assert!(err.message.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_dir(victim.path()).unwrap().count(), 0);
        std::os::unix::fs::symlink(victim.path().join("t"), out.path().join("plan.json")).unwrap();
        let files = [("plan.json".to_string(), "x".to_string())];
        assert!(write_files(out.path(), files.iter().map(|(a, b)| (a, b))).is_err());
        assert!(!victim.path().join("t").exists());
    }
}
