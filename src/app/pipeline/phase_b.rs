//! Phase B of the pipeline: the parts of a stream in input order. Their ordered lines go
//! through the sequence rules and the sync/ADR run builders; the rest of each part is
//! appended to what the stream's earlier parts produced.

use std::collections::BTreeMap;

use crate::observe::Observer;
use crate::report::health::FileSpan;
use crate::rules::{LineMatcher, RuleSet, SeqMatcher, StreamHits};
use crate::scan::Visitor;
use crate::sync::{SyncBuilder, SyncData};

use super::ordered::{file_name, Ordered, OrderedLine};
use super::phase_a::{Chunk, PhaseA, Scratch};
use crate::observe::presence::Presence;

/// The consumer of one stream.
pub(super) struct StreamVisitor<'r> {
    set: &'r RuleSet,
    /// Phase A's results of the parts so far (their ordered lines already used); lent to the
    /// next part read in order ([`Chunk::continuing`]).
    seen: Option<PhaseA<'r>>,
    /// The buffers of the last part, for the next.
    spare: Option<Scratch>,
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
            seen: Some(PhaseA::new(set, Observer::new())),
            spare: None,
            seq: SeqMatcher::new(set),
            builder: SyncBuilder::new(),
            hits: StreamHits::default(),
            data: SyncData::default(),
        }
    }

    /// Run the sequence rules and run builders over the ordered lines of the next part.
    fn run(&mut self, ordered: &mut Ordered<'r>) {
        let (arena, files) = (ordered.arena.as_str(), ordered.files.as_slice());
        for r in ordered.lines.drain(..) {
            match r {
                OrderedLine::Line {
                    line,
                    mut matched,
                    seq,
                } => {
                    if !seq.is_empty() {
                        self.seq
                            .feed(&line.seq_line(arena, files), &seq, &mut matched);
                    }
                    if SyncBuilder::reads(line.kind()) {
                        self.builder.feed_line(
                            line.kind(),
                            &line.sync_line(arena, files),
                            &matched,
                        );
                    }
                }
                OrderedLine::Plain {
                    kind,
                    file,
                    line,
                    time,
                    matched,
                } => self
                    .builder
                    .plain(kind, file_name(files, file), line, time, &matched),
            }
        }
    }

    /// The stream's results (after [`Visitor::end_stream`]).
    pub(super) fn into_result(self) -> StreamResult {
        let seen = self
            .seen
            .unwrap_or_else(|| PhaseA::new(self.set, Observer::new()));
        StreamResult {
            hits: self.hits,
            observer: seen.observer,
            presence: seen.presence,
            spans: seen.spans,
            data: self.data,
        }
    }
}

impl<'r> Visitor for StreamVisitor<'r> {
    type Part = Chunk<'r>;

    /// The first part after those taken goes on from their results; parts made before it is
    /// taken (files of a stream read in parallel) start empty.
    fn part(&mut self) -> Chunk<'r> {
        match self.seen.take() {
            Some(seen) => {
                let scratch = self.spare.take().unwrap_or_default();
                Chunk::continuing(self.set, seen, scratch)
            }
            None => Chunk::new(self.set),
        }
    }

    fn take(&mut self, part: Chunk<'r>) {
        let (mut a, continues, scratch) = part.finish_all();
        self.spare = Some(scratch);
        let mut ordered = std::mem::take(&mut a.ordered);
        self.run(&mut ordered);
        match self.seen.as_mut() {
            Some(seen) if !continues => seen.append(a),
            _ => {
                // The arena keeps its memory for the next part.
                ordered.clear();
                a.ordered = ordered;
                self.seen = Some(a);
            }
        }
    }

    fn end_stream(&mut self) {
        let seen = self
            .seen
            .get_or_insert_with(|| PhaseA::new(self.set, Observer::new()));
        let lines = std::mem::replace(&mut seen.lines, LineMatcher::new(self.set));
        let seq = std::mem::replace(&mut self.seq, SeqMatcher::new(self.set));
        self.hits = seq.finish(lines);
        self.data = std::mem::take(&mut self.builder).finish();
    }
}
