//! JSON (docs/architecture.md §4, `supdiag.report/1`) and NDJSON (one finding per line).

use std::io::Write;

use anyhow::Result;

use super::Report;

pub fn render(report: &Report) -> Result<String> {
    let mut out = Vec::new();
    write(report, &mut out)?;
    Ok(String::from_utf8(out)?)
}

/// [`render`] straight to a writer: a big report (thousands of sync runs) is not held in
/// memory a second time as text.
pub fn write(report: &Report, w: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *w, report)?;
    w.write_all(b"\n")?;
    Ok(())
}

pub fn render_ndjson(report: &Report) -> Result<String> {
    let mut out = Vec::new();
    write_ndjson(report, &mut out)?;
    Ok(String::from_utf8(out)?)
}

/// [`render_ndjson`] straight to a writer.
pub fn write_ndjson(report: &Report, w: &mut dyn Write) -> Result<()> {
    for f in &report.findings {
        serde_json::to_writer(&mut *w, f)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}
