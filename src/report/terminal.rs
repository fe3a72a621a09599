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
    finding_in(f, color, None)
}

/// [`finding`], naming the incident it belongs to.
fn finding_in(f: &Finding, color: bool, incident: Option<&str>) -> String {
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
    let part = incident
        .map(|i| format!("  (part of {})", esc(i, false)))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "{} {id}{host}  {}{part}",
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
            // Input lost part-way (it shrank while read) is an error, not a note.
            let (what, text) = match (&i.error, &i.note) {
                (Some(e), _) => ("error", e.as_str()),
                (None, Some(n)) => ("note", n.as_str()),
                (None, None) => ("note", "read in part"),
            };
            let _ = writeln!(s, "  {what}: {}: {}", esc(&i.path, false), esc(text, false));
        }
    }
    s
}

fn heading(s: &mut String, text: &str, color: bool) {
    let h = format!("── {text} ");
    let _ = writeln!(s, "\n{}", if color { h.bold().to_string() } else { h });
}

/// The verdict: each incident in plain language (root cause, what it explains, what ties the
/// findings, cause and fix), then one next step per incident.
fn incidents(s: &mut String, report: &Report, color: bool) {
    if report.incidents.is_empty() {
        return;
    }
    let pad = "         ";
    heading(s, &format!("Incidents ({})", report.incidents.len()), color);
    for inc in &report.incidents {
        let host = inc
            .host
            .as_deref()
            .map(|h| format!(" [{}]", esc(h, false)))
            .unwrap_or_default();
        let id = esc(&inc.id, false);
        let id = if color { id.bold().to_string() } else { id };
        let _ = writeln!(
            s,
            "\n{} {id}{host}  {}",
            sev_label(inc.severity, color),
            esc(&inc.title, false)
        );
        let seen = match (inc.first_seen, inc.last_seen) {
            (None, None) => "(no time)".to_string(),
            (f, l) if f == l => time(f),
            (f, l) => format!("{} … {}", time(f), time(l)),
        };
        let _ = writeln!(s, "{pad}seen {seen}");
        let _ = writeln!(s, "{pad}root cause: {}", esc(&inc.root_cause, false));
        // One line per symptom, with the evidence that tied it.
        for (n, (id, why)) in inc.symptoms().into_iter().enumerate() {
            let label = if n == 0 {
                "explains:   "
            } else {
                "            "
            };
            let why = if why.is_empty() {
                why
            } else {
                format!(" — {why}")
            };
            let _ = writeln!(
                s,
                "{pad}{label}{}",
                block(
                    &esc(&format!("{id}{why}"), false),
                    &format!("{pad}              ")
                )
            );
        }
        if !inc.ties.is_empty() {
            let ties: Vec<String> = inc.ties.iter().map(|t| esc(t, false)).collect();
            let _ = writeln!(s, "{pad}tied by:    {}", ties.join("; "));
        }
        let _ = writeln!(
            s,
            "{pad}cause: {}",
            block(&inc.cause, &format!("{pad}       "))
        );
        let _ = writeln!(
            s,
            "{pad}fix:   {}",
            block(&inc.fix, &format!("{pad}       "))
        );
    }
    heading(s, "Next steps", color);
    for (n, inc) in report.incidents.iter().enumerate() {
        let _ = writeln!(
            s,
            "  {}. {} ({})",
            n + 1,
            esc(&inc.next_step, false),
            esc(&inc.id, false)
        );
    }
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
        "supdiag: {} incident(s), {} error(s), {} warning(s), {} info, {} success marker(s) — {files} file(s), {records} record(s), {unparsed} unparsed line(s){}",
        report.incidents.len(),
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
    incidents(&mut s, report, color);
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
            let incident = report
                .incidents
                .iter()
                .find(|i| i.host == f.host && i.findings.contains(&f.rule_id))
                .map(|i| i.id.as_str());
            s.push('\n');
            s.push_str(&finding_in(f, color, incident));
        }
    }
    s
}
