//! Step 1b: which settings files apply to which host, and their warnings.

use std::io::Write;

use anyhow::{bail, Result};

use crate::app::inputs::SettingsPlan;
use crate::cli::CommonArgs;
use crate::settings::{SettingsText, SettingsWarning};
use crate::source::Discovered;

/// The settings inputs of a run: given with `--settings`, found lying among the logs, or (with
/// no path on Windows) read live from this machine.
pub(super) struct SettingsInputs<'d> {
    pub plan: SettingsPlan,
    /// With no path on Windows: the settings read live from this machine.
    pub live: &'d [SettingsText],
    /// Any settings given or found at all.
    pub given: bool,
}

/// Plan the settings inputs of `d`; with `--strict`, an unreadable settings file ends the run.
pub(super) fn plan_settings<'d>(
    common: &CommonArgs,
    d: &'d Discovered,
) -> Result<SettingsInputs<'d>> {
    let plan = SettingsPlan::new(&common.settings, &d.settings_candidates);
    if common.strict {
        if let Some(e) = plan.unreadable.first().and_then(|s| s.error.as_deref()) {
            bail!("settings problem with --strict: {e}");
        }
    }
    let live: &[SettingsText] = d.system.as_ref().map_or(&[], |f| f.settings.as_slice());
    let given = plan.any() || !live.is_empty();
    Ok(SettingsInputs { plan, live, given })
}

/// Print settings warnings on stderr (unless `quiet`); with `strict`, any warning ends the run.
pub(super) fn print_settings_warnings(
    warnings: &[SettingsWarning],
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
            let _ = writeln!(err, "supdiag: warning: {}", crate::app::for_stderr(&line));
        }
    }
    Ok(())
}
