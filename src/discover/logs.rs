//! Where the logs are: ConfigMgr component logs (per-component `TraceFilename` and the site's
//! `Logs` folder), client logs, WSUS `SoftwareDistribution.log`, the IIS W3C logs of the WSUS
//! site and `WindowsUpdate.log`. Only logs supdiag reads are taken (known names, with their
//! `.lo_` and dated rollovers).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::regtext::text_value;
use super::system::{as_int, expand_env, join, System};
use super::{Found, LogSet, SourceStatus};
use crate::event::LogKind;

pub const SMS_TRACING: &str = "SOFTWARE\\Microsoft\\SMS\\Tracing";
pub const SMS_IDENTIFICATION: &str = "SOFTWARE\\Microsoft\\SMS\\Identification";
pub const CCM: &str = "SOFTWARE\\Microsoft\\CCM";
pub const CCM_LOGGING: &str = "SOFTWARE\\Microsoft\\CCM\\Logging\\@Global";
pub const WSUS_SETUP: &str = "SOFTWARE\\Microsoft\\Update Services\\Server\\Setup";
pub const APPLICATION_HOST: &str = "%windir%\\System32\\inetsrv\\config\\applicationHost.config";
pub const IIS_DEFAULT_LOGS: &str = "%SystemDrive%\\inetpub\\logs\\LogFiles";

/// IIS writes one file a day and keeps them all; the newest this many are read.
pub const IIS_NEWEST: usize = 14;

/// `X.log`, `X.lo_`, `X-YYYYMMDD-HHMMSS.log` → `x` (lower case); `None` for other names.
fn log_base(name: &str) -> Option<String> {
    let l = name.to_ascii_lowercase();
    let stem = l.strip_suffix(".log").or_else(|| l.strip_suffix(".lo_"))?;
    let b = stem.as_bytes();
    let stamped = b.len() > 16 && {
        let t = &b[b.len() - 16..];
        t[0] == b'-'
            && t[9] == b'-'
            && t[1..9].iter().all(u8::is_ascii_digit)
            && t[10..].iter().all(u8::is_ascii_digit)
    };
    Some(if stamped {
        stem[..stem.len() - 16].to_string()
    } else {
        stem.to_string()
    })
}

/// Files of a folder (not recursive) for which `keep(name)` holds, sorted by name.
fn files_in(dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("cannot read the folder: {e}"))?;
    let mut out: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| keep(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    out.sort();
    Ok(out)
}

/// The logs supdiag reads in a folder, with their rollovers.
fn known_logs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    files_in(dir, |n| LogKind::from_file_name(n).is_some())
}

/// Adds files not taken by an earlier source (Windows paths are case-insensitive).
struct Taken(BTreeSet<String>);

impl Taken {
    fn keep_new(&mut self, files: Vec<PathBuf>) -> Vec<PathBuf> {
        files
            .into_iter()
            .filter(|f| self.0.insert(f.to_string_lossy().to_lowercase()))
            .collect()
    }
}

fn add(found: &mut Found, group: &'static str, files: Vec<PathBuf>, mut status: SourceStatus) {
    status.files = files.len();
    found.sources.push(status);
    if !files.is_empty() {
        found.logs.push(LogSet { group, files });
    }
}

pub fn discover_logs(sys: &dyn System, found: &mut Found) {
    let mut taken = Taken(BTreeSet::new());
    configmgr_tracing(sys, found, &mut taken);
    configmgr_folder(sys, found, &mut taken);
    client(sys, found, &mut taken);
    wsus(sys, found, &mut taken);
    iis(sys, found, &mut taken);
    windows_update(sys, found, &mut taken);
}

const TRACING_WHAT: &str = "ConfigMgr component logs (TraceFilename of each component)";

fn configmgr_tracing(sys: &dyn System, found: &mut Found, taken: &mut Taken) {
    let id = "configmgr-tracing";
    let loc = format!("HKLM\\{SMS_TRACING}");
    let components = match sys.reg_subkeys(SMS_TRACING) {
        Ok(c) if !c.is_empty() => c,
        Ok(_) => {
            let why = "no ConfigMgr site system role here (the key has no components)";
            return found
                .sources
                .push(SourceStatus::missing(id, TRACING_WHAT, loc, why));
        }
        Err(e) => {
            return found
                .sources
                .push(SourceStatus::missing(id, TRACING_WHAT, loc, e))
        }
    };
    let mut files = Vec::new();
    let mut used = 0;
    let mut problems = Vec::new();
    for c in &components {
        let key = format!("{SMS_TRACING}\\{c}");
        let trace = match text_value(sys, &key, "TraceFilename") {
            Ok(Some(t)) if !t.trim().is_empty() => expand_env(t.trim(), sys),
            Ok(_) => continue,
            Err(e) => {
                problems.push(format!("{c}: {e}"));
                continue;
            }
        };
        let local = sys.local(&trace);
        let name = local
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if LogKind::from_file_name(&name).is_none() {
            continue; // a component whose log supdiag does not read
        }
        let Some(base) = log_base(&name) else {
            continue;
        };
        let dir = local.parent().map(Path::to_path_buf).unwrap_or_default();
        match files_in(&dir, |n| log_base(n).as_deref() == Some(base.as_str())) {
            Ok(gens) if !gens.is_empty() => {
                used += 1;
                files.extend(gens);
            }
            Ok(_) => problems.push(format!("{c}: {trace} not found")),
            Err(e) => problems.push(format!("{c}: {trace}: {e}")),
        }
    }
    let files = taken.keep_new(files);
    let status = if used == 0 {
        let mut why = format!(
            "{} components traced, none has a log supdiag reads on this disk",
            components.len()
        );
        if !problems.is_empty() {
            why.push_str(&format!(" ({})", problems.join("; ")));
        }
        SourceStatus::missing(id, TRACING_WHAT, loc, why)
    } else {
        let mut detail = format!("{} files of {used} components", files.len());
        if !problems.is_empty() {
            detail.push_str(&format!("; not found: {}", problems.join("; ")));
        }
        SourceStatus::used(id, TRACING_WHAT, loc, detail)
    };
    add(found, "configmgr", files, status);
}

/// Status and files of "the logs supdiag reads in this folder".
fn folder_source(
    sys: &dyn System,
    id: &'static str,
    what: &'static str,
    dir: &str,
    taken: &mut Taken,
    how: &str,
) -> (SourceStatus, Vec<PathBuf>) {
    match known_logs(&sys.local(dir)) {
        Err(e) => (
            SourceStatus::missing(id, what, dir.to_string(), e),
            Vec::new(),
        ),
        Ok(all) if all.is_empty() => (
            SourceStatus::missing(id, what, dir.to_string(), "no log supdiag reads in it"),
            Vec::new(),
        ),
        Ok(all) => {
            let n = all.len();
            let files = taken.keep_new(all);
            let detail = if files.len() == n {
                format!("{n} files ({how})")
            } else {
                format!(
                    "{n} files ({how}), {} of them already found above",
                    n - files.len()
                )
            };
            (SourceStatus::used(id, what, dir.to_string(), detail), files)
        }
    }
}

fn configmgr_folder(sys: &dyn System, found: &mut Found, taken: &mut Taken) {
    let (id, what) = (
        "configmgr-logs",
        "ConfigMgr site server Logs folder (Installation Directory\\Logs)",
    );
    let loc = format!("HKLM\\{SMS_IDENTIFICATION} \"Installation Directory\"");
    match text_value(sys, SMS_IDENTIFICATION, "Installation Directory") {
        Ok(Some(dir)) if !dir.trim().is_empty() => {
            let logs = join(&expand_env(dir.trim(), sys), "Logs");
            let (status, files) = folder_source(sys, id, what, &logs, taken, "from the registry");
            add(found, "configmgr", files, status);
        }
        Ok(_) => found.sources.push(SourceStatus::missing(
            id,
            what,
            loc,
            "not a ConfigMgr site server (no installation directory in the registry)",
        )),
        Err(e) => found.sources.push(SourceStatus::missing(id, what, loc, e)),
    }
}

fn client(sys: &dyn System, found: &mut Found, taken: &mut Taken) {
    let (id, what) = ("client-logs", "ConfigMgr client logs (CCM LogDirectory)");
    let loc = format!("HKLM\\{CCM_LOGGING} LogDirectory");
    let configured = match text_value(sys, CCM_LOGGING, "LogDirectory") {
        Ok(v) => v.filter(|d| !d.trim().is_empty()),
        Err(e) => return found.sources.push(SourceStatus::missing(id, what, loc, e)),
    };
    let (dir, how) = match configured {
        Some(d) => (expand_env(d.trim(), sys), "from the registry"),
        None if sys.reg_exists(CCM).unwrap_or(false) => (
            expand_env("%windir%\\CCM\\Logs", sys),
            "the default folder; LogDirectory is not set",
        ),
        None => {
            return found.sources.push(SourceStatus::missing(
                id,
                what,
                loc,
                "no ConfigMgr client here (HKLM\\SOFTWARE\\Microsoft\\CCM not found)",
            ))
        }
    };
    let (status, files) = folder_source(sys, id, what, &dir, taken, how);
    add(found, "client", files, status);
}

fn wsus(sys: &dyn System, found: &mut Found, taken: &mut Taken) {
    let (id, what) = (
        "wsus-logs",
        "WSUS SoftwareDistribution.log (Setup TargetDir\\LogFiles)",
    );
    let loc = format!("HKLM\\{WSUS_SETUP} TargetDir");
    match text_value(sys, WSUS_SETUP, "TargetDir") {
        Ok(Some(dir)) if !dir.trim().is_empty() => {
            let logs = join(&expand_env(dir.trim(), sys), "LogFiles");
            let (status, files) = folder_source(sys, id, what, &logs, taken, "from the registry");
            add(found, "wsus", files, status);
        }
        Ok(_) => {
            let why = if sys.reg_exists(WSUS_SETUP).unwrap_or(false) {
                "WSUS Setup key has no TargetDir"
            } else {
                "WSUS is not installed here (no Update Services\\Server\\Setup key)"
            };
            found
                .sources
                .push(SourceStatus::missing(id, what, loc, why))
        }
        Err(e) => found.sources.push(SourceStatus::missing(id, what, loc, e)),
    }
}

/// The WSUS site's W3C log folder: from applicationHost.config, else the registry's site id
/// and IIS's default folder.
fn iis_folder(sys: &dyn System) -> Result<(String, String), String> {
    let config = expand_env(APPLICATION_HOST, sys);
    let from_config = std::fs::read(sys.local(&config))
        .map_err(|e| format!("{config}: cannot read: {e}"))
        .and_then(|bytes| {
            let text = crate::source::decode::decode_bytes(bytes);
            crate::settings::iis_config::wsus_site_logs(text.text())
                .map_err(|e| format!("{config}: {e}"))
        });
    match from_config {
        Ok(site) => {
            let dir = expand_env(site.directory.as_deref().unwrap_or(IIS_DEFAULT_LOGS), sys);
            Ok((
                join(&dir, &format!("W3SVC{}", site.site_id)),
                format!(
                    "site \"{}\" (id {}) in {config}",
                    site.site_name, site.site_id
                ),
            ))
        }
        Err(config_problem) => {
            let index = sys
                .reg_value(WSUS_SETUP, "IISTargetWebSiteIndex")
                .ok()
                .flatten()
                .as_ref()
                .and_then(as_int);
            match index {
                Some(i) => Ok((
                    join(&expand_env(IIS_DEFAULT_LOGS, sys), &format!("W3SVC{i}")),
                    format!("site id {i} from IISTargetWebSiteIndex, IIS's default log folder ({config_problem})"),
                )),
                None => Err(config_problem),
            }
        }
    }
}

fn iis(sys: &dyn System, found: &mut Found, taken: &mut Taken) {
    let (id, what) = ("iis-logs", "IIS W3C logs of the WSUS site");
    let (dir, how) = match iis_folder(sys) {
        Ok(x) => x,
        Err(e) => {
            return found.sources.push(SourceStatus::missing(
                id,
                what,
                expand_env(APPLICATION_HOST, sys),
                e,
            ))
        }
    };
    let all = match files_in(&sys.local(&dir), |n| {
        LogKind::from_file_name(n) == Some(LogKind::Iis)
    }) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            return found.sources.push(SourceStatus::missing(
                id,
                what,
                dir,
                format!("no W3C log files ({how})"),
            ))
        }
        Err(e) => {
            return found
                .sources
                .push(SourceStatus::missing(id, what, dir, format!("{e} ({how})")))
        }
    };
    // u_exYYMMDD.log: the name order is the date order.
    let skipped = all.len().saturating_sub(IIS_NEWEST);
    let files = taken.keep_new(all.into_iter().skip(skipped).collect());
    let mut detail = format!("{} files, {how}", files.len());
    if skipped > 0 {
        detail.push_str(&format!("; {skipped} older days not read"));
    }
    add(
        found,
        "iis",
        files,
        SourceStatus::used(id, what, dir, detail),
    );
}

const WU_WHAT: &str = "WindowsUpdate.log (legacy file, or decoded by Get-WindowsUpdateLog)";
const WU_DECODE: &str = include_str!("ps/windowsupdate-log.ps1");

fn windows_update(sys: &dyn System, found: &mut Found, taken: &mut Taken) {
    let id = "windowsupdate-log";
    let legacy = expand_env("%windir%\\WindowsUpdate.log", sys);
    let etl_dir = expand_env("%windir%\\Logs\\WindowsUpdate", sys);
    if let Ok(bytes) = std::fs::read(sys.local(&legacy)) {
        // Windows 10 and later leave a short note pointing to Get-WindowsUpdateLog there.
        let note = bytes.len() < 4096
            && crate::source::decode::decode_bytes(bytes)
                .text()
                .contains("Get-WindowsUpdateLog");
        if !note {
            let files = taken.keep_new(vec![sys.local(&legacy)]);
            let status = SourceStatus::used(id, WU_WHAT, legacy, "the legacy log".into());
            return add(found, "windowsupdate", files, status);
        }
    }
    let has_etl = files_in(&sys.local(&etl_dir), |n| {
        n.to_ascii_lowercase().ends_with(".etl")
    })
    .is_ok_and(|f| !f.is_empty());
    if !has_etl {
        return found.sources.push(SourceStatus::missing(
            id,
            WU_WHAT,
            legacy,
            format!("neither a legacy WindowsUpdate.log nor ETW traces in {etl_dir}"),
        ));
    }
    let text = match sys.powershell(WU_DECODE) {
        None => return found.sources.push(SourceStatus::missing(
            id,
            WU_WHAT,
            etl_dir,
            "PowerShell not found, so the ETW traces were not decoded (run Get-WindowsUpdateLog \
                 elsewhere and name the file)",
        )),
        Some(Err(e)) => {
            return found.sources.push(SourceStatus::missing(
                id,
                WU_WHAT,
                etl_dir,
                format!("Get-WindowsUpdateLog failed: {e}"),
            ))
        }
        Some(Ok(t)) => t,
    };
    let written = found
        .temp
        .take()
        .map_or_else(|| tempfile::Builder::new().prefix("supdiag-").tempdir(), Ok)
        .and_then(|dir| {
            let p = dir.path().join("WindowsUpdate.log");
            std::fs::write(&p, text.as_bytes()).map(|()| (dir, p))
        });
    match written {
        Ok((dir, p)) => {
            found.temp = Some(dir);
            let status = SourceStatus::used(
                id,
                WU_WHAT,
                etl_dir,
                "decoded from the ETW traces by Get-WindowsUpdateLog".into(),
            );
            add(found, "windowsupdate", vec![p], status);
        }
        Err(e) => found.sources.push(SourceStatus::missing(
            id,
            WU_WHAT,
            etl_dir,
            format!("cannot keep the decoded log: {e}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollover_names_share_their_base() {
        assert_eq!(log_base("WSyncMgr.log").as_deref(), Some("wsyncmgr"));
        assert_eq!(log_base("wsyncmgr.lo_").as_deref(), Some("wsyncmgr"));
        assert_eq!(
            log_base("wsyncmgr-20260101-000000.log").as_deref(),
            Some("wsyncmgr")
        );
        assert_eq!(log_base("wsyncmgr.txt"), None);
    }
}
