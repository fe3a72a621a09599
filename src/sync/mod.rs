//! Sync and ADR run reconstruction from wsyncmgr.log and ruleengine.log (docs/domain.md §D): the run
//! types, the per-stream builder that `sync`, `report` and `analyze` feed event by event, and the
//! merge of several streams (rollover generations are one stream; several site servers are
//! several streams).

pub mod adr;
pub mod figures;
pub mod runs;
pub mod sites;
pub mod statmsg;
pub mod stats;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::event::{Event, LogKind};
use crate::scan::FileInfo;

pub use adr::{AdrBuilder, AdrResult, AdrRun};
pub use runs::RunBuilder;
pub use stats::{summarize, FindingOptions, SyncSummary};

/// What started a sync run (§D step 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// `Wakeup for scheduled regular sync` / `Performing sync on regular schedule`
    Schedule,
    /// Console "Synchronize Software Updates" (`SELF.SYN`, `Performing sync on local request`)
    Manual,
    /// `Performing sync on retry schedule` (after a failed run)
    Retry,
    /// Child site: `Performing sync on parent request`
    ParentRequest,
    /// `FULL.SYN` request file
    FullSync,
    /// The log does not say (the trigger lines were before the start of the log)
    #[default]
    Unknown,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Manual => "manual",
            Trigger::Retry => "retry",
            Trigger::ParentRequest => "parent_request",
            Trigger::FullSync => "full_sync",
            Trigger::Unknown => "unknown",
        }
    }
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunResult {
    Success,
    Failed,
    /// No end line at the end of the log: still running when the log was collected.
    Running,
    /// No end line, and the component started over (new `Starting Sync`, a component restart
    /// or a `Wakeup` of the idle loop) before the run ended.
    Interrupted,
}

impl RunResult {
    pub fn as_str(self) -> &'static str {
        match self {
            RunResult::Success => "success",
            RunResult::Failed => "failed",
            RunResult::Running => "running",
            RunResult::Interrupted => "interrupted",
        }
    }
}

/// Phases of a sync run (§D steps 4–6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    WsusSync,
    SiteDbSync,
    Replicas,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    pub phase: PhaseKind,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// Largest `out of Y items` seen in the phase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<u64>,
}

/// Where in the logs a run was read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogSpan {
    pub file: String,
    pub line: u64,
    pub end_file: String,
    pub end_line: u64,
}

/// One reconstructed sync run (JSON `sync_runs[]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncRun {
    pub site: Option<String>,
    pub trigger: Trigger,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub duration_seconds: Option<i64>,
    pub result: RunResult,
    pub updates_processed: Option<u64>,
    pub error: Option<String>,
    pub retry_of_failed: bool,
    pub finding_ids: Vec<String>,
    /// Sync source (`Synchronizing WSUS server <fqdn>`).
    pub server: Option<String>,
    /// Site server that wrote the log (STATMSG `SYS=`).
    pub site_server: Option<String>,
    /// Fleet host folder (`hosts/<name>/`), when the logs were collected that way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub full_sync: bool,
    /// `Source:` of `Sync failed: <msg>. Source: <src>` (or ISTR0 of STATMSG 6703).
    pub error_source: Option<String>,
    /// `LE=` of STATMSG 6703.
    pub error_code: Option<String>,
    /// `Sync failed. Will retry in <n> minutes`.
    pub retry_in_minutes: Option<u32>,
    /// Time of the last line of an interrupted or running run.
    pub last_activity: Option<DateTime<Utc>>,
    /// Why the run counts as interrupted.
    pub interrupted_by: Option<String>,
    pub phases: Vec<Phase>,
    pub content_version: Option<u64>,
    /// `Failed to sync update <guid>` (distinct ids, first 50).
    pub failed_updates: Vec<String>,
    /// Replica WSUS servers synchronised after the site DB phase.
    pub replicas: Vec<String>,
    /// Start and end of the run in the logs.
    pub log: LogSpan,
}

impl SyncRun {
    /// A run that has just started at `start`, line `line` of `file`: running, nothing else
    /// known yet.
    pub fn started(
        trigger: Trigger,
        start: Option<DateTime<Utc>>,
        file: &str,
        line: u64,
    ) -> SyncRun {
        SyncRun {
            site: None,
            trigger,
            start,
            end: None,
            duration_seconds: None,
            result: RunResult::Running,
            updates_processed: None,
            error: None,
            retry_of_failed: false,
            finding_ids: Vec::new(),
            server: None,
            site_server: None,
            host: None,
            full_sync: false,
            error_source: None,
            error_code: None,
            retry_in_minutes: None,
            last_activity: start,
            interrupted_by: None,
            phases: Vec::new(),
            content_version: None,
            failed_updates: Vec::new(),
            replicas: Vec::new(),
            log: LogSpan {
                file: file.to_string(),
                line,
                end_file: file.to_string(),
                end_line: line,
            },
        }
    }

    /// A finished run of site `site` for the tests: `secs` long when it ended.
    #[cfg(test)]
    pub(crate) fn for_test(
        site: &str,
        start: DateTime<Utc>,
        secs: Option<i64>,
        result: RunResult,
    ) -> SyncRun {
        let mut r = SyncRun::started(Trigger::Schedule, Some(start), "wsyncmgr.log", 1);
        r.site = Some(site.into());
        r.end = secs.map(|s| start + chrono::Duration::seconds(s));
        r.duration_seconds = secs;
        r.result = result;
        r.last_activity = None;
        r.log.end_line = 2;
        r
    }

    /// Duration for charts: the real one, else start → last activity (interrupted / running).
    pub fn chart_seconds(&self) -> Option<i64> {
        self.duration_seconds.or_else(|| {
            let (s, e) = (self.start?, self.last_activity?);
            Some((e - s).num_seconds().max(0))
        })
    }
}

/// Everything one stream (or all streams, after [`merge`]) produced.
#[derive(Clone, Debug, Default)]
pub struct SyncData {
    pub runs: Vec<SyncRun>,
    pub adr_runs: Vec<AdrRun>,
}

/// What the run builders read of an event (in the pipeline's phase B, from a copy phase A kept).
#[derive(Clone, Copy, Debug)]
pub struct SyncLine<'a> {
    pub msg: &'a str,
    pub time: Option<DateTime<Utc>>,
    pub line: u64,
    pub file: &'a str,
    pub host: Option<&'a str>,
    /// False when the caller's literal search found no [`OUT_OF_NEEDLE`] in the message (in
    /// any case): the builder need not search it for a progress counter.
    pub may_hold_out_of: bool,
}

pub use runs::OUT_OF_NEEDLE;

impl<'a> SyncLine<'a> {
    pub fn of(ev: &'a Event<'_>, file: &'a FileInfo<'_>) -> Self {
        SyncLine {
            msg: &ev.message,
            time: ev.time_utc,
            line: ev.line,
            file: &file.input.display,
            host: file.input.host.as_deref(),
            may_hold_out_of: true,
        }
    }
}

/// Per-stream builder. Feed every event of the stream in order; only wsyncmgr and ruleengine
/// events are looked at, the rest return at once (this runs on every event of `analyze`).
#[derive(Debug, Default)]
pub struct SyncBuilder {
    runs: RunBuilder,
    adr: AdrBuilder,
}

impl SyncBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// `matched`: ids of the rules that matched this event (attached to the open run).
    #[inline]
    pub fn feed(&mut self, ev: &Event<'_>, file: &FileInfo<'_>, matched: &[&str]) {
        if Self::reads(ev.kind) {
            self.feed_line(ev.kind, &SyncLine::of(ev, file), matched);
        }
    }

    /// The kinds the builders read (others are ignored).
    #[inline]
    pub fn reads(kind: LogKind) -> bool {
        matches!(kind, LogKind::Wsyncmgr | LogKind::RuleEngine)
    }

    pub fn feed_line(&mut self, kind: LogKind, line: &SyncLine<'_>, matched: &[&str]) {
        match kind {
            LogKind::Wsyncmgr => self.runs.feed(line, matched),
            LogKind::RuleEngine => self.adr.feed(line),
            _ => {}
        }
    }

    /// True when a `kind` line with message `msg` can only have the [`Self::plain`] effect,
    /// whatever came before it ([`SyncLine::may_hold_out_of`] for `may_hold_out_of`).
    pub fn is_plain(kind: LogKind, msg: &str, may_hold_out_of: bool) -> bool {
        match kind {
            LogKind::Wsyncmgr => runs::is_plain(msg, may_hold_out_of),
            LogKind::RuleEngine => adr::is_plain(msg),
            _ => true,
        }
    }

    /// Apply a run of plain lines at once: `file`/`line`/`t` of the last one, `matched` the
    /// rule ids of all of them (in order of first appearance).
    pub fn plain(
        &mut self,
        kind: LogKind,
        file: &str,
        line: u64,
        t: Option<DateTime<Utc>>,
        matched: &[&str],
    ) {
        match kind {
            LogKind::Wsyncmgr => self.runs.plain(file, line, t, matched),
            LogKind::RuleEngine => self.adr.plain(t),
            _ => {}
        }
    }

    pub fn finish(self) -> SyncData {
        SyncData {
            runs: self.runs.finish(),
            adr_runs: self.adr.finish(),
        }
    }
}

/// Merge the data of several streams: runs sorted by start (runs without a time last, in input
/// order), so output does not depend on scheduling.
pub fn merge(parts: impl IntoIterator<Item = SyncData>) -> SyncData {
    let mut all: Option<SyncData> = None;
    for p in parts {
        match all.as_mut() {
            // The first part is taken as it is: moving thousands of runs into a new vector is
            // not free (fresh memory is slow to touch on a virtual machine).
            None => all = Some(p),
            Some(a) => {
                a.runs.extend(p.runs);
                a.adr_runs.extend(p.adr_runs);
            }
        }
    }
    let mut all = all.unwrap_or_default();
    let key = |t: Option<DateTime<Utc>>| (t.is_none(), t);
    if !all.runs.is_sorted_by_key(|r| key(r.start)) {
        all.runs.sort_by_key(|r| key(r.start));
    }
    if !all.adr_runs.is_sorted_by_key(|r| key(r.start)) {
        all.adr_runs.sort_by_key(|r| key(r.start));
    }
    all
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Feed SMS-format text through the real parser into a builder.

    use super::*;
    use crate::event::Format;
    use crate::parse::{self, ParseCtx};
    use crate::source::InputFile;

    pub fn input(name: &str) -> InputFile {
        InputFile::named(name, LogKind::from_file_name(name))
    }

    /// Feed `text` (one file of a stream) as log `kind` into `b`.
    pub fn feed_text(b: &mut SyncBuilder, name: &str, kind: LogKind, text: &str) {
        let inp = input(name);
        let info = FileInfo {
            id: 0,
            input: &inp,
            kind,
            format: Format::Sms,
        };
        let ctx = ParseCtx::new(0, kind);
        parse::parse_text(Format::Sms, text, 1, &ctx, &mut |ev| {
            b.feed(&ev, &info, &[]);
        });
    }

    /// One SMS-format line with a bias of +060.
    pub fn sms(msg: &str, comp: &str, date: &str, time: &str) -> String {
        format!("{msg}  $$<{comp}><{date} {time}.000+060><thread=4884 (0x1314)>\n")
    }

    pub fn w(msg: &str, date: &str, time: &str) -> String {
        sms(msg, "SMS_WSUS_SYNC_MANAGER", date, time)
    }
}

#[cfg(test)]
mod plain_tests {
    //! Forked scans keep only the lines `is_plain` rejects and apply each stretch of plain lines
    //! once (`plain`): on every sample log and on a generated sync log, that must build exactly
    //! the runs that feeding every line builds.

    use super::testutil::{sms, w};
    use super::*;
    use crate::parse::{self, ParseCtx};
    use crate::source::InputFile;

    /// A stretch of plain lines: kind, last line, last time, rule ids.
    type Stretch<'a> = (LogKind, u64, Option<DateTime<Utc>>, Vec<&'a str>);

    /// (runs fed line by line, runs with plain stretches coalesced)
    fn both(name: &str, kind: LogKind, text: &str) -> (SyncData, SyncData) {
        let inp = InputFile {
            path: name.into(),
            display: name.to_string(),
            kind_hint: Some(kind),
            host: Some("h1".into()),
        };
        let format = parse::detect(text);
        let info = FileInfo {
            id: 0,
            input: &inp,
            kind,
            format,
        };
        let ctx = ParseCtx::new(0, kind);
        let mut every = SyncBuilder::new();
        let mut coalesced = SyncBuilder::new();
        // Pending stretch: (kind, line, time, matched ids)
        let mut stretch: Option<Stretch<'_>> = None;
        let ids = ["rule_a", "rule_b"];
        parse::parse_text(format, text, 1, &ctx, &mut |ev| {
            // Some fake rule hits, so finding ids are compared too.
            let matched: Vec<&str> = match ev.line % 7 {
                0 => vec![ids[0]],
                3 => vec![ids[1], ids[0]],
                _ => vec![],
            };
            every.feed(&ev, &info, &matched);
            if !SyncBuilder::reads(ev.kind) {
                return;
            }
            // The hint the pipeline's literal search gives (case-insensitive, so a superset).
            let may_hold_out_of = ev.message.to_ascii_lowercase().contains(OUT_OF_NEEDLE);
            if SyncBuilder::is_plain(ev.kind, &ev.message, may_hold_out_of) {
                let s = stretch.get_or_insert((ev.kind, 0, None, Vec::new()));
                if s.0 != ev.kind {
                    let (k, l, t, m) = std::mem::replace(s, (ev.kind, 0, None, Vec::new()));
                    coalesced.plain(k, name, l, t, &m);
                }
                s.1 = ev.line;
                s.2 = ev.time_utc.or(s.2);
                for id in matched {
                    if !s.3.contains(&id) {
                        s.3.push(id);
                    }
                }
            } else {
                if let Some((k, l, t, m)) = stretch.take() {
                    coalesced.plain(k, name, l, t, &m);
                }
                let line = SyncLine {
                    may_hold_out_of,
                    ..SyncLine::of(&ev, &info)
                };
                coalesced.feed_line(ev.kind, &line, &matched);
            }
        });
        if let Some((k, l, t, m)) = stretch.take() {
            coalesced.plain(k, name, l, t, &m);
        }
        (every.finish(), coalesced.finish())
    }

    fn assert_same(name: &str, kind: LogKind, text: &str) -> usize {
        let (a, b) = both(name, kind, text);
        assert_eq!(format!("{:?}", a.runs), format!("{:?}", b.runs), "{name}");
        assert_eq!(
            format!("{:?}", a.adr_runs),
            format!("{:?}", b.adr_runs),
            "{name}"
        );
        a.runs.len() + a.adr_runs.len()
    }

    #[test]
    fn coalescing_plain_lines_changes_nothing_on_the_samples() {
        let mut runs = 0;
        let mut files = 0;
        for (path, text) in crate::testutil::sample_files() {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let kind = if name.starts_with("wsyncmgr") {
                LogKind::Wsyncmgr
            } else if name.starts_with("ruleengine") {
                LogKind::RuleEngine
            } else {
                continue;
            };
            let text = text.trim_start_matches('\u{feff}');
            runs += assert_same(&path.display().to_string(), kind, text);
            files += 1;
        }
        assert!(files >= 5, "sample wsyncmgr/ruleengine logs found: {files}");
        assert!(runs >= 10, "runs built from the samples: {runs}");
    }

    #[test]
    fn coalescing_plain_lines_changes_nothing_mid_run() {
        // Ends, trailing lines, a restart mid-run and progress lines between them.
        let mut t = String::new();
        for (i, m) in [
            "Wakeup by SCF change",
            "Starting Sync",
            "Performing sync on local request",
            "Synchronizing WSUS server wsus01.contoso.com",
            "Synchronizing update 1 - a",
            "Synchronizing update 2 - b",
            "sync: WSUS update 10 out of 20 synchronizing updates",
            "Synchronizing update 3 - c",
            "Sync succeeded. Setting sync alert to canceled state on site PS1",
            "Synchronizing update 4 - d",
            "Sync time: 0d00h01m02s",
            "Random trailing line",
            "Starting Sync",
            "Synchronizing update 5 - e",
            "SMS_EXECUTIVE started SMS_WSUS_SYNC_MANAGER as thread ID 1 (0x1).",
            "Synchronizing update 6 - f",
            "Starting Sync",
            "Synchronizing update 7 - g",
        ]
        .iter()
        .enumerate()
        {
            t.push_str(&w(m, "11-20-2026", &format!("02:{:02}:00", i)));
        }
        t.push_str(&sms(
            "no time here either",
            "SMS_WSUS_SYNC_MANAGER",
            "11-20-2026",
            "03:00:00",
        ));
        assert_eq!(assert_same("wsyncmgr.log", LogKind::Wsyncmgr, &t), 3);
    }
}
