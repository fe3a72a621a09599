//! Step 4: the report — inputs, findings, sync runs and sites, settings table, incidents.

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::facts::FactStore;
use crate::report::Report;
use crate::rules::RuleSet;
use crate::source::Discovered;
use crate::sync;

use super::conclude_hosts::Concluded;

/// Build the report from what the hosts concluded (their facts are returned alongside), also
/// when no input could be read at all: it then lists the inputs and their errors.
pub(super) fn assemble_report(
    concluded: Concluded,
    set: &RuleSet,
    d: &Discovered,
    now: DateTime<Utc>,
    quiet: bool,
) -> Result<(Report, FactStore)> {
    let mut report = Report {
        inputs: concluded.inputs,
        findings: concluded.findings,
        ..Report::default()
    };
    crate::app::inputs::settle(&mut report.inputs, d);
    report.settings_sources = concluded.settings_sources;
    crate::app::inputs::add_findings(&mut report);
    crate::app::warn_unread(&report.inputs, quiet);
    let data = sync::merge(concluded.data);
    if !data.runs.is_empty() || !data.adr_runs.is_empty() {
        report.sync_summary = Some(sync::summarize(&data.runs, &data.adr_runs, now));
    }
    report.sync_runs = data.runs;
    report.adr_runs = data.adr_runs;
    report.sync_sites = concluded.sites;
    report.settings = crate::report::settings_table(&concluded.facts);
    report.hosts = concluded.hosts;
    group_incidents(&mut report, set);
    if let Some(found) = &d.system {
        report.sources = found.sources.clone();
    }
    report.finish();
    Ok((report, concluded.facts))
}

/// Group the findings into incidents (marking each finding with its incident).
fn group_incidents(report: &mut Report, set: &RuleSet) {
    report.incidents = crate::incidents::group_with_rules(
        &mut report.findings,
        set,
        &report.inputs,
        &report.sync_runs,
    );
}
