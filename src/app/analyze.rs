//! `supdiag analyze`: scan logs, apply rules, correlate with settings, render findings.

use anyhow::Result;

use crate::cli::AnalyzeArgs;
use crate::event::Event;
use crate::report::{self, Report};
use crate::scan::{self, FileInfo, Visitor};

use super::{
    check_any_readable, discover_or_fail, exit_code_for, scan_options, use_color, write_stdout,
};

struct Count;

impl Visitor for Count {
    fn event(&mut self, _ev: &Event<'_>, _file: &FileInfo<'_>) {}
}

pub fn run(a: AnalyzeArgs) -> Result<u8> {
    let d = discover_or_fail(&a.paths, a.common.quiet)?;
    let results = scan::scan_all(&d.streams, |_| Count, scan_options(a.common.no_mmap));
    let mut report = Report::default();
    for (r, _) in results {
        report.inputs.extend(r);
    }
    check_any_readable(&report.inputs, a.common.quiet)?;
    report.finish();
    let out = report::render(&report, a.format, use_color(a.common.color))?;
    write_stdout(&out)?;
    Ok(exit_code_for(
        report.findings.iter().map(|f| f.severity),
        a.common.fail_on,
    ))
}
