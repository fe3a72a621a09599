//! The incidents of a report as an HTML section (root cause, what it explains, what ties the
//! findings, cause and fix) followed by the next steps: a self-contained fragment, all text
//! escaped, that the health report puts right after its verdict.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::escape::html as h;
use super::sync_table::time;
use crate::incidents::Incident;

/// The section; empty when there is no incident. `resolved_at` says when a later successful
/// sync of the incident's host left it behind: such an incident is shown muted as resolved,
/// after the current ones' colours, and has no next step (as in the verdict).
pub fn section(
    incidents: &[Incident],
    resolved_at: &dyn Fn(&Incident) -> Option<DateTime<Utc>>,
) -> String {
    let mut out = String::new();
    if incidents.is_empty() {
        return out;
    }
    let _ = writeln!(out, "<section class=\"incidents\"><h2>Incidents</h2>");
    for inc in incidents {
        let host = inc
            .host
            .as_deref()
            .map(|x| format!(" <span class=\"host\">({})</span>", h(x)))
            .unwrap_or_default();
        let resolved = resolved_at(inc);
        let (class, label) = match resolved {
            Some(_) => ("resolved".to_string(), "RESOLVED".to_string()),
            None => (
                format!("sev-{}", inc.severity.as_str()),
                inc.severity.as_str().to_ascii_uppercase(),
            ),
        };
        let _ = writeln!(
            out,
            "<article class=\"incident {class}\"><h3>{} {}{host}: {}</h3><ul>",
            h(&label),
            h(&inc.id),
            h(&inc.title)
        );
        if let Some(ok) = resolved {
            let _ = writeln!(
                out,
                "<li><strong>Resolved:</strong> a sync of this host succeeded since, at {}</li>",
                h(&time(Some(ok)))
            );
        }
        let _ = writeln!(
            out,
            "<li><strong>Seen:</strong> {} … {}</li>",
            h(&time(inc.first_seen)),
            h(&time(inc.last_seen))
        );
        let _ = writeln!(
            out,
            "<li><strong>Root cause:</strong> <code>{}</code></li>",
            h(&inc.root_cause)
        );
        if inc.findings.len() > 1 {
            let rest: Vec<String> = inc
                .symptoms()
                .into_iter()
                .map(|(f, why)| match why.is_empty() {
                    true => format!("<code>{}</code>", h(f)),
                    false => format!("<code>{}</code> ({})", h(f), h(&why)),
                })
                .collect();
            let _ = writeln!(
                out,
                "<li><strong>Explains:</strong> {}</li>",
                rest.join(", ")
            );
        }
        if !inc.ties.is_empty() {
            let ties: Vec<String> = inc.ties.iter().map(|t| h(t)).collect();
            let _ = writeln!(
                out,
                "<li><strong>Tied by:</strong> {}</li>",
                ties.join("; ")
            );
        }
        let _ = writeln!(
            out,
            "<li><strong>Cause:</strong> {}</li>",
            h(inc.cause.trim())
        );
        let _ = writeln!(out, "<li><strong>Fix:</strong> {}</li>", h(inc.fix.trim()));
        out.push_str("</ul></article>\n");
    }
    let current: Vec<&Incident> = incidents
        .iter()
        .filter(|i| resolved_at(i).is_none())
        .collect();
    if current.is_empty() {
        out.push_str(
            "<h2>Next steps</h2><p>None: a successful sync followed every incident.</p>\n",
        );
    } else {
        out.push_str("<h2>Next steps</h2><ol class=\"next-steps\">\n");
        for inc in current {
            let _ = writeln!(out, "<li>{} ({})</li>", h(&inc.next_step), h(&inc.id));
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Severity;

    #[test]
    fn incidents_are_escaped_and_listed_with_next_steps() {
        let inc = Incident {
            id: "incident-1".into(),
            title: "Pool <stopped>".into(),
            severity: Severity::Error,
            root_cause: "wsyncmgr_http_503_wsuspool".into(),
            findings: vec!["wsyncmgr_http_503_wsuspool".into(), "iis_wsus_503".into()],
            first_seen: None,
            last_seen: None,
            host: Some("cm02".into()),
            ties: vec!["code 503".into()],
            joined: vec![crate::incidents::Joined {
                finding: "iis_wsus_503".into(),
                explained_by: "wsyncmgr_http_503_wsuspool".into(),
                evidence: vec!["code 503 <x>".into()],
            }],
            cause: "c & d".into(),
            fix: "Start it.".into(),
            next_step: "Start it.".into(),
        };
        let s = section(std::slice::from_ref(&inc), &|_| None);
        assert!(s.contains("Pool &lt;stopped&gt;"), "{s}");
        assert!(s.contains("c &amp; d"), "{s}");
        assert!(
            s.contains("<code>iis_wsus_503</code> (code 503 &lt;x&gt;)"),
            "{s}"
        );
        assert!(s.contains("<li>Start it. (incident-1)</li>"), "{s}");
        assert!(section(&[], &|_| None).is_empty());
        // Left behind by a later successful sync: muted, no next step.
        let ok: DateTime<Utc> = "2026-11-20T02:03:22Z".parse().expect("t");
        let s = section(&[inc], &|_| Some(ok));
        assert!(s.contains("class=\"incident resolved\""), "{s}");
        assert!(s.contains("RESOLVED incident-1"), "{s}");
        assert!(!s.contains("(incident-1)</li>"), "{s}");
    }
}
