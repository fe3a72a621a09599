//! Terminal rendering of findings, grouped by severity. Log text is escaped: a log line cannot
//! recolour the screen, clear it, or forge a line of our own output.

use std::fmt::Write;

use owo_colors::OwoColorize;

use super::escape::terminal as esc;
use super::Report;
use crate::event::Severity;
use crate::rules::Finding;

fn sev_label(s: Severity, color: bool) -> String {
    let label = match s {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
        Severity::Success => "OK",
    };
    if !color {
        return format!("{label:<7}");
    }
    let padded = format!("{label:<7}");
    match s {
        Severity::Error => padded.red().bold().to_string(),
        Severity::Warning => padded.yellow().bold().to_string(),
        Severity::Info => padded.cyan().to_string(),
        Severity::Success => padded.green().to_string(),
    }
}

fn time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map_or_else(
        || "(no time)".to_string(),
        |t| t.format("%Y-%m-%d %H:%M:%SZ").to_string(),
    )
}

/// Indent every line of a (possibly multi-line) text after the first by `pad`.
fn block(text: &str, pad: &str) -> String {
    esc(text.trim(), true).replace('\n', &format!("\n{pad}"))
}

/// One finding, several lines.
pub fn finding(f: &Finding, color: bool) -> String {
    let mut s = String::new();
    let pad = "         ";
    let id = if color {
        esc(&f.rule_id, false).bold().to_string()
    } else {
        esc(&f.rule_id, false)
    };
    let host = f
        .host
        .as_deref()
        .map(|h| format!(" [{}]", esc(h, false)))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "{} {id}{host}  {}",
        sev_label(f.severity, color),
        esc(&f.title, false)
    );
    let seen = if f.first_seen == f.last_seen {
        time(f.first_seen)
    } else {
        format!("{} … {}", time(f.first_seen), time(f.last_seen))
    };
    let _ = write!(s, "{pad}seen {}× {seen}", f.count);
    if !f.codes.is_empty() {
        let codes: Vec<String> = f.codes.iter().map(|c| esc(c, false)).collect();
        let _ = write!(s, "   codes: {}", codes.join(", "));
    }
    s.push('\n');
    if f.severity >= Severity::Warning || !f.cause.is_empty() {
        if !f.cause.trim().is_empty() {
            let _ = writeln!(
                s,
                "{pad}cause: {}",
                block(&f.cause, &format!("{pad}       "))
            );
        }
        if !f.fix.trim().is_empty() {
            let _ = writeln!(s, "{pad}fix:   {}", block(&f.fix, &format!("{pad}       ")));
        }
    }
    if !f.settings.is_empty() {
        let _ = writeln!(s, "{pad}settings:");
        for st in &f.settings {
            let value = if st.value.is_null() {
                "(unknown)".to_string()
            } else {
                esc(&json_value(&st.value), false)
            };
            let src = st
                .source
                .as_deref()
                .map(|x| format!("  ({})", esc(x, false)))
                .unwrap_or_default();
            let _ = writeln!(s, "{pad}  {} = {value}{src}", esc(&st.key, false));
        }
    }
    if !f.evidence.is_empty() {
        let _ = writeln!(s, "{pad}evidence:");
        for e in &f.evidence {
            let loc = format!("{}:{}", esc(&e.file, false), e.line);
            let loc = if color { loc.dimmed().to_string() } else { loc };
            let _ = writeln!(s, "{pad}  {loc}  {}", esc(&e.text, false));
        }
    }
    for d in &f.docs {
        let _ = writeln!(s, "{pad}docs: {}", esc(d, false));
    }
    s
}

fn json_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Inputs that were read only in part (changed while read, lines cut), one line each: the
/// figures above them are not the whole file.
fn input_problems(report: &Report) -> String {
    let mut s = String::new();
    for i in &report.inputs {
        if i.changed_while_read || i.cut_lines > 0 {
            let note = i.note.as_deref().unwrap_or("read in part");
            let _ = writeln!(s, "  note: {}: {}", esc(&i.path, false), esc(note, false));
        }
    }
    s
}

/// The whole analyze report for a terminal.
pub fn render(report: &Report, color: bool) -> String {
    let mut s = String::new();
    let files = report.inputs.len();
    let records: u64 = report.inputs.iter().map(|i| i.records).sum();
    let unparsed: u64 = report.inputs.iter().map(|i| i.unparsed_lines).sum();
    let unreadable = report.inputs.iter().filter(|i| i.error.is_some()).count();
    let sm = &report.summary;
    let _ = writeln!(
        s,
        "supdiag: {} error(s), {} warning(s), {} info, {} success marker(s) — {files} file(s), {records} record(s), {unparsed} unparsed line(s){}",
        sm.error,
        sm.warning,
        sm.info,
        sm.success,
        if unreadable > 0 { format!(", {unreadable} unreadable") } else { String::new() }
    );
    s.push_str(&input_problems(report));
    if report.findings.is_empty() {
        let _ = writeln!(s, "\nno findings");
        return s;
    }
    for sev in Severity::ALL {
        let group: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == sev)
            .collect();
        if group.is_empty() {
            continue;
        }
        let heading = match sev {
            Severity::Error => "Errors",
            Severity::Warning => "Warnings",
            Severity::Info => "Information",
            Severity::Success => "Success markers",
        };
        let heading = format!("── {heading} ({}) ", group.len());
        let _ = writeln!(
            s,
            "\n{}",
            if color {
                heading.bold().to_string()
            } else {
                heading
            }
        );
        for f in group {
            s.push('\n');
            s.push_str(&finding(f, color));
        }
    }
    s
}
