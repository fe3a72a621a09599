//! Literal prefilter: which targets (rules, sequence-rule parts) may match a text, from the
//! lower-cased literals found in the lower-cased text ([`crate::lower::LowerBuf`]).
//!
//! One SIMD (Teddy) search per text over all literals of a log kind: an order of magnitude
//! faster than a case-insensitive automaton, which had no prefilter and walked every byte.
//! Beyond what one packed searcher takes (~128 literals) a keyed index keeps the cost flat in
//! the number of rules; an automaton is the last resort.

use std::collections::{BTreeMap, HashMap};

use aho_corasick::{packed, AhoCorasick, AhoCorasickBuilder, MatchKind, Span};

/// Targets of the literals of one log kind.
#[derive(Debug, Default)]
pub struct LiteralIndex {
    /// Searcher over the literals, longest first (leftmost-first then reports the longest
    /// literal at a position, and every literal found there is a prefix of it).
    packed: Option<packed::Searcher>,
    /// More literals than one packed searcher takes: a packed searcher over their first
    /// bytes, each hit verified with one hash lookup per literal length.
    keyed: Option<Keyed>,
    /// When neither can be built: overlapping automaton over the literals.
    ac: Option<AhoCorasick>,
    /// Pattern id → targets. With `packed`, a pattern also stands for the patterns that are
    /// prefixes of it.
    pattern_targets: Vec<Vec<u32>>,
}

impl LiteralIndex {
    /// An index over `literals` (any case; duplicates allowed), each with its target.
    pub fn build<'a>(literals: impl IntoIterator<Item = (&'a str, u32)>) -> LiteralIndex {
        let mut pats: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<u32>> = Vec::new();
        for (l, t) in literals {
            let low = l.to_ascii_lowercase();
            match pats.iter().position(|p| *p == low) {
                Some(p) => {
                    if !targets[p].contains(&t) {
                        targets[p].push(t);
                    }
                }
                None => {
                    pats.push(low);
                    targets.push(vec![t]);
                }
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
            return LiteralIndex {
                packed: Some(searcher),
                keyed: None,
                ac: None,
                pattern_targets: order.iter().map(|&i| targets_of(i)).collect(),
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
    /// (lower-cased text), overlapping ones included, in no particular order.
    pub fn scan(&self, lower: &[u8], out: &mut Vec<(u32, u32)>) {
        let mut push = |ts: Option<&Vec<u32>>, start: usize| {
            for &t in ts.into_iter().flatten() {
                out.push((t, start as u32));
            }
        };
        if let Some(searcher) = &self.packed {
            let mut at = 0;
            while let Some(m) = searcher.find_in(lower, Span::from(at..lower.len())) {
                push(self.pattern_targets.get(m.pattern().as_usize()), m.start());
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
                push(self.pattern_targets.get(m.pattern().as_usize()), m.start());
            }
        }
    }
}

/// Bytes of a literal's key (its start) in [`Keyed`].
const KEY_LEN: usize = 4;

/// Prefilter for many literals: keys are the literals' first [`KEY_LEN`] bytes.
#[derive(Debug)]
struct Keyed {
    searcher: packed::Searcher,
    /// Key id (searcher order, longest first) → for each literal length, the literals whose key
    /// is a prefix of this key → their targets.
    groups: Vec<Vec<(usize, LiteralSet)>>,
}

/// Literals of one length → targets.
type LiteralSet = HashMap<Box<[u8]>, Vec<u32>>;

impl Keyed {
    fn build(pats: &[String], targets: &[Vec<u32>]) -> Option<Keyed> {
        let key = |p: &str| -> Vec<u8> { p.as_bytes()[..p.len().min(KEY_LEN)].to_vec() };
        let mut keys: Vec<Vec<u8>> = pats.iter().map(|p| key(p)).collect();
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
                for (p, ts) in pats.iter().zip(targets) {
                    if k.starts_with(&key(p)) {
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
        Some(Keyed { searcher, groups })
    }

    /// (target, start) of every literal in `hay` (lower-cased).
    fn scan(&self, hay: &[u8], out: &mut Vec<(u32, u32)>) {
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
        let mut seed = 7u64;
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
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..(seed % 9) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(words[(seed >> 33) as usize % words.len()]);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
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
