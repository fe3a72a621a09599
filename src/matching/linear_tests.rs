//! Matching is linear in the length of a line: every built-in rule (line rules and the parts of
//! sequence rules), every observer extractor and the sync builder get adversarial lines of
//! 256 KB and of 1 MB made of their own literals and example lines (repeated, cut short before
//! the end, a literal followed by a near miss), and the work counted on the 1 MB line may be
//! at most about four times that on the 256 KB line (a quadratic matcher does sixteen times).
//!
//! The work is counted by the matching layer itself ([`super::work`]): the bytes each literal
//! search and each regex search is handed (regex-automata's searches are linear in them) and the
//! bytes the fast matcher looks at, plus the bytes the sync builder's own loops search.

use crate::event::{Event, Format, LogKind, Severity};
use crate::observe::Observer;
use crate::rules::schema::{Body, ExampleInput};
use crate::rules::RuleSet;
use crate::scan::FileInfo;
use crate::source::InputFile;
use crate::sync::SyncBuilder;

use super::work;

const SMALL: usize = 256 << 10;
const LARGE: usize = 1 << 20;

/// A line of about `size` bytes of `kind`: `unit` repeated, then `tail`, for one consumer.
#[derive(Clone, Debug)]
struct Family {
    consumer: Consumer,
    kind: LogKind,
    unit: String,
    tail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Consumer {
    Rules,
    Observer,
    Sync,
}

impl Family {
    fn line(&self, size: usize) -> String {
        let n = (size / self.unit.len().max(1)).max(1);
        let mut s = self.unit.repeat(n);
        s.push_str(&self.tail);
        s
    }
}

/// The adversarial lines of an example line `e` of `kind` whose consumer searches `literals`:
/// each literal repeated, then `e`; `e` cut after its first literal and before its last
/// character (a near miss), repeated, then the rest of `e`; `e` repeated.
fn families(
    consumer: Consumer,
    kind: LogKind,
    e: &str,
    literals: &[String],
    out: &mut Vec<Family>,
) {
    let mut push = |unit: &str, tail: &str| {
        let f = Family {
            consumer,
            kind,
            unit: unit.to_string(),
            tail: tail.to_string(),
        };
        let known = out
            .iter()
            .any(|o| o.consumer == consumer && o.kind == kind && o.unit == unit && o.tail == tail);
        if !f.unit.is_empty() && !known {
            out.push(f);
        }
    };
    let low = e.to_ascii_lowercase();
    let mut cuts = Vec::new();
    for l in literals.iter().filter(|l| !l.is_empty()) {
        let at = low.find(l.as_str());
        // The literal as the line writes it, when it does.
        let lit = at.and_then(|p| e.get(p..p + l.len())).unwrap_or(l);
        push(lit, e);
        cuts.extend(at.map(|p| p + l.len()));
    }
    cuts.extend(e.char_indices().last().map(|(i, _)| i));
    for k in cuts {
        if let (Some(head), Some(tail)) = (e.get(..k), e.get(k..)) {
            push(head, tail);
        }
    }
    push(&format!("{e} "), "");
}

/// Every family of every built-in consumer.
fn all_families(set: &RuleSet) -> Vec<Family> {
    let mut out = Vec::new();
    // The line of issue 16 that took the old fast path 24 s.
    out.push(Family {
        consumer: Consumer::Rules,
        kind: LogKind::Wcm,
        unit: "Category x (".into(),
        tail: " not found on WSUS".into(),
    });
    for r in &set.rules {
        let kind = r
            .kinds
            .as_ref()
            .and_then(|k| k.first().copied())
            .unwrap_or(LogKind::Other);
        let literals: Vec<String> = match &r.body {
            Body::Line { literals, .. } => {
                literals.iter().map(|l| l.to_ascii_lowercase()).collect()
            }
            Body::Sequence { .. } => r
                .regexes()
                .iter()
                .flat_map(|p| p.required_literals().unwrap_or_default().to_vec())
                .collect(),
            Body::Fact { .. } => continue,
        };
        // The first example (rules list the matching ones first).
        let example = r.examples.iter().find_map(|ex| match &ex.input {
            ExampleInput::Line(l) => Some(l.clone()),
            ExampleInput::Lines(ls) => Some(ls.join(" ")),
            ExampleInput::Facts(_) => None,
        });
        let example = example.as_deref().unwrap_or("");
        families(Consumer::Rules, kind, example, &literals, &mut out);
    }
    // The observer's extractors and the sync builder, on the sample lines of the kinds they
    // read that hold one of their literals (or, for the sync builder, start a message it reads).
    let samples = sample_lines();
    for kind in LogKind::KNOWN.iter().copied().chain([LogKind::Other]) {
        let lits: Vec<String> = crate::observe::literals(kind)
            .into_iter()
            .map(|(l, _)| l.to_string())
            .collect();
        for l in &lits {
            let found = samples
                .iter()
                .find(|(k, s)| *k == kind && s.to_ascii_lowercase().contains(l.as_str()))
                .map_or_else(|| format!("{l} x"), |(_, s)| s.clone());
            families(
                Consumer::Observer,
                kind,
                &found,
                std::slice::from_ref(l),
                &mut out,
            );
        }
    }
    let mut starts: Vec<&str> = Vec::new();
    for (k, s) in &samples {
        if !SyncBuilder::reads(*k) || SyncBuilder::is_plain(*k, s, true) {
            continue;
        }
        let start = s.get(..12).unwrap_or(s);
        if !starts.contains(&start) {
            starts.push(start);
            families(Consumer::Sync, *k, s, &[], &mut out);
        }
    }
    out
}

/// Messages of the sample logs whose kind the file name says.
fn sample_lines() -> Vec<(LogKind, String)> {
    let mut out = Vec::new();
    for (p, text) in crate::testutil::sample_files() {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        let Some(kind) = name.as_deref().and_then(LogKind::from_file_name) else {
            continue;
        };
        for l in text.lines() {
            // The message of a CMTrace or SMS line, or the whole line.
            let msg = l
                .strip_prefix("<![LOG[")
                .and_then(|r| r.split("]LOG]!>").next())
                .or_else(|| l.split("  $$<").next())
                .unwrap_or(l);
            if !msg.trim().is_empty() {
                out.push((kind, msg.to_string()));
            }
        }
    }
    out
}

/// The work of one consumer on one line, fed as the pipeline feeds it.
fn work_of(set: &RuleSet, f: &Family, size: usize) -> u64 {
    let line = f.line(size);
    let input = InputFile::named("adversarial.log", Some(f.kind));
    let info = FileInfo::only(&input, f.kind, Format::Plain);
    let mut ev = Event::new(0, 1, f.kind, Format::Plain, &line);
    ev.severity = Severity::Error;
    work::take();
    match f.consumer {
        Consumer::Rules => {
            let mut matcher = set.stream();
            let _ = matcher.feed(&ev, &info);
            let _ = matcher.finish();
        }
        Consumer::Observer => Observer::new().feed(&ev, &info),
        Consumer::Sync => {
            let mut sync = SyncBuilder::new();
            sync.feed(&ev, &info, &[]);
            let _ = sync.finish();
        }
    }
    work::take()
}

#[test]
fn matching_work_grows_linearly_with_the_line() {
    let mut set = match crate::rules::load_rule_set(&[], &[]) {
        Ok(s) => s,
        Err(e) => panic!("built-in rules: {e}"),
    };
    set.set_extra_literals(crate::app::pipeline::extra_literals());
    let fams = all_families(&set);
    assert!(fams.len() > 300, "families: {}", fams.len());
    // Two threads (the work is counted per thread).
    let ratios: Vec<(f64, String)> = {
        use rayon::prelude::*;
        fams.par_iter()
            .map(|f| {
                let small = work_of(&set, f, SMALL);
                let large = work_of(&set, f, LARGE);
                assert!(
                    linear(small, large),
                    "{:?} on a {:?} line of {:?} × n + {:?}: work {small} on 256 KB, {large} on 1 MB",
                    f.consumer,
                    f.kind,
                    f.unit,
                    f.tail
                );
                (
                    large as f64 / small.max(1) as f64,
                    format!("{:?} {:?} {:?}", f.consumer, f.kind, f.unit),
                )
            })
            .collect()
    };
    let worst = ratios
        .iter()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .cloned()
        .unwrap_or_default();
    eprintln!(
        "{} adversarial families; largest 1 MB / 256 KB work ratio {:.2} ({})",
        fams.len(),
        worst.0,
        worst.1
    );
}

/// Linear work on four times the text is about four times as much; allow for the tail and
/// rounding.
fn linear(small: u64, large: u64) -> bool {
    large <= 5 * small + 4096
}

/// The check tells a quadratic matcher: trying a pattern with the automaton from every place
/// of its literal to the end of the line (what the old fast matcher did on the line of issue
/// 16) fails it, on lines small enough to run that.
#[test]
fn a_quadratic_matcher_fails_the_check() {
    let p = super::Pattern::new(r"(?i)Category (?P<category>\S+) \([^)]*\) not found on WSUS")
        .expect("valid");
    let quadratic = |n: usize| {
        let line = format!("{} not found on WSUS", "Category x (".repeat(n));
        work::take();
        for (at, _) in line.match_indices("Category ") {
            let _ = p.captures(&line[at..]);
        }
        work::take()
    };
    let (small, large) = (quadratic(200), quadratic(800));
    assert!(!linear(small, large), "work {small}, then {large}");
    let once = |n: usize| {
        let line = format!("{} not found on WSUS", "Category x (".repeat(n));
        work::take();
        let _ = p.captures(&line);
        work::take()
    };
    assert!(linear(once(200), once(800)));
}
