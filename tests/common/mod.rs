//! Setup shared by the integration tests: the binary with a known environment, and reading a
//! run's exit code and output. A test file that uses it says `mod common;`.

// Each test file is its own crate and uses only part of this.
#![allow(dead_code)]

use std::process::Output;

use assert_cmd::Command;

/// The `supdiag` binary with nothing inherited from the environment but `NO_COLOR=1`: what
/// the output looks like does not depend on who runs the tests.
pub fn supdiag() -> Command {
    let mut c = Command::cargo_bin("supdiag").unwrap_or_else(|e| panic!("binary: {e}"));
    c.env_clear().env("NO_COLOR", "1");
    c
}

/// Fails the test, showing the run's stderr, unless it exited with one of `codes`.
#[track_caller]
pub fn assert_exit(out: &Output, codes: &[i32]) {
    assert!(
        out.status.code().is_some_and(|c| codes.contains(&c)),
        "exit code {:?}, expected one of {codes:?}; stderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The stdout (UTF-8) of a run that must exit with one of `codes`.
#[track_caller]
pub fn stdout_text(out: Output, codes: &[i32]) -> String {
    assert_exit(&out, codes);
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("stdout is not UTF-8: {e}"))
}

/// The stdout (JSON) of a run that must exit with one of `codes`.
#[track_caller]
pub fn stdout_json(out: Output, codes: &[i32]) -> serde_json::Value {
    assert_exit(&out, codes);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("stdout is not JSON: {e}"))
}
