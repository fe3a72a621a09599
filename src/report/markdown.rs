//! Markdown rendering of findings, to paste into a ticket. Everything from logs and settings is
//! escaped; evidence goes into code spans with backticks neutralised.

use std::fmt::Write;

use super::escape::{
    markdown as md, markdown_cell as cell, markdown_code as code, markdown_code_cell as code_cell,
};
use super::Report;
use crate::event::Severity;
use crate::rules::Finding;

fn time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map_or_else(
        || "—".to_string(),
        |t| t.format("%Y-%m-%d %H:%M:%SZ").to_string(),
    )
}

/// Verdict line from the summary.
pub fn verdict(report: &Report) -> &'static str {
    if report.summary.error > 0 {
        "failing"
    } else if report.summary.warning > 0 {
        "needs attention"
    } else {
        "healthy"
    }
}

/// Summary table of findings.
pub fn findings_table(findings: &[Finding]) -> String {
    let mut s = String::new();
    if findings.is_empty() {
        s.push_str("No findings.\n");
        return s;
    }
    s.push_str("| Severity | Rule | Title | Count | First seen (UTC) | Last seen (UTC) |\n");
    s.push_str("|---|---|---|---:|---|---|\n");
    for f in findings {
        let host = f
            .host
            .as_deref()
            .map(|h| format!(" ({})", cell(h)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "| {} | `{}`{host} | {} | {} | {} | {} |",
            f.severity,
            code_cell(&f.rule_id),
            cell(&f.title),
            f.count,
            time(f.first_seen),
            time(f.last_seen)
        );
    }
    s
}

/// Detail section per finding (cause, fix, settings, evidence, docs).
pub fn findings_details(findings: &[Finding]) -> String {
    let mut s = String::new();
    for f in findings {
        let _ = writeln!(
            s,
            "### {} `{}` — {}\n",
            f.severity.as_str().to_uppercase(),
            code(&f.rule_id),
            md(&f.title)
        );
        let _ = writeln!(
            s,
            "- **Seen:** {}× ({} … {})",
            f.count,
            time(f.first_seen),
            time(f.last_seen)
        );
        if let Some(h) = &f.host {
            let _ = writeln!(s, "- **Host:** {}", md(h));
        }
        if !f.codes.is_empty() {
            let codes: Vec<String> = f.codes.iter().map(|c| format!("`{}`", code(c))).collect();
            let _ = writeln!(s, "- **Codes:** {}", codes.join(", "));
        }
        if !f.cause.trim().is_empty() {
            let _ = writeln!(s, "- **Cause:** {}", md(f.cause.trim()));
        }
        if !f.fix.trim().is_empty() {
            let _ = writeln!(s, "- **Fix:** {}", md(f.fix.trim()));
        }
        if !f.settings.is_empty() {
            s.push_str("- **Settings:**\n");
            for st in &f.settings {
                let v = if st.value.is_null() {
                    "unknown".to_string()
                } else {
                    st.value.to_string()
                };
                let src = st
                    .source
                    .as_deref()
                    .map(|x| format!(" ({})", md(x)))
                    .unwrap_or_default();
                let _ = writeln!(s, "  - `{}` = `{}`{src}", code(&st.key), code(&v));
            }
        }
        if !f.evidence.is_empty() {
            s.push_str("- **Evidence:**\n");
            for e in &f.evidence {
                let _ = writeln!(s, "  - `{}:{}` `{}`", code(&e.file), e.line, code(&e.text));
            }
        }
        for d in &f.docs {
            let _ = writeln!(s, "- **Docs:** <{}>", d.replace(['<', '>', ' '], ""));
        }
        s.push('\n');
    }
    s
}

/// The incidents in plain language (root cause, what it explains, what ties them, cause and
/// fix), then one next step per incident; empty when there is none.
pub fn incidents_section(incidents: &[crate::incidents::Incident]) -> String {
    let mut s = String::new();
    if incidents.is_empty() {
        return s;
    }
    s.push_str("## Incidents\n\n");
    for inc in incidents {
        let host = inc
            .host
            .as_deref()
            .map(|h| format!(" ({})", md(h)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "### {} {}{host} — {}\n",
            inc.severity.as_str().to_uppercase(),
            md(&inc.id),
            md(&inc.title)
        );
        let _ = writeln!(
            s,
            "- **Seen:** {} … {}",
            time(inc.first_seen),
            time(inc.last_seen)
        );
        let _ = writeln!(s, "- **Root cause:** `{}`", code(&inc.root_cause));
        if inc.findings.len() > 1 {
            let rest: Vec<String> = inc
                .symptoms()
                .into_iter()
                .map(|(f, why)| match why.is_empty() {
                    true => format!("`{}`", code(f)),
                    false => format!("`{}` ({})", code(f), md(&why)),
                })
                .collect();
            let _ = writeln!(s, "- **Explains:** {}", rest.join(", "));
        }
        if !inc.ties.is_empty() {
            let ties: Vec<String> = inc.ties.iter().map(|t| md(t)).collect();
            let _ = writeln!(s, "- **Tied by:** {}", ties.join("; "));
        }
        let _ = writeln!(
            s,
            "- **Cause:** {}",
            md(inc.cause.trim()).replace('\n', " ")
        );
        let _ = writeln!(s, "- **Fix:** {}\n", md(inc.fix.trim()).replace('\n', " "));
    }
    s.push_str("## Next steps\n\n");
    for (n, inc) in incidents.iter().enumerate() {
        let _ = writeln!(s, "{}. {} ({})", n + 1, md(&inc.next_step), md(&inc.id));
    }
    s.push('\n');
    s
}

/// The whole analyze report as Markdown.
pub fn render(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# supdiag findings\n");
    let sm = &report.summary;
    let _ = writeln!(
        s,
        "**Verdict:** {} — {} error(s), {} warning(s), {} info, {} success marker(s)\n",
        verdict(report),
        sm.error,
        sm.warning,
        sm.info,
        sm.success
    );
    s.push_str(&incidents_section(&report.incidents));
    if !report.incidents.is_empty() {
        s.push_str("## Findings\n\n");
    }
    s.push_str(&findings_table(&report.findings));
    s.push('\n');
    let important: Vec<Finding> = report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Info)
        .cloned()
        .collect();
    if !important.is_empty() {
        s.push_str("## Details\n\n");
        s.push_str(&findings_details(&important));
    }
    s.push_str("## Inputs\n\n| File | Kind | Format | Encoding | Bytes | Records | Unparsed lines |\n|---|---|---|---|---:|---:|---:|\n");
    for i in &report.inputs {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            code_cell(&i.path),
            i.kind,
            i.format,
            cell(i.encoding),
            i.bytes,
            i.records,
            i.unparsed_lines
        );
    }
    s
}
