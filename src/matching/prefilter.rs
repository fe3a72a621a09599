//! Literal prefilter: which targets may match a text, from the lower-cased literals found in
//! the lower-cased text ([`super::LowerBuf`]).
//!
//! One SIMD (Teddy) search per text over all literals of a log kind: a case-insensitive
//! automaton has no prefilter of its own and would walk every byte of every line, while the
//! lower-cased literals let a packed searcher skip most of them. Beyond what one packed
//! searcher takes (64 literals) a keyed index keeps the cost flat in the number of rules; an
//! automaton is the last resort.

use std::collections::{BTreeMap, HashMap};

use aho_corasick::{packed, AhoCorasick, AhoCorasickBuilder, MatchKind, Span};

use super::{Hit, Target};

/// Targets of the literals of one log kind.
#[derive(Debug, Default)]
pub struct Prefilter {
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
    pattern_targets: Vec<Vec<Target>>,
}

impl Prefilter {
    /// An index over `literals` (any case; duplicates allowed), each with its target.
    pub fn build<'a>(literals: impl IntoIterator<Item = (&'a str, Target)>) -> Prefilter {
        let mut pats: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
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
            return Prefilter::default();
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
                let mut ts: Vec<Target> = Vec::new();
                for (j, q) in pats.iter().enumerate() {
                    if pats[i].starts_with(q.as_str()) {
                        ts.extend(&targets[j]);
                    }
                }
                ts.sort_unstable();
                ts.dedup();
                ts
            };
            return Prefilter {
                packed: Some(searcher),
                keyed: None,
                ac: None,
                pattern_targets: order.iter().map(|&i| targets_of(i)).collect(),
            };
        }
        if let Some(keyed) = Keyed::build(&pats, &targets) {
            return Prefilter {
                keyed: Some(keyed),
                ..Prefilter::default()
            };
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&pats)
            .ok();
        Prefilter {
            ac,
            pattern_targets: targets,
            ..Prefilter::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.packed.is_none() && self.keyed.is_none() && self.ac.is_none()
    }

    /// Append to `out` (target, start) for every occurrence of every literal in `lower`
    /// (lower-cased text), overlapping ones included, in no particular order.
    pub fn scan(&self, lower: &[u8], out: &mut Vec<Hit>) {
        let mut push = |ts: Option<&Vec<Target>>, start: usize| {
            for &t in ts.into_iter().flatten() {
                out.push(Hit::new(t, start as u32));
            }
        };
        if let Some(searcher) = &self.packed {
            // Restarted one byte after each hit, so overlapping literals are found too: each
            // search looks at the bytes up to the end of its hit, at most the longest literal
            // more than a search without restarts.
            let mut at = 0;
            while let Some(m) = searcher.find_in(lower, Span::from(at..lower.len())) {
                super::work::add(m.end() - at);
                push(self.pattern_targets.get(m.pattern().as_usize()), m.start());
                at = m.start() + 1;
            }
            super::work::add(lower.len().saturating_sub(at));
        } else if let Some(keyed) = &self.keyed {
            keyed.scan(lower, out);
        } else if let Some(ac) = &self.ac {
            // Most texts hold no literal: `is_match` uses the automaton's prefilter and is
            // several times cheaper than an overlapping scan.
            super::work::add(lower.len());
            if !ac.is_match(lower) {
                return;
            }
            for m in ac.find_overlapping_iter(lower) {
                push(self.pattern_targets.get(m.pattern().as_usize()), m.start());
            }
        }
    }
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
    short: Option<(AhoCorasick, Vec<Vec<Target>>)>,
    searcher: packed::Searcher,
    /// Key id (searcher order, longest first) → for each literal length, the literals whose key
    /// is a prefix of this key → their targets.
    groups: Vec<Vec<(usize, LiteralSet)>>,
}

/// Literals of one length → targets.
type LiteralSet = HashMap<Box<[u8]>, Vec<Target>>;

impl Keyed {
    fn build(all: &[String], all_targets: &[Vec<Target>]) -> Option<Keyed> {
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
    fn scan(&self, hay: &[u8], out: &mut Vec<Hit>) {
        if let Some((ac, targets)) = &self.short {
            super::work::add(hay.len());
            for m in ac.find_overlapping_iter(hay) {
                if let Some(ts) = targets.get(m.pattern().as_usize()) {
                    out.extend(ts.iter().map(|&t| Hit::new(t, m.start() as u32)));
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
                super::work::add(*len);
                if let Some(ts) = hay.get(s..s + len).and_then(|w| set.get(w)) {
                    out.extend(ts.iter().map(|&t| Hit::new(t, s as u32)));
                }
            }
            super::work::add(m.end() - at);
            at = s + 1;
        }
        super::work::add(hay.len().saturating_sub(at));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::LowerBuf;

    /// An index over literals with numbered targets.
    fn index<'a>(lits: impl IntoIterator<Item = (&'a str, u32)>) -> Prefilter {
        Prefilter::build(lits.into_iter().map(|(l, i)| (l, Target::Rule(i))))
    }

    fn number(t: Target) -> u32 {
        match t {
            Target::Rule(i) => i,
            other => panic!("unexpected target {other:?}"),
        }
    }

    fn found(idx: &Prefilter, text: &str) -> Vec<u32> {
        let mut buf = LowerBuf::new();
        let mut out = Vec::new();
        idx.scan(buf.set(text.as_bytes()), &mut out);
        let mut ts: Vec<u32> = out.iter().map(|h| number(h.target)).collect();
        ts.sort_unstable();
        ts.dedup();
        ts
    }

    #[test]
    fn every_occurrence_is_reported_with_its_start() {
        let idx = index([("fail", 1), ("failed to", 2), ("led t", 3), ("to", 4)]);
        let mut buf = LowerBuf::new();
        let mut out = Vec::new();
        idx.scan(buf.set(b"Failed to... FAIL to"), &mut out);
        let mut out: Vec<(u32, u32)> = out.iter().map(|h| (number(h.target), h.at)).collect();
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
        let small = index(lits);
        assert!(small.packed.is_some());
        assert_eq!(found(&small, "xx Sync Failed: 503"), vec![1, 2, 3, 4]);
        assert_eq!(found(&small, "nothing here"), Vec::<u32>::new());
        assert_eq!(found(&small, "async"), vec![2]);
        // Many literals: the keyed layout, same answers.
        let many: Vec<(String, u32)> = (0..400)
            .map(|i| (format!("marker {i} xq"), 100 + i))
            .chain(lits.iter().map(|(l, t)| (l.to_string(), *t)))
            .collect();
        let keyed = index(many.iter().map(|(l, t)| (l.as_str(), *t)));
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
        let idx = index(
            spread
                .iter()
                .enumerate()
                .map(|(i, l)| (l.as_str(), i as u32)),
        );
        assert!(idx.ac.is_some());
        assert_eq!(found(&idx, "xx B27ZZZZ yy"), vec![27]);
    }

    #[test]
    fn empty_index_finds_nothing() {
        let idx = index(std::iter::empty());
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
        let pattern_rules: Vec<Vec<Target>> = (0..pats.len() as u32)
            .map(|i| vec![Target::Rule(i)])
            .collect();
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
            let mut got: Vec<u32> = hits.iter().map(|h| number(h.target)).collect();
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
