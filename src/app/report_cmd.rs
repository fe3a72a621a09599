//! `supdiag report` (placeholder until its issue lands).

use anyhow::{bail, Result};

use crate::cli::ReportArgs;

pub fn run(_a: ReportArgs) -> Result<u8> {
    bail!("this command is not available in this build yet")
}
