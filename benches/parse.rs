//! Parser throughput per format (criterion). Inputs are synthesised in memory so the bench
//! needs no files: realistic CMTrace, SMS, SoftwareDistribution, ETW WindowsUpdate, IIS lines.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use supdiag::event::{Format, LogKind};
use supdiag::parse::{self, ParseCtx};

const N: usize = 20_000;

fn cmtrace() -> String {
    (0..N)
        .map(|i| {
            format!(
                "<![LOG[Synchronizing update {i:08x}-1111-2222-3333-444455556666 - Cumulative Update for Windows 10 (KB50{i:05})]LOG]!><time=\"07:{:02}:{:02}.{:03}+060\" date=\"11-20-2026\" component=\"SMS_WSUS_SYNC_MANAGER\" context=\"\" type=\"1\" thread=\"4312\" file=\"wsyncmgr.cpp:1492\">\r\n",
                (i / 60) % 60,
                i % 60,
                i % 1000
            )
        })
        .collect()
}

fn sms() -> String {
    (0..N)
        .map(|i| {
            format!(
                "Synchronizing update {i:08x}-1111-2222-3333-444455556666 - Cumulative Update for Windows 10 (KB50{i:05})  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 07:{:02}:{:02}.{:03}+060><thread=4312 (0x10D8)>\r\n",
                (i / 60) % 60,
                i % 60,
                i % 1000
            )
        })
        .collect()
}

fn softwaredistribution() -> String {
    (0..N)
        .map(|i| {
            format!(
                "2026-11-20 07:{:02}:{:02}.{:03} UTC\tInfo\tWsusService.15\tCatalogSyncAgent.SyncUpdates\tProcessing update {i}\r\n",
                (i / 60) % 60,
                i % 60,
                i % 1000
            )
        })
        .collect()
}

fn windowsupdate_etw() -> String {
    (0..N)
        .map(|i| format!("2026/11/20 07:{:02}:{:02}.1234567 3736  3464  Agent           Found update {i}\r\n", (i / 60) % 60, i % 60))
        .collect()
}

fn iis() -> String {
    let mut s = String::from("#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n");
    for i in 0..N {
        s.push_str(&format!(
            "2026-11-20 07:{:02}:{:02} 10.0.0.5 POST /ClientWebService/client.asmx - 8530 - 10.1.{}.{} Windows-Update-Agent/10.0.10011.16384+Client-Protocol/2.50 - 200 0 0 {}\r\n",
            (i / 60) % 60,
            i % 60,
            i % 250,
            i % 200,
            i % 900
        ));
    }
    s
}

fn bench(c: &mut Criterion) {
    let inputs = [
        ("cmtrace", Format::Cmtrace, cmtrace()),
        ("sms", Format::Sms, sms()),
        (
            "softwaredistribution",
            Format::Softwaredistribution,
            softwaredistribution(),
        ),
        (
            "windowsupdate_etw",
            Format::WindowsUpdateEtw,
            windowsupdate_etw(),
        ),
        ("iis", Format::Iis, iis()),
    ];
    let mut g = c.benchmark_group("parse");
    for (name, format, text) in &inputs {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(*name, |b| {
            let ctx = ParseCtx::new(0, LogKind::Other);
            b.iter(|| {
                let mut n = 0u64;
                parse::parse_text(*format, black_box(text), 1, &ctx, &mut |ev| {
                    n += u64::from(ev.time_utc.is_some()) + ev.message.len() as u64;
                });
                black_box(n)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
