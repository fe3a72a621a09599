//! Validation of a rule file into a [`Rule`]: one check per part of the file — the header
//! (id, severity, kinds), one validator per body type ([`check_line_body`],
//! [`check_sequence_body`], [`check_fact_body`]), documentation links, texts and advice,
//! placeholders, `root_cause_of` and examples. Every problem becomes a [`RuleError`] naming the
//! file and line; all problems of a file are reported, in file order of the checks.

use std::collections::BTreeSet;
use std::ops::Range;

use toml::Spanned;

use super::condition::Condition;
use super::schema::{
    line_of, placeholders, sources, valid_id, with_base_name, Advice, Body, Example, ExampleInput,
    MatchSpec, Rule, RuleError, RuleFile, SeqReport, SequenceSpec, Symptom, SymptomSpec,
    CODES_PLACEHOLDER,
};
use crate::event::{LogKind, Severity};
use crate::matching::Pattern;

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

/// Parse `text` as a rule file and validate it (see the module documentation); `trusted`: a
/// built-in, whose regexes are read on first use and whose placeholders and examples are not
/// checked again.
pub(super) fn parse_rule_with(
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

    let id = check_id(&mut cx, &raw.id, stem);
    let severity = check_severity(&mut cx, &raw.severity);
    let kinds = raw.kinds.as_ref().map(|ks| check_kinds(&mut cx, ks));
    let mut captures = BTreeSet::new();
    let body = check_body(&mut cx, &raw, &mut captures);
    let docs = raw
        .docs
        .as_ref()
        .map_or_else(Vec::new, |d| check_docs(&mut cx, d));
    // Console paths are data (`rules/console/paths.toml`), put into the texts here.
    let cause = cx.console(raw.cause.span(), raw.cause.get_ref());
    let fix = cx.console(raw.fix.span(), raw.fix.get_ref());
    let advice = check_advice(&mut cx, &raw.advice);
    if !trusted {
        let mut templates: Vec<(Range<usize>, &str)> = vec![
            (raw.title.span(), raw.title.get_ref().as_str()),
            (raw.cause.span(), cause.as_str()),
            (raw.fix.span(), fix.as_str()),
        ];
        for (a, spec) in advice.iter().zip(&raw.advice) {
            templates.push((spec.span(), a.text.as_str()));
        }
        check_placeholders(&mut cx, &templates, &captures);
    }
    let symptoms = raw
        .root_cause_of
        .as_ref()
        .map_or_else(Vec::new, |list| check_symptoms(&mut cx, list, &id));
    let examples = check_examples(&mut cx, &raw, body.as_ref());

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

/// The id: lower case letters, digits and '_', and the file's name when the file has one.
fn check_id(cx: &mut Ctx<'_>, raw: &Spanned<String>, stem: Option<&str>) -> String {
    let id = raw.get_ref().clone();
    if !valid_id(&id) {
        cx.err(
            raw.span(),
            format!("id {id:?}: expected lower case letters, digits and '_' only"),
        );
    }
    if let Some(stem) = stem {
        if stem != id {
            cx.err(
                raw.span(),
                format!("id {id:?} does not match the file name: expected the file to be named {id}.toml"),
            );
        }
    }
    id
}

/// The severity: one of error, warning, info, success (others read as info, with an error).
fn check_severity(cx: &mut Ctx<'_>, raw: &Spanned<String>) -> Severity {
    match Severity::parse(raw.get_ref()) {
        Some(s) if ["error", "warning", "info", "success"].contains(&raw.get_ref().as_str()) => s,
        _ => {
            cx.err(
                raw.span(),
                format!(
                    "severity {:?}: expected one of error, warning, info, success",
                    raw.get_ref()
                ),
            );
            Severity::Info
        }
    }
}

/// The log kinds the rule applies to: known kinds only.
fn check_kinds(cx: &mut Ctx<'_>, ks: &Spanned<Vec<String>>) -> Vec<LogKind> {
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
}

/// Exactly one body — `[match]`, `[sequence]` or `when` — validated by its own validator;
/// the names of the body's regex captures go into `captures` (not for trusted rules).
fn check_body(cx: &mut Ctx<'_>, raw: &RuleFile, captures: &mut BTreeSet<String>) -> Option<Body> {
    let bodies = usize::from(raw.line_match.is_some())
        + usize::from(raw.sequence.is_some())
        + usize::from(raw.when.is_some());
    if bodies != 1 {
        cx.err(
            raw.id.span(),
            format!("expected exactly one of [match], [sequence] or `when`, found {bodies}"),
        );
        return None;
    }
    if let Some(m) = &raw.line_match {
        check_line_body(cx, m, captures)
    } else if let Some(s) = &raw.sequence {
        check_sequence_body(cx, s.get_ref(), captures)
    } else {
        raw.when.as_ref().and_then(|w| check_fact_body(cx, w))
    }
}

/// A line rule (`[match]`): plain-text literals for the prefilter, a regex, an optional
/// `not_regex`.
fn check_line_body(
    cx: &mut Ctx<'_>,
    m: &Spanned<MatchSpec>,
    captures: &mut BTreeSet<String>,
) -> Option<Body> {
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
    if let Some(r) = regex.as_ref().filter(|_| !cx.trusted) {
        captures.extend(r.capture_names().flat_map(with_base_name));
        check_literals(cx, m.span(), &spec.literals);
    }
    regex.map(|regex| Body::Line {
        literals: spec.literals.clone(),
        regex: regex.with_literals(&spec.literals),
        not_regex,
    })
}

/// A sequence rule (`[sequence]`): `first`, `then` and an optional `reset` regex, and whether
/// the unmatched or the matched `first` lines are reported.
fn check_sequence_body(
    cx: &mut Ctx<'_>,
    spec: &SequenceSpec,
    captures: &mut BTreeSet<String>,
) -> Option<Body> {
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
    let trusted = cx.trusted;
    for r in [&first, &then].into_iter().flatten().filter(|_| !trusted) {
        captures.extend(r.capture_names().flat_map(with_base_name));
    }
    let (first, then, report) = (first?, then?, report?);
    Some(Body::Sequence {
        first,
        then,
        reset,
        report,
    })
}

/// A fact rule (`when`): a condition over facts.
fn check_fact_body(cx: &mut Ctx<'_>, w: &Spanned<String>) -> Option<Body> {
    match Condition::parse(w.get_ref()) {
        Ok(c) => Some(Body::Fact {
            when: c,
            source: w.get_ref().clone(),
        }),
        Err(e) => {
            cx.err(w.span(), format!("when: {e}"));
            None
        }
    }
}

/// Documentation links become live links in Markdown and HTML: web addresses only (a
/// `javascript:` or `file:` link in a user rule would run or open something).
fn check_docs(cx: &mut Ctx<'_>, d: &Spanned<Vec<String>>) -> Vec<String> {
    for link in d.get_ref() {
        if let Err(why) = super::schema::check_doc_link(link) {
            cx.err(d.span(), format!("docs: {link:?}: {why}"));
        }
    }
    d.get_ref().clone()
}

/// `[[advice]]`: a condition and a text (console paths filled in).
fn check_advice(cx: &mut Ctx<'_>, raw: &[Spanned<super::schema::AdviceSpec>]) -> Vec<Advice> {
    let mut advice = Vec::new();
    for a in raw {
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
    advice
}

/// Placeholders must name a capture of the rule, a fact, or the finding's codes.
fn check_placeholders(
    cx: &mut Ctx<'_>,
    templates: &[(Range<usize>, &str)],
    captures: &BTreeSet<String>,
) {
    for (span, t) in templates {
        for p in placeholders(t).into_iter().flat_map(sources) {
            if p.optional || p.name == CODES_PLACEHOLDER {
                continue;
            }
            let p = p.name;
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
}

/// `root_cause_of`: other rules' ids, each with optional non-empty codes.
fn check_symptoms(cx: &mut Ctx<'_>, list: &Spanned<Vec<SymptomSpec>>, id: &str) -> Vec<Symptom> {
    let mut symptoms = Vec::new();
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
    symptoms
}

/// `[[example]]`: the input that fits the body type (`line`, `lines` or `facts`); an untrusted
/// rule needs at least one example that matches and one that does not.
fn check_examples(cx: &mut Ctx<'_>, raw: &RuleFile, body: Option<&Body>) -> Vec<Example> {
    let mut examples = Vec::new();
    for ex in &raw.examples {
        let spec = ex.get_ref();
        let line = line_of(cx.text, ex.span().start);
        let input = match (&spec.line, &spec.lines, &spec.facts, body) {
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
    if !cx.trusted && (!raw.examples.is_empty() || body.is_some()) {
        let pos = raw.examples.iter().any(|e| e.get_ref().matches);
        let neg = raw.examples.iter().any(|e| !e.get_ref().matches);
        if !pos || !neg {
            cx.err(
                raw.id.span(),
                "expected at least one [[example]] with matches = true and one with matches = false",
            );
        }
    }
    examples
}

/// Literals must be plain text without regex escapes: a literal that only a regex could match
/// (`\.`, `(?i)`, `\d`) is a typo that would silently disable the rule. (That each literal
/// occurs in a matching line is the examples' check.)
fn check_literals(cx: &mut Ctx<'_>, span: Range<usize>, literals: &[String]) {
    for l in literals {
        if l.contains("\\.") || l.contains("(?i)") || l.contains("\\d") {
            cx.err(
                span.clone(),
                format!("[match] literal {l:?} looks like a regex: literals are plain text, matched case-insensitively"),
            );
        }
    }
}
