//! `.podauth.yaml`: team defaults, rule selection, severity overrides and
//! exceptions, found upward from the working directory or given with --config.
use crate::diag::CliError;
use podauth_policies::{yaml, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".podauth.yaml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    #[serde(default)]
    pub rules: RuleSettings,
    #[serde(default)]
    pub exceptions: Vec<Exception>,
    #[serde(default)]
    pub defaults: Defaults,
    /// Where the file was read from (not part of the file).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSettings {
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Rule id -> severity.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// Rule id, or `*` for every rule.
    pub rule: String,
    /// Glob on the namespace (`*` by default; cluster-scoped objects match `*` only).
    #[serde(default = "star")]
    pub namespace: String,
    /// Glob on the object name.
    #[serde(default = "star")]
    pub name: String,
    /// Optional kind the exception is limited to.
    pub kind: Option<String>,
    pub reason: String,
    /// `YYYY-MM-DD`; the exception stops applying after this day.
    pub expires: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Defaults {
    pub prefer: Option<String>,
    pub cluster_type: Option<String>,
    pub account_id: Option<String>,
    pub fail_on: Option<String>,
}

/// How workloads are judged, shared by `check` and `migrate`: flags win over
/// the file's defaults, which win over built-in defaults.
#[derive(Debug, Clone)]
pub struct MethodSettings {
    pub prefer: crate::settings::Prefer,
    pub cluster_type: crate::settings::ClusterType,
    pub account_id: String,
}

impl Config {
    pub fn method_settings(
        &self,
        prefer: Option<crate::settings::Prefer>,
        cluster_type: Option<crate::settings::ClusterType>,
        account_id: Option<&String>,
    ) -> Result<MethodSettings, CliError> {
        use crate::settings::{ClusterType, Prefer};
        let d = &self.defaults;
        let bad =
            |what: &str, e: String| CliError::new(format!(".podauth.yaml defaults.{what}: {e}"));
        let prefer = match (prefer, &d.prefer) {
            (Some(p), _) => p,
            (None, Some(p)) => p.parse().map_err(|e| bad("prefer", e))?,
            (None, None) => Prefer::Irsa,
        };
        let cluster_type = match (cluster_type, &d.cluster_type) {
            (Some(c), _) => c,
            (None, Some(c)) => c.parse().map_err(|e| bad("clusterType", e))?,
            (None, None) => ClusterType::Eks,
        };
        let account_id = account_id
            .cloned()
            .or_else(|| d.account_id.clone())
            .unwrap_or_default();
        Ok(MethodSettings {
            prefer,
            cluster_type,
            account_id,
        })
    }
}

fn star() -> String {
    "*".into()
}

impl Config {
    /// Reads `explicit`, or the nearest `.podauth.yaml` at or above `cwd`.
    pub fn discover(explicit: Option<&Path>, cwd: &Path) -> Result<Config, CliError> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => cwd
                .ancestors()
                .map(|d| d.join(FILE_NAME))
                .find(|p| p.is_file()),
        };
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| CliError::new(format!("{}: {e}", path.display())))?;
        crate::redact::learn_text(&text);
        let mut config = Config::parse(&text).map_err(|e| {
            CliError::new(format!("{}: {e}", path.display()))
                .hint("see docs/configuration.md for the format")
        })?;
        config.path = Some(path);
        Ok(config)
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let docs = yaml_rust2::YamlLoader::load_from_str(text).map_err(|e| {
            format!(
                "line {}: {}",
                e.marker().line(),
                crate::redact::without_input_values(e.info())
            )
        })?;
        let json = docs
            .into_iter()
            .next()
            .map(|y| yaml::to_json(&y, yaml::Scalars::Text))
            .unwrap_or(serde_json::Value::Null);
        if json.is_null() {
            return Ok(Config::default());
        }
        let config: Config = serde_json::from_value(json)
            .map_err(|e| crate::redact::without_input_values(&e.to_string()))?;
        for (id, sev) in &config.rules.severity {
            sev.parse::<Severity>()
                .map_err(|e| format!("rules.severity.{id}: {e}"))?;
        }
        for e in &config.exceptions {
            if e.reason.trim().is_empty() {
                return Err(format!("exception for {} needs a reason", e.rule));
            }
            if let Some(date) = &e.expires {
                parse_date(date).ok_or_else(|| {
                    format!(
                        "exception for {}: expires {date:?} is not YYYY-MM-DD",
                        e.rule
                    )
                })?;
            }
        }
        Ok(config)
    }
}

/// Days since 1970-01-01 for a `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Today, as days since 1970-01-01 (UTC). `PODAUTH_TODAY=YYYY-MM-DD` pins it for tests.
pub fn today() -> i64 {
    if let Some(d) = std::env::var("PODAUTH_TODAY")
        .ok()
        .as_deref()
        .and_then(parse_date)
    {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    secs.div_euclid(86_400)
}

/// `*` and `?` globs, as in shell patterns.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_globs() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2026-11-29"), Some(20_786));
        assert_eq!(parse_date("2026-13-01"), None);
        assert!(glob_match("legacy-*", "legacy-billing"));
        assert!(!glob_match("legacy-*", "billing"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a?c", "abc"));
    }

    #[test]
    fn parses_and_validates() {
        let c = Config::parse("rules:\n  ignore: [PA603]\n  severity: {PA201: high}\nexceptions:\n  - rule: PA501\n    namespace: legacy-*\n    reason: scheduled\n    expires: 2027-01-31\ndefaults:\n  accountId: 111122223333\n").unwrap();
        assert_eq!(c.rules.ignore, vec!["PA603"]);
        assert_eq!(c.exceptions[0].name, "*");
        assert_eq!(c.defaults.account_id.as_deref(), Some("111122223333"));
        assert!(
            Config::parse("exceptions:\n  - rule: PA501\n    reason: ''\n")
                .unwrap_err()
                .contains("reason")
        );
        assert!(Config::parse("rules:\n  severity: {PA201: urgent}\n")
            .unwrap_err()
            .contains("unknown severity"));
        assert!(Config::parse("colour: red\n")
            .unwrap_err()
            .contains("unknown field"));
    }
}
