//! JSON (design §4, `supdiag.report/1`) and NDJSON (one finding per line).

use anyhow::Result;

use super::Report;

pub fn render(report: &Report) -> Result<String> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}

pub fn render_ndjson(report: &Report) -> Result<String> {
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&serde_json::to_string(f)?);
        out.push('\n');
    }
    Ok(out)
}
