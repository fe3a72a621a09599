//! Settings: the supdiag.toml schema and importers (ConfigMgr JSON, applicationHost.config, .reg).
//!
//! Interim: the loader API exists so commands can call it; the importers land with the
//! settings issue.

use std::path::PathBuf;

use anyhow::Result;

use crate::facts::FactStore;

/// A problem with a settings file that did not stop the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsWarning {
    pub file: String,
    pub message: String,
}

/// Load every settings file into `config.*` facts. With `strict`, the first bad file is an error;
/// otherwise bad files are skipped with a warning.
pub fn load_settings(paths: &[PathBuf], strict: bool) -> Result<(FactStore, Vec<SettingsWarning>)> {
    let _ = strict;
    let warnings = paths
        .iter()
        .map(|p| SettingsWarning {
            file: p.display().to_string(),
            message: "settings files are not read by this build yet".into(),
        })
        .collect();
    Ok((FactStore::new(), warnings))
}
