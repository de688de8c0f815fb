//! `cargo xtask dist`: release archives and the krew manifest.
//!
//! Builds the release binary for this machine (or packages `--binary PATH`),
//! writes `kubectl-podauth-vX.Y.Z-<os>-<arch>.tar.gz` holding the binary,
//! LICENSE, README.md and the man page, and regenerates `krew-manifest.yaml`
//! with the archive's real sha256. Platforms that cannot be built here keep the
//! sha256 of their last release-pipeline build, or a placeholder the pipeline
//! fills (`krew-release-bot` style) until then.
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const PLATFORMS: [(&str, &str); 5] = [
    ("linux", "amd64"),
    ("linux", "arm64"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("windows", "amd64"),
];

/// Marks a sha256 the release pipeline fills in; the manifest validator accepts it.
pub const PENDING_SHA: &str = "{{ release-pipeline: sha256 }}";

const REPO: &str = "https://github.com/podauth/kubectl-podauth";

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    let out_dir = value("--out").unwrap_or_else(|| root.join("dist"));
    let manifest_path = value("--manifest").unwrap_or_else(|| root.join("krew-manifest.yaml"));
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    if args.iter().any(|a| a == "--manifest-only") {
        // A version bump: keep the platforms' recorded shas where the version is unchanged.
        let previous = fs::read_to_string(&manifest_path).unwrap_or_default();
        let same_version = previous.contains(&format!("version: {version}"));
        let manifest = krew_manifest(&version, |o, a| {
            same_version
                .then(|| previous_sha(&previous, o, a))
                .flatten()
                .unwrap_or_else(|| PENDING_SHA.to_string())
        });
        fs::write(&manifest_path, manifest)?;
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
            ("LICENSE", fs::read(root.join("LICENSE"))?, 0o644),
            ("README.md", fs::read(root.join("README.md"))?, 0o644),
            ("kubectl-podauth.1", man.stdout, 0o644),
        ],
    )?;
    let sha = hex(&Sha256::digest(fs::read(&archive)?));
    eprintln!("wrote {} (sha256 {sha})", archive.display());
    let previous = fs::read_to_string(&manifest_path).unwrap_or_default();
    let manifest = krew_manifest(&version, |o, a| {
        if (o, a) == (os, arch) {
            sha.clone()
        } else {
            previous_sha(&previous, o, a).unwrap_or_else(|| PENDING_SHA.to_string())
        }
    });
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
  platforms:
"#
    );
    for (os, arch) in PLATFORMS {
        let bin = if os == "windows" {
            "kubectl-podauth.exe"
        } else {
            "kubectl-podauth"
        };
        let sha = sha_for(os, arch);
        let sha = if sha == PENDING_SHA {
            format!("\"{sha}\"")
        } else {
            sha
        };
        out.push_str(&format!(
            r#"  - selector:
      matchLabels:
        os: {os}
        arch: {arch}
    uri: {REPO}/releases/download/{version}/{archive}
    sha256: {sha}
    files:
      - from: {bin}
        to: .
      - from: LICENSE
        to: .
    bin: {bin}
"#,
            archive = archive_name(version, os, arch)
        ));
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
            if !real && sha != PENDING_SHA {
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

    #[test]
    fn committed_manifest_is_valid_and_matches_the_crate_version() {
        let text = fs::read_to_string(root().join("krew-manifest.yaml")).unwrap();
        assert_eq!(validate(&text, "podauth.yaml"), Vec::<String>::new());
        assert!(text.contains(&format!("version: v{}", env!("CARGO_PKG_VERSION"))));
        for (os, arch) in PLATFORMS {
            assert!(text.contains(&archive_name(
                &format!("v{}", env!("CARGO_PKG_VERSION")),
                os,
                arch
            )));
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
        let dup = good.replacen("arch: arm64", "arch: amd64", 1);
        assert!(validate(&dup, "podauth.yaml")
            .iter()
            .any(|p| p.contains("duplicate")));
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
                "kubectl-podauth.1"
            ]
        );
        // Deterministic: packaging again gives the same bytes.
        run(&root(), &args).unwrap();
        assert_eq!(fs::read(&archive).unwrap(), bytes);
    }
}
