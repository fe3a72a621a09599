//! wsyncmgr.log → sync runs (docs/domain.md §D). One builder per stream; rollover generations arrive in
//! order as one stream, so a run that starts in `wsyncmgr.lo_` and ends in `wsyncmgr.log` is one
//! run.
//!
//! Interruption rule (decided here, documented in the README of `samples/site-history`): a run
//! without an end line is `interrupted` when, before it ends, the component logs a new
//! `Starting Sync`, a restart (`SMS_EXECUTIVE started SMS_WSUS_SYNC_MANAGER`), or a `Wakeup ...`
//! line. The sync thread logs `Wakeup` only from its idle loop, so a wakeup proves the run is no
//! longer executing; no time-gap guess is needed. A run still open at the end of the stream is
//! `running`.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use memchr::memmem::Finder;

use super::statmsg;
use super::SyncLine;
use super::{Phase, PhaseKind, RunResult, SyncRun, Trigger};

/// Distinct failed update ids kept per run.
const MAX_FAILED_UPDATES: usize = 50;

#[derive(Clone, Debug)]
struct Open {
    run: SyncRun,
    /// Set once a success or failure line was seen; trailing end lines still attach.
    ended: bool,
    gmt_end: bool,
}

#[derive(Clone, Debug, Default)]
pub struct RunBuilder {
    open: Option<Open>,
    done: Vec<SyncRun>,
    /// Trigger seen before `Starting Sync` (wakeup / request file lines).
    pending: Option<Trigger>,
    pending_full: bool,
    /// Site code learnt anywhere in the stream, for runs that do not say it.
    stream_site: Option<String>,
    stream_system: Option<String>,
}

impl RunBuilder {
    pub fn feed(&mut self, ev: &SyncLine<'_>, matched: &[&str]) {
        let msg = crate::parse::trim_fast(ev.msg);
        // Most lines of a sync are per-update progress: one prefix automaton and one substring
        // search tell so, instead of the whole chain of checks below.
        if is_plain_trimmed(msg, ev.may_hold_out_of) {
            self.plain(ev.file, ev.line, ev.time, matched);
            return;
        }
        let t = ev.time;
        let belongs = self.classify(msg, t, ev);
        if belongs {
            self.attach(ev.file, ev.line, t, matched);
        }
    }

    /// The effect of lines that [`is_plain`] says nothing else about: they belong to a run that
    /// is open and not ended (its end position, last activity and rule hits move on). For a run
    /// of such lines, apply once with the last line's position and time.
    pub fn plain(&mut self, file: &str, line: u64, t: Option<DateTime<Utc>>, matched: &[&str]) {
        if self.open.as_ref().is_some_and(|o| !o.ended) {
            self.attach(file, line, t, matched);
        }
    }

    /// A line that belongs to the open run.
    fn attach(&mut self, file: &str, line: u64, t: Option<DateTime<Utc>>, matched: &[&str]) {
        let Some(o) = self.open.as_mut() else {
            return;
        };
        let r = &mut o.run;
        if r.log.end_file != file {
            r.log.end_file = file.to_string();
        }
        r.log.end_line = line;
        if t.is_some() {
            r.last_activity = t;
        }
        for id in matched {
            if !r.finding_ids.iter().any(|x| x == id) {
                r.finding_ids.push((*id).to_string());
            }
        }
    }

    /// Apply one message; true when the line belongs to the open run.
    fn classify(&mut self, msg: &str, t: Option<DateTime<Utc>>, ev: &SyncLine<'_>) -> bool {
        if let Some(m) = statmsg::parse(msg) {
            return self.statmsg(&m, t, ev);
        }
        if msg.starts_with("Starting Sync") {
            self.interrupt("new sync started before the run ended");
            self.close_ended();
            self.start(t, ev);
            return true;
        }
        // Prefix checks first: this runs on every wsyncmgr line, and a prefix rules out nearly
        // every line before any pattern searches the whole message.
        if msg.starts_with("SMS_EXECUTIVE")
            && msg.contains("SMS_EXECUTIVE started SMS_WSUS_SYNC_MANAGER")
        {
            self.interrupt("component restart (SMS_EXECUTIVE started SMS_WSUS_SYNC_MANAGER)");
            self.close_ended();
            self.pending = None;
            return false;
        }
        if let Some(rest) = msg.strip_prefix("Wakeup") {
            self.interrupt("component idle loop woke up (Wakeup) before the run ended");
            self.close_ended();
            if rest.contains("scheduled regular sync") {
                self.pending = Some(Trigger::Schedule);
            } else if rest.contains("polling cycle") {
                self.pending = Some(Trigger::Retry);
            }
            return false;
        }
        let found = msg.starts_with("Found ");
        if found && msg.contains("Found local sync request file") {
            let full = msg.to_ascii_uppercase().contains("FULL.SYN");
            self.pending = Some(if full {
                Trigger::FullSync
            } else {
                Trigger::Manual
            });
            self.pending_full = full;
            return false;
        }
        if found && msg.contains("Found parent sync notification file") {
            self.pending = Some(Trigger::ParentRequest);
            return false;
        }
        self.run_line(msg, t)
    }

    fn run_line(&mut self, msg: &str, t: Option<DateTime<Utc>>) -> bool {
        let Some(o) = self.open.as_mut() else {
            if let Some(site) = site_of(msg) {
                self.stream_site = Some(site.to_string());
            }
            return false;
        };
        let r = &mut o.run;
        if let Some(site) = site_of(msg) {
            r.site = Some(site.to_string());
            self.stream_site = Some(site.to_string());
        }
        // Lines that may follow the success/failure line and still belong to the run.
        if let Some(v) = msg.strip_prefix("Sync time:") {
            if let Some(d) = parse_sync_time(v.trim()) {
                r.duration_seconds = Some(d);
            }
            return true;
        }
        if let Some(v) = msg.strip_prefix("Sync failed. Will retry in ") {
            r.retry_in_minutes = v.split_whitespace().next().and_then(|n| n.parse().ok());
            if !o.ended {
                r.result = RunResult::Failed;
                o.ended = true;
                r.end = r.end.or(t);
            }
            return true;
        }
        let version = if msg.starts_with("Set content version") {
            after(msg, &TO)
        } else if msg.starts_with("Updated ") {
            after(msg, &VERSION_IS)
        } else {
            None
        };
        if let Some(v) = version {
            if let Ok(n) = v.trim_end_matches('.').trim().parse() {
                r.content_version = Some(n);
            }
            return true;
        }
        if msg.starts_with("Updated ") && msg.contains("items in SMS database")
            || msg.starts_with("Sending sync notification")
            || msg.starts_with("Successfully synced site with parent")
        {
            return true;
        }
        if o.ended {
            return false;
        }
        if let Some(v) = msg.strip_prefix("Performing sync on ") {
            let trig = if v.starts_with("regular schedule") {
                Trigger::Schedule
            } else if v.starts_with("local request") {
                if r.trigger == Trigger::FullSync {
                    Trigger::FullSync
                } else {
                    Trigger::Manual
                }
            } else if v.starts_with("retry schedule") {
                Trigger::Retry
            } else if v.starts_with("parent request") {
                Trigger::ParentRequest
            } else {
                r.trigger
            };
            r.trigger = trig;
            r.retry_of_failed = trig == Trigger::Retry
                && self
                    .done
                    .last()
                    .is_some_and(|p| p.result == RunResult::Failed);
            return true;
        }
        if msg.starts_with("Full sync required") {
            r.full_sync = true;
            return true;
        }
        if msg.starts_with("Sync succeeded") {
            r.result = RunResult::Success;
            o.ended = true;
            if !o.gmt_end {
                r.end = t;
            }
            return true;
        }
        if let Some(v) = msg.strip_prefix("Sync failed: ") {
            let (text, source) = match v.rfind(". Source: ") {
                Some(i) => (&v[..i], Some(v[i + ". Source: ".len()..].trim())),
                None => (v.trim_end_matches('.'), None),
            };
            r.result = RunResult::Failed;
            r.error = Some(text.to_string());
            if let Some(s) = source {
                r.error_source = Some(s.to_string());
            }
            o.ended = true;
            if !o.gmt_end {
                r.end = t;
            }
            return true;
        }
        if msg.starts_with("Too many consecutive failures") {
            r.error.get_or_insert_with(|| msg.to_string());
            return true;
        }
        if let Some(v) = msg.strip_prefix("Failed to sync update ") {
            let id = v.split(['.', ' ']).next().unwrap_or("").to_string();
            if !id.is_empty()
                && r.failed_updates.len() < MAX_FAILED_UPDATES
                && !r.failed_updates.contains(&id)
            {
                r.failed_updates.push(id);
            }
            return true;
        }
        if let Some(v) = msg.strip_prefix("Synchronizing WSUS server ") {
            let host = v.trim_end_matches('.').trim().to_string();
            if current_phase(r) == Some(PhaseKind::Replicas) {
                if !r.replicas.contains(&host) {
                    r.replicas.push(host);
                }
            } else {
                r.server.get_or_insert(host);
                open_phase(r, PhaseKind::WsusSync, t);
            }
            return true;
        }
        if msg.starts_with("sync: Starting WSUS synchronization") {
            open_phase(r, PhaseKind::WsusSync, t);
            return true;
        }
        if msg.starts_with("Synchronizing SMS database with WSUS server")
            || msg.starts_with("sync: Starting SMS database synchronization")
        {
            open_phase(r, PhaseKind::SiteDbSync, t);
            return true;
        }
        if msg.starts_with("Synchronizing replica WSUS servers") {
            open_phase(r, PhaseKind::Replicas, t);
            return true;
        }
        if msg.starts_with("Done synchronizing") {
            if let Some(p) = r.phases.last_mut() {
                p.end = t.or(p.end);
            }
            return true;
        }
        if let Some(y) = out_of(msg) {
            if let Some(p) = r.phases.last_mut() {
                p.items = Some(p.items.map_or(y, |v| v.max(y)));
            }
            if msg.contains("synchronizing updates") {
                r.updates_processed = Some(r.updates_processed.map_or(y, |v| v.max(y)));
            }
            return true;
        }
        true
    }

    fn statmsg(
        &mut self,
        m: &statmsg::StatMsg<'_>,
        t: Option<DateTime<Utc>>,
        ev: &SyncLine<'_>,
    ) -> bool {
        if let Some(s) = m.site {
            self.stream_site = Some(s.to_string());
        }
        if let Some(s) = m.system {
            self.stream_system = Some(s.to_string());
        }
        if m.id == 6701 && self.open.as_ref().is_none_or(|o| o.ended) {
            // The `Starting Sync` line was lost (log began mid-way): the status message opens it.
            self.close_ended();
            self.start(t, ev);
        }
        let Some(o) = self.open.as_mut() else {
            return false;
        };
        let r = &mut o.run;
        if let Some(s) = m.site {
            r.site = Some(s.to_string());
        }
        if let Some(s) = m.system {
            r.site_server = Some(s.to_string());
        }
        let at = m.gmt.or(t);
        match m.id {
            // GMTDATE of 6701 is preferred over the line time of `Starting Sync`.
            6701 if m.gmt.is_some() => r.start = m.gmt,
            6701 => {}
            6702 => {
                r.result = RunResult::Success;
                o.ended = true;
                r.end = at;
                o.gmt_end = m.gmt.is_some();
            }
            6703 => {
                r.result = RunResult::Failed;
                o.ended = true;
                r.end = at;
                o.gmt_end = m.gmt.is_some();
                if m.last_error.is_some() {
                    r.error_code.clone_from(&m.last_error);
                }
                if r.error.is_none() {
                    r.error = m.istr1.map(str::to_string);
                }
                if r.error_source.is_none() {
                    r.error_source = m.istr0.map(str::to_string);
                }
            }
            6704 if !o.ended => open_phase(r, PhaseKind::WsusSync, at),
            6705 if !o.ended => open_phase(r, PhaseKind::SiteDbSync, at),
            6706 if !o.ended => open_phase(r, PhaseKind::Replicas, at),
            _ if o.ended => return false,
            _ => {}
        }
        true
    }

    fn start(&mut self, t: Option<DateTime<Utc>>, ev: &SyncLine<'_>) {
        let trigger = self.pending.take().unwrap_or_default();
        let full = std::mem::take(&mut self.pending_full);
        self.open = Some(Open {
            run: SyncRun {
                host: ev.host.map(str::to_string),
                full_sync: full,
                ..SyncRun::started(trigger, t, ev.file, ev.line)
            },
            ended: false,
            gmt_end: false,
        });
    }

    /// Mark an open, not ended run interrupted and move it to `done`.
    fn interrupt(&mut self, why: &str) {
        if self.open.as_ref().is_some_and(|o| !o.ended) {
            if let Some(mut o) = self.open.take() {
                o.run.result = RunResult::Interrupted;
                o.run.interrupted_by = Some(why.to_string());
                self.push(o);
            }
        }
    }

    /// Move an ended run to `done`.
    fn close_ended(&mut self) {
        if self.open.as_ref().is_some_and(|o| o.ended) {
            if let Some(o) = self.open.take() {
                self.push(o);
            }
        }
    }

    fn push(&mut self, o: Open) {
        let mut r = o.run;
        if r.duration_seconds.is_none() {
            if let (Some(s), Some(e)) = (r.start, r.end) {
                r.duration_seconds = Some((e - s).num_seconds().max(0));
            }
        }
        if matches!(r.result, RunResult::Success | RunResult::Failed) {
            r.last_activity = None;
        }
        // Phases left open end where the next one started, or at the run end.
        let ends: Vec<Option<DateTime<Utc>>> = r.phases.iter().skip(1).map(|p| p.start).collect();
        let run_end = r.end.or(r.last_activity);
        for (i, p) in r.phases.iter_mut().enumerate() {
            if p.end.is_none() {
                p.end = ends.get(i).copied().flatten().or(run_end);
            }
        }
        self.done.push(r);
    }

    pub fn finish(mut self) -> Vec<SyncRun> {
        if let Some(o) = self.open.take() {
            self.push(o);
        }
        for r in &mut self.done {
            if r.site.is_none() {
                r.site.clone_from(&self.stream_site);
            }
            if r.site_server.is_none() {
                r.site_server.clone_from(&self.stream_system);
            }
        }
        self.done
    }
}

/// Starts of every message [`RunBuilder::feed`] interprets; keep in step with `classify` and
/// `run_line` (the differential tests in `runs_tests.rs` and `tests/parallel.rs` fail otherwise).
const LINE_PREFIXES: &[&str] = &[
    "STATMSG:",
    "Starting Sync",
    "SMS_EXECUTIVE",
    "Wakeup",
    "Found ",
    "Sync time:",
    "Sync failed",
    "Set content version",
    "Updated ",
    "Sending sync notification",
    "Successfully synced site with parent",
    "Performing sync on ",
    "Full sync required",
    "Sync succeeded",
    "Too many consecutive failures",
    "Failed to sync update ",
    "Synchronizing WSUS server ",
    "sync: Starting ",
    "Synchronizing SMS database with WSUS server",
    "Synchronizing replica WSUS servers",
    "Done synchronizing",
];

/// True when `msg` can only have the [`RunBuilder::plain`] effect whatever the builder's state
/// (most lines of a sync: per-update progress). Forked scans keep only the other lines, in order.
/// `may_hold_out_of`: see [`super::SyncLine::may_hold_out_of`].
pub fn is_plain(msg: &str, may_hold_out_of: bool) -> bool {
    is_plain_trimmed(crate::parse::trim_fast(msg), may_hold_out_of)
}

fn is_plain_trimmed(m: &str, may_hold_out_of: bool) -> bool {
    !(has_line_prefix(m) || may_hold_out_of && out_of(m).is_some())
}

/// Does `m` start with one of [`LINE_PREFIXES`]? Its bytes at [`SELECT_AT`] select the
/// prefixes that can (a bit each in [`LINE_START_BYTES`]); nearly every line leaves none (the
/// fifteenth byte tells a per-update progress line from the three other `Synchronizing ...`).
/// (This runs on every wsyncmgr line: one or two bytes answer for nearly all of them, where a
/// chain of `starts_with` or an anchored automaton would try every prefix.)
fn has_line_prefix(m: &str) -> bool {
    let b = m.as_bytes();
    let tables = &*LINE_START_BYTES;
    let byte = |i: usize| usize::from(b.get(i).copied().unwrap_or(0));
    let mut candidates = tables
        .iter()
        .zip(SELECT_AT)
        .fold(u32::MAX, |c, (t, at)| c & t[byte(at)]);
    while candidates != 0 {
        let i = candidates.trailing_zeros() as usize;
        candidates &= candidates - 1;
        if LINE_PREFIXES.get(i).is_some_and(|p| m.starts_with(p)) {
            return true;
        }
    }
    false
}

/// The places of the bytes that select [`LINE_PREFIXES`] candidates.
const SELECT_AT: [usize; 3] = [0, 4, 14];

/// Per [`SELECT_AT`] place: which of [`LINE_PREFIXES`] (bit `i`) can have a given byte there:
/// the prefix's own byte, or any byte when the prefix is shorter (every prefix has five).
static LINE_START_BYTES: LazyLock<[[u32; 256]; 3]> = LazyLock::new(|| {
    const _: () = assert!(LINE_PREFIXES.len() <= 32);
    let mut tables = [[0u32; 256]; 3];
    for (i, p) in LINE_PREFIXES.iter().enumerate() {
        let b = p.as_bytes();
        for (t, at) in tables.iter_mut().zip(SELECT_AT) {
            match b.get(at) {
                Some(&c) => t[usize::from(c)] |= 1 << i,
                None => t.iter_mut().for_each(|w| *w |= 1 << i),
            }
        }
    }
    tables
});

fn current_phase(r: &SyncRun) -> Option<PhaseKind> {
    r.phases.last().map(|p| p.phase)
}

/// Start `kind` unless it is already the current phase (several lines announce each phase).
fn open_phase(r: &mut SyncRun, kind: PhaseKind, t: Option<DateTime<Utc>>) {
    if current_phase(r) == Some(kind) {
        return;
    }
    if let Some(p) = r.phases.last_mut() {
        if p.end.is_none() {
            p.end = t;
        }
    }
    r.phases.push(Phase {
        phase: kind,
        start: t,
        end: None,
        items: None,
    });
}

/// What a progress counter (`processed X out of Y items`) holds.
pub const OUT_OF_NEEDLE: &str = " out of ";
// Searchers built once, as they run on every wsyncmgr line (`memmem::rfind` builds one per
// call). The last occurrence is found with forward searches ([`after`]): the forward searcher
// has a SIMD prefilter, the reverse one does not.
static OUT_OF: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(OUT_OF_NEEDLE));
static TO: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(" to "));
static VERSION_IS: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("content version is "));

/// The text after the last occurrence of `finder`'s needle (occurrences may overlap: the search
/// restarts one byte after each hit, as a reverse search would find it).
fn after<'a>(msg: &'a str, finder: &Finder<'_>) -> Option<&'a str> {
    let b = msg.as_bytes();
    let mut last = None;
    let mut from = 0;
    while let Some(i) = b.get(from..).and_then(|h| finder.find(h)) {
        crate::matching::work::add(i + finder.needle().len());
        last = Some(from + i);
        from += i + 1;
    }
    crate::matching::work::add(b.len().saturating_sub(from));
    last.and_then(|i| msg.get(i + finder.needle().len()..))
}

/// Site code from `... on site PS1`, `... for site PS1 to 12`.
fn site_of(msg: &str) -> Option<&str> {
    if !(msg.starts_with("Set content version") || msg.starts_with("Sync succeeded")) {
        return None;
    }
    let i = msg.find(" site ")?;
    let code = msg[i + 6..].split([' ', '.']).next()?;
    (code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(code)
}

/// `processed X out of Y items` → Y.
fn out_of(msg: &str) -> Option<u64> {
    let v = after(msg, &OUT_OF)?;
    v.split_whitespace().next()?.parse().ok()
}

/// `0d00h03m53s` → 233 seconds.
pub fn parse_sync_time(s: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut num = String::new();
    let mut any = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: i64 = num.parse().ok()?;
        num.clear();
        let mult = match c {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(mult)?)?;
        any = true;
    }
    (any && num.is_empty()).then_some(total)
}

#[cfg(test)]
#[path = "runs_tests.rs"]
mod tests;
