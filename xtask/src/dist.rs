//! `cargo xtask dist`: release archives and the krew manifest.
//!
//! Builds the release binary for this machine (or packages `--binary PATH`),
//! writes `kubectl-podauth-vX.Y.Z-<os>-<arch>.tar.gz` holding the binary,
//! LICENSE, README.md and the man page, and regenerates `krew-manifest.yaml`
//! with the archive's real sha256. The committed manifest lists only the
//! platforms this repository builds and checksums ([`BUILT_PLATFORMS`]); every
//! release platform is in `.krew.yaml`, the template krew-release-bot renders
//! (`{{ addURIAndSha ... }}`) once the release pipeline has uploaded them.
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every platform a release ships (in `.krew.yaml`).
pub const PLATFORMS: [(&str, &str); 5] = [
    ("linux", "amd64"),
    ("linux", "arm64"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("windows", "amd64"),
];

/// Platforms `cargo xtask dist` builds here, with real checksums in krew-manifest.yaml.
/// (linux/arm64 would need a cross linker and a cross-built Wasm toolchain run;
/// the release pipeline builds it natively instead.)
pub const BUILT_PLATFORMS: [(&str, &str); 1] = [("linux", "amd64")];

/// The completion helper kubectl (1.26+) runs for `kubectl podauth <TAB>`.
pub const COMPLETION_HELPER: &str = "kubectl_complete-podauth";

const REPO: &str = "https://github.com/podauth/kubectl-podauth";

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let value = |flag: &str| crate::flag_value(args, flag).map(PathBuf::from);
    let out_dir = value("--out").unwrap_or_else(|| root.join("dist"));
    let manifest_path = value("--manifest").unwrap_or_else(|| root.join("krew-manifest.yaml"));
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    if args.iter().any(|a| a == "--manifest-only") {
        // A version bump: keep the platforms' recorded shas where the version is unchanged.
        let previous = fs::read_to_string(&manifest_path).unwrap_or_default();
        if !previous.contains(&format!("version: {version}")) {
            bail!("{version} has no archive yet: run `cargo xtask dist` to build it and record its sha256");
        }
        let mut shas = Vec::new();
        for (o, a) in BUILT_PLATFORMS {
            let sha = previous_sha(&previous, o, a)
                .with_context(|| format!("no sha256 for {o}/{a} in {}", manifest_path.display()))?;
            shas.push(((o, a), sha));
        }
        let manifest = krew_manifest(&version, |o, a| {
            shas.iter()
                .find(|(p, _)| *p == (o, a))
                .map(|(_, sha)| sha.clone())
                .unwrap_or_default()
        });
        fs::write(&manifest_path, manifest)?;
        fs::write(root.join(".krew.yaml"), krew_template())?;
        return Ok(());
    }
    let binary = match value("--binary") {
        Some(b) => b,
        None => {
            let status = Command::new(env!("CARGO"))
                .args(["build", "--release", "--locked", "-p", "kubectl-podauth"])
                .current_dir(root)
                .status()?;
            if !status.success() {
                bail!("release build failed");
            }
            root.join("target/release/kubectl-podauth")
        }
    };
    let (os, arch) = host_platform()?;
    fs::create_dir_all(&out_dir)?;
    let man = Command::new(&binary)
        .arg("man")
        .output()
        .context("running the binary for its man page")?;
    if !man.status.success() {
        bail!("{} man failed", binary.display());
    }
    let archive = out_dir.join(archive_name(&version, os, arch));
    write_tar_gz(
        &archive,
        &[
            ("kubectl-podauth", fs::read(&binary)?, 0o755),
            (
                COMPLETION_HELPER,
                fs::read(root.join("cli/completion").join(COMPLETION_HELPER))?,
                0o755,
            ),
            ("LICENSE", fs::read(root.join("LICENSE"))?, 0o644),
            ("README.md", fs::read(root.join("README.md"))?, 0o644),
            ("kubectl-podauth.1", man.stdout, 0o644),
        ],
    )?;
    let sha = hex(&Sha256::digest(fs::read(&archive)?));
    eprintln!("wrote {} (sha256 {sha})", archive.display());
    if !BUILT_PLATFORMS.contains(&(os, arch)) {
        bail!("{os}/{arch} archives are built by the release pipeline (see .krew.yaml), not recorded here");
    }
    let manifest = krew_manifest(&version, |_, _| sha.clone());
    fs::write(&manifest_path, manifest)?;
    eprintln!("wrote {}", manifest_path.display());
    Ok(())
}

fn host_platform() -> Result<(&'static str, &'static str)> {
    let os = match std::env::consts::OS {
        "linux" => "linux",
        "macos" => "darwin",
        "windows" => "windows",
        other => bail!("unsupported OS {other}"),
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => bail!("unsupported architecture {other}"),
    };
    Ok((os, arch))
}

pub fn archive_name(version: &str, os: &str, arch: &str) -> String {
    let ext = if os == "windows" { "zip" } else { "tar.gz" };
    format!("kubectl-podauth-{version}-{os}-{arch}.{ext}")
}

/// A deterministic tar.gz: fixed mtimes, owners and order.
fn write_tar_gz(path: &Path, files: &[(&str, Vec<u8>, u32)]) -> Result<()> {
    let file = fs::File::create(path)?;
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(file, flate2::Compression::best());
    let mut tar = tar::Builder::new(gz);
    for (name, bytes, mode) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(*mode);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        header.set_cksum();
        tar.append_data(&mut header, name, bytes.as_slice())?;
    }
    tar.into_inner()?.finish()?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The sha256 line of a platform in an existing manifest, if it is a real one.
fn previous_sha(manifest: &str, os: &str, arch: &str) -> Option<String> {
    let marker = format!("-{os}-{arch}.");
    let mut lines = manifest.lines().skip_while(|l| !l.contains(&marker));
    lines.next()?;
    let sha = lines
        .find_map(|l| l.trim().strip_prefix("sha256: "))?
        .trim()
        .trim_matches('"');
    (sha.len() == 64 && sha.chars().all(|c| c.is_ascii_hexdigit())).then(|| sha.to_string())
}

pub fn krew_manifest(version: &str, sha_for: impl Fn(&str, &str) -> String) -> String {
    let mut out = format!(
        r#"# Generated by `cargo xtask dist`; in krew-index this file is plugins/podauth.yaml.
apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: podauth
spec:
  version: {version}
  homepage: {REPO}
  shortDescription: Audit how pods authenticate to AWS
  description: |
    Finds how your workloads authenticate to AWS (IRSA, EKS Pod Identity, the
    node role, static or hardcoded keys, kube2iam/KIAM, External Secrets,
    ASCP, assumed roles), flags the insecure paths with explainable rules, ranks
    each workload's effective credential, and plans the migration to IRSA or
    EKS Pod Identity. Works on manifests (files, Helm and kustomize output) and
    on live clusters, read-only.
  caveats: |
    Live mode (kubectl podauth check without -f) only reads. It needs get and
    list on namespaces, pods, serviceaccounts, configmaps, secrets,
    replicationcontrollers, deployments, statefulsets, daemonsets, replicasets,
    jobs and cronjobs, plus the External Secrets, Secrets Store CSI, ACK,
    Crossplane and Karpenter kinds where installed. A ready ClusterRole is
    examples/rbac.yaml in {REPO}.

    For `kubectl podauth <TAB>` (kubectl 1.26+), put the completion helper on
    PATH: ln -s "${{KREW_ROOT:-$HOME/.krew}}/store/podauth/{version}/{COMPLETION_HELPER}" "${{KREW_ROOT:-$HOME/.krew}}/bin/"
  platforms:
"#
    );
    for (os, arch) in BUILT_PLATFORMS {
        let uri = format!(
            "uri: {REPO}/releases/download/{version}/{}\n    sha256: {}",
            archive_name(version, os, arch),
            sha_for(os, arch)
        );
        out.push_str(&platform_entry(os, arch, &uri));
    }
    out
}

/// One `platforms` entry; `source` is its `uri:`/`sha256:` lines (or the template call).
fn platform_entry(os: &str, arch: &str, source: &str) -> String {
    let bin = if os == "windows" {
        "kubectl-podauth.exe"
    } else {
        "kubectl-podauth"
    };
    // The helper is a POSIX shell script: no use on Windows.
    let helper = if os == "windows" {
        String::new()
    } else {
        format!("      - from: {COMPLETION_HELPER}\n        to: .\n")
    };
    format!(
        r#"  - selector:
      matchLabels:
        os: {os}
        arch: {arch}
    {source}
    files:
      - from: {bin}
        to: .
{helper}      - from: LICENSE
        to: .
    bin: {bin}
"#
    )
}

/// `.krew.yaml`: krew-release-bot's template for every release platform; the
/// bot replaces `{{ .TagName }}` and fills `uri`/`sha256` with `addURIAndSha`.
pub fn krew_template() -> String {
    let manifest = krew_manifest("{{ .TagName }}", |_, _| String::new());
    let head = manifest
        .split("  platforms:\n")
        .next()
        .expect("manifest has platforms");
    let mut out = head.replacen(
        "# Generated by `cargo xtask dist`; in krew-index this file is plugins/podauth.yaml.",
        "# Generated by `cargo xtask dist`: krew-release-bot's template for every release platform.",
        1,
    );
    out.push_str("  platforms:\n");
    for (os, arch) in PLATFORMS {
        let call = format!(
            "{{{{ addURIAndSha \"{REPO}/releases/download/{{{{ .TagName }}}}/{}\" .TagName }}}}",
            archive_name("{{ .TagName }}", os, arch)
        );
        out.push_str(&platform_entry(os, arch, &call));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use yaml_rust2::{Yaml, YamlLoader};

    /// The checks krew-index's validate-krew-manifest makes, on our manifest.
    fn validate(text: &str, file_name: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let doc = &YamlLoader::load_from_str(text).expect("manifest is YAML")[0];
        let s = |y: &Yaml| y.as_str().unwrap_or("").to_string();
        if s(&doc["apiVersion"]) != "krew.googlecontainertools.github.com/v1alpha2"
            || s(&doc["kind"]) != "Plugin"
        {
            problems.push("not a krew v1alpha2 Plugin".into());
        }
        let name = s(&doc["metadata"]["name"]);
        if format!("{name}.yaml") != file_name {
            problems.push(format!(
                "name {name:?} does not match file name {file_name:?}"
            ));
        }
        let spec = &doc["spec"];
        let version = s(&spec["version"]);
        let semver = version.strip_prefix('v').is_some_and(|v| {
            let parts: Vec<&str> = v.split('.').collect();
            parts.len() == 3
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        });
        if !semver {
            problems.push(format!("version {version:?} is not vX.Y.Z"));
        }
        for field in ["homepage", "shortDescription", "description"] {
            if s(&spec[field]).trim().is_empty() {
                problems.push(format!("spec.{field} is empty"));
            }
        }
        if s(&spec["description"])
            .lines()
            .any(|l| l.trim_start().starts_with('-'))
        {
            problems.push("description must not list options".into());
        }
        let platforms = spec["platforms"].as_vec().cloned().unwrap_or_default();
        if platforms.is_empty() {
            problems.push("no platforms".into());
        }
        let mut selectors = std::collections::BTreeSet::new();
        for p in &platforms {
            let labels = &p["selector"]["matchLabels"];
            let key = (s(&labels["os"]), s(&labels["arch"]));
            if !selectors.insert(key.clone()) {
                problems.push(format!("duplicate platform {key:?}"));
            }
            let bin = s(&p["bin"]);
            let froms: Vec<String> = p["files"]
                .as_vec()
                .map(|f| f.iter().map(|e| s(&e["from"])).collect())
                .unwrap_or_default();
            if bin.is_empty() || !froms.contains(&bin) {
                problems.push(format!("{key:?}: bin {bin:?} is not among files {froms:?}"));
            }
            if !froms.iter().any(|f| f == "LICENSE") {
                problems.push(format!("{key:?}: LICENSE is not in files"));
            }
            let sha = s(&p["sha256"]);
            let real = sha.len() == 64
                && sha
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
            if !real {
                problems.push(format!(
                    "{key:?}: sha256 {sha:?} is not 64 lowercase hex digits"
                ));
            }
            if !s(&p["uri"]).starts_with("https://") {
                problems.push(format!("{key:?}: uri must be https"));
            }
        }
        problems
    }

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_path_buf()
    }

    /// What krew-release-bot does with `.krew.yaml` for a tag: each
    /// `addURIAndSha` becomes the asset's uri and sha256.
    fn render_template(template: &str, tag: &str) -> String {
        let call = regex::Regex::new(r#"\{\{ addURIAndSha "([^"]+)" \.TagName \}\}"#).unwrap();
        let with_uris = call.replace_all(template, |c: &regex::Captures| {
            let uri = c[1].replace("{{ .TagName }}", tag);
            format!(
                "uri: {uri}\n    sha256: {}",
                hex(&Sha256::digest(uri.as_bytes()))
            )
        });
        with_uris.replace("{{ .TagName }}", tag)
    }

    #[test]
    fn committed_manifest_lists_only_built_platforms_with_real_checksums() {
        let version = format!("v{}", env!("CARGO_PKG_VERSION"));
        let path = root().join("krew-manifest.yaml");
        if std::env::var_os("PODAUTH_BLESS").is_some() {
            // The layout changed, not the archive's recorded checksum.
            let previous = fs::read_to_string(&path).unwrap();
            let sha = previous_sha(&previous, "linux", "amd64").expect("a recorded sha256");
            fs::write(&path, krew_manifest(&version, |_, _| sha.clone())).unwrap();
        }
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(validate(&text, "podauth.yaml"), Vec::<String>::new());
        assert!(text.contains(&format!("version: {version}")));
        for (os, arch) in PLATFORMS {
            let listed = text.contains(&archive_name(&version, os, arch));
            assert_eq!(listed, BUILT_PLATFORMS.contains(&(os, arch)), "{os}/{arch}");
        }
        assert!(
            !text.contains("{{"),
            "no template left in the committed manifest"
        );
    }

    #[test]
    fn release_template_is_current_and_renders_to_a_valid_manifest() {
        if std::env::var_os("PODAUTH_BLESS").is_some() {
            fs::write(root().join(".krew.yaml"), krew_template()).unwrap();
        }
        let committed = fs::read_to_string(root().join(".krew.yaml")).unwrap();
        assert_eq!(
            committed,
            krew_template(),
            "regenerate with `cargo xtask dist --manifest-only`"
        );
        assert_eq!(committed.matches("addURIAndSha").count(), PLATFORMS.len());
        let rendered = render_template(&committed, "v9.8.7");
        assert_eq!(validate(&rendered, "podauth.yaml"), Vec::<String>::new());
        assert!(rendered.contains("version: v9.8.7"));
        for (os, arch) in PLATFORMS {
            assert!(
                rendered.contains(&archive_name("v9.8.7", os, arch)),
                "{os}/{arch}"
            );
        }
    }

    #[test]
    fn validator_catches_broken_manifests() {
        let good = krew_manifest("v1.2.3", |_, _| "a".repeat(64));
        assert!(validate(&good, "podauth.yaml").is_empty());
        assert!(
            !validate(&good, "other.yaml").is_empty(),
            "name must equal file name"
        );
        assert!(!validate(
            &good.replace("version: v1.2.3", "version: 1.2.3"),
            "podauth.yaml"
        )
        .is_empty());
        assert!(!validate(&good.replacen(&"a".repeat(64), "abc", 1), "podauth.yaml").is_empty());
        assert!(!validate(
            &good.replacen("bin: kubectl-podauth\n", "bin: other\n", 1),
            "podauth.yaml"
        )
        .is_empty());
        let entry = platform_entry(
            "linux",
            "amd64",
            &format!("uri: https://x/a.tar.gz\n    sha256: {}", "b".repeat(64)),
        );
        let dup = format!("{good}{entry}");
        assert!(validate(&dup, "podauth.yaml")
            .iter()
            .any(|p| p.contains("duplicate")));
        let http = good.replace("uri: https://", "uri: http://");
        assert!(validate(&http, "podauth.yaml")
            .iter()
            .any(|p| p.contains("https")));
        let placeholder = good.replacen(&"a".repeat(64), "\"{{ release-pipeline: sha256 }}\"", 1);
        assert!(
            !validate(&placeholder, "podauth.yaml").is_empty(),
            "krew rejects placeholders"
        );
    }

    #[cfg(unix)]
    #[test]
    fn dist_packages_a_binary_and_records_its_sha() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("kubectl-podauth");
        fs::write(&fake, "#!/bin/sh\necho '.TH KUBECTL-PODAUTH 1'\n").unwrap();
        fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
        let manifest = dir.path().join("podauth.yaml");
        let args: Vec<String> = [
            "--binary",
            fake.to_str().unwrap(),
            "--out",
            dir.path().to_str().unwrap(),
            "--manifest",
            manifest.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        run(&root(), &args).unwrap();
        let (os, arch) = host_platform().unwrap();
        let archive = dir.path().join(archive_name(
            &format!("v{}", env!("CARGO_PKG_VERSION")),
            os,
            arch,
        ));
        let bytes = fs::read(&archive).unwrap();
        let sha = hex(&Sha256::digest(&bytes));
        let text = fs::read_to_string(&manifest).unwrap();
        assert!(text.contains(&format!("sha256: {sha}")), "{text}");
        assert_eq!(validate(&text, "podauth.yaml"), Vec::<String>::new());
        let mut names: Vec<String> =
            tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()))
                .entries()
                .unwrap()
                .map(|e| e.unwrap().path().unwrap().display().to_string())
                .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "LICENSE",
                "README.md",
                "kubectl-podauth",
                "kubectl-podauth.1",
                COMPLETION_HELPER,
            ]
        );
        // Every file the manifest installs, `bin` included, is in the archive.
        let doc = &YamlLoader::load_from_str(&text).unwrap()[0];
        for p in doc["spec"]["platforms"].as_vec().unwrap() {
            assert!(names.iter().any(|n| Some(n.as_str()) == p["bin"].as_str()));
            for f in p["files"].as_vec().unwrap() {
                let from = f["from"].as_str().unwrap();
                assert!(
                    names.iter().any(|n| n == from),
                    "{from} is not in the archive"
                );
            }
        }
        // Deterministic: packaging again gives the same bytes.
        run(&root(), &args).unwrap();
        assert_eq!(fs::read(&archive).unwrap(), bytes);
    }
}
