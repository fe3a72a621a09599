//! Phase B of the pipeline: the parts of a stream in input order. Their ordered lines go
//! through the sequence rules and the sync/ADR run builders; the rest of each part is
//! appended to what the stream's earlier parts produced.

use std::collections::BTreeMap;

use crate::observe::Observer;
use crate::report::health::FileSpan;
use crate::rules::{LineMatcher, RuleSet, SeqMatcher, StreamHits};
use crate::scan::Visitor;
use crate::sync::{SyncBuilder, SyncData};

use super::ordered::{Ordered, OrderedLine};
use super::phase_a::{Chunk, PhaseA};
use crate::observe::presence::Presence;

/// The consumer of one stream.
pub(super) struct StreamVisitor<'r> {
    set: &'r RuleSet,
    /// Phase A's results of the parts so far (their ordered lines already used).
    seen: PhaseA<'r>,
    seq: SeqMatcher<'r>,
    builder: SyncBuilder,
    /// Filled in at the end of the stream.
    pub(super) hits: StreamHits,
    pub(super) data: SyncData,
}

/// What a stream produced, for the pipeline's later steps.
pub(super) struct StreamResult {
    pub(super) hits: StreamHits,
    pub(super) observer: Observer,
    pub(super) presence: Presence,
    pub(super) spans: BTreeMap<String, FileSpan>,
    pub(super) data: SyncData,
}

impl<'r> StreamVisitor<'r> {
    pub(super) fn new(set: &'r RuleSet) -> Self {
        StreamVisitor {
            set,
            seen: PhaseA::new(set, Observer::new()),
            seq: SeqMatcher::new(set),
            builder: SyncBuilder::new(),
            hits: StreamHits::default(),
            data: SyncData::default(),
        }
    }

    /// Run the sequence rules and run builders over the ordered lines of the next part.
    fn run(&mut self, ordered: Ordered<'r>) {
        let arena = ordered.arena.as_str();
        for r in ordered.lines {
            match r {
                OrderedLine::Line {
                    line,
                    mut matched,
                    seq,
                } => {
                    if !seq.is_empty() {
                        self.seq.feed(&line.seq_line(arena), &seq, &mut matched);
                    }
                    if SyncBuilder::reads(line.kind()) {
                        self.builder
                            .feed_line(line.kind(), &line.sync_line(arena), &matched);
                    }
                }
                OrderedLine::Plain {
                    kind,
                    file,
                    line,
                    time,
                    matched,
                } => self.builder.plain(kind, &file, line, time, &matched),
            }
        }
    }

    /// The stream's results (after [`Visitor::end_stream`]).
    pub(super) fn into_result(self) -> StreamResult {
        StreamResult {
            hits: self.hits,
            observer: self.seen.observer,
            presence: self.seen.presence,
            spans: self.seen.spans,
            data: self.data,
        }
    }
}

impl<'r> Visitor for StreamVisitor<'r> {
    type Part = Chunk<'r>;

    fn part(&mut self) -> Chunk<'r> {
        Chunk::new(self.set)
    }

    fn take(&mut self, part: Chunk<'r>) {
        let mut a = part.finish();
        self.run(std::mem::take(&mut a.ordered));
        self.seen.append(a);
    }

    fn end_stream(&mut self) {
        let lines = std::mem::replace(&mut self.seen.lines, LineMatcher::new(self.set));
        let seq = std::mem::replace(&mut self.seq, SeqMatcher::new(self.set));
        self.hits = seq.finish(lines);
        self.data = std::mem::take(&mut self.builder).finish();
    }
}
