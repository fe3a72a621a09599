//! HTML health report: one self-contained file (inline CSS and SVG; no scripts, fonts or images
//! from anywhere), readable on paper (print CSS; results told apart by pattern and letter, not
//! only colour). Every log- or settings-derived string passes through [`escape::html`].

use std::fmt::Write;

use chrono::{DateTime, Duration, DurationRound, Utc};

use super::escape::html as h;
use super::health::HealthDoc;
use super::sync_table::time;
use crate::event::Severity;
use crate::rules::Finding;
use crate::sync::stats::format_duration;
use crate::sync::{AdrResult, RunResult, SyncRun};

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
code, .mono { font-family: ui-monospace, Consolas, "Liberation Mono", monospace; font-size: 12px; word-break: break-all; }
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

/// Fill/letter per result: colour for screens, pattern and letter for grey-scale print.
fn style(r: RunResult) -> (&'static str, &'static str) {
    match r {
        RunResult::Success => ("url(#p-success)", "S"),
        RunResult::Failed => ("url(#p-failed)", "F"),
        RunResult::Interrupted => ("url(#p-interrupted)", "I"),
        RunResult::Running => ("url(#p-running)", "R"),
    }
}

const PATTERNS: &str = r##"<defs>
<pattern id="p-success" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#2e7d32"/></pattern>
<pattern id="p-failed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#c62828"/><rect width="2.5" height="6" fill="#ffffff"/></pattern>
<pattern id="p-interrupted" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#ef6c00"/><circle cx="3" cy="3" r="1.3" fill="#ffffff"/></pattern>
<pattern id="p-running" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#ffffff"/><rect width="6" height="2" fill="#1565c0"/></pattern>
</defs>"##;

/// `45m`, `1h`, `1h30m`: tick labels are round, so seconds would only add noise.
fn axis_label(secs: i64) -> String {
    let (h, m) = (secs / 3600, secs % 3600 / 60);
    match (h, m) {
        (0, 0) => "0".into(),
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m:02}m"),
    }
}

/// A round step for the y axis (seconds) giving at most ~5 ticks.
fn y_step(max: i64) -> i64 {
    const STEPS: [i64; 12] = [
        60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    ];
    STEPS
        .iter()
        .copied()
        .find(|s| max / s <= 5)
        .unwrap_or_else(|| (max / 5).max(1))
}

fn x_step(span: Duration) -> Duration {
    let hours = [1i64, 3, 6, 12, 24, 48, 168, 336, 720];
    let h = hours
        .iter()
        .copied()
        .find(|h| span.num_hours() / h <= 10)
        .unwrap_or(720);
    Duration::hours(h)
}

/// Inline SVG: one bar per run at its start time, height = duration, fill = result.
pub fn chart(runs: &[SyncRun]) -> String {
    let timed: Vec<(&SyncRun, DateTime<Utc>)> = runs
        .iter()
        .filter_map(|r| r.start.map(|t| (r, t)))
        .collect();
    let (Some(t0), Some(t1)) = (
        timed.iter().map(|x| x.1).min(),
        timed
            .iter()
            .map(|(r, t)| *t + Duration::seconds(r.chart_seconds().unwrap_or(0)))
            .max(),
    ) else {
        return "<p>No timed sync runs to chart.</p>".to_string();
    };
    let (w, ht) = (1100.0f64, 340.0f64);
    let (ml, mr, mt, mb) = (64.0, 16.0, 24.0, 64.0);
    let (pw, ph) = (w - ml - mr, ht - mt - mb);
    let pad = Duration::seconds(((t1 - t0).num_seconds() / 30).max(1800));
    let (x0, x1) = (t0 - pad, t1 + pad);
    let span = (x1 - x0).num_seconds().max(1) as f64;
    let x = |t: DateTime<Utc>| ml + (t - x0).num_seconds() as f64 / span * pw;
    let max_d = timed
        .iter()
        .filter_map(|(r, _)| r.chart_seconds())
        .max()
        .unwrap_or(60)
        .max(60);
    let step = y_step(max_d);
    let top = ((max_d + step - 1) / step) * step;
    let y = |d: i64| mt + ph - d as f64 / top as f64 * ph;

    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {ht}" width="{w}" height="{ht}" role="img" aria-label="Sync runs over time: bar height is the duration, fill and letter the result" font-family="system-ui, Arial, sans-serif" font-size="12">"#
    );
    s.push_str(PATTERNS);
    // Y grid and labels.
    let mut d = 0;
    while d <= top {
        let yy = y(d);
        let _ = write!(
            s,
            r##"<line x1="{ml}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#d0d0d0" stroke-width="1"/><text x="{}" y="{:.1}" text-anchor="end" fill="#333">{}</text>"##,
            ml + pw,
            ml - 6.0,
            yy + 4.0,
            axis_label(d)
        );
        d += step;
    }
    let _ = write!(
        s,
        r##"<text x="14" y="{:.1}" transform="rotate(-90 14 {:.1})" text-anchor="middle" fill="#333">duration</text>"##,
        mt + ph / 2.0,
        mt + ph / 2.0
    );
    // X ticks aligned to UTC midnight multiples of the step.
    let xs = x_step(x1 - x0);
    let mut t = x0.duration_trunc(Duration::days(1)).unwrap_or(x0);
    while t <= x1 {
        if t >= x0 {
            let xx = x(t);
            let label = if xs >= Duration::days(1) || t.format("%H").to_string() == "00" {
                t.format("%a %d %b").to_string()
            } else {
                t.format("%H:%M").to_string()
            };
            let _ = write!(
                s,
                r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{mt}" y2="{:.1}" stroke="#ececec"/><line x1="{xx:.1}" x2="{xx:.1}" y1="{:.1}" y2="{:.1}" stroke="#333"/><text x="{xx:.1}" y="{:.1}" text-anchor="middle" fill="#333">{}</text>"##,
                mt + ph,
                mt + ph,
                mt + ph + 5.0,
                mt + ph + 18.0,
                h(&label)
            );
        }
        t += xs;
    }
    let _ = write!(
        s,
        r##"<line x1="{ml}" x2="{}" y1="{:.1}" y2="{:.1}" stroke="#333"/><line x1="{ml}" x2="{ml}" y1="{mt}" y2="{:.1}" stroke="#333"/><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333">start time (UTC)</text>"##,
        ml + pw,
        mt + ph,
        mt + ph,
        mt + ph,
        ml + pw / 2.0,
        mt + ph + 36.0
    );
    // Bars.
    // Bars as wide as the closest pair of runs allows, so retries an hour apart stay apart.
    let mut xs_sorted: Vec<f64> = timed.iter().map(|(_, t)| x(*t)).collect();
    xs_sorted.sort_by(f64::total_cmp);
    let min_gap = xs_sorted
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(f64::INFINITY, f64::min);
    let bw = (min_gap * 0.8)
        .min(pw / timed.len().max(1) as f64 * 0.5)
        .clamp(4.0, 22.0);
    let mut last_label: Option<(f64, f64)> = None;
    for (r, t) in &timed {
        let (fill, letter) = style(r.result);
        let d = r.chart_seconds().unwrap_or(0);
        // At least 6 px, so a 30-second failure is still visible next to a 1-hour run.
        let yy = y(d).min(mt + ph - 6.0);
        let bx = x(*t) - bw / 2.0;
        // Letters of neighbouring bars would overlap: lift the later one a line.
        let mut ly = yy - 4.0;
        if let Some((px, py)) = last_label {
            if (bx + bw / 2.0 - px).abs() < 10.0 && (ly - py).abs() < 12.0 {
                ly = py - 12.0;
            }
        }
        last_label = Some((bx + bw / 2.0, ly));
        let tip = format!(
            "{} site {}: {}, {}{}",
            time(Some(*t)),
            r.site.as_deref().unwrap_or("?"),
            r.result.as_str(),
            r.duration_seconds
                .map(format_duration)
                .unwrap_or_else(|| "no end".into()),
            r.error
                .as_deref()
                .map(|e| format!(" — {e}"))
                .unwrap_or_default()
        );
        let _ = write!(
            s,
            r##"<rect x="{bx:.1}" y="{yy:.1}" width="{bw:.1}" height="{:.1}" fill="{fill}" stroke="#222" stroke-width="0.8"><title>{}</title></rect><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11" font-weight="bold" fill="#222">{letter}</text>"##,
            mt + ph - yy,
            h(&tip),
            bx + bw / 2.0,
            ly
        );
    }
    // Legend.
    let ly = ht - 14.0;
    let mut lx = ml;
    for r in [
        RunResult::Success,
        RunResult::Failed,
        RunResult::Interrupted,
        RunResult::Running,
    ] {
        let (fill, letter) = style(r);
        let n = runs.iter().filter(|x| x.result == r).count();
        let _ = write!(
            s,
            r##"<rect x="{lx:.1}" y="{:.1}" width="14" height="14" fill="{fill}" stroke="#222" stroke-width="0.8"/><text x="{:.1}" y="{ly:.1}" fill="#222">{letter} = {} ({n})</text>"##,
            ly - 11.0,
            lx + 20.0,
            r.as_str()
        );
        lx += 170.0;
    }
    s.push_str("</svg>");
    s
}

fn sev_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "sev-error",
        Severity::Warning => "sev-warning",
        Severity::Info => "sev-info",
        Severity::Success => "sev-success",
    }
}

/// Findings section (the lead's renderer may replace it).
pub fn findings_html(out: &mut String, findings: &[Finding]) {
    let _ = writeln!(out, "<section><h2>Findings</h2>");
    if findings.is_empty() {
        out.push_str("<p>No findings.</p></section>\n");
        return;
    }
    for f in findings {
        let c = sev_class(f.severity);
        let _ = write!(
            out,
            r#"<div class="finding {c}"><h3><span class="sev {c}">{}</span> <code>{}</code> {}</h3><p class="meta">seen {} time(s), first {}, last {}{}</p><p><b>Cause:</b> {}</p><p><b>Fix:</b> {}</p>"#,
            f.severity.as_str(),
            h(&f.rule_id),
            h(&f.title),
            f.count,
            time(f.first_seen),
            time(f.last_seen),
            if f.codes.is_empty() {
                String::new()
            } else {
                format!(", codes {}", h(&f.codes.join(", ")))
            },
            h(&f.cause),
            h(&f.fix)
        );
        if !f.settings.is_empty() {
            out.push_str("<p><b>Settings:</b> ");
            for s in &f.settings {
                let _ = write!(
                    out,
                    "<code>{}</code> = {} ({}) ",
                    h(&s.key),
                    h(&s.value.to_string()),
                    h(s.source.as_deref().unwrap_or("not given"))
                );
            }
            out.push_str("</p>");
        }
        if !f.evidence.is_empty() {
            out.push_str("<table><tr><th>Evidence</th><th>Text</th></tr>");
            for e in &f.evidence {
                let _ = write!(
                    out,
                    r#"<tr><td class="mono">{}:{}</td><td class="mono">{}</td></tr>"#,
                    h(&e.file),
                    e.line,
                    h(&e.text)
                );
            }
            out.push_str("</table>");
        }
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

fn opt_num(v: Option<u64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn sync_section(out: &mut String, doc: &HealthDoc<'_>) {
    let report = doc.report;
    let _ = writeln!(out, "<section><h2>Sync history</h2>");
    if let Some(s) = &report.sync_summary {
        let since = s
            .since_last_success_seconds
            .map(|x| format!("{} ago", format_duration(x)))
            .unwrap_or_else(|| "never".into());
        let _ = write!(
            out,
            r#"<ul class="figures"><li>Last success<b>{}</b>{}</li><li>Success rate<b>{}</b>{} of {} runs</li><li>Median duration<b>{}</b>successful runs</li><li>Slowest<b>{}</b>{}</li><li>Longest failure streak<b>{}</b>consecutive failed runs</li></ul>"#,
            time(s.last_success),
            h(&since),
            s.success_rate
                .map(|r| format!("{:.1}%", r * 100.0))
                .unwrap_or_else(|| "-".into()),
            s.success,
            s.runs,
            s.median_duration_seconds
                .map(format_duration)
                .unwrap_or_else(|| "-".into()),
            s.slowest
                .as_ref()
                .map(|x| format_duration(x.duration_seconds))
                .unwrap_or_else(|| "-".into()),
            s.slowest
                .as_ref()
                .map(|x| format!("started {}", time(x.start)))
                .unwrap_or_default(),
            s.longest_failure_streak
        );
    }
    if report.sync_runs.is_empty() {
        out.push_str("<p>No sync runs found.</p></section>\n");
        return;
    }
    out.push_str(&chart(&report.sync_runs));
    out.push_str("<table><tr><th>Site</th><th>Start (UTC)</th><th>End (UTC)</th><th>Duration</th><th>Result</th><th>Trigger</th><th>Updates</th><th>Sync source</th><th>Error</th></tr>\n");
    for r in &report.sync_runs {
        let mut trig = r.trigger.as_str().to_string();
        if r.retry_of_failed {
            trig.push_str(" (after failure)");
        }
        let mut err = r.error.as_deref().map(h).unwrap_or_default();
        if let Some(c) = &r.error_code {
            let _ = write!(err, " <code>{}</code>", h(c));
        }
        if let Some(i) = &r.interrupted_by {
            err = h(i);
        }
        let _ = writeln!(
            out,
            r#"<tr><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td class="r-{res}">{res}</td><td>{}</td><td class="num">{}</td><td>{}</td><td>{}</td></tr>"#,
            h(r.site.as_deref().unwrap_or("-")),
            time(r.start),
            time(r.end),
            r.duration_seconds
                .map(format_duration)
                .unwrap_or_else(|| "-".into()),
            h(&trig),
            opt_num(r.updates_processed),
            h(r.server.as_deref().unwrap_or("-")),
            err,
            res = r.result.as_str(),
        );
    }
    out.push_str("</table></section>\n");

    let _ = writeln!(out, "<section><h2>ADR runs</h2>");
    if report.adr_runs.is_empty() {
        out.push_str("<p>No ADR runs found (no ruleengine.log among the inputs).</p></section>\n");
        return;
    }
    out.push_str("<table><tr><th>Rule</th><th>Start (UTC)</th><th>Result</th><th>Found</th><th>Downloaded</th><th>Skipped</th><th>Failed</th><th>Package</th><th>Error</th></tr>\n");
    for a in &report.adr_runs {
        let res = a.result.as_str();
        let cls = match a.result {
            AdrResult::Success => "r-success",
            AdrResult::Failed => "r-failed",
            AdrResult::Running => "r-running",
        };
        let _ = writeln!(
            out,
            r#"<tr><td>{} {}</td><td>{}</td><td class="{cls}">{res}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td><td>{}</td></tr>"#,
            h(&a.rule_id),
            h(&a.rule_name),
            time(a.start),
            opt_num(a.updates_found),
            opt_num(a.downloaded),
            a.skipped,
            a.failed,
            h(a.package.as_deref().unwrap_or("-")),
            h(a.error.as_deref().unwrap_or(""))
        );
    }
    out.push_str("</table></section>\n");
}

pub fn render(doc: &HealthDoc<'_>) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let (first, last) = doc.overall_span();
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Software update sync health report</title><style>{CSS}</style></head><body>
<h1>Software update sync health report</h1>
<p class="meta">Generated {} by supdiag from {} file(s) covering {} to {}.</p>
<div class="verdict v-{v}"><strong>Verdict: {V}</strong><ul>"#,
        time(Some(doc.generated)),
        doc.report.inputs.len(),
        time(first),
        time(last),
        v = doc.verdict.as_str(),
        V = doc.verdict.as_str().to_ascii_uppercase(),
    );
    for r in &doc.reasons {
        let _ = write!(out, "<li>{}</li>", h(r));
    }
    out.push_str("</ul></div>\n");
    out.push_str(&super::incidents_html::section(&doc.report.incidents));
    // History first: the chart is what a weekly reader looks at; the findings follow.
    sync_section(&mut out, doc);
    findings_html(&mut out, &doc.report.findings);

    out.push_str("<section><h2>Settings</h2>");
    if doc.settings.is_empty() {
        let _ = write!(
            out,
            "<p>{}</p>",
            if doc.settings_given {
                "The settings given held no readable values."
            } else {
                "No settings given (use <code>--settings FILE</code>)."
            }
        );
    } else {
        out.push_str("<table><tr><th>Setting</th><th>Value</th><th>Source</th></tr>");
        for s in &doc.settings {
            let _ = write!(
                out,
                r#"<tr><td class="mono">{}</td><td>{}</td><td class="mono">{}</td></tr>"#,
                h(&s.key),
                h(&s.value),
                h(&s.source)
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section>\n<section><h2>What was read</h2><table><tr><th>File</th><th>Kind</th><th>Format</th><th>Encoding</th><th>Records</th><th>Unparsed lines</th><th>First (UTC)</th><th>Last (UTC)</th></tr>\n");
    for (i, s) in doc.report.inputs.iter().zip(&doc.spans) {
        let enc = match &i.error {
            Some(e) => format!("unreadable: {}", h(e)),
            None => h(&i.encoding),
        };
        let _ = writeln!(
            out,
            r#"<tr><td class="mono">{}</td><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td><td>{}</td></tr>"#,
            h(&i.path),
            i.kind,
            i.format,
            enc,
            i.records,
            i.unparsed_lines,
            time(s.first),
            time(s.last)
        );
    }
    out.push_str("</table></section>\n</body></html>\n");
    out
}
