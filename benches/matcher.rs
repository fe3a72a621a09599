//! Rule matcher throughput (criterion): the same parsed SMS events fed through the built-in
//! rules (~60 line rules) and through the built-in rules plus 540 generated ones. Per-record
//! cost should stay flat as the rule count grows (issue: performance, "60 to 600 rules").

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use supdiag::event::{Event, FileId, Format, LogKind};
use supdiag::parse::{self, ParseCtx};
use supdiag::rules::{load_rule_set, RuleSet};
use supdiag::scan::FileInfo;
use supdiag::source::InputFile;

const N: usize = 20_000;

/// Realistic wsyncmgr traffic with a sprinkling of failure lines the built-in rules match.
fn sms() -> String {
    let lines = [
        "Synchronizing update 0c2b9a3e-1111-2222-3333-444455556666 - Cumulative Update for Windows 10 (KB5034441)",
        "sync: SMS synchronizing updates, processed 1200 out of 2400 items (50%)",
        "Sync failed: WSUS server not configured. Please refer to WCM.log for configuration error details.. Source: CWSyncMgr::DoSync",
        "Failed to sync update 1234. Error: The Microsoft Software License Terms have not been completely downloaded and~~cannot be accepted.",
        "Done synchronizing SMS with WSUS Server sup01.contoso.com",
        "Wakeup by SCF change",
    ];
    (0..N)
        .map(|i| {
            let msg = if i % 50 == 0 {
                lines[2 + (i / 50) % 2]
            } else {
                lines[i % 2]
            };
            format!(
                "{msg}  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 07:{:02}:{:02}.{:03}+060><thread=4312 (0x10D8)>\r\n",
                (i / 60) % 60,
                i % 60,
                i % 1000
            )
        })
        .collect()
}

/// 540 rules whose literals never occur, like bench/compare.sh writes.
fn generated_rules(dir: &std::path::Path) {
    for i in 1..=540 {
        let body = format!(
            r#"id = "gen_rule_{i}"
severity = "warning"
title = "generated rule {i}"
cause = "benchmark rule"
fix = "none"
[match]
literals = ["Nonexistent marker {i} xq"]
regex = '(?i)Nonexistent marker {i} xq(?P<code>\d+)'
[[example]]
line = "Nonexistent marker {i} xq12"
matches = true
[[example]]
line = "Starting Sync"
matches = false
"#
        );
        std::fs::write(dir.join(format!("gen_rule_{i}.toml")), body).expect("write rule");
    }
}

fn feed_all(set: &RuleSet, events: &[Event<'_>], info: &FileInfo<'_>) -> usize {
    let mut m = set.stream();
    let mut n = 0;
    for ev in events {
        n += m.feed(ev, info).len();
    }
    n + black_box(m.finish())
        .get("wsus_sync_not_configured")
        .map_or(0, |h| h.count as usize)
}

fn bench(c: &mut Criterion) {
    let text = sms();
    let ctx = ParseCtx::new(0, LogKind::Wsyncmgr);
    let mut events = Vec::with_capacity(N);
    parse::parse_text(Format::Sms, &text, 1, &ctx, &mut |ev| events.push(ev));
    let input = InputFile {
        path: PathBuf::from("wsyncmgr.log"),
        display: "wsyncmgr.log".into(),
        kind_hint: Some(LogKind::Wsyncmgr),
        host: None,
    };
    let info = FileInfo {
        id: 0 as FileId,
        input: &input,
        kind: LogKind::Wsyncmgr,
        format: Format::Sms,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    generated_rules(dir.path());
    let builtin = load_rule_set(&[], &[]).expect("built-in rules");
    let many = load_rule_set(&[dir.path().to_path_buf()], &[]).expect("generated rules");

    let mut g = c.benchmark_group("matcher");
    g.throughput(Throughput::Elements(events.len() as u64));
    g.bench_function("builtin_rules", |b| {
        b.iter(|| feed_all(&builtin, black_box(&events), &info))
    });
    g.bench_function("builtin_plus_540_rules", |b| {
        b.iter(|| feed_all(&many, black_box(&events), &info))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
