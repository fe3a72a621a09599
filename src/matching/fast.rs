//! A matcher without an automaton for patterns of the per-update progress line's shape, tried
//! at the places the prefilter found their literal.
//!
//! The per-update progress rule (`Synchronizing update <GUID> - `) is a candidate on most
//! lines of a big sync; a greedy walk of its ~60 bytes from the literal's place, one table
//! lookup per byte, costs a fraction of starting the automaton there (`bench/RESULTS.md`). A
//! pattern gets this matcher when every alternative is a fixed sequence of ASCII byte sets
//! with bounded repeats, has one of the prefilter's literals at a fixed place, can be matched
//! greedily without backtracking (`shape::deterministic`) and has looks only at ASCII word
//! boundaries. A match then has at most [`MAX_LEN`] bytes, so a try at each literal place
//! keeps the work linear in the text. Capture groups are left to the automaton: only
//! [`FastMatch::is_match`] is answered here.

use super::shape::{self, ByteSet, Look, Shape, Step};

/// Longest match (in bytes) of a pattern that gets this matcher.
pub const MAX_LEN: u64 = 256;

/// A pattern as alternative greedy byte sequences, each tried a fixed number of bytes before
/// each place of a prefilter literal.
#[derive(Clone, Debug)]
pub struct FastMatch {
    branches: Vec<Branch>,
}

/// One alternative, compiled for matching: the byte sets it uses are numbered, and `table[b]`
/// has bit `j` set when byte `b` is in set `j`; runs of single bytes are checked in one loop.
#[derive(Clone, Debug)]
struct Branch {
    table: Box<[u64; 256]>,
    ops: Vec<Op>,
    /// Bytes between the start of a match and its literal.
    lead: usize,
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
    /// From (byte, fold) pairs, as [`shape::literal_byte`] gives them.
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
}

impl FastMatch {
    /// The matcher for a pattern of this `shape`, when it has the form described above.
    pub(super) fn of(shape: &Shape) -> Option<FastMatch> {
        let mut branches = Vec::with_capacity(shape.branches.len());
        for (steps, lead) in &shape.branches {
            let bounded = steps
                .iter()
                .try_fold(0u64, |n, s| {
                    let ok = !s.set.is_wide() && s.max != u32::MAX;
                    ok.then(|| n + u64::from(s.max))
                })
                .is_some_and(|n| n <= MAX_LEN);
            if steps.is_empty() || !bounded || !shape::deterministic(steps) {
                return None;
            }
            branches.push(Branch::compile(steps, (*lead)?)?);
        }
        Some(FastMatch { branches })
    }

    /// Does some alternative match `hay`, given every place where the prefilter found one of
    /// the pattern's literals?
    pub fn is_match(&self, hay: &[u8], places: impl Iterator<Item = usize> + Clone) -> bool {
        self.branches.iter().any(|b| {
            places.clone().any(|at| {
                at.checked_sub(b.lead)
                    .is_some_and(|start| b.matches_at(hay, start))
            })
        })
    }
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
            if s.look != Look::None {
                items.push(Item::Other(Op::Look(s.look)));
                continue;
            }
            let j = number(&s.set)?;
            if s.min == s.max {
                let lit = shape::literal_byte(&s.set);
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
            for b in set.bytes() {
                table[usize::from(b)] |= 1 << j;
            }
        }
        Some(Branch { table, ops, lead })
    }

    #[inline]
    fn has(&self, c: u8, set: u8) -> bool {
        self.table[usize::from(c)] >> set & 1 == 1
    }

    /// Does the branch match from `at`?
    fn matches_at(&self, hay: &[u8], at: usize) -> bool {
        let mut pos = at;
        let matched = self.ops.iter().all(|op| match op {
            Op::Lit(lit) => {
                let hit = lit.is_at(hay, pos);
                pos += lit.len();
                hit
            }
            Op::Run(run) => {
                let Some(bytes) = hay.get(pos..pos + run.len()) else {
                    return false;
                };
                // Without a branch per byte (a run is short, and most runs tried match).
                let hit = bytes.iter().zip(run).fold(1u64, |acc, (&c, &j)| {
                    acc & (self.table[usize::from(c)] >> j)
                });
                pos += run.len();
                hit & 1 == 1
            }
            Op::Repeat { set, min, max } => {
                let mut n = 0;
                while n < *max && hay.get(pos).is_some_and(|&c| self.has(c, *set)) {
                    pos += 1;
                    n += 1;
                }
                n >= *min
            }
            Op::Look(look) => {
                let before = pos.checked_sub(1).and_then(|i| hay.get(i));
                let boundary = is_word(before) != is_word(hay.get(pos));
                boundary == (*look == Look::Boundary)
            }
        });
        super::work::add(pos.saturating_sub(at).min(hay.len()) + 1);
        matched
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

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;
