//! Matching: everything that decides whether a text holds a pattern, behind one boundary.
//!
//! The pipeline reads every message once. It lower-cases it ([`LowerBuf`]) and runs one
//! literal search ([`Prefilter`]) over the literals of everyone who reads messages: the line
//! rules, the parts of the sequence rules, the observer's extractors, the sync builder's
//! progress counter and the severity words of formats without a severity field. Each literal
//! stands for a [`Target`]; a search returns [`Hit`]s (target, place), and each consumer takes
//! the hits of its own targets. Only a target whose literal was found runs its [`Pattern`]
//! (a regex), started from the places the search found.
//!
//! Every step is linear in the length of the text: the literal search is one pass (aho-corasick,
//! restarted one byte after each hit), a pattern runs regex-automata's meta regex (lazy DFA,
//! backtracker bounded by its visited set, PikeVM) once per text from the earliest place a match
//! can start, and the one hand-written matcher ([`fast`]) is tried only on patterns whose every
//! match has a bounded length, so it looks at a bounded number of bytes per literal place.
//! `linear_tests.rs` counts that work on adversarial lines for every built-in pattern.

pub mod fast;
mod lower;
pub mod pattern;
pub mod prefilter;
mod shape;
mod syntax;

pub use lower::LowerBuf;
pub use pattern::{Captures, Pattern};
pub use prefilter::Prefilter;

/// What a literal of the one search stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// A line rule (its index in the rule set).
    Rule(u32),
    /// A part (first / then / reset) of a sequence rule, numbered per log kind.
    SeqPart(u32),
    /// One of the observer's extractors (its index in the observer's catalogue).
    Extractor(u16),
    /// The sync builder's progress counter (` out of `): a message without it needs no search
    /// for the counter.
    OutOf,
    /// A severity word (its index in [`crate::parse::SEVERITY_WORD_LIST`]).
    Word(u8),
}

/// One place where a literal was found: its target and where the literal starts (in the
/// lower-cased text, which has the same offsets as the text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub target: Target,
    pub at: u32,
}

impl Hit {
    pub fn new(target: Target, at: u32) -> Hit {
        Hit { target, at }
    }
}

/// How much work matching did on the current thread, for the tests that prove it linear: the
/// bytes each regex search was handed and the bytes the fast matcher looked at. Nothing is
/// counted outside tests.
pub(crate) mod work {
    #[cfg(test)]
    thread_local! {
        static BYTES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    #[inline(always)]
    pub(crate) fn add(_bytes: usize) {
        #[cfg(test)]
        BYTES.with(|b| b.set(b.get() + _bytes as u64));
    }

    /// The work counted on this thread since the last call.
    #[cfg(test)]
    pub(crate) fn take() -> u64 {
        BYTES.with(|b| b.replace(0))
    }
}

#[cfg(test)]
#[path = "linear_tests.rs"]
mod linear_tests;
