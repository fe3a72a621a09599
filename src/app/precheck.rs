//! `supdiag precheck`: static checks of the settings against the documented prerequisites,
//! optional live probes, checklist or JSON output, exit code by `--fail-on`.

use std::io::Write;

use anyhow::{bail, Result};

use crate::cli::{PrecheckArgs, PrecheckFormat};
use crate::precheck::plan::{self, ProbeArgs};
use crate::precheck::{findings_from_checks, static_checks};
use crate::probe::{self, internet::DEFAULT_SYNC_ENDPOINT, ProbeOptions};
use crate::report::{self, checklist, Report};

use super::{exit_code_for, use_color, write_stdout};

pub fn run(a: PrecheckArgs) -> Result<u8> {
    if a.common.settings.is_empty() {
        bail!("precheck needs the settings of the hierarchy: pass --settings FILE (supdiag.toml, ConfigMgr JSON export, applicationHost.config or .reg export), or run `supdiag init-settings` to write a template");
    }
    // Arguments are checked before anything is read or contacted.
    let probe_args = ProbeArgs {
        proxy: a.proxy.clone(),
        // clap fills the default; only a different value is an explicit choice.
        sync_endpoint: (a.sync_endpoint != DEFAULT_SYNC_ENDPOINT).then(|| a.sync_endpoint.clone()),
    };
    plan::validate_args(&probe_args)?;
    let opts = if a.probe {
        Some(ProbeOptions::new(a.timeout, a.ca.as_deref())?)
    } else {
        if a.proxy.is_some() || a.ca.is_some() {
            warn(
                a.common.quiet,
                "--proxy and --ca are only used with --probe",
            );
        }
        None
    };

    let given: Vec<(std::path::PathBuf, bool)> = a
        .common
        .settings
        .iter()
        .map(|p| (p.clone(), false))
        .collect();
    let (mut facts, sources) = crate::settings::load_sources(&given, &[], a.common.strict)?;
    for w in super::inputs::source_warnings(&sources) {
        warn(a.common.quiet, &w.to_string());
    }
    let usable = facts.with_prefix("config.").any(|_| true);

    let mut checks = static_checks(&facts);
    if let Some(opts) = opts {
        let plan = plan::build(&facts, &probe_args)?;
        let probed = plan::run(&plan, &opts);
        let results: Vec<probe::ProbeResult> = probed.iter().map(|p| p.result.clone()).collect();
        probe::add_facts(&mut facts, &results);
        checks.extend(plan::to_checks(&probed));
    }

    // The correlation fact rules (port/SSL triangle, proxy, sync source, ...) run on the same
    // facts, probe results included: a failed internet probe confirms cas_internet_unreachable.
    let set = crate::rules::load_rule_set(&a.common.rules, &a.common.disable)?;
    let mut findings = findings_from_checks(&checks, &facts);
    findings.extend(set.conclude(crate::rules::StreamHits::default(), &mut facts));
    let mut report = Report {
        findings,
        checks,
        settings: report::settings_table(&facts),
        settings_sources: sources,
        ..Report::default()
    };
    super::inputs::add_findings(&mut report);
    report.finish();
    let out = match a.format {
        PrecheckFormat::Terminal => checklist::render(&report, use_color(a.common.color)),
        other => report::render(&report, other.into(), false)?,
    };
    write_stdout(&out)?;
    // A pre-install check that checked nothing is not a pass.
    if let Some(why) = checked_nothing(&report, usable) {
        let _ = writeln!(
            std::io::stderr().lock(),
            "supdiag: error: precheck checked nothing: {}",
            super::for_stderr(&why)
        );
        return Ok(super::EXIT_ERROR);
    }
    Ok(exit_code_for(
        report.findings.iter().map(|f| f.severity),
        a.common.fail_on,
    ))
}

/// Why a precheck run checked nothing (no usable settings, or every check skipped).
fn checked_nothing(report: &Report, usable: bool) -> Option<String> {
    use crate::precheck::CheckStatus;
    if !usable {
        let errors: Vec<String> = report
            .settings_sources
            .iter()
            .filter_map(|s| s.error.clone())
            .collect();
        return Some(if errors.is_empty() {
            "the settings files gave no values (see the warnings above)".to_string()
        } else {
            format!("no usable settings: {}", errors.join("; "))
        });
    }
    let all_skipped = report
        .checks
        .iter()
        .all(|c| c.status == CheckStatus::Skipped);
    all_skipped.then(|| {
        format!(
            "all {} check(s) were skipped: the settings lack the values they need (each \
             skipped line says which); `supdiag init-settings` writes a template with every key",
            report.checks.len()
        )
    })
}

fn warn(quiet: bool, msg: &str) {
    if !quiet {
        let _ = writeln!(
            std::io::stderr().lock(),
            "supdiag: warning: {}",
            super::for_stderr(msg)
        );
    }
}
