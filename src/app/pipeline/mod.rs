//! The shared pipeline of `analyze`, `sync` and `report`, as named steps ([`run_discovered`]):
//!
//! 1. `load_rules` and `settings_inputs::plan_settings`: the rule set and the settings
//!    files that apply to each host;
//! 2. `scan_logs::scan_logs`: one pass over the logs, in two phases per stream — phase A
//!    (`phase_a`, parallel per stretch) matches line rules, observes `observed.*` facts,
//!    presence and per-file time spans and keeps the lines order matters for; phase B
//!    (`phase_b`, in order) runs the sequence rules and the sync/ADR run builders over them;
//! 3. `conclude_hosts::conclude_hosts`: settings and observations become facts, sync figures
//!    are published, fact rules run, findings are concluded — per host in a fleet layout
//!    (`hosts/<name>/...`), for the whole input otherwise;
//! 4. `assemble_report::assemble_report`: the report, with its incidents.

use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::cli::CommonArgs;
use crate::facts::FactStore;
use crate::report::{HostSummary, Report};
use crate::rules::{load_rule_set_for_scan, RuleSet};
use crate::source::Discovered;
use crate::sync::SyncData;

use super::discover_or_fail;

mod assemble_report;
mod conclude_hosts;
mod ordered;
mod phase_a;
mod phase_b;
mod scan_logs;
mod settings_inputs;

use assemble_report::assemble_report;
use conclude_hosts::conclude_hosts;
pub use phase_a::extra_literals;
use scan_logs::scan_logs;
use settings_inputs::plan_settings;

/// What the pipeline produced.
pub struct Analysis {
    pub report: Report,
    /// All facts (settings, observations, findings), merged over hosts.
    pub facts: FactStore,
    pub settings_given: bool,
    pub hosts: Vec<HostSummary>,
}

/// Options of one pipeline run.
pub struct PipelineOptions<'a> {
    pub common: &'a CommonArgs,
    /// `--max-age`: sync staleness is judged only when given (or for `sync`/`report`).
    pub max_age: Option<&'a str>,
    /// Judge staleness at all (`sync`, `report`; `analyze` only with `--max-age`).
    pub staleness: bool,
    pub now: DateTime<Utc>,
    /// Called with each host's runs from the logs; returns the runs to report (`--history`
    /// adds the stored ones, `--since`/`--until` keep a period).
    pub runs_hook: Option<&'a RunsHook<'a>>,
}

/// See [`PipelineOptions::runs_hook`].
pub type RunsHook<'a> = dyn Fn(Option<&str>, SyncData) -> Result<SyncData> + 'a;

/// Run the pipeline over `paths` (none: this machine's logs, on Windows).
pub fn run(paths: &[PathBuf], opts: &PipelineOptions<'_>) -> Result<Analysis> {
    let d = discover_or_fail(paths, opts.common.quiet)?;
    run_discovered(d, opts)
}

/// Run the pipeline over inputs already found.
pub fn run_discovered(mut d: Discovered, opts: &PipelineOptions<'_>) -> Result<Analysis> {
    let set = load_rules(opts.common)?;
    // The streams are dropped as they are scanned: only each file's `inputs` entry stays.
    let streams = std::mem::take(&mut d.streams);
    let settings = plan_settings(opts.common, &d)?;
    let scanned = scan_logs(streams, &set, opts.common);
    let concluded = conclude_hosts(scanned, &set, &settings, opts)?;
    let (report, facts) = assemble_report(concluded, &set, &d, opts.now, opts.common.quiet)?;
    Ok(Analysis {
        hosts: report.hosts.clone(),
        report,
        facts,
        settings_given: settings.given,
    })
}

/// Step 1: the rule set (`--rules`, less `--disable`), with the observers' literals added to its
/// prefilter so one scan serves both.
fn load_rules(common: &CommonArgs) -> Result<RuleSet> {
    let mut set = load_rule_set_for_scan(&common.rules, &common.disable)?;
    set.set_extra_literals(extra_literals());
    Ok(set)
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
