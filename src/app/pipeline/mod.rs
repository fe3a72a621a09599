//! The shared pipeline of `analyze`, `sync` and `report`: one pass over the logs, in two phases
//! per stream — phase A ([`phase_a`], parallel per stretch) matches line rules, observes
//! `observed.*` facts, presence and per-file time spans and keeps the lines order matters for;
//! phase B ([`phase_b`], in order) runs the sequence rules and the sync/ADR run builders over
//! them. Then settings and observations become facts, fact rules run, findings are concluded —
//! per host in a fleet layout (`hosts/<name>/...`), for the whole input otherwise.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};

use crate::cli::CommonArgs;
use crate::facts::FactStore;
use crate::report::health::FileSpan;
use crate::report::{HostSummary, Report};
use crate::rules::{load_rule_set_for_scan, RuleSet, StreamHits};
use crate::scan;
use crate::source::Stream;
use crate::sync::{self, FindingOptions, SyncData};

use super::{check_any_readable, discover_or_fail, scan_options};
use crate::observe::presence::Presence;

mod ordered;
mod phase_a;
mod phase_b;

pub use phase_a::extra_literals;
use phase_b::StreamVisitor;

/// What the pipeline produced.
pub struct Analysis {
    pub report: Report,
    /// All facts (settings, observations, findings), merged over hosts.
    pub facts: FactStore,
    pub settings_given: bool,
    pub spans: BTreeMap<String, FileSpan>,
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

fn print_settings_warnings(
    warnings: &[crate::settings::SettingsWarning],
    quiet: bool,
    strict: bool,
) -> Result<()> {
    if strict && !warnings.is_empty() {
        let msgs: Vec<String> = warnings
            .iter()
            .map(|w| format!("{}: {}", w.file, w.message))
            .collect();
        bail!(
            "settings problem(s) with --strict:\n  {}",
            msgs.join("\n  ")
        );
    }
    if !quiet {
        let mut err = std::io::stderr().lock();
        for w in warnings {
            let line = format!("{}: {}", w.file, w.message);
            let _ = writeln!(err, "supdiag: warning: {}", super::for_stderr(&line));
        }
    }
    Ok(())
}

fn host_of_stream(s: &Stream) -> Option<String> {
    s.files.first().and_then(|f| f.host.clone())
}

/// Run the pipeline over `paths` (none: this machine's logs, on Windows).
pub fn run(paths: &[PathBuf], opts: &PipelineOptions<'_>) -> Result<Analysis> {
    let d = discover_or_fail(paths, opts.common.quiet)?;
    run_discovered(d, opts)
}

/// Run the pipeline over inputs already found.
pub fn run_discovered(
    d: crate::source::Discovered,
    opts: &PipelineOptions<'_>,
) -> Result<Analysis> {
    let common = opts.common;
    let mut set: RuleSet = load_rule_set_for_scan(&common.rules, &common.disable)?;
    set.set_extra_literals(extra_literals());

    let plan = super::inputs::SettingsPlan::new(&common.settings, &d.settings_candidates);
    let settings_given = plan.any();
    if common.strict {
        if let Some(e) = plan.unreadable.first().and_then(|s| s.error.as_deref()) {
            bail!("settings problem with --strict: {e}");
        }
    }
    let mut sources = plan.unreadable.clone();
    // With no path on Windows: the settings read live from this machine.
    let live: &[crate::settings::SettingsText] =
        d.system.as_ref().map_or(&[], |f| f.settings.as_slice());
    let settings_given = settings_given || !live.is_empty();

    // Progress on stderr for big inputs (over ~200 MB, stderr a terminal, not --quiet).
    let progress = crate::progress::Progress::new(scan::total_bytes(&d.streams), common.quiet);
    // Group stream results by host, in input order.
    struct HostAcc {
        inputs: Vec<scan::FileReport>,
        hits: StreamHits,
        observed: FactStore,
        presence: Presence,
        data: Vec<SyncData>,
    }
    let mut groups: BTreeMap<Option<String>, HostAcc> = BTreeMap::new();
    let mut spans = BTreeMap::new();
    // Each stream's visitor is merged as soon as its batch is scanned: memory stays flat in
    // the number of files.
    scan::scan_batched(
        &d.streams,
        |_| StreamVisitor::new(&set),
        scan_options(common.mmap),
        &progress,
        |stream, reports, v| {
            let v = v.into_result();
            let acc = groups
                .entry(host_of_stream(stream))
                .or_insert_with(|| HostAcc {
                    inputs: Vec::new(),
                    hits: StreamHits::default(),
                    observed: FactStore::new(),
                    presence: Presence::default(),
                    data: Vec::new(),
                });
            acc.inputs.extend(reports);
            acc.hits.merge(v.hits);
            acc.observed.extend(v.observer.into_facts());
            acc.presence.merge(v.presence);
            acc.data.push(v.data);
            spans.extend(v.spans);
        },
    );
    progress.finish();

    let mut report = Report::default();
    let mut all_facts = FactStore::new();
    let mut hosts = Vec::new();
    let mut all_data = Vec::new();
    let mut settings_warned = false;
    let mut sites = Vec::new();
    let fleet = groups.keys().any(Option::is_some);
    for (host, acc) in groups {
        let paths = plan.for_host(host.as_deref());
        let (mut facts, host_sources) = crate::settings::load_sources(&paths, live, common.strict)
            .context("reading settings")?;
        // Global settings warnings once; host ones per host.
        if !settings_warned || host.is_some() {
            let warnings = super::inputs::source_warnings(&host_sources);
            print_settings_warnings(&warnings, common.quiet, common.strict)?;
            settings_warned = true;
        }
        super::inputs::merge_sources(&mut sources, host_sources);
        facts.extend(acc.observed);
        crate::observe::presence::add_observations(&mut facts, &acc.presence);
        let mut data = sync::merge(acc.data);
        if let Some(hook) = opts.runs_hook {
            data = hook(host.as_deref(), data)?;
        }
        let mut evidence = crate::rules::engine::FactEvidence::new();
        if !data.runs.is_empty() {
            let schedule = facts
                .get("config.sync.schedule_hours")
                .and_then(|f| f.value.as_int().map(|h| (h, f.source.to_string())));
            let options =
                FindingOptions::new(opts.now, opts.max_age, schedule).context("--max-age")?;
            let runs = &data.runs;
            sync::figures::publish(runs, &options, opts.staleness, &mut facts, &mut evidence);
            sites.extend(sync::sites::summarize_sites(&data.runs, &options));
        }
        let mut findings = set.conclude_with(acc.hits, &mut facts, &evidence);
        for f in &mut findings {
            f.host.clone_from(&host);
        }
        if fleet {
            let mut hs = HostSummary {
                host: host.clone().unwrap_or_else(|| "(no host)".into()),
                files: acc.inputs.len(),
                records: acc.inputs.iter().map(|i| i.records).sum(),
                ..HostSummary::default()
            };
            for f in &findings {
                match f.severity {
                    crate::event::Severity::Error => hs.error += 1,
                    crate::event::Severity::Warning => hs.warning += 1,
                    crate::event::Severity::Info => hs.info += 1,
                    crate::event::Severity::Success => hs.success += 1,
                }
            }
            hosts.push(hs);
        }
        report.inputs.extend(acc.inputs);
        report.findings.extend(findings);
        all_facts.extend(facts);
        all_data.push(data);
    }
    report.inputs.extend(super::inputs::unread_all(&d.warnings));
    report.settings_sources = sources;
    super::inputs::add_findings(&mut report);
    check_any_readable(&report.inputs, common.quiet)?;
    let data = sync::merge(all_data);
    if !data.runs.is_empty() || !data.adr_runs.is_empty() {
        report.sync_summary = Some(sync::summarize(&data.runs, &data.adr_runs, opts.now));
    }
    report.sync_runs = data.runs;
    report.adr_runs = data.adr_runs;
    report.sync_sites = sites;
    report.settings = crate::report::settings_table(&all_facts);
    report.hosts = hosts.clone();
    report.incidents = crate::incidents::group_with_rules(
        &mut report.findings,
        &set,
        &report.inputs,
        &report.sync_runs,
    );
    if let Some(found) = &d.system {
        report.sources = found.sources.clone();
    }
    report.finish();
    Ok(Analysis {
        report,
        facts: all_facts,
        settings_given,
        spans,
        hosts,
    })
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
