//! HTML health report: one self-contained file (inline CSS and SVG; no scripts, fonts or images
//! from anywhere), readable on paper (print CSS; results told apart by pattern and letter, not
//! only colour). Rendered with maud, which escapes every inserted string: log- and
//! settings-derived text cannot become markup. The only raw inserts are the constant CSS.
//!
//! Size stays bounded with any number of runs: the chart aggregates (see [`super::html_chart`])
//! and the run table shows the latest [`MAX_TABLE_RUNS`] runs (the JSON report has them all).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::health::{history_line, HealthDoc};
use super::html_chart::chart;
use super::message;
use super::sync_table::time;
use crate::event::Severity;
use crate::rules::Finding;
use crate::sync::stats::format_duration;
use crate::sync::{AdrResult, SyncRun};

/// Runs listed in the run table (the latest ones).
pub const MAX_TABLE_RUNS: usize = 200;
/// ADR runs listed (the latest ones).
const MAX_TABLE_ADR: usize = 200;
/// Hosts and sites that get a chart of their own; beyond, the table says it all.
const MAX_CHARTS: usize = 24;

const CSS: &str = r#"
:root { --ok:#2e7d32; --bad:#c62828; --warn:#ef6c00; --run:#1565c0; --ink:#1b1b1b; --muted:#5f6368; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); margin: 24px auto; max-width: 1180px; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; border-bottom: 2px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 15px; margin: 16px 0 4px; }
.meta { color: var(--muted); }
.verdict { border: 2px solid; border-radius: 6px; padding: 10px 14px; margin: 16px 0; }
.verdict strong { font-size: 18px; letter-spacing: .04em; }
.v-healthy { border-color: var(--ok); background: #e8f5e9; } .v-attention { border-color: var(--warn); background: #fff3e0; } .v-failing { border-color: var(--bad); background: #ffebee; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f1f3f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, Consolas, "Liberation Mono", monospace; font-size: 12px; overflow-wrap: anywhere; }
.path { overflow-wrap: normal; word-break: normal; }
.st-healthy { color: var(--ok); font-weight: 600; } .st-attention { color: var(--warn); font-weight: 600; } .st-failing { color: var(--bad); font-weight: 600; }
.verdict ol { margin: 4px 0 0; } .verdict h3 { margin: 10px 0 2px; }
.resolved { color: var(--muted); }
h3.site { margin-top: 20px; }
.sev { display: inline-block; min-width: 64px; font-weight: 600; text-transform: uppercase; font-size: 12px; }
.sev-error, .r-failed { color: var(--bad); } .sev-warning, .r-interrupted { color: var(--warn); } .sev-info, .r-running { color: var(--run); } .sev-success, .r-success { color: var(--ok); }
.r-failed, .r-interrupted { font-weight: 600; }
.finding { border-left: 4px solid #ccc; padding: 2px 0 2px 12px; margin: 12px 0; }
.finding.sev-error { border-color: var(--bad); } .finding.sev-warning { border-color: var(--warn); } .finding.sev-info { border-color: var(--run); }
.finding { color: var(--ink); }
.figures { display: flex; flex-wrap: wrap; gap: 8px 24px; margin: 8px 0 12px; padding: 0; list-style: none; }
.figures b { display: block; font-size: 17px; }
svg { max-width: 100%; height: auto; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; } .finding, tr, svg { break-inside: avoid; }
  .verdict, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn sev_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "sev-error",
        Severity::Warning => "sev-warning",
        Severity::Info => "sev-info",
        Severity::Success => "sev-success",
    }
}

fn opt_num(v: Option<u64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn dur(d: Option<i64>) -> String {
    d.map_or_else(|| "-".into(), format_duration)
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "-".into(), |r| format!("{:.1}%", r * 100.0))
}

/// A path that wraps only after `\` or `/`.
fn path(p: &str) -> Markup {
    html! { @for part in message::path_parts(p) { (part) wbr; } }
}

/// Findings, most severe first; evidence shows the message, not the raw trailer.
pub fn findings_html(findings: &[Finding]) -> Markup {
    html! {
        section {
            h2 { "Findings" }
            @if findings.is_empty() { p { "No findings." } }
            @for f in findings {
                @let c = sev_class(f.severity);
                div class=(format!("finding {c}")) {
                    h3 {
                        span class=(format!("sev {c}")) { (f.severity.as_str()) } " "
                        @if let Some(h) = &f.host { (h) ": " }
                        code { (f.rule_id) } " " (f.title)
                    }
                    p.meta {
                        "seen " (f.count) " time(s), first " (time(f.first_seen)) ", last " (time(f.last_seen))
                        @if !f.codes.is_empty() { ", codes " (f.codes.join(", ")) }
                    }
                    p { b { "Cause:" } " " (f.cause) }
                    p { b { "Fix:" } " " (f.fix) }
                    @if !f.settings.is_empty() {
                        p { b { "Settings:" } " "
                            @for s in &f.settings {
                                code { (s.key) } " = " (s.value.to_string()) " (" (s.source.as_deref().unwrap_or("not given")) ") "
                            }
                        }
                    }
                    @if !f.evidence.is_empty() {
                        table {
                            tr { th { "Where" } th { "Message" } }
                            @for e in &f.evidence {
                                tr {
                                    td.mono.path { (path(&e.file)) @if e.line > 0 { ":" (e.line) } }
                                    td.mono { (message::of(&e.text)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn sites_table(doc: &HealthDoc<'_>) -> Markup {
    let sites = &doc.report.sync_sites;
    html! {
        @if !sites.is_empty() {
            table {
                tr {
                    th { "Host" } th { "Site" } th { "State" } th { "Last success (UTC)" } th { "Since" }
                    th { "Success rate" } th { "Median" } th { "p95" } th { "Runs" } th { "Why" }
                }
                @for s in sites {
                    tr {
                        td { (s.host.as_deref().or(s.site_server.as_deref()).unwrap_or("-")) }
                        td { (s.site.as_deref().unwrap_or("-")) }
                        td class=(format!("st-{}", s.state.as_str())) { (s.state.as_str()) }
                        td { (time(s.last_success)) }
                        td.num { (dur(s.since_last_success_seconds)) }
                        td.num { (pct(s.success_rate)) " (" (s.success) "/" (s.success + s.failed + s.interrupted) ")" }
                        td.num { (dur(s.median_duration_seconds)) }
                        td.num { (dur(s.p95_duration_seconds)) }
                        td.num { (s.runs) }
                        td { (s.state_reason) }
                    }
                }
            }
            @let trends: Vec<_> = sites.iter().filter(|s| !s.weekly.is_empty()).collect();
            @if !trends.is_empty() {
                h3 { "Weekly trend" }
                table {
                    tr { th { "Host" } th { "Site" } th { "Week of" } th { "Finished runs" } th { "Success rate" } th { "Median duration" } }
                    @for s in &trends {
                        @for w in &s.weekly {
                            tr {
                                td { (s.host.as_deref().unwrap_or("-")) }
                                td { (s.site.as_deref().unwrap_or("-")) }
                                td { (w.week_start) }
                                td.num { (w.runs) }
                                td.num { (pct(w.success_rate)) }
                                td.num { (dur(w.median_duration_seconds)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One chart per host and site (runs of different hosts are never drawn as one series).
fn charts(doc: &HealthDoc<'_>) -> Markup {
    let runs = &doc.report.sync_runs;
    type Key<'a> = (Option<&'a str>, Option<&'a str>);
    let mut by_key: BTreeMap<Key<'_>, Vec<&SyncRun>> = BTreeMap::new();
    for r in runs {
        by_key
            .entry((r.host.as_deref(), r.site.as_deref()))
            .or_default()
            .push(r);
    }
    let groups: Vec<(Key<'_>, Vec<&SyncRun>)> = by_key.into_iter().collect();
    let now = doc.generated;
    let from = runs.iter().filter_map(|r| r.start).min();
    html! {
        @if groups.len() == 1 {
            (chart(&groups[0].1, None, now, "Sync runs over time"))
        } @else {
            @for ((host, site), g) in groups.iter().take(MAX_CHARTS) {
                @let label = match (host, site) {
                    (Some(h), Some(s)) => format!("{h} · site {s}"),
                    (Some(h), None) => h.to_string(),
                    (None, Some(s)) => format!("site {s}"),
                    (None, None) => "unknown site".into(),
                };
                h3.site { (label) " — " (g.len()) " run(s)" }
                (chart(g, from, now, &label))
            }
            @if groups.len() > MAX_CHARTS {
                p.meta { (groups.len() - MAX_CHARTS) " more host(s) and site(s): see the table above." }
            }
        }
    }
}

fn runs_table(runs: &[SyncRun]) -> Markup {
    let fleet = runs.iter().any(|r| r.host.is_some());
    let skip = runs.len().saturating_sub(MAX_TABLE_RUNS);
    html! {
        @if skip > 0 {
            p.meta { "The latest " (MAX_TABLE_RUNS) " of " (runs.len()) " runs; the JSON report (" code { "--format json" } ") has every run." }
        }
        table {
            tr {
                @if fleet { th { "Host" } }
                th { "Site" } th { "Start (UTC)" } th { "End (UTC)" } th { "Duration" } th { "Result" }
                th { "Trigger" } th { "Updates" } th { "Sync source" } th { "Error" }
            }
            @for r in &runs[skip..] {
                tr {
                    @if fleet { td { (r.host.as_deref().unwrap_or("-")) } }
                    td { (r.site.as_deref().unwrap_or("-")) }
                    td { (time(r.start)) }
                    td { (time(r.end)) }
                    td.num { (dur(r.duration_seconds)) }
                    td class=(format!("r-{}", r.result.as_str())) { (r.result.as_str()) }
                    td { (r.trigger.as_str()) @if r.retry_of_failed { " (after failure)" } }
                    td.num { (opt_num(r.updates_processed)) }
                    td { (r.server.as_deref().unwrap_or("-")) }
                    td {
                        @if let Some(i) = &r.interrupted_by { (i) }
                        @else {
                            (r.error.as_deref().unwrap_or(""))
                            @if let Some(c) = &r.error_code { " " code { (c) } }
                        }
                    }
                }
            }
        }
    }
}

fn adr_table(doc: &HealthDoc<'_>) -> Markup {
    let adr = &doc.report.adr_runs;
    let skip = adr.len().saturating_sub(MAX_TABLE_ADR);
    html! {
        section {
            h2 { "ADR runs" }
            @if adr.is_empty() {
                p { "No ADR runs found (no ruleengine.log among the inputs)." }
            } @else {
                @if skip > 0 { p.meta { "The latest " (MAX_TABLE_ADR) " of " (adr.len()) " ADR runs." } }
                table {
                    tr { th { "Rule" } th { "Start (UTC)" } th { "Result" } th { "Found" } th { "Downloaded" } th { "Skipped" } th { "Failed" } th { "Package" } th { "Error" } }
                    @for a in &adr[skip..] {
                        @let cls = match a.result {
                            AdrResult::Success => "r-success",
                            AdrResult::Failed => "r-failed",
                            AdrResult::Running => "r-running",
                        };
                        tr {
                            td { @if let Some(h) = &a.host { (h) ": " } (a.rule_id) " " (a.rule_name) }
                            td { (time(a.start)) }
                            td class=(cls) { (a.result.as_str()) }
                            td.num { (opt_num(a.updates_found)) }
                            td.num { (opt_num(a.downloaded)) }
                            td.num { (a.skipped) }
                            td.num { (a.failed) }
                            td { (a.package.as_deref().unwrap_or("-")) }
                            td { (a.error.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    }
}

fn sync_section(doc: &HealthDoc<'_>) -> Markup {
    let report = doc.report;
    html! {
        section {
            h2 { "Sync history" }
            @if let Some(h) = &report.history { p.meta { (history_line(h)) } }
            (sites_table(doc))
            // Several hosts or sites: the table above has their own figures, never one over all.
            @if let (Some(s), true) = (&report.sync_summary, report.sync_sites.len() <= 1) {
                ul.figures {
                    li { "Last success" b { (time(s.last_success)) }
                        (s.since_last_success_seconds.map(|x| format!("{} ago", format_duration(x))).unwrap_or_else(|| "never".into())) }
                    li { "Success rate" b { (pct(s.success_rate)) } (s.success) " of " (s.runs) " runs" }
                    li { "Median duration" b { (dur(s.median_duration_seconds)) } "successful runs" }
                    li { "Slowest" b { (s.slowest.as_ref().map(|x| format_duration(x.duration_seconds)).unwrap_or_else(|| "-".into())) }
                        (s.slowest.as_ref().map(|x| format!("started {}", time(x.start))).unwrap_or_default()) }
                    li { "Longest failure streak" b { (s.longest_failure_streak) } "consecutive failed runs" }
                }
            }
            @if report.sync_runs.is_empty() {
                p { "No sync runs found." }
            } @else {
                (charts(doc))
                (runs_table(&report.sync_runs))
            }
        }
        (adr_table(doc))
    }
}

fn verdict_box(doc: &HealthDoc<'_>) -> Markup {
    let v = &doc.verdict_doc;
    html! {
        div class=(format!("verdict v-{}", v.verdict.as_str())) {
            strong { "Verdict: " (v.verdict.as_str().to_ascii_uppercase()) }
            ul { @for r in &v.current { li { (r) } } }
            @if !v.next_steps.is_empty() {
                h3 { "Next steps" }
                ol { @for s in &v.next_steps { li { (s) } } }
            }
        }
        @if !v.resolved.is_empty() {
            section.resolved {
                h3 { "Resolved (a later sync of the same host succeeded)" }
                ul { @for r in &v.resolved { li { (r) } } }
            }
        }
    }
}

fn meta_line(
    doc: &HealthDoc<'_>,
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
) -> Markup {
    html! {
        p.meta {
            "Generated " (time(Some(doc.generated))) " by supdiag from " (doc.report.inputs.len())
            " file(s) covering " (time(first)) " to " (time(last)) "."
        }
    }
}

pub fn render(doc: &HealthDoc<'_>) -> String {
    let (first, last) = doc.overall_span();
    let title = doc.title();
    let last_ok = super::verdict::last_success_by_host(doc.report);
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { (title) }
                (meta_line(doc, first, last))
                (verdict_box(doc))
                // Incidents (findings grouped by root cause): their section escapes its own text.
                (PreEscaped(super::incidents_html::section(&doc.report.incidents, &|i| {
                    super::verdict::resolved_at(&last_ok, i.host.as_deref(), i.last_seen)
                })))
                // History first: the chart is what a weekly reader looks at; the findings follow.
                (sync_section(doc))
                (findings_html(&doc.report.findings))
                section {
                    h2 { "Settings" }
                    @if doc.settings.is_empty() {
                        p {
                            @if doc.settings_given { "The settings given held no readable values." }
                            @else { "No settings given (use " code { "--settings FILE" } ")." }
                        }
                    } @else {
                        table {
                            tr { th { "Setting" } th { "Value" } th { "Source" } }
                            @for s in &doc.settings {
                                tr { td.mono { (s.key) } td { (s.value) } td.mono.path { (path(&s.source)) } }
                            }
                        }
                    }
                }
                section {
                    h2 { "What was read" }
                    table {
                        tr { th { "File" } th { "Kind" } th { "Format" } th { "Encoding" } th { "Records" } th { "Unparsed lines" } th { "First (UTC)" } th { "Last (UTC)" } }
                        @for (i, s) in doc.report.inputs.iter().zip(&doc.spans) {
                            tr {
                                td.mono.path { (path(&i.path)) }
                                td { (i.kind) }
                                td { (i.format) }
                                td { @if let Some(e) = &i.error { "unreadable: " (e) } @else { (i.encoding) } }
                                td.num { (i.records) }
                                td.num { (i.unparsed_lines) }
                                td { (time(s.first)) }
                                td { (time(s.last)) }
                            }
                        }
                    }
                }
            }
        }
    };
    let mut s = controls_as_references(page.into_string());
    s.push('\n');
    s
}

/// maud escapes markup characters; control characters from logs (ESC, NUL, ...) are not markup
/// but have no place in a document either: they become numeric references, as text.
fn controls_as_references(s: String) -> String {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 64);
    for c in s.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&format!("&#x{:x};", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}
