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
    /// Names of the named groups, in order.
    names: Vec<String>,
    /// Number of groups including the implicit whole-match group 0.
    groups: usize,
    compiled: OnceLock<Option<Regex>>,
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
        Ok(LazyRegex {
            src: src.to_string(),
            names,
            groups,
            compiled: OnceLock::new(),
        })
    }

    /// Build the automaton now (`rules check`, and tests that want compile errors early).
    pub fn compile(&self) -> Result<(), String> {
        if self.compiled.get().is_some_and(Option::is_some) {
            return Ok(());
        }
        let r = Regex::new(&self.src).map_err(|e| e.to_string())?;
        let _ = self.compiled.set(Some(r));
        Ok(())
    }

    /// The compiled regex; `None` only when a pattern with valid syntax exceeds regex's size
    /// limits (reported once on stderr; the rule then never matches).
    pub fn get(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| match Regex::new(&self.src) {
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
    fn syntax_errors_are_reported_at_load() {
        let e = LazyRegex::new("a(b").expect_err("unclosed group");
        assert!(e.contains("unclosed group"), "{e}");
    }
}
