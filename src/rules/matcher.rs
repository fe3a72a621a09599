//! Line and sequence matching with a cost flat in the number of rules.
//!
//! Per log kind there is ONE literal prefilter ([`LiteralIndex`], one SIMD search of the
//! lower-cased message) over the literals of every line rule that applies to the kind; a literal
//! hit makes its rules candidates and only the candidates' regexes run. Sequence rules work the
//! same way with the literals every match of their regexes must contain (a `RegexSet` over them
//! ran on every line of their kinds). Events of kind `other` (pastes) use the index built over all
//! rules. Nothing is allocated per event unless a rule matches (or an unclassified error needs an
//! evidence slot).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use smallvec::SmallVec;

use super::finding::{truncate_text, Evidence, HitSet, MAX_CAPTURE_TEXT, MAX_CODES, MAX_EVIDENCE};
use super::schema::{Body, Rule, SeqReport};
use crate::event::{Event, LogKind, Severity};
use crate::matching::{Captures, Hit, LowerBuf, Pattern, Prefilter, Target};
use crate::scan::FileInfo;

/// Number of kind slots: every known kind plus `other`.
const KIND_SLOTS: usize = LogKind::KNOWN.len() + 1;

fn slot(kind: LogKind) -> usize {
    LogKind::KNOWN
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(LogKind::KNOWN.len())
}

fn kind_of_slot(i: usize) -> LogKind {
    LogKind::KNOWN.get(i).copied().unwrap_or(LogKind::Other)
}

/// Part of a sequence rule a set pattern stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SeqPart {
    First,
    Then,
    Reset,
}

/// The sequence-rule parts (first/then/reset regexes) that apply to one kind.
#[derive(Debug, Default)]
struct SeqIndex {
    /// Part → (rule index, part).
    parts: Vec<(u32, SeqPart)>,
    /// Parts whose regex has no required literal: tried on every line of the kind.
    always: Vec<u32>,
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
    seq_slot: Vec<Option<usize>>,
    seq_count: usize,
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

    fn seq_index(&self, slot: usize) -> Option<&SeqIndex> {
        let cell = self.seq.get(slot)?;
        Some(cell.get_or_init(|| build_seq_index(&self.rules, kind_of_slot(slot))))
    }

    /// Every place of a literal of `kind`'s rules and extra consumers in `lower` (a message
    /// lower-cased by [`LowerBuf::set`]), with the extra words when `words`; hand the whole
    /// list to [`StreamMatcher::feed_scanned`].
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

    /// A fresh per-stream matcher.
    pub fn stream(&self) -> StreamMatcher<'_> {
        StreamMatcher {
            set: self,
            hits: (0..self.rules.len()).map(|_| None).collect(),
            unclassified: Default::default(),
            fallback: Default::default(),
            seq: (0..self.seq_count).map(|_| SeqState::default()).collect(),
            candidates: Vec::new(),
            scanned: Vec::new(),
            lower: LowerBuf::new(),
            deferred: false,
        }
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
fn seq_regex(rule: &Rule, part: SeqPart) -> Option<&Pattern> {
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
/// one progress rule, and allocating a vector per line for it showed in profiles).
pub type MatchedIds<'r> = SmallVec<[&'r str; 2]>;

/// A line remembered by a sequence rule until its scope closes.
#[derive(Clone, Debug)]
struct Pending {
    time: Option<DateTime<Utc>>,
    evidence: Evidence,
    severity: Severity,
    kind: LogKind,
    codes: Vec<String>,
    captures: BTreeMap<String, String>,
}

#[derive(Debug, Default)]
struct SeqState {
    firsts: Vec<Pending>,
}

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

/// Matching state of one stream (or of a later part of it, see [`StreamMatcher::fork`]).
pub struct StreamMatcher<'r> {
    set: &'r RuleSet,
    /// Rule index → hits (a map lookup per hit was 3 % of a run where most lines hit a rule).
    hits: Vec<Option<HitSet>>,
    /// [kind slot][0 = error, 1 = warning]
    unclassified: [[Option<HitSet>; 2]; KIND_SLOTS],
    /// Lines of `matched` sequence rules whose all-clear never came: unclassified, but added
    /// after the directly unclassified lines (they are known only when the scope closes).
    fallback: [[Option<HitSet>; 2]; KIND_SLOTS],
    seq: Vec<SeqState>,
    /// Reused buffer of candidate line rules or sequence parts: (rule index or part, start of
    /// its literal).
    candidates: Vec<(u32, u32)>,
    /// Reused buffer of literal hits (for callers that do not scan themselves).
    scanned: Vec<Hit>,
    /// Reused buffer: the text being matched, ASCII lower-cased (when the caller has no
    /// lower-cased copy to share).
    lower: LowerBuf,
    /// A fork: sequence rules are not run, their set hits are handed back to be replayed in
    /// order (sequence state depends on everything before).
    deferred: bool,
}

/// Sequence-set patterns an event hit (indexes into its kind's set), for replay.
pub type SeqHits = Vec<u32>;

/// What a sequence rule reads of an event (owned copies are replayed after a fork).
#[derive(Clone, Copy, Debug)]
pub struct SeqLine<'a> {
    pub text: &'a str,
    pub raw: &'a str,
    pub time: Option<DateTime<Utc>>,
    pub line: u64,
    pub severity: Severity,
    pub kind: LogKind,
    pub file: &'a str,
}

impl<'a> SeqLine<'a> {
    pub fn of(ev: &'a Event<'_>, file: &'a FileInfo<'_>) -> Self {
        SeqLine {
            text: &ev.message,
            raw: ev.raw,
            time: ev.time_utc,
            line: ev.line,
            severity: ev.severity,
            kind: ev.kind,
            file: &file.input.display,
        }
    }
}

/// Codes from a capture value: `12007` → `12007` + `0x80072EE7`; `0x87d00692` → `0x87D00692`;
/// `-2147467259` → `0x80004005`. HTTP statuses (`status`) are kept as written.
pub fn codes_from_capture(name: &str, value: &str, out: &mut Vec<String>) {
    let v = truncate_text(value.trim(), MAX_CAPTURE_TEXT);
    let v = v.as_str();
    if v.is_empty() {
        return;
    }
    let mut push = |c: String| {
        if !out.contains(&c) {
            out.push(c);
        }
    };
    if name == "status" {
        push(v.to_string());
        return;
    }
    match crate::codes::parse_code(v) {
        Some(p) => {
            if let Some(d) = p.decimal {
                push(d.to_string());
            }
            push(format!("0x{:08X}", p.hresult));
        }
        None => push(v.to_string()),
    }
}

fn record(
    hs: &mut HitSet,
    time: Option<DateTime<Utc>>,
    file: &FileInfo<'_>,
    line: u64,
    text: &str,
) {
    hs.count += 1;
    if let Some(t) = time {
        hs.first_seen = Some(hs.first_seen.map_or(t, |f| f.min(t)));
        hs.last_seen = Some(hs.last_seen.map_or(t, |l| l.max(t)));
    }
    if hs.evidence.len() < MAX_EVIDENCE {
        hs.evidence
            .push(Evidence::new(file.input.display.clone(), line, text));
    }
}

fn add_codes(hs: &mut HitSet, codes: Vec<String>) {
    hs.add_codes(codes);
}

/// Merge `b` into `a`, slot by slot (`b` comes later in the input).
fn merge_slots(a: &mut [[Option<HitSet>; 2]; KIND_SLOTS], b: [[Option<HitSet>; 2]; KIND_SLOTS]) {
    for (x, y) in a.iter_mut().zip(b) {
        for (hx, hy) in x.iter_mut().zip(y) {
            let Some(hy) = hy else { continue };
            match hx {
                Some(hx) => hx.merge(hy),
                None => *hx = Some(hy),
            }
        }
    }
}

impl<'r> StreamMatcher<'r> {
    /// A matcher for a later part of the same stream (a chunk of a big file, a later rolled
    /// file), run in parallel; [`Self::absorb`] it back in input order and replay the
    /// sequence hits it handed out with [`Self::replay_seq`].
    pub fn fork(&self) -> StreamMatcher<'r> {
        StreamMatcher {
            deferred: true,
            seq: Vec::new(),
            ..self.set.stream()
        }
    }

    /// Match one event against every rule of its kind.
    pub fn feed(&mut self, ev: &Event<'_>, file: &FileInfo<'_>) -> MatchedIds<'r> {
        self.feed_split(ev, file).0
    }

    /// [`Self::feed`]; a fork also returns the sequence-set hits to replay (empty otherwise).
    pub fn feed_split(&mut self, ev: &Event<'_>, file: &FileInfo<'_>) -> (MatchedIds<'r>, SeqHits) {
        let mut buf = std::mem::take(&mut self.lower);
        let mut scanned = std::mem::take(&mut self.scanned);
        scanned.clear();
        self.set
            .scan(ev.kind, false, buf.set(ev.message.as_bytes()), &mut scanned);
        let out = self.feed_scanned(ev, &scanned, file);
        self.lower = buf;
        self.scanned = scanned;
        out
    }

    /// [`Self::feed_split`] with the literal hits of the message from [`RuleSet::scan`] (the
    /// pipeline scans once for every consumer).
    pub fn feed_scanned(
        &mut self,
        ev: &Event<'_>,
        hits: &[Hit],
        file: &FileInfo<'_>,
    ) -> (MatchedIds<'r>, SeqHits) {
        let mut matched: MatchedIds<'r> = SmallVec::new();
        let msg: &str = &ev.message;
        let mut classified = self.match_lines(msg, hits, ev, file, &mut matched);
        if !ev.parsed && ev.raw != msg && matched.is_empty() {
            let mut buf = std::mem::take(&mut self.lower);
            let mut raw_hits = Vec::new();
            self.set
                .scan(ev.kind, false, buf.set(ev.raw.as_bytes()), &mut raw_hits);
            self.lower = buf;
            classified |= self.match_lines(ev.raw, &raw_hits, ev, file, &mut matched);
        }
        let mut deferred = SeqHits::new();
        if let Some(idx) = self.set.seq_index(slot(ev.kind)) {
            let pats = self.seq_hits(idx, msg, hits);
            if !pats.is_empty() {
                classified |= pats.iter().any(|&pi| {
                    idx.parts
                        .get(pi as usize)
                        .is_some_and(|p| p.1 != SeqPart::Reset)
                });
                if self.deferred {
                    deferred = pats;
                } else {
                    self.replay_seq(&SeqLine::of(ev, file), &pats, &mut matched);
                }
            }
        }
        if !classified && ev.severity >= Severity::Warning {
            let which = usize::from(ev.severity == Severity::Warning);
            let hs = self.unclassified[slot(ev.kind)][which].get_or_insert_with(HitSet::default);
            record(hs, ev.time_utc, file, ev.line, ev.raw);
            if hs.codes.len() < MAX_CODES {
                add_codes(hs, hex_codes(msg));
            }
        }
        (matched, deferred)
    }

    /// The sequence parts of `idx` whose regex matches `text`, in part order. Only parts whose
    /// required literal is among the literal `hits`, or that have none, are tried; a part whose
    /// regex is a plain sequence is matched at the literal positions without an automaton.
    fn seq_hits(&mut self, idx: &SeqIndex, text: &str, hits: &[Hit]) -> SeqHits {
        if idx.parts.is_empty() {
            return SeqHits::new();
        }
        // (part, literal start); parts without literals carry no position.
        self.candidates.clear();
        self.candidates
            .extend(idx.always.iter().map(|&pi| (pi, u32::MAX)));
        self.candidates
            .extend(hits.iter().filter_map(|h| match h.target {
                Target::SeqPart(pi) => Some((pi, h.at)),
                _ => None,
            }));
        if self.candidates.is_empty() {
            return SeqHits::new();
        }
        self.candidates.sort_unstable();
        self.candidates.dedup();
        let rules = &self.set.rules;
        let mut out = SeqHits::new();
        for group in self.candidates.chunk_by(|a, b| a.0 == b.0) {
            let pi = group[0].0;
            let Some(&(ri, part)) = idx.parts.get(pi as usize) else {
                continue;
            };
            let Some(re) = rules.get(ri as usize).and_then(|r| seq_regex(r, part)) else {
                continue;
            };
            let hit = if group.iter().all(|&(_, at)| at != u32::MAX) {
                re.is_match_at(text, group.iter().map(|&(_, at)| at as usize))
            } else {
                re.is_match(text)
            };
            if hit {
                out.push(pi);
            }
        }
        out
    }

    /// Take in what a fork saw (its part of the input comes after everything this matcher saw).
    /// Its sequence hits must then be replayed, in order, with [`Self::replay_seq`].
    pub fn absorb(&mut self, later: StreamMatcher<'r>) {
        for (mine, theirs) in self.hits.iter_mut().zip(later.hits) {
            let Some(hs) = theirs else { continue };
            match mine {
                Some(h) => h.merge(hs),
                None => *mine = Some(hs),
            }
        }
        merge_slots(&mut self.unclassified, later.unclassified);
        merge_slots(&mut self.fallback, later.fallback);
    }

    /// Run the sequence rules on one line whose set hits are `pats` (from [`Self::feed_split`]);
    /// rule ids that complete a sequence are added to `matched`.
    pub fn replay_seq(&mut self, line: &SeqLine<'_>, pats: &[u32], matched: &mut MatchedIds<'r>) {
        let set = self.set;
        let Some(idx) = set.seq_index(slot(line.kind)) else {
            return;
        };
        // Reset first (closes the previous scope), then first, then then.
        for want in [SeqPart::Reset, SeqPart::First, SeqPart::Then] {
            for &pi in pats {
                let Some(&(ri, part)) = idx.parts.get(pi as usize) else {
                    continue;
                };
                if part == want {
                    self.seq_event(ri, part, line, matched);
                }
            }
        }
    }

    /// Line rules whose literal is among the literal `hits` of `text` (rule index, literal
    /// start); returns true when any regex matched (even if excluded by `not_regex`).
    fn match_lines(
        &mut self,
        text: &str,
        hits: &[Hit],
        ev: &Event<'_>,
        file: &FileInfo<'_>,
        matched: &mut MatchedIds<'r>,
    ) -> bool {
        let set = self.set;
        self.candidates.clear();
        self.candidates
            .extend(hits.iter().filter_map(|h| match h.target {
                Target::Rule(ri) => Some((ri, h.at)),
                _ => None,
            }));
        if self.candidates.is_empty() {
            return false;
        }
        self.candidates.sort_unstable();
        self.candidates.dedup();
        let mut classified = false;
        let mut i = 0;
        while i < self.candidates.len() {
            let ri = self.candidates[i].0;
            let from = i;
            while i < self.candidates.len() && self.candidates[i].0 == ri {
                i += 1;
            }
            let Some(rule) = set.rules.get(ri as usize) else {
                continue;
            };
            let Body::Line {
                regex, not_regex, ..
            } = &rule.body
            else {
                continue;
            };
            // A regex without groups needs no capture positions: `is_match` is far cheaper
            // (per-update progress lines hit such a rule on every record of a big sync).
            let places = self.candidates[from..i].iter().map(|&(_, at)| at as usize);
            let caps = if regex.captures_len() == 1 {
                if !regex.is_match_at(text, places) {
                    continue;
                }
                None
            } else {
                match regex.captures_at(text, places) {
                    Some(c) => Some(named(regex, &c)),
                    None => continue,
                }
            };
            classified = true;
            if not_regex.as_ref().is_some_and(|n| n.is_match(text))
                || matched.contains(&rule.id.as_str())
            {
                continue;
            }
            let Some(hs) = hit_set(&mut self.hits, ri) else {
                continue;
            };
            matched.push(rule.id.as_str());
            record(hs, ev.time_utc, file, ev.line, ev.raw);
            if let Some(caps) = caps {
                let (codes, captures) = capture_data(&caps, Some(&hs.captures));
                add_codes(hs, codes);
                for (k, v) in captures {
                    hs.captures.entry(k).or_insert(v);
                }
            }
        }
        classified
    }

    fn seq_event(
        &mut self,
        ri: u32,
        part: SeqPart,
        ev: &SeqLine<'_>,
        matched: &mut MatchedIds<'r>,
    ) {
        let text = ev.text;
        let set = self.set;
        let Some(rule) = set.rules.get(ri as usize) else {
            return;
        };
        let Some(si) = set.seq_slot.get(ri as usize).copied().flatten() else {
            return;
        };
        let Body::Sequence {
            first,
            then,
            report,
            ..
        } = &rule.body
        else {
            return;
        };
        match part {
            SeqPart::Reset => self.close_scope(ri),
            SeqPart::First => {
                let (codes, captures) = match first.captures(text) {
                    Some(c) => capture_data(&named(first, &c), None),
                    None => (Vec::new(), BTreeMap::new()),
                };
                if let Some(st) = self.seq.get_mut(si) {
                    st.firsts.push(Pending {
                        time: ev.time,
                        evidence: Evidence::new(ev.file, ev.line, ev.raw),
                        severity: ev.severity,
                        kind: ev.kind,
                        codes,
                        captures,
                    });
                }
            }
            SeqPart::Then => {
                let firsts = match self.seq.get_mut(si) {
                    Some(st) => std::mem::take(&mut st.firsts),
                    None => return,
                };
                if firsts.is_empty() || *report != SeqReport::Matched {
                    return;
                }
                let (codes, captures) = match then.captures(text) {
                    Some(c) => capture_data(&named(then, &c), None),
                    None => (Vec::new(), BTreeMap::new()),
                };
                let Some(hs) = hit_set(&mut self.hits, ri) else {
                    return;
                };
                add_pending(hs, &firsts);
                if hs.evidence.len() < MAX_EVIDENCE {
                    hs.evidence.push(Evidence::new(ev.file, ev.line, ev.raw));
                }
                add_codes(hs, codes);
                for (k, v) in captures {
                    hs.captures.entry(k).or_insert(v);
                }
                if !matched.contains(&rule.id.as_str()) {
                    matched.push(rule.id.as_str());
                }
            }
        }
    }

    /// Close the scope of sequence rule `ri`: unmatched A lines become a finding ("unmatched"
    /// rules) or fall back to unclassified routing ("matched" rules: a benign look-alike that was
    /// not followed by its all-clear is not benign).
    fn close_scope(&mut self, ri: u32) {
        let set = self.set;
        let Some(rule) = set.rules.get(ri as usize) else {
            return;
        };
        let Some(si) = set.seq_slot.get(ri as usize).copied().flatten() else {
            return;
        };
        let Body::Sequence { report, .. } = &rule.body else {
            return;
        };
        let firsts = match self.seq.get_mut(si) {
            Some(st) => std::mem::take(&mut st.firsts),
            None => return,
        };
        if firsts.is_empty() {
            return;
        }
        match report {
            SeqReport::Unmatched => {
                if let Some(hs) = hit_set(&mut self.hits, ri) {
                    add_pending(hs, &firsts);
                }
            }
            SeqReport::Matched => {
                for p in firsts {
                    if p.severity < Severity::Warning {
                        continue;
                    }
                    let which = usize::from(p.severity == Severity::Warning);
                    let hs = self.fallback[slot(p.kind)][which].get_or_insert_with(HitSet::default);
                    hs.count += 1;
                    if let Some(t) = p.time {
                        hs.first_seen = Some(hs.first_seen.map_or(t, |f| f.min(t)));
                        hs.last_seen = Some(hs.last_seen.map_or(t, |l| l.max(t)));
                    }
                    if hs.evidence.len() < MAX_EVIDENCE {
                        hs.evidence.push(p.evidence);
                    }
                }
            }
        }
    }

    /// End of stream: close every open sequence scope and return the hits by rule id.
    pub fn finish(mut self) -> StreamHits {
        let seq_rules: Vec<u32> = self
            .set
            .seq_slot
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.map(|_| i as u32))
            .collect();
        for ri in seq_rules {
            self.close_scope(ri);
        }
        let fallback = std::mem::take(&mut self.fallback);
        merge_slots(&mut self.unclassified, fallback);
        let mut out = StreamHits::default();
        for (r, hs) in self.set.rules.iter().zip(self.hits) {
            if let Some(hs) = hs {
                out.hits.insert(r.id.clone(), hs);
            }
        }
        for (s, pair) in self.unclassified.into_iter().enumerate() {
            let kind = kind_of_slot(s);
            for (which, hs) in pair.into_iter().enumerate() {
                let Some(hs) = hs else { continue };
                let id = format!(
                    "unclassified_{}_{}",
                    if which == 0 { "error" } else { "warning" },
                    kind.as_str()
                );
                if !self.set.generated_disabled(&id) {
                    out.hits.insert(id, hs);
                }
            }
        }
        out
    }
}

/// The hit set of rule `ri`, created on its first hit.
fn hit_set(hits: &mut [Option<HitSet>], ri: u32) -> Option<&mut HitSet> {
    hits.get_mut(ri as usize)
        .map(|h| h.get_or_insert_with(HitSet::default))
}

/// One occurrence made of the A lines of a sequence scope.
fn add_pending(hs: &mut HitSet, firsts: &[Pending]) {
    hs.count += 1;
    for p in firsts {
        if let Some(t) = p.time {
            hs.first_seen = Some(hs.first_seen.map_or(t, |f| f.min(t)));
            hs.last_seen = Some(hs.last_seen.map_or(t, |l| l.max(t)));
        }
        if hs.evidence.len() < MAX_EVIDENCE {
            hs.evidence.push(p.evidence.clone());
        }
        add_codes(hs, p.codes.clone());
        for (k, v) in &p.captures {
            hs.captures.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

/// The named groups of `re` that took part in the match `caps`: (name, text).
fn named<'a, 't>(re: &'a Pattern, caps: &Captures<'t>) -> Vec<(&'a str, &'t str)> {
    re.capture_names()
        .filter_map(|n| caps.name(n).map(|v| (n, v)))
        .collect()
}

/// `code`, `status` or `hresult` when `name` is one of them, optionally numbered (`code2`): a
/// regex may read a code in several alternatives, and group names must be unique.
pub fn code_capture(name: &str) -> Option<&'static str> {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
    ["code", "status", "hresult"]
        .into_iter()
        .find(|k| *k == base)
}

/// Codes of the captures, and the captures not in `have` yet (all when `None`): a finding keeps
/// the first value of each capture name, so a value one line shows (the GPO's server) is not lost
/// because another line of the rule (the error code) came first.
fn capture_data(
    caps: &[(&str, &str)],
    have: Option<&BTreeMap<String, String>>,
) -> (Vec<String>, BTreeMap<String, String>) {
    let mut codes = Vec::new();
    let mut captures = BTreeMap::new();
    for &(name, m) in caps {
        if let Some(kind) = code_capture(name) {
            codes_from_capture(kind, m, &mut codes);
        }
        // A numbered capture also fills its base name, so `{exception}` reads `exception2`.
        for key in [Some(name), numbered_base(name)].into_iter().flatten() {
            if have.is_none_or(|h| !h.contains_key(key)) && !captures.contains_key(key) {
                captures.insert(key.to_string(), truncate_text(m, MAX_CAPTURE_TEXT));
            }
        }
    }
    (codes, captures)
}

/// The base name of a numbered capture (`exception2` → `exception`), `None` for other names.
pub fn numbered_base(name: &str) -> Option<&str> {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
    (base.len() < name.len() && !base.is_empty()).then_some(base)
}

/// `0x8xxxxxxx`-style codes in a message (for unclassified evidence).
fn hex_codes(msg: &str) -> Vec<String> {
    let b = msg.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = memchr::memmem::find(&b[i..], b"0x").map(|p| p + i) {
        let digits = b[p + 2..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        if digits == 8 {
            if let Ok(v) = u32::from_str_radix(&msg[p + 2..p + 10], 16) {
                let c = format!("0x{v:08X}");
                if v != 0 && !out.contains(&c) && out.len() < 4 {
                    out.push(c);
                }
            }
        }
        i = p + 2;
    }
    out
}

#[cfg(test)]
#[path = "matcher_tests.rs"]
mod tests;
