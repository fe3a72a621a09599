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
    /// The file's names: an index into [`Ordered::files`].
    file: u32,
    may_hold_out_of: bool,
}

/// The display name and host of a file, which the lines kept from it refer to by index (a copy
/// per kept line would be most of phase A's allocations, and even a shared pointer's count
/// changes cost more than the rest of keeping a line).
#[derive(Clone, Debug)]
pub(super) struct Names {
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
    /// Move the line behind `by` bytes of arena and to the file indices of `files`.
    fn shift(&mut self, by: usize, files: &[u32]) {
        self.file = files.get(self.file as usize).copied().unwrap_or(self.file);
        self.msg = self.msg.start + by..self.msg.end + by;
        if !self.raw.is_empty() {
            self.raw = self.raw.start + by..self.raw.end + by;
        }
    }

    pub(super) fn seq_line<'a>(&'a self, arena: &'a str, files: &'a [Names]) -> SeqLine<'a> {
        SeqLine {
            text: arena.get(self.msg.clone()).unwrap_or(""),
            raw: arena.get(self.raw.clone()).unwrap_or(""),
            time: self.time,
            line: self.line,
            severity: self.severity,
            kind: self.kind,
            file: file_name(files, self.file),
        }
    }

    pub(super) fn sync_line<'a>(&'a self, arena: &'a str, files: &'a [Names]) -> SyncLine<'a> {
        let names = files.get(self.file as usize);
        SyncLine {
            msg: arena.get(self.msg.clone()).unwrap_or(""),
            time: self.time,
            line: self.line,
            file: file_name(files, self.file),
            host: names.and_then(|n| n.host.as_deref()),
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
        /// An index into [`Ordered::files`].
        file: u32,
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
    file: u32,
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
    *f = file;
    *l = line;
    *t = time.or(*t);
    // Ids are the rule set's own strings, so the same id is the same pointer: comparing
    // pointers spares a string comparison per plain line (most lines of a big sync).
    for id in matched {
        if !m.iter().any(|x| std::ptr::eq(*x, *id)) {
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
    /// Names of the files the lines come from, in input order (usually one).
    pub(super) files: Vec<Names>,
}

impl std::fmt::Debug for Ordered<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ordered")
            .field("lines", &self.lines)
            .field("arena", &self.arena)
            .field("files", &self.files)
            .finish()
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
        let fi = match self.files.last() {
            Some(n) if n.id == file.id => self.files.len() - 1,
            _ => {
                self.files.push(Names::of(file));
                self.files.len() - 1
            }
        } as u32;
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
                file: fi,
                may_hold_out_of,
            };
            self.lines.push(OrderedLine::Line { line, matched, seq });
            return;
        }
        let (line, time) = (ev.line, ev.time_utc);
        if !extend_plain(self.lines.last_mut(), ev.kind, fi, line, time, &matched) {
            self.lines.push(OrderedLine::Plain {
                kind: ev.kind,
                file: fi,
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
        self.files.clear();
    }

    /// Append the ordered lines of the part that follows (as if one part had read both).
    pub(super) fn append(&mut self, later: Ordered<'r>) {
        let by = self.arena.len();
        self.arena.push_str(&later.arena);
        // The later part's file indices here: its first file may be this part's last.
        let mut files = Vec::with_capacity(later.files.len());
        for n in later.files {
            match self.files.last() {
                Some(last) if last.id == n.id => {}
                _ => self.files.push(n),
            }
            files.push((self.files.len() - 1) as u32);
        }
        let index = |f: u32| files.get(f as usize).copied().unwrap_or(f);
        let mut rest = later.lines.into_iter().peekable();
        if let Some(OrderedLine::Plain {
            kind,
            file,
            line,
            time,
            matched,
        }) = rest.peek()
        {
            if extend_plain(
                self.lines.last_mut(),
                *kind,
                index(*file),
                *line,
                *time,
                matched,
            ) {
                rest.next();
            }
        }
        self.lines.extend(rest.map(|mut r| {
            match &mut r {
                OrderedLine::Line { line, .. } => line.shift(by, &files),
                OrderedLine::Plain { file, .. } => *file = index(*file),
            }
            r
        }));
    }
}

/// The display name of file `i` of `files`.
pub(super) fn file_name(files: &[Names], i: u32) -> &str {
    files.get(i as usize).map_or("", |n| &n.file)
}
