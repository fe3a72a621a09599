//! Files that change while they are read: truncated, copied over, rewritten in place, replaced,
//! grown. Reading never dies, every text handed on is valid UTF-8, and the change is reported.
//!
//! The change is made from inside the scan (by the visitor, at the first record), so the tests
//! do not depend on timing: the default read path has read the first block and not the rest.

use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use supdiag::event::Event;
use supdiag::scan::{self, FileInfo, FileReport, Part, ScanOptions, Visitor};
use supdiag::source::{InputFile, Stream};

const LINE: &str = "Synchronizing update 0b0c2f5e-bbbb-4f2e-9f45-3f1bd2a2ab11  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 02:13:11.659+060><thread=5976 (0x1758)>\r\n";

/// A 12 MB wsyncmgr.log (three read blocks) with an old modification time.
fn big_log(dir: &Path) -> (PathBuf, u64) {
    let p = dir.join("wsyncmgr.log");
    let n = 12_000_000 / LINE.len();
    std::fs::write(&p, LINE.repeat(n)).expect("write");
    let f = OpenOptions::new().write(true).open(&p).expect("open");
    f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        .expect("set mtime");
    (p, n as u64)
}

/// Runs `act` on the file at the first event; collects every message. One type for both
/// phases: the first part gets `act`, phase B collects the parts' messages in order.
struct Meddle<F: FnMut(&Path) + Send> {
    path: PathBuf,
    act: Option<F>,
    messages: Vec<String>,
}

impl<F: FnMut(&Path) + Send> Part for Meddle<F> {
    fn event(&mut self, ev: &Event<'_>, _file: &FileInfo<'_>) {
        if let Some(mut act) = self.act.take() {
            act(&self.path);
        }
        self.messages.push(ev.message.to_string());
    }

    fn empty(&self) -> Self {
        Meddle {
            path: self.path.clone(),
            act: None,
            messages: Vec::new(),
        }
    }

    fn append(&mut self, later: Self) {
        self.messages.extend(later.messages);
    }
}

impl<F: FnMut(&Path) + Send> Visitor for Meddle<F> {
    type Part = Meddle<F>;

    fn part(&mut self) -> Self {
        Meddle {
            path: self.path.clone(),
            act: self.act.take(),
            messages: Vec::new(),
        }
    }

    fn take(&mut self, part: Self) {
        self.append(part);
    }
}

fn scan_meddled<F: FnMut(&Path) + Send>(path: &Path, act: F) -> (FileReport, Vec<String>) {
    let stream = Stream {
        files: vec![InputFile {
            path: path.to_path_buf(),
            display: "wsyncmgr.log".into(),
            kind_hint: None,
            host: None,
        }],
    };
    let mut v = Meddle {
        path: path.to_path_buf(),
        act: Some(act),
        messages: Vec::new(),
    };
    let mut reports = scan::scan_stream(&stream, 0, &mut v, ScanOptions::default());
    (reports.pop().expect("one file"), v.messages)
}

fn json(r: &FileReport) -> serde_json::Value {
    serde_json::to_value(r).expect("report serialises")
}

/// Truncating a file while it is read (today: SIGBUS with the map, exit 135, no output).
#[test]
fn a_file_truncated_while_read_is_analysed_for_what_was_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (p, n) = big_log(dir.path());
    let (r, messages) = scan_meddled(&p, |p| {
        OpenOptions::new()
            .write(true)
            .open(p)
            .and_then(|f| f.set_len(1000))
            .expect("truncate");
    });
    assert!(r.records > 0 && r.records < n, "records {}", r.records);
    assert_eq!(messages.len() as u64, r.records + r.unparsed_lines);
    let j = json(&r);
    assert_eq!(j["changed_while_read"], true);
    // Bytes it held at open were lost: an error (exit 2), not a note.
    let error = j["error"].as_str().unwrap_or_default();
    assert!(error.contains("shrank"), "{j}");
    assert!(j.get("note").is_none(), "{j}");
}

/// Another file copied over it (truncated, then written with other content).
#[test]
fn a_file_copied_over_while_read_is_flagged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (p, _) = big_log(dir.path());
    let (r, messages) = scan_meddled(&p, |p| {
        let mut f = OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(p)
            .expect("open");
        f.write_all("other content\n".repeat(1000).as_bytes())
            .expect("write");
    });
    assert!(r.changed_while_read, "{r:?}");
    assert!(messages
        .iter()
        .all(|m| std::str::from_utf8(m.as_bytes()).is_ok()));
}

/// Rewritten in place with the same size (today: invalid UTF-8 reaches the output through
/// `from_utf8_unchecked` on the map).
#[test]
fn a_file_rewritten_in_place_gives_only_valid_text_and_is_flagged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (p, _) = big_log(dir.path());
    let (r, messages) = scan_meddled(&p, |p| {
        let mut f = OpenOptions::new().write(true).open(p).expect("open");
        f.seek(SeekFrom::Start(8_000_000)).expect("seek");
        f.write_all(&[0xFF; 4096]).expect("write");
    });
    for m in &messages {
        assert!(
            std::str::from_utf8(m.as_bytes()).is_ok(),
            "invalid UTF-8 in a message"
        );
    }
    assert!(r.replaced_bytes > 0, "{r:?}");
    let j = json(&r);
    assert_eq!(j["changed_while_read"], true, "{j}");
}

/// Rolled over (renamed to .lo_, a new file at the path): the original is read to its end.
#[test]
fn a_file_replaced_while_read_is_read_to_its_end_and_flagged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (p, n) = big_log(dir.path());
    let (r, _) = scan_meddled(&p, |p| {
        std::fs::rename(p, p.with_extension("lo_")).expect("rename");
        std::fs::write(p, LINE).expect("new log");
    });
    assert_eq!(r.records, n);
    assert!(r.changed_while_read);
    assert!(r.note.as_deref().unwrap_or("").contains("another file"));
}

/// Growing while read: the size at open is read (a snapshot), the growth is told.
#[test]
fn a_file_growing_while_read_is_read_up_to_its_size_at_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (p, n) = big_log(dir.path());
    let (r, _) = scan_meddled(&p, |p| {
        let mut f = OpenOptions::new().append(true).open(p).expect("open");
        f.write_all(LINE.repeat(10).as_bytes()).expect("append");
    });
    assert_eq!(r.records, n);
    assert!(r.changed_while_read);
    assert!(r.note.as_deref().unwrap_or("").contains("grew"));
}

/// An unchanged file says nothing about changes.
#[test]
fn an_unchanged_file_is_not_flagged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (p, n) = big_log(dir.path());
    let (r, _) = scan_meddled(&p, |_| {});
    assert_eq!(r.records, n);
    assert!(!r.changed_while_read);
    assert!(json(&r).get("changed_while_read").is_none());
}

/// The terminal summary names a file read in part, under the counts.
#[test]
fn the_terminal_summary_tells_a_file_changed_while_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (p, _) = big_log(dir.path());
    let (r, _) = scan_meddled(&p, |p| {
        OpenOptions::new()
            .write(true)
            .open(p)
            .and_then(|f| f.set_len(1000))
            .expect("truncate");
    });
    let mut report = supdiag::report::Report {
        inputs: vec![r],
        ..Default::default()
    };
    report.finish();
    let out = supdiag::report::terminal::render(&report, false);
    let second = out.lines().nth(1).unwrap_or_default();
    assert!(
        second.contains("error: wsyncmgr.log: changed while read: the file shrank"),
        "{out}"
    );
}

/// `--mmap` is the opt-in; `--no-mmap` is still accepted (scripts) and reads the same.
#[test]
fn mmap_is_opt_in_and_no_mmap_still_accepted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (p, n) = big_log(dir.path());
    for extra in [&[][..], &["--mmap"][..], &["--no-mmap"][..]] {
        let out = assert_cmd::Command::cargo_bin("supdiag")
            .expect("binary")
            .args(["analyze", "--format", "json", "--fail-on", "never"])
            .args(extra)
            .arg(&p)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0), "{extra:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["inputs"][0]["records"], n, "{extra:?}");
    }
    let help = assert_cmd::Command::cargo_bin("supdiag")
        .expect("binary")
        .args(["analyze", "--help"])
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--mmap") && help.contains("SIGBUS"), "{help}");
    assert!(!help.contains("--no-mmap"));
}
