//! Zero-argument discovery on Windows: where ConfigMgr, WSUS and IIS write their logs on this
//! machine, and its settings read live as the same `config.*` facts the importers give (see
//! `docs/windows.md`). Every source is reported: used, or not available and why.
//!
//! The logic works on a [`System`] (registry, environment, files, PowerShell) so unit tests run
//! on every platform with a fake machine; `windows.rs` is the real one.

pub mod logs;
pub mod regtext;
pub mod settings;
pub mod system;
#[cfg(windows)]
pub mod windows;

use std::path::PathBuf;

use serde::Serialize;

pub use system::System;

use crate::settings::SettingsText;

/// What became of one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Used,
    NotAvailable,
}

/// One place discovery looked, and what it found there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceStatus {
    /// Stable id (`configmgr-tracing`, `wsus-setup`, ...).
    pub id: &'static str,
    /// What it is, for people.
    pub what: &'static str,
    pub status: Status,
    /// Where it was looked for (registry key, folder or file).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub location: String,
    /// What was used, or why it is not available.
    pub detail: String,
    /// Log files taken from it.
    #[serde(skip_serializing_if = "is_zero")]
    pub files: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl SourceStatus {
    pub fn used(id: &'static str, what: &'static str, location: String, detail: String) -> Self {
        SourceStatus {
            id,
            what,
            status: Status::Used,
            location,
            detail,
            files: 0,
        }
    }
    pub fn missing(
        id: &'static str,
        what: &'static str,
        location: String,
        why: impl Into<String>,
    ) -> Self {
        SourceStatus {
            id,
            what,
            status: Status::NotAvailable,
            location,
            detail: why.into(),
            files: 0,
        }
    }
}

/// Log files of one source, with the folder name they get in a bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogSet {
    /// `configmgr`, `client`, `wsus`, `iis`, `windowsupdate`.
    pub group: &'static str,
    pub files: Vec<PathBuf>,
}

/// Everything discovery found on this machine.
#[derive(Debug, Default)]
pub struct Found {
    pub host: String,
    pub logs: Vec<LogSet>,
    pub settings: Vec<SettingsText>,
    pub sources: Vec<SourceStatus>,
    /// Holds files made during discovery (the decoded WindowsUpdate.log).
    pub temp: Option<tempfile::TempDir>,
}

impl Found {
    /// All log files, each once.
    pub fn log_files(&self) -> Vec<PathBuf> {
        self.logs.iter().flat_map(|s| s.files.clone()).collect()
    }
}

/// Look everywhere on `sys`.
pub fn discover(sys: &dyn System) -> Found {
    let mut found = Found {
        host: sys.host_name(),
        ..Found::default()
    };
    logs::discover_logs(sys, &mut found);
    settings::discover_settings(sys, &mut found);
    found
}

/// This machine's sources (Windows), or why there is nothing to discover (other systems).
pub fn this_machine() -> Result<Found, String> {
    #[cfg(windows)]
    {
        Ok(discover(&windows::Machine::new()))
    }
    #[cfg(not(windows))]
    {
        Err(NO_PATH_HERE.to_string())
    }
}

/// The error for a command run without a path where there is no Windows machine to look at.
pub const NO_PATH_HERE: &str = "no path given: name a log folder, a log file or a bundle \
(a .zip from `supdiag collect`); looking for ConfigMgr, WSUS and IIS logs without a path works \
only on Windows";

#[cfg(test)]
mod tests;
