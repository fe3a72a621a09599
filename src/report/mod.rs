//! Renderers: the only code that prints (terminal, json, ndjson, markdown, html).

pub mod checklist;
pub mod escape;
pub mod health;
pub mod html;
pub mod html_chart;
pub mod incidents_html;
pub mod json;
pub mod markdown;
pub mod message;
pub mod prometheus;
pub mod sync_table;
pub mod terminal;
pub mod verdict;
pub mod view;

use std::collections::BTreeMap;

use anyhow::Result;
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

/// Everything a renderer needs (docs/architecture.md §4).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub inputs: Vec<FileReport>,
    /// Every settings file read (named with `--settings` or found next to the logs): what it
    /// gave, and what in it was not used and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings_sources: Vec<crate::settings::SettingsSource>,
    /// Findings grouped by their likely root cause (`src/incidents.rs`).
    pub incidents: Vec<crate::incidents::Incident>,
    pub findings: Vec<Finding>,
    pub sync_runs: Vec<crate::sync::SyncRun>,
    pub adr_runs: Vec<crate::sync::AdrRun>,
    /// Sync figures (last success, success rate, …) when sync runs were reconstructed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_summary: Option<crate::sync::SyncSummary>,
    /// Health per host and site: last success, success rate, median and p95 duration, state.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sync_sites: Vec<crate::sync::sites::SiteHealth>,
    /// What `--history` holds and the period shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<crate::history::HistoryInfo>,
    /// Facts used (settings, observations, probes) with provenance, by key.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, Vec<SettingValue>>,
    /// Per-host figures in a fleet layout (`hosts/<name>/...`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<HostSummary>,
    pub summary: Summary,
    /// With no path on Windows: every place discovery looked (used, or not available and why).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<crate::discover::SourceStatus>,
    /// `precheck` checklist lines (pass/warn/fail/info/skipped); omitted by other commands.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<crate::precheck::Check>,
}

/// One value of a setting and where it came from.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SettingValue {
    pub value: serde_json::Value,
    pub source: String,
}

/// Figures per host in a fleet layout.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct HostSummary {
    pub host: String,
    pub files: usize,
    pub records: u64,
    pub error: u64,
    pub warning: u64,
    pub info: u64,
    pub success: u64,
}

/// The `settings` object of the report: every `config.*`, `observed.*`, `probe.*` and
/// `settings.*` fact with its sources (findings are reported as findings, not here).
pub fn settings_table(facts: &crate::facts::FactStore) -> BTreeMap<String, Vec<SettingValue>> {
    let mut out: BTreeMap<String, Vec<SettingValue>> = BTreeMap::new();
    for f in facts.iter() {
        if f.key.starts_with("finding.") || crate::sync::figures::is_figure(&f.key) {
            continue;
        }
        out.entry(f.key.clone()).or_default().push(SettingValue {
            value: f.value.to_json(),
            source: f.source.to_string(),
        });
    }
    out
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

/// Write the report to `w` in `format`; JSON and NDJSON are streamed, the others are small.
pub fn write_to(
    report: &Report,
    format: OutputFormat,
    color: bool,
    w: &mut dyn std::io::Write,
) -> Result<()> {
    match format {
        OutputFormat::Json => json::write(report, w),
        OutputFormat::Ndjson => json::write_ndjson(report, w),
        _ => {
            let s = render(report, format, color)?;
            w.write_all(s.as_bytes())?;
            Ok(())
        }
    }
}

pub fn render(report: &Report, format: OutputFormat, color: bool) -> Result<String> {
    match format {
        OutputFormat::Terminal => Ok(terminal::render(report, color)),
        OutputFormat::Json => json::render(report),
        OutputFormat::Ndjson => json::render_ndjson(report),
        OutputFormat::Markdown => Ok(markdown::render(report)),
        OutputFormat::Prometheus => Ok(prometheus::render(report, chrono::Utc::now())),
    }
}
