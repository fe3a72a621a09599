//! What a pattern's syntax tree says: the pattern as compiled (ASCII rewrites), its named
//! groups and the literals one of which every match contains (for the prefilter).
//!
//! What is compiled differs from the source in three ways that keep the meaning for log text and
//! make the automaton smaller and faster (see [`ascii_rewrites`]): ASCII letters fold
//! ASCII-only, the classes `\d \s \w` and the word boundary `\b` are ASCII, and a long
//! counted gap of "anything but these ASCII characters" (`[^~]{0,300}`, `.{0,120}`) counts
//! bytes instead of characters.

use regex_syntax::ast::{self, Ast};

/// What is known of a pattern from its syntax tree.
#[derive(Debug)]
pub(super) struct Info {
    /// What is compiled: `src` with the ASCII rewrites (see [`ascii_rewrites`]).
    pub compiled_src: String,
    /// Names of the named groups, in order.
    pub names: Vec<String>,
    /// Number of groups including the implicit whole-match group 0.
    pub groups: usize,
    /// ASCII literals (lower case) one of which every match contains; `None` when the pattern
    /// has a branch without one (see [`required_literals`]).
    pub required: Option<Vec<String>>,
}

impl Info {
    pub fn of(src: &str) -> Result<Info, String> {
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
    !b.negated && ascii_members(b)
}

/// Are the members of the bracketed class ASCII, with no negation inside it (the class itself
/// may be negated)?
fn ascii_members(b: &ast::ClassBracketed) -> bool {
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
    set(&b.kind)
}

/// Counted repeats from which a gap counts bytes (see [`repeated_negation`]).
const BYTE_REPEAT_MIN: u32 = 8;

/// Is `r` a gap whose operand is better matched as bytes: a counted repetition (`{n,m}` or
/// `{m}`, `m` at least [`BYTE_REPEAT_MIN`]) of `.` or of a negated class of ASCII members?
///
/// In Unicode mode each repeat of such an operand is a small UTF-8 automaton of its own, so
/// `[^~]{0,300}` compiles to thousands of states (tens of milliseconds, more than the whole
/// search of a big log costs the rule). As a byte class it is one state per repeat. The bound
/// then counts bytes, which is the same for ASCII text and a shorter reach over non-ASCII
/// text; matches stay on character boundaries for the rest of the pattern, and capture spans
/// are widened to character boundaries ([`super::pattern::Captures`]).
fn repeated_negation(r: &ast::Repetition) -> bool {
    let max = match &r.op.kind {
        ast::RepetitionKind::Range(ast::RepetitionRange::Bounded(_, m))
        | ast::RepetitionKind::Range(ast::RepetitionRange::Exactly(m)) => *m,
        _ => return false,
    };
    max >= BYTE_REPEAT_MIN
        && match &*r.ast {
            Ast::Dot(_) => true,
            Ast::ClassBracketed(b) => b.negated && ascii_members(b),
            _ => false,
        }
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
/// Under `(?i)` a Unicode-mode literal `s` also matches `ſ` and `k` the Kelvin sign; those
/// multi-byte alternatives defeat the literal optimisations of every case-insensitive rule. Unicode `\w` is ~700 ranges (a big automaton, slow to build),
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
        Ast::Repetition(r) => {
            if repeated_negation(r) {
                let span = r.ast.span();
                wrap_run((span.start.offset, span.end.offset), out);
                if let Ast::ClassBracketed(b) = &*r.ast {
                    class_set_edits(&b.kind, out);
                }
            } else {
                ascii_rewrites(&r.ast, out)
            }
        }
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
/// ASCII only, and [`ascii_rewrites`] makes ASCII literals fold ASCII-only, so a lower-cased ASCII
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
