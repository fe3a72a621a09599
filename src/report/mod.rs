//! Renderers: the only code that prints (terminal, json, ndjson, markdown, html).

pub mod checklist;
pub mod escape;
pub mod json;
pub mod view;

use anyhow::{bail, Result};
use serde::Serialize;

use crate::cli::OutputFormat;
use crate::rules::Finding;
use crate::scan::FileReport;

pub const SCHEMA: &str = "supdiag.report/1";

/// Counts per severity.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub error: u64,
    pub warning: u64,
    pub info: u64,
    pub success: u64,
}

/// Everything a renderer needs (design §4).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub inputs: Vec<FileReport>,
    pub findings: Vec<Finding>,
    pub sync_runs: Vec<serde_json::Value>,
    pub summary: Summary,
    /// `precheck` checklist lines (pass/warn/fail/info/skipped); omitted by other commands.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<crate::precheck::Check>,
}

impl Report {
    /// Sort findings and compute the summary.
    pub fn finish(&mut self) {
        self.schema = SCHEMA;
        crate::rules::finding::sort_findings(&mut self.findings);
        let mut s = Summary::default();
        for f in &self.findings {
            match f.severity {
                crate::event::Severity::Error => s.error += 1,
                crate::event::Severity::Warning => s.warning += 1,
                crate::event::Severity::Info => s.info += 1,
                crate::event::Severity::Success => s.success += 1,
            }
        }
        self.summary = s;
    }
}

pub fn render(report: &Report, format: OutputFormat, _color: bool) -> Result<String> {
    match format {
        OutputFormat::Json => json::render(report),
        OutputFormat::Ndjson => json::render_ndjson(report),
        other => bail!("output format {other:?} is not available for this command"),
    }
}
