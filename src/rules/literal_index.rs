//! Literal prefilter: which targets (rules, sequence-rule parts) may match a text, from the
//! lower-cased literals found in the lower-cased text ([`crate::lower::LowerBuf`]).
//!
//! One SIMD (Teddy) search per text over all literals of a log kind: an order of magnitude
//! faster than a case-insensitive automaton, which had no prefilter and walked every byte.
//! A long literal at the very start of a text is told by a hash of the text's first eight
//! bytes instead ([`Leading`]): each hit stops the packed search and costs a restart, and
//! most lines of a big sync log start with one (`Synchronizing update …`).
//! Beyond what one packed searcher takes (64 literals) a keyed index keeps the cost flat in
//! the number of rules; an automaton is the last resort.

use std::collections::{BTreeMap, HashMap};

use aho_corasick::{packed, AhoCorasick, AhoCorasickBuilder, MatchKind, Span};

/// Targets of the literals of one log kind.
#[derive(Debug, Default)]
pub struct LiteralIndex {
    /// Searcher over the literals, longest first (leftmost-first then reports the longest
    /// literal at a position, and every literal found there is a prefix of it).
    packed: Option<packed::Searcher>,
    /// More literals than one packed searcher takes (64): a packed searcher over keys that
    /// stand for several literals each ([`choose_keys`]), each hit verified with one hash
    /// lookup per literal length.
    keyed: Option<Keyed>,
    /// When neither can be built: overlapping automaton over the literals.
    ac: Option<AhoCorasick>,
    /// Pattern id → targets. With `packed`, a pattern also stands for the patterns that are
    /// prefixes of it.
    pattern_targets: Vec<Vec<u32>>,
    /// With `packed`: the long literals a text may start with, told by its first eight bytes.
    leading: Leading,
}

impl LiteralIndex {
    /// An index over `literals` (any case; duplicates allowed), each with its target.
    pub fn build<'a>(literals: impl IntoIterator<Item = (&'a str, u32)>) -> LiteralIndex {
        let mut pats: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<u32>> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (l, t) in literals {
            let low = l.to_ascii_lowercase();
            let p = *seen.entry(low).or_insert_with_key(|low| {
                pats.push(low.clone());
                targets.push(Vec::new());
                pats.len() - 1
            });
            if !targets[p].contains(&t) {
                targets[p].push(t);
            }
        }
        if pats.is_empty() {
            return LiteralIndex::default();
        }
        let mut order: Vec<usize> = (0..pats.len()).collect();
        order.sort_by(|a, b| pats[*b].len().cmp(&pats[*a].len()).then(a.cmp(b)));
        let mut builder = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder();
        for &i in &order {
            builder.add(pats[i].as_bytes());
        }
        if let Some(searcher) = builder.build() {
            let targets_of = |i: usize| {
                let mut ts: Vec<u32> = Vec::new();
                for (j, q) in pats.iter().enumerate() {
                    if pats[i].starts_with(q.as_str()) {
                        ts.extend(&targets[j]);
                    }
                }
                ts.sort_unstable();
                ts.dedup();
                ts
            };
            let in_order: Vec<&[u8]> = order.iter().map(|&i| pats[i].as_bytes()).collect();
            return LiteralIndex {
                packed: Some(searcher),
                keyed: None,
                ac: None,
                pattern_targets: order.iter().map(|&i| targets_of(i)).collect(),
                leading: Leading::build(&in_order),
            };
        }
        if let Some(keyed) = Keyed::build(&pats, &targets) {
            return LiteralIndex {
                keyed: Some(keyed),
                ..LiteralIndex::default()
            };
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&pats)
            .ok();
        LiteralIndex {
            ac,
            pattern_targets: targets,
            ..LiteralIndex::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.packed.is_none() && self.keyed.is_none() && self.ac.is_none()
    }

    /// Append to `out` (target, start) for every occurrence of every literal in `lower`
    /// (lower-cased text), overlapping ones included, in order of their starts.
    pub fn scan(&self, lower: &[u8], out: &mut Vec<(u32, u32)>) {
        if let Some(searcher) = &self.packed {
            let mut at = 0;
            if let Some((p, skip)) = self.leading.at(lower, 0) {
                self.push(p, 0, out);
                at = skip;
            }
            while let Some(m) = searcher.find_in(lower, Span::from(at..lower.len())) {
                self.push(m.pattern().as_usize(), m.start(), out);
                at = m.start() + 1;
            }
        } else if let Some(keyed) = &self.keyed {
            keyed.scan(lower, out);
        } else if let Some(ac) = &self.ac {
            // Most texts hold no literal: `is_match` uses the automaton's prefilter and is
            // several times cheaper than an overlapping scan.
            if !ac.is_match(lower) {
                return;
            }
            for m in ac.find_overlapping_iter(lower) {
                self.push(m.pattern().as_usize(), m.start(), out);
            }
        }
    }

    /// [`Self::scan`] of each text of `buf`, one after the other, each followed by a NUL byte
    /// and starting at `starts` (as [`crate::lower::LowerBuf::set_many`] lays them out), with
    /// the same hits in the same order. A text that starts with one of the long literals gets
    /// that hit from [`Leading`], and its bytes up to where the next literal could start are
    /// cleared to NUL (no literal holds one), so the one search over `buf` has no stop there:
    /// per-update progress lines, most of a big sync log, all start with one.
    pub fn scan_texts(&self, buf: &mut [u8], starts: &[u32], out: &mut Vec<(u32, u32)>) {
        let Some(searcher) = &self.packed else {
            return self.scan(buf, out);
        };
        let mut lead: Vec<(usize, usize)> = Vec::new();
        for &s in starts {
            let s = s as usize;
            if let Some((p, skip)) = self.leading.at(buf, s) {
                lead.push((p, s));
                if let Some(b) = buf.get_mut(s..s + skip) {
                    b.fill(0);
                }
            }
        }
        let buf = &*buf;
        let mut lead = lead.into_iter().peekable();
        let mut at = 0;
        while let Some(m) = searcher.find_in(buf, Span::from(at..buf.len())) {
            while let Some((p, s)) = lead.next_if(|&(_, s)| s < m.start()) {
                self.push(p, s, out);
            }
            self.push(m.pattern().as_usize(), m.start(), out);
            at = m.start() + 1;
        }
        for (p, s) in lead {
            self.push(p, s, out);
        }
    }

    #[inline]
    fn push(&self, pattern: usize, start: usize, out: &mut Vec<(u32, u32)>) {
        match self.pattern_targets.get(pattern).map(Vec::as_slice) {
            Some(&[t]) => out.push((t, start as u32)),
            Some(ts) => out.extend(ts.iter().map(|&t| (t, start as u32))),
            None => {}
        }
    }
}

/// Literals of at least [`LEAD_KEY`] bytes found at the start of a text without the packed
/// searcher: the text's first eight bytes are looked up in a small hash table, and the
/// literals that start with them are compared longest first, as the leftmost-first search
/// would report them (a shorter literal there is a prefix of the longer one and shares its
/// hit). With each literal, where the search must go on: the first offset at which another
/// literal could start given the literal's own bytes (a literal inside it, or one starting
/// with its tail).
#[derive(Debug, Default)]
struct Leading {
    /// Open addressing by [`Leading::slot`]: (first eight bytes, range of `lits`).
    table: Vec<(u64, u32, u32)>,
    /// (pattern id, its bytes after the first eight, where the search goes on), grouped by
    /// the first eight bytes, longest first in each group.
    lits: Vec<(usize, Box<[u8]>, usize)>,
    shift: u32,
}

/// Shortest literal [`Leading`] takes (its key is this many bytes).
const LEAD_KEY: usize = 8;

impl Leading {
    /// From the packed searcher's patterns, in its order (pattern id = index).
    fn build(pats: &[&[u8]]) -> Leading {
        let key = |p: &[u8]| p.get(..LEAD_KEY).and_then(|k| <[u8; 8]>::try_from(k).ok());
        let mut groups: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        for (i, p) in pats.iter().enumerate() {
            if let Some(k) = key(p) {
                groups.entry(u64::from_le_bytes(k)).or_default().push(i);
            }
        }
        if groups.is_empty() {
            return Leading::default();
        }
        let bits = (groups.len() * 2)
            .next_power_of_two()
            .trailing_zeros()
            .max(1);
        let mut table = vec![(0u64, 0u32, 0u32); 1 << bits];
        let mut lits = Vec::new();
        let shift = 64 - bits;
        for (k, mut ids) in groups {
            ids.sort_by_key(|&i| (std::cmp::Reverse(pats[i].len()), i));
            let from = lits.len() as u32;
            for i in ids {
                let p = pats[i];
                lits.push((i, p[LEAD_KEY..].into(), resume_at(p, pats)));
            }
            let mut slot = Self::slot_of(k, shift);
            while table[slot].2 != 0 {
                slot = (slot + 1) & (table.len() - 1);
            }
            table[slot] = (k, from, lits.len() as u32);
        }
        Leading { table, lits, shift }
    }

    #[inline]
    fn slot_of(key: u64, shift: u32) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
    }

    /// The longest literal `text` holds at `at` (pattern id) and where the search goes on
    /// (relative to `at`).
    #[inline]
    fn at(&self, text: &[u8], at: usize) -> Option<(usize, usize)> {
        if self.table.is_empty() {
            return None;
        }
        let k = u64::from_le_bytes(text.get(at..at + LEAD_KEY)?.try_into().ok()?);
        let mask = self.table.len() - 1;
        let mut slot = Self::slot_of(k, self.shift);
        loop {
            let (key, from, to) = *self.table.get(slot)?;
            if to == 0 {
                return None;
            }
            if key == k {
                let rest = text.get(at + LEAD_KEY..).unwrap_or_default();
                return self.lits.get(from as usize..to as usize)?.iter().find_map(
                    |(p, tail, skip)| {
                        let head = rest.get(..tail.len())?;
                        same_bytes(head, tail).then_some((*p, *skip))
                    },
                );
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// `a == b` for texts of the same length, eight bytes at a time and inline (a call to
/// `memcmp` per text cost more than the comparison).
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let word = |s: &[u8], i: usize| {
        s.get(i..i + 8)
            .and_then(|c| <[u8; 8]>::try_from(c).ok())
            .map(u64::from_ne_bytes)
    };
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    // The last eight bytes, overlapping the word before when `n` is not a multiple of 8.
    word(a, n - 8) == word(b, n - 8)
}

/// Where a search that found `p` at some place must go on, relative to that place: the first
/// offset after it at which some literal of `pats` agrees with `p`'s bytes (lies inside `p`
/// there, or starts with `p`'s tail), else the end of `p`.
fn resume_at(p: &[u8], pats: &[&[u8]]) -> usize {
    (1..p.len())
        .find(|&j| {
            pats.iter().any(|q| {
                let n = q.len().min(p.len() - j);
                !q.is_empty() && q[..n] == p[j..j + n]
            })
        })
        .unwrap_or(p.len())
}

/// Most keys one [`Keyed`] searcher holds: aho-corasick's packed (Teddy) searcher takes at most
/// 64 patterns (more would slow its verification down).
const MAX_KEYS: usize = 64;

/// Shortest key: Teddy fingerprints the first min(4, shortest pattern) bytes of every pattern,
/// so one short key would blunt the filter for all of them.
const MIN_KEY: usize = 4;

/// Each literal's key in [`Keyed`]: a prefix of it, as long as possible with at most
/// [`MAX_KEYS`] distinct keys. Starting from the literals themselves (distinct, sorted), the
/// two neighbouring groups with the longest common prefix are merged, keyed by that prefix,
/// until few enough remain: literals that share a long start (generated rules, a family of
/// messages) share a long key, and the others keep their whole literal. Keys are never
/// shorter than [`MIN_KEY`] (`pats` are at least that long); `None` when they cannot get few
/// enough.
fn choose_keys(pats: &[String]) -> Option<Vec<Vec<u8>>> {
    let mut order: Vec<usize> = (0..pats.len()).collect();
    order.sort_by(|&a, &b| pats[a].cmp(&pats[b]));
    let lit = |i: usize| pats[order[i]].as_bytes();
    let lcp = |a: &[u8], b: &[u8]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
    // Groups of neighbouring literals: (first index into `order`, one past the last, key
    // length). The key of a group is the common prefix of its literals.
    let mut groups: Vec<(usize, usize, usize)> =
        (0..order.len()).map(|i| (i, i + 1, lit(i).len())).collect();
    // Key length a group would get merged with the next one.
    let merged = |g: &[(usize, usize, usize)], i: usize| {
        let (a, b) = (g[i], g[i + 1]);
        a.2.min(b.2).min(lcp(lit(a.1 - 1), lit(b.0)))
    };
    while groups.len() > MAX_KEYS {
        let (i, best) = (0..groups.len() - 1)
            .map(|i| (i, merged(&groups, i)))
            .max_by_key(|&(i, m)| (m, usize::MAX - i))?;
        if best < MIN_KEY {
            return None;
        }
        let (s, _, _) = groups[i];
        let (_, e, _) = groups[i + 1];
        groups[i] = (s, e, best);
        groups.remove(i + 1);
    }
    let mut keys = vec![Vec::new(); pats.len()];
    for &(s, e, len) in &groups {
        let key = lit(s)[..len].to_vec();
        for &p in &order[s..e] {
            keys[p].clone_from(&key);
        }
    }
    Some(keys)
}

/// Prefilter for many literals: one packed searcher over the literals' keys
/// ([`choose_keys`]), each hit verified with one hash lookup per literal length.
#[derive(Debug)]
struct Keyed {
    /// Literals shorter than [`MIN_KEY`], searched on their own.
    short: Option<(AhoCorasick, Vec<Vec<u32>>)>,
    searcher: packed::Searcher,
    /// Key id (searcher order, longest first) → for each literal length, the literals whose key
    /// is a prefix of this key → their targets.
    groups: Vec<Vec<(usize, LiteralSet)>>,
}

/// Literals of one length → targets.
type LiteralSet = HashMap<Box<[u8]>, Vec<u32>>;

impl Keyed {
    fn build(all: &[String], all_targets: &[Vec<u32>]) -> Option<Keyed> {
        let (mut pats, mut targets) = (Vec::new(), Vec::new());
        let (mut short, mut short_targets) = (Vec::new(), Vec::new());
        for (p, t) in all.iter().zip(all_targets) {
            if p.len() < MIN_KEY {
                short.push(p.clone());
                short_targets.push(t.clone());
            } else {
                pats.push(p.clone());
                targets.push(t.clone());
            }
        }
        let short = if short.is_empty() {
            None
        } else {
            let ac = AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&short)
                .ok()?;
            Some((ac, short_targets))
        };
        let key_of = choose_keys(&pats)?;
        let mut keys: Vec<Vec<u8>> = key_of.clone();
        keys.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        keys.dedup();
        let mut builder = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder();
        for k in &keys {
            builder.add(k);
        }
        let searcher = builder.build()?;
        let groups = keys
            .iter()
            .map(|k| {
                let mut by_len: BTreeMap<usize, LiteralSet> = BTreeMap::new();
                for ((p, ts), pk) in pats.iter().zip(&targets).zip(&key_of) {
                    if k.starts_with(pk) {
                        by_len
                            .entry(p.len())
                            .or_default()
                            .entry(p.as_bytes().into())
                            .or_default()
                            .extend(ts);
                    }
                }
                by_len.into_iter().collect()
            })
            .collect();
        Some(Keyed {
            short,
            searcher,
            groups,
        })
    }

    /// (target, start) of every literal in `hay` (lower-cased).
    fn scan(&self, hay: &[u8], out: &mut Vec<(u32, u32)>) {
        if let Some((ac, targets)) = &self.short {
            for m in ac.find_overlapping_iter(hay) {
                if let Some(ts) = targets.get(m.pattern().as_usize()) {
                    out.extend(ts.iter().map(|&t| (t, m.start() as u32)));
                }
            }
        }
        let mut at = 0;
        while let Some(m) = self.searcher.find_in(hay, Span::from(at..hay.len())) {
            let s = m.start();
            for (len, set) in self
                .groups
                .get(m.pattern().as_usize())
                .into_iter()
                .flatten()
            {
                if let Some(ts) = hay.get(s..s + len).and_then(|w| set.get(w)) {
                    out.extend(ts.iter().map(|&t| (t, s as u32)));
                }
            }
            at = s + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::LowerBuf;

    fn found(idx: &LiteralIndex, text: &str) -> Vec<u32> {
        let mut buf = LowerBuf::new();
        let mut out = Vec::new();
        idx.scan(buf.set(text.as_bytes()), &mut out);
        let mut ts: Vec<u32> = out.iter().map(|h| h.0).collect();
        ts.sort_unstable();
        ts.dedup();
        ts
    }

    #[test]
    fn every_occurrence_is_reported_with_its_start() {
        let idx = LiteralIndex::build([("fail", 1), ("failed to", 2), ("led t", 3), ("to", 4)]);
        let mut buf = LowerBuf::new();
        let mut out = Vec::new();
        idx.scan(buf.set(b"Failed to... FAIL to"), &mut out);
        out.sort_unstable();
        assert_eq!(out, vec![(1, 0), (1, 13), (2, 0), (3, 3), (4, 7), (4, 18)]);
    }

    #[test]
    fn every_literal_found_with_its_targets_in_all_three_layouts() {
        let lits = [
            ("Sync failed", 1),
            ("SYNC", 2),
            ("failed", 3),
            ("sync failed", 4),
        ];
        let small = LiteralIndex::build(lits);
        assert!(small.packed.is_some());
        assert_eq!(found(&small, "xx Sync Failed: 503"), vec![1, 2, 3, 4]);
        assert_eq!(found(&small, "nothing here"), Vec::<u32>::new());
        assert_eq!(found(&small, "async"), vec![2]);
        // Many literals: the keyed layout, same answers.
        let many: Vec<(String, u32)> = (0..400)
            .map(|i| (format!("marker {i} xq"), 100 + i))
            .chain(lits.iter().map(|(l, t)| (l.to_string(), *t)))
            .collect();
        let keyed = LiteralIndex::build(many.iter().map(|(l, t)| (l.as_str(), *t)));
        assert!(keyed.packed.is_none() && keyed.keyed.is_some());
        assert_eq!(found(&keyed, "xx Sync Failed: 503"), vec![1, 2, 3, 4]);
        assert_eq!(
            found(&keyed, "MARKER 17 XQ and marker 399 xq"),
            vec![117, 499]
        );
        assert!(found(&keyed, "marker 17 x").is_empty());
    }

    #[test]
    fn keys_stay_long_and_few() {
        let mut pats: Vec<String> = (0..540)
            .map(|i| format!("nonexistent marker {i} xq"))
            .collect();
        let own: Vec<String> = (0..40).map(|i| format!("rule literal {i:02}")).collect();
        pats.extend(own.iter().cloned());
        let keys = choose_keys(&pats).expect("keys");
        let mut distinct = keys.clone();
        distinct.sort();
        distinct.dedup();
        assert!(distinct.len() <= MAX_KEYS, "{}", distinct.len());
        // The generated family shares keys at least as long as its common start; the others
        // keep enough to tell them apart from the family.
        for (p, k) in pats.iter().zip(&keys) {
            assert!(p.as_bytes().starts_with(k), "{p}");
            assert!(k.len() >= "nonexistent marker ".len().min(p.len()) || k.len() >= MIN_KEY);
        }
        let lens: Vec<usize> = keys[540..].iter().map(Vec::len).collect();
        assert!(lens.iter().all(|&l| l >= "rule literal ".len()), "{lens:?}");
        // More distinct four-byte starts than keys: no keys, and the index falls back to the
        // automaton, which still finds every literal.
        let spread: Vec<String> = (0..200u32)
            .map(|i| format!("{}{}zzzz", char::from(b'a' + (i % 26) as u8), i))
            .collect();
        assert!(choose_keys(&spread).is_none());
        let idx = LiteralIndex::build(
            spread
                .iter()
                .enumerate()
                .map(|(i, l)| (l.as_str(), i as u32)),
        );
        assert!(idx.ac.is_some());
        assert_eq!(found(&idx, "xx B27ZZZZ yy"), vec![27]);
    }

    /// Every (target, start) of every literal in `text`, by a plain substring search, in the
    /// order the index gives them (by start, then target).
    fn naive(lits: &[(&str, u32)], text: &str) -> Vec<(u32, u32)> {
        let low = text.to_ascii_lowercase();
        let mut out: Vec<(u32, u32)> = Vec::new();
        for (l, t) in lits {
            let l = l.to_ascii_lowercase();
            for at in 0..low.len() {
                if low.as_bytes()[at..].starts_with(l.as_bytes()) {
                    out.push((*t, at as u32));
                }
            }
        }
        out.sort_by_key(|&(t, at)| (at, t));
        out
    }

    /// A text that starts with a long literal gets its hit without the packed search, which
    /// then goes on where the next literal could start: the hits are those of a plain search,
    /// for one text and for many laid out together, whatever the literals share (a long
    /// literal that is a prefix of a longer one, one inside another, one starting with the
    /// tail of another, one overlapping itself).
    #[test]
    fn leading_literals_give_the_hits_of_the_search() {
        let lits = [
            ("synchronizing update", 1),
            ("synchronizing updates", 2),
            ("synchronizing sms database", 3),
            ("sync", 4),
            ("update for", 5),
            ("error", 6),
            ("ing up", 7),
            ("abababab ab", 8),
            ("abab", 9),
            ("fail", 10),
        ];
        let idx = LiteralIndex::build(lits);
        assert!(idx.packed.is_some() && !idx.leading.table.is_empty());
        let words = [
            "Synchronizing update",
            "SYNCHRONIZING UPDATES",
            "synchronizing sms",
            " database",
            " for",
            "rror",
            "e",
            " ",
            "abab",
            "ab",
            "sync",
            "fail",
            "é",
            "\0",
        ];
        let texts = crate::testutil::word_soup(&words, 11, 3000, 6);
        let mut buf = LowerBuf::new();
        for text in &texts {
            let mut one = Vec::new();
            idx.scan(buf.set(text.as_bytes()), &mut one);
            assert_eq!(one, naive(&lits, text), "{text:?}");
        }
        for batch in texts.chunks(7) {
            let mut starts = Vec::new();
            let lower = buf.set_many(batch.iter().map(|t| t.as_bytes()), &mut starts);
            let mut got = Vec::new();
            idx.scan_texts(lower, &starts, &mut got);
            let want: Vec<(u32, u32)> = batch
                .iter()
                .zip(&starts)
                .flat_map(|(t, &s)| naive(&lits, t).into_iter().map(move |(x, at)| (x, at + s)))
                .collect();
            assert_eq!(got, want, "{batch:?}");
        }
    }

    #[test]
    fn the_search_resumes_where_another_literal_could_start() {
        let pats: [&[u8]; 4] = [b"synchronizing update", b"update for", b"error", b"abab"];
        // `update for` could start at `update`; `error` at the last `e`.
        assert_eq!(resume_at(pats[0], &pats), 14);
        assert_eq!(resume_at(pats[0], &[pats[0], pats[2]]), 19);
        assert_eq!(resume_at(pats[0], &[pats[0]]), 20);
        // A literal that overlaps itself.
        assert_eq!(resume_at(pats[3], &[pats[3]]), 2);
    }

    #[test]
    fn empty_index_finds_nothing() {
        let idx = LiteralIndex::build(std::iter::empty());
        assert!(idx.is_empty());
        assert!(found(&idx, "anything").is_empty());
    }

    /// The keyed prefilter (more literals than one packed searcher takes) finds exactly the
    /// literals a plain substring search finds: shared prefixes, literals shorter than the key,
    /// literals inside other literals, repeated hits.
    #[test]
    fn keyed_prefilter_finds_every_literal() {
        let mut pats: Vec<String> = (0..300)
            .map(|i| format!("nonexistent marker {i} xq"))
            .collect();
        pats.extend(
            [
                "503",
                "su",
                "n",
                "sync",
                "sync succeeded",
                "succeeded",
                "ed",
                "failed to download",
                "id=6702",
            ]
            .map(String::from),
        );
        let pattern_rules: Vec<Vec<u32>> = (0..pats.len() as u32).map(|i| vec![i]).collect();
        let keyed = Keyed::build(&pats, &pattern_rules).expect("keyed index");
        let words = [
            "sync ",
            "succeeded ",
            "nonexistent marker 12 xq",
            "nonexistent marker 299 xq",
            "503",
            "id=6702 ",
            "failed to download ",
            "zzz ",
            "nonexistent marker ",
            "e",
            "d",
        ];
        for text in crate::testutil::word_soup(&words, 7, 2000, 9) {
            let mut hits = Vec::new();
            keyed.scan(text.as_bytes(), &mut hits);
            let mut got: Vec<u32> = hits.iter().map(|h| h.0).collect();
            got.sort_unstable();
            got.dedup();
            let want: Vec<u32> = pats
                .iter()
                .enumerate()
                .filter(|(_, p)| text.contains(p.as_str()))
                .map(|(i, _)| i as u32)
                .collect();
            assert_eq!(got, want, "{text:?}");
        }
    }
}
