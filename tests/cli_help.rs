//! The conventions of the command line: every command's own `--format` values refused at parse
//! time, a description for every option, an Examples section whose commands really run on
//! `samples/`, shell completions and a man page.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use clap::CommandFactory;
use predicates::prelude::*;
use supdiag::cli::Cli;

fn supdiag() -> Command {
    let mut c = Command::cargo_bin("supdiag").expect("binary");
    c.env_remove("NO_COLOR")
        .env("RAYON_NUM_THREADS", "2")
        .env("COLUMNS", "100");
    c
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every command and subcommand of the CLI, with its path (`["rules", "list"]`).
fn all_commands() -> Vec<(Vec<String>, clap::Command)> {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, clap::Command)>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            out.push((p.clone(), sub.clone()));
            walk(sub, p, out);
        }
    }
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, Vec::new(), &mut out);
    out
}

#[test]
fn every_option_and_argument_has_a_description() {
    let mut missing = Vec::new();
    for (path, cmd) in all_commands() {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("{} {id}", path.join(" ")));
            }
            for v in arg.get_possible_values() {
                if v.get_help().is_none() && !matches!(arg.get_id().as_str(), "shell") {
                    missing.push(format!("{} {id}={}", path.join(" "), v.get_name()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "no description: {missing:?}");
}

/// Each command offers its own output formats and refuses the others before reading anything.
#[test]
fn each_command_accepts_only_its_own_formats() {
    let cases: &[(&[&str], &str, &[&str])] = &[
        (
            &["analyze", "samples/site-healthy"],
            "html",
            &["terminal", "json", "ndjson", "markdown", "prometheus"],
        ),
        (
            &["sync", "samples/site-healthy"],
            "html",
            &["terminal", "json", "ndjson", "markdown", "prometheus"],
        ),
        (
            &["report", "samples/site-healthy"],
            "terminal",
            &["html", "markdown", "json"],
        ),
        (
            &["precheck", "--settings", "samples/settings/healthy.toml"],
            "markdown",
            &["terminal", "json", "ndjson"],
        ),
        (
            &["view", "samples/site-healthy"],
            "markdown",
            &["text", "json", "ndjson"],
        ),
    ];
    for (args, wrong, own) in cases {
        let out = supdiag()
            .current_dir(repo())
            .args(*args)
            .args(["--format", wrong])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?} --format {wrong}");
        let err = String::from_utf8_lossy(&out.stderr);
        let listed = format!("[possible values: {}]", own.join(", "));
        assert!(err.contains(&listed), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: refused before any output");
        for f in *own {
            supdiag()
                .current_dir(repo())
                .args(*args)
                .args(["--format", f])
                .assert()
                .code(predicate::in_iter([0, 1]));
        }
    }
}

/// Shell words of one example line (double quotes group; a redirection ends the command).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    match out.iter().position(|w| w == ">" || w == ">>" || w == "&&") {
        Some(i) => out[..i].to_vec(),
        None => out,
    }
}

/// The example lines of a help text: `  supdiag ...` under `Examples:`; lines with a remark in
/// parentheses (`--follow`, `--probe`) are shown but not run here.
fn examples(help: &str) -> Vec<(String, bool)> {
    let Some(start) = help.find("Examples:\n") else {
        return Vec::new();
    };
    help[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| (l.trim().to_string(), !l.contains("    (")))
        .collect()
}

#[test]
fn every_command_has_examples_that_run_on_the_samples() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut ran = 0;
    let mut commands = all_commands();
    commands.insert(0, (Vec::new(), Cli::command()));
    for (path, cmd) in commands {
        // `rules list` etc. share the examples of `rules`.
        if path.len() > 1 {
            continue;
        }
        let help = cmd
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        let ex = examples(&help);
        assert!(!ex.is_empty(), "{path:?}: no Examples section");
        for (line, run) in ex {
            let w = words(&line);
            assert_eq!(w[0], "supdiag", "{line}");
            if let Some(name) = path.first() {
                assert_eq!(&w[1], name, "an example of {name} runs {}", w[1]);
            }
            if !run {
                continue;
            }
            // Paths of the repository (samples/..., rules) are made absolute; the command runs in
            // an empty folder so that the files it writes land there.
            let mut args = vec![w[1].clone()];
            args.extend(w[2..].iter().map(|a| {
                let p = repo().join(a);
                if !a.starts_with('-') && p.exists() {
                    p.display().to_string()
                } else {
                    a.clone()
                }
            }));
            let out = supdiag()
                .current_dir(tmp.path())
                .args(&args)
                .output()
                .expect("run");
            let code = out.status.code();
            assert!(
                code == Some(0) || code == Some(1),
                "`{line}` exited {code:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                !out.stdout.is_empty() || args.iter().any(|a| a == "-o" || a == "--dir"),
                "`{line}` printed nothing"
            );
            ran += 1;
        }
    }
    assert!(ran >= 25, "only {ran} examples ran");
    assert!(tmp.path().join("report.html").is_file());
    assert!(tmp.path().join("supdiag.toml").is_file());
}

#[test]
fn top_level_help_snapshot() {
    let out = supdiag().arg("--help").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn analyze_help_snapshot() {
    let out = supdiag().args(["analyze", "--help"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

fn top_level_commands() -> Vec<String> {
    all_commands()
        .into_iter()
        .filter(|(p, _)| p.len() == 1)
        .map(|(p, _)| p[0].clone())
        .collect()
}

#[test]
fn completion_scripts_know_every_command() {
    let commands = top_level_commands();
    assert!(commands.len() >= 10, "{commands:?}");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = supdiag()
            .args(["completions", shell])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        for c in &commands {
            assert!(script.contains(c.as_str()), "{shell} script lacks {c}");
        }
    }
    // PowerShell: a registered argument completer offering each command as a completion result.
    let ps = supdiag()
        .args(["completions", "powershell"])
        .output()
        .expect("run");
    let ps = String::from_utf8_lossy(&ps.stdout);
    assert!(ps.contains("Register-ArgumentCompleter -Native -CommandName 'supdiag'"));
    for c in &commands {
        assert!(
            ps.contains(&format!("[CompletionResult]::new('{c}'")),
            "powershell lacks {c}"
        );
    }
    // The formats of each command are offered, not the others' (bash lists them per command).
    let bash = supdiag()
        .args(["completions", "bash"])
        .output()
        .expect("run");
    let bash = String::from_utf8_lossy(&bash.stdout);
    assert!(bash.contains("complete -F _supdiag"));
    assert!(bash.contains("terminal json ndjson markdown"));
    assert!(bash.contains("html markdown json"));
    supdiag()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values: bash"));
}

/// groff's warnings on a page (`-ww -z`: all warnings, no output); empty when it is valid roff.
fn groff_warnings(page: &Path) -> String {
    let out = std::process::Command::new("groff")
        .args(["-man", "-ww", "-z"])
        .arg(page)
        .output()
        .expect("groff (package groff-base) is needed to check the man page");
    assert!(out.status.success(), "groff failed on {}", page.display());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn man_page_is_valid_roff_naming_every_command() {
    let out = supdiag().arg("man").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(page.starts_with(".ie"), "{}", &page[..page.len().min(80)]);
    assert!(page.contains(".TH supdiag 1"));
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "SUBCOMMANDS", "EXAMPLES"] {
        assert!(page.contains(&format!(".SH {section}")), "no {section}");
    }
    for c in top_level_commands() {
        assert!(
            page.contains(&format!("supdiag\\-{}(1)", c.replace('-', "\\-"))),
            "{c}"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let main = dir.path().join("supdiag.1");
    std::fs::write(&main, &page).expect("write");
    assert_eq!(groff_warnings(&main), "");

    // One page per command, each valid, with the command's own options.
    let pages = dir.path().join("pages");
    supdiag()
        .args(["man", "--dir"])
        .arg(&pages)
        .assert()
        .code(0);
    for (path, _) in all_commands() {
        let f = pages.join(format!("supdiag-{}.1", path.join("-")));
        assert!(f.is_file(), "{}", f.display());
        assert_eq!(groff_warnings(&f), "", "{}", f.display());
    }
    let analyze = std::fs::read_to_string(pages.join("supdiag-analyze.1")).expect("read");
    assert!(analyze.contains("\\-\\-fail\\-on"));
    assert!(analyze.contains("samples/site\\-wsus\\-not\\-configured"));
}
