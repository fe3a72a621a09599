//! Terminal rendering of `supdiag sync`: one row per run, the summary figures, ADR runs and the
//! sync findings. Colour only when asked; every log-derived text goes through
//! [`escape::terminal`].

use std::fmt::Write;

use chrono::{DateTime, Utc};
use owo_colors::OwoColorize;

use super::escape;
use super::Report;
use crate::event::Severity;
use crate::sync::sites::State;
use crate::sync::stats::format_duration;
use crate::sync::{AdrResult, RunResult};

/// Longest error text shown in a table cell (the JSON has all of it).
const ERROR_WIDTH: usize = 70;

pub fn time(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(
        || "-".to_string(),
        |t| t.format("%Y-%m-%d %H:%M:%SZ").to_string(),
    )
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn paint_result(s: &str, r: RunResult, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    match r {
        RunResult::Success => s.green().to_string(),
        RunResult::Failed => s.red().bold().to_string(),
        RunResult::Interrupted => s.yellow().to_string(),
        RunResult::Running => s.cyan().to_string(),
    }
}

fn paint_sev(s: &str, sev: Severity, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    match sev {
        Severity::Error => s.red().bold().to_string(),
        Severity::Warning => s.yellow().to_string(),
        Severity::Info => s.cyan().to_string(),
        Severity::Success => s.green().to_string(),
    }
}

/// Rows padded to the widest cell per column; `paint` colours a cell after padding so escape
/// codes do not upset the widths.
fn table(
    out: &mut String,
    header: &[&str],
    rows: &[Vec<String>],
    paint: &dyn Fn(usize, usize, &str) -> String,
) {
    let mut w: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(x) = w.get_mut(i) {
                *x = (*x).max(c.chars().count());
            }
        }
    }
    let line = |cells: Vec<String>| -> String {
        let n = cells.len();
        cells
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                if i + 1 == n {
                    c
                } else {
                    let pad = w.get(i).copied().unwrap_or(0);
                    let len = c.chars().count();
                    format!("{c}{}", " ".repeat(pad.saturating_sub(len)))
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(
        out,
        "{}",
        line(header.iter().map(|s| s.to_string()).collect())
    );
    for (ri, r) in rows.iter().enumerate() {
        let n = r.len();
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = if i + 1 == n {
                    0
                } else {
                    w.get(i)
                        .copied()
                        .unwrap_or(0)
                        .saturating_sub(c.chars().count())
                };
                format!("{}{}", paint(ri, i, c), " ".repeat(pad))
            })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
}

fn paint_state(s: &str, st: State, color: bool) -> String {
    match st {
        State::Healthy => paint_result(s, RunResult::Success, color),
        State::Attention => paint_result(s, RunResult::Interrupted, color),
        State::Failing => paint_result(s, RunResult::Failed, color),
    }
}

/// One row per host and site: state, last success, rate, median, p95, and why.
fn sites(out: &mut String, report: &Report, color: bool) {
    let sites = &report.sync_sites;
    if sites.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nPer host and site:");
    let dur = |d: Option<i64>| d.map_or_else(|| "-".into(), format_duration);
    let rows: Vec<Vec<String>> = sites
        .iter()
        .map(|s| {
            vec![
                escape::terminal(
                    s.host
                        .as_deref()
                        .or(s.site_server.as_deref())
                        .unwrap_or("-"),
                    false,
                ),
                escape::terminal(s.site.as_deref().unwrap_or("-"), false),
                s.state.as_str().to_string(),
                time(s.last_success),
                dur(s.since_last_success_seconds),
                s.success_rate
                    .map_or_else(|| "-".into(), |r| format!("{:.1}%", r * 100.0)),
                dur(s.median_duration_seconds),
                dur(s.p95_duration_seconds),
                s.runs.to_string(),
                escape::terminal(&s.state_reason, false),
            ]
        })
        .collect();
    table(
        out,
        &[
            "HOST",
            "SITE",
            "STATE",
            "LAST SUCCESS",
            "SINCE",
            "RATE",
            "MEDIAN",
            "P95",
            "RUNS",
            "WHY",
        ],
        &rows,
        &|ri, ci, c| match sites.get(ri) {
            Some(s) if ci == 2 => paint_state(c, s.state, color),
            _ => c.to_string(),
        },
    );
}

pub fn render(report: &Report, color: bool) -> String {
    let mut out = String::new();
    let runs = &report.sync_runs;
    if runs.is_empty() {
        out.push_str(
            "No sync runs found (no wsyncmgr.log among the inputs, or no `Starting Sync` in it).\n",
        );
    } else {
        let _ = writeln!(out, "Sync runs ({}):", runs.len());
        let fleet = runs.iter().any(|r| r.host.is_some());
        let rows: Vec<Vec<String>> = runs
            .iter()
            .map(|r| {
                let mut trig = r.trigger.as_str().to_string();
                if r.retry_of_failed {
                    trig.push_str(" (after failure)");
                }
                let err = r
                    .error
                    .as_deref()
                    .map(|e| {
                        let mut s = escape::terminal(e, false);
                        if let Some(c) = &r.error_code {
                            s = format!("{s} [{c}]");
                        }
                        cut(&s, ERROR_WIDTH)
                    })
                    .or_else(|| r.interrupted_by.as_deref().map(|s| cut(s, ERROR_WIDTH)))
                    .unwrap_or_default();
                let mut row = Vec::with_capacity(9);
                if fleet {
                    row.push(escape::terminal(r.host.as_deref().unwrap_or("-"), false));
                }
                row.extend([
                    escape::terminal(r.site.as_deref().unwrap_or("-"), false),
                    time(r.start),
                    time(r.end),
                    r.duration_seconds
                        .map(format_duration)
                        .unwrap_or_else(|| "-".into()),
                    r.result.as_str().to_string(),
                    trig,
                    r.updates_processed
                        .map(|u| u.to_string())
                        .unwrap_or_else(|| "-".into()),
                    err,
                ]);
                row
            })
            .collect();
        let mut header = vec![
            "SITE",
            "START (UTC)",
            "END (UTC)",
            "DURATION",
            "RESULT",
            "TRIGGER",
            "UPDATES",
            "ERROR",
        ];
        if fleet {
            header.insert(0, "HOST");
        }
        let result_col = if fleet { 5 } else { 4 };
        table(&mut out, &header, &rows, &|ri, ci, c| match runs.get(ri) {
            Some(r) if ci == result_col => paint_result(c, r.result, color),
            _ => c.to_string(),
        });
    }
    sites(&mut out, report, color);
    if let Some(h) = &report.history {
        let _ = writeln!(
            out,
            "\n{}",
            escape::terminal(&super::health::history_line(h), false)
        );
    }
    if let Some(s) = &report.sync_summary {
        out.push('\n');
        let _ = writeln!(
            out,
            "Runs: {} success, {} failed, {} interrupted, {} running",
            s.success, s.failed, s.interrupted, s.running
        );
        let since = s
            .since_last_success_seconds
            .map(|x| format!(" ({} before {})", format_duration(x), time(Some(s.now))))
            .unwrap_or_default();
        if report.sync_sites.len() <= 1 {
            let _ = writeln!(out, "Last success: {}{since}", time(s.last_success));
        }
        if let Some(r) = s.success_rate {
            let _ = writeln!(out, "Success rate: {:.1}%", r * 100.0);
        }
        if let Some(m) = s.median_duration_seconds {
            let _ = writeln!(
                out,
                "Median duration (successful runs): {}",
                format_duration(m)
            );
        }
        if let Some(sl) = &s.slowest {
            let _ = writeln!(
                out,
                "Slowest run: {} started {}",
                format_duration(sl.duration_seconds),
                time(sl.start)
            );
        }
        let _ = writeln!(out, "Longest failure streak: {}", s.longest_failure_streak);
    }
    if !report.adr_runs.is_empty() {
        let _ = writeln!(out, "\nADR runs ({}):", report.adr_runs.len());
        let rows: Vec<Vec<String>> = report
            .adr_runs
            .iter()
            .map(|a| {
                let num = |v: Option<u64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
                vec![
                    escape::terminal(&format!("{} {}", a.rule_id, a.rule_name), false),
                    time(a.start),
                    a.result.as_str().to_string(),
                    num(a.updates_found),
                    num(a.downloaded),
                    a.skipped.to_string(),
                    a.failed.to_string(),
                    cut(
                        &escape::terminal(a.error.as_deref().unwrap_or(""), false),
                        ERROR_WIDTH,
                    ),
                ]
            })
            .collect();
        let adr = &report.adr_runs;
        table(
            &mut out,
            &[
                "RULE",
                "START (UTC)",
                "RESULT",
                "FOUND",
                "DOWNLOADED",
                "SKIPPED",
                "FAILED",
                "ERROR",
            ],
            &rows,
            &|ri, ci, c| match (ci, adr.get(ri).map(|a| a.result)) {
                (2, Some(AdrResult::Success)) => paint_result(c, RunResult::Success, color),
                (2, Some(AdrResult::Failed)) => paint_result(c, RunResult::Failed, color),
                (2, Some(AdrResult::Running)) => paint_result(c, RunResult::Running, color),
                _ => c.to_string(),
            },
        );
    }
    if !report.findings.is_empty() {
        let _ = writeln!(out, "\nFindings:");
        for f in &report.findings {
            let sev = paint_sev(&format!("{:<7}", f.severity.as_str()), f.severity, color);
            let _ = writeln!(
                out,
                "  {sev}  {}  {}",
                f.rule_id,
                escape::terminal(&f.title, false)
            );
            for e in &f.evidence {
                let _ = writeln!(
                    out,
                    "           {}:{}  {}",
                    escape::terminal(&e.file, false),
                    e.line,
                    escape::terminal(&e.text, false)
                );
            }
            let _ = writeln!(out, "           fix: {}", escape::terminal(&f.fix, false));
        }
    }
    out
}
