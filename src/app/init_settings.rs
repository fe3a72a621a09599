//! `supdiag init_settings` (placeholder until its issue lands).

use anyhow::{bail, Result};

use crate::cli::InitSettingsArgs;

pub fn run(_a: InitSettingsArgs) -> Result<u8> {
    bail!("this command is not available in this build yet")
}
