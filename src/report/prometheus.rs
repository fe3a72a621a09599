//! `--format prometheus`: Prometheus text exposition format (0.0.4) for the textfile collector
//! of windows_exporter or node_exporter. Every family has `# HELP` and `# TYPE`; label values
//! are escaped (`\\`, `\"`, `\n`) as the format asks, since host, site and rule names come from
//! folder names and logs.
//!
//! `host` is the fleet host folder (`hosts/<name>/`); outside a fleet layout it is the site
//! server named in the logs (STATMSG `SYS=`) when there is exactly one, else empty.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::Report;
use crate::event::Severity;
use crate::sync::sites::State;
use crate::sync::{AdrResult, RunResult};

/// Escape a label value.
pub fn label(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn labels(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", label(v)))
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// One metric family: HELP and TYPE once, then its samples.
struct Family<'a> {
    out: &'a mut String,
}

impl<'a> Family<'a> {
    fn new(out: &'a mut String, name: &str, kind: &str, help: &str) -> Self {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        Family { out }
    }

    fn sample(&mut self, name: &str, pairs: &[(&str, &str)], value: f64) {
        let v = if value.fract() == 0.0 && value.abs() < 1e15 {
            format!("{}", value as i64)
        } else {
            format!("{value}")
        };
        if pairs.is_empty() {
            let _ = writeln!(self.out, "{name} {v}");
        } else {
            let _ = writeln!(self.out, "{name}{} {v}", labels(pairs));
        }
    }
}

fn secs(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64 / 1000.0
}

/// The `host` label of a run or finding.
fn host_label(report: &Report) -> impl Fn(Option<&str>) -> String + '_ {
    let servers: std::collections::BTreeSet<&str> = report
        .sync_runs
        .iter()
        .filter_map(|r| r.site_server.as_deref())
        .collect();
    let only = if servers.len() == 1 {
        servers.into_iter().next().unwrap_or_default().to_string()
    } else {
        String::new()
    };
    move |h: Option<&str>| h.map_or_else(|| only.clone(), str::to_string)
}

pub fn render(report: &Report, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let host = host_label(report);
    let sites = &report.sync_sites;
    let hs: Vec<(String, String)> = sites
        .iter()
        .map(|s| (host(s.host.as_deref()), s.site.clone().unwrap_or_default()))
        .collect();

    let n = "supdiag_run_timestamp_seconds";
    let mut f = Family::new(
        &mut out,
        n,
        "gauge",
        "When supdiag wrote these metrics (its reference time, --now), Unix seconds.",
    );
    f.sample(n, &[], secs(now));

    let n = "supdiag_info";
    let mut f = Family::new(
        &mut out,
        n,
        "gauge",
        "supdiag version that wrote these metrics (always 1).",
    );
    f.sample(n, &[("version", env!("CARGO_PKG_VERSION"))], 1.0);

    let n = "supdiag_sync_last_success_timestamp_seconds";
    let mut f = Family::new(&mut out, n, "gauge", "End of the last successful software update sync, Unix seconds (absent when none succeeded).");
    for (s, (h, site)) in sites.iter().zip(&hs) {
        if let Some(t) = s.last_success {
            f.sample(n, &[("host", h), ("site", site)], secs(t));
        }
    }

    let n = "supdiag_sync_since_last_success_seconds";
    let mut f = Family::new(&mut out, n, "gauge", "Seconds from the last successful sync to the time supdiag ran (staleness; absent when none succeeded).");
    for (s, (h, site)) in sites.iter().zip(&hs) {
        if let Some(v) = s.since_last_success_seconds {
            f.sample(n, &[("host", h), ("site", site)], v as f64);
        }
    }

    let n = "supdiag_sync_runs_total";
    let mut f = Family::new(
        &mut out,
        n,
        "counter",
        "Sync runs in the logs (and the --history period) by result.",
    );
    for (s, (h, site)) in sites.iter().zip(&hs) {
        for (r, v) in [
            (RunResult::Success, s.success),
            (RunResult::Failed, s.failed),
            (RunResult::Interrupted, s.interrupted),
            (RunResult::Running, s.running),
        ] {
            f.sample(
                n,
                &[("host", h), ("site", site), ("result", r.as_str())],
                v as f64,
            );
        }
    }

    let n = "supdiag_sync_last_run_timestamp_seconds";
    let mut f = Family::new(
        &mut out,
        n,
        "gauge",
        "Start of the latest sync run, Unix seconds.",
    );
    for (s, (h, site)) in sites.iter().zip(&hs) {
        if let Some(t) = s.last_run_start {
            f.sample(n, &[("host", h), ("site", site)], secs(t));
        }
    }

    let n = "supdiag_sync_last_run_result";
    let mut f = Family::new(
        &mut out,
        n,
        "gauge",
        "Result of the latest sync run: 1 for its result, 0 for the others.",
    );
    for (s, (h, site)) in sites.iter().zip(&hs) {
        let Some(last) = s.last_run_result else {
            continue;
        };
        for r in [
            RunResult::Success,
            RunResult::Failed,
            RunResult::Interrupted,
            RunResult::Running,
        ] {
            f.sample(
                n,
                &[("host", h), ("site", site), ("result", r.as_str())],
                if r == last { 1.0 } else { 0.0 },
            );
        }
    }

    let n = "supdiag_sync_last_duration_seconds";
    let mut f = Family::new(
        &mut out,
        n,
        "gauge",
        "Duration of the latest sync run that has one, seconds.",
    );
    for (s, (h, site)) in sites.iter().zip(&hs) {
        let last = report
            .sync_runs
            .iter()
            .rev()
            .filter(|r| r.host == s.host && r.site == s.site)
            .find_map(|r| r.duration_seconds);
        if let Some(d) = last {
            f.sample(n, &[("host", h), ("site", site)], d as f64);
        }
    }

    for (n, help, get) in [
        (
            "supdiag_sync_median_duration_seconds",
            "Median duration of the successful sync runs, seconds.",
            (|s: &crate::sync::sites::SiteHealth| s.median_duration_seconds)
                as fn(&crate::sync::sites::SiteHealth) -> Option<i64>,
        ),
        (
            "supdiag_sync_p95_duration_seconds",
            "95th percentile duration of the successful sync runs, seconds.",
            |s| s.p95_duration_seconds,
        ),
    ] {
        let mut f = Family::new(&mut out, n, "gauge", help);
        for (s, (h, site)) in sites.iter().zip(&hs) {
            if let Some(v) = get(s) {
                f.sample(n, &[("host", h), ("site", site)], v as f64);
            }
        }
    }

    let n = "supdiag_sync_success_ratio";
    let mut f = Family::new(
        &mut out,
        n,
        "gauge",
        "Successful runs / finished runs (success, failed, interrupted), 0 to 1.",
    );
    for (s, (h, site)) in sites.iter().zip(&hs) {
        if let Some(v) = s.success_rate {
            f.sample(n, &[("host", h), ("site", site)], v);
        }
    }

    let n = "supdiag_sync_state";
    let mut f = Family::new(&mut out, n, "gauge", "Health state of the site's sync: 1 for its state (healthy, attention, failing), 0 for the others.");
    for (s, (h, site)) in sites.iter().zip(&hs) {
        for st in [State::Healthy, State::Attention, State::Failing] {
            f.sample(
                n,
                &[("host", h), ("site", site), ("state", st.as_str())],
                if st == s.state { 1.0 } else { 0.0 },
            );
        }
    }

    let n = "supdiag_adr_runs_total";
    let mut f = Family::new(
        &mut out,
        n,
        "counter",
        "Automatic deployment rule runs in the logs (and the --history period) by result.",
    );
    let mut adr: BTreeMap<(String, &str), u64> = BTreeMap::new();
    for a in &report.adr_runs {
        *adr.entry((host(a.host.as_deref()), a.result.as_str()))
            .or_default() += 1;
    }
    let adr_hosts: std::collections::BTreeSet<String> = adr.keys().map(|k| k.0.clone()).collect();
    for h in &adr_hosts {
        for r in [AdrResult::Success, AdrResult::Failed, AdrResult::Running] {
            let v = adr.get(&(h.clone(), r.as_str())).copied().unwrap_or(0);
            f.sample(n, &[("host", h), ("result", r.as_str())], v as f64);
        }
    }

    let n = "supdiag_findings";
    let mut f = Family::new(
        &mut out,
        n,
        "gauge",
        "Occurrences of each finding in the logs read, by rule id and severity.",
    );
    for fi in &report.findings {
        f.sample(
            n,
            &[
                ("host", &host(fi.host.as_deref())),
                ("rule_id", &fi.rule_id),
                ("severity", fi.severity.as_str()),
            ],
            fi.count as f64,
        );
    }

    let n = "supdiag_findings_by_severity";
    let mut f = Family::new(
        &mut out,
        n,
        "gauge",
        "Distinct findings per severity (error, warning, info, success).",
    );
    let mut by: BTreeMap<(String, Severity), u64> = BTreeMap::new();
    for fi in &report.findings {
        *by.entry((host(fi.host.as_deref()), fi.severity))
            .or_default() += 1;
    }
    let mut fhosts: std::collections::BTreeSet<String> = by.keys().map(|k| k.0.clone()).collect();
    if fhosts.is_empty() {
        fhosts.insert(host(None));
    }
    for h in &fhosts {
        for sev in [
            Severity::Error,
            Severity::Warning,
            Severity::Info,
            Severity::Success,
        ] {
            let v = by.get(&(h.clone(), sev)).copied().unwrap_or(0);
            f.sample(n, &[("host", h), ("severity", sev.as_str())], v as f64);
        }
    }

    let n = "supdiag_input_files";
    let mut f = Family::new(
        &mut out,
        n,
        "gauge",
        "Input files supdiag found, by status (read, error: could not be read).",
    );
    let errors = report.inputs.iter().filter(|i| i.error.is_some()).count();
    f.sample(
        n,
        &[("status", "read")],
        (report.inputs.len() - errors) as f64,
    );
    f.sample(n, &[("status", "error")], errors as f64);

    if let Some(hi) = &report.history {
        let n = "supdiag_history_oldest_run_timestamp_seconds";
        let mut f = Family::new(
            &mut out,
            n,
            "gauge",
            "Start of the oldest sync run in the --history file for the hosts read, Unix seconds.",
        );
        if let Some(t) = hi.oldest_run {
            f.sample(n, &[], secs(t));
        }
        let n = "supdiag_history_stored_runs";
        let mut f = Family::new(
            &mut out,
            n,
            "gauge",
            "Sync runs stored in the --history file for the hosts read.",
        );
        f.sample(n, &[], hi.stored_runs as f64);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(label("x\ny"), "x\\ny");
        assert_eq!(
            labels(&[("host", "CM\"01"), ("site", "PS1")]),
            r#"{host="CM\"01",site="PS1"}"#
        );
    }

    #[test]
    fn every_family_has_help_and_type() {
        let r = Report::default();
        let text = render(&r, DateTime::<Utc>::UNIX_EPOCH);
        let helps = text.lines().filter(|l| l.starts_with("# HELP ")).count();
        let types = text.lines().filter(|l| l.starts_with("# TYPE ")).count();
        assert_eq!(helps, types);
        assert!(helps >= 10, "{text}");
        assert!(text.contains("supdiag_run_timestamp_seconds 0\n"), "{text}");
        assert!(text.contains("supdiag_input_files{status=\"error\"} 0\n"));
    }
}
