//! A rule regex checked when the rule is loaded and compiled when first needed.
//!
//! Compiling the ~100 regexes of the built-in rules took most of the start-up time of a small
//! run (callgrind: ~120 M instructions), yet a log usually reaches only a few of them: the literal
//! prefilter rules out the rest. Loading parses each pattern with `regex-syntax` (syntax errors
//! are still reported with the rule file and line, capture names are known) and the automaton is
//! built on the first prefilter hit, once, shared by all threads.
//!
//! What is compiled differs from the source in two ways that keep the meaning for log text and
//! make the automaton smaller and faster (see [`ascii_rewrites`]): ASCII letters fold
//! ASCII-only, and the classes `\d \s \w` and the word boundary `\b` are ASCII. The regex's own
//! literal prefilter is off: it only runs after the matcher's prefilter found a literal in the
//! line, and building it was half of the compile time.

use std::fmt;
use std::sync::OnceLock;

use regex_automata::meta::{self, Regex};
use regex_automata::util::captures::Captures as Slots;
use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::Hir;

use super::fast_match::FastMatch;

pub struct LazyRegex {
    src: String,
    /// What the syntax tree says; read at load, or on first use for trusted patterns.
    info: OnceLock<Info>,
    /// The translated pattern, shared by the fast matcher's attempt and the automaton.
    hir: OnceLock<Option<Hir>>,
    /// The matcher without an automaton, when every alternative has a literal of its own at a
    /// fixed place ([`FastMatch`]): such a pattern is never compiled.
    fast: OnceLock<Option<Box<FastMatch>>>,
    compiled: OnceLock<Option<Regex>>,
}

/// What is known of a pattern from its syntax tree.
#[derive(Debug)]
struct Info {
    /// What is compiled: `src` with the ASCII rewrites (see [`ascii_rewrites`]).
    compiled_src: String,
    /// Names of the named groups, in order.
    names: Vec<String>,
    /// Number of groups including the implicit whole-match group 0.
    groups: usize,
    /// ASCII literals (lower case) one of which every match contains; `None` when the pattern
    /// has a branch without one (see [`required_literals`]).
    required: Option<Vec<String>>,
}

impl Info {
    fn of(src: &str) -> Result<Info, String> {
        let tree = ast::parse::ParserBuilder::new()
            .build()
            .parse(src)
            .map_err(|e| e.to_string())?;
        let mut names = Vec::new();
        let mut groups = 1;
        walk(&tree, &mut names, &mut groups);
        let mut edits = Vec::new();
        ascii_rewrites(&tree, &mut edits);
        Ok(Info {
            compiled_src: apply_edits(src, edits),
            names,
            groups,
            required: required_literals(&tree),
        })
    }
}

impl fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LazyRegex").field(&self.src).finish()
    }
}

fn walk(a: &Ast, names: &mut Vec<String>, groups: &mut usize) {
    match a {
        Ast::Group(g) => {
            match &g.kind {
                ast::GroupKind::CaptureIndex(_) => *groups += 1,
                ast::GroupKind::CaptureName { name, .. } => {
                    *groups += 1;
                    names.push(name.name.clone());
                }
                ast::GroupKind::NonCapturing(_) => {}
            }
            walk(&g.ast, names, groups);
        }
        Ast::Repetition(r) => walk(&r.ast, names, groups),
        Ast::Concat(c) => c.asts.iter().for_each(|x| walk(x, names, groups)),
        Ast::Alternation(alt) => alt.asts.iter().for_each(|x| walk(x, names, groups)),
        _ => {}
    }
}

/// One source edit: bytes `start..end` become `text`.
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// ASCII forms of a Perl class outside brackets. Negated classes stay Unicode-mode brackets
/// (an ASCII negated class could match invalid UTF-8); `\x20` because `(?x)` ignores spaces.
fn perl_outside(p: &ast::ClassPerl) -> &'static str {
    use ast::ClassPerlKind::*;
    match (&p.kind, p.negated) {
        (Digit, false) => r"(?-u:\d)",
        (Space, false) => r"(?-u:\s)",
        (Word, false) => r"(?-u:\w)",
        (Digit, true) => r"[^0-9]",
        (Space, true) => r"[^\t\n\x0B\x0C\r\x20]",
        (Word, true) => r"[^0-9A-Za-z_]",
    }
}

/// ASCII forms of a Perl class inside brackets (POSIX classes are ASCII).
fn perl_inside(p: &ast::ClassPerl) -> &'static str {
    use ast::ClassPerlKind::*;
    match (&p.kind, p.negated) {
        (Digit, false) => "[:digit:]",
        (Space, false) => "[:space:]",
        (Word, false) => "[:word:]",
        (Digit, true) => "[:^digit:]",
        (Space, true) => "[:^space:]",
        (Word, true) => "[:^word:]",
    }
}

fn class_set_edits(set: &ast::ClassSet, out: &mut Vec<Edit>) {
    match set {
        ast::ClassSet::Item(item) => class_item_edits(item, out),
        ast::ClassSet::BinaryOp(op) => {
            class_set_edits(&op.lhs, out);
            class_set_edits(&op.rhs, out);
        }
    }
}

fn class_item_edits(item: &ast::ClassSetItem, out: &mut Vec<Edit>) {
    match item {
        ast::ClassSetItem::Perl(p) => out.push(Edit {
            start: p.span.start.offset,
            end: p.span.end.offset,
            text: perl_inside(p).to_string(),
        }),
        ast::ClassSetItem::Bracketed(b) => class_set_edits(&b.kind, out),
        ast::ClassSetItem::Union(u) => u.items.iter().for_each(|i| class_item_edits(i, out)),
        _ => {}
    }
}

/// Is the bracketed class made of ASCII members only, with no negation anywhere in it?
fn ascii_only(b: &ast::ClassBracketed) -> bool {
    fn set(s: &ast::ClassSet) -> bool {
        match s {
            ast::ClassSet::Item(i) => item(i),
            ast::ClassSet::BinaryOp(op) => set(&op.lhs) && set(&op.rhs),
        }
    }
    fn item(i: &ast::ClassSetItem) -> bool {
        match i {
            ast::ClassSetItem::Empty(_) => true,
            ast::ClassSetItem::Literal(l) => l.c.is_ascii(),
            ast::ClassSetItem::Range(r) => r.start.c.is_ascii() && r.end.c.is_ascii(),
            ast::ClassSetItem::Ascii(a) => !a.negated,
            ast::ClassSetItem::Perl(p) => !p.negated,
            ast::ClassSetItem::Unicode(_) => false,
            ast::ClassSetItem::Bracketed(b) => !b.negated && set(&b.kind),
            ast::ClassSetItem::Union(u) => u.items.iter().all(item),
        }
    }
    !b.negated && set(&b.kind)
}

/// Wrap source bytes `s..e` in `(?-u:…)`.
fn wrap_run((s, e): (usize, usize), out: &mut Vec<Edit>) {
    out.push(Edit {
        start: s,
        end: s,
        text: "(?-u:".into(),
    });
    out.push(Edit {
        start: e,
        end: e,
        text: ")".into(),
    });
}

/// The edits that make `a` ASCII: runs of adjacent ASCII literals wrapped in `(?-u:…)`, Perl
/// classes and word boundaries replaced by their ASCII forms.
///
/// Under `(?i)` a Unicode-mode literal `s` also matches `ſ` and `k` the Kelvin sign; those folds
/// made every case-insensitive rule regex 2–3× slower to search (multi-byte alternatives defeat
/// the literal optimisations). Unicode `\w` is ~700 ranges (a big automaton, slow to build),
/// and a Unicode `\b` makes the lazy DFA give up on the first non-ASCII byte. Log rules mean
/// ASCII; non-ASCII literals, `.` and explicit classes keep their meaning.
fn ascii_rewrites(a: &Ast, out: &mut Vec<Edit>) {
    match a {
        Ast::Concat(c) => {
            let mut run: Option<(usize, usize)> = None;
            for x in &c.asts {
                match x {
                    Ast::Literal(l) if l.c.is_ascii() => {
                        let (s, e) = (l.span.start.offset, l.span.end.offset);
                        run = match run {
                            Some((rs, re)) if re == s => Some((rs, e)),
                            Some(r) => {
                                wrap_run(r, out);
                                Some((s, e))
                            }
                            None => Some((s, e)),
                        };
                    }
                    other => {
                        if let Some(r) = run.take() {
                            wrap_run(r, out);
                        }
                        ascii_rewrites(other, out);
                    }
                }
            }
            if let Some(r) = run {
                wrap_run(r, out);
            }
        }
        Ast::Literal(l) if l.c.is_ascii() => {
            wrap_run((l.span.start.offset, l.span.end.offset), out)
        }
        Ast::ClassPerl(p) => out.push(Edit {
            start: p.span.start.offset,
            end: p.span.end.offset,
            text: perl_outside(p).to_string(),
        }),
        Ast::ClassBracketed(b) => {
            // A class of ASCII members only, nowhere negated: ASCII case folding too (`(?i)[a-z]`
            // would also take the Kelvin sign and the long s).
            if ascii_only(b) {
                wrap_run((b.span.start.offset, b.span.end.offset), out);
            }
            class_set_edits(&b.kind, out)
        }
        Ast::Assertion(x) => {
            let text = match x.kind {
                ast::AssertionKind::WordBoundary => r"(?-u:\b)",
                ast::AssertionKind::NotWordBoundary => r"(?-u:\B)",
                _ => return,
            };
            out.push(Edit {
                start: x.span.start.offset,
                end: x.span.end.offset,
                text: text.to_string(),
            });
        }
        Ast::Group(g) => ascii_rewrites(&g.ast, out),
        Ast::Repetition(r) => ascii_rewrites(&r.ast, out),
        Ast::Alternation(alt) => alt.asts.iter().for_each(|x| ascii_rewrites(x, out)),
        _ => {}
    }
}

/// `src` with `edits` applied (edits do not overlap; insertions at one offset keep their order).
fn apply_edits(src: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(src.len() + edits.len() * 6);
    let mut at = 0;
    for e in &edits {
        let Some(before) = src.get(at..e.start) else {
            return src.to_string();
        };
        out.push_str(before);
        out.push_str(&e.text);
        at = e.end.max(at);
    }
    out.push_str(src.get(at..).unwrap_or(""));
    out
}

/// Shortest literal worth a prefilter entry.
const MIN_REQUIRED: usize = 3;

/// A set of ASCII literals, lower-cased, one of which every match of `a` contains: the longest
/// run of literal characters among the parts of a concatenation (every part matches once), the
/// union over the branches of an alternation. `None` when some branch has no run of at least
/// [`MIN_REQUIRED`] characters. Runs stop at non-ASCII characters: the prefilter lower-cases
/// ASCII only, and [`wrap_runs`] makes ASCII literals fold ASCII-only, so a lower-cased ASCII
/// literal found in the lower-cased text is a necessary condition for a match.
fn required_literals(a: &Ast) -> Option<Vec<String>> {
    match a {
        Ast::Alternation(alt) => {
            let mut all = Vec::new();
            for b in &alt.asts {
                for l in required_literals(b)? {
                    if !all.contains(&l) {
                        all.push(l);
                    }
                }
            }
            Some(all)
        }
        Ast::Group(g) => required_literals(&g.ast),
        Ast::Concat(c) => {
            let mut best = String::new();
            let mut run = String::new();
            let mut groups = Vec::new();
            for x in &c.asts {
                match x {
                    Ast::Literal(l) if l.c.is_ascii() => run.push(l.c.to_ascii_lowercase()),
                    other => {
                        if run.len() > best.len() {
                            best = std::mem::take(&mut run);
                        }
                        run.clear();
                        if let Ast::Group(g) = other {
                            groups.push(&g.ast);
                        }
                    }
                }
            }
            if run.len() > best.len() {
                best = run;
            }
            if best.len() >= MIN_REQUIRED {
                return Some(vec![best]);
            }
            // No run at this level: a group that is matched exactly once may have one.
            groups.into_iter().find_map(|g| required_literals(g))
        }
        _ => None,
    }
    .filter(|set| !set.is_empty() && set.iter().all(|l| l.len() >= MIN_REQUIRED))
}

impl LazyRegex {
    /// Check the syntax of `src` (regex's own parser; the error message says where). Only the
    /// syntax tree is built here: the few errors found later, while translating (an unknown
    /// Unicode class name), surface when the regex is compiled: `rules check` compiles all.
    pub fn new(src: &str) -> Result<LazyRegex, String> {
        let info = OnceLock::new();
        let _ = info.set(Info::of(src)?);
        Ok(LazyRegex {
            src: src.to_string(),
            info,
            hir: OnceLock::new(),
            fast: OnceLock::new(),
            compiled: OnceLock::new(),
        })
    }

    /// A pattern known to be valid (the built-in rules, checked by `cargo test` and `rules
    /// check`): even its syntax tree is read only when the pattern is first used, since a run
    /// reaches few of them (reading all was a quarter of the start-up time). Should it not
    /// parse after all, it matches nothing and says so once on stderr when compiled.
    pub fn trusted(src: &str) -> LazyRegex {
        LazyRegex {
            src: src.to_string(),
            info: OnceLock::new(),
            hir: OnceLock::new(),
            fast: OnceLock::new(),
            compiled: OnceLock::new(),
        }
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

    /// Build the automaton now (`rules check`, and tests that want compile errors early).
    pub fn compile(&self) -> Result<(), String> {
        if self.compiled.get().is_some_and(Option::is_some) {
            return Ok(());
        }
        let r = self.build()?;
        let _ = self.compiled.set(Some(r));
        Ok(())
    }

    /// The compiled regex; `None` only when a pattern with valid syntax exceeds regex's size
    /// limits (reported once on stderr; the rule then never matches).
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

    pub fn as_str(&self) -> &str {
        &self.src
    }

    /// The pattern as compiled (for regex sets built from several rules).
    pub fn compiled_str(&self) -> &str {
        &self.info().compiled_src
    }

    /// Lower-case ASCII literals one of which every match contains (for a prefilter), or
    /// `None` when the pattern gives no such set.
    pub fn required_literals(&self) -> Option<&[String]> {
        self.info().required.as_deref()
    }

    /// Names of the named groups, in order.
    pub fn capture_names(&self) -> impl Iterator<Item = &str> {
        self.info().names.iter().map(String::as_str)
    }

    /// Groups including group 0 (as `Regex::captures_len`).
    pub fn captures_len(&self) -> usize {
        self.info().groups
    }

    pub fn is_match(&self, text: &str) -> bool {
        match self.fast() {
            Some(f) => f.is_match(text.as_bytes(), std::iter::empty()),
            None => self.get().is_some_and(|r| r.is_match(text)),
        }
    }

    /// The groups of the leftmost-first match.
    pub fn captures<'t>(&'t self, text: &'t str) -> Option<Captures<'t>> {
        if let Some(f) = self.fast() {
            let slots = f.slots(text, std::iter::empty())?;
            return Some(Captures {
                text,
                spans: Spans::Fast {
                    slots,
                    names: f.group_names(),
                },
            });
        }
        let re = self.get()?;
        let mut slots = re.create_captures();
        re.captures(text, &mut slots);
        slots.is_match().then_some(Captures {
            text,
            spans: Spans::Automaton(slots),
        })
    }

    fn fast(&self) -> Option<&FastMatch> {
        self.fast
            .get_or_init(|| FastMatch::from_hir(self.hir()?, &[]).map(Box::new))
            .as_deref()
    }
}

impl LazyRegex {
    /// The pattern as compiled, translated (`None` when it does not translate; compiling then
    /// reports why).
    pub fn hir(&self) -> Option<&Hir> {
        self.hir
            .get_or_init(|| {
                regex_syntax::ParserBuilder::new()
                    .build()
                    .parse(&self.info().compiled_src)
                    .ok()
            })
            .as_ref()
    }

    fn build(&self) -> Result<Regex, String> {
        match self.hir() {
            Some(hir) => builder().build_from_hir(hir).map_err(|e| e.to_string()),
            None => build(&self.info().compiled_src),
        }
    }
}

/// The automaton's configuration: leftmost-first, UTF-8 text, as `regex::Regex`.
fn builder() -> meta::Builder {
    let mut b = meta::Builder::new();
    // No literal prefilter (the matcher's runs first), no full DFA and no one-pass DFA: a rule
    // regex runs on few lines, so building them (half of the compile time) does not pay; the
    // lazy DFA and the backtracker remain.
    b.configure(
        meta::Config::new()
            .auto_prefilter(false)
            .dfa(false)
            .onepass(false),
    );
    b
}

/// Compile a (rewritten) pattern from its text (reports syntax errors with their position).
fn build(src: &str) -> Result<Regex, String> {
    builder().build(src).map_err(|e| match e.syntax_error() {
        Some(se) => se.to_string(),
        None => e.to_string(),
    })
}

/// The groups of one match.
pub struct Captures<'t> {
    text: &'t str,
    spans: Spans<'t>,
}

/// Where the groups of a match are: the automaton's slots, or the fast matcher's (two per
/// group, group 0 first) with the named groups' indices.
enum Spans<'r> {
    Automaton(Slots),
    Fast {
        slots: Vec<Option<usize>>,
        names: &'r [(u32, String)],
    },
}

impl<'t> Captures<'t> {
    /// Text of the named group, when it took part in the match.
    pub fn name(&self, name: &str) -> Option<&'t str> {
        match &self.spans {
            Spans::Automaton(slots) => self.text.get(slots.get_group_by_name(name)?.range()),
            Spans::Fast { names, .. } => {
                let (i, _) = names.iter().find(|(_, n)| n == name)?;
                self.get(*i as usize)
            }
        }
    }

    /// Text of group `i` (0: the whole match).
    pub fn get(&self, i: usize) -> Option<&'t str> {
        match &self.spans {
            Spans::Automaton(slots) => self.text.get(slots.get_group(i)?.range()),
            Spans::Fast { slots, .. } => {
                let (s, e) = (*slots.get(2 * i)?, *slots.get(2 * i + 1)?);
                self.text.get(s?..e?)
            }
        }
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
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn groups_and_names_agree_with_regex() {
        for p in [
            r"plain",
            r"(?i)a(?P<code>\d+)(b)(?:c)(?<status>x|(y))*",
            r"(?i)(?:Synchronizing|Skipped) update \{?[0-9a-f]{8}",
        ] {
            let lazy = LazyRegex::new(p).expect("valid");
            let re = Regex::new(p).expect("valid");
            assert_eq!(lazy.captures_len(), re.captures_len(), "{p}");
            let names: Vec<&str> = re.capture_names().flatten().collect();
            assert_eq!(lazy.capture_names().collect::<Vec<_>>(), names, "{p}");
            assert!(lazy.compiled.get().is_none(), "compiled before use");
            assert_eq!(lazy.is_match("xx plain"), re.is_match("xx plain"));
        }
    }

    #[test]
    fn ascii_literals_fold_ascii_only_and_mean_the_same() {
        let cases: &[(&str, &[(&str, bool)])] = &[
            (
                r"(?i)(?:Synchronizing|Skipped) update \{?[0-9a-f]{8}\}? - ",
                &[
                    ("SYNCHRONIZING UPDATE {0123abcd} - x", true),
                    ("skipped update 0123ABCD - x", true),
                    ("synchronizing update 0123abc - x", false),
                ],
            ),
            (
                r"(?i)error\s*=\s*(?P<code>\d+)|fail(ed)?\.|é+x",
                &[
                    ("Error = 12007", true),
                    ("FAILED.", true),
                    ("ÉÉx", true),
                    ("fail", false),
                ],
            ),
            (
                r"a\.b+c{2}|[^x]y",
                &[("a.bbcc", true), ("A.bcc", false), ("zy", true)],
            ),
            (
                r"(?ix) sync \ time  # comment\n :",
                &[("SYNC TIME:", true), ("synctime:", false)],
            ),
        ];
        for (p, lines) in cases {
            let lazy = LazyRegex::new(p).expect("valid");
            let plain = Regex::new(p).expect("valid");
            assert_ne!(lazy.compiled_str(), *p, "nothing wrapped in {p}");
            for (l, want) in *lines {
                assert_eq!(lazy.is_match(l), *want, "{p} on {l:?}");
                assert_eq!(plain.is_match(l), *want, "{p} on {l:?} (unchanged pattern)");
            }
            assert_eq!(lazy.captures_len(), plain.captures_len());
        }
        // Classes and word boundaries are ASCII; brackets keep their other members.
        for (p, yes, no) in [
            (
                r"(?i)error\s*=\s*(?P<code>\d+)\b",
                "ERROR = 12007.",
                "error\u{a0}= 12007",
            ),
            (r"code=\d+", "code=42", "code=\u{0663}"),
            (
                r"HTTP_STATUS_\w+",
                "HTTP_STATUS_DENIED",
                "HTTP_STATUS_\u{e9}",
            ),
            (r"[\s,]+x", " ,x", "\u{a0}x"),
            (r"[^\d\s]z", "az", "1z"),
            (r"a\S+b", "a\u{a0}é-b", "a b"),
            (r"\D\W\d", "a-1", "ab1"),
            (r"\bID=6703\b", "STATMSG: ID=6703 SEV=E", "ID=67031"),
            (r"(?x) a \s b [\S] ", "a bc", "a b c"),
            (r"(?i)x[a-z]+y", "XKY", "x\u{212a}y"),
            (r"[^a-z]q", "\u{e9}q", "aq"),
        ] {
            let lazy = LazyRegex::new(p).expect("valid");
            assert!(lazy.compile().is_ok(), "{}", lazy.compiled_str());
            assert!(
                lazy.is_match(yes),
                "{p} ({}) on {yes:?}",
                lazy.compiled_str()
            );
            assert!(
                !lazy.is_match(no),
                "{p} ({}) on {no:?}",
                lazy.compiled_str()
            );
        }
        // Only the Unicode folds of ASCII letters are gone.
        let k = LazyRegex::new("(?i)kb").expect("valid");
        assert!(Regex::new("(?i)kb").expect("valid").is_match("\u{212A}B"));
        assert!(!k.is_match("\u{212A}B"));
        assert!(k.is_match("KB"));
    }

    #[test]
    fn every_builtin_rule_regex_compiles_after_wrapping() {
        let mut n = 0;
        for s in crate::rules::loader::builtin_sources() {
            for line in s.text.lines() {
                for key in [
                    "regex = '",
                    "first = '",
                    "then = '",
                    "reset = '",
                    "not_regex = '",
                ] {
                    if let Some(p) = line.strip_prefix(key).and_then(|r| r.strip_suffix('\'')) {
                        let lazy = LazyRegex::new(p).expect("valid");
                        assert!(
                            lazy.compile().is_ok(),
                            "{}: {}",
                            s.file,
                            lazy.compiled_str()
                        );
                        n += 1;
                    }
                }
            }
        }
        assert!(n >= 60, "rule regexes found: {n}");
    }

    #[test]
    fn required_literals_are_in_every_match() {
        let req = |p: &str| {
            LazyRegex::new(p)
                .expect("valid")
                .required_literals()
                .map(<[String]>::to_vec)
        };
        assert_eq!(
            req(r"(?i)Did not find supported version of assembly Microsoft\.UpdateServices"),
            Some(vec![
                "did not find supported version of assembly microsoft.updateservices".into()
            ])
        );
        assert_eq!(
            req(r"(?i)Checking for supported version of WSUS|SMSWSUS Setup Started"),
            Some(vec![
                "checking for supported version of wsus".into(),
                "smswsus setup started".into()
            ])
        );
        // The longest run of a concatenation; a group matched once when the top level has none.
        assert_eq!(
            req(r"(?i)CTool::RegisterManagedBinary:\s*Failed to register .+ with \.Net"),
            Some(vec!["ctool::registermanagedbinary:".into()])
        );
        assert_eq!(
            req(r"(?:Sync|Skip)ped update"),
            Some(vec!["ped update".into()])
        );
        assert_eq!(
            req(r"(?:abcd|efgh)\d"),
            Some(vec!["abcd".into(), "efgh".into()])
        );
        // A branch without a literal, optional or repeated parts, short or non-ASCII runs: none.
        assert_eq!(req(r"abcd|\d+"), None);
        assert_eq!(req(r"(?:abcd)?\d"), None);
        assert_eq!(req(r"(?:abcd)+"), None);
        assert_eq!(req(r"ab\d"), None);
        assert_eq!(req(r"éé\d"), None);
        // Necessary: wherever the regex matches, the lower-cased text holds a literal.
        for (p, line) in [
            (
                r"(?i)Supported WSUS version found",
                "xx SUPPORTED wsus Version FOUND",
            ),
            (
                r"(?i)Registered .+ successfully",
                "REGISTERED a.dll SUCCESSFULLY",
            ),
        ] {
            let lazy = LazyRegex::new(p).expect("valid");
            assert!(lazy.is_match(line));
            let lower = line.to_ascii_lowercase();
            let lits = lazy.required_literals().expect("literals");
            assert!(
                lits.iter().any(|l| lower.contains(l.as_str())),
                "{p}: {lits:?}"
            );
        }
    }

    #[test]
    fn syntax_errors_are_reported_at_load() {
        let e = LazyRegex::new("a(b").expect_err("unclosed group");
        assert!(e.contains("unclosed group"), "{e}");
    }
}
