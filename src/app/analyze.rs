//! `supdiag analyze`: scan logs, apply rules, correlate with settings, render findings.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::{bail, Context, Result};

use crate::cli::AnalyzeArgs;
use crate::event::{Event, LogKind};
use crate::facts::{FactStore, Provenance};
use crate::report::{self, Report};
use crate::rules::{load_rule_set, RuleSet, StreamHits, StreamMatcher};
use crate::scan::{self, FileInfo, Visitor};

use super::{
    check_any_readable, discover_or_fail, exit_code_for, scan_options, use_color, write_stdout,
};

/// What the IIS/client correlation (`observed.iis.client_missing`) needs from one stream.
#[derive(Default)]
struct Presence {
    /// Time range of client scan records (epoch seconds).
    client: Option<(i64, i64)>,
    /// Time range of IIS records.
    iis: Option<(i64, i64)>,
    /// Hours (epoch seconds / 3600) with at least one Windows Update agent request in IIS.
    wua_hours: BTreeSet<i64>,
}

fn widen(r: &mut Option<(i64, i64)>, t: i64) {
    *r = Some(match *r {
        Some((a, b)) => (a.min(t), b.max(t)),
        None => (t, t),
    });
}

impl Presence {
    fn see(&mut self, ev: &Event<'_>) {
        let Some(t) = ev.time_utc.map(|t| t.timestamp()) else {
            return;
        };
        match ev.kind {
            LogKind::WuaHandler | LogKind::WindowsUpdate | LogKind::ScanAgent => {
                widen(&mut self.client, t)
            }
            LogKind::Iis => {
                widen(&mut self.iis, t);
                let wua = ev.http.as_ref().is_some_and(|h| {
                    h.user_agent
                        .as_bytes()
                        .windows(20)
                        .any(|w| w.eq_ignore_ascii_case(b"Windows-Update-Agent"))
                });
                if wua {
                    self.wua_hours.insert(t.div_euclid(3600));
                }
            }
            _ => {}
        }
    }

    fn merge(&mut self, o: Presence) {
        if let Some((a, b)) = o.client {
            widen(&mut self.client, a);
            widen(&mut self.client, b);
        }
        if let Some((a, b)) = o.iis {
            widen(&mut self.iis, a);
            widen(&mut self.iis, b);
        }
        self.wua_hours.extend(o.wua_hours);
    }

    /// `Some(true)` when client scans fall in the IIS log's period but no agent request does.
    fn client_missing(&self) -> Option<bool> {
        let (c0, c1) = self.client?;
        let (i0, i1) = self.iis?;
        let (lo, hi) = (c0.max(i0), c1.min(i1));
        if lo > hi {
            return None;
        }
        let seen = self
            .wua_hours
            .range(lo.div_euclid(3600)..=hi.div_euclid(3600))
            .next()
            .is_some();
        Some(!seen)
    }
}

struct RuleVisitor<'r> {
    matcher: Option<StreamMatcher<'r>>,
    hits: StreamHits,
    presence: Presence,
}

impl Visitor for RuleVisitor<'_> {
    fn event(&mut self, ev: &Event<'_>, file: &FileInfo<'_>) {
        if let Some(m) = self.matcher.as_mut() {
            let _ = m.feed(ev, file);
        }
        self.presence.see(ev);
    }

    fn end_stream(&mut self) {
        if let Some(m) = self.matcher.take() {
            self.hits = m.finish();
        }
    }
}

pub fn run(a: AnalyzeArgs) -> Result<u8> {
    let set: RuleSet = load_rule_set(&a.common.rules, &a.common.disable)?;
    let (mut facts, warnings) = crate::settings::load_settings(&a.common.settings, a.common.strict)
        .context("reading settings")?;
    if a.common.strict && !warnings.is_empty() {
        let msgs: Vec<String> = warnings
            .iter()
            .map(|w| format!("{}: {}", w.file, w.message))
            .collect();
        bail!(
            "settings problem(s) with --strict:\n  {}",
            msgs.join("\n  ")
        );
    }
    if !a.common.quiet {
        let mut err = std::io::stderr().lock();
        for w in &warnings {
            let _ = writeln!(err, "supdiag: warning: {}: {}", w.file, w.message);
        }
    }

    let d = discover_or_fail(&a.paths, a.common.quiet)?;
    let results = scan::scan_all(
        &d.streams,
        |_| RuleVisitor {
            matcher: Some(set.stream()),
            hits: StreamHits::default(),
            presence: Presence::default(),
        },
        scan_options(a.common.no_mmap),
    );
    let mut report = Report::default();
    let mut hits = StreamHits::default();
    let mut presence = Presence::default();
    for (r, v) in results {
        report.inputs.extend(r);
        hits.merge(v.hits);
        presence.merge(v.presence);
    }
    check_any_readable(&report.inputs, a.common.quiet)?;
    add_observations(&mut facts, &presence);
    report.findings = set.conclude(hits, &mut facts);
    report.finish();
    let out = report::render(&report, a.format, use_color(a.common.color))?;
    write_stdout(&out)?;
    Ok(exit_code_for(
        report.findings.iter().map(|f| f.severity),
        a.common.fail_on,
    ))
}

fn add_observations(facts: &mut FactStore, p: &Presence) {
    if let Some(missing) = p.client_missing() {
        facts.insert(
            "observed.iis.client_missing",
            missing,
            Provenance::new("IIS and client logs").with_key("Windows-Update-Agent requests"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_missing_needs_overlap_and_no_agent_requests() {
        let mut p = Presence {
            client: Some((10 * 3600, 12 * 3600)),
            iis: Some((9 * 3600, 13 * 3600)),
            ..Presence::default()
        };
        assert_eq!(p.client_missing(), Some(true));
        p.wua_hours.insert(11);
        assert_eq!(p.client_missing(), Some(false));
        let disjoint = Presence {
            client: Some((10 * 3600, 12 * 3600)),
            iis: Some((20 * 3600, 21 * 3600)),
            ..Presence::default()
        };
        assert_eq!(disjoint.client_missing(), None);
    }
}
