//! Figures over reconstructed runs (last success, success rate, median/slowest duration,
//! longest failure streak), the staleness limit, and the helpers the figures of the sync rules
//! use (`figures.rs`).
//!
//! Decisions: the median is over *successful* runs (failures often end in seconds and would
//! drag it down, making every normal run look slow); the success rate counts success against
//! failed + interrupted (a run still running has no result yet); a failure streak is a run of
//! consecutive `failed` runs of one site, where interrupted and running runs neither extend nor
//! break it.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use thiserror::Error;

use super::{AdrResult, AdrRun, RunResult, SyncRun};

/// A run slower than this many times the median is an outlier …
pub const OUTLIER_FACTOR: i64 = 3;
/// … and only when it took longer than this (a 90 s sync is not worth a finding).
pub const OUTLIER_MIN_SECONDS: i64 = 600;
/// Successful runs needed before a median means anything.
pub const OUTLIER_MIN_RUNS: usize = 3;
/// Default `--max-age`.
pub const DEFAULT_MAX_AGE_HOURS: i64 = 48;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SlowestRun {
    pub site: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub duration_seconds: i64,
}

/// JSON `sync_summary`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SyncSummary {
    pub runs: usize,
    pub success: usize,
    pub failed: usize,
    pub interrupted: usize,
    pub running: usize,
    pub last_success: Option<DateTime<Utc>>,
    /// Seconds from the last success to `now` (the reference time).
    pub since_last_success_seconds: Option<i64>,
    pub now: DateTime<Utc>,
    /// success / (success + failed + interrupted), 0.0–1.0.
    pub success_rate: Option<f64>,
    pub median_duration_seconds: Option<i64>,
    pub slowest: Option<SlowestRun>,
    pub longest_failure_streak: usize,
    pub adr_runs: usize,
    pub adr_failed: usize,
}

/// Summarise runs (any order; they are grouped by site and ordered by start here).
pub fn summarize(runs: &[SyncRun], adr: &[AdrRun], now: DateTime<Utc>) -> SyncSummary {
    let count = |r: RunResult| runs.iter().filter(|x| x.result == r).count();
    let (success, failed, interrupted) = (
        count(RunResult::Success),
        count(RunResult::Failed),
        count(RunResult::Interrupted),
    );
    let last_success = last_success_of(runs.iter());
    let finished = success + failed + interrupted;
    let durations: Vec<i64> = runs
        .iter()
        .filter(|r| r.result == RunResult::Success)
        .filter_map(|r| r.duration_seconds)
        .collect();
    let slowest = runs
        .iter()
        .filter(|r| matches!(r.result, RunResult::Success | RunResult::Failed))
        .filter_map(|r| r.duration_seconds.map(|d| (d, r)))
        .max_by_key(|(d, r)| (*d, std::cmp::Reverse(r.start)))
        .map(|(d, r)| SlowestRun {
            site: r.site.clone(),
            start: r.start,
            duration_seconds: d,
        });
    SyncSummary {
        runs: runs.len(),
        success,
        failed,
        interrupted,
        running: count(RunResult::Running),
        last_success,
        since_last_success_seconds: last_success.map(|t| (now - t).num_seconds()),
        now,
        success_rate: (finished > 0).then(|| success as f64 / finished as f64),
        median_duration_seconds: median(&durations),
        slowest,
        longest_failure_streak: by_site(runs)
            .values()
            .map(|v| longest_streak(v))
            .max()
            .unwrap_or(0),
        adr_runs: adr.len(),
        adr_failed: adr.iter().filter(|a| a.result == AdrResult::Failed).count(),
    }
}

/// End (or start) of the latest successful run.
fn last_success_of<'a>(runs: impl Iterator<Item = &'a SyncRun>) -> Option<DateTime<Utc>> {
    runs.filter(|r| r.result == RunResult::Success)
        .filter_map(|r| r.end.or(r.start))
        .max()
}

/// Median; for an even count the mean of the two middle values, rounded down.
pub fn median(values: &[i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    let mid = n / 2;
    if n % 2 == 1 {
        v.get(mid).copied()
    } else {
        Some((v.get(mid - 1)? + v.get(mid)?).div_euclid(2))
    }
}

/// Longest run of consecutive `failed` results (in the given order).
pub fn longest_streak(runs: &[&SyncRun]) -> usize {
    let (mut best, mut cur) = (0, 0);
    for r in runs {
        match r.result {
            RunResult::Failed => {
                cur += 1;
                best = best.max(cur);
            }
            RunResult::Success => cur = 0,
            RunResult::Interrupted | RunResult::Running => {}
        }
    }
    best
}

/// Runs grouped by site (and fleet host), each group in start order.
pub(super) fn by_site(runs: &[SyncRun]) -> BTreeMap<(Option<&str>, Option<&str>), Vec<&SyncRun>> {
    let mut m: BTreeMap<_, Vec<&SyncRun>> = BTreeMap::new();
    for r in runs {
        m.entry((r.site.as_deref(), r.host.as_deref()))
            .or_default()
            .push(r);
    }
    for v in m.values_mut() {
        v.sort_by_key(|r| (r.start.is_none(), r.start));
    }
    m
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum AgeError {
    #[error("{0:?} is not an age: use a number with a unit, e.g. 2d, 36h, 90m or 1d12h")]
    Invalid(String),
}

/// Parse `2d`, `36h`, `90m`, `45s`, `1d12h` into a duration.
pub fn parse_age(s: &str) -> Result<Duration, AgeError> {
    let bad = || AgeError::Invalid(s.to_string());
    let t = s.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Err(bad());
    }
    let mut secs: i64 = 0;
    let mut num = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: i64 = num.parse().map_err(|_| bad())?;
        num.clear();
        let unit = match c {
            'w' => 604_800,
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        secs = n
            .checked_mul(unit)
            .and_then(|v| secs.checked_add(v))
            .ok_or_else(bad)?;
    }
    if !num.is_empty() || secs <= 0 {
        return Err(bad());
    }
    Ok(Duration::seconds(secs))
}

/// Where the staleness limit came from.
#[derive(Clone, Debug, PartialEq)]
pub enum MaxAgeSource {
    Default,
    Argument(String),
    /// `config.sync.schedule_hours` × 2, with the fact's value and source.
    Schedule {
        hours: i64,
        source: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct FindingOptions {
    pub now: DateTime<Utc>,
    pub max_age: Duration,
    pub max_age_source: MaxAgeSource,
}

impl FindingOptions {
    /// `--max-age` wins; else twice the configured schedule; else the 2-day default.
    pub fn new(
        now: DateTime<Utc>,
        max_age_arg: Option<&str>,
        schedule_hours: Option<(i64, String)>,
    ) -> Result<Self, AgeError> {
        let (max_age, src) = match (max_age_arg, schedule_hours) {
            (Some(a), _) => (parse_age(a)?, MaxAgeSource::Argument(a.to_string())),
            (None, Some((h, source))) if h > 0 => (
                Duration::hours(h.saturating_mul(2)),
                MaxAgeSource::Schedule { hours: h, source },
            ),
            _ => (
                Duration::hours(DEFAULT_MAX_AGE_HOURS),
                MaxAgeSource::Default,
            ),
        };
        Ok(FindingOptions {
            now,
            max_age,
            max_age_source: src,
        })
    }
}

fn human(secs: i64) -> String {
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3_600,
        secs % 3_600 / 60,
        secs % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m{s:02}s"),
        (0, _, _) => format!("{h}h{m:02}m"),
        _ => format!("{d}d{h:02}h{m:02}m"),
    }
}

/// Public alias of the duration format used in findings and renderers (`1h12m`, `3m53s`).
pub fn format_duration(secs: i64) -> String {
    human(secs.max(0))
}

#[cfg(test)]
#[path = "stats_tests.rs"]
mod tests;
