//! `view --follow`: lines appended later are shown, a record written in two steps is shown once
//! and whole, and the rollover to `.lo_` loses nothing.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn sms(msg: &str, sec: u32) -> String {
    format!(
        "{msg}  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 02:13:{sec:02}.000+060><thread=1 (0x1)>\r\n"
    )
}

fn append(path: &std::path::Path, s: &str) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("open");
    f.write_all(s.as_bytes()).expect("write");
}

#[test]
fn follow_survives_growth_partial_records_and_rollover() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("wsyncmgr.log");
    append(&log, &sms("line one", 1));
    let bin = assert_cmd::cargo::cargo_bin("supdiag");
    let child = Command::new(bin)
        .args(["view", "--follow", "--color", "never"])
        .arg(&log)
        .env("SUPDIAG_FOLLOW_POLL_MS", "50")
        .env("SUPDIAG_FOLLOW_MAX_POLLS", "100")
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(300));
    append(&log, &sms("line two", 2));
    // A physical multi-line SMS record written in two steps.
    append(&log, "first half of a message\r\n");
    std::thread::sleep(Duration::from_millis(300));
    append(&log, &sms("second half", 3));
    append(&log, &sms("line three", 4));
    std::thread::sleep(Duration::from_millis(300));
    // Rollover: the current file becomes .lo_ with one more line, a new .log starts.
    append(&log, &sms("last line before rollover", 5));
    std::fs::rename(&log, dir.path().join("wsyncmgr.lo_")).expect("rename");
    append(&log, &sms("first line after rollover", 6));
    let started = Instant::now();
    let out = child.wait_with_output().expect("wait");
    assert!(started.elapsed() < Duration::from_secs(60));
    let text = String::from_utf8_lossy(&out.stdout);
    let order = [
        "line one",
        "line two",
        "first half of a message",
        "line three",
        "last line before rollover",
        "first line after rollover",
    ];
    let mut pos = 0;
    for want in order {
        let found = text[pos..]
            .find(want)
            .unwrap_or_else(|| panic!("{want:?} missing or out of order in:\n{text}"));
        pos += found + want.len();
    }
    assert_eq!(
        text.matches("line two").count(),
        1,
        "duplicated output:\n{text}"
    );
    assert_eq!(
        text.matches("first half of a message").count(),
        1,
        "partial record shown twice:\n{text}"
    );
}
