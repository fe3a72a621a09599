//! Hostile input: nothing panics, every line is accounted for exactly once, output stays safe.
//!
//! The generated-input targets run `SUPDIAG_FUZZ_CASES` cases each (default 3,000 so `cargo test`
//! stays quick; the notes give figures for 100,000).

// Its dev-dependencies (proptest, jsonschema, rcgen) are not built for Windows: the Windows test
// build under Wine (.ci/windows.sh) runs the CLI tests, and these run on the Linux build.
#![cfg(not(windows))]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use supdiag::event::{Format, LogKind};
use supdiag::parse::{self, ParseCtx};
use supdiag::scan;
use supdiag::source::decode::decode_bytes;

const FORMATS: [Format; 8] = [
    Format::Cmtrace,
    Format::Sms,
    Format::Supsetup,
    Format::Softwaredistribution,
    Format::WindowsUpdateLegacy,
    Format::WindowsUpdateEtw,
    Format::Iis,
    Format::Plain,
];

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    v.sort();
    v
}

fn cases() -> u32 {
    std::env::var("SUPDIAG_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000)
}

/// Parse `text` as `format` and check that every non-blank physical line is covered by exactly
/// one event (a record's span or an unparsed line). IIS header lines (`#...`) may be skipped.
fn check_coverage(text: &str, format: Format) -> Result<(), String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let n = scan::physical_lines(text) as usize;
    let mut covered = vec![0u8; n + 2];
    let ctx = ParseCtx::new(0, LogKind::Other);
    let mut err = None;
    parse::parse_text(format, text, 1, &ctx, &mut |ev| {
        let span = scan::record_lines(ev.raw);
        if ev.line == 0 || ev.line as usize + span as usize - 1 > n {
            err = Some(format!(
                "event at line {} spanning {span} is outside 1..={n}",
                ev.line
            ));
            return;
        }
        for l in ev.line..ev.line + span {
            covered[l as usize] += 1;
        }
    });
    if let Some(e) = err {
        return Err(e);
    }
    for (i, line) in lines.iter().enumerate().take(n) {
        let no = i + 1;
        let blank = line.trim().is_empty();
        let header = format == Format::Iis && line.trim_start().starts_with('#');
        match covered[no] {
            0 if !(blank || header) => {
                return Err(format!("{format}: line {no} {line:?} not covered"))
            }
            c if c > 1 => return Err(format!("{format}: line {no} covered {c} times")),
            _ => {}
        }
    }
    Ok(())
}

#[test]
fn fixtures_parse_in_every_format_with_full_coverage() {
    for path in fixtures() {
        let bytes = std::fs::read(&path).expect("read fixture");
        let loaded = decode_bytes(bytes);
        let text = loaded.text();
        for f in FORMATS {
            if let Err(e) = check_coverage(text, f) {
                panic!("{}: {e}", path.display());
            }
        }
    }
}

#[test]
fn fixtures_through_the_cli_give_valid_json_and_no_panic() {
    for path in fixtures() {
        let out = Command::cargo_bin("supdiag")
            .expect("binary")
            .args(["analyze", "--format", "json"])
            .arg(&path)
            .env_remove("NO_COLOR")
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{}: {stderr}", path.display());
        let code = out.status.code().unwrap_or(-1);
        // A binary file named on the command line is input lost: exit 2, said why, no report.
        if stderr.contains("but a binary file") {
            let bytes = std::fs::read(&path).expect("read fixture");
            let head = &bytes[..bytes.len().min(64 * 1024)];
            assert!(head.contains(&0), "{}: no NUL byte", path.display());
            assert_eq!(code, 2, "{}: {stderr}", path.display());
            continue;
        }
        assert!(
            code == 0 || code == 1,
            "{}: exit {code}: {stderr}",
            path.display()
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", path.display()));
        assert_eq!(v["schema"], "supdiag.report/1");
    }
}

#[test]
fn terminal_output_never_carries_escape_sequences_from_logs() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/esc-injection.log");
    for args in [
        vec!["view", "--color", "never"],
        vec!["analyze", "--color", "never"],
    ] {
        let out = Command::cargo_bin("supdiag")
            .expect("binary")
            .args(&args)
            .arg(&path)
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stdout.contains('\x1b'),
            "{args:?}: raw ESC in output: {stdout:?}"
        );
        // The forged line must not appear as a line of its own.
        assert!(
            !stdout.lines().any(|l| l.trim() == "supdiag: 0 error(s)"),
            "{args:?}: forged line: {stdout}"
        );
    }
}

#[test]
fn a_huge_single_line_is_parsed_without_blowing_up() {
    let mb: usize = std::env::var("SUPDIAG_HUGE_LINE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("huge.log");
    let mut data = Vec::with_capacity(mb << 20);
    while data.len() < mb << 20 {
        data.extend_from_slice(b"Sync failed: WSUS server not configured ");
    }
    data.extend_from_slice(
        b"  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 02:13:11.659+060><thread=1 (0x1)>\r\n",
    );
    std::fs::write(&p, &data).expect("write");
    let out = Command::cargo_bin("supdiag")
        .expect("binary")
        .args(["analyze", "--format", "json"])
        .arg(&p)
        .output()
        .expect("run");
    assert!(out.status.code() == Some(0) || out.status.code() == Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["inputs"][0]["records"], 1);
    // Evidence text is capped: the report stays small whatever the line length.
    assert!(
        out.stdout.len() < 64 * 1024,
        "report is {} bytes",
        out.stdout.len()
    );
}

fn line_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        // Near-valid records of every format, mutated.
        Just("<![LOG[msg]LOG]!><time=\"07:01:02.123+060\" date=\"11-20-2026\" component=\"C\" context=\"\" type=\"3\" thread=\"1\" file=\"f\">".to_string()),
        Just("<![LOG[open".to_string()),
        Just("]LOG]!><time=\"x\">".to_string()),
        Just("Starting Sync  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 02:13:11.659+060><thread=5976 (0x1758)>".to_string()),
        Just("<11/20/26 07:01:02> SMSWSUS Setup Started....".to_string()),
        Just("2026-11-20 07:01:02.123 UTC\tError\tWsusService.15\tClass.Method\tboom".to_string()),
        Just("   at System.Net.HttpWebRequest.GetRequestStream()".to_string()),
        Just("2026-11-20\t07:01:02:123\t 1234\t5a8\tPT\tWARNING: x: 0x80244010".to_string()),
        Just("2026/11/20 07:01:02.1234567 1234  5678  Agent           * END * Finding updates".to_string()),
        Just("#Fields: date time s-ip cs-method cs-uri-stem sc-status".to_string()),
        Just("2026-11-20 07:01:02 10.0.0.1 GET /Content/a.cab 404".to_string()),
        "[ -~]{0,120}",
        "\\PC{0,60}",
        any::<String>(),
    ]
}

#[test]
fn generated_inputs_never_panic_and_are_fully_covered() {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        proptest::collection::vec((line_strategy(), 0usize..6, any::<bool>()), 0..12),
        0usize..8,
    );
    runner
        .run(&strategy, |(lines, fmt)| {
            let mut text = String::new();
            for (l, cut, crlf) in lines {
                let mut l = l;
                // Truncate some lines at a char boundary to make half records.
                if cut == 0 && !l.is_empty() {
                    let mut end = l.len() / 2;
                    while !l.is_char_boundary(end) {
                        end -= 1;
                    }
                    l.truncate(end);
                }
                text.push_str(&l);
                text.push_str(if crlf { "\r\n" } else { "\n" });
            }
            check_coverage(&text, FORMATS[fmt]).map_err(TestCaseError::fail)?;
            Ok(())
        })
        .expect("parsers");
}

#[test]
fn random_bytes_decode_and_parse_without_panic() {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(any::<u8>(), 0..2048), |bytes| {
            let loaded = decode_bytes(bytes);
            let text = loaded.text();
            let head = scan::head_of(text, 4096);
            let f = parse::detect(head);
            check_coverage(text, f).map_err(TestCaseError::fail)?;
            Ok(())
        })
        .expect("decode");
}
