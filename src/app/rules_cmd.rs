//! `supdiag rules list|show ID|check [DIR]`: list, show and lint rules.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Result};
use owo_colors::OwoColorize;

use crate::cli::{ColorChoice, ListFormat, RuleSeverity, RulesAction, RulesArgs, RulesListArgs};
use crate::event::{LogKind, Severity};
use crate::report::escape;
use crate::rules::generated::{self, GeneratedId};
use crate::rules::lint::check_sources;
use crate::rules::loader::{builtin_sources, close_ids, dir_sources};
use crate::rules::schema::{Body, ExampleInput, Rule, SeqReport};
use crate::rules::{load_rule_set, RuleSet};

use super::{use_color, write_stdout, EXIT_ERROR, EXIT_OK};

pub fn run(a: RulesArgs) -> Result<u8> {
    match a.action {
        RulesAction::List(a) => list(&a),
        RulesAction::Show { id, rules } => show(&id, &rules),
        RulesAction::Check { dir } => check(dir),
    }
}

fn sev_colored(s: Severity, color: bool) -> String {
    let t = format!("{:<7}", s.as_str());
    if !color {
        return t;
    }
    match s {
        Severity::Error => t.red().to_string(),
        Severity::Warning => t.yellow().to_string(),
        Severity::Info => t.blue().to_string(),
        Severity::Success => t.green().to_string(),
    }
}

fn list(a: &RulesListArgs) -> Result<u8> {
    let set = load_rule_set(&a.rules, &[])?;
    let kind = match a.kind.as_deref() {
        None => None,
        Some(k) if k.eq_ignore_ascii_case("fact") => Some(None),
        Some(k) => match LogKind::parse(k) {
            Some(kind) if kind != LogKind::Other => Some(Some(kind)),
            _ => {
                let known: Vec<&str> = LogKind::KNOWN.iter().map(|k| k.as_str()).collect();
                bail!(
                    "--kind {k:?}: expected one of {}, or fact",
                    known.join(", ")
                );
            }
        },
    };
    let severity = a.severity.map(|s| match s {
        RuleSeverity::Error => Severity::Error,
        RuleSeverity::Warning => Severity::Warning,
        RuleSeverity::Info => Severity::Info,
        RuleSeverity::Success => Severity::Success,
    });
    let rules: Vec<&Rule> = set
        .rules
        .iter()
        .filter(|r| severity.is_none_or(|s| r.severity == s))
        .filter(|r| match (kind, &r.body) {
            (None, _) => true,
            // `fact`: the correlation rules; a log kind: the line and sequence rules reading it.
            (Some(None), Body::Fact { .. }) => true,
            (Some(None), _) | (Some(Some(_)), Body::Fact { .. }) => false,
            (Some(Some(k)), _) => r.kinds.as_ref().is_none_or(|ks| ks.contains(&k)),
        })
        .collect();
    // The ids without a rule file (unclassified records, inputs, pre-install checks) are
    // listed too: a user filtering or alerting on ids needs all of them in one place.
    let generated: Vec<GeneratedId> = generated::all()
        .into_iter()
        .filter(|g| severity.is_none_or(|s| g.severity == s))
        .filter(|g| match kind {
            None => true,
            Some(None) => false,
            Some(Some(k)) => g.kind == Some(k),
        })
        .collect();
    let out = match a.format {
        ListFormat::Json => {
            let mut items: Vec<ListItem> = rules.iter().map(|r| list_item(r)).collect();
            items.extend(generated.iter().map(generated_item));
            let mut s = serde_json::to_string_pretty(&items)?;
            s.push('\n');
            s
        }
        ListFormat::Text => {
            let color = use_color(ColorChoice::Auto);
            let ids = rules.iter().map(|r| (&r.id, r.severity, &r.title));
            let ids = ids.chain(generated.iter().map(|g| (&g.id, g.severity, &g.title)));
            let width = ids.clone().map(|(id, _, _)| id.len()).max().unwrap_or(0);
            let mut out = String::new();
            for (id, severity, title) in ids {
                let _ = writeln!(
                    out,
                    "{:<width$}  {}  {}",
                    id,
                    sev_colored(severity, color),
                    escape::terminal(title, false)
                );
            }
            let _ = writeln!(out, "{} rules", rules.len());
            if !generated.is_empty() {
                let _ = writeln!(out, "{} ids without a rule file", generated.len());
            }
            out
        }
    };
    write_stdout(&out)?;
    Ok(EXIT_OK)
}

/// One rule in `rules list --format json`.
#[derive(serde::Serialize)]
struct ListItem<'r> {
    id: &'r str,
    severity: &'static str,
    title: &'r str,
    /// line, sequence or fact; for ids without a rule file unclassified, inputs or precheck
    #[serde(rename = "type")]
    body: &'static str,
    /// The logs the rule reads; `null` for every log (and for fact rules).
    kinds: Option<Vec<&'static str>>,
    codes: &'r [String],
    settings: &'r [String],
    docs: &'r [String],
    origin: &'r str,
}

fn list_item(r: &Rule) -> ListItem<'_> {
    ListItem {
        id: &r.id,
        severity: r.severity.as_str(),
        title: &r.title,
        body: r.kind_name(),
        kinds: r
            .kinds
            .as_ref()
            .map(|ks| ks.iter().map(|k| k.as_str()).collect()),
        codes: &r.codes,
        settings: &r.settings,
        docs: &r.docs,
        origin: &r.origin,
    }
}

fn generated_item(g: &GeneratedId) -> ListItem<'_> {
    ListItem {
        id: &g.id,
        severity: g.severity.as_str(),
        title: &g.title,
        body: g.origin.as_str(),
        kinds: g.kind.map(|k| vec![k.as_str()]),
        codes: &[],
        settings: &[],
        docs: &g.docs,
        origin: "generated",
    }
}

/// Full text of one rule (also used by `explain <rule id>`).
pub fn render_rule(set: &RuleSet, id: &str, color: bool) -> Option<String> {
    let r = set.get(id)?;
    let head = |s: &str| {
        if color {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    };
    let mut o = String::new();
    let _ = writeln!(o, "{}  {}", head(&r.id), sev_colored(r.severity, color));
    let _ = writeln!(o, "{}", r.title);
    let _ = writeln!(o, "origin:   {}", r.origin);
    let kinds = r.kinds.as_ref().map_or("all".to_string(), |k| {
        k.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
    });
    let _ = writeln!(o, "kinds:    {kinds}");
    match &r.body {
        Body::Line {
            literals,
            regex,
            not_regex,
        } => {
            let _ = writeln!(o, "match:    literals {literals:?}");
            let _ = writeln!(o, "          regex    {}", regex.as_str());
            if let Some(n) = not_regex {
                let _ = writeln!(o, "          not      {}", n.as_str());
            }
            let how = if regex.has_fast_path() {
                "without an automaton (the fast path: see rules/README.md)"
            } else {
                "by the regex automaton"
            };
            let _ = writeln!(o, "          matched  {how}");
        }
        Body::Sequence {
            first,
            then,
            reset,
            report,
        } => {
            let _ = writeln!(o, "sequence: first  {}", first.as_str());
            let _ = writeln!(o, "          then   {}", then.as_str());
            if let Some(reset) = reset {
                let _ = writeln!(o, "          reset  {}", reset.as_str());
            }
            let rep = match report {
                SeqReport::Unmatched => "first line NOT followed by the then line",
                SeqReport::Matched => "first line followed by the then line",
            };
            let _ = writeln!(o, "          report {rep}");
        }
        Body::Fact { source, .. } => {
            let _ = writeln!(o, "when:     {source}");
        }
    }
    if !r.codes.is_empty() {
        let _ = writeln!(o, "codes:    {}", r.codes.join(", "));
    }
    if !r.settings.is_empty() {
        let _ = writeln!(o, "settings: {}", r.settings.join(", "));
    }
    let _ = writeln!(o, "\n{}\n{}", head("Cause"), r.cause);
    let _ = writeln!(o, "\n{}\n{}", head("Fix"), r.fix);
    for a in &r.advice {
        let _ = writeln!(o, "\n{} (when {})\n{}", head("Advice"), a.when_src, a.text);
    }
    if !r.docs.is_empty() {
        let _ = writeln!(o, "\n{}", head("Docs"));
        for d in &r.docs {
            let _ = writeln!(o, "  {d}");
        }
    }
    if !r.examples.is_empty() {
        let _ = writeln!(o, "\n{}", head("Examples"));
        for e in &r.examples {
            let mark = if e.matches { "match   " } else { "no match" };
            match &e.input {
                ExampleInput::Line(l) => {
                    let _ = writeln!(o, "  {mark}  {}", escape::terminal(l, false));
                }
                ExampleInput::Lines(ls) => {
                    let _ = writeln!(o, "  {mark}  sequence:");
                    for l in ls {
                        let _ = writeln!(o, "            {}", escape::terminal(l, false));
                    }
                }
                ExampleInput::Facts(t) => {
                    let _ = writeln!(o, "  {mark}  facts {t}");
                }
            }
        }
    }
    Some(o)
}

fn show(id: &str, dirs: &[PathBuf]) -> Result<u8> {
    let set = load_rule_set(dirs, &[])?;
    match render_rule(&set, id, use_color(ColorChoice::Auto)) {
        Some(text) => {
            write_stdout(&text)?;
            Ok(EXIT_OK)
        }
        None => {
            let close = close_ids(id, set.rules.iter().map(|r| r.id.as_str()));
            if close.is_empty() {
                bail!("no rule has the id {id:?} (see `supdiag rules list`)");
            }
            bail!(
                "no rule has the id {id:?}; did you mean {}?",
                close.join(", ")
            );
        }
    }
}

fn check(dir: Option<PathBuf>) -> Result<u8> {
    let (label, sources) = match &dir {
        Some(d) => (d.display().to_string(), dir_sources(d)?),
        None => ("built-in rules".to_string(), builtin_sources()),
    };
    let (count, errors) = check_sources(&sources);
    // The built-in observers are checked with the built-in rules: their samples must give the
    // facts the files say (observers/*.toml).
    let observers = dir
        .is_none()
        .then(crate::observe::extractors::check_builtin);
    let mut problems: Vec<String> = errors.iter().map(ToString::to_string).collect();
    problems.extend(observers.iter().flatten().cloned());
    let mut out = String::new();
    for e in &problems {
        let _ = writeln!(out, "{e}");
    }
    if problems.is_empty() {
        let _ = writeln!(out, "{label}: {count} rules, no problems");
        if observers.is_some() {
            let n = crate::observe::extractors::EXTRACTORS.len();
            let _ = writeln!(
                out,
                "built-in observers: {n} extractors, every sample as written"
            );
        }
        write_stdout(&out)?;
        Ok(EXIT_OK)
    } else {
        let _ = writeln!(out, "{label}: {} problem(s)", problems.len());
        write_stdout(&out)?;
        Ok(EXIT_ERROR)
    }
}
