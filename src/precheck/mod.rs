//! Pre-install checks for a software update point: static checks of the settings against the
//! product documentation's rules (the product documentation, docs/domain.md §G) and live probes turned into a
//! checklist, `probe.*` facts and findings.

pub mod advice;
pub mod checks;
pub mod checks_config;
pub mod hierarchy;
pub mod plan;

use serde::Serialize;

use crate::event::Severity;
use crate::facts::FactStore;
use crate::rules::{Evidence, Finding, SettingRef};

pub use checks::static_checks;

/// State of one checklist line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Fail,
    Warn,
    Info,
    Pass,
    /// Could not be decided; `detail` says which setting or earlier step is missing.
    Skipped,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Fail => "fail",
            CheckStatus::Warn => "warn",
            CheckStatus::Info => "info",
            CheckStatus::Pass => "pass",
            CheckStatus::Skipped => "skipped",
        }
    }

    /// The finding severity this status produces (none for pass/skipped).
    pub fn severity(self) -> Option<Severity> {
        match self {
            CheckStatus::Fail => Some(Severity::Error),
            CheckStatus::Warn => Some(Severity::Warning),
            CheckStatus::Info => Some(Severity::Info),
            CheckStatus::Pass | CheckStatus::Skipped => None,
        }
    }
}

/// One checklist line: a static check on one target, or one probe.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// Stable id, `precheck_*`; several lines (one per site or SUP) may share it.
    pub id: String,
    pub status: CheckStatus,
    pub title: String,
    /// Site code, SUP FQDN, URL or `host:port`; absent for hierarchy-wide checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// What was found, or why the check was skipped.
    pub detail: String,
    /// Probe step (`dns`, `tcp`, `tls`, `http`, `internet_direct`, `proxy_connect`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// Fact keys the check read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<String>,
}

impl Check {
    pub fn new(
        id: &str,
        status: CheckStatus,
        target: Option<&str>,
        detail: impl Into<String>,
    ) -> Check {
        Check {
            id: id.to_string(),
            status,
            title: advice::get(id).title.to_string(),
            target: target.map(str::to_string),
            detail: detail.into(),
            step: None,
            duration_ms: None,
            settings: Vec::new(),
        }
    }

    pub fn keys(mut self, keys: impl IntoIterator<Item = String>) -> Check {
        for k in keys {
            if !self.settings.contains(&k) {
                self.settings.push(k);
            }
        }
        self
    }
}

/// Merge the checks into findings, one per id with a finding-worthy status (the worst status of
/// that id decides the severity). Evidence lines name the target and what was found.
pub fn findings_from_checks(checks: &[Check], facts: &FactStore) -> Vec<Finding> {
    let mut order: Vec<&str> = Vec::new();
    for c in checks {
        if c.status.severity().is_some() && !order.contains(&c.id.as_str()) {
            order.push(&c.id);
        }
    }
    order
        .into_iter()
        .filter_map(|id| {
            let mine: Vec<&Check> = checks
                .iter()
                .filter(|c| c.id == id && c.status.severity().is_some())
                .collect();
            let worst = mine.iter().map(|c| c.status).min()?;
            let a = advice::get(id);
            let mut keys: Vec<String> = Vec::new();
            for c in &mine {
                for k in &c.settings {
                    if !keys.contains(k) {
                        keys.push(k.clone());
                    }
                }
            }
            let evidence = mine
                .iter()
                .take(crate::rules::finding::MAX_EVIDENCE)
                .map(|c| {
                    let (file, line) = evidence_source(c, facts);
                    let text = match &c.target {
                        Some(t) => format!("{t}: {}", c.detail),
                        None => c.detail.clone(),
                    };
                    Evidence::new(file, line, &text)
                })
                .collect();
            Some(Finding {
                rule_id: id.to_string(),
                severity: worst.severity()?,
                title: a.title.to_string(),
                count: mine.len() as u64,
                first_seen: None,
                last_seen: None,
                evidence,
                codes: Vec::new(),
                cause: a.cause.to_string(),
                fix: a.fix.to_string(),
                docs: a.docs.iter().map(|d| d.to_string()).collect(),
                settings: keys.iter().map(|k| setting_ref(facts, k)).collect(),
                host: None,
            })
        })
        .collect()
}

fn evidence_source(c: &Check, facts: &FactStore) -> (String, u64) {
    if c.step.is_some() {
        return ("probe".into(), 0);
    }
    c.settings
        .iter()
        .find_map(|k| facts.get(k))
        .map(|f| (f.source.source.clone(), f.source.line.unwrap_or(0)))
        .unwrap_or_else(|| ("settings".into(), 0))
}

/// The value and source of a fact key, `null` when unknown.
pub fn setting_ref(facts: &FactStore, key: &str) -> SettingRef {
    match facts.get(key) {
        Some(f) => SettingRef {
            key: key.to_string(),
            value: f.value.to_json(),
            source: Some(f.source.to_string()),
        },
        None => SettingRef {
            key: key.to_string(),
            value: serde_json::Value::Null,
            source: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Provenance;

    #[test]
    fn findings_merge_by_id_and_take_worst_status() {
        let mut facts = FactStore::new();
        facts.insert(
            "config.sup[a].wsus_installed",
            false,
            Provenance::new("s.toml").with_line(7),
        );
        let checks = vec![
            Check::new(
                "precheck_wsus_not_installed",
                CheckStatus::Pass,
                Some("b"),
                "ok",
            ),
            Check::new(
                "precheck_wsus_not_installed",
                CheckStatus::Fail,
                Some("a"),
                "no WSUS",
            )
            .keys(["config.sup[a].wsus_installed".to_string()]),
            Check::new(
                "precheck_supersedence_noted",
                CheckStatus::Skipped,
                None,
                "unknown",
            ),
        ];
        let f = findings_from_checks(&checks, &facts);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule_id, "precheck_wsus_not_installed");
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(f[0].count, 1);
        assert_eq!(f[0].evidence[0].file, "s.toml");
        assert_eq!(f[0].evidence[0].line, 7);
        assert_eq!(f[0].evidence[0].text, "a: no WSUS");
        assert_eq!(f[0].settings[0].value, serde_json::Value::Bool(false));
    }
}
