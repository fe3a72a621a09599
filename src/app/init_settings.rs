//! `supdiag init-settings`: write the commented supdiag.toml template.

use std::io::Write;

use anyhow::{bail, Context, Result};

use crate::cli::InitSettingsArgs;
use crate::settings::template::TEMPLATE;

use super::write_stdout;

pub fn run(a: InitSettingsArgs) -> Result<u8> {
    let Some(path) = a.output else {
        write_stdout(TEMPLATE)?;
        return Ok(0);
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    if a.force {
        opts.create(true).truncate(true);
    } else {
        // create_new: no window between "does it exist?" and writing.
        opts.create_new(true);
    }
    let mut f = match opts.open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists; not overwritten (use --force to replace it)",
            path.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
    };
    f.write_all(TEMPLATE.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let _ = writeln!(
        std::io::stderr().lock(),
        "supdiag: wrote {}: edit it, then run: supdiag analyze <logs> --settings {}",
        path.display(),
        path.display()
    );
    Ok(0)
}
