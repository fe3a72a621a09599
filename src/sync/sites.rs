//! Health per host and site (JSON `sync_sites[]`): what an operations lead reads first — last
//! success and how long ago, success rate, median and p95 duration, and a state
//! (healthy / attention / failing) with the reason in plain words — plus weekly trends.
//!
//! Runs of different hosts are never mixed: a fleet folder (`hosts/CM01`, `hosts/CM02`) gives
//! one entry per host and site, each with its own last success.
//!
//! States: *failing* when the site never succeeded (with at least one failed run), when its
//! latest finished run failed, or when its last success is older than the staleness limit;
//! *attention* when its latest run was interrupted, when a run failed or was interrupted in the
//! last 7 days, or when its success rate is below 90 %; *healthy* otherwise.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;

use super::stats::{format_duration, median, FindingOptions};
use super::{RunResult, SyncRun};

/// Below this success rate a site needs attention.
const ATTENTION_RATE: f64 = 0.9;
/// A failure this recent still needs attention, even if a later run succeeded.
const RECENT_DAYS: i64 = 7;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Healthy,
    Attention,
    Failing,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Healthy => "healthy",
            State::Attention => "attention",
            State::Failing => "failing",
        }
    }
}

/// One week of a site's runs (weeks start on Monday, UTC).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeekTrend {
    pub week_start: NaiveDate,
    pub runs: usize,
    pub success: usize,
    pub success_rate: Option<f64>,
    pub median_duration_seconds: Option<i64>,
}

/// JSON `sync_sites[]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteHealth {
    pub host: Option<String>,
    pub site: Option<String>,
    pub site_server: Option<String>,
    pub state: State,
    /// Why the state is what it is, in plain words.
    pub state_reason: String,
    pub runs: usize,
    pub success: usize,
    pub failed: usize,
    pub interrupted: usize,
    pub running: usize,
    pub first_run: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub since_last_success_seconds: Option<i64>,
    /// Start of the first failed run after the last success (a current failure streak).
    pub failing_since: Option<DateTime<Utc>>,
    pub last_run_start: Option<DateTime<Utc>>,
    pub last_run_result: Option<RunResult>,
    pub last_run_duration_seconds: Option<i64>,
    pub last_error: Option<String>,
    pub success_rate: Option<f64>,
    pub median_duration_seconds: Option<i64>,
    pub p95_duration_seconds: Option<i64>,
    /// Per week, when the runs span more than one week.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weekly: Vec<WeekTrend>,
}

impl SiteHealth {
    /// `CM01 · site PS1`, `site PS1`, `CM01`.
    pub fn label(&self) -> String {
        match (&self.host, &self.site) {
            (Some(h), Some(s)) => format!("{h} · site {s}"),
            (Some(h), None) => h.clone(),
            (None, Some(s)) => format!("site {s}"),
            (None, None) => "unknown site".into(),
        }
    }
}

/// Nearest-rank percentile `p` (0–100) of `values`.
pub fn percentile(values: &[i64], p: usize) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let rank = (p * v.len()).div_ceil(100).clamp(1, v.len());
    v.get(rank - 1).copied()
}

fn success_rate(success: usize, finished: usize) -> Option<f64> {
    (finished > 0).then(|| success as f64 / finished as f64)
}

fn week_of(t: DateTime<Utc>) -> NaiveDate {
    let d = t.date_naive();
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

fn weekly(runs: &[&SyncRun]) -> Vec<WeekTrend> {
    let mut weeks: BTreeMap<NaiveDate, (usize, usize, Vec<i64>)> = BTreeMap::new();
    for r in runs {
        let Some(t) = r.start.or(r.end) else { continue };
        let w = weeks.entry(week_of(t)).or_default();
        if r.result != RunResult::Running {
            w.0 += 1;
        }
        if r.result == RunResult::Success {
            w.1 += 1;
            w.2.extend(r.duration_seconds);
        }
    }
    if weeks.len() < 2 {
        return Vec::new();
    }
    weeks
        .into_iter()
        .map(|(week_start, (finished, success, d))| WeekTrend {
            week_start,
            runs: finished,
            success,
            success_rate: success_rate(success, finished),
            median_duration_seconds: median(&d),
        })
        .collect()
}

/// Health of every (host, site) among `runs`, in host then site order.
pub fn summarize_sites(runs: &[SyncRun], opts: &FindingOptions) -> Vec<SiteHealth> {
    let mut groups: BTreeMap<(Option<&str>, Option<&str>), Vec<&SyncRun>> = BTreeMap::new();
    for r in runs {
        groups
            .entry((r.host.as_deref(), r.site.as_deref()))
            .or_default()
            .push(r);
    }
    groups
        .into_iter()
        .map(|((host, site), mut g)| {
            g.sort_by_key(|r| (r.start.or(r.end).is_none(), r.start.or(r.end)));
            site_health(host, site, &g, opts)
        })
        .collect()
}

fn site_health(
    host: Option<&str>,
    site: Option<&str>,
    g: &[&SyncRun],
    opts: &FindingOptions,
) -> SiteHealth {
    let now = opts.now;
    let count = |r: RunResult| g.iter().filter(|x| x.result == r).count();
    let (success, failed, interrupted, running) = (
        count(RunResult::Success),
        count(RunResult::Failed),
        count(RunResult::Interrupted),
        count(RunResult::Running),
    );
    let last_ok = g
        .iter()
        .filter(|r| r.result == RunResult::Success)
        .filter_map(|r| r.end.or(r.start))
        .max();
    let durations: Vec<i64> = g
        .iter()
        .filter(|r| r.result == RunResult::Success)
        .filter_map(|r| r.duration_seconds)
        .collect();
    let last = g.iter().rev().find(|r| r.result != RunResult::Running);
    let last_any = g.last();
    let failing_since = g
        .iter()
        .filter(|r| r.result == RunResult::Failed)
        .filter(|r| last_ok.is_none_or(|ok| r.start.or(r.end).is_some_and(|t| t > ok)))
        .find_map(|r| r.start.or(r.end));
    let last_error = g.iter().rev().find_map(|r| r.error.clone());
    let recent_bad = g.iter().any(|r| {
        matches!(r.result, RunResult::Failed | RunResult::Interrupted)
            && r.start
                .or(r.end)
                .is_some_and(|t| now - t <= Duration::days(RECENT_DAYS))
    });
    let rate = success_rate(success, success + failed + interrupted);
    let ago = |t: DateTime<Utc>| format_duration((now - t).num_seconds());
    let err = last_error
        .as_deref()
        .map(|e| format!(" (last error: {e})"))
        .unwrap_or_default();
    let (state, reason) = if success == 0 && failed > 0 {
        (
            State::Failing,
            format!(
                "sync has never succeeded: {} run(s) since {}, none successful{err}",
                g.len(),
                fmt_time(g.first().and_then(|r| r.start.or(r.end)))
            ),
        )
    } else if last.is_some_and(|r| r.result == RunResult::Failed) {
        (
            State::Failing,
            format!(
                "the latest sync failed; failing since {} (last success {}){err}",
                fmt_time(failing_since),
                last_ok.map_or_else(|| "never".into(), |t| format!("{} ago", ago(t)))
            ),
        )
    } else if let Some(ok) = last_ok.filter(|ok| now - *ok > opts.max_age) {
        (
            State::Failing,
            format!(
                "no successful sync for {} (last success {}, limit {})",
                ago(ok),
                fmt_time(Some(ok)),
                format_duration(opts.max_age.num_seconds())
            ),
        )
    } else if last.is_some_and(|r| r.result == RunResult::Interrupted) {
        (
            State::Attention,
            "the latest sync was interrupted before it ended".to_string(),
        )
    } else if recent_bad {
        (
            State::Attention,
            format!(
                "{} run(s) failed or were interrupted in the last {RECENT_DAYS} days; the latest succeeded",
                g.iter()
                    .filter(|r| matches!(r.result, RunResult::Failed | RunResult::Interrupted))
                    .filter(|r| r
                        .start
                        .or(r.end)
                        .is_some_and(|t| now - t <= Duration::days(RECENT_DAYS)))
                    .count()
            ),
        )
    } else if rate.is_some_and(|r| r < ATTENTION_RATE) {
        (
            State::Attention,
            format!(
                "success rate {:.0}% is below {:.0}%",
                rate.unwrap_or(0.0) * 100.0,
                ATTENTION_RATE * 100.0
            ),
        )
    } else if last_ok.is_none() {
        (State::Attention, "no sync run has finished yet".to_string())
    } else {
        (
            State::Healthy,
            format!("last success {} ago", last_ok.map(ago).unwrap_or_default()),
        )
    };
    SiteHealth {
        host: host.map(str::to_string),
        site: site.map(str::to_string),
        site_server: g.iter().rev().find_map(|r| r.site_server.clone()),
        state,
        state_reason: reason,
        runs: g.len(),
        success,
        failed,
        interrupted,
        running,
        first_run: g.iter().filter_map(|r| r.start.or(r.end)).min(),
        last_success: last_ok,
        since_last_success_seconds: last_ok.map(|t| (now - t).num_seconds()),
        failing_since,
        last_run_start: last_any.and_then(|r| r.start.or(r.end)),
        last_run_result: last_any.map(|r| r.result),
        last_run_duration_seconds: last_any.and_then(|r| r.duration_seconds),
        last_error,
        success_rate: rate,
        median_duration_seconds: median(&durations),
        p95_duration_seconds: percentile(&durations, 95),
        weekly: weekly(g),
    }
}

fn fmt_time(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "?".into(), |t| t.format("%Y-%m-%d %H:%MZ").to_string())
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    /// A successful 300-second run of site PS1 on `host` starting at `start`.
    pub fn run(host: &str, start: &str) -> SyncRun {
        let start: DateTime<Utc> = start.parse().expect("time");
        let mut r = SyncRun::for_test("PS1", start, Some(300), RunResult::Success);
        r.host = Some(host.into());
        r.log.file = "w.log".into();
        r.log.end_file = "w.log".into();
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(host: &str, start: &str, result: RunResult, secs: i64) -> SyncRun {
        let mut r = super::tests_support::run(host, start);
        r.result = result;
        r.duration_seconds = Some(secs);
        r.end = r.start.map(|t| t + Duration::seconds(secs));
        if result == RunResult::Failed {
            r.error = Some("boom".into());
        }
        r
    }

    fn opts(now: &str) -> FindingOptions {
        FindingOptions::new(now.parse().expect("now"), None, None).expect("opts")
    }

    #[test]
    fn hosts_are_never_mixed() {
        let runs = vec![
            run("CM01", "2026-11-20T02:00:00Z", RunResult::Success, 200),
            run("CM02", "2026-11-20T02:00:00Z", RunResult::Failed, 20),
            run("CM02", "2026-11-20T03:00:00Z", RunResult::Failed, 20),
        ];
        let s = summarize_sites(&runs, &opts("2026-11-20T12:00:00Z"));
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].host.as_deref(), Some("CM01"));
        assert_eq!(s[0].state, State::Healthy, "{}", s[0].state_reason);
        assert!(s[0].last_success.is_some());
        assert_eq!(s[1].state, State::Failing);
        assert_eq!(s[1].last_success, None);
        assert!(
            s[1].state_reason.contains("never succeeded"),
            "{}",
            s[1].state_reason
        );
    }

    #[test]
    fn p95_median_and_weekly_trend() {
        let mut runs = Vec::new();
        for d in 1..=20 {
            runs.push(run(
                "CM01",
                &format!("2026-11-{d:02}T02:00:00Z"),
                RunResult::Success,
                100 * d,
            ));
        }
        runs.push(run("CM01", "2026-11-21T02:00:00Z", RunResult::Failed, 5));
        let s = summarize_sites(&runs, &opts("2026-11-21T12:00:00Z"));
        assert_eq!(s[0].median_duration_seconds, Some(1050));
        assert_eq!(s[0].p95_duration_seconds, Some(1900));
        assert_eq!(s[0].state, State::Failing);
        assert_eq!(
            s[0].failing_since,
            Some("2026-11-21T02:00:00Z".parse().expect("t"))
        );
        // 1 Nov 2026 is a Sunday: weeks of 26 Oct, 2, 9 and 16 Nov.
        assert_eq!(s[0].weekly.len(), 4);
        assert_eq!(s[0].weekly[0].runs, 1);
        assert_eq!(s[0].weekly[3].success_rate, Some(5.0 / 6.0));
    }

    #[test]
    fn stale_is_failing_and_recent_failure_needs_attention() {
        let runs = vec![
            run("CM01", "2026-11-10T02:00:00Z", RunResult::Failed, 20),
            run("CM01", "2026-11-10T03:00:00Z", RunResult::Success, 200),
        ];
        let s = summarize_sites(&runs, &opts("2026-11-20T00:00:00Z"));
        assert_eq!(s[0].state, State::Failing);
        assert!(s[0].state_reason.contains("no successful sync for"));
        let s = summarize_sites(&runs, &opts("2026-11-11T00:00:00Z"));
        assert_eq!(s[0].state, State::Attention, "{}", s[0].state_reason);
        assert_eq!(percentile(&[], 95), None);
        assert_eq!(percentile(&[7], 95), Some(7));
    }
}
