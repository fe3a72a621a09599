//! The lines phase B needs, kept by phase A in input order: lines in which a sequence rule's
//! part was found, and lines the sync/ADR run builders interpret (what those do with a line
//! depends on every line before it). Their text goes into one arena per part: a few
//! allocations per part instead of two per kept line.

use std::ops::Range;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::event::{Event, FileId, LogKind, Severity};
use crate::rules::line_match::{SeqHits, SeqLine};
use crate::rules::MatchedIds;
use crate::scan::FileInfo;
use crate::sync::{SyncBuilder, SyncLine};

/// A copy of what phase B reads of an event; its text is in the arena of its [`Ordered`].
#[derive(Debug)]
pub(super) struct OwnedLine {
    kind: LogKind,
    severity: Severity,
    msg: Range<usize>,
    /// Kept only for lines with sequence parts (evidence).
    raw: Range<usize>,
    time: Option<DateTime<Utc>>,
    line: u64,
    file: Arc<str>,
    host: Option<Arc<str>>,
    may_hold_out_of: bool,
}

/// The display name and host of the file being read, shared by the lines kept from it (a copy
/// per kept line would be most of phase A's allocations).
#[derive(Clone)]
struct Names {
    id: FileId,
    file: Arc<str>,
    host: Option<Arc<str>>,
}

impl Names {
    fn of(file: &FileInfo<'_>) -> Names {
        Names {
            id: file.id,
            file: Arc::from(file.input.display.as_str()),
            host: file.input.host.as_deref().map(Arc::from),
        }
    }
}

/// Append `text` to `arena`; its range there.
fn keep(arena: &mut String, text: &str) -> Range<usize> {
    let start = arena.len();
    arena.push_str(text);
    start..arena.len()
}

impl OwnedLine {
    fn shifted(mut self, by: usize) -> Self {
        self.msg = self.msg.start + by..self.msg.end + by;
        if !self.raw.is_empty() {
            self.raw = self.raw.start + by..self.raw.end + by;
        }
        self
    }

    pub(super) fn seq_line<'a>(&'a self, arena: &'a str) -> SeqLine<'a> {
        SeqLine {
            text: arena.get(self.msg.clone()).unwrap_or(""),
            raw: arena.get(self.raw.clone()).unwrap_or(""),
            time: self.time,
            line: self.line,
            severity: self.severity,
            kind: self.kind,
            file: &self.file,
        }
    }

    pub(super) fn sync_line<'a>(&'a self, arena: &'a str) -> SyncLine<'a> {
        SyncLine {
            msg: arena.get(self.msg.clone()).unwrap_or(""),
            time: self.time,
            line: self.line,
            file: &self.file,
            host: self.host.as_deref(),
            may_hold_out_of: self.may_hold_out_of,
        }
    }

    pub(super) fn kind(&self) -> LogKind {
        self.kind
    }
}

#[derive(Debug)]
pub(super) enum OrderedLine<'r> {
    /// A line with sequence parts, or one the run builders interpret.
    Line {
        line: OwnedLine,
        matched: MatchedIds<'r>,
        seq: SeqHits,
    },
    /// A stretch of plain run-builder lines of one kind ([`SyncBuilder::is_plain`]): the last
    /// one's place and time, the rule ids of all of them. Most lines of a big sync are plain;
    /// one entry for a stretch of them keeps phase B's share of a run small.
    Plain {
        kind: LogKind,
        file: Arc<str>,
        line: u64,
        time: Option<DateTime<Utc>>,
        matched: MatchedIds<'r>,
    },
}

/// Extend the plain stretch `last` (when it is one of `kind`) by a later stretch; false when
/// the later one must start a stretch of its own.
fn extend_plain<'r>(
    last: Option<&mut OrderedLine<'r>>,
    kind: LogKind,
    file: &Arc<str>,
    line: u64,
    time: Option<DateTime<Utc>>,
    matched: &[&'r str],
) -> bool {
    let Some(OrderedLine::Plain {
        kind: k,
        file: f,
        line: l,
        time: t,
        matched: m,
    }) = last
    else {
        return false;
    };
    if *k != kind {
        return false;
    }
    if !Arc::ptr_eq(f, file) {
        f.clone_from(file);
    }
    *l = line;
    *t = time.or(*t);
    for id in matched {
        if !m.contains(id) {
            m.push(id);
        }
    }
    true
}

/// The ordered lines of a part of a stream.
#[derive(Default)]
pub(super) struct Ordered<'r> {
    pub(super) lines: Vec<OrderedLine<'r>>,
    pub(super) arena: String,
    /// Names of the file being read.
    names: Option<Names>,
}

impl std::fmt::Debug for Ordered<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ordered")
            .field("lines", &self.lines)
            .field("arena", &self.arena)
            .finish_non_exhaustive()
    }
}

impl<'r> Ordered<'r> {
    /// Keep what `ev` means to phase B, if anything (`may_hold_out_of`: see
    /// [`SyncLine::may_hold_out_of`]).
    pub(super) fn push(
        &mut self,
        ev: &Event<'_>,
        file: &FileInfo<'_>,
        may_hold_out_of: bool,
        matched: MatchedIds<'r>,
        seq: SeqHits,
    ) {
        let sync = SyncBuilder::reads(ev.kind);
        if seq.is_empty() && !sync {
            return;
        }
        let names = match &self.names {
            Some(n) if n.id == file.id => n,
            _ => self.names.insert(Names::of(file)),
        };
        if !seq.is_empty()
            || (sync && !SyncBuilder::is_plain(ev.kind, &ev.message, may_hold_out_of))
        {
            let msg = keep(&mut self.arena, &ev.message);
            let raw = if seq.is_empty() {
                0..0
            } else {
                keep(&mut self.arena, ev.raw)
            };
            let line = OwnedLine {
                kind: ev.kind,
                severity: ev.severity,
                msg,
                raw,
                time: ev.time_utc,
                line: ev.line,
                file: names.file.clone(),
                host: names.host.clone(),
                may_hold_out_of,
            };
            self.lines.push(OrderedLine::Line { line, matched, seq });
            return;
        }
        let (file, line, time) = (&names.file, ev.line, ev.time_utc);
        if !extend_plain(self.lines.last_mut(), ev.kind, file, line, time, &matched) {
            self.lines.push(OrderedLine::Plain {
                kind: ev.kind,
                file: file.clone(),
                line,
                time,
                matched,
            });
        }
    }

    /// Empty, keeping the arena's memory.
    pub(super) fn clear(&mut self) {
        self.lines.clear();
        self.arena.clear();
    }

    /// Append the ordered lines of the part that follows (as if one part had read both).
    pub(super) fn append(&mut self, later: Ordered<'r>) {
        let by = self.arena.len();
        self.arena.push_str(&later.arena);
        let mut rest = later.lines.into_iter().peekable();
        if let Some(OrderedLine::Plain {
            kind,
            file,
            line,
            time,
            matched,
        }) = rest.peek()
        {
            if extend_plain(self.lines.last_mut(), *kind, file, *line, *time, matched) {
                rest.next();
            }
        }
        self.lines.extend(rest.map(|r| match r {
            OrderedLine::Line { line, matched, seq } => OrderedLine::Line {
                line: line.shifted(by),
                matched,
                seq,
            },
            plain => plain,
        }));
    }
}
