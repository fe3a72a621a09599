//! `supdiag view`: merged, time-sorted, UTC-normalised records.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use regex::Regex;

use crate::cli::ViewArgs;
use crate::event::{Event, Severity};
use crate::report::view::{render_view, ViewRecord};
use crate::scan::{self, FileInfo, Visitor};

use super::{check_any_readable, discover_or_fail, scan_options, use_color, write_stdout, EXIT_OK};

/// Record filters of `view`.
#[derive(Debug, Default)]
pub struct ViewFilter {
    pub level: Option<Severity>,
    pub component: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub grep: Option<Regex>,
}

impl ViewFilter {
    pub fn from_args(a: &ViewArgs) -> Result<Self> {
        let level =
            match &a.level {
                Some(l) => Some(Severity::parse(l).with_context(|| {
                    format!("--level {l:?}: expected one of error, warning, info")
                })?),
                None => None,
            };
        let since = a
            .since
            .as_deref()
            .map(parse_time_arg)
            .transpose()
            .context("--since")?;
        let until = a
            .until
            .as_deref()
            .map(parse_time_arg)
            .transpose()
            .context("--until")?;
        let grep = a
            .grep
            .as_deref()
            .map(|g| Regex::new(&format!("(?i){g}")))
            .transpose()
            .context("--grep: not a valid regular expression")?;
        Ok(ViewFilter {
            level,
            component: a.component.as_ref().map(|c| c.to_ascii_lowercase()),
            since,
            until,
            grep,
        })
    }

    pub fn accepts(&self, ev: &Event<'_>) -> bool {
        if let Some(l) = self.level {
            if ev.severity < l {
                return false;
            }
        }
        if let Some(c) = &self.component {
            if !ev.component.to_ascii_lowercase().contains(c.as_str()) {
                return false;
            }
        }
        if self.since.is_some() || self.until.is_some() {
            let Some(t) = ev.time_utc else { return false };
            if self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t >= u) {
                return false;
            }
        }
        if let Some(g) = &self.grep {
            if !g.is_match(&ev.message) {
                return false;
            }
        }
        true
    }
}

/// Parse a user time: RFC 3339, `YYYY-MM-DD HH:MM[:SS]` (UTC) or `YYYY-MM-DD`.
pub fn parse_time_arg(s: &str) -> Result<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(t.and_utc());
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc());
        }
    }
    anyhow::bail!(
        "{s:?} is not a time: use 2026-11-20T07:00:00Z, 2026-11-20 07:00 or 2026-11-20 (UTC)"
    )
}

struct Collect<'f> {
    filter: &'f ViewFilter,
    records: Vec<ViewRecord>,
}

impl Visitor for Collect<'_> {
    fn event(&mut self, ev: &Event<'_>, file: &FileInfo<'_>) {
        if self.filter.accepts(ev) {
            self.records
                .push(ViewRecord::from_event(ev, &file.input.display));
        }
    }

    // Records are sorted after the scan, so chunks of one big file can be read in parallel.
    fn fork(&self) -> Option<Self> {
        Some(Collect {
            filter: self.filter,
            records: Vec::new(),
        })
    }

    fn join(&mut self, later: Self) {
        self.records.extend(later.records);
    }
}

pub fn run(a: ViewArgs) -> Result<u8> {
    let filter = ViewFilter::from_args(&a)?;
    if a.follow {
        return crate::app::follow::run(&a, &filter);
    }
    let d = discover_or_fail(&a.paths, false)?;
    let results = scan::scan_all(
        &d.streams,
        |_| Collect {
            filter: &filter,
            records: Vec::new(),
        },
        scan_options(a.no_mmap),
    );
    let mut reports = Vec::new();
    let mut records = Vec::new();
    for (r, c) in results {
        reports.extend(r);
        records.extend(c.records);
    }
    check_any_readable(&reports, false)?;
    // Stable sort: records without a time keep their file order after the timed ones.
    records.sort_by(|a, b| {
        (a.time_utc.is_none(), a.time_utc, &a.file, a.line).cmp(&(
            b.time_utc.is_none(),
            b.time_utc,
            &b.file,
            b.line,
        ))
    });
    let out = render_view(&records, a.format, use_color(a.color));
    write_stdout(&out)?;
    Ok(EXIT_OK)
}
