//! The shape of a compiled pattern, read from its syntax tree (as `regex-syntax` translates
//! it, so the meaning is the regex crate's): its alternatives as sequences of byte sets with
//! counted repeats, and where in every match one of the prefilter's literals stands.
//!
//! Two things follow from it. Where a literal stands at a fixed distance from the start of
//! every match, a search for the pattern can start that far before the first place the
//! prefilter found ([`Shape::leads`]). And a pattern whose every match has a bounded length and
//! can be matched greedily without backtracking gets the hand-written matcher of
//! [`super::fast`].

use regex_syntax::hir::{Class, Hir, HirKind};

/// A set of bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct ByteSet(pub [u64; 4]);

impl ByteSet {
    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    fn intersects(&self, o: &ByteSet) -> bool {
        self.0.iter().zip(&o.0).any(|(a, b)| a & b != 0)
    }

    /// Does the set hold bytes from 0x80 (a class with every non-ASCII character, see
    /// [`byte_set`])?
    pub fn is_wide(&self) -> bool {
        self.0[2] | self.0[3] != 0
    }

    /// The bytes in the set, in order.
    pub fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            (0..64u8)
                .filter(move |i| word >> i & 1 == 1)
                .map(move |i| (w as u8) * 64 + i)
        })
    }
}

/// A zero-width part: an ASCII word boundary (`(?-u:\b)`) or its negation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Look {
    None,
    Boundary,
    NotBoundary,
}

/// One part of a sequence: a byte set matched `min..=max` times (`max` is `u32::MAX` for no
/// bound), or a look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Step {
    pub set: ByteSet,
    pub min: u32,
    pub max: u32,
    pub look: Look,
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

    pub fn consumes(&self) -> bool {
        self.look == Look::None
    }

    /// Anything from here on: a part of a pattern that only the automaton reads, after which
    /// the shape says nothing (no literal at a fixed place, no hand-written matcher).
    fn opaque() -> Step {
        Step {
            set: ByteSet([u64::MAX; 4]),
            min: 0,
            max: u32::MAX,
            look: Look::None,
        }
    }

    fn is_opaque(&self) -> bool {
        *self == Step::opaque()
    }

    fn byte(b: u8) -> Step {
        let mut set = ByteSet::default();
        set.insert(b);
        Step::one(set)
    }
}

/// Alternatives multiplied out beyond this are not read (the pattern keeps the plain search).
const MAX_BRANCHES: usize = 16;

/// What the syntax tree says of a pattern's matches, for the literals the prefilter searches.
#[derive(Clone, Debug)]
pub(super) struct Shape {
    /// The alternatives, each with the place of a prefilter literal in it (bytes from the
    /// start of the match), when one stands at a fixed place.
    pub branches: Vec<(Vec<Step>, Option<usize>)>,
    /// For each alternative with a literal at a fixed place, that literal (lower case).
    anchors: Vec<Option<String>>,
}

impl Shape {
    /// The shape of `hir` for the prefilter `literals` (lower-case ASCII); `None` when the tree
    /// has parts this reading does not take (anchors, non-ASCII classes that take only some
    /// non-ASCII characters, repeated groups, too many alternatives).
    ///
    /// When the tree has such parts, the shape still tells where the literals stand when each
    /// alternative has one before its first such part: the parts are read up to there and the
    /// rest is [`Step::opaque`] (which no hand-written matcher takes).
    pub fn of(hir: &Hir, literals: &[String]) -> Option<Shape> {
        let branches = flatten(hir, false).or_else(|| flatten(hir, true))?;
        if branches.is_empty() {
            return None;
        }
        let found: Vec<Option<(usize, usize)>> =
            branches.iter().map(|b| literal_lead(b, literals)).collect();
        Some(Shape {
            anchors: found
                .iter()
                .map(|f| f.and_then(|(_, i)| literals.get(i).cloned()))
                .collect(),
            branches: branches
                .into_iter()
                .zip(&found)
                .map(|(b, f)| (b, f.map(|(lead, _)| lead)))
                .collect(),
        })
    }

    /// When every alternative has a prefilter literal at a fixed place: each such literal and
    /// its distance from the start of the match (distinct pairs). Every match then starts at a
    /// place the prefilter reports where one of these literals stands, minus its distance.
    pub fn leads(&self) -> Option<Box<[(usize, String)]>> {
        let mut leads: Vec<(usize, String)> = Vec::new();
        for ((_, lead), anchor) in self.branches.iter().zip(&self.anchors) {
            let l = ((*lead)?, anchor.clone()?);
            if !leads.contains(&l) {
                leads.push(l);
            }
        }
        Some(leads.into_boxed_slice())
    }
}

/// The alternatives of `h` as step sequences, or `None` when `h` is not of the simple shape.
/// Capture groups are read through (the groups of a match are left to the automaton). When
/// `lenient`, a part not of the simple shape becomes [`Step::opaque`] and ends its sequence.
fn flatten(h: &Hir, lenient: bool) -> Option<Vec<Vec<Step>>> {
    flatten_parts(h, lenient).or_else(|| lenient.then(|| vec![vec![Step::opaque()]]))
}

fn flatten_parts(h: &Hir, lenient: bool) -> Option<Vec<Vec<Step>>> {
    match h.kind() {
        HirKind::Empty => Some(vec![Vec::new()]),
        HirKind::Literal(lit) => Some(vec![lit.0.iter().map(|&b| Step::byte(b)).collect()]),
        HirKind::Class(c) => Some(vec![vec![Step::one(byte_set(c)?)]]),
        HirKind::Repetition(r) => {
            let sub = flatten(&r.sub, false)?;
            let [one] = sub.as_slice() else { return None };
            let [step] = one.as_slice() else { return None };
            // A lazy repeat of varying length would end a match sooner.
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
        HirKind::Capture(c) => flatten(&c.sub, lenient),
        HirKind::Concat(parts) => {
            let mut out: Vec<Vec<Step>> = vec![Vec::new()];
            for p in parts {
                let mut alts = flatten(p, lenient)?;
                if alts.len() == 1 {
                    // The common case (a run of letters under `(?i)`): append, do not copy.
                    let one = alts.pop().unwrap_or_default();
                    out.iter_mut().for_each(|b| b.extend_from_slice(&one));
                    if lenient && one.last().is_some_and(Step::is_opaque) {
                        break;
                    }
                    continue;
                }
                if out.len() * alts.len() > MAX_BRANCHES {
                    if !lenient {
                        return None;
                    }
                    alts = vec![vec![Step::opaque()]];
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
                if lenient && out.iter().all(|b| b.last().is_some_and(Step::is_opaque)) {
                    // Nothing after it is read.
                    break;
                }
            }
            Some(out)
        }
        HirKind::Alternation(alts) => {
            let mut out = Vec::new();
            for a in alts {
                out.extend(flatten(a, lenient)?);
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

/// The bytes of a class. A Unicode class with every non-ASCII character, or a byte class with
/// every byte from 0x80 (a byte-counted gap, see [`super::syntax`]), gets all bytes from 0x80
/// ([`ByteSet::is_wide`]); one with some non-ASCII characters or bytes only gives `None`.
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
            let last = if unicode { u32::from(char::MAX) } else { 0xFF };
            if s > 0x80 || e != last {
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

/// The byte a set stands for as a literal: itself, or (lower case, 0x20) for an ASCII letter
/// in either case.
pub(super) fn literal_byte(set: &ByteSet) -> Option<(u8, u8)> {
    // Called for every step of every pattern read: look at the bits, not at 256 bytes.
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

/// Greedy matching is exact when no step that may take more or fewer bytes shares a byte with
/// what may come right after it (the following optional steps and the next required one;
/// looks take no bytes), and every look follows a fixed-length step (so where it is checked
/// does not depend on a choice).
pub(super) fn deterministic(steps: &[Step]) -> bool {
    let mut last_fixed = true;
    for (i, s) in steps.iter().enumerate() {
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
/// [`literal_byte`] gives them; a look ends a run) before the first part of varying length (in
/// bytes: a wide set takes one to four),
/// each with the number of bytes before it: the literals that stand at a fixed place in every
/// match of `steps`.
fn fixed_runs(steps: &[Step]) -> Vec<FixedRun> {
    let mut runs: Vec<FixedRun> = Vec::new();
    let mut open = false;
    let mut lead = 0usize;
    for s in steps {
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
            // A wide set takes a character of one to four bytes.
            if s.min != s.max || s.set.is_wide() {
                break;
            }
            lead = lead.saturating_add(s.min as usize);
        }
    }
    runs
}

/// Where in every match of `steps` one of `literals` (lower-case ASCII, matched
/// ASCII-case-insensitively) stands: the number of bytes before it, when every part before it
/// has a fixed length. Then the prefilter reports that literal at every match, that many bytes
/// after its start. `None` when no literal stands at a fixed place.
fn literal_lead(steps: &[Step], literals: &[String]) -> Option<(usize, usize)> {
    // A run byte takes the literal's byte `c` when the step's bytes are among `c`'s cases.
    let takes = |c: u8, (w, f): (u8, u8)| w == c || (f == 0 && w == c.to_ascii_uppercase());
    fixed_runs(steps).iter().find_map(|(lead, run)| {
        (0..run.len()).find_map(|off| {
            literals
                .iter()
                .position(|l| {
                    !l.is_empty()
                        && l.len() <= run.len() - off
                        && l.bytes().zip(&run[off..]).all(|(c, &b)| takes(c, b))
                })
                .map(|i| (lead + off, i))
        })
    })
}
