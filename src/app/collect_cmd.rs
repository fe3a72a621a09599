//! `supdiag collect`, and the inputs of a command run without a path: this machine's logs and
//! settings as discovery finds them (Windows).

use std::io::Write;

use anyhow::{bail, Result};
use chrono::Utc;

use crate::cli::CollectArgs;
use crate::discover::{Found, Status};
use crate::source::{self, Discovered};

use super::{for_stderr, warn_sources, EXIT_OK};

/// One line per source on stderr: used, or not available and why.
pub fn print_sources(found: &Found, quiet: bool) {
    if quiet {
        return;
    }
    let mut err = std::io::stderr().lock();
    for s in &found.sources {
        let line = match s.status {
            Status::Used => format!("{}: {} ({})", s.what, s.detail, s.location),
            Status::NotAvailable => {
                format!("{}: not available: {} ({})", s.what, s.detail, s.location)
            }
        };
        let _ = writeln!(err, "supdiag: source: {}", for_stderr(&line));
    }
}

/// The inputs of a command run without a path.
pub fn discover_this_machine(quiet: bool) -> Result<Discovered> {
    let found = match crate::discover::this_machine() {
        Ok(f) => f,
        Err(why) => bail!(why),
    };
    print_sources(&found, quiet);
    let files = found.log_files();
    if files.is_empty() {
        bail!(
            "no ConfigMgr, WSUS, IIS or Windows Update log found on this machine (see the sources \
             above); name a log folder, a log file or a bundle"
        );
    }
    let mut d = source::discover(&files);
    warn_sources(&d.warnings, quiet);
    d.system = Some(found);
    Ok(d)
}

pub fn run(a: CollectArgs) -> Result<u8> {
    let found = match crate::discover::this_machine() {
        Ok(f) => f,
        Err(_) => bail!(
            "collect reads this machine's ConfigMgr, WSUS and IIS state and works only on \
             Windows; run it on the server and analyse the zip here"
        ),
    };
    print_sources(&found, a.quiet);
    let now = Utc::now();
    let opts = crate::collect::Options {
        output: a
            .output
            .clone()
            .unwrap_or_else(|| crate::collect::default_output(&found.host, now)),
        days: a.days,
        max_bytes: a.max_size_mb.saturating_mul(1 << 20),
        now,
    };
    let quiet = a.quiet;
    let mut progress = |line: &str| {
        if !quiet {
            eprintln!("supdiag: collect: {}", for_stderr(line));
        }
    };
    let m = crate::collect::write(&found, &opts, &mut progress)?;
    if !quiet {
        eprintln!(
            "supdiag: collect: wrote {} ({} files collected, {} not; see manifest.json)",
            for_stderr(&opts.output.display().to_string()),
            m.collected.len(),
            m.not_collected.len()
        );
    }
    Ok(EXIT_OK)
}
