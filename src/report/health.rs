//! The periodic health report: its composition (verdict, settings rows, inputs read) shared by
//! the HTML, Markdown and JSON renderings, and the Markdown and JSON renderings themselves.
//! Markdown sticks to headings, lists, pipe tables and code spans so it renders in GitHub,
//! Azure DevOps and most ticket systems.

use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::escape::{markdown as md, markdown_cell, markdown_code as mdc, markdown_code_cell};
use super::sync_table::time;
use super::Report;
use crate::event::Severity;
use crate::facts::FactStore;
use crate::rules::Finding;
use crate::sync::stats::format_duration;
use crate::sync::{AdrResult, RunResult};

/// First and last record time of one input file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FileSpan {
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
}

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

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SettingRow {
    pub key: String,
    pub value: String,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputSpan {
    pub path: String,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
}

/// Everything the three renderings show.
pub struct HealthDoc<'a> {
    pub report: &'a Report,
    pub generated: DateTime<Utc>,
    pub verdict: Verdict,
    pub reasons: Vec<String>,
    pub settings_given: bool,
    pub settings: Vec<SettingRow>,
    pub spans: Vec<InputSpan>,
}

impl<'a> HealthDoc<'a> {
    pub fn new(
        report: &'a Report,
        facts: &FactStore,
        settings_given: bool,
        spans: &BTreeMap<String, FileSpan>,
        generated: DateTime<Utc>,
    ) -> Self {
        let (verdict, reasons) = verdict(report);
        HealthDoc {
            report,
            generated,
            verdict,
            reasons,
            settings_given,
            settings: facts
                .with_prefix("config.")
                .map(|f| SettingRow {
                    key: f.key.clone(),
                    value: f.value.to_string(),
                    source: f.source.to_string(),
                })
                .collect(),
            spans: report
                .inputs
                .iter()
                .map(|i| {
                    let s = spans.get(&i.path).cloned().unwrap_or_default();
                    InputSpan {
                        path: i.path.clone(),
                        first: s.first,
                        last: s.last,
                    }
                })
                .collect(),
        }
    }

    /// Time span of everything read.
    pub fn overall_span(&self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        (
            self.spans.iter().filter_map(|s| s.first).min(),
            self.spans.iter().filter_map(|s| s.last).max(),
        )
    }
}

/// failing: an error finding still current (last seen after the last successful sync, or no
/// success in the logs), or the latest run of a site failed; attention: a warning finding, an
/// error that a later successful sync left behind, a failed or interrupted run or a failed ADR
/// in the period, or no sync run at all; healthy otherwise.
pub fn verdict(report: &Report) -> (Verdict, Vec<String>) {
    let mut failing = Vec::new();
    let mut attention = Vec::new();
    let last_success = report
        .sync_runs
        .iter()
        .filter(|r| r.result == RunResult::Success)
        .filter_map(|r| r.end.or(r.start))
        .max();
    for f in &report.findings {
        match f.severity {
            Severity::Error => {
                let resolved =
                    matches!((last_success, f.last_seen), (Some(ok), Some(seen)) if seen < ok);
                if resolved {
                    attention.push(format!(
                        "{}: {} (before the last successful sync)",
                        f.rule_id, f.title
                    ));
                } else {
                    failing.push(format!("{}: {}", f.rule_id, f.title));
                }
            }
            Severity::Warning => attention.push(format!("{}: {}", f.rule_id, f.title)),
            _ => {}
        }
    }
    let mut latest: BTreeMap<Option<&str>, &crate::sync::SyncRun> = BTreeMap::new();
    for r in &report.sync_runs {
        if r.result != RunResult::Running {
            latest.insert(r.site.as_deref(), r);
        }
    }
    for (site, r) in latest {
        if r.result == RunResult::Failed {
            failing.push(format!(
                "the latest sync of site {} failed",
                site.unwrap_or("?")
            ));
        }
    }
    let bad = report
        .sync_runs
        .iter()
        .filter(|r| matches!(r.result, RunResult::Failed | RunResult::Interrupted))
        .count();
    if bad > 0 {
        attention.push(format!(
            "{bad} sync run(s) failed or were interrupted in the period"
        ));
    }
    let adr_failed = report
        .adr_runs
        .iter()
        .filter(|a| a.result == AdrResult::Failed)
        .count();
    if adr_failed > 0 {
        attention.push(format!("{adr_failed} ADR run(s) failed"));
    }
    if report.sync_runs.is_empty() {
        attention.push("no sync run found in the logs (is wsyncmgr.log among them?)".into());
    }
    if !failing.is_empty() {
        failing.extend(attention);
        (Verdict::Failing, failing)
    } else if !attention.is_empty() {
        (Verdict::Attention, attention)
    } else {
        (
            Verdict::Healthy,
            vec!["sync runs succeeded and no problem was found".into()],
        )
    }
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    #[serde(flatten)]
    report: &'a Report,
    generated: DateTime<Utc>,
    verdict: Verdict,
    verdict_reasons: &'a [String],
    settings_given: bool,
    settings: &'a [SettingRow],
    input_spans: &'a [InputSpan],
}

pub fn render_json(doc: &HealthDoc<'_>) -> Result<String> {
    // The document's `settings` are the rows of its table; the report's map of the same facts
    // would be a second `settings` key in the one object.
    let report;
    let report_ref = if doc.report.settings.is_empty() {
        doc.report
    } else {
        report = Report {
            settings: BTreeMap::new(),
            ..doc.report.clone()
        };
        &report
    };
    let j = JsonDoc {
        report: report_ref,
        generated: doc.generated,
        verdict: doc.verdict,
        verdict_reasons: &doc.reasons,
        settings_given: doc.settings_given,
        settings: &doc.settings,
        input_spans: &doc.spans,
    };
    let mut s = serde_json::to_string_pretty(&j)?;
    s.push('\n');
    Ok(s)
}

fn cell(s: &str) -> String {
    markdown_cell(s)
}

/// Findings, most severe first (the lead's `markdown.rs` may replace this section).
pub fn markdown_findings(out: &mut String, findings: &[Finding]) {
    let _ = writeln!(out, "## Findings\n");
    if findings.is_empty() {
        let _ = writeln!(out, "No findings.\n");
        return;
    }
    for f in findings {
        let _ = writeln!(
            out,
            "### {} `{}`: {}\n",
            f.severity.as_str().to_ascii_uppercase(),
            mdc(&f.rule_id),
            md(&f.title)
        );
        let _ = writeln!(
            out,
            "- Seen {} time(s), first {}, last {}",
            f.count,
            time(f.first_seen),
            time(f.last_seen)
        );
        if !f.codes.is_empty() {
            let codes: Vec<String> = f.codes.iter().map(|c| format!("`{}`", mdc(c))).collect();
            let _ = writeln!(out, "- Codes: {}", codes.join(", "));
        }
        let _ = writeln!(out, "- **Cause:** {}", md(&f.cause));
        let _ = writeln!(out, "- **Fix:** {}", md(&f.fix));
        for s in &f.settings {
            let _ = writeln!(
                out,
                "- Setting `{}` = {} ({})",
                mdc(&s.key),
                md(&s.value.to_string()),
                md(s.source.as_deref().unwrap_or("not given"))
            );
        }
        if !f.evidence.is_empty() {
            let _ = writeln!(out, "- Evidence:");
            for e in &f.evidence {
                let _ = writeln!(out, "  - `{}:{}` `{}`", mdc(&e.file), e.line, mdc(&e.text));
            }
        }
        out.push('\n');
    }
}

/// Sync summary, run table and ADR table (also the whole of `supdiag sync --format markdown`).
pub fn markdown_sync_sections(out: &mut String, report: &Report) {
    let _ = writeln!(out, "## Sync history\n");
    if let Some(s) = &report.sync_summary {
        let _ = writeln!(
            out,
            "- Runs: {} ({} success, {} failed, {} interrupted, {} running)",
            s.runs, s.success, s.failed, s.interrupted, s.running
        );
        let since = s
            .since_last_success_seconds
            .map(|x| format!(", {} before {}", format_duration(x), time(Some(s.now))))
            .unwrap_or_default();
        let _ = writeln!(out, "- Last success: {}{since}", time(s.last_success));
        if let Some(r) = s.success_rate {
            let _ = writeln!(out, "- Success rate: {:.1}%", r * 100.0);
        }
        if let Some(m) = s.median_duration_seconds {
            let _ = writeln!(
                out,
                "- Median duration (successful runs): {}",
                format_duration(m)
            );
        }
        if let Some(sl) = &s.slowest {
            let _ = writeln!(
                out,
                "- Slowest run: {}, started {}",
                format_duration(sl.duration_seconds),
                time(sl.start)
            );
        }
        let _ = writeln!(
            out,
            "- Longest failure streak: {}\n",
            s.longest_failure_streak
        );
    }
    if report.sync_runs.is_empty() {
        let _ = writeln!(out, "No sync runs found.\n");
    } else {
        let _ = writeln!(
            out,
            "| Site | Start (UTC) | End (UTC) | Duration | Result | Trigger | Updates | Error |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
        for r in &report.sync_runs {
            let result = match r.result {
                RunResult::Success => "success".to_string(),
                other => format!("**{}**", other.as_str()),
            };
            let mut trig = r.trigger.as_str().to_string();
            if r.retry_of_failed {
                trig.push_str(" (after failure)");
            }
            let mut err = r.error.as_deref().map(cell).unwrap_or_default();
            if let Some(c) = &r.error_code {
                err = format!("{err} `{}`", markdown_code_cell(c));
            }
            if let Some(i) = &r.interrupted_by {
                err = cell(i);
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(r.site.as_deref().unwrap_or("-")),
                time(r.start),
                time(r.end),
                r.duration_seconds
                    .map(format_duration)
                    .unwrap_or_else(|| "-".into()),
                result,
                cell(&trig),
                r.updates_processed
                    .map(|u| u.to_string())
                    .unwrap_or_else(|| "-".into()),
                err.trim()
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## ADR runs\n");
    if report.adr_runs.is_empty() {
        let _ = writeln!(
            out,
            "No ADR runs found (no ruleengine.log among the inputs).\n"
        );
        return;
    }
    let _ = writeln!(
        out,
        "| Rule | Start (UTC) | Result | Found | Downloaded | Skipped | Failed | Error |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    let num = |v: Option<u64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
    for a in &report.adr_runs {
        let result = match a.result {
            AdrResult::Success => "success".to_string(),
            other => format!("**{}**", other.as_str()),
        };
        let _ = writeln!(
            out,
            "| {} {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&a.rule_id),
            cell(&a.rule_name),
            time(a.start),
            result,
            num(a.updates_found),
            num(a.downloaded),
            a.skipped,
            a.failed,
            a.error.as_deref().map(cell).unwrap_or_default()
        );
    }
    out.push('\n');
}

/// `supdiag sync --format markdown`.
pub fn markdown_sync(report: &Report) -> String {
    let mut out = String::new();
    markdown_sync_sections(&mut out, report);
    markdown_findings(&mut out, &report.findings);
    out
}

pub fn render_markdown(doc: &HealthDoc<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Software update sync health report\n");
    let (first, last) = doc.overall_span();
    let _ = writeln!(
        out,
        "Generated {} from {} file(s) covering {} to {}.\n",
        time(Some(doc.generated)),
        doc.report.inputs.len(),
        time(first),
        time(last)
    );
    let _ = writeln!(
        out,
        "**Verdict: {}**\n",
        doc.verdict.as_str().to_ascii_uppercase()
    );
    for r in &doc.reasons {
        let _ = writeln!(out, "- {}", cell(r));
    }
    out.push('\n');
    out.push_str(&super::markdown::incidents_section(&doc.report.incidents));
    markdown_findings(&mut out, &doc.report.findings);
    markdown_sync_sections(&mut out, doc.report);
    let _ = writeln!(out, "## Settings\n");
    if doc.settings.is_empty() {
        let _ = writeln!(
            out,
            "{}\n",
            if doc.settings_given {
                "The settings given held no readable values."
            } else {
                "No settings given (use `--settings FILE`)."
            }
        );
    } else {
        let _ = writeln!(out, "| Setting | Value | Source |\n|---|---|---|");
        for s in &doc.settings {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                markdown_code_cell(&s.key),
                cell(&s.value),
                cell(&s.source)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## What was read\n");
    let _ = writeln!(
        out,
        "| File | Kind | Format | Encoding | Records | Unparsed lines | First (UTC) | Last (UTC) |\n|---|---|---|---|---|---|---|---|"
    );
    for (i, s) in doc.report.inputs.iter().zip(&doc.spans) {
        let enc = match &i.error {
            Some(e) => format!("unreadable: {}", cell(e)),
            None => cell(&i.encoding),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
            markdown_code_cell(&i.path),
            i.kind,
            i.format,
            enc,
            i.records,
            i.unparsed_lines,
            time(s.first),
            time(s.last)
        );
    }
    out
}
