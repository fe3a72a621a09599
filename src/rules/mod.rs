//! Rules: schema, loader, line matcher, sequence rules, condition language, engine, findings.

pub mod capture_lint;
pub mod condition;
pub mod console;
pub mod engine;
pub mod finding;
pub mod generated;
pub mod line_match;
pub mod lint;
pub mod loader;
pub mod matcher;
pub mod schema;
pub mod seq_match;
mod validate;
pub mod values;

pub use finding::{Evidence, Finding, Hit, HitSet, SettingRef};
pub use line_match::LineMatcher;
pub use loader::{load_rules, LoadError};
pub use matcher::{MatchedIds, RuleSet, StreamHits};
pub use schema::{Rule, RuleError};
pub use seq_match::{SeqMatcher, StreamMatcher};

/// Built-in rules plus `--rules` folders, minus `--disable` ids, compiled.
pub fn load_rule_set(
    extra_dirs: &[std::path::PathBuf],
    disable: &[String],
) -> Result<RuleSet, LoadError> {
    Ok(RuleSet::new(load_rules(extra_dirs, disable)?, disable))
}

/// [`load_rule_set`] for a scan (`analyze`, `sync`, `report`): built-in rules without their
/// examples.
pub fn load_rule_set_for_scan(
    extra_dirs: &[std::path::PathBuf],
    disable: &[String],
) -> Result<RuleSet, LoadError> {
    Ok(RuleSet::new(
        loader::load_rules_for_scan(extra_dirs, disable)?,
        disable,
    ))
}

/// Ids of the correlation fact rules (settings × logs × probes; issue "settings and
/// correlation"). A public contract like every rule id.
pub const CORRELATION_IDS: &[&str] = &[
    "adr_proxy_not_enabled",
    "adr_proxy_enabled_cannot_resolve",
    "sync_proxy_not_enabled",
    "cas_internet_unreachable",
    "config_sup_port_not_bound",
    "config_https_port_pairing",
    "config_ssl_required_not_configured",
    "config_ssl_on_wrong_vdir",
    "config_observed_mismatch",
    "config_cert_name_mismatch",
    "config_sync_source_invalid",
    "config_mu_url_decommissioned",
    "config_adr_proxy_on_secondary",
    "config_no_sync_schedule",
    "settings_contradiction",
];
