//! `supdiag precheck` (placeholder until its issue lands).

use anyhow::{bail, Result};

use crate::cli::PrecheckArgs;

pub fn run(_a: PrecheckArgs) -> Result<u8> {
    bail!("this command is not available in this build yet")
}
