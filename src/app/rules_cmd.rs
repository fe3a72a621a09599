//! `supdiag rules list|show ID|check [DIR]`: list, show and lint rules.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Result};
use owo_colors::OwoColorize;

use crate::cli::{ColorChoice, RulesAction, RulesArgs};
use crate::event::Severity;
use crate::report::escape;
use crate::rules::lint::check_sources;
use crate::rules::loader::{builtin_sources, close_ids, dir_sources};
use crate::rules::schema::{Body, ExampleInput, SeqReport};
use crate::rules::{load_rule_set, RuleSet};

use super::{use_color, write_stdout, EXIT_ERROR, EXIT_OK};

pub fn run(a: RulesArgs) -> Result<u8> {
    match a.action {
        RulesAction::List { rules } => list(&rules),
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

fn list(dirs: &[PathBuf]) -> Result<u8> {
    let set = load_rule_set(dirs, &[])?;
    let color = use_color(ColorChoice::Auto);
    let width = set.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in &set.rules {
        let _ = writeln!(
            out,
            "{:<width$}  {}  {}",
            r.id,
            sev_colored(r.severity, color),
            r.title
        );
    }
    let _ = writeln!(out, "{} rules", set.rules.len());
    write_stdout(&out)?;
    Ok(EXIT_OK)
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
            let how = if crate::rules::matcher::line_fast_match(literals, regex).is_some() {
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
    let mut out = String::new();
    for e in &errors {
        let _ = writeln!(out, "{e}");
    }
    if errors.is_empty() {
        let _ = writeln!(out, "{label}: {count} rules, no problems");
        write_stdout(&out)?;
        Ok(EXIT_OK)
    } else {
        let _ = writeln!(out, "{label}: {} problem(s)", errors.len());
        write_stdout(&out)?;
        Ok(EXIT_ERROR)
    }
}
