//! Rule examples and the lint of a rules folder: every `[[example]]` runs through the real
//! parser and matcher, and every problem is reported as `file:line: message`.

use super::loader::{parse_sources, Source};
use super::matcher::RuleSet;
use super::schema::{Body, Example, ExampleInput, Rule, RuleError};
use crate::event::{Event, LogKind};
use crate::facts::{FactStore, Provenance, Value};
use crate::parse::{self, ParseCtx};
use crate::scan::FileInfo;
use crate::source::InputFile;

/// Does `ex` fire `rule` when run through `set` (which must contain `rule`)?
pub fn example_fires(set: &RuleSet, rule: &Rule, ex: &Example) -> bool {
    match &ex.input {
        ExampleInput::Line(l) => run_lines(set, rule, std::slice::from_ref(l), true),
        ExampleInput::Lines(ls) => run_lines(set, rule, ls, false),
        ExampleInput::Facts(t) => {
            let Body::Fact { when, .. } = &rule.body else {
                return false;
            };
            when.eval(&facts_from_table(t))
        }
    }
}

/// Facts from an example's `facts = { ... }` table.
pub fn facts_from_table(t: &toml::Table) -> FactStore {
    let mut facts = FactStore::new();
    for (k, v) in t {
        let value = match v {
            toml::Value::Boolean(b) => Value::Bool(*b),
            toml::Value::Integer(i) => Value::Int(*i),
            toml::Value::String(s) => Value::Str(s.clone()),
            toml::Value::Array(a) => Value::List(
                a.iter()
                    .map(|x| match x {
                        toml::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect(),
            ),
            other => Value::Str(other.to_string()),
        };
        facts.insert(k.clone(), value, Provenance::new("example"));
    }
    facts
}

fn run_lines(set: &RuleSet, rule: &Rule, lines: &[String], per_event: bool) -> bool {
    let kind = rule
        .kinds
        .as_ref()
        .and_then(|k| k.first().copied())
        .unwrap_or(LogKind::Other);
    let text = lines.join("\n");
    let input = InputFile::named("example", Some(kind));
    let format = parse::detect(&text);
    let info = FileInfo::only(&input, kind, format);
    let ctx = ParseCtx::new(0, kind);
    let mut m = set.stream();
    let mut fired = false;
    parse::parse_text(format, &text, 1, &ctx, &mut |ev: Event<'_>| {
        if m.feed(&ev, &info).contains(&rule.id.as_str()) {
            fired = true;
        }
    });
    let hits = m.finish();
    if per_event {
        fired
    } else {
        hits.get(&rule.id).is_some()
    }
}

/// Lint rule sources: schema problems, duplicate ids, file name = id, and every example.
pub fn check_sources(sources: &[Source]) -> (usize, Vec<RuleError>) {
    let (rules, mut errors) = parse_sources(sources);
    let count = rules.len();
    let set = RuleSet::new(rules, &[]);
    for rule in &set.rules {
        // Loading checks the syntax only; build every automaton here so a pattern over regex's
        // size limits is reported with its file instead of a warning during a run.
        for re in rule.regexes() {
            if let Err(e) = re.compile() {
                errors.push(RuleError {
                    file: rule.origin.clone(),
                    line: 1,
                    message: format!(
                        "regex {:?} cannot be compiled: {}",
                        re.as_str(),
                        e.replace('\n', " ")
                    ),
                });
            }
        }
        errors.extend(super::capture_lint::check(rule));
        for ex in &rule.examples {
            let fired = example_fires(&set, rule, ex);
            if fired != ex.matches {
                errors.push(RuleError {
                    file: rule.origin.clone(),
                    line: ex.line,
                    message: format!(
                        "example {} (matches = {}) but the rule {}",
                        describe(ex),
                        ex.matches,
                        if fired { "fires" } else { "does not fire" }
                    ),
                });
            }
        }
    }
    errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    (count, errors)
}

fn describe(ex: &Example) -> String {
    match &ex.input {
        ExampleInput::Line(l) => format!("{l:?}"),
        ExampleInput::Lines(ls) => format!("of {} lines", ls.len()),
        ExampleInput::Facts(_) => "facts".into(),
    }
}
