//! Terminal checklist of `supdiag precheck`: one block per check id, one line per target with
//! pass / warn / fail / info / skipped, then cause and fix of everything that is not fine.

use std::fmt::Write;

use owo_colors::OwoColorize;

use super::escape::terminal as esc;
use super::Report;
use crate::precheck::{Check, CheckStatus};

fn badge(s: CheckStatus, color: bool) -> String {
    let text = format!("{:<7}", s.as_str());
    if !color {
        return text;
    }
    match s {
        CheckStatus::Pass => text.green().to_string(),
        CheckStatus::Warn => text.yellow().bold().to_string(),
        CheckStatus::Fail => text.red().bold().to_string(),
        CheckStatus::Info => text.cyan().to_string(),
        CheckStatus::Skipped => text.dimmed().to_string(),
    }
}

fn count(checks: &[Check], s: CheckStatus) -> usize {
    checks.iter().filter(|c| c.status == s).count()
}

/// Render the checklist and the advice for the findings.
pub fn render(report: &Report, color: bool) -> String {
    let checks = &report.checks;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "supdiag precheck: {} pass, {} warn, {} fail, {} info, {} skipped",
        count(checks, CheckStatus::Pass),
        count(checks, CheckStatus::Warn),
        count(checks, CheckStatus::Fail),
        count(checks, CheckStatus::Info),
        count(checks, CheckStatus::Skipped),
    );
    let mut ids: Vec<&str> = Vec::new();
    for c in checks {
        if !ids.contains(&c.id.as_str()) {
            ids.push(&c.id);
        }
    }
    let mut probes_header = false;
    for id in ids {
        let mine: Vec<&Check> = checks.iter().filter(|c| c.id == id).collect();
        let Some(first) = mine.first() else { continue };
        if first.step.is_some() && !probes_header {
            let _ = writeln!(out, "\nLive probes (from this machine)");
            probes_header = true;
        }
        let title = esc(&first.title, false);
        let header = if color {
            title.bold().to_string()
        } else {
            title
        };
        let _ = writeln!(out, "\n{header}  [{id}]");
        for c in mine {
            let mut line = format!("  {} ", badge(c.status, color));
            if let Some(t) = &c.target {
                line.push_str(&esc(t, false));
                line.push_str(": ");
            }
            line.push_str(&esc(&c.detail, false));
            if let Some(ms) = c.duration_ms {
                let _ = write!(line, " ({ms} ms)");
            }
            let _ = writeln!(out, "{line}");
        }
    }
    let todo: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity >= crate::event::Severity::Warning)
        .collect();
    if !todo.is_empty() {
        let _ = writeln!(out, "\nWhat to do");
        for f in todo {
            let sev = f.severity.as_str();
            let sev = if color {
                match f.severity {
                    crate::event::Severity::Error => sev.red().bold().to_string(),
                    _ => sev.yellow().bold().to_string(),
                }
            } else {
                sev.to_string()
            };
            let _ = writeln!(out, "\n  {sev} {}: {}", f.rule_id, esc(&f.title, false));
            // Multi-paragraph text (advice appended to a fix) stays indented under its label.
            let block = |t: &str| esc(t.trim(), true).replace('\n', "\n           ");
            let _ = writeln!(out, "    cause: {}", block(&f.cause));
            let _ = writeln!(out, "    fix:   {}", block(&f.fix));
            // File and line for findings about the inputs (a dropped settings key).
            for e in &f.evidence {
                let at = if e.line > 0 {
                    format!("{}:{}", e.file, e.line)
                } else {
                    e.file.clone()
                };
                let _ = writeln!(out, "    - {}: {}", esc(&at, false), esc(&e.text, false));
            }
            for d in &f.docs {
                let _ = writeln!(out, "    docs:  {}", esc(d, false));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::FactStore;
    use crate::precheck::findings_from_checks;

    #[test]
    fn renders_statuses_escapes_and_advice() {
        let checks = vec![
            Check::new(
                "precheck_install_order",
                CheckStatus::Fail,
                Some("PS1"),
                "no parent SUP \x1b[2J",
            ),
            Check::new(
                "precheck_supersedence_noted",
                CheckStatus::Skipped,
                None,
                "not in the settings",
            ),
        ];
        let mut report = Report {
            findings: findings_from_checks(&checks, &FactStore::new()),
            checks,
            ..Report::default()
        };
        report.finish();
        let s = render(&report, false);
        assert!(
            s.starts_with("supdiag precheck: 0 pass, 0 warn, 1 fail, 0 info, 1 skipped"),
            "{s}"
        );
        assert!(s.contains("  fail    PS1: no parent SUP \\u{1b}[2J"), "{s}");
        assert!(s.contains("  skipped not in the settings"), "{s}");
        assert!(s.contains("error precheck_install_order"), "{s}");
        assert!(!s.contains('\x1b'));
        let coloured = render(&report, true);
        assert!(coloured.contains('\x1b'));
    }
}
