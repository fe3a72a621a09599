//! `supdiag explain` (placeholder until its issue lands).

use anyhow::{bail, Result};

use crate::cli::ExplainArgs;

pub fn run(_a: ExplainArgs) -> Result<u8> {
    bail!("this command is not available in this build yet")
}
