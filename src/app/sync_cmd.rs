//! `supdiag sync`: reconstruct sync and ADR runs, summarise them, report staleness.
//!
//! [`gather`] (scan + settings + runs + sync findings) is shared with `supdiag report`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::Utc;

use crate::cli::{CommonArgs, SyncArgs, SyncFormat};
use crate::facts::FactStore;
use crate::report::{self, Report};
use crate::sync::FindingOptions;

use super::pipeline::{self, PipelineOptions};
use super::view::parse_time_arg;
use super::{use_color, write_stdout};

pub use crate::report::health::FileSpan;

/// Everything `sync` and `report` render.
pub struct Gathered {
    pub report: Report,
    pub facts: FactStore,
    pub settings_given: bool,
    pub spans: BTreeMap<String, FileSpan>,
    pub options: FindingOptions,
}

/// Scan `paths`, load the settings, reconstruct runs and compute the sync findings.
pub fn gather(
    paths: &[PathBuf],
    common: &CommonArgs,
    max_age: Option<&str>,
    now: Option<&str>,
) -> Result<Gathered> {
    let now = match now {
        Some(n) => parse_time_arg(n).context("--now")?,
        None => Utc::now(),
    };
    let opts = PipelineOptions {
        common,
        max_age,
        staleness: true,
        now,
    };
    let analysis = pipeline::run(paths, &opts)?;
    let schedule = analysis
        .facts
        .get("config.sync.schedule_hours")
        .and_then(|f| f.value.as_int().map(|h| (h, f.source.to_string())));
    let options = FindingOptions::new(now, max_age, schedule).context("--max-age")?;
    let report = analysis.report;
    let facts = analysis.facts;
    let settings_given = analysis.settings_given;
    let spans = analysis.spans;
    Ok(Gathered {
        report,
        facts,
        settings_given,
        spans,
        options,
    })
}

pub fn run(a: SyncArgs) -> Result<u8> {
    let mut g = gather(&a.paths, &a.common, a.max_age.as_deref(), a.now.as_deref())?;
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
    };
    write_stdout(&out)?;
    Ok(super::inputs::exit_code(&g.report, a.common.fail_on))
}
