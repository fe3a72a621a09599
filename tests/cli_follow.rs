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

/// A running `view --follow` whose output is collected as it comes.
struct Follower {
    child: std::process::Child,
    out: std::sync::Arc<std::sync::Mutex<String>>,
    err: std::sync::Arc<std::sync::Mutex<String>>,
}

fn collect(r: impl std::io::Read + Send + 'static) -> std::sync::Arc<std::sync::Mutex<String>> {
    let buf = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let b = buf.clone();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(r).lines().map_while(Result::ok) {
            if let Ok(mut s) = b.lock() {
                s.push_str(&line);
                s.push('\n');
            }
        }
    });
    buf
}

impl Follower {
    fn start(path: &std::path::Path, poll_ms: u32) -> Follower {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("supdiag"))
            .args(["view", "--follow", "--color", "never"])
            .arg(path)
            .env("SUPDIAG_FOLLOW_POLL_MS", poll_ms.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let out = collect(child.stdout.take().expect("stdout"));
        let err = collect(child.stderr.take().expect("stderr"));
        Follower { child, out, err }
    }

    fn text(&self) -> String {
        self.out.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Wait until `want` was printed (a guard against a hang, not a timing assertion).
    fn wait_for(&self, want: &str) {
        let until = Instant::now() + Duration::from_secs(60);
        while !self.text().contains(want) {
            assert!(
                Instant::now() < until,
                "{want:?} never came; output:\n{}\nstderr:\n{}",
                self.text(),
                self.err.lock().map(|s| s.clone()).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stop(mut self) -> (String, String) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::thread::sleep(Duration::from_millis(50));
        let err = self.err.lock().map(|s| s.clone()).unwrap_or_default();
        (self.text(), err)
    }
}

fn rec(n: u32) -> String {
    sms(&format!("record-{n:04} end"), n % 60)
}

fn recs(r: std::ops::Range<u32>) -> String {
    r.map(rec).collect()
}

/// How often each record number shows in the output.
fn times(text: &str, n: u32) -> usize {
    text.matches(&format!("record-{n:04} end")).count()
}

fn assert_exactly_once(text: &str, r: std::ops::Range<u32>) {
    for n in r {
        assert_eq!(times(text, n), 1, "record {n} in:\n{text}");
    }
}

/// The rows: renamed to `.lo_` and the new log grows past the old offset before the
/// next poll (30 of 70 lost before); every record shows exactly once.
#[test]
fn rename_to_lo_and_a_new_log_bigger_than_the_old_offset_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("wsyncmgr.log");
    append(&log, &recs(0..40));
    let f = Follower::start(&log, 400);
    f.wait_for("record-0039");
    append(&log, &recs(40..50));
    std::fs::rename(&log, dir.path().join("wsyncmgr.lo_")).expect("rename");
    append(&log, &recs(100..170));
    f.wait_for("record-0169");
    let (text, _) = f.stop();
    // Started from the tail: the last 10 records before the start, not the whole file.
    assert_eq!(times(&text, 29), 0, "{text}");
    assert_exactly_once(&text, 30..50);
    assert_exactly_once(&text, 100..170);
}

/// Truncated in place and rewritten past the old offset (20 of 50 lost before).
#[test]
fn truncate_in_place_and_rewrite_past_the_old_offset_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("wsyncmgr.log");
    append(&log, &recs(0..40));
    let f = Follower::start(&log, 400);
    f.wait_for("record-0039");
    std::fs::write(&log, recs(200..280)).expect("rewrite");
    f.wait_for("record-0279");
    let (text, err) = f.stop();
    assert_exactly_once(&text, 30..40);
    assert_exactly_once(&text, 200..280);
    assert!(err.contains("truncated or rewritten"), "{err}");
}

/// Truncated while an old `.lo_` exists (80 stale records printed as new before): the `.lo_`
/// is never read by name.
#[test]
fn truncate_while_an_old_lo_exists_prints_nothing_stale() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("wsyncmgr.log");
    std::fs::write(dir.path().join("wsyncmgr.lo_"), recs(900..1000)).expect("lo_");
    append(&log, &recs(0..40));
    let f = Follower::start(&log, 400);
    f.wait_for("record-0039");
    std::fs::write(&log, "").expect("truncate");
    append(&log, &recs(300..305));
    f.wait_for("record-0304");
    let (text, _) = f.stop();
    for n in 900..1000 {
        assert_eq!(times(&text, n), 0, "stale record {n} in:\n{text}");
    }
    assert_exactly_once(&text, 30..40);
    assert_exactly_once(&text, 300..305);
}

/// A log that is mostly a hole of 8 GB: following starts at the tail and prints only the last
/// records (reading the whole file first took 4.4 GB for 1 GB before).
#[cfg(unix)]
#[test]
fn follow_starts_at_the_tail_without_reading_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("wsyncmgr.log");
    let f = std::fs::File::create(&log).expect("create");
    f.set_len(8 << 30).expect("sparse");
    drop(f);
    append(&log, "\r\n");
    append(&log, &recs(0..40));
    let out = Command::new(assert_cmd::cargo::cargo_bin("supdiag"))
        .args(["view", "--follow", "--color", "never"])
        .arg(&log)
        .env("SUPDIAG_FOLLOW_POLL_MS", "10")
        .env("SUPDIAG_FOLLOW_MAX_POLLS", "2")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(times(&text, 29), 0, "{text}");
    assert_exactly_once(&text, 30..40);
    assert_eq!(text.lines().count(), 10, "{text}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line numbers count from there"), "{err}");
}

/// An endless line is capped and reported; what follows it is shown.
#[test]
fn an_endless_line_is_capped_reported_and_following_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("wsyncmgr.log");
    append(&log, &recs(0..3));
    let f = Follower::start(&log, 100);
    f.wait_for("record-0002");
    append(&log, &"x".repeat(9 << 20));
    append(&log, "\r\n");
    append(&log, &recs(3..6));
    f.wait_for("record-0005");
    let (text, err) = f.stop();
    assert_exactly_once(&text, 0..6);
    assert!(err.contains("longer than 8 MB"), "{err}");
    assert!(!text.contains("xxxxxxxx"), "the capped line was printed");
}
