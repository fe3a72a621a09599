//! The periodic health report: its composition (verdict, settings rows, inputs read) shared by
//! the HTML, Markdown and JSON renderings, and the Markdown and JSON renderings themselves.
//! Markdown sticks to headings, lists, pipe tables and code spans so it renders in GitHub,
//! Azure DevOps and most ticket systems.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::escape::{markdown as md, markdown_cell, markdown_code as mdc, markdown_code_cell};
use super::sync_table::time;
use super::Report;
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

pub use super::verdict::{Verdict, VerdictDoc};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SettingRow {
    pub key: String,
    pub value: String,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputSpan<'a> {
    pub path: &'a str,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
}

/// Everything the three renderings show.
pub struct HealthDoc<'a> {
    pub report: &'a Report,
    pub generated: DateTime<Utc>,
    pub verdict: Verdict,
    /// What is wrong now, next steps, resolved problems.
    pub verdict_doc: VerdictDoc,
    pub settings_given: bool,
    pub settings: Vec<SettingRow>,
    pub spans: Vec<InputSpan<'a>>,
}

impl<'a> HealthDoc<'a> {
    pub fn new(
        report: &'a Report,
        facts: &FactStore,
        settings_given: bool,
        generated: DateTime<Utc>,
    ) -> Self {
        let verdict_doc = super::verdict::verdict(report);
        HealthDoc {
            report,
            generated,
            verdict: verdict_doc.verdict,
            verdict_doc,
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
                .map(|i| InputSpan {
                    path: &i.path,
                    first: i.span.first,
                    last: i.span.last,
                })
                .collect(),
        }
    }

    /// Time span of everything read (and of the runs shown, which `--history` may extend).
    pub fn overall_span(&self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let runs = &self.report.sync_runs;
        let first = self
            .spans
            .iter()
            .filter_map(|s| s.first)
            .chain(runs.iter().filter_map(|r| r.start))
            .min();
        let last = self
            .spans
            .iter()
            .filter_map(|s| s.last)
            .chain(runs.iter().filter_map(|r| r.end.or(r.start)))
            .max();
        (first, last)
    }

    /// `Software update sync health: site PS1 on CM01.contoso.com, 16 Nov – 20 Nov 2026`.
    pub fn title(&self) -> String {
        // First-seen order, each name once (sets, not searches: a fleet has thousands of hosts).
        let mut sites: Vec<&str> = Vec::new();
        let mut servers: Vec<&str> = Vec::new();
        let (mut site_seen, mut server_seen) = (HashSet::new(), HashSet::new());
        for s in &self.report.sync_sites {
            if let Some(x) = s.site.as_deref() {
                if site_seen.insert(x) {
                    sites.push(x);
                }
            }
            if let Some(x) = s.host.as_deref().or(s.site_server.as_deref()) {
                if server_seen.insert(x) {
                    servers.push(x);
                }
            }
        }
        for h in &self.report.hosts {
            if server_seen.insert(h.host.as_str()) {
                servers.push(&h.host);
            }
        }
        let mut t = "Software update sync health".to_string();
        if !sites.is_empty() {
            let s = if sites.len() == 1 { "site" } else { "sites" };
            t.push_str(&format!(": {s} {}", sites.join(", ")));
        }
        if !servers.is_empty() {
            t.push_str(if sites.is_empty() { ": " } else { " on " });
            t.push_str(&servers.join(", "));
        }
        if let (Some(a), Some(b)) = self.overall_span() {
            let fa = if a.format("%Y").to_string() == b.format("%Y").to_string() {
                a.format("%-d %b").to_string()
            } else {
                a.format("%-d %b %Y").to_string()
            };
            t.push_str(&format!(", {fa} – {}", b.format("%-d %b %Y")));
        }
        t
    }
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    #[serde(flatten)]
    report: &'a Report,
    generated: DateTime<Utc>,
    verdict: Verdict,
    verdict_reasons: &'a [String],
    next_steps: &'a [String],
    resolved: &'a [String],
    title: String,
    settings_given: bool,
    settings: &'a [SettingRow],
    input_spans: &'a [InputSpan<'a>],
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
        verdict_reasons: &doc.verdict_doc.current,
        next_steps: &doc.verdict_doc.next_steps,
        resolved: &doc.verdict_doc.resolved,
        title: doc.title(),
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
                let _ = writeln!(
                    out,
                    "  - `{}:{}` `{}`",
                    mdc(&e.file),
                    e.line,
                    mdc(super::message::of(&e.text))
                );
            }
        }
        out.push('\n');
    }
}

/// Verdict: what is wrong now, next steps, resolved problems.
pub fn markdown_verdict(out: &mut String, v: &VerdictDoc) {
    for r in &v.current {
        let _ = writeln!(out, "- {}", cell(r));
    }
    out.push('\n');
    if !v.next_steps.is_empty() {
        let _ = writeln!(out, "**Next steps**\n");
        for (i, s) in v.next_steps.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, cell(s));
        }
        out.push('\n');
    }
    if !v.resolved.is_empty() {
        let _ = writeln!(
            out,
            "**Resolved** (a later sync of the same host succeeded)\n"
        );
        for r in &v.resolved {
            let _ = writeln!(out, "- {}", cell(r));
        }
        out.push('\n');
    }
}

/// `8 runs stored back to 2026-11-16 02:00:01Z (3 invocations); showing 2026-10-22 12:00:00Z on`.
pub fn history_line(h: &crate::history::HistoryInfo) -> String {
    let mut s = format!(
        "History {}: {} sync run(s) and {} ADR run(s) stored for these hosts, going back to {} ({} invocation(s), {} run(s) added now)",
        h.file,
        h.stored_runs,
        h.stored_adr_runs,
        time(h.oldest_run),
        h.invocations,
        h.added_runs
    );
    match (h.since, h.until) {
        (Some(a), Some(b)) => {
            s.push_str(&format!("; showing {} to {}", time(Some(a)), time(Some(b))))
        }
        (Some(a), None) => s.push_str(&format!("; showing runs since {}", time(Some(a)))),
        (None, Some(b)) => s.push_str(&format!("; showing runs before {}", time(Some(b)))),
        (None, None) => {}
    }
    s
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "-".into(), |r| format!("{:.1}%", r * 100.0))
}

fn dur(d: Option<i64>) -> String {
    d.map_or_else(|| "-".into(), format_duration)
}

/// Per host and site: state, last success, rate, median and p95.
pub fn markdown_sites(out: &mut String, report: &Report) {
    if report.sync_sites.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "| Host | Site | State | Last success (UTC) | Since | Success rate | Median | p95 | Runs | Why |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
    for s in &report.sync_sites {
        let _ = writeln!(
            out,
            "| {} | {} | **{}** | {} | {} | {} | {} | {} | {} | {} |",
            cell(
                s.host
                    .as_deref()
                    .or(s.site_server.as_deref())
                    .unwrap_or("-")
            ),
            cell(s.site.as_deref().unwrap_or("-")),
            s.state.as_str(),
            time(s.last_success),
            dur(s.since_last_success_seconds),
            pct(s.success_rate),
            dur(s.median_duration_seconds),
            dur(s.p95_duration_seconds),
            s.runs,
            cell(&s.state_reason)
        );
    }
    out.push('\n');
    let trends: Vec<_> = report
        .sync_sites
        .iter()
        .filter(|s| !s.weekly.is_empty())
        .collect();
    if !trends.is_empty() {
        let _ = writeln!(out, "Weekly trend:\n");
        let _ = writeln!(
            out,
            "| Host | Site | Week of | Finished runs | Success rate | Median duration |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for s in trends {
            for w in &s.weekly {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    cell(s.host.as_deref().unwrap_or("-")),
                    cell(s.site.as_deref().unwrap_or("-")),
                    w.week_start,
                    w.runs,
                    pct(w.success_rate),
                    dur(w.median_duration_seconds)
                );
            }
        }
        out.push('\n');
    }
}

/// Sync summary, run table and ADR table (also the whole of `supdiag sync --format markdown`).
pub fn markdown_sync_sections(out: &mut String, report: &Report) {
    let _ = writeln!(out, "## Sync history\n");
    if let Some(h) = &report.history {
        let _ = writeln!(out, "{}\n", cell(&history_line(h)));
    }
    markdown_sites(out, report);
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
        // Several hosts or sites: their own last success is in the table above, never one
        // figure over all of them.
        if report.sync_sites.len() <= 1 {
            let _ = writeln!(out, "- Last success: {}{since}", time(s.last_success));
        }
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
        let fleet = report.sync_runs.iter().any(|r| r.host.is_some());
        let _ = writeln!(
            out,
            "| {}Site | Start (UTC) | End (UTC) | Duration | Result | Trigger | Updates | Error |",
            if fleet { "Host | " } else { "" }
        );
        let _ = writeln!(
            out,
            "|{}---|---|---|---|---|---|---|---|",
            if fleet { "---|" } else { "" }
        );
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
            let host = if fleet {
                format!("| {} ", cell(r.host.as_deref().unwrap_or("-")))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{host}| {} | {} | {} | {} | {} | {} | {} | {} |",
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
    let _ = writeln!(out, "# {}\n", cell(&doc.title()));
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
    markdown_verdict(&mut out, &doc.verdict_doc);
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
            None => cell(i.encoding),
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
