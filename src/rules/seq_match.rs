//! Phase B of rule matching: sequence rules, whose state depends on every line before. They
//! see only the lines phase A ([`LineMatcher`]) found a sequence part in, in input order.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::finding::{Evidence, HitSet, MAX_EVIDENCE};
use super::line_match::{
    add_codes, capture_data, hit_set, merge_slots, named, LineMatcher, SeqLine, Slots,
};
use super::matcher::{kind_of_slot, slot, MatchedIds, RuleSet, SeqPart, StreamHits};
use super::schema::{Body, SeqReport};
use crate::event::{Event, LogKind, Severity};
use crate::scan::FileInfo;

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

/// Sequence-rule state of one stream.
pub struct SeqMatcher<'r> {
    set: &'r RuleSet,
    seq: Vec<SeqState>,
    /// Rule index → hits of sequence rules.
    hits: Vec<Option<HitSet>>,
    /// Lines of `matched` sequence rules whose all-clear never came: unclassified, but added
    /// after the directly unclassified lines (they are known only when the scope closes).
    fallback: Slots,
}

impl<'r> SeqMatcher<'r> {
    pub fn new(set: &'r RuleSet) -> Self {
        SeqMatcher {
            set,
            seq: (0..set.seq_count).map(|_| SeqState::default()).collect(),
            hits: (0..set.rules.len()).map(|_| None).collect(),
            fallback: Default::default(),
        }
    }

    /// Run the sequence rules on the next line, whose sequence parts are `pats` (from
    /// [`LineMatcher::feed`]); rule ids that complete a sequence are added to `matched`.
    pub fn feed(&mut self, line: &SeqLine<'_>, pats: &[u32], matched: &mut MatchedIds<'r>) {
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

    /// One sequence part `part` of rule `ri` found in `ev`.
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

    /// End of stream: close every open sequence scope; the hits by rule id of both phases.
    pub fn finish(mut self, lines: LineMatcher<'r>) -> StreamHits {
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
        let mut unclassified = lines.unclassified;
        merge_slots(&mut unclassified, self.fallback);
        let mut out = StreamHits::default();
        // A rule is either a line rule (phase A) or a sequence rule (phase B).
        for ((r, a), b) in self.set.rules.iter().zip(lines.hits).zip(self.hits) {
            let hs = match (a, b) {
                (Some(mut a), Some(b)) => {
                    a.merge(b);
                    Some(a)
                }
                (a, b) => a.or(b),
            };
            if let Some(hs) = hs {
                out.hits.insert(r.id.clone(), hs);
            }
        }
        for (s, pair) in unclassified.into_iter().enumerate() {
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

/// Rule matching of a stream read in one pass, in order: both phases on every line.
pub struct StreamMatcher<'r> {
    lines: LineMatcher<'r>,
    seq: SeqMatcher<'r>,
}

impl<'r> StreamMatcher<'r> {
    pub fn new(set: &'r RuleSet) -> Self {
        StreamMatcher {
            lines: LineMatcher::new(set),
            seq: SeqMatcher::new(set),
        }
    }

    /// Match one event against every rule of its kind; the ids of the rules it matched.
    pub fn feed(&mut self, ev: &Event<'_>, file: &FileInfo<'_>) -> MatchedIds<'r> {
        let (mut matched, pats) = self.lines.feed(ev, file);
        if !pats.is_empty() {
            self.seq.feed(&SeqLine::of(ev, file), &pats, &mut matched);
        }
        matched
    }

    /// End of stream: the hits by rule id.
    pub fn finish(self) -> StreamHits {
        self.seq.finish(self.lines)
    }
}
