//! Phase A of the pipeline: what one stretch of a stream produces on its own — line-rule hits,
//! observations, presence, per-file time spans — and the lines phase B needs, in order.
//! Stretches are read in parallel and their results appended in input order.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::event::{Event, LogKind};
use crate::matching::{Hit, LowerBuf, Target};
use crate::observe::Observer;
use crate::report::health::FileSpan;
use crate::rules::matcher::ExtraLiterals;
use crate::rules::{LineMatcher, RuleSet};
use crate::scan::{FileInfo, Part};
use crate::sync;

use super::ordered::Ordered;
use crate::observe::presence::Presence;

/// The literals the pipeline searches with the rules' in one pass per message: the observer's
/// (tagged with their extractor's number) and the severity words of formats without a
/// severity field.
pub fn extra_literals() -> ExtraLiterals {
    ExtraLiterals {
        per_kind: pass_literals,
        words: &crate::parse::SEVERITY_WORD_LIST,
    }
}

/// The observer's literals of `kind` and, for wsyncmgr, the sync builder's ` out of `: a
/// message without it needs no search for the progress counter
/// ([`sync::SyncLine::may_hold_out_of`]).
fn pass_literals(kind: LogKind) -> Vec<(&'static str, Target)> {
    let mut lits = crate::observe::literals(kind);
    if kind == LogKind::Wsyncmgr {
        lits.push((sync::OUT_OF_NEEDLE, Target::OutOf));
    }
    lits
}

/// The result of phase A for a stretch of a stream.
pub(super) struct PhaseA<'r> {
    pub(super) lines: LineMatcher<'r>,
    pub(super) observer: Observer,
    pub(super) presence: Presence,
    pub(super) spans: BTreeMap<String, FileSpan>,
    pub(super) ordered: Ordered<'r>,
}

impl<'r> PhaseA<'r> {
    /// An empty result; `observer` as [`Observer::new`] for the start of a stream.
    pub(super) fn new(set: &'r RuleSet, observer: Observer) -> Self {
        PhaseA {
            lines: LineMatcher::new(set),
            observer,
            presence: Presence::default(),
            spans: BTreeMap::new(),
            ordered: Ordered::default(),
        }
    }

    /// Append the result of the stretch that follows.
    pub(super) fn append(&mut self, later: PhaseA<'r>) {
        self.lines.append(later.lines);
        self.observer.join(later.observer);
        self.presence.merge(later.presence);
        for (name, s) in later.spans {
            if let (Some(first), Some(last)) = (s.first, s.last) {
                widen_span(self.spans.entry(name).or_default(), first, last);
            }
        }
        self.ordered.append(later.ordered);
    }
}

fn widen_span(s: &mut FileSpan, first: DateTime<Utc>, last: DateTime<Utc>) {
    s.first = Some(s.first.map_or(first, |f| f.min(first)));
    s.last = Some(s.last.map_or(last, |l| l.max(last)));
}

/// Time span of the file being read.
struct CurrentSpan {
    id: u32,
    name: String,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
}

/// Phase A for one stretch: the [`Part`] the scanner feeds.
pub(super) struct Chunk<'r> {
    set: &'r RuleSet,
    out: PhaseA<'r>,
    /// `out` goes on from the stream's results so far ([`Chunk::continuing`]) instead of
    /// starting empty.
    continues: bool,
    /// The span of the file being read, moved into `out.spans` when another file starts (a map
    /// lookup and a copy of the file name per event would cost more than the rest of the span
    /// keeping).
    current: Option<CurrentSpan>,
    scratch: Scratch,
}

/// Buffers a chunk reuses from message to message, and the stream from chunk to chunk.
#[derive(Default)]
pub(super) struct Scratch {
    lower: LowerBuf,
    /// Literal hits of the current message ([`RuleSet::scan`]), and of its severity words
    /// (word index, place).
    scanned: Vec<Hit>,
    words: Vec<(u32, u32)>,
    /// A batch of messages ([`Part::events`]): where each starts in `lower`, and the literal
    /// hits of all of them.
    starts: Vec<u32>,
    batch_hits: Vec<Hit>,
}

impl<'r> Chunk<'r> {
    /// A chunk that starts empty: its result is appended to the stream's later (a stretch
    /// read in parallel with others).
    pub(super) fn new(set: &'r RuleSet) -> Self {
        // What the observer makes of some lines depends on earlier ones; a stretch starts
        // not knowing, and `Observer::join` settles it when the stretches are appended.
        Self::continuing(
            set,
            PhaseA::new(set, Observer::new().fork()),
            Scratch::default(),
        )
        .fresh()
    }

    /// A chunk that goes on from `seen`, the results of the stream's stretches before it (read
    /// in order): it knows what they found, so it adds only what they lack (evidence, the
    /// groups of a rule's first hits) instead of finding it again to be dropped when appended.
    pub(super) fn continuing(set: &'r RuleSet, seen: PhaseA<'r>, scratch: Scratch) -> Self {
        Chunk {
            set,
            out: seen,
            continues: true,
            current: None,
            scratch,
        }
    }

    fn fresh(mut self) -> Self {
        self.continues = false;
        self
    }

    /// The result of the stretch, whether it went on from the stream's results, and the
    /// buffers for the next chunk.
    pub(super) fn finish_all(mut self) -> (PhaseA<'r>, bool, Scratch) {
        self.flush_span();
        (self.out, self.continues, self.scratch)
    }

    /// The result of the stretch.
    pub(super) fn finish(self) -> PhaseA<'r> {
        self.finish_all().0
    }

    /// Move the current file's span into the result.
    fn flush_span(&mut self) {
        if let Some(c) = self.current.take() {
            widen_span(self.out.spans.entry(c.name).or_default(), c.first, c.last);
        }
    }

    /// Everything done with an event once `scanned` holds its literal hits.
    fn visit(&mut self, ev: &mut Event<'_>, file: &FileInfo<'_>) {
        if ev.severity_deferred {
            self.scratch.words.clear();
            self.scratch
                .words
                .extend(self.scratch.scanned.iter().filter_map(|h| match h.target {
                    Target::Word(w) => Some((u32::from(w), h.at)),
                    _ => None,
                }));
            ev.severity = crate::parse::severity_from_hits(&ev.message, &mut self.scratch.words);
            ev.severity_deferred = false;
        }
        let ev = &*ev;
        let (matched, seq) = self.out.lines.feed_scanned(ev, &self.scratch.scanned, file);
        // The other consumers' literals found: the observer's extractors and the sync
        // builder's ` out of `.
        let (extractors, may_hold_out_of) =
            self.scratch
                .scanned
                .iter()
                .fold((false, false), |(x, o), h| match h.target {
                    Target::Extractor(_) => (true, o),
                    Target::OutOf => (x, true),
                    _ => (x, o),
                });
        self.out
            .ordered
            .push(ev, file, may_hold_out_of, matched, seq);
        if extractors {
            self.out.observer.feed_hits(ev, file, &self.scratch.scanned);
        }
        self.out.presence.see(ev);
        if let Some(t) = ev.time_utc {
            match self.current.as_mut() {
                Some(c) if c.id == file.id => {
                    c.first = c.first.min(t);
                    c.last = c.last.max(t);
                }
                _ => {
                    self.flush_span();
                    self.current = Some(CurrentSpan {
                        id: file.id,
                        name: file.input.display.clone(),
                        first: t,
                        last: t,
                    });
                }
            }
        }
    }

    /// [`Part::events`] for events of one kind.
    fn same_kind(&mut self, evs: &mut [Event<'_>], file: &FileInfo<'_>) {
        let Some(kind) = evs.first().map(|e| e.kind) else {
            return;
        };
        // The index with the severity words when any event needs them; their hits are dropped
        // for the others (a literal's hits do not depend on the other literals searched).
        let words = evs.iter().any(|e| e.severity_deferred);
        let sc = &mut self.scratch;
        let lower = sc
            .lower
            .set_many(evs.iter().map(|e| e.message.as_bytes()), &mut sc.starts);
        sc.batch_hits.clear();
        self.set.scan(kind, words, lower, &mut sc.batch_hits);
        // The hits of each message come together and in message order (no hit spans the NUL
        // between two messages), in the order a search of the message alone gives them.
        let mut h = 0;
        for (i, ev) in evs.iter_mut().enumerate() {
            let start = self.scratch.starts.get(i).copied().unwrap_or(0);
            let end = start.saturating_add(ev.message.len() as u32);
            self.scratch.scanned.clear();
            while let Some(&hit) = self.scratch.batch_hits.get(h) {
                if hit.at >= end {
                    break;
                }
                h += 1;
                if let Some(rel) = hit.at.checked_sub(start) {
                    if ev.severity_deferred || !matches!(hit.target, Target::Word(_)) {
                        self.scratch.scanned.push(Hit::new(hit.target, rel));
                    }
                }
            }
            self.visit(ev, file);
        }
    }
}

impl Part for Chunk<'_> {
    fn event(&mut self, ev: &Event<'_>, file: &FileInfo<'_>) {
        // One literal pass over the lower-cased message for every consumer: rules, sequence
        // rules, observer and (formats without a severity field) the severity words.
        let lower = self.scratch.lower.set(ev.message.as_bytes());
        self.scratch.scanned.clear();
        self.set.scan(
            ev.kind,
            ev.severity_deferred,
            lower,
            &mut self.scratch.scanned,
        );
        self.visit(&mut ev.clone(), file);
    }

    /// One literal pass over all messages of the batch, lower-cased one after the other: a
    /// search per message costs more in setting up than in searching.
    fn events(&mut self, evs: &mut [Event<'_>], file: &FileInfo<'_>) {
        // A file of no known kind takes each record's kind from its component.
        for run in evs.chunk_by_mut(|a, b| a.kind == b.kind) {
            self.same_kind(run, file);
        }
    }

    fn defers_severity(&self) -> bool {
        true
    }

    fn empty(&self) -> Self {
        Chunk::new(self.set)
    }

    fn append(&mut self, later: Self) {
        self.flush_span();
        self.out.append(later.finish());
    }
}
