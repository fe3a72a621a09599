//! The figures over reconstructed runs that the sync rules read (`rules/sync_*.toml`): how many
//! sites have not synced within the limit, how many runs belong to sites that never succeeded,
//! how many successful-looking runs were far slower than the median, with the runs behind each
//! figure as its evidence. The rule files hold the condition, severity and wording; this module
//! only measures, so `rules list` and `rules show` know these findings like any other.

use chrono::{DateTime, Utc};

use super::stats::{
    by_site, format_duration, median, FindingOptions, MaxAgeSource, OUTLIER_FACTOR,
    OUTLIER_MIN_RUNS, OUTLIER_MIN_SECONDS,
};
use super::{RunResult, SyncRun};
use crate::facts::{FactStore, Provenance, Value};
use crate::rules::engine::FactEvidence;
use crate::rules::{Evidence, HitSet};

/// Sites whose last success is older than the limit (only when staleness is judged).
pub const STALE_SITES: &str = "observed.sync.stale_sites";
/// The staleness limit, as a duration (`2d00h00m`).
pub const MAX_AGE: &str = "observed.sync.max_age";
/// Where the limit came from, in words (`--max-age 1d`, the schedule, the default).
pub const MAX_AGE_SOURCE: &str = "observed.sync.max_age_source";
/// Runs of the sites where no run succeeded (and at least one failed).
pub const NEVER_SUCCEEDED_RUNS: &str = "observed.sync.never_succeeded_runs";
/// Runs slower than [`OUTLIER_FACTOR`] × the median successful run (and [`OUTLIER_MIN_SECONDS`]).
pub const SLOW_RUNS: &str = "observed.sync.slow_runs";
/// The median duration of the successful runs (`3m53s`).
pub const MEDIAN_DURATION: &str = "observed.sync.median_duration";

/// Every figure key. They summarise runs that `sync_summary` and `sync_runs` show in full, so
/// the report's settings table and a finding's settings leave them out.
pub const FIGURES: &[&str] = &[
    STALE_SITES,
    MAX_AGE,
    MAX_AGE_SOURCE,
    NEVER_SUCCEEDED_RUNS,
    SLOW_RUNS,
    MEDIAN_DURATION,
];

/// Is `key` one of the figures (not a setting or a value a log line showed)?
pub fn is_figure(key: &str) -> bool {
    FIGURES.contains(&key)
}

fn run_line(r: &SyncRun, what: &str) -> Evidence {
    Evidence::new(r.log.file.clone(), r.log.line, what)
}

fn site_label(site: Option<&str>) -> String {
    site.map_or_else(|| "unknown site".to_string(), |s| format!("site {s}"))
}

fn seen(hs: &mut HitSet, t: DateTime<Utc>) {
    hs.first_seen = Some(hs.first_seen.map_or(t, |x| x.min(t)));
    hs.last_seen = Some(hs.last_seen.map_or(t, |x| x.max(t)));
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%SZ").to_string()
}

/// Put the figures of `runs` into `facts`, and the runs behind them into `evidence`.
/// `staleness`: judge the time since the last success (it depends on "now", so `analyze`
/// only does when asked).
pub fn publish(
    runs: &[SyncRun],
    opts: &FindingOptions,
    staleness: bool,
    facts: &mut FactStore,
    evidence: &mut FactEvidence,
) {
    let prov = || Provenance::new("sync runs");
    let mut stale = HitSet::default();
    let mut never = HitSet::default();
    for ((site, _host), group) in &by_site(runs) {
        let last = group
            .iter()
            .filter(|r| r.result == RunResult::Success)
            .filter_map(|r| r.end.or(r.start).map(|t| (t, *r)))
            .max_by_key(|(t, _)| *t);
        match last {
            Some((t, run)) if opts.now - t > opts.max_age => {
                stale.count += 1;
                seen(&mut stale, t);
                let age = format_duration((opts.now - t).num_seconds());
                let what = format!(
                    "{}: last success {} ({age} before {})",
                    site_label(*site),
                    time(t),
                    time(opts.now)
                );
                let e = Evidence::new(run.log.end_file.clone(), run.log.end_line, &what);
                stale.merge(HitSet {
                    evidence: vec![e],
                    ..HitSet::default()
                });
            }
            Some(_) => {}
            // A log holding only a run still in progress (or cut by a restart) says nothing yet:
            // "never succeeded" needs at least one run that ended in failure.
            None if !group.iter().any(|r| r.result == RunResult::Failed) => {}
            None => {
                for r in group {
                    never.count += 1;
                    if let Some(t) = r.start {
                        seen(&mut never, t);
                    }
                    never.add_codes(r.error_code.clone());
                }
                let last_error = group.iter().rev().find(|r| r.error.is_some());
                if let Some(r) = last_error.or(group.first()) {
                    let what = format!(
                        "{}: {} run(s), last result {}{}",
                        site_label(*site),
                        group.len(),
                        r.result.as_str(),
                        r.error
                            .as_deref()
                            .map(|e| format!(": {e}"))
                            .unwrap_or_default()
                    );
                    never.merge(HitSet {
                        evidence: vec![run_line(r, &what)],
                        ..HitSet::default()
                    });
                }
            }
        }
    }
    let count = |hs: &HitSet| Value::Int(i64::try_from(hs.count).unwrap_or(i64::MAX));
    if staleness {
        let limit_from = match &opts.max_age_source {
            MaxAgeSource::Default => "the default of 2 days".to_string(),
            MaxAgeSource::Argument(a) => format!("--max-age {a}"),
            MaxAgeSource::Schedule { hours, .. } => {
                format!("twice the configured sync schedule of {hours} h")
            }
        };
        facts.insert(STALE_SITES, count(&stale), prov());
        facts.insert(MAX_AGE, format_duration(opts.max_age.num_seconds()), prov());
        facts.insert(MAX_AGE_SOURCE, limit_from, prov());
        evidence.insert(STALE_SITES.to_string(), stale);
    }
    facts.insert(NEVER_SUCCEEDED_RUNS, count(&never), prov());
    evidence.insert(NEVER_SUCCEEDED_RUNS.to_string(), never);

    let durations: Vec<i64> = runs
        .iter()
        .filter(|r| r.result == RunResult::Success)
        .filter_map(|r| r.duration_seconds)
        .collect();
    let Some(med) = median(&durations).filter(|_| durations.len() >= OUTLIER_MIN_RUNS) else {
        return;
    };
    let mut slow = HitSet::default();
    let slow_runs = runs.iter().filter(|r| {
        r.duration_seconds
            .is_some_and(|d| d > OUTLIER_MIN_SECONDS && d > med.saturating_mul(OUTLIER_FACTOR))
    });
    for r in slow_runs {
        slow.count += 1;
        if let Some(t) = r.start {
            seen(&mut slow, t);
        }
        let what = format!(
            "{}: run started {} took {} (median {})",
            site_label(r.site.as_deref()),
            r.start.map_or_else(|| "?".into(), time),
            format_duration(r.duration_seconds.unwrap_or_default()),
            format_duration(med)
        );
        slow.merge(HitSet {
            evidence: vec![run_line(r, &what)],
            ..HitSet::default()
        });
    }
    facts.insert(SLOW_RUNS, count(&slow), prov());
    facts.insert(MEDIAN_DURATION, format_duration(med), prov());
    evidence.insert(SLOW_RUNS.to_string(), slow);
}

/// The findings of the built-in sync rules over `runs` (tests: figures and rule files together).
#[cfg(test)]
pub fn findings(runs: &[SyncRun], opts: &FindingOptions) -> Vec<crate::rules::Finding> {
    let set = crate::rules::load_rule_set(&[], &[]).expect("built-in rules");
    let mut facts = FactStore::new();
    if let MaxAgeSource::Schedule { hours, source } = &opts.max_age_source {
        facts.insert(
            "config.sync.schedule_hours",
            *hours,
            Provenance::new(source.clone()),
        );
    }
    let mut evidence = FactEvidence::new();
    publish(runs, opts, true, &mut facts, &mut evidence);
    set.conclude_with(crate::rules::StreamHits::default(), &mut facts, &evidence)
        .into_iter()
        .filter(|f| f.rule_id.starts_with("sync_"))
        .collect()
}
