//! Rule loading: the built-in rules embedded at build time, `--rules DIR` overrides by id,
//! `--disable ID`, and the lint of a rules folder (`supdiag rules check`).

use std::collections::BTreeMap;
use std::path::Path;

use thiserror::Error;

use super::schema::{parse_rule, parse_trusted_rule, Rule, RuleError};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Why a rule set could not be built.
#[derive(Debug, Error)]
pub enum LoadError {
    #[error("invalid rule file(s):\n{}", render(.0))]
    Invalid(Vec<RuleError>),
    #[error("cannot read rules folder {path}: {message}")]
    Io { path: String, message: String },
    #[error("--disable {id}: no rule has this id{}", suggest(.candidates))]
    UnknownId { id: String, candidates: Vec<String> },
}

fn render(errs: &[RuleError]) -> String {
    errs.iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn suggest(c: &[String]) -> String {
    if c.is_empty() {
        " (see `supdiag rules list`)".into()
    } else {
        format!("; did you mean {}?", c.join(", "))
    }
}

/// A rule file's name and text.
pub struct Source {
    pub file: String,
    pub stem: Option<String>,
    pub text: String,
}

/// The built-in rule files as sources (shown as `rules/<name>`).
pub fn builtin_sources() -> Vec<Source> {
    sources_of(BUILTIN_RULES)
}

fn sources_of(table: &[(&str, &str)]) -> Vec<Source> {
    table
        .iter()
        .map(|(name, text)| Source {
            file: format!("rules/{name}"),
            stem: name.strip_suffix(".toml").map(str::to_string),
            text: (*text).to_string(),
        })
        .collect()
}

/// A rule file larger than this is refused (rules are a few KB).
pub const MAX_RULE_BYTES: u64 = 1 << 20;

/// The `*.toml` files of a folder, sorted by name.
pub fn dir_sources(dir: &Path) -> Result<Vec<Source>, LoadError> {
    let io = |e: std::io::Error| LoadError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        // A regular file of bounded size: a FIFO or device named `*.toml` is refused at once.
        let text = crate::source::open::read_capped(&p, MAX_RULE_BYTES)
            .and_then(|b| {
                String::from_utf8(b).map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text")
                })
            })
            .map_err(|e| LoadError::Io {
                path: p.display().to_string(),
                message: e.to_string(),
            })?;
        out.push(Source {
            file: p.display().to_string().replace('\\', "/"),
            stem: p.file_stem().map(|s| s.to_string_lossy().into_owned()),
            text,
        });
    }
    Ok(out)
}

/// Parse sources; returns the rules and every problem (including duplicate ids).
pub fn parse_sources(sources: &[Source]) -> (Vec<Rule>, Vec<RuleError>) {
    parse_sources_with(sources, parse_rule)
}

type Parser = fn(&str, Option<&str>, &str) -> Result<Rule, Vec<RuleError>>;

fn parse_sources_with(sources: &[Source], parse: Parser) -> (Vec<Rule>, Vec<RuleError>) {
    let mut rules: Vec<Rule> = Vec::new();
    let mut errors = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    // Parsing is independent per file (and most of the start-up time): in parallel, results
    // taken in source order.
    let parsed: Vec<Result<Rule, Vec<RuleError>>> = {
        use rayon::prelude::*;
        sources
            .par_iter()
            .map(|s| parse(&s.file, s.stem.as_deref(), &s.text))
            .collect()
    };
    for (s, parsed) in sources.iter().zip(parsed) {
        match parsed {
            Ok(r) => {
                if let Some(prev) = seen.get(&r.id) {
                    errors.push(RuleError {
                        file: s.file.clone(),
                        line: 1,
                        message: format!("duplicate id {:?} (also in {prev})", r.id),
                    });
                } else {
                    seen.insert(r.id.clone(), s.file.clone());
                    rules.push(r);
                }
            }
            Err(es) => errors.extend(es),
        }
    }
    (rules, errors)
}

/// Built-in rules, then each extra folder (a rule with the same id replaces the earlier one),
/// minus the disabled ids. Sorted by id.
pub fn load_rules(
    extra_dirs: &[impl AsRef<Path>],
    disable: &[String],
) -> Result<Vec<Rule>, LoadError> {
    load_rules_with(extra_dirs, disable, true)
}

/// [`load_rules`] for a scan: the built-in rules without their examples (a run does not need
/// them; `rules show` and `rules check` do).
pub fn load_rules_for_scan(
    extra_dirs: &[impl AsRef<Path>],
    disable: &[String],
) -> Result<Vec<Rule>, LoadError> {
    load_rules_with(extra_dirs, disable, false)
}

fn load_rules_with(
    extra_dirs: &[impl AsRef<Path>],
    disable: &[String],
    examples: bool,
) -> Result<Vec<Rule>, LoadError> {
    // The built-ins are checked in full by `rules check` and the tests; a run reads them
    // trusted (regexes parsed on first use).
    let table = if examples {
        BUILTIN_RULES
    } else {
        BUILTIN_RULES_LEAN
    };
    let (builtin, errs) = parse_sources_with(&sources_of(table), parse_trusted_rule);
    if !errs.is_empty() {
        return Err(LoadError::Invalid(errs));
    }
    let mut by_id: BTreeMap<String, Rule> =
        builtin.into_iter().map(|r| (r.id.clone(), r)).collect();
    for dir in extra_dirs {
        let (rules, errs) = parse_sources(&dir_sources(dir.as_ref())?);
        if !errs.is_empty() {
            return Err(LoadError::Invalid(errs));
        }
        for r in rules {
            by_id.insert(r.id.clone(), r);
        }
    }
    for id in disable {
        if by_id.remove(id).is_none() && !is_generated_id(id) {
            let candidates = close_ids(id, by_id.keys().map(String::as_str));
            return Err(LoadError::UnknownId {
                id: id.clone(),
                candidates,
            });
        }
    }
    Ok(by_id.into_values().collect())
}

/// Ids the engine makes up itself (`unclassified_error_<kind>`), which can be disabled too.
pub fn is_generated_id(id: &str) -> bool {
    id.strip_prefix("unclassified_error_")
        .or_else(|| id.strip_prefix("unclassified_warning_"))
        .is_some_and(|k| crate::event::LogKind::parse(k).is_some())
}

/// Up to 3 ids close to `id` (shared prefix word or small edit distance).
pub fn close_ids<'a>(id: &str, ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = ids
        .filter_map(|c| {
            let d = strsim::levenshtein(id, c);
            let shares = c.contains(id) || id.contains(c);
            (d <= 4 || shares).then_some((if shares { 0 } else { d }, c))
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_load_and_ids_are_sorted_unique() {
        let rules = load_rules(&[] as &[&Path], &[]).unwrap_or_default();
        assert!(rules.len() >= 50, "only {} rules", rules.len());
        let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }

    /// A run reads the built-ins trusted; checked in full they have no problem at all (syntax,
    /// capture names, placeholders, literals), and both ways give the same rules.
    #[test]
    fn builtins_pass_the_full_check_and_trusted_reading_agrees() {
        let (strict, errs) = parse_sources(&builtin_sources());
        assert!(errs.is_empty(), "{errs:?}");
        let (trusted, errs) = parse_sources_with(&builtin_sources(), parse_trusted_rule);
        assert!(errs.is_empty(), "{errs:?}");
        let (lean, errs) = parse_sources_with(&sources_of(BUILTIN_RULES_LEAN), parse_trusted_rule);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(strict.len(), trusted.len());
        assert_eq!(strict.len(), lean.len());
        for ((a, b), c) in strict.iter().zip(&trusted).zip(&lean) {
            assert_eq!(a.id, b.id);
            assert_eq!(a.id, c.id);
            assert!(c.examples.is_empty() && !a.examples.is_empty(), "{}", a.id);
            assert_eq!((&a.title, &a.cause, &a.fix), (&c.title, &c.cause, &c.fix));
            assert_eq!(a.regexes().len(), c.regexes().len());
            let (ra, rb) = (a.regexes(), b.regexes());
            assert_eq!(ra.len(), rb.len(), "{}", a.id);
            for (x, y) in ra.iter().zip(&rb) {
                assert_eq!(x.compiled_str(), y.compiled_str(), "{}", a.id);
                assert_eq!(x.required_literals(), y.required_literals(), "{}", a.id);
                assert_eq!(x.captures_len(), y.captures_len(), "{}", a.id);
            }
        }
    }

    #[test]
    fn disable_unknown_id_suggests_close_ids() {
        let err = load_rules(&[] as &[&Path], &["adr_download_internet_1200".to_string()])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("adr_download_internet_12007"), "{err}");
    }

    #[test]
    fn disable_removes_rule() {
        let rules =
            load_rules(&[] as &[&Path], &["wcm_config_success".to_string()]).unwrap_or_default();
        assert!(!rules.is_empty());
        assert!(rules.iter().all(|r| r.id != "wcm_config_success"));
    }

    #[test]
    fn override_by_id_from_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = r#"
id = "wcm_config_success"
severity = "info"
title = "Overridden"
cause = "c"
fix = "f"
kinds = ["wcm"]
[match]
literals = ["configuration successful"]
regex = '(?i)Configuration successful'
[[example]]
line = "Configuration successful."
matches = true
[[example]]
line = "Configuration failed."
matches = false
"#;
        std::fs::write(dir.path().join("wcm_config_success.toml"), text).expect("write");
        let rules = load_rules(&[dir.path()], &[]).unwrap_or_default();
        let r = rules.iter().find(|r| r.id == "wcm_config_success");
        assert_eq!(r.map(|r| r.title.as_str()), Some("Overridden"));
    }
}
