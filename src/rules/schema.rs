//! Rule file schema (`rules/<id>.toml`): serde types, validation and compilation into [`Rule`].
//!
//! Every problem is reported as a [`RuleError`] naming the file and the line (from toml's spans)
//! and saying what was expected.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;

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
fn with_base_name(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    if let Some(base) = super::line_match::numbered_base(name) {
        out.push(base.to_string());
    }
    out
}

/// A placeholder's key and its fallback: `{key}` or `{key|text used when key has no value}`;
/// `None` when `inner` (the text between the braces) is no placeholder.
pub fn placeholder(inner: &str) -> Option<(&str, Option<&str>)> {
    let (key, fallback) = match inner.split_once('|') {
        Some((k, f)) => (k, Some(f)),
        None => (inner, None),
    };
    let ok = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.:[]*-".contains(&b))
        && fallback.is_none_or(|f| !f.contains('{'));
    ok.then_some((key, fallback))
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

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<RuleError>,
    /// Built-in rules: regexes are read on first use, placeholders are not checked here
    /// (`rules check` and `cargo test` check the built-ins in full).
    trusted: bool,
}

impl Ctx<'_> {
    /// `text` with its `{console:…}` paths filled in (an unknown key is an error).
    fn console(&mut self, span: Range<usize>, text: &str) -> String {
        match super::console::expand(text) {
            Ok(t) => t,
            Err(e) => {
                self.err(span, e);
                text.to_string()
            }
        }
    }

    fn err(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.errors.push(RuleError {
            file: self.file.to_string(),
            line: line_of(self.text, span.start),
            message: message.into(),
        });
    }

    fn regex(&mut self, s: &Spanned<String>, what: &str) -> Option<Pattern> {
        if self.trusted {
            return Some(Pattern::trusted(s.get_ref()));
        }
        match Pattern::new(s.get_ref()) {
            Ok(r) => Some(r),
            Err(e) => {
                let msg = e.replace('\n', " ");
                self.err(
                    s.span(),
                    format!("{what}: invalid regex (expected Rust regex syntax): {msg}"),
                );
                None
            }
        }
    }
}

/// Parse and validate one rule file. `file` is the name shown in errors; `stem` is the file
/// name without `.toml` (must equal the id) when known.
pub fn parse_rule(file: &str, stem: Option<&str>, text: &str) -> Result<Rule, Vec<RuleError>> {
    parse_rule_with(file, stem, text, false)
}

/// [`parse_rule`] for a rule known to be valid (a built-in): its regexes are read on first
/// use and its placeholders are not checked again.
pub fn parse_trusted_rule(
    file: &str,
    stem: Option<&str>,
    text: &str,
) -> Result<Rule, Vec<RuleError>> {
    parse_rule_with(file, stem, text, true)
}

fn parse_rule_with(
    file: &str,
    stem: Option<&str>,
    text: &str,
    trusted: bool,
) -> Result<Rule, Vec<RuleError>> {
    let raw: RuleFile = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            let msg = e.message().replace('\n', " ");
            return Err(vec![RuleError {
                file: file.to_string(),
                line,
                message: format!(
                    "{msg} (rule files take: id, severity, title, cause, fix, docs, settings, codes, kinds, root_cause_of, [match] | [sequence] | when, [[advice]], [[example]])"
                ),
            }]);
        }
    };
    let mut cx = Ctx {
        file,
        text,
        errors: Vec::new(),
        trusted,
    };

    let id = raw.id.get_ref().clone();
    if !valid_id(&id) {
        cx.err(
            raw.id.span(),
            format!("id {id:?}: expected lower case letters, digits and '_' only"),
        );
    }
    if let Some(stem) = stem {
        if stem != id {
            cx.err(
                raw.id.span(),
                format!("id {id:?} does not match the file name: expected the file to be named {id}.toml"),
            );
        }
    }
    let severity = match Severity::parse(raw.severity.get_ref()) {
        Some(s)
            if ["error", "warning", "info", "success"]
                .contains(&raw.severity.get_ref().as_str()) =>
        {
            s
        }
        _ => {
            cx.err(
                raw.severity.span(),
                format!(
                    "severity {:?}: expected one of error, warning, info, success",
                    raw.severity.get_ref()
                ),
            );
            Severity::Info
        }
    };
    let kinds = raw.kinds.as_ref().map(|ks| {
        let mut out = Vec::new();
        for k in ks.get_ref() {
            match LogKind::parse(k) {
                Some(kind) if kind != LogKind::Other => out.push(kind),
                _ => {
                    let names: Vec<&str> = LogKind::KNOWN.iter().map(|k| k.as_str()).collect();
                    cx.err(
                        ks.span(),
                        format!(
                            "kinds: unknown log kind {k:?}; expected one of {}",
                            names.join(", ")
                        ),
                    );
                }
            }
        }
        out
    });

    let bodies = usize::from(raw.line_match.is_some())
        + usize::from(raw.sequence.is_some())
        + usize::from(raw.when.is_some());
    let mut captures = BTreeSet::new();
    let mut body = None;
    if bodies != 1 {
        cx.err(
            raw.id.span(),
            format!("expected exactly one of [match], [sequence] or `when`, found {bodies}"),
        );
    } else if let Some(m) = &raw.line_match {
        let spec = m.get_ref();
        if spec.literals.is_empty() || spec.literals.iter().any(|l| l.trim().is_empty()) {
            cx.err(
                m.span(),
                "[match] literals: expected at least one non-empty literal (the prefilter)",
            );
        }
        let regex = cx.regex(&spec.regex, "[match] regex");
        let not_regex = spec
            .not_regex
            .as_ref()
            .and_then(|r| cx.regex(r, "[match] not_regex"));
        if let Some(r) = regex.as_ref().filter(|_| !trusted) {
            captures.extend(r.capture_names().flat_map(with_base_name));
            check_literals(&mut cx, m.span(), &spec.literals, r);
        }
        if let Some(regex) = regex {
            body = Some(Body::Line {
                literals: spec.literals.clone(),
                regex: regex.with_literals(&spec.literals),
                not_regex,
            });
        }
    } else if let Some(s) = &raw.sequence {
        let spec = s.get_ref();
        let first = cx.regex(&spec.first, "[sequence] first");
        let then = cx.regex(&spec.then, "[sequence] then");
        let reset = spec
            .reset
            .as_ref()
            .and_then(|r| cx.regex(r, "[sequence] reset"));
        let report = match spec.report.get_ref().as_str() {
            "unmatched" => Some(SeqReport::Unmatched),
            "matched" => Some(SeqReport::Matched),
            other => {
                cx.err(
                    spec.report.span(),
                    format!("[sequence] report {other:?}: expected \"unmatched\" or \"matched\""),
                );
                None
            }
        };
        for r in [&first, &then].into_iter().flatten().filter(|_| !trusted) {
            captures.extend(r.capture_names().flat_map(with_base_name));
        }
        if let (Some(first), Some(then), Some(report)) = (first, then, report) {
            body = Some(Body::Sequence {
                first,
                then,
                reset,
                report,
            });
        }
    } else if let Some(w) = &raw.when {
        match Condition::parse(w.get_ref()) {
            Ok(c) => {
                body = Some(Body::Fact {
                    when: c,
                    source: w.get_ref().clone(),
                })
            }
            Err(e) => cx.err(w.span(), format!("when: {e}")),
        }
    }

    // Documentation links become live links in Markdown and HTML: web addresses only (a
    // `javascript:` or `file:` link in a user rule would run or open something).
    let docs: Vec<String> = match &raw.docs {
        Some(d) => {
            for link in d.get_ref() {
                if let Err(why) = check_doc_link(link) {
                    cx.err(d.span(), format!("docs: {link:?}: {why}"));
                }
            }
            d.get_ref().clone()
        }
        None => Vec::new(),
    };

    // Console paths are data (`rules/console/paths.toml`), put into the texts here.
    let cause = cx.console(raw.cause.span(), raw.cause.get_ref());
    let fix = cx.console(raw.fix.span(), raw.fix.get_ref());
    let mut advice = Vec::new();
    for a in &raw.advice {
        let text = cx.console(a.span(), &a.get_ref().text);
        match Condition::parse(&a.get_ref().when) {
            Ok(c) => advice.push(Advice {
                when: c,
                when_src: a.get_ref().when.clone(),
                text,
            }),
            Err(e) => cx.err(a.span(), format!("[[advice]] when: {e}")),
        }
    }

    // Placeholders must name a capture of the rule, a fact, or the finding's codes.
    let mut templates: Vec<(Range<usize>, &str)> = vec![
        (raw.title.span(), raw.title.get_ref().as_str()),
        (raw.cause.span(), cause.as_str()),
        (raw.fix.span(), fix.as_str()),
    ];
    for (a, spec) in advice.iter().zip(&raw.advice) {
        templates.push((spec.span(), a.text.as_str()));
    }
    for (span, t) in templates.into_iter().filter(|_| !trusted) {
        for p in placeholders(t) {
            if p == CODES_PLACEHOLDER {
                continue;
            }
            if let Some(key) = p.strip_prefix("fact:") {
                if key.is_empty() {
                    cx.err(
                        span.clone(),
                        "placeholder {fact:}: expected a fact key after 'fact:'",
                    );
                }
            } else if !captures.contains(p) {
                let known: Vec<&str> = captures.iter().map(String::as_str).collect();
                cx.err(
                    span.clone(),
                    format!(
                        "placeholder {{{p}}} names no capture of this rule (captures: {}; use {{fact:KEY}} for facts)",
                        if known.is_empty() { "none".to_string() } else { known.join(", ") }
                    ),
                );
            }
        }
    }

    let mut symptoms = Vec::new();
    if let Some(list) = &raw.root_cause_of {
        for spec in list.get_ref() {
            let (rule, codes) = match spec {
                SymptomSpec::Id(r) => (r.clone(), Vec::new()),
                SymptomSpec::Coded(c) => (c.rule.clone(), c.codes.clone()),
            };
            if !valid_id(&rule) || rule == id {
                cx.err(
                    list.span(),
                    format!("root_cause_of: {rule:?} is not another rule's id (lower case letters, digits, '_')"),
                );
            }
            if codes.iter().any(|c| c.trim().is_empty()) {
                cx.err(list.span(), format!("root_cause_of {rule:?}: empty code"));
            }
            symptoms.push(Symptom { rule, codes });
        }
    }

    let mut examples = Vec::new();
    for ex in &raw.examples {
        let spec = ex.get_ref();
        let line = line_of(text, ex.span().start);
        let input = match (&spec.line, &spec.lines, &spec.facts, &body) {
            (Some(l), None, None, Some(Body::Line { .. })) => Some(ExampleInput::Line(l.clone())),
            (None, Some(ls), None, Some(Body::Sequence { .. })) => {
                Some(ExampleInput::Lines(ls.clone()))
            }
            (Some(l), None, None, Some(Body::Sequence { .. })) => {
                Some(ExampleInput::Lines(vec![l.clone()]))
            }
            (None, None, Some(f), Some(Body::Fact { .. })) => Some(ExampleInput::Facts(f.clone())),
            (_, _, _, None) => None,
            _ => {
                cx.err(
                    ex.span(),
                    "[[example]]: expected `line` for [match] rules, `lines` for [sequence] rules, `facts` for `when` rules",
                );
                None
            }
        };
        if let Some(input) = input {
            examples.push(Example {
                input,
                matches: spec.matches,
                line,
            });
        }
    }
    // (Trusted built-ins are read without their examples; `rules check` checks them.)
    if !trusted && (!raw.examples.is_empty() || body.is_some()) {
        let pos = raw.examples.iter().any(|e| e.get_ref().matches);
        let neg = raw.examples.iter().any(|e| !e.get_ref().matches);
        if !pos || !neg {
            cx.err(
                raw.id.span(),
                "expected at least one [[example]] with matches = true and one with matches = false",
            );
        }
    }

    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    let Some(body) = body else {
        return Err(vec![RuleError {
            file: file.to_string(),
            line: 1,
            message: "rule has no valid body".into(),
        }]);
    };
    Ok(Rule {
        id,
        severity,
        title: raw.title.into_inner(),
        cause,
        fix,
        docs,
        settings: raw.settings,
        codes: raw.codes,
        kinds,
        body,
        advice,
        symptoms,
        examples,
        origin: file.to_string(),
        captures,
    })
}

/// Every literal must be able to hit a line the regex matches; a literal that the regex itself
/// cannot contain is a typo that would silently disable the rule. We can only check the cheap
/// direction: the literal must occur (case-insensitively) in at least one matching example,
/// which the example check does. Here: literals must be plain text without regex escapes.
fn check_literals(cx: &mut Ctx<'_>, span: Range<usize>, literals: &[String], _regex: &Pattern) {
    for l in literals {
        if l.contains("\\.") || l.contains("(?i)") || l.contains("\\d") {
            cx.err(
                span.clone(),
                format!("[match] literal {l:?} looks like a regex: literals are plain text, matched case-insensitively"),
            );
        }
    }
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
