use super::super::testutil::{feed_text, w};
use super::super::{SyncBuilder, SyncData};
use super::*;
use crate::event::LogKind;

const D: &str = "11-21-2026";

fn build(files: &[(&str, String)]) -> SyncData {
    let mut b = SyncBuilder::new();
    for (name, text) in files {
        feed_text(&mut b, name, LogKind::Wsyncmgr, text);
    }
    b.finish()
}

fn stat(id: u32, sev: char, gmt: &str, extra: &str) -> String {
    format!(
        "STATMSG: ID={id} SEV={sev} LEV=M SOURCE=\"SMS Server\" COMP=\"SMS_WSUS_SYNC_MANAGER\" SYS=CM01.contoso.com SITE=PS1 PID=2364 TID=4884 GMTDATE={gmt} ISTR0=\"\" ISTR1=\"\" NUMATTRS=0{extra}"
    )
}

/// A full successful scheduled run, local 03:00 (+060 → 04:00Z); GMTDATE says otherwise by a
/// few ms so the test can tell which was used.
fn success_run() -> String {
    [
        w("Wakeup for scheduled regular sync", D, "03:00:00"),
        w("Starting Sync", D, "03:00:01"),
        w("Performing sync on regular schedule", D, "03:00:01"),
        w("Found active SUP CM01.contoso.com from SCF File.", D, "03:00:01"),
        w(&stat(6701, 'I', "Sat Nov 21 04:00:01.123 2026", ""), D, "03:00:01"),
        w("Synchronizing WSUS server CM01.contoso.com ...", D, "03:00:02"),
        w("sync: Starting WSUS synchronization", D, "03:00:02"),
        w("sync: WSUS synchronizing updates, processed 40 out of 130 items (30%)", D, "03:01:00"),
        w("sync: WSUS synchronizing updates, processed 130 out of 130 items (100%)", D, "03:02:00"),
        w("Done synchronizing WSUS Server CM01.contoso.com", D, "03:02:01"),
        w("Set content version of update source {2F4C1A30-7E0B-4B43-9A1C-0C3B2D9E1F10} for site PS1 to 41", D, "03:02:05"),
        w("Synchronizing SMS database with WSUS server CM01.contoso.com ...", D, "03:02:06"),
        w("sync: SMS synchronizing updates, processed 12 out of 14 items (85%)", D, "03:03:00"),
        w("Failed to sync update 7d0f1b2c-1111-4a4a-9c9c-0123456789ab. Error: Failed to save update 7d0f1b2c-1111-4a4a-9c9c-0123456789ab. CCISource error: -1", D, "03:03:10"),
        w("Done synchronizing SMS with WSUS Server CM01.contoso.com", D, "03:03:40"),
        w("Set content version of update source {2F4C1A30-7E0B-4B43-9A1C-0C3B2D9E1F10} for site PS1 to 42", D, "03:03:41"),
        w(&stat(6702, 'I', "Sat Nov 21 04:03:54.500 2026", ""), D, "03:03:54"),
        w("Sync succeeded. Setting sync alert to canceled state on site PS1", D, "03:03:54"),
        w("Updated 14 items in SMS database, new update source content version is 42", D, "03:03:54"),
        w("Sync time: 0d00h03m53s", D, "03:03:54"),
    ]
    .concat()
}

#[test]
fn success_run_prefers_gmtdate_and_sync_time() {
    let d = build(&[("wsyncmgr.log", success_run())]);
    assert_eq!(d.runs.len(), 1);
    let r = &d.runs[0];
    assert_eq!(r.result, RunResult::Success);
    assert_eq!(r.trigger, Trigger::Schedule);
    assert_eq!(r.site.as_deref(), Some("PS1"));
    assert_eq!(r.site_server.as_deref(), Some("CM01.contoso.com"));
    assert_eq!(r.server.as_deref(), Some("CM01.contoso.com"));
    assert_eq!(
        r.start.map(|t| t.to_rfc3339()),
        Some("2026-11-21T04:00:01.123+00:00".into())
    );
    assert_eq!(
        r.end.map(|t| t.to_rfc3339()),
        Some("2026-11-21T04:03:54.500+00:00".into())
    );
    // GMTDATEs say 233.377 s; the `Sync time` value wins.
    assert_eq!(r.duration_seconds, Some(233));
    assert_eq!(r.updates_processed, Some(130));
    assert_eq!(r.content_version, Some(42));
    assert_eq!(
        r.failed_updates,
        vec!["7d0f1b2c-1111-4a4a-9c9c-0123456789ab".to_string()]
    );
    let phases: Vec<_> = r.phases.iter().map(|p| (p.phase, p.items)).collect();
    assert_eq!(
        phases,
        vec![
            (PhaseKind::WsusSync, Some(130)),
            (PhaseKind::SiteDbSync, Some(14))
        ]
    );
    assert_eq!(
        r.phases[0].end.map(|t| t.to_rfc3339()),
        Some("2026-11-21T04:02:01+00:00".into())
    );
    assert_eq!(r.log.line, 2);
    assert_eq!(r.log.end_line, 20);
    assert!(!r.retry_of_failed);
}

fn failed_run(time: &str, gmt: &str, retry: bool) -> String {
    let mut v = Vec::new();
    if retry {
        v.push(w("Wakeup for a polling cycle", D, time));
    } else {
        v.push(w("Wakeup for scheduled regular sync", D, time));
    }
    v.push(w("Starting Sync", D, time));
    v.push(w(
        if retry {
            "Performing sync on retry schedule"
        } else {
            "Performing sync on regular schedule"
        },
        D,
        time,
    ));
    v.push(w("Sync failed: The request failed with HTTP status 503: Service Unavailable. Source: Microsoft.UpdateServices.Administration.AdminProxy.createUpdateServer", D, time));
    v.push(w(&stat(6703, 'E', gmt, " LE=0X80131500"), D, time));
    v.push(w("Sync failed. Will retry in 60 minutes", D, time));
    v.concat()
}

#[test]
fn failure_then_retries() {
    let text = [
        failed_run("05:00:01", "Sat Nov 21 06:00:31.000 2026", false),
        failed_run("06:00:40", "Sat Nov 21 07:01:00.000 2026", true),
        w("Wakeup for a polling cycle", D, "07:01:20"),
        w("Starting Sync", D, "07:01:20"),
        w("Performing sync on retry schedule", D, "07:01:20"),
        w(
            "Sync succeeded. Setting sync alert to canceled state on site PS1",
            D,
            "07:05:00",
        ),
    ]
    .concat();
    let d = build(&[("wsyncmgr.log", text)]);
    let results: Vec<_> = d
        .runs
        .iter()
        .map(|r| (r.result, r.trigger, r.retry_of_failed))
        .collect();
    assert_eq!(
        results,
        vec![
            (RunResult::Failed, Trigger::Schedule, false),
            (RunResult::Failed, Trigger::Retry, true),
            (RunResult::Success, Trigger::Retry, true),
        ]
    );
    let f = &d.runs[0];
    assert_eq!(
        f.error.as_deref(),
        Some("The request failed with HTTP status 503: Service Unavailable")
    );
    assert_eq!(
        f.error_source.as_deref(),
        Some("Microsoft.UpdateServices.Administration.AdminProxy.createUpdateServer")
    );
    assert_eq!(f.error_code.as_deref(), Some("0x80131500"));
    assert_eq!(f.retry_in_minutes, Some(60));
    // No 6701: start from the line (05:00:01 local → 06:00:01Z); end from the 6703 GMTDATE.
    assert_eq!(f.duration_seconds, Some(30));
    // Last run: no STATMSG site, but the success line names it.
    assert_eq!(d.runs[2].site.as_deref(), Some("PS1"));
    assert_eq!(d.runs[2].duration_seconds, Some(220));
}

#[test]
fn restart_interrupts_and_open_run_is_running() {
    let text = [
        w("Wakeup for scheduled regular sync", D, "03:00:00"),
        w("Starting Sync", D, "03:00:01"),
        w(
            "Synchronizing WSUS server CM01.contoso.com ...",
            D,
            "03:00:02",
        ),
        w(
            "sync: WSUS synchronizing updates, processed 500 out of 2000 items (25%)",
            D,
            "03:06:00",
        ),
        w(
            "SMS_EXECUTIVE started SMS_WSUS_SYNC_MANAGER as thread ID 5012 (0x1394).",
            D,
            "03:09:30",
        ),
        w("Wakeup by inbox drop", D, "09:15:00"),
        w("Found local sync request file", D, "09:15:00"),
        w("Starting Sync", D, "09:15:01"),
        w("Performing sync on local request", D, "09:15:01"),
        w("sync: WSUS synchronizing categories", D, "09:15:30"),
    ]
    .concat();
    let d = build(&[("wsyncmgr.log", text)]);
    assert_eq!(d.runs.len(), 2);
    let a = &d.runs[0];
    assert_eq!(a.result, RunResult::Interrupted);
    assert!(a
        .interrupted_by
        .as_deref()
        .is_some_and(|s| s.contains("restart")));
    assert_eq!(a.end, None);
    assert_eq!(a.duration_seconds, None);
    assert_eq!(
        a.last_activity.map(|t| t.to_rfc3339()),
        Some("2026-11-21T04:06:00+00:00".into())
    );
    assert_eq!(a.chart_seconds(), Some(359));
    assert_eq!(a.updates_processed, Some(2000));
    let b = &d.runs[1];
    assert_eq!(b.result, RunResult::Running);
    assert_eq!(b.trigger, Trigger::Manual);
    assert_eq!(b.end, None);
    // Site learnt from nowhere in this stream: stays unknown rather than guessed.
    assert_eq!(b.site, None);
}

#[test]
fn new_start_interrupts_previous_run() {
    let text = [
        w("Starting Sync", D, "03:00:01"),
        w("sync: WSUS synchronizing categories", D, "03:00:30"),
        w("Starting Sync", D, "04:00:01"),
        w(
            "Sync succeeded. Setting sync alert to canceled state on site PS2",
            D,
            "04:02:00",
        ),
    ]
    .concat();
    let d = build(&[("wsyncmgr.log", text)]);
    assert_eq!(d.runs[0].result, RunResult::Interrupted);
    assert_eq!(d.runs[0].trigger, Trigger::Unknown);
    assert_eq!(d.runs[1].result, RunResult::Success);
    // The site named by the second run applies to the first of the same stream.
    assert_eq!(d.runs[0].site.as_deref(), Some("PS2"));
}

#[test]
fn run_continues_across_rollover() {
    let full = success_run();
    let lines: Vec<&str> = full.split_inclusive('\n').collect();
    let (old, new) = lines.split_at(9);
    let d = build(&[
        ("wsyncmgr.lo_", old.concat()),
        ("wsyncmgr.log", new.concat()),
    ]);
    assert_eq!(d.runs.len(), 1);
    let r = &d.runs[0];
    assert_eq!(r.result, RunResult::Success);
    assert_eq!(r.updates_processed, Some(130));
    assert_eq!((r.log.file.as_str(), r.log.line), ("wsyncmgr.lo_", 2));
    assert_eq!(
        (r.log.end_file.as_str(), r.log.end_line),
        ("wsyncmgr.log", 11)
    );
}

#[test]
fn two_site_servers_are_separate_streams() {
    let a = build(&[("cm01/wsyncmgr.log", success_run())]);
    let other = success_run().replace("PS1", "PS2").replace("CM01", "CM02");
    // The second server's run starts 30 minutes earlier.
    let other = other
        .replace("11-21-2026 03:", "11-21-2026 02:")
        .replace("Nov 21 04:", "Nov 21 03:");
    let b = build(&[("cm02/wsyncmgr.log", other)]);
    let all = super::super::merge([a, b]);
    let sites: Vec<_> = all.runs.iter().map(|r| r.site.clone()).collect();
    assert_eq!(sites, vec![Some("PS2".into()), Some("PS1".into())]);
    assert_eq!(all.runs[0].server.as_deref(), Some("CM02.contoso.com"));
}

#[test]
fn sync_time_values() {
    assert_eq!(parse_sync_time("0d00h03m53s"), Some(233));
    assert_eq!(parse_sync_time("1d02h00m00s"), Some(93_600));
    assert_eq!(parse_sync_time("0d00h03m"), Some(180));
    assert_eq!(parse_sync_time("soon"), None);
    assert_eq!(parse_sync_time("12"), None);
}

#[test]
fn matched_rule_ids_attach_to_open_run() {
    use crate::event::Format;
    use crate::parse::{self, ParseCtx};
    let text = failed_run("05:00:01", "Sat Nov 21 06:00:31.000 2026", false);
    let inp = super::super::testutil::input("wsyncmgr.log");
    let info = crate::scan::FileInfo {
        id: 0,
        input: &inp,
        kind: LogKind::Wsyncmgr,
        format: Format::Sms,
    };
    let mut b = SyncBuilder::new();
    let ctx = ParseCtx::new(0, LogKind::Wsyncmgr);
    parse::parse_text(Format::Sms, &text, 1, &ctx, &mut |ev| {
        let ids: &[&str] = if ev.message.starts_with("Sync failed. Will retry") {
            &["wsyncmgr_sync_failed_will_retry"]
        } else if ev.message.starts_with("Sync failed:") {
            &["wsyncmgr_http_503_wsuspool", "wsyncmgr_http_503_wsuspool"]
        } else if ev.message.starts_with("Wakeup") {
            &["not_in_run"]
        } else {
            &[]
        };
        b.feed(&ev, &info, ids);
    });
    let d = b.finish();
    assert_eq!(
        d.runs[0].finding_ids,
        vec![
            "wsyncmgr_http_503_wsuspool".to_string(),
            "wsyncmgr_sync_failed_will_retry".to_string()
        ]
    );
}

#[test]
fn after_finds_the_last_occurrence_even_when_occurrences_overlap() {
    assert_eq!(after("set a to to b", &TO), Some("b"));
    assert_eq!(
        after("processed 5 out of 9 items", &OUT_OF),
        Some("9 items")
    );
    assert_eq!(after("1 out of 2 out of 3", &OUT_OF), Some("3"));
    assert_eq!(after("no such words", &OUT_OF), None);
    assert_eq!(out_of("processed 5 out of 9 items"), Some(9));
}

#[test]
fn line_prefix_automaton_agrees_with_starts_with() {
    let samples = [
        "Synchronizing update 3b8f3a6c-2f4e-4c1e-9d43-0c8a1f2e3d4c - x",
        "Synchronizing WSUS server sup01",
        "Synchronizing SMS database with WSUS server sup01",
        "Sync",
        "Sync time: 0d00h01m00s",
        "STATMSG: ID=6701",
        "sync: Starting WSUS synchronization",
        "sync: SMS synchronizing updates, processed 5 out of 9 items",
        "Found ",
        "Found",
        "",
        "Wakeup for a polling cycle",
        "Updated 5 items in SMS database",
        "xStarting Sync",
    ];
    for m in samples {
        let want = LINE_PREFIXES.iter().any(|p| m.starts_with(p));
        assert_eq!(has_line_prefix(m), want, "{m:?}");
    }
    for p in LINE_PREFIXES {
        assert!(has_line_prefix(p), "{p:?}");
        assert!(
            !has_line_prefix(&p[..p.len() - 1])
                || LINE_PREFIXES
                    .iter()
                    .any(|q| p[..p.len() - 1].starts_with(q)),
            "{p:?}"
        );
    }
}
