//! `supdiag view`: merged, time-sorted, UTC-normalised records.

use std::collections::BTreeSet;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use regex::Regex;

use crate::cli::ViewArgs;
use crate::event::{Event, LogKind, Severity};
use crate::report::view::{render_view, ViewRecord};
use crate::scan::{self, FileInfo, Part, Visitor};

use super::{discover_or_fail, scan_options, use_color, warn_unread, write_stdout, EXIT_OK};

/// Record filters of `view`.
#[derive(Debug, Default)]
pub struct ViewFilter {
    pub level: Option<Severity>,
    pub component: Option<ComponentFilter>,
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
            component: a.component.as_deref().map(ComponentFilter::new),
            since,
            until,
            grep,
        })
    }

    pub fn accepts(&self, ev: &Event<'_>) -> bool {
        self.component.as_ref().is_none_or(|c| c.matches(ev)) && self.accepts_but_component(ev)
    }

    /// Every filter except `--component` (whose misses `view` counts for its hint).
    fn accepts_but_component(&self, ev: &Event<'_>) -> bool {
        if let Some(l) = self.level {
            if ev.severity < l {
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

/// `--component`: a case-insensitive substring of the component, or a log kind name standing for
/// its records and its ConfigMgr component (`wcm` = `SMS_WSUS_CONFIGURATION_MANAGER`).
#[derive(Debug)]
pub struct ComponentFilter {
    lower: String,
    kind: Option<LogKind>,
}

impl ComponentFilter {
    pub fn new(s: &str) -> Self {
        ComponentFilter {
            lower: s.to_ascii_lowercase(),
            kind: LogKind::parse(s).filter(|k| *k != LogKind::Other),
        }
    }

    pub fn matches(&self, ev: &Event<'_>) -> bool {
        if let Some(k) = self.kind {
            if ev.kind == k
                || k.components()
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(ev.component))
            {
                return true;
            }
        }
        ev.component.to_ascii_lowercase().contains(&self.lower)
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

/// How many distinct components the "matches nothing" hint names.
const HINT_COMPONENTS: usize = 12;

struct Collect<'f> {
    filter: &'f ViewFilter,
    records: Vec<ViewRecord>,
    /// Whether any record passed `--component`.
    component_hit: bool,
    /// Components of the records `--component` turned away (for the hint).
    missed: BTreeSet<String>,
}

impl<'f> Collect<'f> {
    fn new(filter: &'f ViewFilter) -> Self {
        Collect {
            filter,
            records: Vec::new(),
            component_hit: false,
            missed: BTreeSet::new(),
        }
    }
}

impl Part for Collect<'_> {
    fn event(&mut self, ev: &Event<'_>, file: &FileInfo<'_>) {
        if let Some(c) = &self.filter.component {
            if !c.matches(ev) {
                if !self.component_hit
                    && self.missed.len() < HINT_COMPONENTS
                    && !ev.component.is_empty()
                    && !self.missed.contains::<str>(ev.component)
                {
                    self.missed.insert(ev.component.to_string());
                }
                return;
            }
            self.component_hit = true;
        }
        if self.filter.accepts_but_component(ev) {
            self.records
                .push(ViewRecord::from_event(ev, &file.input.display));
        }
    }

    fn empty(&self) -> Self {
        Collect::new(self.filter)
    }

    fn append(&mut self, later: Self) {
        self.records.extend(later.records);
        self.component_hit |= later.component_hit;
        self.missed.extend(later.missed);
    }
}

/// Nothing depends on order (records are sorted after the scan): phase B only appends.
impl<'f> Visitor for Collect<'f> {
    type Part = Collect<'f>;

    fn part(&mut self) -> Self::Part {
        self.empty()
    }

    fn take(&mut self, part: Self::Part) {
        self.append(part);
    }
}

/// The note for a `--component` that matched no record: the components that were there and
/// the log names it also accepts.
fn component_hint(given: &str, seen: &BTreeSet<String>) -> String {
    let shown: Vec<&str> = seen
        .iter()
        .take(HINT_COMPONENTS)
        .map(String::as_str)
        .collect();
    let aliases: Vec<&str> = LogKind::KNOWN.iter().map(|k| k.as_str()).collect();
    format!(
        "--component {given:?} matches no record; components in these logs: {}; log names also accepted: {}",
        if shown.is_empty() {
            "none".to_string()
        } else {
            shown.join(", ")
        },
        aliases.join(", ")
    )
}

pub fn run(a: ViewArgs) -> Result<u8> {
    let filter = ViewFilter::from_args(&a)?;
    if a.follow {
        return crate::app::follow::run(&a, &filter);
    }
    let d = discover_or_fail(&a.paths, false)?;
    let results = scan::scan_all(&d.streams, |_| Collect::new(&filter), scan_options(a.mmap));
    let mut reports = Vec::new();
    let mut records = Vec::new();
    let mut component_hit = false;
    let mut missed = BTreeSet::new();
    for (r, c) in results {
        reports.extend(r);
        records.extend(c.records);
        component_hit |= c.component_hit;
        missed.extend(c.missed);
    }
    super::inputs::settle(&mut reports, &d);
    warn_unread(&reports, false);
    if let (Some(given), false) = (&a.component, component_hit) {
        eprintln!(
            "supdiag: note: {}",
            super::for_stderr(&component_hint(given, &missed))
        );
    }
    // Stable sort: records without a time keep their file order after the timed ones.
    records.sort_by(|a, b| {
        (a.time_utc.is_none(), a.time_utc, &a.file, a.line).cmp(&(
            b.time_utc.is_none(),
            b.time_utc,
            &b.file,
            b.line,
        ))
    });
    let out = render_view(&records, a.format, use_color(a.color), a.local_time);
    write_stdout(&out)?;
    // The records shown are not all there are when an input was lost.
    if reports.iter().any(|r| r.error.is_some()) {
        return Ok(super::EXIT_ERROR);
    }
    Ok(EXIT_OK)
}
