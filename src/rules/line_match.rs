//! Phase A of rule matching: line rules and the routing of unclassified errors and warnings,
//! which depend on nothing but the line. A stream's chunks are matched in parallel, each by its
//! own [`LineMatcher`], and appended in input order; the sequence parts a line hit are handed
//! back for phase B ([`super::seq_match::SeqMatcher`]), which needs the lines in order.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use smallvec::SmallVec;

use super::finding::{truncate_text, Evidence, HitSet, MAX_CAPTURE_TEXT, MAX_CODES, MAX_EVIDENCE};
use super::matcher::{seq_regex, slot, MatchedIds, RuleSet, SeqIndex, SeqPart, KIND_SLOTS};
use super::schema::Body;
use crate::event::{Event, LogKind, Severity};
use crate::matching::{Captures, Hit, LowerBuf, Pattern, Target};
use crate::scan::FileInfo;

/// Hit sets per kind slot: [kind slot][0 = error, 1 = warning].
pub(super) type Slots = [[Option<HitSet>; 2]; KIND_SLOTS];

/// Line-rule matching state of one chunk of a stream, or of several appended in order.
pub struct LineMatcher<'r> {
    set: &'r RuleSet,
    /// Rule index → hits of line rules (indexed rather than keyed: in a big sync most lines hit
    /// a rule, so this is on the path of nearly every line).
    pub(super) hits: Vec<Option<HitSet>>,
    pub(super) unclassified: Slots,
    /// Reused buffer of candidate line rules or sequence parts: (rule index or part, start of
    /// its literal).
    candidates: Vec<(u32, u32)>,
    /// Reused buffer of literal hits (for callers that do not scan themselves).
    scanned: Vec<Hit>,
    /// Reused buffer: the text being matched, ASCII lower-cased (when the caller has no
    /// lower-cased copy to share).
    lower: LowerBuf,
}

impl std::fmt::Debug for LineMatcher<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LineMatcher")
            .field("hits", &self.hits)
            .field("unclassified", &self.unclassified)
            .finish_non_exhaustive()
    }
}

/// Sequence parts an event hit (indexes into its kind's `SeqIndex`), for phase B.
pub type SeqHits = Vec<u32>;

/// What a sequence rule reads of an event (phase B may get it from a copy of the event).
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

pub(super) fn add_codes(hs: &mut HitSet, codes: Vec<String>) {
    hs.add_codes(codes);
}

/// Merge `b` into `a`, slot by slot (`b` comes later in the input).
pub(super) fn merge_slots(a: &mut Slots, b: Slots) {
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
impl<'r> LineMatcher<'r> {
    /// An empty matcher.
    pub fn new(set: &'r RuleSet) -> Self {
        LineMatcher {
            set,
            hits: (0..set.rules.len()).map(|_| None).collect(),
            unclassified: Default::default(),
            candidates: Vec::new(),
            scanned: Vec::new(),
            lower: LowerBuf::new(),
        }
    }

    /// Match one event against every line rule of its kind; the rule ids it matched and the
    /// sequence parts it hit (for [`super::seq_match::SeqMatcher::feed`]).
    pub fn feed(&mut self, ev: &Event<'_>, file: &FileInfo<'_>) -> (MatchedIds<'r>, SeqHits) {
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

    /// [`Self::feed`] with the literal hits of the message from [`RuleSet::scan`] (the
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
        let mut pats = SeqHits::new();
        if let Some(idx) = self.set.seq_index(slot(ev.kind)) {
            pats = self.seq_hits(idx, msg, hits);
            classified |= pats.iter().any(|&pi| {
                idx.parts
                    .get(pi as usize)
                    .is_some_and(|p| p.1 != SeqPart::Reset)
            });
        }
        if !classified && ev.severity >= Severity::Warning {
            let which = usize::from(ev.severity == Severity::Warning);
            let hs = self.unclassified[slot(ev.kind)][which].get_or_insert_with(HitSet::default);
            record(hs, ev.time_utc, file, ev.line, ev.raw);
            if hs.codes.len() < MAX_CODES {
                add_codes(hs, hex_codes(msg));
            }
        }
        (matched, pats)
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

    /// Append what a matcher of a later chunk saw.
    pub fn append(&mut self, later: LineMatcher<'r>) {
        for (mine, theirs) in self.hits.iter_mut().zip(later.hits) {
            let Some(hs) = theirs else { continue };
            match mine {
                Some(h) => h.merge(hs),
                None => *mine = Some(hs),
            }
        }
        merge_slots(&mut self.unclassified, later.unclassified);
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
            // Capture positions cost far more than `is_match`, and a hit set keeps only the
            // first value of each group and the first few codes: once it has them, later
            // lines only count and add evidence.
            let places = self.candidates[from..i].iter().map(|&(_, at)| at as usize);
            let want = takes_captures(regex, self.hits.get(ri as usize).and_then(Option::as_ref));
            let caps = if !want {
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
}

/// Would a match of `re` add anything to `hs` beyond a count and evidence: a named group it has
/// no value for yet, or a code while it has fewer than [`MAX_CODES`]?
fn takes_captures(re: &Pattern, hs: Option<&HitSet>) -> bool {
    if re.captures_len() == 1 {
        return false;
    }
    let Some(hs) = hs else { return true };
    re.capture_names().any(|n| {
        (code_capture(n).is_some() && hs.codes.len() < MAX_CODES)
            || !hs.captures.contains_key(n)
            || numbered_base(n).is_some_and(|b| !hs.captures.contains_key(b))
    })
}

/// The hit set of rule `ri`, created on its first hit.
pub(super) fn hit_set(hits: &mut [Option<HitSet>], ri: u32) -> Option<&mut HitSet> {
    hits.get_mut(ri as usize)
        .map(|h| h.get_or_insert_with(HitSet::default))
}

/// The named groups of `re` that took part in the match `caps`: (name, text).
pub(super) fn named<'a, 't>(re: &'a Pattern, caps: &Captures<'t>) -> Vec<(&'a str, &'t str)> {
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
pub(super) fn capture_data(
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
