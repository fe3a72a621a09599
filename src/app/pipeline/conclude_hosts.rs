//! Step 3: per host, settings and observations become facts, the sync figures are published,
//! the fact rules run and the findings are concluded.

use std::collections::BTreeMap;

use anyhow::{Context, Result};

use crate::event::Severity;
use crate::facts::FactStore;
use crate::report::HostSummary;
use crate::rules::engine::FactEvidence;
use crate::rules::{Finding, RuleSet};
use crate::scan::FileReport;
use crate::settings::SettingsSource;
use crate::sync::sites::SiteHealth;
use crate::sync::{self, FindingOptions, SyncData};

use super::scan_logs::HostScan;
use super::settings_inputs::{print_settings_warnings, SettingsInputs};
use super::PipelineOptions;

/// What every host concluded, in host order.
pub(super) struct Concluded {
    pub inputs: Vec<FileReport>,
    pub findings: Vec<Finding>,
    /// All facts (settings, observations, findings), merged over hosts.
    pub facts: FactStore,
    /// Each host's sync and ADR runs.
    pub data: Vec<SyncData>,
    pub sites: Vec<SiteHealth>,
    /// One summary per host in a fleet layout; none otherwise.
    pub hosts: Vec<HostSummary>,
    pub settings_sources: Vec<SettingsSource>,
}

/// Conclude every host scanned, in host order.
pub(super) fn conclude_hosts(
    scanned: BTreeMap<Option<String>, HostScan>,
    set: &RuleSet,
    settings: &SettingsInputs<'_>,
    opts: &PipelineOptions<'_>,
) -> Result<Concluded> {
    let mut out = Concluded {
        inputs: Vec::new(),
        findings: Vec::new(),
        facts: FactStore::new(),
        data: Vec::new(),
        sites: Vec::new(),
        hosts: Vec::new(),
        settings_sources: settings.plan.unreadable.clone(),
    };
    let mut settings_warned = false;
    let fleet = scanned.keys().any(Option::is_some);
    let files: usize = scanned.values().map(|s| s.inputs.len()).sum();
    for (host, scan) in scanned {
        let (mut facts, host_sources) = load_host_settings(&host, settings, opts)?;
        // Global settings warnings once; host ones per host.
        if !settings_warned || host.is_some() {
            let warnings = crate::app::inputs::source_warnings(&host_sources);
            print_settings_warnings(&warnings, opts.common.quiet, opts.common.strict)?;
            settings_warned = true;
        }
        out.settings_sources.extend(host_sources);
        facts.extend(scan.observed);
        crate::observe::presence::add_observations(&mut facts, &scan.presence);
        let mut data = sync::merge(scan.data);
        if let Some(hook) = opts.runs_hook {
            data = hook(host.as_deref(), data)?;
        }
        let evidence = publish_sync_figures(&data, &mut facts, &mut out.sites, opts)?;
        let mut findings = set.conclude_with(scan.hits, &mut facts, &evidence);
        for f in &mut findings {
            f.host.clone_from(&host);
        }
        if fleet {
            out.hosts.push(host_summary(&host, &scan.inputs, &findings));
        }
        // One host (no fleet): its entries as they are, not copied into a second vector.
        if out.inputs.is_empty() {
            out.inputs = scan.inputs;
            out.inputs
                .reserve_exact(files.saturating_sub(out.inputs.len()));
        } else {
            out.inputs.extend(scan.inputs);
        }
        out.findings.extend(findings);
        out.facts.extend(facts);
        out.data.push(data);
    }
    crate::app::inputs::dedup_sources(&mut out.settings_sources);
    Ok(out)
}

/// The settings facts of one host (its own files and the global ones) and where they came from.
fn load_host_settings(
    host: &Option<String>,
    settings: &SettingsInputs<'_>,
    opts: &PipelineOptions<'_>,
) -> Result<(FactStore, Vec<SettingsSource>)> {
    let paths = settings.plan.for_host(host.as_deref());
    crate::settings::load_sources(&paths, settings.live, opts.common.strict)
        .context("reading settings")
}

/// Publish the `observed.sync.*` figures of the runs as facts (the fact rules judge them) and
/// add each site's health to `sites`; returns the evidence behind each figure.
fn publish_sync_figures(
    data: &SyncData,
    facts: &mut FactStore,
    sites: &mut Vec<SiteHealth>,
    opts: &PipelineOptions<'_>,
) -> Result<FactEvidence> {
    let mut evidence = FactEvidence::new();
    if data.runs.is_empty() {
        return Ok(evidence);
    }
    let schedule = facts
        .get("config.sync.schedule_hours")
        .and_then(|f| f.value.as_int().map(|h| (h, f.source.to_string())));
    let options = FindingOptions::new(opts.now, opts.max_age, schedule).context("--max-age")?;
    sync::figures::publish(&data.runs, &options, opts.staleness, facts, &mut evidence);
    sites.extend(sync::sites::summarize_sites(&data.runs, &options));
    Ok(evidence)
}

/// One host's line in a fleet report: files, records and findings by severity.
fn host_summary(host: &Option<String>, inputs: &[FileReport], findings: &[Finding]) -> HostSummary {
    let mut hs = HostSummary {
        host: host.clone().unwrap_or_else(|| "(no host)".into()),
        files: inputs.len(),
        records: inputs.iter().map(|i| i.records).sum(),
        ..HostSummary::default()
    };
    for f in findings {
        match f.severity {
            Severity::Error => hs.error += 1,
            Severity::Warning => hs.warning += 1,
            Severity::Info => hs.info += 1,
            Severity::Success => hs.success += 1,
        }
    }
    hs
}
