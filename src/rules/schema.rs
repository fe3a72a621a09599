//! Rule file schema (`rules/<id>.toml`): the serde types of a rule file and the compiled [`Rule`];
//! validation and compilation are in `validate` ([`parse_rule`]).
//!
//! Every problem is reported as a [`RuleError`] naming the file and the line (from toml's spans)
//! and saying what was expected.

use std::collections::BTreeSet;
use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use super::condition::Condition;
use crate::event::{LogKind, Severity};
use crate::matching::Pattern;

/// One problem in a rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for RuleError {}

/// The raw file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub id: Spanned<String>,
    pub severity: Spanned<String>,
    pub title: Spanned<String>,
    pub cause: Spanned<String>,
    pub fix: Spanned<String>,
    #[serde(default)]
    pub docs: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub settings: Vec<String>,
    #[serde(default)]
    pub codes: Vec<String>,
    pub kinds: Option<Spanned<Vec<String>>>,
    #[serde(rename = "match")]
    pub line_match: Option<Spanned<MatchSpec>>,
    pub sequence: Option<Spanned<SequenceSpec>>,
    pub when: Option<Spanned<String>>,
    #[serde(default)]
    pub advice: Vec<Spanned<AdviceSpec>>,
    /// Findings this rule's finding explains (incidents, `src/incidents.rs`).
    #[serde(default)]
    pub root_cause_of: Option<Spanned<Vec<SymptomSpec>>>,
    #[serde(default, rename = "example")]
    pub examples: Vec<Spanned<ExampleSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchSpec {
    pub literals: Vec<String>,
    pub regex: Spanned<String>,
    pub not_regex: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SequenceSpec {
    pub first: Spanned<String>,
    pub then: Spanned<String>,
    pub reset: Option<Spanned<String>>,
    pub report: Spanned<String>,
}

/// One entry of `root_cause_of`: a rule id, or a rule id with the codes its finding must show.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum SymptomSpec {
    Id(String),
    Coded(CodedSymptom),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodedSymptom {
    pub rule: String,
    pub codes: Vec<String>,
}

/// A finding this rule's finding explains when both are seen together: `codes`, when not
/// empty, restricts it to a symptom finding that shows one of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symptom {
    pub rule: String,
    pub codes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdviceSpec {
    pub when: String,
    pub text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    pub line: Option<String>,
    pub lines: Option<Vec<String>>,
    pub facts: Option<toml::Table>,
    pub matches: bool,
}

/// What a sequence rule reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeqReport {
    /// A with no B before the scope closes.
    Unmatched,
    /// A followed by B.
    Matched,
}

/// The matching part of a compiled rule.
#[derive(Debug)]
pub enum Body {
    Line {
        literals: Vec<String>,
        regex: Pattern,
        not_regex: Option<Pattern>,
    },
    Sequence {
        first: Pattern,
        then: Pattern,
        reset: Option<Pattern>,
        report: SeqReport,
    },
    Fact {
        when: Condition,
        source: String,
    },
}

impl Rule {
    /// Every regex of the rule's body.
    pub fn regexes(&self) -> Vec<&Pattern> {
        match &self.body {
            Body::Line {
                regex, not_regex, ..
            } => std::iter::once(regex).chain(not_regex).collect(),
            Body::Sequence {
                first, then, reset, ..
            } => [first, then].into_iter().chain(reset).collect(),
            Body::Fact { .. } => Vec::new(),
        }
    }
}

#[derive(Debug)]
pub struct Advice {
    pub when: Condition,
    pub when_src: String,
    pub text: String,
}

/// Input of an `[[example]]`.
#[derive(Debug, Clone)]
pub enum ExampleInput {
    Line(String),
    Lines(Vec<String>),
    Facts(toml::Table),
}

#[derive(Debug, Clone)]
pub struct Example {
    pub input: ExampleInput,
    pub matches: bool,
    /// 1-based line of the example in its file.
    pub line: usize,
}

/// A validated, compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    pub cause: String,
    pub fix: String,
    pub docs: Vec<String>,
    pub settings: Vec<String>,
    pub codes: Vec<String>,
    /// `None` = every kind.
    pub kinds: Option<Vec<LogKind>>,
    pub body: Body,
    pub advice: Vec<Advice>,
    /// Findings this rule's finding is the root cause of (`root_cause_of`).
    pub symptoms: Vec<Symptom>,
    pub examples: Vec<Example>,
    /// Where the rule came from (`rules/x.toml` for built-ins, or the path of a `--rules` file).
    pub origin: String,
    /// Named captures of the rule's regexes.
    pub captures: BTreeSet<String>,
}

impl Rule {
    pub fn kind_name(&self) -> &'static str {
        match self.body {
            Body::Line { .. } => "line",
            Body::Sequence { .. } => "sequence",
            Body::Fact { .. } => "fact",
        }
    }

    pub fn applies_to(&self, kind: LogKind) -> bool {
        kind == LogKind::Other || self.kinds.as_ref().is_none_or(|ks| ks.contains(&kind))
    }
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Is `id` a valid rule id (`[a-z0-9_]+`)?
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The placeholder `{codes}`: the codes the finding's lines showed.
pub const CODES_PLACEHOLDER: &str = "codes";

/// A capture name, and for a numbered one (`exception2`, for a further alternative of one regex,
/// whose group names must differ) also its base name, which the placeholder `{exception}` reads.
pub(super) fn with_base_name(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    if let Some(base) = super::line_match::numbered_base(name) {
        out.push(base.to_string());
    }
    out
}

/// A placeholder's key and its fallback: `{key}` or `{key|text used when key has no value}`;
/// `None` when `inner` (the text between the braces) is no placeholder. A key may list sources
/// tried in order, `{server?,fact:config.sup.server|the SUP}` (see [`sources`]).
pub fn placeholder(inner: &str) -> Option<(&str, Option<&str>)> {
    let (key, fallback) = match inner.split_once('|') {
        Some((k, f)) => (k, Some(f)),
        None => (inner, None),
    };
    let ok = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.:[]*-,?@".contains(&b))
        && sources(key)
            .all(|s| !s.name.is_empty() && s.part.is_none_or(|p| ["host", "port"].contains(&p)))
        && fallback.is_none_or(|f| !f.contains('{'));
    ok.then_some((key, fallback))
}

/// One source of a placeholder: a capture (`name`; `name?` when the rule need not have it, as
/// in named values shared by many rules), `codes`, or a fact (`fact:key`); `@host` or `@port`
/// after it takes that part of a URL value (`url@host?`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source<'a> {
    pub name: &'a str,
    pub optional: bool,
    pub part: Option<&'a str>,
}

/// The sources of a placeholder key, in the order they are tried.
pub fn sources(key: &str) -> impl Iterator<Item = Source<'_>> {
    key.split(',').map(|s| {
        let (s, optional) = match s.strip_suffix('?') {
            Some(s) => (s, true),
            None => (s, false),
        };
        let (name, part) = match s.split_once('@') {
            Some((n, p)) => (n, Some(p)),
            None => (s, None),
        };
        Source {
            name,
            optional,
            part,
        }
    })
}

/// Keys of the placeholders `{name}`, `{fact:key}`, `{codes}` (each optionally `|fallback`) in a
/// text template.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                if let Some((key, _)) = placeholder(&after[..close]) {
                    out.push(key);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    out
}

/// Parse and validate one rule file. `file` is the name shown in errors; `stem` is the file
/// name without `.toml` (must equal the id) when known.
pub fn parse_rule(file: &str, stem: Option<&str>, text: &str) -> Result<Rule, Vec<RuleError>> {
    super::validate::parse_rule_with(file, stem, text, false)
}

/// [`parse_rule`] for a rule known to be valid (a built-in): its regexes are read on first
/// use and its placeholders are not checked again.
pub fn parse_trusted_rule(
    file: &str,
    stem: Option<&str>,
    text: &str,
) -> Result<Rule, Vec<RuleError>> {
    super::validate::parse_rule_with(file, stem, text, true)
}

/// A documentation link must be an `https://` or `http://` address with a host and no spaces
/// or control characters.
pub fn check_doc_link(link: &str) -> Result<(), &'static str> {
    let lower = link.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or("only https:// and http:// links are allowed")?;
    if link.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a link has no spaces or control characters");
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains('@') {
        return Err("a link needs a host name (and no user name)");
    }
    Ok(())
}
