//! `supdiag analyze`: scan logs, apply rules, correlate with settings, render findings.

use std::io::Write;

use anyhow::{Context, Result};
use chrono::Utc;

use crate::cli::AnalyzeArgs;
use crate::report;

use super::pipeline::{self, PipelineOptions};
use super::use_color;

pub fn run(a: AnalyzeArgs) -> Result<u8> {
    let now = Utc::now();
    let (history, window) = super::sync_cmd::open_history(&a.history, now)?;
    let hook = super::sync_cmd::runs_hook(history.as_ref(), window);
    let opts = PipelineOptions {
        common: &a.common,
        max_age: a.max_age.as_deref(),
        staleness: a.max_age.is_some(),
        now,
        runs_hook: hook.as_deref(),
    };
    let analysis = pipeline::run(&a.paths, &opts)?;
    let mut report = analysis.report;
    if let Some(h) = &history {
        report.history = Some(h.record("analyze", now, &report.findings)?);
    }
    // The sync figures are relative to "now" (time since the last success); analyze output must
    // be identical run to run, so they stay with `sync`/`report` unless --max-age asks for them.
    // The same holds for the per-site health (time since the last success, state), except in
    // metrics, which are about "now" by nature.
    if a.max_age.is_none() && a.format != crate::cli::OutputFormat::Prometheus {
        report.sync_summary = None;
        report.sync_sites.clear();
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    report::write_to(&report, a.format, use_color(a.common.color), &mut out)
        .and_then(|()| Ok(out.flush()?))
        .context("writing output")?;
    Ok(super::inputs::exit_code(&report, a.common.fail_on))
}
