//! `supdiag sync` (placeholder until its issue lands).

use anyhow::{bail, Result};

use crate::cli::SyncArgs;

pub fn run(_a: SyncArgs) -> Result<u8> {
    bail!("this command is not available in this build yet")
}
