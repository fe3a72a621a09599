//! `supdiag rules` (placeholder until its issue lands).

use anyhow::{bail, Result};

use crate::cli::RulesArgs;

pub fn run(_a: RulesArgs) -> Result<u8> {
    bail!("this command is not available in this build yet")
}
