//! `supdiag completions SHELL` and `supdiag man`: generated from the clap definitions in
//! `cli.rs`, so they never drift from the real options.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs};

use super::{write_stdout, EXIT_OK};

pub fn completions(a: CompletionsArgs) -> Result<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "supdiag", &mut out);
    write_stdout(&String::from_utf8_lossy(&out))?;
    Ok(EXIT_OK)
}

pub fn man(a: ManArgs) -> Result<u8> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    match &a.dir {
        None => write_stdout(&String::from_utf8_lossy(&page(&cmd)?))?,
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            write_pages(&cmd, dir)?;
        }
    }
    Ok(EXIT_OK)
}

/// One page for `cmd` and one for each of its subcommands, recursively (`supdiag-rules-list.1`).
fn write_pages(cmd: &clap::Command, dir: &Path) -> Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir)?;
    }
    let name = cmd.get_display_name().unwrap_or_else(|| cmd.get_name());
    let path = dir.join(format!("{name}.1"));
    let mut f =
        std::fs::File::create(&path).with_context(|| format!("writing {}", path.display()))?;
    f.write_all(&page(cmd)?)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// The man page of one command: clap_mangen's sections, with the help's Examples as an
/// EXAMPLES section kept line by line (clap_mangen would fill them into one paragraph).
fn page(cmd: &clap::Command) -> Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut out)?;
    }
    if let Some(after) = cmd.get_after_help() {
        let mut roff = roff::Roff::new();
        let mut heading = "EXAMPLES".to_string();
        let mut lines: Vec<String> = Vec::new();
        let flush = |roff: &mut roff::Roff, heading: &str, lines: &mut Vec<String>| {
            if lines.iter().any(|l| !l.trim().is_empty()) {
                roff.control("SH", [heading]);
                roff.control("nf", []);
                for l in lines.iter() {
                    roff.text([roff::roman(l.trim())]);
                }
                roff.control("fi", []);
            }
            lines.clear();
        };
        for line in after.to_string().lines() {
            // "Examples:" and "Exit codes: ..." start sections; the lines under them are kept.
            if !line.starts_with(' ') && !line.is_empty() {
                flush(&mut roff, &heading, &mut lines);
                match line.split_once(':') {
                    Some((h, rest)) => {
                        heading = h.to_ascii_uppercase();
                        if !rest.trim().is_empty() {
                            lines.push(rest.trim().to_string());
                        }
                    }
                    None => lines.push(line.to_string()),
                }
            } else {
                lines.push(line.to_string());
            }
        }
        flush(&mut roff, &heading, &mut lines);
        roff.to_writer(&mut out)?;
    }
    if cmd.get_version().is_some() {
        man.render_version_section(&mut out)?;
    }
    Ok(out)
}
