//! A pattern (a rule's or an extractor's regex), checked when it is loaded and compiled when
//! first needed, matched from the places where the prefilter found its literals.
//!
//! Compiling the ~100 regexes of the built-in rules would be most of the start-up time of a
//! small run, yet a log usually reaches only a few of them: the literal prefilter rules out the rest.
//! Loading parses each pattern with `regex-syntax` (syntax errors are still reported with the
//! rule file and line, capture names are known) and the automaton is built on the first
//! prefilter hit, once, shared by all threads. The regex's own literal prefilter is off: it
//! would only run after ours found a literal in the line, and building it was half of the
//! compile time.

use std::fmt;
use std::sync::OnceLock;

use regex_automata::meta::{self, Regex};
use regex_automata::util::captures::Captures as Slots;
use regex_automata::{Anchored, Input};
use regex_syntax::hir::Hir;

use super::fast::FastMatch;
use super::shape::Shape;
use super::syntax::Info;

pub struct Pattern {
    src: String,
    /// What the syntax tree says; read at load, or on first use for trusted patterns.
    info: OnceLock<Info>,
    /// The literals the caller's prefilter searches for this pattern (lower case), when they
    /// are not the pattern's required literals (a line rule's own `literals`).
    given: Option<Box<[String]>>,
    /// The translated pattern and how to match it (on first use).
    plan: OnceLock<Box<Plan>>,
    compiled: OnceLock<Option<Regex>>,
}

/// The translated pattern, and how it is matched given the places of its literals.
#[derive(Debug, Default)]
struct Plan {
    /// `None` when the pattern does not translate (compiling then reports why).
    hir: Option<Hir>,
    /// The matcher without an automaton, for the progress line's shape.
    fast: Option<FastMatch>,
    /// The literals at a fixed distance from a match's start, with that distance, when every
    /// alternative has one ([`Shape::leads`]): every match then starts at a place of one of
    /// them minus its distance.
    leads: Option<Box<[(usize, String)]>>,
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.src).finish()
    }
}

impl Pattern {
    /// Check the syntax of `src` (regex's own parser; the error message says where). Only the
    /// syntax tree is built here: the few errors found later, while translating (an unknown
    /// Unicode class name), surface when the pattern is compiled: `rules check` compiles all.
    pub fn new(src: &str) -> Result<Pattern, String> {
        let info = OnceLock::new();
        let _ = info.set(Info::of(src)?);
        Ok(Self::with_info(src, info))
    }

    /// A pattern known to be valid (the built-in rules, checked by `cargo test` and `rules
    /// check`): even its syntax tree is read only when the pattern is first used, since a run
    /// reaches few of them (reading all was a quarter of the start-up time). Should it not
    /// parse after all, it matches nothing and says so once on stderr when compiled.
    pub fn trusted(src: &str) -> Pattern {
        Self::with_info(src, OnceLock::new())
    }

    fn with_info(src: &str, info: OnceLock<Info>) -> Pattern {
        Pattern {
            src: src.to_string(),
            info,
            given: None,
            plan: OnceLock::new(),
            compiled: OnceLock::new(),
        }
    }

    /// The same pattern, found by the prefilter through `literals` (any case) instead of its
    /// required literals: a line rule names its own.
    pub fn with_literals(mut self, literals: &[String]) -> Pattern {
        self.given = Some(literals.iter().map(|l| l.to_ascii_lowercase()).collect());
        self
    }

    fn info(&self) -> &Info {
        self.info.get_or_init(|| {
            Info::of(&self.src).unwrap_or_else(|_| Info {
                compiled_src: self.src.clone(),
                names: Vec::new(),
                groups: 1,
                required: None,
            })
        })
    }

    pub fn as_str(&self) -> &str {
        &self.src
    }

    /// The pattern as compiled (with the ASCII rewrites of `super::syntax`).
    #[cfg(test)]
    pub fn compiled_str(&self) -> &str {
        &self.info().compiled_src
    }

    /// Lower-case ASCII literals one of which every match contains (for a prefilter), or
    /// `None` when the pattern gives no such set.
    pub fn required_literals(&self) -> Option<&[String]> {
        self.info().required.as_deref()
    }

    /// The literals the prefilter searches for this pattern: the given ones, else the
    /// required ones.
    fn prefilter_literals(&self) -> &[String] {
        match &self.given {
            Some(g) => g,
            None => self.required_literals().unwrap_or_default(),
        }
    }

    /// Names of the named groups, in order.
    pub fn capture_names(&self) -> impl Iterator<Item = &str> {
        self.info().names.iter().map(String::as_str)
    }

    /// Groups including group 0 (as `Regex::captures_len`).
    pub fn captures_len(&self) -> usize {
        self.info().groups
    }

    /// Build the automaton now (`rules check`, and tests that want compile errors early).
    pub fn compile(&self) -> Result<(), String> {
        if self.compiled.get().is_some_and(Option::is_some) {
            return Ok(());
        }
        let r = self.build()?;
        let _ = self.compiled.set(Some(r));
        Ok(())
    }

    /// The pattern as compiled, translated (`None` when it does not translate; compiling then
    /// reports why).
    pub fn hir(&self) -> Option<&Hir> {
        self.plan().hir.as_ref()
    }

    /// Is the pattern matched without an automaton where its literals are found (`rules
    /// show` says so)?
    pub fn has_fast_path(&self) -> bool {
        self.plan().fast.is_some()
    }

    /// Does the pattern match somewhere in `text`?
    pub fn is_match(&self, text: &str) -> bool {
        self.search_is_match(text, 0)
    }

    /// The groups of the leftmost-first match in `text`.
    pub fn captures<'t>(&self, text: &'t str) -> Option<Captures<'t>> {
        self.search_captures(text, 0)
    }

    /// [`Self::is_match`], given every place where the prefilter found one of the pattern's
    /// literals in `text` (every match holds one).
    pub fn is_match_at(&self, text: &str, places: impl Iterator<Item = usize> + Clone) -> bool {
        let plan = self.plan();
        if let Some(f) = &plan.fast {
            return f.is_match(text.as_bytes(), places);
        }
        match Starts::of(plan, text, places.clone()) {
            Some(starts) => starts.iter().any(|s| self.anchored_is_match(text, s)),
            None => self.search_is_match(text, from(plan, places)),
        }
    }

    /// [`Self::captures`], given every place where the prefilter found one of the pattern's
    /// literals in `text`.
    pub fn captures_at<'t>(
        &self,
        text: &'t str,
        places: impl Iterator<Item = usize> + Clone,
    ) -> Option<Captures<'t>> {
        let plan = self.plan();
        // The hand-written matcher rules out most lines where a literal stands but the
        // pattern does not match, far cheaper than a search for capture positions.
        if plan
            .fast
            .as_ref()
            .is_some_and(|f| !f.is_match(text.as_bytes(), places.clone()))
        {
            return None;
        }
        match Starts::of(plan, text, places.clone()) {
            Some(starts) => starts.iter().find_map(|s| self.anchored_captures(text, s)),
            None => self.search_captures(text, from(plan, places)),
        }
    }

    fn search_is_match(&self, text: &str, start: usize) -> bool {
        let Some(re) = self.get() else { return false };
        super::work::add(text.len().saturating_sub(start));
        re.is_match(Input::new(text).range(start.min(text.len())..))
    }

    fn search_captures<'t>(&self, text: &'t str, start: usize) -> Option<Captures<'t>> {
        self.captures_from(text, start, Anchored::No)
    }

    /// Does a match start at `start`? A search anchored there stops where the automaton
    /// dies, usually a few bytes on.
    fn anchored_is_match(&self, text: &str, start: usize) -> bool {
        let Some(re) = self.get() else { return false };
        super::work::add(text.len().saturating_sub(start));
        re.is_match(
            Input::new(text)
                .range(start.min(text.len())..)
                .anchored(Anchored::Yes),
        )
    }

    /// The groups of the match that starts at `start`. Anchored, the one-pass DFA (when the
    /// pattern is one-pass) reads the groups in the one pass that finds the match; unanchored,
    /// a forward and a reverse search find the match before the groups are read.
    fn anchored_captures<'t>(&self, text: &'t str, start: usize) -> Option<Captures<'t>> {
        self.captures_from(text, start, Anchored::Yes)
    }

    fn captures_from<'t>(
        &self,
        text: &'t str,
        start: usize,
        anchored: Anchored,
    ) -> Option<Captures<'t>> {
        let re = self.get()?;
        super::work::add(text.len().saturating_sub(start));
        let mut slots = re.create_captures();
        let input = Input::new(text)
            .range(start.min(text.len())..)
            .anchored(anchored);
        re.search_captures(&input, &mut slots);
        slots.is_match().then_some(Captures { text, slots })
    }

    fn plan(&self) -> &Plan {
        self.plan.get_or_init(|| {
            // Not `utf8`: a byte-counted gap (`super::syntax`) is a byte class that can stop
            // inside a character.
            let hir = regex_syntax::ParserBuilder::new()
                .utf8(false)
                .build()
                .parse(&self.info().compiled_src)
                .ok();
            let shape = hir
                .as_ref()
                .and_then(|h| Shape::of(h, self.prefilter_literals()));
            Box::new(Plan {
                fast: shape.as_ref().and_then(FastMatch::of),
                leads: shape.as_ref().and_then(Shape::leads),
                hir,
            })
        })
    }

    /// The compiled regex; `None` only when a pattern with valid syntax exceeds regex's size
    /// limits (reported once on stderr; the pattern then never matches).
    fn get(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| match self.build() {
                Ok(r) => Some(r),
                Err(e) => {
                    let msg = e.replace('\n', " ");
                    eprintln!(
                        "supdiag: warning: rule regex {:?} cannot be compiled: {msg}",
                        self.src
                    );
                    None
                }
            })
            .as_ref()
    }

    fn build(&self) -> Result<Regex, String> {
        match &self.plan().hir {
            Some(hir) => builder().build_from_hir(hir).map_err(|e| e.to_string()),
            None => {
                builder()
                    .build(&self.info().compiled_src)
                    .map_err(|e| match e.syntax_error() {
                        Some(se) => se.to_string(),
                        None => e.to_string(),
                    })
            }
        }
    }
}

/// Where a search for a pattern with this plan starts, given the places of its literals: no
/// match starts before the first place minus the lead.
fn from(plan: &Plan, places: impl Iterator<Item = usize>) -> usize {
    // The largest distance of a literal from the start of a match.
    let lead = plan
        .leads
        .as_deref()
        .and_then(|l| l.iter().map(|&(d, _)| d).max());
    match (lead, places.min()) {
        (Some(lead), Some(first)) => first.saturating_sub(lead),
        _ => 0,
    }
}

/// Most places a match is tried at, anchored, before one unanchored search from the first of
/// them does instead: each anchored try may read to the end of the text, so their number is
/// bounded to keep the work linear in the text on a line full of literals.
const MAX_STARTS: usize = 4;

/// The places where a match can start (in order), given the places of the literals, when the
/// pattern has its literals at fixed places ([`Plan::leads`]) and there are few of them: the
/// places of those literals (not of the pattern's other literals) minus their distance.
struct Starts {
    at: [usize; MAX_STARTS],
    len: usize,
}

impl Starts {
    fn of(plan: &Plan, text: &str, places: impl Iterator<Item = usize>) -> Option<Starts> {
        let leads = plan.leads.as_deref()?;
        let mut s = Starts {
            at: [0; MAX_STARTS],
            len: 0,
        };
        let b = text.as_bytes();
        for p in places {
            let stands = |lit: &str| {
                b.get(p..p + lit.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(lit.as_bytes()))
            };
            let starts = leads
                .iter()
                .filter(|(_, lit)| stands(lit))
                .filter_map(|&(l, _)| p.checked_sub(l));
            for start in starts {
                if s.at[..s.len].contains(&start) {
                    continue;
                }
                if s.len == MAX_STARTS {
                    return None;
                }
                s.at[s.len] = start;
                s.len += 1;
            }
        }
        s.at[..s.len].sort_unstable();
        Some(s)
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.at[..self.len].iter().copied()
    }
}

/// The automaton's configuration: leftmost-first, as `regex::Regex`, except that the syntax
/// allows the byte-counted gaps of `super::syntax`.
fn builder() -> meta::Builder {
    let mut b = meta::Builder::new();
    b.syntax(regex_automata::util::syntax::Config::new().utf8(false));
    // No literal prefilter (ours runs first) and no full DFA: a pattern runs on few lines, so
    // building them does not pay. The lazy DFA finds a match; the one-pass DFA, when the
    // pattern is one-pass (most log patterns are, anchored at the match), then reads its
    // groups in one pass where the backtracker would clear and walk a table of states ×
    // bytes on every line.
    b.configure(meta::Config::new().auto_prefilter(false).dfa(false));
    b
}

/// The groups of one match.
pub struct Captures<'t> {
    text: &'t str,
    slots: Slots,
}

impl<'t> Captures<'t> {
    /// Text of the named group, when it took part in the match.
    pub fn name(&self, name: &str) -> Option<&'t str> {
        self.text_of(self.slots.get_group_by_name(name)?.range())
    }

    /// Text of group `i` (0: the whole match).
    pub fn get(&self, i: usize) -> Option<&'t str> {
        self.text_of(self.slots.get_group(i)?.range())
    }

    /// The text of a span, widened to character boundaries: a byte-counted gap may end a
    /// group inside a character.
    fn text_of(&self, r: std::ops::Range<usize>) -> Option<&'t str> {
        let t = self.text;
        let mut start = r.start.min(t.len());
        while !t.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = r.end.clamp(start, t.len());
        while !t.is_char_boundary(end) {
            end += 1;
        }
        t.get(start..end)
    }
}

/// `caps[i]`: the text of group `i`, empty when the group did not take part in the match.
impl std::ops::Index<usize> for Captures<'_> {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        self.get(i).unwrap_or("")
    }
}

#[cfg(test)]
#[path = "pattern_tests.rs"]
mod tests;
