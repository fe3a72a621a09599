use std::path::PathBuf;

use super::*;
use crate::event::{Event, Format, Severity};
use crate::matching::LowerBuf;
use crate::rules::line_match::{named, numbered_base};
use crate::rules::schema::parse_rule;
use crate::scan::FileInfo;
use crate::source::InputFile;

fn rule(text: &str) -> Rule {
    match parse_rule("test.toml", None, text) {
        Ok(r) => r,
        Err(e) => panic!("bad test rule: {e:?}"),
    }
}

fn line_rule(id: &str, kinds: &str, lit: &str, regex: &str, extra: &str) -> Rule {
    rule(&format!(
        r#"id = "{id}"
severity = "error"
title = "t"
cause = "c"
fix = "f"
{kinds}
[match]
literals = ["{lit}"]
regex = '{regex}'
{extra}
[[example]]
line = "x"
matches = true
[[example]]
line = "y"
matches = false
"#
    ))
}

fn seq_rule(id: &str, report: &str) -> Rule {
    rule(&format!(
        r#"id = "{id}"
severity = "error"
title = "t"
cause = "c"
fix = "f"
kinds = ["supsetup"]
[sequence]
first = '(?i)Failed to register (?P<path>\S+)'
then = '(?i)Registered \S+ successfully'
reset = '(?i)Setup Started'
report = "{report}"
[[example]]
lines = ["x"]
matches = true
[[example]]
lines = ["y"]
matches = false
"#
    ))
}

fn input() -> InputFile {
    InputFile::named("t.log", None)
}

fn ev(kind: LogKind, line: u64, msg: &'static str, sev: Severity) -> Event<'static> {
    let mut e = Event::new(0, line, kind, Format::Plain, msg);
    e.severity = sev;
    e
}

fn info<'a>(input: &'a InputFile, kind: LogKind) -> FileInfo<'a> {
    FileInfo {
        id: 0,
        input,
        kind,
        format: Format::Plain,
    }
}

#[test]
fn prefilter_is_case_insensitive_and_codes_get_hex_form() {
    let set = RuleSet::new(
        vec![line_rule(
            "alpha",
            "",
            "alpha",
            r"(?i)alpha (?P<code>\d+)",
            "",
        )],
        &[],
    );
    let inp = input();
    let fi = info(&inp, LogKind::Wcm);
    let mut m = set.stream();
    assert_eq!(
        m.feed(&ev(LogKind::Wcm, 1, "ALPHA 5", Severity::Error), &fi)
            .as_slice(),
        ["alpha"]
    );
    let none = m.feed(&ev(LogKind::Wcm, 2, "beta 5", Severity::Info), &fi);
    assert!(none.is_empty());
    assert!(!none.spilled(), "no allocation when nothing matched");
    // Literal present but regex does not match: no hit.
    assert!(m
        .feed(&ev(LogKind::Wcm, 3, "alpha beta", Severity::Info), &fi)
        .is_empty());
    let hits = m.finish();
    let hs = hits.get("alpha").map(|h| (h.count, h.codes.clone()));
    assert_eq!(
        hs,
        Some((1, vec!["5".to_string(), "0x80070005".to_string()]))
    );
}

#[test]
fn a_numbered_capture_fills_its_base_name() {
    let set = RuleSet::new(
        vec![line_rule(
            "alpha",
            "",
            "alpha",
            r"(?i)alpha (?P<name>x\w+)|alpha-beta (?P<name2>\w+)",
            "",
        )],
        &[],
    );
    let inp = input();
    let fi = info(&inp, LogKind::Wcm);
    let mut m = set.stream();
    m.feed(
        &ev(LogKind::Wcm, 1, "alpha-beta first", Severity::Error),
        &fi,
    );
    m.feed(&ev(LogKind::Wcm, 2, "alpha xsecond", Severity::Error), &fi);
    let hits = m.finish();
    let caps = hits.get("alpha").map(|h| h.captures.clone());
    assert_eq!(
        caps.as_ref()
            .and_then(|c| c.get("name"))
            .map(String::as_str),
        Some("first"),
        "{caps:?}"
    );
    assert_eq!(numbered_base("code2"), Some("code"));
    assert_eq!(numbered_base("code"), None);
    assert_eq!(numbered_base("42"), None);
}

#[test]
fn kind_routing_and_other_kind() {
    let set = RuleSet::new(
        vec![line_rule(
            "only_wcm",
            r#"kinds = ["wcm"]"#,
            "refused",
            "(?i)refused",
            "",
        )],
        &[],
    );
    let inp = input();
    let mut m = set.stream();
    let msg = "actively refused it";
    assert!(m
        .feed(
            &ev(LogKind::Wsyncmgr, 1, msg, Severity::Info),
            &info(&inp, LogKind::Wsyncmgr)
        )
        .is_empty());
    assert_eq!(
        m.feed(
            &ev(LogKind::Wcm, 2, msg, Severity::Info),
            &info(&inp, LogKind::Wcm)
        )
        .as_slice(),
        ["only_wcm"]
    );
    assert_eq!(
        m.feed(
            &ev(LogKind::Other, 3, msg, Severity::Info),
            &info(&inp, LogKind::Other)
        )
        .as_slice(),
        ["only_wcm"]
    );
    assert_eq!(m.finish().get("only_wcm").map(|h| h.count), Some(2));
}

#[test]
fn unparsed_events_also_match_on_raw() {
    let set = RuleSet::new(vec![line_rule("r", "", "needle", "(?i)needle", "")], &[]);
    let inp = input();
    let fi = info(&inp, LogKind::Other);
    let mut m = set.stream();
    let mut e = ev(LogKind::Other, 1, "garbage needle here", Severity::Info);
    e.message = std::borrow::Cow::Borrowed("garbage");
    e.parsed = false;
    assert_eq!(m.feed(&e, &fi).as_slice(), ["r"]);
    e.parsed = true;
    assert!(m.feed(&e, &fi).is_empty());
}

#[test]
fn not_regex_excludes_but_classifies() {
    let set = RuleSet::new(
        vec![line_rule(
            "r",
            "",
            "fail",
            "(?i)fail",
            "not_regex = '(?i)benign'",
        )],
        &[],
    );
    let inp = input();
    let fi = info(&inp, LogKind::Wcm);
    let mut m = set.stream();
    assert!(m
        .feed(&ev(LogKind::Wcm, 1, "fail benign", Severity::Error), &fi)
        .is_empty());
    let hits = m.finish();
    assert!(hits.get("r").is_none());
    assert!(hits.get("unclassified_error_wcm").is_none());
}

#[test]
fn unclassified_routing_by_kind_and_severity() {
    let set = RuleSet::new(vec![], &["unclassified_warning_wsyncmgr".to_string()]);
    let inp = input();
    let mut m = set.stream();
    let fi = info(&inp, LogKind::Wcm);
    let _ = m.feed(
        &ev(LogKind::Wcm, 1, "boom 0x80072ee2", Severity::Error),
        &fi,
    );
    let _ = m.feed(&ev(LogKind::Wcm, 2, "careful", Severity::Warning), &fi);
    let _ = m.feed(&ev(LogKind::Wcm, 3, "fine", Severity::Info), &fi);
    let _ = m.feed(&ev(LogKind::Wsyncmgr, 4, "careful", Severity::Warning), &fi);
    let hits = m.finish();
    let err = hits.get("unclassified_error_wcm");
    assert_eq!(err.map(|h| h.count), Some(1));
    assert_eq!(
        err.map(|h| h.codes.clone()),
        Some(vec!["0x80072EE2".to_string()])
    );
    assert_eq!(
        hits.get("unclassified_warning_wcm")
            .map(|h| h.evidence[0].line),
        Some(2)
    );
    assert!(
        hits.get("unclassified_warning_wsyncmgr").is_none(),
        "disabled"
    );
    assert_eq!(hits.hits.len(), 2);
}

fn run_seq(set: &RuleSet, lines: &[(&'static str, Severity)]) -> StreamHits {
    let inp = input();
    let fi = info(&inp, LogKind::SupSetup);
    let mut m = set.stream();
    for (i, (l, s)) in lines.iter().enumerate() {
        let _ = m.feed(&ev(LogKind::SupSetup, i as u64 + 1, l, *s), &fi);
    }
    m.finish()
}

#[test]
fn sequence_unmatched_reports_a_without_b() {
    let set = RuleSet::new(vec![seq_rule("s", "unmatched")], &[]);
    let e = Severity::Error;
    let i = Severity::Info;
    // A then B: nothing.
    let h = run_seq(
        &set,
        &[
            ("Failed to register x.dll", e),
            ("Registered x.dll successfully", i),
        ],
    );
    assert!(h.get("s").is_none());
    assert!(
        h.get("unclassified_error_supsetup").is_none(),
        "A line is classified"
    );
    // A without B: one finding at end of stream, evidence = the A line.
    let h = run_seq(
        &set,
        &[
            ("Failed to register x.dll", e),
            ("Installation was successful.", i),
        ],
    );
    assert_eq!(
        h.get("s").map(|h| (h.count, h.evidence[0].line)),
        Some((1, 1))
    );
    assert_eq!(
        h.get("s").and_then(|h| h.captures.get("path").cloned()),
        Some("x.dll".into())
    );
    // Reset closes the first scope; B in the second scope does not satisfy the first A.
    let h = run_seq(
        &set,
        &[
            ("Failed to register x.dll", e),
            ("Setup Started", i),
            ("Failed to register y.dll", e),
            ("Registered y.dll successfully", i),
        ],
    );
    assert_eq!(
        h.get("s").map(|h| (h.count, h.evidence.len())),
        Some((1, 1))
    );
}

#[test]
fn sequence_matched_reports_a_then_b_and_routes_lonely_a_to_unclassified() {
    let set = RuleSet::new(vec![seq_rule("benign", "matched")], &[]);
    let e = Severity::Error;
    let i = Severity::Info;
    let h = run_seq(
        &set,
        &[
            ("Failed to register x.dll", e),
            ("Registered x.dll successfully", i),
        ],
    );
    assert_eq!(
        h.get("benign").map(|h| (h.count, h.evidence.len())),
        Some((1, 2))
    );
    assert!(h.get("unclassified_error_supsetup").is_none());
    let h = run_seq(
        &set,
        &[("Failed to register x.dll", e), ("Setup Started", i)],
    );
    assert!(h.get("benign").is_none());
    assert_eq!(
        h.get("unclassified_error_supsetup").map(|h| h.count),
        Some(1)
    );
}

#[test]
fn merge_keeps_input_order() {
    let set = RuleSet::new(vec![line_rule("r", "", "x", "x", "")], &[]);
    let inp_a = InputFile {
        display: "a.log".into(),
        ..input()
    };
    let inp_b = InputFile {
        display: "b.log".into(),
        ..input()
    };
    let mut ma = set.stream();
    let _ = ma.feed(
        &ev(LogKind::Wcm, 7, "x", Severity::Info),
        &info(&inp_a, LogKind::Wcm),
    );
    let mut mb = set.stream();
    let _ = mb.feed(
        &ev(LogKind::Wcm, 3, "x", Severity::Info),
        &info(&inp_b, LogKind::Wcm),
    );
    let mut all = StreamHits::default();
    all.merge(ma.finish());
    all.merge(mb.finish());
    let files: Vec<String> = all
        .get("r")
        .map(|h| h.evidence.iter().map(|e| e.file.clone()).collect())
        .unwrap_or_default();
    assert_eq!(files, vec!["a.log", "b.log"]);
}

/// Every text line under `samples/` (logs, pastes), plus the rules' example lines.
fn corpus(set: &RuleSet) -> Vec<String> {
    let mut out = Vec::new();
    for (_, text) in crate::testutil::sample_files() {
        out.extend(text.lines().map(str::to_string));
    }
    for r in &set.rules {
        for ex in &r.examples {
            match &ex.input {
                crate::rules::schema::ExampleInput::Line(l) => out.push(l.clone()),
                crate::rules::schema::ExampleInput::Lines(ls) => out.extend(ls.iter().cloned()),
                crate::rules::schema::ExampleInput::Facts(_) => {}
            }
        }
    }
    out
}

fn builtin_set() -> RuleSet {
    RuleSet::new(
        crate::rules::load_rules(&[] as &[PathBuf], &[]).expect("built-in rules"),
        &[],
    )
}

/// [`corpus`] and variants of each line that cut, repeat and change the case of it, and put
/// non-ASCII text into it.
fn corpus_with_variants(set: &RuleSet) -> Vec<String> {
    let mut lines = corpus(set);
    let base = lines.clone();
    for l in &base {
        let n = l.len();
        for cut in [n / 2, n.saturating_sub(3), n.saturating_sub(1)] {
            if let Some(p) = l.get(..cut) {
                lines.push(p.to_string());
            }
        }
        lines.push(l.to_ascii_uppercase());
        lines.push(format!("{l} {l}"));
        lines.push(l.replace('-', ""));
        // Non-ASCII text where classes like `[^"]*` or `\S+` run over it (and where it
        // breaks a literal).
        lines.push(l.replace(['e', '\\'], "é").replace('.', "·"));
        lines.push(l.replacen(' ', " ü€😀 ", 3));
        lines.push(
            l.replace('"', "\"ü")
                .replace('\'', "'€")
                .replace('\\', "\\😀"),
        );
    }
    lines
}

/// `text[r]` widened to character boundaries.
fn widened(text: &str, r: std::ops::Range<usize>) -> &str {
    let (mut s, mut e) = (r.start, r.end);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    while !text.is_char_boundary(e) {
        e += 1;
    }
    &text[s..e]
}

/// Every rule regex (line rules, their exclusions, sequence parts) answers `is_match` and
/// `captures` on a whole text as the regex crate does on its compiled pattern.
#[test]
fn rule_regexes_agree_with_the_regex_crate() {
    let set = builtin_set();
    let lines = corpus_with_variants(&set);
    let mut regexes: Vec<&Pattern> = Vec::new();
    for r in &set.rules {
        if let Body::Line {
            regex, not_regex, ..
        } = &r.body
        {
            regexes.push(regex);
            regexes.extend(not_regex.iter());
        }
    }
    regexes.extend(
        seq_parts(&set.rules, LogKind::Other)
            .into_iter()
            .map(|p| p.2),
    );
    let mut matched = 0;
    for re in regexes {
        // Bytes: a byte-counted gap (`(?-u:[^~]){0,80}`) may match inside a character; group
        // texts are then widened to character boundaries, as `Captures` does.
        let want = regex::bytes::Regex::new(re.compiled_str()).expect("compiles");
        for l in &lines {
            assert_eq!(
                re.is_match(l),
                want.is_match(l.as_bytes()),
                "{}: {l:?}",
                re.as_str()
            );
            let got = re.captures(l);
            let exp = want.captures(l.as_bytes());
            assert_eq!(got.is_some(), exp.is_some(), "{}: {l:?}", re.as_str());
            if let (Some(g), Some(e)) = (got, exp) {
                matched += 1;
                for i in 0..e.len() {
                    let e_i = e.get(i).map(|m| widened(l, m.range()));
                    assert_eq!(g.get(i), e_i, "{} group {i}: {l:?}", re.as_str());
                }
                for n in want.capture_names().flatten() {
                    let e_n = e.name(n).map(|m| widened(l, m.range()));
                    assert_eq!(g.name(n), e_n, "{} group {n}: {l:?}", re.as_str());
                }
            }
        }
    }
    assert!(matched > 500, "matching lines checked: {matched}");
}

/// Matching from the places where the prefilter found a rule's literals (the fast path, or the
/// automaton started at the first place minus the pattern's lead) answers exactly what
/// matching the whole text does: on every sample log line and rule example, and on variants of
/// them that cut, repeat and change the case of the matching part.
#[test]
fn matching_from_the_prefilter_places_agrees_with_the_whole_text() {
    let set = builtin_set();
    let lines = corpus_with_variants(&set);
    let mut fast_rules = 0;
    let mut checked = 0;
    let mut with_groups = 0;
    let mut buf = LowerBuf::new();
    for (ri, rule) in set.rules.iter().enumerate() {
        let Body::Line { regex, .. } = &rule.body else {
            continue;
        };
        fast_rules += usize::from(regex.has_fast_path());
        for l in &lines {
            let mut hits = Vec::new();
            set.scan(LogKind::Other, false, buf.set(l.as_bytes()), &mut hits);
            let places: Vec<usize> = hits
                .iter()
                .filter(|h| h.target == Target::Rule(ri as u32))
                .map(|h| h.at as usize)
                .collect();
            let want = regex.is_match(l);
            if places.is_empty() {
                assert!(!want, "{}: regex matches without a literal: {l:?}", rule.id);
                continue;
            }
            let got = regex.is_match_at(l, places.iter().copied());
            assert_eq!(got, want, "{}: {l:?}", rule.id);
            // The named groups of the leftmost-first match, as on the whole text.
            let from_places = regex
                .captures_at(l, places.iter().copied())
                .map(|c| named(regex, &c));
            let whole = regex.captures(l).map(|c| named(regex, &c));
            assert_eq!(from_places, whole, "{}: {l:?}", rule.id);
            with_groups += usize::from(whole.is_some_and(|c| !c.is_empty()));
            checked += 1;
        }
    }
    assert!(
        with_groups > 10,
        "lines with named groups checked: {with_groups}"
    );
    // Sequence parts: matched at the places of their regex's required literals.
    let mut fast_parts = 0;
    for (ri, part, re) in seq_parts(&set.rules, LogKind::Other) {
        let Some(req) = re.required_literals() else {
            continue;
        };
        fast_parts += usize::from(re.has_fast_path());
        let index = Prefilter::build(req.iter().map(|l| (l.as_str(), Target::SeqPart(0))));
        for l in &lines {
            let mut hits = Vec::new();
            index.scan(buf.set(l.as_bytes()), &mut hits);
            let want = re.is_match(l);
            let got = !hits.is_empty() && re.is_match_at(l, hits.iter().map(|h| h.at as usize));
            assert_eq!(got, want, "rule {ri} {part:?}: {l:?}");
            checked += usize::from(!hits.is_empty());
        }
    }
    eprintln!(
        "rules on the fast path: {fast_rules}, sequence parts: {fast_parts}, candidate lines checked: {checked}, with named groups: {with_groups}"
    );
    assert!(fast_rules >= 1, "rules on the fast path: {fast_rules}");
    assert!(checked > 100, "candidate lines checked: {checked}");
}
