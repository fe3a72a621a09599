//! WindowsUpdate.log, both layouts, one record per line:
//!
//! * legacy (Windows 7/8): `YYYY-MM-DD<TAB>HH:MM:SS:mmm<TAB> PID<TAB>TID(hex)<TAB>Component<TAB>Text`,
//!   local time; each service start writes `Logging initialized (build: …, tz: +0200)` with an
//!   ISO offset (east positive), which applies to the following lines until the next header.
//!   Before the first header the offset is unknown and `time_utc` stays `None`.
//! * ETW-decoded (`Get-WindowsUpdateLog`, Windows 10+):
//!   `YYYY/MM/DD HH:MM:SS.fffffff PID TID Component<padding> message`, local time, no offset.
//!
//! The layout is recognised per line, so a file that mixes both (two logs concatenated) works.
//! Severity comes from the format's own markers only (`FATAL`, `*FAILED*`, `WARNING`): words
//! like "error" appear in many normal lines of these logs.

use std::borrow::Cow;

use chrono::NaiveDateTime;
use memchr::memmem;

use super::{time, LineIter, ParseCtx};
use crate::event::{Event, Format, Severity};

/// Legacy or ETW, by the first line that matches either layout, or `None`.
pub fn sniff(lines: &[&str]) -> Option<Format> {
    let mut legacy = 0usize;
    let mut etw = 0usize;
    let mut first = None;
    for l in lines {
        let f = if legacy_line(l).is_some() {
            legacy += 1;
            Format::WindowsUpdateLegacy
        } else if etw_line(l).is_some() {
            etw += 1;
            Format::WindowsUpdateEtw
        } else {
            continue;
        };
        first.get_or_insert(f);
    }
    let hits = legacy + etw;
    let first_line_hits = lines
        .first()
        .is_some_and(|l| legacy_line(l).is_some() || etw_line(l).is_some());
    if !(first_line_hits || (hits > 0 && hits * 2 >= lines.len())) {
        return None;
    }
    first
}

/// One WindowsUpdate.log line of either layout pasted among other text (no session header, so
/// a legacy line keeps its local time only), or `None`.
pub fn pasted_line<'a>(ctx: &ParseCtx, no: u64, t: &'a str) -> Option<Event<'a>> {
    if let Some(rec) = legacy_line(t) {
        let mut ev = record(ctx, no, t, Format::WindowsUpdateLegacy, &rec);
        ev.severity = legacy_severity(rec.message);
        return Some(ev);
    }
    let rec = etw_line(t)?;
    let mut ev = record(ctx, no, t, Format::WindowsUpdateEtw, &rec);
    ev.severity = etw_severity(rec.message);
    Some(ev)
}

fn legacy_severity(message: &str) -> Severity {
    if message.contains("FATAL") {
        Severity::Error
    } else if message.contains("WARNING") {
        Severity::Warning
    } else {
        Severity::Info
    }
}

fn etw_severity(message: &str) -> Severity {
    if message.contains("*FAILED*") || message.contains("FATAL") {
        Severity::Error
    } else if message.contains("WARNING") {
        Severity::Warning
    } else {
        Severity::Info
    }
}

pub fn parse<'a>(text: &'a str, first_line: u64, ctx: &ParseCtx, out: &mut dyn FnMut(Event<'a>)) {
    let tz_finder = memmem::Finder::new("tz:");
    // Offset east of UTC in minutes, from the last `Logging initialized` header.
    let mut offset: Option<i32> = None;
    for line in LineIter::new(text, first_line) {
        let t = line.text.trim_start_matches('\u{feff}');
        if t.trim().is_empty() {
            continue;
        }
        let ev = if let Some(rec) = legacy_line(t) {
            if rec.message.contains("Logging initialized") {
                if let Some(o) = tz_offset(rec.message, &tz_finder) {
                    offset = Some(o);
                }
            }
            let mut ev = record(ctx, line.no, t, Format::WindowsUpdateLegacy, &rec);
            ev.severity = legacy_severity(rec.message);
            if let Some(o) = offset {
                // Windows bias convention: UTC = local + bias, so bias = −(ISO offset).
                ev.bias = Some(-o);
                ev.time_utc = time::utc_from_bias(rec.local, -o);
            }
            ev
        } else if let Some(rec) = etw_line(t) {
            let mut ev = record(ctx, line.no, t, Format::WindowsUpdateEtw, &rec);
            ev.severity = etw_severity(rec.message);
            ev
        } else {
            super::unparsed(ctx, Format::Plain, line.no, t)
        };
        out(ev);
    }
}

fn record<'a>(ctx: &ParseCtx, no: u64, raw: &'a str, format: Format, rec: &Rec<'a>) -> Event<'a> {
    let mut ev = Event::new(ctx.file, no, ctx.kind, format, raw);
    ev.local_time = Some(rec.local);
    ev.thread = rec.thread;
    ev.component = rec.component;
    ev.message = Cow::Borrowed(rec.message);
    ev
}

struct Rec<'a> {
    local: NaiveDateTime,
    thread: Option<u32>,
    component: &'a str,
    message: &'a str,
}

/// Split off the next run of non-blank bytes; returns (token, rest after the blanks that follow).
fn token(s: &str) -> (&str, &str) {
    let s = s.trim_start_matches([' ', '\t']);
    let end = s.find([' ', '\t']).unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// `YYYY-MM-DD HH:MM:SS:mmm PID TID Component Text`, tab separated (whitespace tolerated, as
/// copies turn tabs into spaces).
/// Local time from a `YYYY?MM?DD` date field (separator already checked) and a clock field.
fn date_clock(db: &[u8], cb: &[u8]) -> Option<chrono::NaiveDateTime> {
    let (h, mi, s, ns) = time::hms(cb)?;
    time::make(
        time::digits(&db[0..4])? as i32,
        time::digits(&db[5..7])?,
        time::digits(&db[8..10])?,
        h,
        mi,
        s,
        ns,
    )
}

fn legacy_line(t: &str) -> Option<Rec<'_>> {
    let (date, rest) = token(t);
    let db = date.as_bytes();
    if db.len() != 10 || db[4] != b'-' || db[7] != b'-' {
        return None;
    }
    let (clock, rest) = token(rest);
    let cb = clock.as_bytes();
    // The colon before the milliseconds is what tells this layout from others.
    if cb.len() < 10 || cb[8] != b':' {
        return None;
    }
    let local = date_clock(db, cb)?;
    let (pid, rest) = token(rest);
    time::digits(pid.as_bytes())?;
    let (tid, rest) = token(rest);
    let thread = u32::from_str_radix(tid, 16).ok()?;
    let (component, rest) = token(rest);
    if component.is_empty() {
        return None;
    }
    Some(Rec {
        local,
        thread: Some(thread),
        component,
        message: rest.trim_start_matches([' ', '\t']).trim_end(),
    })
}

/// `YYYY/MM/DD HH:MM:SS.fffffff PID TID Component message` (decimal PID/TID). The date
/// separator follows the machine that decoded the trace: `/`, ISO `-` or `.` (the same one twice).
fn etw_line(t: &str) -> Option<Rec<'_>> {
    let (date, rest) = token(t);
    let db = date.as_bytes();
    if db.len() != 10 || !matches!(db[4], b'/' | b'-' | b'.') || db[7] != db[4] {
        return None;
    }
    let (clock, rest) = token(rest);
    let cb = clock.as_bytes();
    if cb.len() > 8 && cb[8] != b'.' {
        return None;
    }
    let local = date_clock(db, cb)?;
    let (pid, rest) = token(rest);
    time::digits(pid.as_bytes())?;
    let (tid, rest) = token(rest);
    let thread = time::digits(tid.as_bytes())?;
    // The component column may be blank (`Unknown( 10): GUID=…` header lines): only a plain
    // identifier counts as a component.
    let (comp, after) = token(rest);
    let (component, message) = if !comp.is_empty()
        && comp
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    {
        (comp, after)
    } else {
        ("", rest)
    };
    Some(Rec {
        local,
        thread: Some(thread),
        component,
        message: message.trim_start_matches([' ', '\t']).trim_end(),
    })
}

/// `tz: +0200` / `tz: -0700` → minutes east of UTC.
fn tz_offset(msg: &str, finder: &memmem::Finder<'_>) -> Option<i32> {
    let at = finder.find(msg.as_bytes())?;
    let b = msg.as_bytes().get(at + 3..)?;
    let b = &b[b.iter().take_while(|&&c| c == b' ').count()..];
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hh = time::digits(b.get(1..3)?)? as i32;
    let mm = time::digits(b.get(3..5)?)? as i32;
    if b.get(5).is_some_and(u8::is_ascii_digit) || hh > 14 || mm > 59 {
        return None;
    }
    Some(sign * (hh * 60 + mm))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::LogKind;

    fn run(text: &str) -> Vec<Event<'_>> {
        let ctx = ParseCtx::new(0, LogKind::WindowsUpdate);
        let mut v = Vec::new();
        parse(text, 1, &ctx, &mut |e| v.push(e));
        v
    }

    fn utc(e: &Event<'_>) -> Option<String> {
        e.time_utc.map(|t| t.to_rfc3339())
    }

    const LEGACY: &str = "2009-10-26\t10:55:49:474\t 912\t1084\tAgent\t* WSUS server: http://wsus01:8530\r\n\
2009-10-26\t10:55:49:490\t 912\t1084\tMisc\t===========  Logging initialized (build: 7.3.7600.16385, tz: +0200)  ===========\r\n\
2009-10-26\t10:55:50:001\t 912\t 44c\tPT\tWARNING: SyncServerUpdatesInternal failed: 0x80244010\r\n\
2009-10-26\t10:55:50:002\t 912\t 44c\tAgent\t  * error reported but no marker\r\n\
2009-10-26\t10:55:51:100\t 912\t1084\tHandler\tFATAL: Handler failed\r\n\
2009-10-27\t08:00:00:000\t 900\t10\tMisc\t===========  Logging initialized (build: 7.3.7600.16385, tz: -0700)  ===========\r\n\
2009-10-27\t08:00:01:000\t 900\t10\tAU\tAU finished delayed initialization\r\n";

    #[test]
    fn legacy_tz_from_session_header() {
        let v = run(LEGACY);
        assert_eq!(v.len(), 7);
        assert!(v
            .iter()
            .all(|e| e.parsed && e.format == Format::WindowsUpdateLegacy));
        // Before any header: local time only.
        assert_eq!(v[0].time_utc, None);
        assert_eq!(
            v[0].local_time.map(|t| t.to_string()),
            Some("2009-10-26 10:55:49.474".into())
        );
        assert_eq!(v[0].component, "Agent");
        assert_eq!(v[0].message, "* WSUS server: http://wsus01:8530");
        // tz +0200: UTC is two hours earlier, including the header line itself.
        assert_eq!(utc(&v[1]).as_deref(), Some("2009-10-26T08:55:49.490+00:00"));
        assert_eq!(v[1].bias, Some(-120));
        assert_eq!(utc(&v[2]).as_deref(), Some("2009-10-26T08:55:50.001+00:00"));
        assert_eq!(v[2].thread, Some(0x44c));
        assert_eq!(v[2].severity, Severity::Warning);
        assert_eq!(v[3].severity, Severity::Info);
        assert_eq!(v[4].severity, Severity::Error);
        // tz -0700: UTC is seven hours later.
        assert_eq!(utc(&v[6]).as_deref(), Some("2009-10-27T15:00:01+00:00"));
        assert_eq!(v[6].bias, Some(420));
        assert_eq!(v[6].line, 7);
    }

    #[test]
    fn legacy_lf_garbage_and_truncated() {
        let text = "2009-10-26\t10:55:49:474\t 912\t1084\tAgent\tfirst\n\u{fffd}\u{fffd}junk\n2009-10-26\t10:55:49:475\t 912\t1084\tAgent\tsecond\n2009-10-26\t10:55";
        let v = run(text);
        assert_eq!(v.len(), 4);
        assert!(!v[1].parsed);
        assert_eq!(v[1].line, 2);
        assert_eq!(v[2].message, "second");
        assert!(v[2].parsed);
        assert!(!v[3].parsed);
        assert_eq!(v[3].raw, "2009-10-26\t10:55");
    }

    const ETW: &str = "1601/01/01 01:00:00.0000000 2040  2816                  Unknown( 10): GUID=d1317ae8-ec05-3e09-4a50-93af6b9d0c9a (No Format Information found).\r\n\
2021/07/13 18:07:15.2048031 3736  3464  Agent           * END * Finding updates CallerId = CcmExec, Id = 2, Exit code = 0x00000000\r\n\
2021/07/13 18:07:16.1000000 3736  3464  ProtocolTalker  *FAILED* [80244022] Sync of Updates\r\n\
2021/07/13 18:07:17.0000000 3736  3464  Agent           WARNING: Exit code = 0x8024401C\r\n\
2021/07/13 18:07:18.0000000 3736  3464  Shared          Effective power state: AC\r\n";

    #[test]
    fn etw_lines() {
        let v = run(ETW);
        assert_eq!(v.len(), 5);
        assert!(v
            .iter()
            .all(|e| e.parsed && e.format == Format::WindowsUpdateEtw));
        assert_eq!(v[0].component, "");
        assert!(v[0].message.starts_with("Unknown( 10): GUID="));
        assert_eq!(v[1].component, "Agent");
        assert_eq!(v[1].thread, Some(3464));
        assert!(v[1].message.starts_with("* END * Finding updates"));
        assert_eq!(
            v[1].local_time.map(|t| t.to_string()),
            Some("2021-07-13 18:07:15.204803100".into())
        );
        assert!(v.iter().all(|e| e.time_utc.is_none()));
        assert_eq!(v[1].severity, Severity::Info);
        assert_eq!(v[2].severity, Severity::Error);
        assert_eq!(v[3].severity, Severity::Warning);
        assert_eq!(v[4].line, 5);
    }

    /// `Get-WindowsUpdateLog` on a machine with ISO (or dotted) dates.
    const ETW_ISO: &str = "2024-04-11 12:48:04.6269606 1980  8444  DownloadManager PurgeExpiredFiles::Found 0 expired files to delete.\r\n\
2024-04-11 12:48:05.0000001 1980  8444  ProtocolTalker  *FAILED* [8024401C] Sync of Updates\r\n\
2024.04.11 12:48:06.1000000 1980  8444  Agent           * END * Finding updates CallerId = CcmExec  Id = 7  Exit code = 0x8024401C\r\n";

    #[test]
    fn etw_lines_with_iso_and_dotted_dates() {
        let v = run(ETW_ISO);
        assert_eq!(v.len(), 3);
        assert!(
            v.iter()
                .all(|e| e.parsed && e.format == Format::WindowsUpdateEtw),
            "{v:?}"
        );
        assert_eq!(v[0].component, "DownloadManager");
        assert_eq!(v[0].thread, Some(8444));
        assert_eq!(
            v[0].local_time.map(|t| t.to_string()),
            Some("2024-04-11 12:48:04.626960600".into())
        );
        assert_eq!(v[1].severity, Severity::Error);
        assert_eq!(v[2].component, "Agent");
        let lines: Vec<&str> = ETW_ISO.lines().collect();
        assert_eq!(sniff(&lines), Some(Format::WindowsUpdateEtw));
        // Mixed separators are no date.
        assert!(etw_line("2024-04/11 12:48:04.6269606 1980 8444 Agent x").is_none());
        // A dated sentence is no ETW line (no PID and TID).
        assert!(etw_line("2024-04-11 12:48:04.6269606 the scan failed").is_none());
    }

    #[test]
    fn pasted_lines_of_either_layout() {
        let ctx = ParseCtx::new(0, LogKind::Other);
        let l = "2009-10-26\t10:55:50:001\t 912\t 44c\tPT\tWARNING: SyncServerUpdatesInternal failed: 0x80244010";
        let e = pasted_line(&ctx, 3, l);
        assert!(e
            .as_ref()
            .is_some_and(|e| e.format == Format::WindowsUpdateLegacy
                && e.severity == Severity::Warning
                && e.line == 3
                && e.time_utc.is_none()));
        let e = pasted_line(&ctx, 4, ETW_ISO.lines().nth(1).unwrap_or(""));
        assert!(e.is_some_and(|e| e.format == Format::WindowsUpdateEtw && e.severity == Severity::Error));
        assert!(pasted_line(&ctx, 5, "Sync failed: WSUS server not configured").is_none());
    }

    #[test]
    fn sniff_layouts() {
        let legacy: Vec<&str> = LEGACY.lines().collect();
        let etw: Vec<&str> = ETW.lines().collect();
        assert_eq!(sniff(&legacy), Some(Format::WindowsUpdateLegacy));
        assert_eq!(sniff(&etw), Some(Format::WindowsUpdateEtw));
        assert_eq!(
            sniff(&["2026-11-20 07:01:02.123 UTC\tInfo\tWsusService.13\tA.B\tx"]),
            None
        );
        assert_eq!(sniff(&[]), None);
        assert!(run("").is_empty());
    }

    #[test]
    fn tz_parsing() {
        let f = memmem::Finder::new("tz:");
        assert_eq!(tz_offset("(build: 7.3, tz: +0530)", &f), Some(330));
        assert_eq!(tz_offset("(build: 7.3, tz: -0700)", &f), Some(-420));
        assert_eq!(tz_offset("(tz: 0200)", &f), None);
        assert_eq!(tz_offset("(tz: +02)", &f), None);
    }
}
