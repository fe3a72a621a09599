//! `supdiag` binary: parse arguments, run, print the error chain, choose the exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = supdiag::cli::Cli::parse();
    match supdiag::app::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if supdiag::app::is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!(
                "supdiag: error: {}",
                supdiag::app::for_stderr(&format!("{e:#}"))
            );
            ExitCode::from(2)
        }
    }
}
