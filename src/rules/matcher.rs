//! Line and sequence matching with a cost flat in the number of rules.
//!
//! Per log kind there is ONE literal prefilter ([`Prefilter`], one SIMD search of the
//! lower-cased message) over the literals of every line rule that applies to the kind; a literal
//! hit makes its rules candidates and only the candidates' regexes run. Sequence rules work the
//! same way with the literals every match of their regexes must contain, rather than running a
//! `RegexSet` on every line of their kinds. Events of kind `other` (pastes) use the index built
//! over all rules. Nothing is allocated per event unless a rule matches (or an unclassified
//! error needs an evidence slot).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use smallvec::SmallVec;

use super::finding::HitSet;
use super::schema::{Body, Rule};
use super::seq_match::StreamMatcher;
use crate::event::LogKind;
use crate::matching::{Hit, Pattern, Prefilter, Target};

/// Number of kind slots: every known kind plus `other`.
pub(super) const KIND_SLOTS: usize = LogKind::KNOWN.len() + 1;

pub(super) fn slot(kind: LogKind) -> usize {
    LogKind::KNOWN
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(LogKind::KNOWN.len())
}

pub(super) fn kind_of_slot(i: usize) -> LogKind {
    LogKind::KNOWN.get(i).copied().unwrap_or(LogKind::Other)
}

/// Part of a sequence rule a set pattern stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SeqPart {
    First,
    Then,
    Reset,
}

/// The sequence-rule parts (first/then/reset regexes) that apply to one kind.
#[derive(Debug, Default)]
pub(super) struct SeqIndex {
    /// Part → (rule index, part).
    pub(super) parts: Vec<(u32, SeqPart)>,
    /// Parts whose regex has no required literal: tried on every line of the kind.
    pub(super) always: Vec<u32>,
}

/// Literals of the other consumers of messages, searched in the same pass as the rules'
/// literals: one search of the lower-cased message serves everyone.
#[derive(Clone, Copy)]
pub struct ExtraLiterals {
    /// Per kind: the literals of the observer's extractors and the sync builder, with their
    /// targets.
    pub per_kind: fn(LogKind) -> Vec<(&'static str, Target)>,
    /// Searched only when asked (events whose severity is inferred from their words), as
    /// [`Target::Word`] with their index.
    pub words: &'static [&'static str],
}

impl std::fmt::Debug for ExtraLiterals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtraLiterals")
            .field("words", &self.words)
            .finish_non_exhaustive()
    }
}

/// Compiled rules with their per-kind indexes.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Per kind slot and with/without the extra words, built on the first event that needs it
    /// (a run reads few kinds): the literals of the line rules, of the sequence parts and of
    /// the extra consumers → targets.
    literals: Vec<OnceLock<Prefilter>>,
    seq: Vec<OnceLock<SeqIndex>>,
    extras: Option<ExtraLiterals>,
    /// Rule index → position among sequence rules (for per-stream state).
    pub(super) seq_slot: Vec<Option<usize>>,
    pub(super) seq_count: usize,
    /// Generated ids that were disabled (`unclassified_*`).
    disabled_generated: Vec<String>,
}

impl RuleSet {
    /// Build indexes over `rules` (sorted by id by the loader). `disable` may name generated
    /// `unclassified_*` ids.
    pub fn new(rules: Vec<Rule>, disable: &[String]) -> RuleSet {
        let mut seq_slot = vec![None; rules.len()];
        let mut seq_count = 0;
        for (i, r) in rules.iter().enumerate() {
            if matches!(r.body, Body::Sequence { .. }) {
                seq_slot[i] = Some(seq_count);
                seq_count += 1;
            }
        }
        RuleSet {
            rules,
            literals: (0..2 * KIND_SLOTS).map(|_| OnceLock::new()).collect(),
            seq: (0..KIND_SLOTS).map(|_| OnceLock::new()).collect(),
            extras: None,
            seq_slot,
            seq_count,
            disabled_generated: disable
                .iter()
                .filter(|d| super::loader::is_generated_id(d))
                .cloned()
                .collect(),
        }
    }

    /// Search these literals of other consumers in the rules' pass ([`Self::scan`]).
    pub fn set_extra_literals(&mut self, extras: ExtraLiterals) {
        self.extras = Some(extras);
        self.literals = (0..2 * KIND_SLOTS).map(|_| OnceLock::new()).collect();
    }

    fn literal_index(&self, slot: usize, words: bool) -> Option<&Prefilter> {
        let cell = self.literals.get(slot + usize::from(words) * KIND_SLOTS)?;
        Some(cell.get_or_init(|| {
            build_literal_index(&self.rules, kind_of_slot(slot), self.extras, words)
        }))
    }

    pub(super) fn seq_index(&self, slot: usize) -> Option<&SeqIndex> {
        let cell = self.seq.get(slot)?;
        Some(cell.get_or_init(|| build_seq_index(&self.rules, kind_of_slot(slot))))
    }

    /// Every place of a literal of `kind`'s rules and extra consumers in `lower` (a message
    /// lower-cased by [`crate::matching::LowerBuf::set`]), with the extra words when `words`;
    /// hand the whole list to [`super::LineMatcher::feed_scanned`].
    pub fn scan(&self, kind: LogKind, words: bool, lower: &[u8], out: &mut Vec<Hit>) {
        if let Some(idx) = self.literal_index(slot(kind), words) {
            idx.scan(lower, out);
        }
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.rules.get(i))
    }

    /// A matcher for one stream read in one pass, in order (phases A and B together).
    pub fn stream(&self) -> StreamMatcher<'_> {
        StreamMatcher::new(self)
    }

    pub(crate) fn generated_disabled(&self, id: &str) -> bool {
        self.disabled_generated.iter().any(|d| d == id)
    }
}

/// The sequence parts of the rules that apply to `kind`, in a fixed order (part indexes).
fn seq_parts(rules: &[Rule], kind: LogKind) -> Vec<(u32, SeqPart, &Pattern)> {
    let mut out = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let Body::Sequence {
            first, then, reset, ..
        } = &r.body
        else {
            continue;
        };
        if !r.applies_to(kind) {
            continue;
        }
        out.push((i as u32, SeqPart::First, first));
        out.push((i as u32, SeqPart::Then, then));
        if let Some(reset) = reset {
            out.push((i as u32, SeqPart::Reset, reset));
        }
    }
    out
}

fn build_literal_index(
    rules: &[Rule],
    kind: LogKind,
    extras: Option<ExtraLiterals>,
    words: bool,
) -> Prefilter {
    let mut lits: Vec<(&str, Target)> = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let Body::Line { literals, .. } = &r.body else {
            continue;
        };
        if r.applies_to(kind) {
            lits.extend(
                literals
                    .iter()
                    .map(|l| (l.as_str(), Target::Rule(i as u32))),
            );
        }
    }
    for (pi, (_, _, re)) in seq_parts(rules, kind).into_iter().enumerate() {
        if let Some(req) = re.required_literals() {
            lits.extend(req.iter().map(|l| (l.as_str(), Target::SeqPart(pi as u32))));
        }
    }
    lits.extend(extras.map(|e| (e.per_kind)(kind)).unwrap_or_default());
    if words {
        let ws = extras.map(|e| e.words).unwrap_or_default();
        lits.extend(
            ws.iter()
                .enumerate()
                .map(|(w, l)| (*l, Target::Word(w as u8))),
        );
    }
    Prefilter::build(lits)
}

fn build_seq_index(rules: &[Rule], kind: LogKind) -> SeqIndex {
    let mut idx = SeqIndex::default();
    for (pi, (ri, part, re)) in seq_parts(rules, kind).into_iter().enumerate() {
        idx.parts.push((ri, part));
        if re.required_literals().is_none() {
            idx.always.push(pi as u32);
        }
    }
    idx
}

/// The regex of sequence part `part` of `rule`.
pub(super) fn seq_regex(rule: &Rule, part: SeqPart) -> Option<&Pattern> {
    let Body::Sequence {
        first, then, reset, ..
    } = &rule.body
    else {
        return None;
    };
    match part {
        SeqPart::First => Some(first),
        SeqPart::Then => Some(then),
        SeqPart::Reset => reset.as_ref(),
    }
}

/// Rule ids matched by one event (no allocation for up to two: most lines of a big sync match
/// one progress rule, and a vector would allocate for each of them).
pub type MatchedIds<'r> = SmallVec<[&'r str; 2]>;

/// Hits of one stream (or several, merged): rule id → hits.
#[derive(Clone, Debug, Default)]
pub struct StreamHits {
    pub hits: BTreeMap<String, HitSet>,
}

impl StreamHits {
    /// Merge another stream's hits; call in input order so evidence order is deterministic.
    pub fn merge(&mut self, other: StreamHits) {
        for (id, hs) in other.hits {
            self.hits.entry(id).or_default().merge(hs);
        }
    }

    pub fn get(&self, id: &str) -> Option<&HitSet> {
        self.hits.get(id)
    }
}

#[cfg(test)]
#[path = "matcher_tests.rs"]
mod tests;
