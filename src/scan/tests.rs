//! Tests of the scanner: progress accounting, parallel and serial scans.

use super::*;
use crate::source::Stream;

struct Nop;
impl Part for Nop {
    fn event(&mut self, _ev: &Event<'_>, _file: &FileInfo<'_>) {}
    fn empty(&self) -> Self {
        Nop
    }
    fn append(&mut self, _later: Self) {}
}
impl Visitor for Nop {
    type Part = Nop;
    fn part(&mut self) -> Nop {
        Nop
    }
    fn take(&mut self, _part: Nop) {}
}

#[test]
fn progress_counts_every_byte_on_disk_on_both_read_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = "Starting Sync  $$<SMS_WSUS_SYNC_MANAGER><02-08-2020 02:13:11.659+480><thread=5976 (0x1758)>\r\n";
    // Big enough for the mmap/streaming paths, plus a small UTF-16 file (decoded text is
    // about half its size on disk).
    let big = dir.path().join("wsyncmgr.log");
    std::fs::write(&big, line.repeat(8000)).expect("write");
    let small = dir.path().join("wcm.log");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "hello\r\nworld\r\n".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&small, &utf16).expect("write");
    let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let total = size(&big) + size(&small);
    assert!(size(&big) >= source::decode::MMAP_THRESHOLD);
    let streams: Vec<Stream> = [&big, &small]
        .iter()
        .map(|p| Stream {
            files: vec![InputFile {
                path: p.to_path_buf(),
                display: p.display().to_string(),
                kind_hint: None,
                host: None,
            }],
        })
        .collect();
    assert_eq!(total_bytes(&streams), total);
    for allow_mmap in [true, false] {
        let p = Progress::counting_hidden(total);
        let out = scan_all_progress(&streams, |_| Nop, ScanOptions { allow_mmap }, &p);
        assert_eq!(p.position(), total, "mmap allowed: {allow_mmap}");
        assert_eq!(out[0].0[0].records, 8000);
    }
}

/// Memory flat in file count: never more than one batch of visitors alive at once (100,000
/// small files are 100,000 visitors of ~13 KB each, too many to keep to the end), and every
/// stream still reaches `consume` once, in input order. Counted, not measured.
#[test]
fn batched_scan_keeps_at_most_one_batch_of_visitors() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static ALIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);
    struct Counted;
    impl Visitor for Counted {
        type Part = Nop;
        fn part(&mut self) -> Nop {
            Nop
        }
        fn take(&mut self, _part: Nop) {}
    }
    impl Drop for Counted {
        fn drop(&mut self) {
            ALIVE.fetch_sub(1, Ordering::SeqCst);
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let n = streams::BATCH * 3 + 7;
    let streams: Vec<Stream> = (0..n)
        .map(|i| {
            let p = dir.path().join(format!("wsyncmgr-{i:05}.log"));
            std::fs::write(&p, "Starting Sync  $$<SMS_WSUS_SYNC_MANAGER><02-08-2020 02:13:11.659+480><thread=5976 (0x1758)>\r\n").expect("write");
            Stream {
                files: vec![InputFile {
                    path: p.clone(),
                    display: p.display().to_string(),
                    kind_hint: None,
                    host: None,
                }],
            }
        })
        .collect();
    let want: Vec<String> = streams.iter().map(|s| s.files[0].display.clone()).collect();
    let mut seen = Vec::new();
    scan_batched(
        streams,
        |_| {
            let now = ALIVE.fetch_add(1, Ordering::SeqCst) + 1;
            PEAK.fetch_max(now, Ordering::SeqCst);
            Counted
        },
        ScanOptions { allow_mmap: false },
        &Progress::hidden(),
        |s, reports, v| {
            assert_eq!(reports.len(), 1);
            assert_eq!(reports[0].records, 1);
            seen.push(s.files[0].display.clone());
            drop(v);
        },
    );
    assert_eq!(seen, want);
    assert_eq!(ALIVE.load(Ordering::SeqCst), 0);
    let peak = PEAK.load(Ordering::SeqCst);
    assert!(
        peak <= streams::BATCH,
        "{peak} visitors alive at once for {n} streams"
    );
}
