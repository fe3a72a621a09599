//! Orchestrates one command: sources → parse → facts → rules → render.

use std::io::Write;

use anyhow::{bail, Context, Result};

use crate::cli::{Cli, ColorChoice, Command, FailOn};
use crate::event::Severity;
use crate::scan::{self, ScanOptions};
use crate::source;

pub mod analyze;
pub mod collect_cmd;
pub mod explain;
pub mod follow;
pub mod init_settings;
pub mod inputs;
pub mod pipeline;
pub mod precheck;
pub mod report_cmd;
pub mod rules_cmd;
pub mod shell_docs;
pub mod sync_cmd;
pub mod view;

/// Exit codes of every command.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Analyze(a) => analyze::run(a),
        Command::View(v) => view::run(v),
        Command::Sync(a) => sync_cmd::run(a),
        Command::Report(a) => report_cmd::run(a),
        Command::Precheck(a) => precheck::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Rules(a) => rules_cmd::run(a),
        Command::InitSettings(a) => init_settings::run(a),
        Command::Completions(a) => shell_docs::completions(a),
        Command::Man(a) => shell_docs::man(a),
        Command::Collect(a) => collect_cmd::run(a),
    }
}

/// True when the error chain ends in a broken pipe (`supdiag ... | head`): not an error.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// Resolve `--color` against the terminal and `NO_COLOR`.
pub fn use_color(choice: ColorChoice) -> bool {
    use std::io::IsTerminal;
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// The exit code for a set of finding severities under `--fail-on`.
pub fn exit_code_for(severities: impl IntoIterator<Item = Severity>, fail_on: FailOn) -> u8 {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
        FailOn::Never => return EXIT_OK,
    };
    if severities.into_iter().any(|s| s >= threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// A message for stderr: file names, settings text and log text in it are untrusted, so control
/// characters are escaped like in terminal output (newlines kept).
pub fn for_stderr(msg: &str) -> String {
    crate::report::escape::terminal(msg, true)
}

/// Print source warnings to stderr (unless quiet).
pub fn warn_sources(warnings: &[source::SourceWarning], quiet: bool) {
    if quiet {
        return;
    }
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let _ = writeln!(
            err,
            "supdiag: warning: {}",
            for_stderr(&format!("{}: {}", w.path, w.message))
        );
    }
}

/// Discover inputs; fail (exit 2) only when nothing at all can be read. No path: this machine's
/// logs and settings (Windows; elsewhere an error saying to name a folder, file or bundle). The
/// problems found (`d.warnings`) go into the report's inputs ([`inputs::unread_all`]), which
/// [`warn_unread`] prints; they are printed here only when the run stops.
pub fn discover_or_fail(paths: &[std::path::PathBuf], quiet: bool) -> Result<source::Discovered> {
    if paths.is_empty() {
        return collect_cmd::discover_this_machine(quiet);
    }
    let d = source::discover(paths);
    if d.streams.is_empty() {
        warn_sources(&d.warnings, quiet);
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        bail!(
            "no log files found in {} (looked for *.log and *.lo_ files; name a file directly to read it whatever its extension)",
            shown.join(", ")
        );
    }
    Ok(d)
}

/// Read options from `--mmap` (`SUPDIAG_NO_MMAP` in the environment overrides it).
pub fn scan_options(mmap: bool) -> ScanOptions {
    ScanOptions {
        allow_mmap: mmap && std::env::var_os("SUPDIAG_NO_MMAP").is_none(),
    }
}

/// Write `s` to stdout, mapping errors (broken pipe is handled by the caller).
pub fn write_stdout(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes()).context("writing output")?;
    out.flush().context("writing output")?;
    Ok(())
}

/// Say on stderr which inputs were not read (errors) or were read with a note, and when none
/// could be read at all. Never stops the run: the report (or listing) of what was read — maybe
/// nothing but the inputs and their errors — is still written, and the exit code is 2
/// ([`inputs::exit_code`]).
pub fn warn_unread(reports: &[scan::FileReport], quiet: bool) {
    let mut err = std::io::stderr().lock();
    if !quiet {
        for r in reports {
            if let Some(e) = &r.error {
                let _ = writeln!(
                    err,
                    "supdiag: warning: {}",
                    for_stderr(&format!("{}: {e}", r.path))
                );
            } else if let Some(n) = &r.note {
                let _ = writeln!(
                    err,
                    "supdiag: note: {}",
                    for_stderr(&format!("{}: {n}", r.path))
                );
            }
        }
    }
    // A file lost part-way still gave its records.
    if !reports.is_empty()
        && reports
            .iter()
            .all(|r| r.error.is_some() && r.lines == 0 && r.records == 0)
    {
        let _ = writeln!(
            err,
            "supdiag: error: none of the {} input file(s) could be read; the output shows the \
             inputs and why",
            reports.len()
        );
    }
}
