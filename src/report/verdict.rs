//! The verdict of the health report, in the order an operations lead reads it: what is wrong
//! now, where and since when (plain words, one line per host and site or finding); then a
//! short list of next steps; then the problems that a later successful sync of the same host
//! left behind ("resolved"). Hosts are never mixed: a finding is resolved only by a success of
//! its own host.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Report;
use crate::event::Severity;
use crate::sync::sites::State;
use crate::sync::{AdrResult, RunResult};

/// Next steps listed at most.
const MAX_STEPS: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Healthy,
    Attention,
    Failing,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Healthy => "healthy",
            Verdict::Attention => "attention",
            Verdict::Failing => "failing",
        }
    }
}

/// The verdict and its three lists.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VerdictDoc {
    pub verdict: Verdict,
    /// What is wrong now (or "all good"), most severe first.
    pub current: Vec<String>,
    pub next_steps: Vec<String>,
    /// Problems a later successful sync of the same host left behind.
    pub resolved: Vec<String>,
}

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "?".into(), |t| t.format("%Y-%m-%d %H:%MZ").to_string())
}

fn host_prefix(h: Option<&str>) -> String {
    h.map(|h| format!("{h}: ")).unwrap_or_default()
}

/// First sentence of a fix text (the findings section has all of it).
fn first_sentence(s: &str) -> &str {
    match s.find(". ") {
        Some(i) => &s[..=i],
        None => s,
    }
}

/// Findings already told by the state line of a site of their host; `unhealthy` are the hosts
/// with a site not healthy (a set, not a search per finding: fleets have thousands of hosts).
fn told_by_site(unhealthy: &BTreeSet<Option<&str>>, f: &crate::rules::Finding) -> bool {
    matches!(f.rule_id.as_str(), "sync_never_succeeded" | "sync_stale")
        && unhealthy.contains(&f.host.as_deref())
}

/// The end of the last successful sync per host (runs of one host only).
pub fn last_success_by_host(report: &Report) -> BTreeMap<Option<&str>, DateTime<Utc>> {
    let mut last_ok: BTreeMap<Option<&str>, DateTime<Utc>> = BTreeMap::new();
    for r in &report.sync_runs {
        if r.result == RunResult::Success {
            if let Some(t) = r.end.or(r.start) {
                let e = last_ok.entry(r.host.as_deref()).or_insert(t);
                *e = (*e).max(t);
            }
        }
    }
    last_ok
}

/// When a problem of `host` last seen at `last_seen` was left behind by a later successful sync
/// of the same host: that sync's end. The verdict and the HTML incidents use this one rule.
pub fn resolved_at(
    last_ok: &BTreeMap<Option<&str>, DateTime<Utc>>,
    host: Option<&str>,
    last_seen: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let ok = last_ok.get(&host).copied()?;
    last_seen.is_some_and(|seen| seen < ok).then_some(ok)
}

pub fn verdict(report: &Report) -> VerdictDoc {
    let mut failing: Vec<String> = Vec::new();
    let mut attention: Vec<String> = Vec::new();
    let mut resolved: Vec<String> = Vec::new();
    let mut steps: Vec<String> = Vec::new();
    let last_ok = last_success_by_host(report);
    for s in &report.sync_sites {
        let line = format!("{}: {}", s.label(), s.state_reason);
        match s.state {
            State::Failing => failing.push(line),
            State::Attention => attention.push(line),
            State::Healthy => {}
        }
    }
    let unhealthy: BTreeSet<Option<&str>> = report
        .sync_sites
        .iter()
        .filter(|s| s.state != State::Healthy)
        .map(|s| s.host.as_deref())
        .collect();
    let mut fix_for_site_failing = false;
    for f in &report.findings {
        let host = f.host.as_deref();
        let ok = resolved_at(&last_ok, host, f.last_seen);
        let is_resolved = ok.is_some();
        let line = format!(
            "{}{} ({}), seen {} time(s) from {} to {}",
            host_prefix(host),
            f.title,
            f.rule_id,
            f.count,
            when(f.first_seen),
            when(f.last_seen)
        );
        match f.severity {
            Severity::Error | Severity::Warning if is_resolved => {
                resolved.push(format!("{line}; sync succeeded since, at {}", when(ok)))
            }
            Severity::Error => {
                if !told_by_site(&unhealthy, f) {
                    failing.push(line);
                }
                steps.push(format!("{}{}", host_prefix(host), first_sentence(&f.fix)));
                fix_for_site_failing = true;
            }
            Severity::Warning => {
                if !told_by_site(&unhealthy, f) {
                    attention.push(line);
                }
                steps.push(format!("{}{}", host_prefix(host), first_sentence(&f.fix)));
            }
            _ => {}
        }
    }
    let adr_failed = report
        .adr_runs
        .iter()
        .filter(|a| a.result == AdrResult::Failed)
        .count();
    if adr_failed > 0 {
        attention.push(format!(
            "{adr_failed} automatic deployment rule run(s) failed (see ADR runs)"
        ));
    }
    if report.sync_runs.is_empty() {
        attention.push("no sync run found in the logs (is wsyncmgr.log among them?)".into());
        steps.push(
            "Add wsyncmgr.log (and its wsyncmgr.lo_) from the site server's Logs folder.".into(),
        );
    }
    let any_failing_site = report.sync_sites.iter().any(|s| s.state == State::Failing);
    if any_failing_site && !fix_for_site_failing {
        steps.push("Start a sync from the console (Software Library > Software Updates > Synchronize Software Updates) and watch wsyncmgr.log; run `supdiag analyze` on the site server's logs for the cause.".into());
    }
    let mut seen = std::collections::HashSet::new();
    steps.retain(|s| seen.insert(s.clone()));
    steps.truncate(MAX_STEPS);
    let verdict = if !failing.is_empty() {
        Verdict::Failing
    } else if !attention.is_empty() || !resolved.is_empty() {
        Verdict::Attention
    } else {
        Verdict::Healthy
    };
    let mut current = failing;
    current.extend(attention);
    if current.is_empty() {
        current.push(if report.sync_sites.is_empty() {
            "no problem was found".to_string()
        } else {
            let hs: Vec<String> = report
                .sync_sites
                .iter()
                .map(|s| format!("{} ({})", s.label(), s.state_reason))
                .collect();
            format!("sync is healthy: {}", hs.join("; "))
        });
    }
    VerdictDoc {
        verdict,
        current,
        next_steps: steps,
        resolved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Finding;

    fn finding(id: &str, sev: Severity, host: Option<&str>, last: &str) -> Finding {
        let t: DateTime<Utc> = last.parse().expect("t");
        Finding {
            rule_id: id.into(),
            severity: sev,
            title: format!("title of {id}"),
            count: 1,
            first_seen: Some(t),
            last_seen: Some(t),
            evidence: Vec::new(),
            codes: Vec::new(),
            cause: String::new(),
            fix: "Do this. Then that.".into(),
            docs: Vec::new(),
            settings: Vec::new(),
            host: host.map(str::to_string),
        }
    }

    #[test]
    fn a_success_on_one_host_resolves_nothing_on_another() {
        let mut r = Report::default();
        let mut ok = crate::sync::sites::tests_support::run("CM01", "2026-11-20T02:00:00Z");
        ok.result = RunResult::Success;
        r.sync_runs.push(ok);
        r.findings.push(finding(
            "sync_never_succeeded",
            Severity::Error,
            Some("CM02"),
            "2026-11-19T02:00:00Z",
        ));
        r.findings.push(finding(
            "wsyncmgr_http_503_wsuspool",
            Severity::Error,
            Some("CM01"),
            "2026-11-19T02:00:00Z",
        ));
        let v = verdict(&r);
        assert_eq!(v.verdict, Verdict::Failing, "{v:?}");
        assert_eq!(v.resolved.len(), 1, "{v:?}");
        assert!(v.resolved[0].starts_with("CM01: "), "{v:?}");
        assert!(
            !v.resolved
                .iter()
                .any(|l| l.contains("sync_never_succeeded")),
            "{v:?}"
        );
        assert_eq!(v.next_steps, vec!["CM02: Do this.".to_string()]);
    }
}
