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
//! concatenation are multiplied out) and has no look-arounds but ASCII word boundaries. Byte
//! classes are ASCII, or take every non-ASCII character (`[^"]`, `\S`, `.`) and are repeated
//! without an upper bound: a run of such a class takes whole characters, because what may
//! follow it is ASCII and cannot start inside one. Every alternative must have a fixed start
//! before a literal: one of the rule's prefilter literals, so that every match starts where
//! the prefilter reported it, or else a literal of its own (`STATMSG:` before `\s*ID=6702`),
//! which is then looked for in the few messages the prefilter let through. Anything else keeps
//! the automaton. `matcher_tests` compares both on every rule example and on the sample logs
//! (and variants of them with non-ASCII text).

use regex_syntax::hir::{Class, Hir, HirKind};

/// A set of bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    fn intersects(&self, o: &ByteSet) -> bool {
        self.0.iter().zip(&o.0).any(|(a, b)| a & b != 0)
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

    /// A wide step (its set has the bytes from 0x80: a class with every non-ASCII character,
    /// see [`byte_set`]) matches whole characters byte by byte only as a run without an upper
    /// bound (one byte is not one character, but a run ends where an ASCII byte or the text
    /// does) and when what follows cannot take a byte of it (`deterministic`: so never a
    /// non-ASCII one).
    fn whole_chars(&self) -> bool {
        let wide = self.set.0[2] | self.set.0[3] != 0;
        !wide || (self.min <= 1 && self.max == u32::MAX)
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
    start: Start,
}

/// Where the matches of a branch start.
#[derive(Clone, Debug)]
enum Start {
    /// This many bytes before a literal the prefilter reports (a fixed-length start).
    Lead(usize),
    /// `lead` bytes before each place of the branch's own literal, which is searched for.
    Anchor { lit: Literal, lead: usize },
}

/// Consecutive bytes that are each one byte or an ASCII letter in either case: `want` in lower
/// case, `fold` 0x20 where either case goes. Eight bytes are compared at a time (`words`:
/// `want` and `fold` as little-endian words, the last one padded).
#[derive(Clone, Debug)]
struct Literal {
    want: Vec<u8>,
    fold: Vec<u8>,
    words: Vec<(u64, u64)>,
}

impl Literal {
    /// From (byte, fold) pairs, as [`literal_byte`] gives them.
    fn new(bytes: impl IntoIterator<Item = (u8, u8)>) -> Literal {
        let (want, fold): (Vec<u8>, Vec<u8>) = bytes.into_iter().unzip();
        let words = want
            .chunks(8)
            .zip(fold.chunks(8))
            .map(|(w, f)| (pad_word(w), pad_word(f)))
            .collect();
        Literal { want, fold, words }
    }

    fn len(&self) -> usize {
        self.want.len()
    }

    /// Does `hay` hold the literal at `at`?
    #[inline]
    fn is_at(&self, hay: &[u8], at: usize) -> bool {
        hay.get(at..at + self.len())
            .is_some_and(|b| lit_eq(b, &self.want, &self.fold, &self.words))
    }

    /// Every place (overlapping ones too) where `hay` holds the literal.
    fn places<'a>(&'a self, hay: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
        let (first, other) = match (self.want.first(), self.fold.first()) {
            (Some(&w), Some(&f)) => (w, w & !f),
            _ => (0, 0),
        };
        memchr::memchr2_iter(first, other, hay)
            .filter(move |&at| self.len() > 0 && self.is_at(hay, at))
    }
}

/// An own literal shorter than this is not worth a search (the automaton is kept).
const MIN_ANCHOR: usize = 3;

impl Start {
    /// Where a match may start, given the places of the prefilter's literals.
    fn starts<'a>(
        &'a self,
        hay: &'a [u8],
        literal_at: impl Iterator<Item = usize> + 'a,
    ) -> impl Iterator<Item = usize> + 'a {
        let (lead, reported, anchor) = match self {
            Start::Lead(lead) => (*lead, Some(literal_at), None),
            Start::Anchor { lit, lead } => (*lead, None, Some(lit)),
        };
        reported
            .into_iter()
            .flatten()
            .chain(anchor.into_iter().flat_map(move |lit| lit.places(hay)))
            .filter_map(move |at| at.checked_sub(lead))
    }
}

#[derive(Clone, Debug)]
enum Op {
    /// A [`Literal`].
    Lit(Literal),
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
    fn compile(steps: &[Step], start: Start) -> Option<Branch> {
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
                ops.push(Op::Lit(Literal::new(
                    items[k..k + lit_len].iter().filter_map(|it| match it {
                        Item::Byte(_, lit) => *lit,
                        Item::Other(_) => None,
                    }),
                )));
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
            for (w, &word) in set.0.iter().enumerate() {
                let mut bits = word;
                while bits != 0 {
                    table[w * 64 + bits.trailing_zeros() as usize] |= 1 << j;
                    bits &= bits - 1;
                }
            }
        }
        Some(Branch { table, ops, start })
    }

    #[inline]
    fn has(&self, c: u8, set: u8) -> bool {
        self.table[usize::from(c)] >> set & 1 == 1
    }

    /// Does the branch match from `at`? Capture positions go to `slots` (ignored when short).
    fn matches_at(&self, hay: &[u8], at: usize, slots: &mut [Option<usize>]) -> bool {
        self.match_end(hay, at, slots).is_some()
    }

    /// Where the branch's match from `at` ends.
    fn match_end(&self, hay: &[u8], at: usize, slots: &mut [Option<usize>]) -> Option<usize> {
        let mut pos = at;
        for op in &self.ops {
            match op {
                Op::Lit(lit) => {
                    if !lit.is_at(hay, pos) {
                        return None;
                    }
                    pos += lit.len();
                }
                Op::Run(run) => {
                    let bytes = hay.get(pos..pos + run.len())?;
                    // Without a branch per byte (a run is short, and most runs tried match).
                    let hit = bytes.iter().zip(run).fold(1u64, |acc, (&c, &j)| {
                        acc & (self.table[usize::from(c)] >> j)
                    });
                    if hit & 1 == 0 {
                        return None;
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
                        return None;
                    }
                }
                Op::Look(look) => {
                    let before = pos.checked_sub(1).and_then(|i| hay.get(i));
                    let boundary = is_word(before) != is_word(hay.get(pos));
                    if boundary != (*look == Look::Boundary) {
                        return None;
                    }
                }
                Op::Mark(slot) => {
                    if let Some(s) = slots.get_mut(*slot as usize) {
                        *s = Some(pos);
                    }
                }
            }
        }
        Some(pos)
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
            if b.len() > MAX_STEPS || !deterministic(b) || !b.iter().all(Step::whole_chars) {
                return None;
            }
            let start = match literal_lead(b, literals) {
                Some(lead) => Start::Lead(lead),
                None => own_anchor(b)?,
            };
            compiled.push(Branch::compile(b, start)?);
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

    /// Does some alternative match `hay`, given where the prefilter found the rule's literals
    /// (`literal_at`: every match of a branch with a [`Start::Lead`] has one at its lead)?
    pub fn is_match(&self, hay: &[u8], literal_at: impl Iterator<Item = usize> + Clone) -> bool {
        self.branches.iter().any(|b| {
            b.start
                .starts(hay, literal_at.clone())
                .any(|at| b.matches_at(hay, at, &mut []))
        })
    }

    /// The named groups of the leftmost-first match, given where the prefilter found the
    /// rule's literals.
    pub fn captures<'t>(
        &self,
        text: &'t str,
        literal_at: impl Iterator<Item = usize> + Clone,
    ) -> Option<Vec<(&str, &'t str)>> {
        let slots = self.slots(text, literal_at)?;
        Some(
            self.names
                .iter()
                .filter_map(|(g, name)| {
                    let (s, e) = (slots.get(2 * *g as usize)?, slots.get(2 * *g as usize + 1)?);
                    Some((name.as_str(), text.get((*s)?..(*e)?)?))
                })
                .collect(),
        )
    }

    /// The capture slots of the leftmost-first match (two per group, group 0 first): candidate
    /// starts are tried leftmost first, alternatives in pattern order at each, as the regex
    /// engine prefers.
    pub fn slots(
        &self,
        text: &str,
        literal_at: impl Iterator<Item = usize> + Clone,
    ) -> Option<Vec<Option<usize>>> {
        let hay = text.as_bytes();
        let mut tries: Vec<(usize, usize)> = self
            .branches
            .iter()
            .enumerate()
            .flat_map(|(i, b)| {
                b.start
                    .starts(hay, literal_at.clone())
                    .map(move |at| (at, i))
            })
            .collect();
        tries.sort_unstable();
        tries.dedup();
        let mut slots = vec![None; self.slots];
        for (start, i) in tries {
            slots.iter_mut().for_each(|s| *s = None);
            if let Some(end) = self.branches.get(i)?.match_end(hay, start, &mut slots) {
                // Group 0: the whole match.
                if let [s0, s1, ..] = slots.as_mut_slice() {
                    (*s0, *s1) = (Some(start), Some(end));
                }
                return Some(slots);
            }
        }
        None
    }

    /// The named groups: (index, name).
    pub fn group_names(&self) -> &[(u32, String)] {
        &self.names
    }
}

/// The byte a set stands for as a literal: itself, or (lower case, 0x20) for an ASCII letter
/// in either case.
fn literal_byte(set: &ByteSet) -> Option<(u8, u8)> {
    // Called for every step of every pattern tried: look at the bits, not at 256 bytes.
    let mut members = [0u8; 2];
    let mut n = 0;
    for (i, &w) in set.0.iter().enumerate() {
        let mut bits = w;
        while bits != 0 {
            if n == 2 {
                return None;
            }
            members[n] = (i * 64) as u8 + bits.trailing_zeros() as u8;
            n += 1;
            bits &= bits - 1;
        }
    }
    match (n, members) {
        (1, [b, _]) => Some((b, 0)),
        (2, [u, l]) if u.is_ascii_uppercase() && l == u.to_ascii_lowercase() => Some((l, 0x20)),
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
                min: r.min,
                max: r.max.unwrap_or(u32::MAX),
                ..*step
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
                let mut alts = flatten(p)?;
                if alts.len() == 1 {
                    // The common case (a run of letters under `(?i)`): append, do not copy.
                    let one = alts.pop().unwrap_or_default();
                    out.iter_mut().for_each(|b| b.extend_from_slice(&one));
                    continue;
                }
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

/// The bytes of a class. A Unicode class with every non-ASCII character gets all bytes from
/// 0x80 (see [`Step::whole_chars`] for where that is exact); one with some non-ASCII
/// characters only gives `None`, as does a byte class beyond ASCII.
fn byte_set(c: &Class) -> Option<ByteSet> {
    let (ranges, unicode): (Vec<(u32, u32)>, bool) = match c {
        Class::Unicode(u) => (
            u.iter()
                .map(|r| (u32::from(r.start()), u32::from(r.end())))
                .collect(),
            true,
        ),
        Class::Bytes(b) => (
            b.iter()
                .map(|r| (u32::from(r.start()), u32::from(r.end())))
                .collect(),
            false,
        ),
    };
    let mut set = ByteSet::default();
    for (s, e) in ranges {
        if e > 0x7F {
            // Ranges are sorted and merged (U+D7FF and U+E000 count as neighbours), so every
            // non-ASCII character is in the class exactly when this last range takes them all.
            if !unicode || s > 0x80 || e != u32::from(char::MAX) {
                return None;
            }
            set.0[2] = u64::MAX;
            set.0[3] = u64::MAX;
        }
        for b in s..=e.min(0x7F) {
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

/// A literal at a fixed place: the bytes before it, and its (byte, fold) pairs.
type FixedRun = (usize, Vec<(u8, u8)>);

/// The runs of literal bytes (single bytes or ASCII letters in either case, as
/// [`literal_byte`] gives them; marks inside a run are passed over, a look ends it) before the
/// first part of varying length, each with the number of bytes before it: the literals that
/// stand at a fixed place in every match of `steps`.
fn fixed_runs(steps: &[Step]) -> Option<Vec<FixedRun>> {
    let mut runs: Vec<FixedRun> = Vec::new();
    let mut open = false;
    let mut lead = 0usize;
    for s in steps {
        if s.is_mark() {
            continue;
        }
        let byte = (s.consumes() && s.min == 1 && s.max == 1)
            .then(|| literal_byte(&s.set))
            .flatten();
        match (byte, runs.last_mut()) {
            (Some(b), Some((_, run))) if open => run.push(b),
            (Some(b), _) => runs.push((lead, vec![b])),
            (None, _) => {}
        }
        open = byte.is_some();
        if s.consumes() {
            if s.min != s.max {
                break;
            }
            lead = lead.checked_add(usize::try_from(s.min).ok()?)?;
        }
    }
    Some(runs)
}

/// Where in every match of `steps` one of `literals` (lower-case ASCII, matched
/// ASCII-case-insensitively) stands: the number of bytes before it, when every part before it
/// has a fixed length. Then the prefilter reports that literal at every match, that many bytes
/// after its start. `None` when no literal stands at a fixed place.
fn literal_lead(steps: &[Step], literals: &[String]) -> Option<usize> {
    // A run byte takes the literal's byte `c` when the step's bytes are among `c`'s cases.
    let takes = |c: u8, (w, f): (u8, u8)| w == c || (f == 0 && w == c.to_ascii_uppercase());
    fixed_runs(steps)?.iter().find_map(|(lead, run)| {
        (0..run.len()).find_map(|off| {
            literals
                .iter()
                .any(|l| {
                    !l.is_empty()
                        && l.len() <= run.len() - off
                        && l.bytes().zip(&run[off..]).all(|(c, &b)| takes(c, b))
                })
                .then_some(lead + off)
        })
    })
}

/// A literal of the branch itself at a fixed place, for a branch without one of the
/// prefilter's there: the longest of its [`fixed_runs`] (the first of equals), as a
/// [`Start::Anchor`].
fn own_anchor(steps: &[Step]) -> Option<Start> {
    let runs = fixed_runs(steps)?;
    let (lead, run) = runs
        .iter()
        .filter(|(_, run)| run.len() >= MIN_ANCHOR)
        .rev()
        .max_by_key(|(_, run)| run.len())?;
    Some(Start::Anchor {
        lit: Literal::new(run.iter().copied()),
        lead: *lead,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(ls: &[&str]) -> Vec<String> {
        ls.iter().map(|l| l.to_ascii_lowercase()).collect()
    }

    impl FastMatch {
        /// With one literal reported at `at`.
        fn is_match_at(&self, hay: &[u8], at: usize) -> bool {
            self.is_match(hay, std::iter::once(at))
        }
    }

    #[test]
    fn the_update_progress_pattern_takes_the_fast_path() {
        let p = r"(?i)(?:(?-u:Synchronizing)|(?-u:Skipped))(?-u: update \{?)[0-9a-f]{8}(?-u:-)[0-9a-f]{4}(?-u:-)[0-9a-f]{4}(?-u:-)[0-9a-f]{4}(?-u:-)[0-9a-f]{12}(?-u:\}? - )";
        let f = FastMatch::build(p, &lits(&["Synchronizing update", "Skipped update"]))
            .expect("fast path");
        let yes = b"xx Synchronizing update 3b8f3a6c-2f4e-4c1e-9d43-0c8a1f2e3d4c - Update";
        assert!(f.is_match_at(yes, 3));
        assert!(!f.is_match_at(yes, 0));
        assert!(f.is_match_at(
            b"SKIPPED UPDATE {3B8F3A6C-2F4E-4C1E-9D43-0C8A1F2E3D4C} - ",
            0
        ));
        assert!(!f.is_match_at(
            b"Synchronizing update 3b8f3a6c-2f4e-4c1e-9d43-0c8a1f2e3d4 - ",
            0
        ));
        assert!(!f.is_match_at(b"Synchronizing update 3b8f3a6c", 0));
    }

    #[test]
    fn other_shapes_keep_the_automaton() {
        let l = lits(&["abc"]);
        // A look-around, a non-ASCII class once or counted or with only some non-ASCII
        // characters (Unicode `\S` leaves out U+00A0 and others; the rules' `\S` is ASCII), a repeat that could take what follows, a branch without a literal at a
        // fixed place (of its own, none long enough), a group repeated.
        for p in [
            r"abc\b",
            r"abc[0-9]*(?-u:\b)",
            r"abc.",
            r"abc[^x]{2,}y",
            r"abc[^x]{0,5}x",
            r"abc[a-zé]+x",
            r"abc.*é",
            r"abc\S+ x",
            r"abc[a-z]+z",
            r"abc[0-9]*[0-9]",
            r"abc\d",
            r"abc|x",
            r"abc|xy",
            r"x?abcd",
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
            r#"abc[^"]*""#,
            r"abc[^\t\n\x0B\x0C\r\x20]+ x",
            r"abc.*",
            r"abc|xyz",
            r"wxyz?abc",
            r"(?i)(?-u:statmsg:)(?-u:\s)*(?-u:id=6702)",
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
            (r#"(?i)err="(?P<msg>[^"]*)"(?P<code>[0-9]*)"#, "err"),
            (
                r"(?i)err(?P<w>[^\t\n\x0B\x0C\r\x20]+) (?P<code>[0-9]+)",
                "err",
            ),
            (
                r"(?i)idx(?-u:\s)*(?P<n>[0-9]+)(?-u:\s)*err(?P<rest>.*)",
                "err",
            ),
        ];
        let words = [
            "err", "ERR", "=", ": ", "12", "3", "x", "ab", "abc", "c", "id ", "idx", "-", "b",
            "\"", "é", "😀", " ", "\t",
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
                    .filter(|&i| low.as_bytes()[i..].starts_with(lit.as_bytes()))
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
            (r#"(?i)abc="[^"]*"x"#, "abc"),
            (r"(?i)abc[^\t\n\x0B\x0C\r\x20]+ on", "abc"),
            (r"(?i)(?:xyz|zzz)(?-u:\s)*abc", "abc"),
            (r"(?i)Error[0-9]{2}(?-u:\s)*(?:code|id)abc", "abc"),
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
            "xyz",
            "zzz",
            "Error12",
            "Synchronizing update ",
            "SYNCHRONIZING UPDATE ",
            "Synchronizing_update ",
            " - Done",
            " - DONE",
            " - done!",
            "I",
            "e",
            " ",
            "\"",
            "é",
            "ü€",
            "😀",
            "\n",
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
                // Where the prefilter would report `lit` (anchored branches search their own).
                let low = s.to_ascii_lowercase();
                let at: Vec<usize> = (0..low.len())
                    .filter(|&i| low.as_bytes()[i..].starts_with(lit.as_bytes()))
                    .collect();
                let unanchored = regex::Regex::new(p).expect("regex");
                if !at.is_empty() {
                    assert_eq!(
                        f.is_match(b, at.iter().copied()),
                        unanchored.is_match(&s),
                        "{p} on {s:?}"
                    );
                }
            }
        }
    }
}
