//! The observer's extractors as data: `observers/<id>.toml`, embedded at build time like the
//! rules (`build.rs`). Each file names the log kinds it reads, the literals (lower case) that
//! let a message through to its patterns, the patterns, the `observed.*` facts it gives and
//! sample lines with the facts each must give. What a capture becomes (a host lower-cased, a
//! URL split into port and SSL mode, a list of site codes) is the observer's code, by id; the
//! samples hold the two together: `supdiag rules check` and `cargo test` run every one.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::event::{Event, Format, LogKind};
use crate::facts::Value;
use crate::matching::Pattern;
use crate::scan::FileInfo;
use crate::source::InputFile;

include!(concat!(env!("OUT_DIR"), "/builtin_observers.rs"));

/// One observer file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    id: String,
    /// What the extractor observes, in words (for the file's reader; must not be empty).
    about: String,
    kinds: Vec<String>,
    literals: Vec<String>,
    patterns: Vec<String>,
    facts: Vec<String>,
    #[serde(default)]
    sample: Vec<SampleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SampleFile {
    kind: String,
    line: String,
    facts: toml::Table,
}

/// A sample line and the facts (the latest value of each key) it must give, and no others.
#[derive(Debug)]
pub struct Sample {
    pub kind: LogKind,
    pub line: String,
    pub facts: Vec<(String, Value)>,
}

/// A pattern compiled on first use, with the rules' ASCII rewrites (most runs need few of
/// them).
pub struct Re(Option<Pattern>);

impl Re {
    pub fn captures<'t>(&self, t: &'t str) -> Option<crate::matching::Captures<'t>> {
        self.0.as_ref()?.captures(t)
    }

    /// [`Self::captures`], given every place where the literal search found one of the
    /// extractor's literals in `t`.
    pub fn captures_at<'t>(
        &self,
        t: &'t str,
        places: impl Iterator<Item = usize> + Clone,
    ) -> Option<crate::matching::Captures<'t>> {
        self.0.as_ref()?.captures_at(t, places)
    }

    pub fn is_match(&self, t: &str) -> bool {
        self.0.as_ref().is_some_and(|r| r.is_match(t))
    }
}

/// One extractor, checked.
pub struct Extractor {
    pub id: String,
    pub kinds: Vec<LogKind>,
    pub literals: Vec<String>,
    pub patterns: Vec<Re>,
    pub facts: Vec<String>,
    pub samples: Vec<Sample>,
}

fn value(v: &toml::Value) -> Option<Value> {
    Some(match v {
        toml::Value::String(s) => Value::Str(s.clone()),
        toml::Value::Integer(i) => Value::Int(*i),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Array(a) => Value::List(
            a.iter()
                .map(|x| x.as_str().map(str::to_string))
                .collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}

fn kind(name: &str, k: &str) -> Result<LogKind, String> {
    LogKind::parse(k)
        .filter(|k| *k != LogKind::Other)
        .ok_or_else(|| format!("{name}: unknown log kind {k:?}"))
}

/// Read one observer file: every problem is an error naming the file.
pub fn parse(name: &str, text: &str) -> Result<Extractor, String> {
    let f: File = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
    let kinds = f
        .kinds
        .iter()
        .map(|k| kind(name, k))
        .collect::<Result<Vec<_>, _>>()?;
    if f.about.trim().is_empty() {
        return Err(format!("{name}: about: say what the extractor observes"));
    }
    if kinds.is_empty() {
        return Err(format!("{name}: kinds: name at least one log kind"));
    }
    for l in &f.literals {
        if l.is_empty() || *l != l.to_ascii_lowercase() {
            return Err(format!(
                "{name}: literal {l:?}: write literals in lower case"
            ));
        }
    }
    let mut patterns = Vec::new();
    for p in &f.patterns {
        // Found through the extractor's literals: a search starts near where they stand.
        let pat = Pattern::new(p)
            .map_err(|e| format!("{name}: pattern {p:?}: {e}"))?
            .with_literals(&f.literals);
        patterns.push(Re(Some(pat)));
    }
    let mut samples = Vec::new();
    for s in &f.sample {
        let mut facts = Vec::new();
        for (k, v) in &s.facts {
            if !f.facts.contains(k) {
                return Err(format!("{name}: sample fact {k} is not in facts"));
            }
            let v = value(v).ok_or_else(|| format!("{name}: sample fact {k}: not a value"))?;
            facts.push((k.clone(), v));
        }
        samples.push(Sample {
            kind: kind(name, &s.kind)?,
            line: s.line.clone(),
            facts,
        });
    }
    Ok(Extractor {
        id: f.id,
        kinds,
        literals: f.literals,
        patterns,
        facts: f.facts,
        samples,
    })
}

/// The built-in extractors, in file-name order (a target number is the index). A file that
/// does not load is left out here and reported by [`check_builtin`].
pub static EXTRACTORS: LazyLock<Vec<Extractor>> = LazyLock::new(|| {
    BUILTIN_OBSERVERS
        .iter()
        .filter_map(|(name, text)| parse(name, text).ok())
        .collect()
});

/// The number of the extractor `id` (`u16::MAX`, which no literal leads to, when absent).
pub fn index(id: &str) -> u16 {
    EXTRACTORS
        .iter()
        .position(|e| e.id == id)
        .and_then(|i| u16::try_from(i).ok())
        .unwrap_or(u16::MAX)
}

/// Every problem of the built-in observers: files that do not load, patterns that do not
/// compile, samples that give other facts than they say, declared facts no sample shows. Empty when all is well.
pub fn check_builtin() -> Vec<String> {
    let mut errors = Vec::new();
    let mut loaded = Vec::new();
    for (name, text) in BUILTIN_OBSERVERS {
        match parse(name, text) {
            Ok(e) if format!("{}.toml", e.id) != *name => {
                errors.push(format!("{name}: id {:?} differs from the file name", e.id));
            }
            Ok(e) => loaded.push(e),
            Err(e) => errors.push(e),
        }
    }
    for e in &loaded {
        let name = format!("observers/{}.toml", e.id);
        for p in e.patterns.iter().filter_map(|p| p.0.as_ref()) {
            if let Err(err) = p.compile() {
                errors.push(format!("{name}: pattern {:?}: {err}", p.as_str()));
            }
        }
        let mut shown: Vec<String> = Vec::new();
        for s in &e.samples {
            let got = run_sample(s);
            shown.extend(got.iter().map(|(k, _)| k.clone()));
            let mut want = s.facts.clone();
            want.sort_by(|a, b| a.0.cmp(&b.0));
            if got != want {
                errors.push(format!(
                    "{name}: sample {:?} gives {got:?}, the file says {want:?}",
                    s.line
                ));
            }
        }
        for f in &e.facts {
            if !shown.contains(f) {
                errors.push(format!("{name}: no sample shows the fact {f}"));
            }
        }
    }
    errors
}

/// The facts (latest value of each key, sorted by key) that one line of `kind` gives.
fn run_sample(s: &Sample) -> Vec<(String, Value)> {
    let input = InputFile {
        path: "sample.log".into(),
        display: "sample.log".to_string(),
        kind_hint: None,
        host: None,
    };
    let info = FileInfo {
        id: 0,
        input: &input,
        kind: s.kind,
        format: Format::Plain,
    };
    let mut o = super::Observer::new();
    o.feed(&Event::new(0, 1, s.kind, Format::Plain, &s.line), &info);
    let facts = o.into_facts();
    let mut out: Vec<(String, Value)> = facts
        .iter()
        .map(|f| (f.key.clone(), f.value.clone()))
        .collect();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_observer_loads_and_every_sample_gives_its_facts() {
        assert_eq!(EXTRACTORS.len(), BUILTIN_OBSERVERS.len());
        assert!(EXTRACTORS.len() >= 12, "{}", EXTRACTORS.len());
        let errors = check_builtin();
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn a_wrong_sample_is_reported() {
        let text = r#"
id = "x"
about = "test"
kinds = ["wcm"]
literals = ["upstream server is set to"]
patterns = ['(?i)Upstream Server is set to\s+(\S+)']
facts = ["observed.wcm.upstream"]
[[sample]]
kind = "wcm"
line = "Upstream Server is set to Microsoft Update"
facts = { "observed.wcm.upstream" = "somewhere.else" }
"#;
        let e = parse("x.toml", text).expect("parses");
        let got = run_sample(&e.samples[0]);
        assert_ne!(got, e.samples[0].facts);
        assert!(parse("x.toml", &text.replace("\"wcm\"]", "\"nosuch\"]")).is_err());
        assert!(parse("x.toml", &text.replace("upstream server is", "Upstream")).is_err());
    }
}
