//! ruleengine.log → automatic deployment rule (ADR) runs (docs/domain.md §D, ADR cycle).
//!
//! A run opens at `CRuleHandler: Processing Rule with ID:<n>, Name:<name>.` and is `success`
//! once `Rule <n> Successfully Applied!` is logged. Without that line it is `failed` when the
//! next rule starts; at the end of the log it is `failed` when it logged a download failure and
//! `running` otherwise (the log was collected mid-evaluation).

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use memchr::memmem::Finder;
use serde::{Deserialize, Serialize};

use super::SyncLine;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdrResult {
    Success,
    Failed,
    Running,
}

impl AdrResult {
    pub fn as_str(self) -> &'static str {
        match self {
            AdrResult::Success => "success",
            AdrResult::Failed => "failed",
            AdrResult::Running => "running",
        }
    }
}

/// One ADR evaluation (JSON `adr_runs[]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdrRun {
    pub rule_id: String,
    pub rule_name: String,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub result: AdrResult,
    /// `Rule resulted in a total of <n> updates`.
    pub updates_found: Option<u64>,
    /// `<n> of <m> updates are downloaded and will be added to the Deployment.` → n.
    pub downloaded: Option<u64>,
    /// … → m.
    pub to_deploy: Option<u64>,
    /// Contents skipped because they were already present.
    pub skipped: u64,
    /// Per-content download failures (`Failed to download the update ...`, `Failed to download ContentID ...`).
    pub failed: u64,
    /// Package named by `<n> update(s) need to be downloaded in package "<pkg>"`.
    pub package: Option<String>,
    /// First failure line of the run.
    pub error: Option<String>,
    /// `Error = <n>` / `Error code = <n>` of the first failure.
    pub error_code: Option<String>,
    pub file: String,
    pub line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct AdrBuilder {
    open: Option<AdrRun>,
    done: Vec<AdrRun>,
}

impl AdrBuilder {
    pub fn feed(&mut self, ev: &SyncLine<'_>) {
        let msg = ev.msg.trim();
        let t = ev.time;
        if let Some(v) = msg.strip_prefix("CRuleHandler: Processing Rule with ID:") {
            self.close(AdrResult::Failed);
            let (id, name) = match v.split_once(", Name:") {
                Some((id, name)) => (id.trim(), name.trim().trim_end_matches('.')),
                None => (v.trim().trim_end_matches('.'), ""),
            };
            self.open = Some(AdrRun {
                rule_id: id.to_string(),
                rule_name: name.to_string(),
                start: t,
                end: t,
                result: AdrResult::Running,
                updates_found: None,
                downloaded: None,
                to_deploy: None,
                skipped: 0,
                failed: 0,
                package: None,
                error: None,
                error_code: None,
                file: ev.file.to_string(),
                line: ev.line,
                host: ev.host.map(str::to_string),
            });
            return;
        }
        let Some(r) = self.open.as_mut() else { return };
        if t.is_some() {
            r.end = t;
        }
        if let Some(v) = msg.strip_prefix("Rule resulted in a total of ") {
            r.updates_found = first_number(v);
        } else if has(&NEED_DOWNLOAD, msg) {
            r.package = msg
                .split('"')
                .nth(1)
                .map(str::to_string)
                .filter(|p| !p.is_empty());
        } else if has(&ALREADY_PRESENT, msg) && has(&SKIPPING_DOWNLOAD, msg) {
            r.skipped += 1;
        } else if msg.starts_with("Failed to download the update")
            || msg.starts_with("Failed to download ContentID")
        {
            r.failed += 1;
            if r.error.is_none() {
                r.error = Some(msg.to_string());
                r.error_code = error_code(msg);
            }
        } else if has(&DOWNLOADED_ADDED, msg) {
            let mut nums = msg.split_whitespace().filter_map(|w| w.parse::<u64>().ok());
            r.downloaded = nums.next();
            r.to_deploy = nums.next();
        } else if let Some(v) = msg.strip_prefix("CRuleHandler: Rule ") {
            if v.contains("Successfully Applied") {
                self.close(AdrResult::Success);
            }
        } else if (msg.starts_with("Failed to download any update")
            || msg.starts_with("Failed to run the DownloadAction"))
            && r.error.is_none()
        {
            r.error = Some(msg.to_string());
        }
    }

    /// The effect of a line [`is_plain`] accepts: the open run's end moves to its time.
    pub fn plain(&mut self, t: Option<DateTime<Utc>>) {
        if let (Some(r), Some(_)) = (self.open.as_mut(), t) {
            r.end = t;
        }
    }

    fn close(&mut self, result: AdrResult) {
        if let Some(mut r) = self.open.take() {
            r.result = result;
            self.done.push(r);
        }
    }

    pub fn finish(mut self) -> Vec<AdrRun> {
        let at_end = match &self.open {
            Some(r) if r.failed > 0 || r.error.is_some() => AdrResult::Failed,
            _ => AdrResult::Running,
        };
        self.close(at_end);
        self.done
    }
}

/// True when `msg` can only have the [`AdrBuilder::plain`] effect; keep in step with `feed`.
pub fn is_plain(msg: &str) -> bool {
    let m = msg.trim();
    const PREFIXES: &[&str] = &[
        "CRuleHandler: ",
        "Rule resulted in a total of ",
        "Failed to download",
        "Failed to run the DownloadAction",
    ];
    !PREFIXES.iter().any(|p| m.starts_with(p))
        && ![&NEED_DOWNLOAD, &ALREADY_PRESENT, &DOWNLOADED_ADDED]
            .iter()
            .any(|f| has(f, m))
}

/// Substring searchers built once: `str::contains` builds one per call, and these run on every
/// ruleengine.log line of an open ADR run.
static NEED_DOWNLOAD: LazyLock<Finder<'static>> =
    LazyLock::new(|| Finder::new("need to be downloaded in package"));
static ALREADY_PRESENT: LazyLock<Finder<'static>> =
    LazyLock::new(|| Finder::new("already present"));
static SKIPPING_DOWNLOAD: LazyLock<Finder<'static>> =
    LazyLock::new(|| Finder::new("Skipping download"));
static DOWNLOADED_ADDED: LazyLock<Finder<'static>> =
    LazyLock::new(|| Finder::new("updates are downloaded and will be added to the Deployment"));

fn has(f: &Finder<'_>, s: &str) -> bool {
    f.find(s.as_bytes()).is_some()
}

fn first_number(s: &str) -> Option<u64> {
    s.split(|c: char| !c.is_ascii_digit())
        .find(|w| !w.is_empty())
        .and_then(|w| w.parse().ok())
}

/// `... Error = 12007` / `Error code = 5` → `12007`.
fn error_code(msg: &str) -> Option<String> {
    let lower = msg.to_ascii_lowercase();
    let i = lower.rfind("error")?;
    let rest = msg[i..].split_once('=')?.1.trim();
    let code: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!code.is_empty()).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{feed_text, sms};
    use super::super::{SyncBuilder, SyncData};
    use super::*;
    use crate::event::LogKind;

    fn r(msg: &str, time: &str) -> String {
        sms(msg, "SMS_RULE_ENGINE", "11-18-2026", time)
    }

    fn build(text: &str) -> SyncData {
        let mut b = SyncBuilder::new();
        feed_text(&mut b, "ruleengine.log", LogKind::RuleEngine, text);
        b.finish()
    }

    #[test]
    fn adr_success_and_failed_download() {
        let text = [
            r("Found notification file C:\\Program Files\\Microsoft Configuration Manager\\inboxes\\RuleEngine.box\\16777220.RUL", "03:05:00"),
            r("CRuleHandler: Processing Rule with ID:7, Name:Windows Server Monthly.", "03:05:01"),
            r("Rule resulted in a total of 12 updates", "03:05:03"),
            r("Enforcing Content Download Action", "03:05:04"),
            r("3 update(s) need to be downloaded in package \"Server Updates 2026\" (\\\\CM01\\Source\\Server)", "03:05:05"),
            r("Contents 16785001 is already present in the package. Skipping download.", "03:05:06"),
            r("Contents 16785002 is already present in the package. Skipping download.", "03:05:06"),
            r("12 of 12 updates are downloaded and will be added to the Deployment.", "03:06:10"),
            r("CRuleHandler: Rule 7 Successfully Applied!", "03:06:30"),
            r("CRuleHandler: Processing Rule with ID:9, Name:Office 365 Monthly.", "04:10:00"),
            r("Rule resulted in a total of 5 updates", "04:10:02"),
            r("Failed to download the update from internet. Error = 12007", "04:10:40"),
            r("Failed to download any update", "04:10:41"),
            r("4 of 5 updates are downloaded and will be added to the Deployment.", "04:10:42"),
            r("CRuleHandler: Processing Rule with ID:7, Name:Windows Server Monthly.", "05:00:00"),
            r("Rule resulted in a total of 1 updates", "05:00:02"),
        ]
        .concat();
        let d = build(&text);
        assert_eq!(d.adr_runs.len(), 3);
        let a = &d.adr_runs[0];
        assert_eq!(
            (a.rule_id.as_str(), a.rule_name.as_str()),
            ("7", "Windows Server Monthly")
        );
        assert_eq!(a.result, AdrResult::Success);
        assert_eq!(a.updates_found, Some(12));
        assert_eq!((a.downloaded, a.to_deploy), (Some(12), Some(12)));
        assert_eq!((a.skipped, a.failed), (2, 0));
        assert_eq!(a.package.as_deref(), Some("Server Updates 2026"));
        assert_eq!(
            a.end.map(|t| t.to_rfc3339()),
            Some("2026-11-18T04:06:30+00:00".into())
        );
        let b = &d.adr_runs[1];
        assert_eq!(b.result, AdrResult::Failed);
        assert_eq!(b.failed, 1);
        assert_eq!(b.error_code.as_deref(), Some("12007"));
        assert_eq!(b.downloaded, Some(4));
        // The last rule never finished and logged no failure: still running.
        assert_eq!(d.adr_runs[2].result, AdrResult::Running);
        assert_eq!(d.adr_runs[2].updates_found, Some(1));
    }
}
