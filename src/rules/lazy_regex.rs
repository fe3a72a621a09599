//! A rule regex checked when the rule is loaded and compiled when first needed.
//!
//! Compiling the ~100 regexes of the built-in rules took most of the start-up time of a small
//! run (callgrind: ~120 M instructions), yet a log usually reaches only a few of them: the literal
//! prefilter rules out the rest. Loading parses each pattern with `regex-syntax` (syntax errors
//! are still reported with the rule file and line, capture names are known) and the automaton is
//! built on the first prefilter hit, once, shared by all threads.

use std::fmt;
use std::sync::OnceLock;

use regex::{Captures, Regex};
use regex_syntax::ast::{self, Ast};

pub struct LazyRegex {
    src: String,
    /// What is compiled: `src` with ASCII literals matched ASCII-case-insensitively
    /// (see [`ascii_literals`]).
    compiled_src: String,
    /// Names of the named groups, in order.
    names: Vec<String>,
    /// Number of groups including the implicit whole-match group 0.
    groups: usize,
    compiled: OnceLock<Option<Regex>>,
    /// ASCII literals (lower case) one of which every match contains; `None` when the pattern
    /// has a branch without one (see [`required_literals`]).
    required: Option<Vec<String>>,
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

/// Byte ranges of runs of adjacent ASCII literals (in the source text).
fn literal_runs(a: &Ast, out: &mut Vec<(usize, usize)>) {
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
                                out.push(r);
                                Some((s, e))
                            }
                            None => Some((s, e)),
                        };
                    }
                    other => {
                        if let Some(r) = run.take() {
                            out.push(r);
                        }
                        literal_runs(other, out);
                    }
                }
            }
            if let Some(r) = run {
                out.push(r);
            }
        }
        Ast::Literal(l) if l.c.is_ascii() => out.push((l.span.start.offset, l.span.end.offset)),
        Ast::Group(g) => literal_runs(&g.ast, out),
        Ast::Repetition(r) => literal_runs(&r.ast, out),
        Ast::Alternation(alt) => alt.asts.iter().for_each(|x| literal_runs(x, out)),
        _ => {}
    }
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

/// Wrap each run in `(?-u:…)`. Under `(?i)` a Unicode-mode literal `s` also matches `ſ` and `k`
/// the Kelvin sign; those folds made every case-insensitive rule regex 2–3× slower to search
/// (multi-byte alternatives defeat the literal optimisations). Log rules mean ASCII case, so
/// ASCII literals fold ASCII-only; classes (`\w`, `\d`, `.`), non-ASCII literals and
/// case-sensitive patterns keep their meaning.
fn wrap_runs(src: &str, runs: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(src.len() + runs.len() * 6);
    let mut at = 0;
    for &(s, e) in runs {
        let (Some(before), Some(lit)) = (src.get(at..s), src.get(s..e)) else {
            return src.to_string();
        };
        out.push_str(before);
        out.push_str("(?-u:");
        out.push_str(lit);
        out.push(')');
        at = e;
    }
    out.push_str(src.get(at..).unwrap_or(""));
    out
}

impl LazyRegex {
    /// Check the syntax of `src` (regex's own parser; the error message says where). Only the
    /// syntax tree is built here: the few errors found later, while translating (an unknown
    /// Unicode class name), surface when the regex is compiled: `rules check` compiles all.
    pub fn new(src: &str) -> Result<LazyRegex, String> {
        let tree = ast::parse::ParserBuilder::new()
            .build()
            .parse(src)
            .map_err(|e| e.to_string())?;
        let mut names = Vec::new();
        let mut groups = 1;
        walk(&tree, &mut names, &mut groups);
        let mut runs = Vec::new();
        literal_runs(&tree, &mut runs);
        Ok(LazyRegex {
            src: src.to_string(),
            compiled_src: wrap_runs(src, &runs),
            names,
            groups,
            compiled: OnceLock::new(),
            required: required_literals(&tree),
        })
    }

    /// Build the automaton now (`rules check`, and tests that want compile errors early).
    pub fn compile(&self) -> Result<(), String> {
        if self.compiled.get().is_some_and(Option::is_some) {
            return Ok(());
        }
        let r = Regex::new(&self.compiled_src).map_err(|e| e.to_string())?;
        let _ = self.compiled.set(Some(r));
        Ok(())
    }

    /// The compiled regex; `None` only when a pattern with valid syntax exceeds regex's size
    /// limits (reported once on stderr; the rule then never matches).
    pub fn get(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| match Regex::new(&self.compiled_src) {
                Ok(r) => Some(r),
                Err(e) => {
                    let msg = e.to_string().replace('\n', " ");
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
        &self.compiled_src
    }

    /// Lower-case ASCII literals one of which every match contains (for a prefilter), or
    /// `None` when the pattern gives no such set.
    pub fn required_literals(&self) -> Option<&[String]> {
        self.required.as_deref()
    }

    /// Names of the named groups, in order.
    pub fn capture_names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// Groups including group 0 (as `Regex::captures_len`).
    pub fn captures_len(&self) -> usize {
        self.groups
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.get().is_some_and(|r| r.is_match(text))
    }

    pub fn captures<'t>(&self, text: &'t str) -> Option<Captures<'t>> {
        self.get().and_then(|r| r.captures(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
