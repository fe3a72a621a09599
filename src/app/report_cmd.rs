//! `supdiag report`: the periodic health document (HTML, Markdown or JSON).
//!
//! Gathering (scan, settings, runs, findings) is [`super::sync_cmd::gather`]; [`render`] only
//! turns a finished `Report` plus the report extras into the document, so `analyze`'s findings
//! can be merged into the `Report` before rendering.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

use crate::cli::{ReportArgs, ReportFormat};
use crate::facts::FactStore;
use crate::report::health::{self, HealthDoc};
use crate::report::{html, Report};

use super::sync_cmd::gather;
use super::write_stdout;

/// Render the health document.
pub fn render(
    report: &Report,
    facts: &FactStore,
    settings_given: bool,
    generated: DateTime<Utc>,
    format: ReportFormat,
) -> Result<String> {
    let doc = HealthDoc::new(report, facts, settings_given, generated);
    match format {
        ReportFormat::Html => Ok(html::render(&doc)),
        ReportFormat::Markdown => Ok(health::render_markdown(&doc)),
        ReportFormat::Json => health::render_json(&doc),
    }
}

pub fn run(a: ReportArgs) -> Result<u8> {
    let g = gather(
        &a.paths,
        &a.common,
        a.max_age.as_deref(),
        a.now.as_deref(),
        &a.history,
        "report",
    )?;
    let out = render(
        &g.report,
        &g.facts,
        g.settings_given,
        g.options.now,
        a.format,
    )?;
    match &a.output {
        Some(p) => {
            std::fs::write(p, out.as_bytes()).with_context(|| format!("writing {}", p.display()))?
        }
        None => write_stdout(&out)?,
    }
    Ok(super::inputs::exit_code(&g.report, a.common.fail_on))
}
