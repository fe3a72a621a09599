//! `supdiag sync`: reconstruct sync and ADR runs, summarise them, report staleness.
//!
//! [`gather`] (scan + settings + runs + sync findings) is shared with `supdiag report`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use chrono::Utc;

use crate::cli::{CommonArgs, OutputFormat, SyncArgs};
use crate::event::Event;
use crate::facts::FactStore;
use crate::report::{self, Report};
use crate::scan::{self, FileInfo, Visitor};
use crate::sync::{self, FindingOptions, SyncBuilder, SyncData};

use super::view::parse_time_arg;
use super::{
    check_any_readable, discover_or_fail, exit_code_for, scan_options, use_color, write_stdout,
};

pub use crate::report::health::FileSpan;

/// Per-stream visitor: the run builder plus per-file time spans.
#[derive(Default)]
struct Gather {
    builder: SyncBuilder,
    data: SyncData,
    spans: BTreeMap<String, FileSpan>,
    current: Option<(u32, String)>,
}

impl Visitor for Gather {
    fn event(&mut self, ev: &Event<'_>, file: &FileInfo<'_>) {
        if let Some(t) = ev.time_utc {
            if self.current.as_ref().is_none_or(|(id, _)| *id != file.id) {
                self.current = Some((file.id, file.input.display.clone()));
            }
            if let Some((_, name)) = &self.current {
                let s = self.spans.entry(name.clone()).or_default();
                s.first = Some(s.first.map_or(t, |f| f.min(t)));
                s.last = Some(s.last.map_or(t, |l| l.max(t)));
            }
        }
        self.builder.feed(ev, file, &[]);
    }

    fn end_stream(&mut self) {
        self.data = std::mem::take(&mut self.builder).finish();
    }
}

/// Everything `sync` and `report` render.
pub struct Gathered {
    pub report: Report,
    pub facts: FactStore,
    pub settings_given: bool,
    pub spans: BTreeMap<String, FileSpan>,
    pub options: FindingOptions,
}

/// Scan `paths`, load the settings, reconstruct runs and compute the sync findings.
pub fn gather(
    paths: &[PathBuf],
    common: &CommonArgs,
    max_age: Option<&str>,
    now: Option<&str>,
) -> Result<Gathered> {
    let now = match now {
        Some(n) => parse_time_arg(n).context("--now")?,
        None => Utc::now(),
    };
    let (facts, warnings) = crate::settings::load_settings(&common.settings, common.strict)?;
    if !common.quiet {
        let mut err = std::io::stderr().lock();
        for w in &warnings {
            let _ = writeln!(err, "supdiag: warning: {}: {}", w.file, w.message);
        }
    }
    let schedule = facts
        .get("config.sync.schedule_hours")
        .and_then(|f| f.value.as_int().map(|h| (h, f.source.to_string())));
    let options = FindingOptions::new(now, max_age, schedule).context("--max-age")?;

    let d = discover_or_fail(paths, common.quiet)?;
    let results = scan::scan_all(
        &d.streams,
        |_| Gather::default(),
        scan_options(common.no_mmap),
    );
    let mut report = Report::default();
    let mut parts = Vec::new();
    let mut spans = BTreeMap::new();
    for (r, g) in results {
        report.inputs.extend(r);
        parts.push(g.data);
        spans.extend(g.spans);
    }
    check_any_readable(&report.inputs, common.quiet)?;
    let data = sync::merge(parts);
    let disabled = |id: &str| common.disable.iter().any(|d| d == id);
    report.findings = sync::sync_findings(&data.runs, &options)
        .into_iter()
        .filter(|f| !disabled(&f.rule_id))
        .collect();
    report.sync_summary = Some(sync::summarize(&data.runs, &data.adr_runs, now));
    report.sync_runs = data.runs;
    report.adr_runs = data.adr_runs;
    report.finish();
    Ok(Gathered {
        report,
        facts,
        settings_given: !common.settings.is_empty(),
        spans,
        options,
    })
}

pub fn run(a: SyncArgs) -> Result<u8> {
    let g = gather(&a.paths, &a.common, a.max_age.as_deref(), a.now.as_deref())?;
    let out = match a.format {
        OutputFormat::Terminal => report::sync_table::render(&g.report, use_color(a.common.color)),
        OutputFormat::Json => report::json::render(&g.report)?,
        OutputFormat::Ndjson => {
            let mut s = String::new();
            for r in &g.report.sync_runs {
                s.push_str(&serde_json::to_string(r)?);
                s.push('\n');
            }
            s
        }
        OutputFormat::Markdown => report::health::markdown_sync(&g.report),
        OutputFormat::Html => {
            bail!("supdiag sync has no HTML output: use `supdiag report --format html -o report.html`")
        }
    };
    write_stdout(&out)?;
    Ok(exit_code_for(
        g.report.findings.iter().map(|f| f.severity),
        a.common.fail_on,
    ))
}
