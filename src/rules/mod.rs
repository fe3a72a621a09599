//! Rules: schema, loader, line matcher, sequence rules, condition language, engine, findings.

pub mod condition;
pub mod engine;
pub mod finding;
pub mod lint;
pub mod loader;
pub mod matcher;
pub mod schema;

pub use finding::{Evidence, Finding, Hit, HitSet, SettingRef};
pub use loader::{load_rules, LoadError};
pub use matcher::{MatchedIds, RuleSet, StreamHits, StreamMatcher};
pub use schema::{Rule, RuleError};

/// Built-in rules plus `--rules` folders, minus `--disable` ids, compiled.
pub fn load_rule_set(
    extra_dirs: &[std::path::PathBuf],
    disable: &[String],
) -> Result<RuleSet, LoadError> {
    Ok(RuleSet::new(load_rules(extra_dirs, disable)?, disable))
}
