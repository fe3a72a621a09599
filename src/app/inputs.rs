//! Never green after losing input: what could not be read (a path, a folder, a file, a FIFO
//! named `*.log`) and what in the settings was not used (a file, a key, a value) is reported in
//! the report itself — `inputs`, `settings_sources`, and one finding each, so every output
//! format shows it — and a run that lost log input exits 2.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::cli::FailOn;
use crate::event::{LogKind, Severity};
use crate::report::Report;
use crate::rules::finding::{Evidence, Finding, MAX_EVIDENCE};
use crate::scan::FileReport;
use crate::settings::SettingsSource;
use crate::source::SourceWarning;

/// Finding: inputs that were given or found but not read.
pub const INPUT_NOT_READ: &str = "input_not_read";
/// Finding: settings files, keys or values that were not used.
pub const SETTINGS_NOT_USED: &str = "settings_not_used";

/// Is this one of the findings about the inputs themselves (kept by every command)?
pub fn is_input_finding(rule_id: &str) -> bool {
    rule_id == INPUT_NOT_READ || rule_id == SETTINGS_NOT_USED
}

/// The `inputs` entry of a path that was not read at all (missing, a folder that could not be
/// listed, a FIFO or device).
pub fn unread(w: &SourceWarning) -> FileReport {
    FileReport::not_read(
        w.path.clone(),
        LogKind::Other,
        crate::source::host_of(std::path::Path::new(&w.path)),
        (!w.lost).then(|| w.message.clone()),
        w.lost.then(|| w.message.clone()),
    )
}

/// Settle the `inputs` of a run: a binary file named on the command line is input lost (its
/// note becomes its error: the user asked for it and got nothing; one found in a folder stays a
/// note, as in ripgrep), and the discovery problems are added.
pub fn settle(reports: &mut Vec<FileReport>, d: &crate::source::Discovered) {
    for r in reports.iter_mut() {
        if r.error.is_none()
            && r.encoding == crate::source::binary::ENCODING
            && d.named.contains(&r.path)
        {
            r.error = r
                .note
                .take()
                .map(|n| format!("named on the command line, but a {n}"));
        }
    }
    reports.extend(unread_all(&d.warnings));
}

/// `inputs` entries for discovery problems.
pub fn unread_all(warnings: &[SourceWarning]) -> Vec<FileReport> {
    warnings.iter().map(unread).collect()
}

fn finding(rule_id: &str, severity: Severity, title: String, cause: String, fix: &str) -> Finding {
    Finding {
        rule_id: rule_id.into(),
        severity,
        title,
        count: 0,
        first_seen: None,
        last_seen: None,
        evidence: Vec::new(),
        codes: Vec::new(),
        cause,
        fix: fix.into(),
        docs: Vec::new(),
        settings: Vec::new(),
        host: None,
    }
}

/// One finding for every input that could not be read.
pub fn not_read(inputs: &[FileReport]) -> Option<Finding> {
    let lost: Vec<&FileReport> = inputs.iter().filter(|i| i.error.is_some()).collect();
    if lost.is_empty() {
        return None;
    }
    let mut f = finding(
        INPUT_NOT_READ,
        Severity::Error,
        format!(
            "{} input(s) could not be read; the results are from the other inputs only",
            lost.len()
        ),
        "These paths were given or found but not read, or not in full (missing, not \
         accessible, not a regular file, a binary file named on the command line, a read \
         error, or a file that shrank while read: then only what was read is here). What \
         was not read is not in this report: a problem it would show is not found, and counts \
         and sync history may be incomplete."
            .into(),
        "Check each path and the account's rights (run elevated on the site server, or copy \
         the logs first; a log truncated while read: run again, or copy it first). A FIFO, \
         device or socket named like a log is not read. The exit code is 2 while any input \
         is lost.",
    );
    f.count = lost.len() as u64;
    for i in lost.iter().take(MAX_EVIDENCE) {
        f.evidence.push(Evidence::new(
            i.path.clone(),
            0,
            i.error.as_deref().unwrap_or_default(),
        ));
    }
    Some(f)
}

/// One finding for everything in the settings that was not used.
pub fn settings_not_used(sources: &[SettingsSource]) -> Option<Finding> {
    let mut items: Vec<(String, u64, String)> = Vec::new();
    for s in sources {
        if let Some(e) = &s.error {
            items.push((s.path.clone(), 0, format!("{e}; the file was not used")));
        }
        for w in s.warnings.iter().filter(|w| w.dropped) {
            items.push((
                s.path.clone(),
                w.line.map_or(0, |l| l as u64),
                w.message.clone(),
            ));
        }
    }
    if items.is_empty() {
        return None;
    }
    let files = sources.iter().filter(|s| s.lost_anything()).count();
    let mut f = finding(
        SETTINGS_NOT_USED,
        Severity::Warning,
        format!(
            "{} setting(s) or settings file(s) not used, in {files} file(s)",
            items.len()
        ),
        "Part of the settings given (or found next to the logs) could not be used: a file \
         that could not be read or parsed, an unknown or misspelt key, a value of the wrong \
         type. Each was dropped on its own and the rest was used; checks and rules that \
         needed a dropped value judge without it."
            .into(),
        "Correct the keys and values named in the evidence (`supdiag init-settings` writes a \
         template with every key); `--strict` makes any of this an error.",
    );
    f.count = items.len() as u64;
    for (file, line, msg) in items.into_iter().take(MAX_EVIDENCE) {
        f.evidence.push(Evidence::new(file, line, &msg));
    }
    Some(f)
}

/// The settings files of a run: those named with `--settings` apply everywhere; those found
/// lying in an analysed folder apply to their host (or everywhere outside a fleet layout). A
/// found file named like ours that cannot be read is kept as a failed source.
#[derive(Debug, Default)]
pub struct SettingsPlan {
    /// (path, found in a folder) for every host.
    pub global: Vec<(PathBuf, bool)>,
    pub by_host: BTreeMap<String, Vec<(PathBuf, bool)>>,
    pub unreadable: Vec<SettingsSource>,
}

impl SettingsPlan {
    pub fn new(given: &[PathBuf], found: &[PathBuf]) -> SettingsPlan {
        let mut plan = SettingsPlan {
            global: given.iter().map(|p| (p.clone(), false)).collect(),
            ..SettingsPlan::default()
        };
        for p in found {
            match crate::settings::candidate(p) {
                Ok(true) => match crate::source::host_of(p) {
                    Some(h) => plan.by_host.entry(h).or_default().push((p.clone(), true)),
                    None => plan.global.push((p.clone(), true)),
                },
                Ok(false) => {}
                Err(e) => plan.unreadable.push(SettingsSource::failed(
                    &p.to_string_lossy().replace('\\', "/"),
                    true,
                    &e,
                )),
            }
        }
        plan
    }

    pub fn any(&self) -> bool {
        !self.global.is_empty() || !self.by_host.is_empty()
    }

    /// The files for `host`.
    pub fn for_host(&self, host: Option<&str>) -> Vec<(PathBuf, bool)> {
        let mut v = self.global.clone();
        if let Some(extra) = host.and_then(|h| self.by_host.get(h)) {
            v.extend(extra.iter().cloned());
        }
        v
    }
}

/// Sources of every host, each file once, in first-seen order (one pass at the end: a search
/// per host would be quadratic with a settings file in each of thousands of host folders).
pub fn dedup_sources(sources: &mut Vec<SettingsSource>) {
    let mut seen = std::collections::HashSet::new();
    sources.retain(|s| seen.insert(s.path.clone()));
}

/// The warnings of `sources` (a file that failed included), for stderr and `--strict`.
pub fn source_warnings(sources: &[SettingsSource]) -> Vec<crate::settings::SettingsWarning> {
    let mut v = Vec::new();
    for s in sources {
        if let Some(e) = &s.error {
            v.push(crate::settings::SettingsWarning {
                file: s.path.clone(),
                line: None,
                message: format!("{e}; going on without this file"),
                dropped: true,
            });
        }
        v.extend(s.warnings.iter().cloned());
    }
    v
}

/// Add the input findings to `report` (call before `finish`).
pub fn add_findings(report: &mut Report) {
    let lost = not_read(&report.inputs);
    let unused = settings_not_used(&report.settings_sources);
    report.findings.extend(lost.into_iter().chain(unused));
}

/// The exit code of a command that read logs: 2 when any input was lost (after the report was
/// written), else by the findings and `--fail-on`.
pub fn exit_code(report: &Report, fail_on: FailOn) -> u8 {
    if report.inputs.iter().any(|i| i.error.is_some()) {
        return super::EXIT_ERROR;
    }
    super::exit_code_for(report.findings.iter().map(|f| f.severity), fail_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_input_is_a_finding_and_exit_2() {
        let mut report = Report {
            inputs: unread_all(&[SourceWarning {
                path: "/nonexistent".into(),
                message: "cannot read: No such file or directory".into(),
                lost: true,
            }]),
            ..Report::default()
        };
        add_findings(&mut report);
        report.finish();
        assert_eq!(report.findings[0].rule_id, INPUT_NOT_READ);
        assert_eq!(report.findings[0].evidence[0].file, "/nonexistent");
        assert_eq!(exit_code(&report, FailOn::Never), 2);
    }
}
