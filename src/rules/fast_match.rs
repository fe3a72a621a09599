//! A matcher for the simplest rule regexes, run where the literal prefilter found the rule's
//! literal instead of the regex automaton.
//!
//! The per-update progress rule (`Synchronizing update <GUID> - `) runs on most lines of a big
//! sync, and the lazy DFA walked its ~60 bytes at ~3 ns a byte: a fifth of a whole `analyze` run
//! (perf, 1 GiB SMS log). Its pattern is a fixed sequence: literal letters, byte classes with
//! counted repeats, optional single characters, where no repeat can take a byte the next part
//! needs. Such a sequence matches greedily without backtracking, one table lookup per byte.
//!
//! A regex gets this matcher only when, after translation by `regex-syntax` (so the meaning is
//! the regex crate's), it is an alternation of such sequences (alternations inside a
//! concatenation are multiplied out), has no look-arounds and every byte class is ASCII — and
//! every alternative starts with one of the rule's prefilter literals, so every match starts
//! where the prefilter reported a literal. Anything else keeps the automaton. Only `is_match`
//! is answered (no capture positions). `matcher_tests` compares both on every rule example and
//! on the sample logs.

use regex_syntax::hir::{Class, Hir, HirKind};

/// A set of bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    #[inline]
    fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] >> (b & 63) & 1 == 1
    }

    fn intersects(&self, o: &ByteSet) -> bool {
        self.0.iter().zip(&o.0).any(|(a, b)| a & b != 0)
    }

    fn is_subset(&self, o: &ByteSet) -> bool {
        self.0.iter().zip(&o.0).all(|(a, b)| a & !b == 0)
    }
}

/// A zero-width part: an ASCII word boundary (`(?-u:\b)`) or its negation, or the start
/// (slot `2i`) or end (slot `2i + 1`) of capture group `i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Look {
    None,
    Boundary,
    NotBoundary,
    Mark(u32),
}

/// One part of a sequence: a byte set matched `min..=max` times, or a look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Step {
    set: ByteSet,
    min: u32,
    max: u32,
    look: Look,
}

impl Step {
    fn one(set: ByteSet) -> Step {
        Step {
            set,
            min: 1,
            max: 1,
            look: Look::None,
        }
    }

    fn look(look: Look) -> Step {
        Step {
            set: ByteSet::default(),
            min: 0,
            max: 0,
            look,
        }
    }

    fn consumes(&self) -> bool {
        self.look == Look::None
    }

    fn is_mark(&self) -> bool {
        matches!(self.look, Look::Mark(_))
    }

    fn byte(b: u8) -> Step {
        let mut set = ByteSet::default();
        set.insert(b);
        Step::one(set)
    }
}

/// Branches multiplied out beyond this give up (the automaton is better then).
const MAX_BRANCHES: usize = 16;
/// Steps of one branch beyond this give up.
const MAX_STEPS: usize = 512;

/// A regex as alternative greedy byte sequences, each anchored where it is tried.
#[derive(Clone, Debug)]
pub struct FastMatch {
    branches: Vec<Branch>,
    /// Capture groups: (index, name) of the named ones.
    names: Vec<(u32, String)>,
    /// Capture slots (two per group, group 0 included).
    slots: usize,
}

/// One alternative, compiled for matching: the byte sets it uses are numbered, and `table[b]`
/// has bit `j` set when byte `b` is in set `j`; runs of single bytes are checked in one loop.
/// (Walking the steps one by one cost ~1,200 instructions on the 66-byte update pattern.)
#[derive(Clone, Debug)]
struct Branch {
    table: Box<[u64; 256]>,
    ops: Vec<Op>,
    /// Bytes a match has before the literal the prefilter finds (a fixed-length start).
    lead: usize,
}

#[derive(Clone, Debug)]
enum Op {
    /// Consecutive bytes that are each one byte or an ASCII letter in either case: `want` in
    /// lower case, `fold` 0x20 where either case goes. Eight bytes are compared at a time
    /// (`words`: `want` and `fold` as little-endian words, the last one padded).
    Lit {
        want: Vec<u8>,
        fold: Vec<u8>,
        words: Vec<(u64, u64)>,
    },
    /// Consecutive single bytes: the set number of each.
    Run(Vec<u8>),
    /// One set, `min..=max` times.
    Repeat {
        set: u8,
        min: u32,
        max: u32,
    },
    Look(Look),
    /// Record the position in capture slot `n`.
    Mark(u32),
}

impl Branch {
    /// `None` when the branch uses more than 64 distinct sets.
    fn compile(steps: &[Step], lead: usize) -> Option<Branch> {
        let mut sets: Vec<ByteSet> = Vec::new();
        let mut number = |s: &ByteSet| -> Option<u8> {
            let j = match sets.iter().position(|x| x == s) {
                Some(j) => j,
                None => {
                    sets.push(*s);
                    sets.len() - 1
                }
            };
            u8::try_from(j).ok().filter(|&j| j < 64)
        };
        // Single bytes (set number, literal form) with repeats and looks between them; fixed
        // counts of one set are that many single bytes.
        enum Item {
            Byte(u8, Option<(u8, u8)>),
            Other(Op),
        }
        let mut items: Vec<Item> = Vec::new();
        for s in steps {
            match s.look {
                Look::None => {}
                Look::Mark(slot) => {
                    items.push(Item::Other(Op::Mark(slot)));
                    continue;
                }
                look => {
                    items.push(Item::Other(Op::Look(look)));
                    continue;
                }
            }
            let j = number(&s.set)?;
            if s.min == s.max && (1..=64).contains(&s.min) {
                let lit = literal_byte(&s.set);
                items.extend((0..s.min).map(|_| Item::Byte(j, lit)));
            } else {
                items.push(Item::Other(Op::Repeat {
                    set: j,
                    min: s.min,
                    max: s.max,
                }));
            }
        }
        // Stretches of at least eight literal bytes are compared a word at a time; other single
        // bytes are looked up one by one.
        let mut ops: Vec<Op> = Vec::new();
        let mut k = 0;
        while k < items.len() {
            let lit_len = items[k..]
                .iter()
                .take_while(|it| matches!(it, Item::Byte(_, Some(_))))
                .count();
            if lit_len >= 8 {
                let (want, fold): (Vec<u8>, Vec<u8>) = items[k..k + lit_len]
                    .iter()
                    .filter_map(|it| match it {
                        Item::Byte(_, lit) => *lit,
                        Item::Other(_) => None,
                    })
                    .unzip();
                let words = want
                    .chunks(8)
                    .zip(fold.chunks(8))
                    .map(|(w, f)| (pad_word(w), pad_word(f)))
                    .collect();
                ops.push(Op::Lit { want, fold, words });
                k += lit_len;
                continue;
            }
            match &items[k] {
                Item::Byte(j, _) => match ops.last_mut() {
                    Some(Op::Run(run)) => run.push(*j),
                    _ => ops.push(Op::Run(vec![*j])),
                },
                Item::Other(op) => ops.push(op.clone()),
            }
            k += 1;
        }
        let mut table = Box::new([0u64; 256]);
        for (j, set) in sets.iter().enumerate() {
            for b in 0..=255u8 {
                if set.contains(b) {
                    table[usize::from(b)] |= 1 << j;
                }
            }
        }
        Some(Branch { table, ops, lead })
    }

    #[inline]
    fn has(&self, c: u8, set: u8) -> bool {
        self.table[usize::from(c)] >> set & 1 == 1
    }

    /// Does the branch match from `at`? Capture positions go to `slots` (ignored when short).
    fn matches_at(&self, hay: &[u8], at: usize, slots: &mut [Option<usize>]) -> bool {
        let mut pos = at;
        for op in &self.ops {
            match op {
                Op::Lit { want, fold, words } => {
                    let Some(bytes) = hay.get(pos..pos + want.len()) else {
                        return false;
                    };
                    if !lit_eq(bytes, want, fold, words) {
                        return false;
                    }
                    pos += want.len();
                }
                Op::Run(run) => {
                    let Some(bytes) = hay.get(pos..pos + run.len()) else {
                        return false;
                    };
                    if !bytes.iter().zip(run).all(|(&c, &j)| self.has(c, j)) {
                        return false;
                    }
                    pos += run.len();
                }
                Op::Repeat { set, min, max } => {
                    let mut n = 0;
                    while n < *max {
                        match hay.get(pos) {
                            Some(&c) if self.has(c, *set) => {
                                pos += 1;
                                n += 1;
                            }
                            _ => break,
                        }
                    }
                    if n < *min {
                        return false;
                    }
                }
                Op::Look(look) => {
                    let before = pos.checked_sub(1).and_then(|i| hay.get(i));
                    let boundary = is_word(before) != is_word(hay.get(pos));
                    if boundary != (*look == Look::Boundary) {
                        return false;
                    }
                }
                Op::Mark(slot) => {
                    if let Some(s) = slots.get_mut(*slot as usize) {
                        *s = Some(pos);
                    }
                }
            }
        }
        true
    }
}

impl FastMatch {
    /// The sequences of `pattern` (as compiled), when it has the shape described above and
    /// every alternative starts with one of `literals` (lower-cased ASCII, as the prefilter
    /// searches them).
    pub fn build(pattern: &str, literals: &[String]) -> Option<FastMatch> {
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(pattern)
            .ok()?;
        Self::from_hir(&hir, literals)
    }

    /// [`Self::build`] from the pattern's syntax tree (shared with the automaton's build).
    pub fn from_hir(hir: &Hir, literals: &[String]) -> Option<FastMatch> {
        let branches = flatten(hir)?;
        if branches.is_empty() || branches.iter().any(|b| b.is_empty()) {
            return None;
        }
        let mut compiled = Vec::with_capacity(branches.len());
        for b in &branches {
            if b.len() > MAX_STEPS || !deterministic(b) {
                return None;
            }
            compiled.push(Branch::compile(b, literal_lead(b, literals)?)?);
        }
        let mut names = Vec::new();
        let mut groups = 0;
        capture_groups(hir, &mut names, &mut groups);
        Some(FastMatch {
            branches: compiled,
            names,
            slots: 2 * (groups as usize + 1),
        })
    }

    /// Does some alternative match `hay` with its literal at `at` (where the prefilter found
    /// one of the rule's literals)?
    pub fn matches_at(&self, hay: &[u8], at: usize) -> bool {
        self.branches
            .iter()
            .any(|b| at >= b.lead && b.matches_at(hay, at - b.lead, &mut []))
    }

    /// The named groups of the leftmost-first match, given where the prefilter found the
    /// rule's literals (every match has one at its branch's lead): candidate starts are tried
    /// leftmost first, alternatives in pattern order at each, as the regex engine prefers.
    pub fn captures<'t>(
        &self,
        text: &'t str,
        literal_at: impl Iterator<Item = usize>,
    ) -> Option<Vec<(&str, &'t str)>> {
        let hay = text.as_bytes();
        let mut tries: Vec<(usize, usize)> = literal_at
            .flat_map(|at| {
                self.branches
                    .iter()
                    .enumerate()
                    .filter(move |(_, b)| at >= b.lead)
                    .map(move |(i, b)| (at - b.lead, i))
            })
            .collect();
        tries.sort_unstable();
        tries.dedup();
        let mut slots = vec![None; self.slots];
        for (start, i) in tries {
            slots.iter_mut().for_each(|s| *s = None);
            if self.branches.get(i)?.matches_at(hay, start, &mut slots) {
                return Some(
                    self.names
                        .iter()
                        .filter_map(|(g, name)| {
                            let (s, e) =
                                (slots.get(2 * *g as usize)?, slots.get(2 * *g as usize + 1)?);
                            Some((name.as_str(), text.get((*s)?..(*e)?)?))
                        })
                        .collect(),
                );
            }
        }
        None
    }
}

/// The byte a set stands for as a literal: itself, or (lower case, 0x20) for an ASCII letter
/// in either case.
fn literal_byte(set: &ByteSet) -> Option<(u8, u8)> {
    let members: Vec<u8> = (0..=255u8).filter(|&b| set.contains(b)).collect();
    match members.as_slice() {
        [b] => Some((*b, 0)),
        [u, l] if u.is_ascii_uppercase() && *l == u.to_ascii_lowercase() => Some((*l, 0x20)),
        _ => None,
    }
}

/// Up to eight bytes as a little-endian word, zero-padded.
fn pad_word(s: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    let n = s.len().min(8);
    w[..n].copy_from_slice(&s[..n]);
    u64::from_le_bytes(w)
}

/// `bytes | fold == want` (all three the same length), eight bytes at a time.
#[inline]
fn lit_eq(bytes: &[u8], want: &[u8], fold: &[u8], words: &[(u64, u64)]) -> bool {
    let full = bytes.len() / 8;
    for (i, &(w, f)) in words.iter().take(full).enumerate() {
        let Some(chunk) = bytes.get(i * 8..i * 8 + 8) else {
            return false;
        };
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        if u64::from_le_bytes(b) | f != w {
            return false;
        }
    }
    bytes[full * 8..]
        .iter()
        .zip(&want[full * 8..])
        .zip(&fold[full * 8..])
        .all(|((&b, &w), &f)| b | f == w)
}

fn is_word(b: Option<&u8>) -> bool {
    b.is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
}

/// The alternatives of `h` as step sequences, or `None` when `h` is not of the simple shape.
fn flatten(h: &Hir) -> Option<Vec<Vec<Step>>> {
    match h.kind() {
        HirKind::Empty => Some(vec![Vec::new()]),
        HirKind::Literal(lit) => Some(vec![lit.0.iter().map(|&b| Step::byte(b)).collect()]),
        HirKind::Class(c) => Some(vec![vec![Step::one(byte_set(c)?)]]),
        HirKind::Repetition(r) => {
            let sub = flatten(&r.sub)?;
            let [one] = sub.as_slice() else { return None };
            let [step] = one.as_slice() else { return None };
            // A lazy repeat of varying length would end a match (and a group) sooner.
            if step.min != 1
                || step.max != 1
                || !step.consumes()
                || !r.greedy && Some(r.min) != r.max
            {
                return None;
            }
            Some(vec![vec![Step {
                set: step.set,
                min: r.min,
                max: r.max.unwrap_or(u32::MAX),
                look: Look::None,
            }]])
        }
        HirKind::Capture(c) => {
            let (open, close) = (
                Step::look(Look::Mark(2 * c.index)),
                Step::look(Look::Mark(2 * c.index + 1)),
            );
            Some(
                flatten(&c.sub)?
                    .into_iter()
                    .map(|b| {
                        let mut v = Vec::with_capacity(b.len() + 2);
                        v.push(open);
                        v.extend(b);
                        v.push(close);
                        v
                    })
                    .collect(),
            )
        }
        HirKind::Concat(parts) => {
            let mut out: Vec<Vec<Step>> = vec![Vec::new()];
            for p in parts {
                let alts = flatten(p)?;
                if out.len() * alts.len() > MAX_BRANCHES {
                    return None;
                }
                let mut next = Vec::with_capacity(out.len() * alts.len());
                for prefix in &out {
                    for a in &alts {
                        let mut b = prefix.clone();
                        b.extend(a.iter().copied());
                        next.push(b);
                    }
                }
                out = next;
            }
            Some(out)
        }
        HirKind::Alternation(alts) => {
            let mut out = Vec::new();
            for a in alts {
                out.extend(flatten(a)?);
                if out.len() > MAX_BRANCHES {
                    return None;
                }
            }
            Some(out)
        }
        HirKind::Look(regex_syntax::hir::Look::WordAscii) => {
            Some(vec![vec![Step::look(Look::Boundary)]])
        }
        HirKind::Look(regex_syntax::hir::Look::WordAsciiNegate) => {
            Some(vec![vec![Step::look(Look::NotBoundary)]])
        }
        HirKind::Look(_) => None,
    }
}

/// Named capture groups of `h` (index, name) and the number of groups.
fn capture_groups(h: &Hir, names: &mut Vec<(u32, String)>, groups: &mut u32) {
    match h.kind() {
        HirKind::Capture(c) => {
            *groups = (*groups).max(c.index);
            if let Some(n) = &c.name {
                names.push((c.index, n.to_string()));
            }
            capture_groups(&c.sub, names, groups);
        }
        HirKind::Repetition(r) => capture_groups(&r.sub, names, groups),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => {
            hs.iter().for_each(|x| capture_groups(x, names, groups))
        }
        _ => {}
    }
}

/// The bytes of an ASCII class (a Unicode class with a non-ASCII member gives `None`: one
/// byte no longer stands for one character).
fn byte_set(c: &Class) -> Option<ByteSet> {
    let ranges: Vec<(u32, u32)> = match c {
        Class::Unicode(u) => u
            .iter()
            .map(|r| (u32::from(r.start()), u32::from(r.end())))
            .collect(),
        Class::Bytes(b) => b
            .iter()
            .map(|r| (u32::from(r.start()), u32::from(r.end())))
            .collect(),
    };
    let mut set = ByteSet::default();
    for (s, e) in ranges {
        if e > 0x7F {
            return None;
        }
        for b in s..=e {
            set.insert(b as u8);
        }
    }
    Some(set)
}

/// Greedy matching is exact when no step that may take more or fewer bytes shares a byte with
/// what may come right after it (the following optional steps and the next required one;
/// looks take no bytes), and every look follows a fixed-length step (so where it is checked
/// does not depend on a choice).
fn deterministic(steps: &[Step]) -> bool {
    let mut last_fixed = true;
    for (i, s) in steps.iter().enumerate() {
        if s.is_mark() {
            // Recording a position: where it is follows from the steps before.
            continue;
        }
        if !s.consumes() {
            if !last_fixed {
                return false;
            }
            continue;
        }
        last_fixed = s.min == s.max;
        if last_fixed {
            continue;
        }
        for t in steps[i + 1..].iter().filter(|t| t.consumes()) {
            if s.set.intersects(&t.set) {
                return false;
            }
            if t.min > 0 {
                break;
            }
        }
    }
    true
}

/// Where in every match of `steps` one of `literals` (lower-case ASCII, matched
/// ASCII-case-insensitively) stands: the number of bytes before it, when every part before it
/// has a fixed length. Then the prefilter reports that literal at every match, that many bytes
/// after its start. `None` when no literal stands at a fixed place.
fn literal_lead(steps: &[Step], literals: &[String]) -> Option<usize> {
    let mut lead = 0usize;
    for (i, s) in steps.iter().enumerate() {
        let rest = &steps[i..];
        let hit = literals.iter().any(|l| {
            let l = l.as_bytes();
            let consuming: Vec<&Step> = rest.iter().filter(|s| s.consumes()).collect();
            !l.is_empty()
                && l.len() <= consuming.len()
                && l.iter().zip(consuming.iter()).all(|(&c, s)| {
                    let mut cases = ByteSet::default();
                    cases.insert(c);
                    cases.insert(c.to_ascii_uppercase());
                    s.min == 1 && s.max == 1 && s.set.is_subset(&cases)
                })
                // No look between the literal's bytes (the prefilter would not see it).
                && rest
                    .iter()
                    .take_while(|s| s.consumes() || s.is_mark())
                    .filter(|s| s.consumes())
                    .count()
                    >= l.len()
        });
        if s.consumes() && hit {
            return Some(lead);
        }
        if !s.consumes() {
            continue;
        }
        if s.min != s.max {
            return None;
        }
        lead = lead.checked_add(usize::try_from(s.min).ok()?)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(ls: &[&str]) -> Vec<String> {
        ls.iter().map(|l| l.to_ascii_lowercase()).collect()
    }

    #[test]
    fn the_update_progress_pattern_takes_the_fast_path() {
        let p = r"(?i)(?:(?-u:Synchronizing)|(?-u:Skipped))(?-u: update \{?)[0-9a-f]{8}(?-u:-)[0-9a-f]{4}(?-u:-)[0-9a-f]{4}(?-u:-)[0-9a-f]{4}(?-u:-)[0-9a-f]{12}(?-u:\}? - )";
        let f = FastMatch::build(p, &lits(&["Synchronizing update", "Skipped update"]))
            .expect("fast path");
        let yes = b"xx Synchronizing update 3b8f3a6c-2f4e-4c1e-9d43-0c8a1f2e3d4c - Update";
        assert!(f.matches_at(yes, 3));
        assert!(!f.matches_at(yes, 0));
        assert!(f.matches_at(
            b"SKIPPED UPDATE {3B8F3A6C-2F4E-4C1E-9D43-0C8A1F2E3D4C} - ",
            0
        ));
        assert!(!f.matches_at(
            b"Synchronizing update 3b8f3a6c-2f4e-4c1e-9d43-0c8a1f2e3d4 - ",
            0
        ));
        assert!(!f.matches_at(b"Synchronizing update 3b8f3a6c", 0));
    }

    #[test]
    fn other_shapes_keep_the_automaton() {
        let l = lits(&["abc"]);
        // A look-around, a non-ASCII class, a repeat that could take what follows, a branch
        // without a literal at a fixed place, a group repeated.
        for p in [
            r"abc\b",
            r"abc[0-9]*(?-u:\b)",
            r"abc.",
            r"abc[a-z]+z",
            r"abc[0-9]*[0-9]",
            r"abc\d",
            r"abc|x",
            r"(?:abc)+",
            r"x?abc",
            r"x+abc",
        ] {
            assert!(FastMatch::build(p, &l).is_none(), "{p}");
        }
        // Disjoint neighbours and optional parts are fine.
        for p in [
            r"abc[0-9]+x",
            r"abc\{?(?-u:\d){2}\}?-",
            r"(?i)abc(?:d|e)f",
            r"(?-u:\b)abc(?-u:\b)",
            r"abc[0-9]+x(?-u:\B)",
            r"xy[0-9]{2}abc",
            r"(?:xy|zw)abc",
        ] {
            assert!(FastMatch::build(p, &l).is_some(), "{p}");
        }
    }

    /// Named groups of the leftmost-first match, against the regex crate, with the literal
    /// positions a prefilter would report.
    #[test]
    fn captures_agree_with_the_regex() {
        let cases = [
            (
                r"(?i)err(?P<sep>=|: )(?P<code>[0-9]{1,4})(?P<tail>x?)",
                "err",
            ),
            (r"(?i)(?:(?P<a>ab)|(?P<b>abc))[0-9]", "ab"),
            (r"(?i)id (?P<n>[0-9]+)(?:-(?P<m>[0-9]+))?", "id "),
            (r"(?i)(?P<pre>[a-c]{2})abc(?P<d>[0-9])", "abc"),
        ];
        let words = [
            "err", "ERR", "=", ": ", "12", "3", "x", "ab", "abc", "c", "id ", "-", "b",
        ];
        for (p, lit) in cases {
            let Some(f) = FastMatch::build(p, &lits(&[lit])) else {
                // Some shapes are refused; they keep the regex.
                assert!(p.contains("(?:-"), "{p} should take the fast path");
                continue;
            };
            let re = regex::Regex::new(p).expect("regex");
            for s in crate::testutil::word_soup(&words, 9, 5000, 7) {
                let low = s.to_ascii_lowercase();
                let at: Vec<usize> = (0..low.len())
                    .filter(|&i| low[i..].starts_with(lit))
                    .collect();
                let mut got = f.captures(&s, at.into_iter());
                let mut want = re.captures(&s).map(|c| {
                    re.capture_names()
                        .flatten()
                        .filter_map(|n| c.name(n).map(|m| (n, m.as_str())))
                        .collect::<Vec<_>>()
                });
                for c in [&mut got, &mut want].into_iter().flatten() {
                    c.sort_unstable();
                }
                assert_eq!(got, want, "{p} on {s:?}");
            }
        }
    }

    #[test]
    fn agrees_with_the_regex_anchored() {
        let cases = [
            (r"(?i)abc\{?[0-9a-f]{2,3}\}?-x", "abc"),
            (r"(?i)Error (?:code|id)=[0-9]+ on", "error "),
            (r"ID=6702 SEV=[A-Z]", "id=6702"),
            (r"(?-u:\b)ID=6702(?-u:\b)", "id=6702"),
            (r"abc(?-u:\B)[0-9]{1,2}x(?-u:\b)", "abc"),
            (
                r"(?i)(?-u:Synchronizing update )[0-9a-f]{2}(?-u: - Done)",
                "synchronizing update ",
            ),
            (r"(?i)(?:xy|z)[0-9]{2}abc", "abc"),
        ];
        let words = [
            "abc",
            "ABC",
            "{",
            "}",
            "-",
            "x",
            "0",
            "9f",
            "a",
            "ff",
            "Error ",
            "code",
            "id",
            "=",
            "12",
            " on",
            "ID=6702",
            "_",
            "7",
            "ID=6702 SEV=",
            "xy",
            "z",
            "Synchronizing update ",
            "SYNCHRONIZING UPDATE ",
            "Synchronizing_update ",
            " - Done",
            " - DONE",
            " - done!",
            "I",
            "e",
            " ",
        ];
        for (p, lit) in cases {
            let f = FastMatch::build(p, &lits(&[lit])).expect(p);
            let anchored = regex::Regex::new(&format!("^(?:{p})")).expect("regex");
            for s in crate::testutil::word_soup(&words, 3, 5000, 8) {
                // Each alternative from the start of `s`, and through `matches_at` with the
                // literal where the prefilter reports it.
                let b = s.as_bytes();
                let from_start = f.branches.iter().any(|br| br.matches_at(b, 0, &mut []));
                assert_eq!(from_start, anchored.is_match(&s), "{p} on {s:?}");
                let via_literal = f.branches.iter().any(|br| f.matches_at(b, br.lead));
                assert!(via_literal || !from_start, "{p} on {s:?}");
            }
        }
    }
}
