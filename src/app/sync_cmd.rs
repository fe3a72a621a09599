//! `supdiag sync`: reconstruct sync and ADR runs, summarise them, report staleness.
//!
//! [`gather`] (scan + settings + runs + sync findings) is shared with `supdiag report`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};

use crate::cli::{CommonArgs, HistoryArgs, SyncArgs, SyncFormat};
use crate::facts::FactStore;
use crate::history::{History, Window};
use crate::report::{self, Report};
use crate::sync::{FindingOptions, SyncData};

use super::pipeline::{self, PipelineOptions, RunsHook};
use super::view::parse_time_arg;
use super::{use_color, write_stdout};

/// Everything `sync` and `report` render.
pub struct Gathered {
    pub report: Report,
    pub facts: FactStore,
    pub settings_given: bool,
    pub options: FindingOptions,
}

/// Default period shown with `--history` and no `--since`.
const DEFAULT_HISTORY_DAYS: i64 = 30;

/// `--since`/`--until`: an age before `now` (30d) or a UTC time.
fn time_or_age(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    match crate::sync::stats::parse_age(s) {
        Ok(age) => Ok(now - age),
        Err(_) => parse_time_arg(s),
    }
}

/// The history file (when `--history`/`SUPDIAG_HISTORY` names one) and the period shown.
pub fn open_history(h: &HistoryArgs, now: DateTime<Utc>) -> Result<(Option<History>, Window)> {
    let path = crate::history::path_arg(h.history.as_ref());
    let since = match (&h.since, path) {
        (Some(s), _) => Some(time_or_age(s, now).context("--since")?),
        (None, Some(_)) => Some(now - Duration::days(DEFAULT_HISTORY_DAYS)),
        (None, None) => None,
    };
    let until = h
        .until
        .as_deref()
        .map(|u| time_or_age(u, now).context("--until"))
        .transpose()?;
    let window = Window { since, until };
    let history = path.map(|p| History::open(p, window)).transpose()?;
    Ok((history, window))
}

/// The pipeline hook of `--history`/`--since`/`--until` (None when none is given).
pub fn runs_hook<'a>(history: Option<&'a History>, window: Window) -> Option<Box<RunsHook<'a>>> {
    match history {
        Some(h) => Some(Box::new(move |host: Option<&str>, data: SyncData| {
            Ok(h.merge(host, data)?)
        })),
        None if window != Window::default() => {
            Some(Box::new(move |_: Option<&str>, mut data: SyncData| {
                data.runs.retain(|r| window.contains(r.start.or(r.end)));
                data.adr_runs.retain(|a| window.contains(a.start));
                Ok(data)
            }))
        }
        None => None,
    }
}

/// Scan `paths`, load the settings, reconstruct runs and compute the sync findings.
pub fn gather(
    paths: &[PathBuf],
    common: &CommonArgs,
    max_age: Option<&str>,
    now: Option<&str>,
    hist: &HistoryArgs,
    command: &str,
) -> Result<Gathered> {
    let now = match now {
        Some(n) => parse_time_arg(n).context("--now")?,
        None => Utc::now(),
    };
    let (history, window) = open_history(hist, now)?;
    let hook = runs_hook(history.as_ref(), window);
    let opts = PipelineOptions {
        common,
        max_age,
        staleness: true,
        now,
        runs_hook: hook.as_deref(),
    };
    let mut analysis = pipeline::run(paths, &opts)?;
    if let Some(h) = &history {
        analysis.report.history = Some(h.record(command, now, &analysis.report.findings)?);
    }
    let schedule = analysis
        .facts
        .get("config.sync.schedule_hours")
        .and_then(|f| f.value.as_int().map(|h| (h, f.source.to_string())));
    let options = FindingOptions::new(now, max_age, schedule).context("--max-age")?;
    let report = analysis.report;
    let facts = analysis.facts;
    let settings_given = analysis.settings_given;
    Ok(Gathered {
        report,
        facts,
        settings_given,
        options,
    })
}

pub fn run(a: SyncArgs) -> Result<u8> {
    let mut g = gather(
        &a.paths,
        &a.common,
        a.max_age.as_deref(),
        a.now.as_deref(),
        &a.history,
        "sync",
    )?;
    // `sync` reports on sync history; the log findings (whose ids are listed per run) belong to
    // `analyze` and `report`.
    g.report
        .findings
        .retain(|f| f.rule_id.starts_with("sync_") || super::inputs::is_input_finding(&f.rule_id));
    g.report.settings.clear();
    g.report.finish();
    let out = match a.format {
        SyncFormat::Terminal => report::sync_table::render(&g.report, use_color(a.common.color)),
        SyncFormat::Json => report::json::render(&g.report)?,
        SyncFormat::Ndjson => {
            let mut s = String::new();
            for r in &g.report.sync_runs {
                s.push_str(&serde_json::to_string(r)?);
                s.push('\n');
            }
            s
        }
        SyncFormat::Markdown => report::health::markdown_sync(&g.report),
        SyncFormat::Prometheus => report::prometheus::render(&g.report, g.options.now),
    };
    write_stdout(&out)?;
    Ok(super::inputs::exit_code(&g.report, a.common.fail_on))
}
