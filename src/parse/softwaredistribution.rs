//! WSUS SoftwareDistribution.log and Change.log:
//! `YYYY-MM-DD HH:MM:SS.mmm UTC<TAB>Level<TAB>process.thread<TAB>Class.Method<TAB>message`.
//!
//! Published copies turn the tabs into runs of spaces or drop them (`Changew3wp.6AdminData…`),
//! so after the stamp the level (`Info|Warning|Error|Change`) and the `process.thread` token are
//! recognised by shape; each is optional. A line starting with a valid stamp opens a record (the
//! stamp alone is enough: it is what tells records apart). Any other non-blank line while a record
//! is open — .NET stack frames (`   at …`), `--- End of inner exception stack trace ---`, wrapped
//! messages — continues that record: `raw` and `message` then run to the end of the last
//! continuation line, still borrowed. A record that grows past `MAX_LINES` / `MAX_BYTES` is
//! closed there and the rest of its continuation lines are emitted as unparsed.

use std::borrow::Cow;

use chrono::NaiveDateTime;

use super::{infer_severity, time, LineIter, ParseCtx};
use crate::event::{Event, Format, Severity};

/// Real continuations are stack traces: a few hundred lines at most.
const MAX_LINES: usize = 10_000;
const MAX_BYTES: usize = 4 << 20;

/// True when the first line, or at least half of the lines, start with a `… UTC` stamp.
pub fn sniff(lines: &[&str]) -> bool {
    let utc_stamp = |l: &str| matches!(stamp(l), Some((_, true, _)));
    let Some(first) = lines.first() else {
        return false;
    };
    if utc_stamp(first) {
        return true;
    }
    let hits = lines.iter().filter(|l| utc_stamp(l)).count();
    hits > 0 && hits * 2 >= lines.len()
}

/// The open record: where it starts, where its message starts, where its last line ends.
struct Open<'a> {
    ev: Event<'a>,
    level: Option<Severity>,
    start: usize,
    msg_start: usize,
    end: usize,
    lines: usize,
}

pub fn parse<'a>(text: &'a str, first_line: u64, ctx: &ParseCtx, out: &mut dyn FnMut(Event<'a>)) {
    let mut open: Option<Open<'a>> = None;
    // Set when the open record hit the cap: its remaining continuation lines become unparsed.
    let mut overflow = false;

    for line in LineIter::new(text, first_line) {
        let t = line.text;
        if t.trim().is_empty() {
            continue;
        }
        let bom = t.len() - t.trim_start_matches('\u{feff}').len();
        if let Some(head) = record_head(&t[bom..]) {
            if let Some(o) = open.take() {
                out(finish(text, o));
            }
            overflow = false;
            let start = line.start + bom;
            let mut ev = Event::new(ctx.file, line.no, ctx.kind, Format::Softwaredistribution, t);
            ev.local_time = Some(head.local);
            if head.utc {
                ev.bias = Some(0);
                ev.time_utc = Some(head.local.and_utc());
            }
            ev.thread = head.thread;
            ev.component = head.component;
            open = Some(Open {
                ev,
                level: head.level,
                start,
                msg_start: start + head.msg_offset,
                end: line.end_no_eol,
                lines: 1,
            });
            continue;
        }
        match open.as_mut() {
            Some(o) if !overflow => {
                o.lines += 1;
                o.end = line.end_no_eol;
                if o.lines >= MAX_LINES || o.end - o.start >= MAX_BYTES {
                    if let Some(o) = open.take() {
                        out(finish(text, o));
                    }
                    overflow = true;
                }
            }
            _ => out(super::unparsed(ctx, Format::Plain, line.no, t)),
        }
    }
    if let Some(o) = open.take() {
        out(finish(text, o));
    }
}

/// Close a record: slice `raw` and `message` over all its lines; severity from the level or, for
/// lines whose level column was lost, from the words.
fn finish<'a>(text: &'a str, o: Open<'a>) -> Event<'a> {
    let mut ev = o.ev;
    ev.raw = text.get(o.start..o.end).unwrap_or(ev.raw);
    let msg = text.get(o.msg_start..o.end).unwrap_or("").trim_end();
    ev.message = Cow::Borrowed(msg);
    ev.severity = o.level.unwrap_or_else(|| infer_severity(msg));
    ev
}

/// What the columns before the message say.
struct Head<'a> {
    local: NaiveDateTime,
    utc: bool,
    /// `None` when the level column is missing: severity is then inferred from the message.
    level: Option<Severity>,
    thread: Option<u32>,
    component: &'a str,
    msg_offset: usize,
}

fn record_head(t: &str) -> Option<Head<'_>> {
    let (local, utc, after) = stamp(t)?;
    let mut pos = after;
    let b = t.as_bytes();
    let skip_ws = |mut p: usize| {
        while p < b.len() && (b[p] == b' ' || b[p] == b'\t') {
            p += 1;
        }
        p
    };
    pos = skip_ws(pos);

    let mut level = None;
    for (word, sev) in [
        ("Info", Severity::Info),
        ("Warning", Severity::Warning),
        ("Error", Severity::Error),
        ("Change", Severity::Info),
    ] {
        if t[pos..].starts_with(word) {
            level = Some(sev);
            pos = skip_ws(pos + word.len());
            break;
        }
    }

    let (process, thread, next) = process_token(t, pos).unwrap_or(("", None, pos));
    pos = skip_ws(next);

    // `Class.Method`: the next token, when the columns are still apart. A tab after it, or a
    // dotted identifier, marks it as the component; otherwise it is the message's first word.
    let tok_end = b[pos..]
        .iter()
        .position(|&c| c == b' ' || c == b'\t')
        .map_or(b.len(), |p| pos + p);
    let tok = &t[pos..tok_end];
    let tabbed = b.get(tok_end) == Some(&b'\t');
    let component = if !tok.is_empty()
        && !process.is_empty()
        && (tabbed || is_dotted_ident(tok))
        && tok_end < b.len()
    {
        pos = skip_ws(tok_end);
        tok
    } else {
        process
    };
    Some(Head {
        local,
        utc,
        level,
        thread,
        component,
        msg_offset: pos,
    })
}

/// `process.thread` at `pos`: whitespace-delimited (`WsusService.15`) or glued to the next
/// column (`w3wp.6AdminDataAccess…`). Returns (process, thread, end).
fn process_token(t: &str, pos: usize) -> Option<(&str, Option<u32>, usize)> {
    let b = t.as_bytes();
    let name_end = b[pos..]
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-'))
        .map_or(b.len(), |p| pos + p);
    if name_end == pos || b.get(name_end) != Some(&b'.') {
        return None;
    }
    let digits_start = name_end + 1;
    let digits_end = b[digits_start..]
        .iter()
        .position(|c| !c.is_ascii_digit())
        .map_or(b.len(), |p| digits_start + p);
    if digits_end == digits_start {
        return None;
    }
    let thread = time::digits(&b[digits_start..digits_end]);
    Some((&t[pos..digits_end], thread, digits_end))
}

fn is_dotted_ident(s: &str) -> bool {
    s.contains('.')
        && !s.ends_with('.')
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b'`')
}

/// `YYYY-MM-DD HH:MM:SS[.f…]` at the start of `t`, with an optional ` UTC`. Returns the time,
/// whether it was marked UTC, and the byte offset after the stamp.
fn stamp(t: &str) -> Option<(NaiveDateTime, bool, usize)> {
    let b = t.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' {
        return None;
    }
    let y = time::digits(&b[0..4])? as i32;
    let mo = time::digits(&b[5..7])?;
    let d = time::digits(&b[8..10])?;
    let clock_end = b[11..]
        .iter()
        .position(|&c| !(c.is_ascii_digit() || c == b':' || c == b'.'))
        .map_or(b.len(), |p| 11 + p);
    let clock = &b[11..clock_end];
    // `HH:MM:SS:mmm` (colon) is legacy WindowsUpdate.log, not this format.
    if clock.get(8) == Some(&b':') {
        return None;
    }
    let (h, mi, s, ns) = time::hms(clock)?;
    let local = time::make(y, mo, d, h, mi, s, ns)?;
    let rest = &b[clock_end..];
    // Copies that lost their tabs glue the level to the marker (`UTCChange…`).
    if rest.starts_with(b" UTC") {
        return Some((local, true, clock_end + 4));
    }
    Some((local, false, clock_end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::LogKind;

    fn run(text: &str) -> Vec<Event<'_>> {
        let ctx = ParseCtx::new(0, LogKind::SoftwareDistribution);
        let mut v = Vec::new();
        parse(text, 1, &ctx, &mut |e| v.push(e));
        v
    }

    const SAMPLE: &str = "2026-11-20 07:01:02.123 UTC\tInfo\tWsusService.13\tEventLogEventReporter.ReportEvent\tEventId=382,Type=Information,Category=Synchronization,Message=A manual synchronization was started.\r\n\
2026-11-20 07:01:40.617 UTC\tError\tWsusService.13\tWebServiceCommunicationHelper.ProcessWebServiceProxyException\tProcessWebServiceProxyException found Exception was WebException. Action: Retry.\r\n\
System.Net.WebException: The operation has timed out\r\n\
   at System.Web.Services.Protocols.WebClientProtocol.GetWebResponse(WebRequest request)\r\n\
   --- End of inner exception stack trace ---\r\n\
   at Microsoft.UpdateServices.ServerSync.ServerSyncHelper.GetUpdateData()\r\n\
2026-11-20 07:02:00.000 UTC\tChange\tw3wp.58\tAdminDataAccess.StartSubscriptionManually\tSubscription started\r\n";

    #[test]
    fn tabbed_records_with_continuation() {
        let v = run(SAMPLE);
        assert_eq!(v.len(), 3);
        assert!(v.iter().all(|e| e.parsed));
        assert_eq!(
            v[0].time_utc.map(|t| t.to_rfc3339()),
            Some("2026-11-20T07:01:02.123+00:00".into())
        );
        assert_eq!(v[0].bias, Some(0));
        assert_eq!(v[0].component, "EventLogEventReporter.ReportEvent");
        assert_eq!(v[0].thread, Some(13));
        assert!(v[0].message.starts_with("EventId=382,"));
        assert!(v[0].message.ends_with("was started."));

        let e = &v[1];
        assert_eq!(e.line, 2);
        assert_eq!(e.severity, Severity::Error);
        assert_eq!(
            e.component,
            "WebServiceCommunicationHelper.ProcessWebServiceProxyException"
        );
        assert!(e.raw.starts_with("2026-11-20 07:01:40.617 UTC\tError"));
        assert!(e.raw.ends_with("ServerSyncHelper.GetUpdateData()"));
        assert_eq!(e.raw.lines().count(), 5);
        assert!(e
            .message
            .starts_with("ProcessWebServiceProxyException found"));
        assert!(e
            .message
            .contains("--- End of inner exception stack trace ---"));
        assert!(e.message.ends_with("GetUpdateData()"));

        assert_eq!(v[2].line, 7);
        assert_eq!(v[2].severity, Severity::Info);
        assert_eq!(v[2].component, "AdminDataAccess.StartSubscriptionManually");
        assert_eq!(v[2].thread, Some(58));
    }

    #[test]
    fn space_separated_copy_and_lf() {
        let text = "2019-05-02 14:31:16.781 UTC    Warning    w3wp.28    ThreadEntry.Run    Something odd happened\n\
2019-05-02 14:31:17.000 UTC Info WsusService.7 CatalogSyncAgent.SetSubscriptionStateWithRetry Firing event SyncFinish...\n";
        let v = run(text);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].severity, Severity::Warning);
        assert_eq!(v[0].component, "ThreadEntry.Run");
        assert_eq!(v[0].message, "Something odd happened");
        assert_eq!(
            v[1].component,
            "CatalogSyncAgent.SetSubscriptionStateWithRetry"
        );
        assert_eq!(v[1].message, "Firing event SyncFinish...");
        assert_eq!(v[1].thread, Some(7));
    }

    #[test]
    fn glued_columns() {
        // As printed in a Microsoft article: every tab lost.
        let v =
            run("2026-01-05 10:00:00.000 UTCChangew3wp.6AdminDataAccess.StartSubscriptionManually");
        assert_eq!(v.len(), 1);
        assert!(v[0].parsed);
        assert_eq!(v[0].thread, Some(6));
        assert_eq!(v[0].severity, Severity::Info);
        assert_eq!(v[0].component, "w3wp.6");
        assert_eq!(v[0].message, "AdminDataAccess.StartSubscriptionManually");
        assert_eq!(
            v[0].time_utc.map(|t| t.to_rfc3339()),
            Some("2026-01-05T10:00:00+00:00".into())
        );
    }

    #[test]
    fn leading_garbage_and_truncated_tail() {
        let text = "@@garbage@@\n2026-11-20 07:01:02.123 UTC\tInfo\tWsusService.13\tA.B\tfirst\n2026-11-20 07:0";
        let v = run(text);
        assert_eq!(v.len(), 2);
        assert!(!v[0].parsed);
        assert_eq!(v[0].line, 1);
        // The cut line is no stamp, so it continues the open record.
        assert_eq!(v[1].line, 2);
        assert!(v[1].raw.ends_with("2026-11-20 07:0"));
        assert_eq!(v[1].message, "first\n2026-11-20 07:0");
    }

    #[test]
    fn severity_inferred_when_level_missing() {
        let v = run("2026-11-20 07:01:02.123 UTC  SoapUtilities.LogException failed badly");
        assert_eq!(v[0].severity, Severity::Error);
    }

    #[test]
    fn continuation_cap() {
        let mut text = String::from("2026-11-20 07:01:02.123 UTC\tError\tw3wp.1\tA.B\tboom\n");
        for _ in 0..MAX_LINES + 5 {
            text.push_str("   at X.Y()\n");
        }
        text.push_str("2026-11-20 07:01:03.000 UTC\tInfo\tw3wp.1\tA.B\tnext\n");
        let v = run(&text);
        assert_eq!(v[0].raw.lines().count(), MAX_LINES);
        let unparsed = v.iter().filter(|e| !e.parsed).count();
        assert_eq!(unparsed, 6);
        assert_eq!(v.len(), 8);
        let last = v.last().map(|e| e.message.to_string());
        assert_eq!(last.as_deref(), Some("next"));
    }

    #[test]
    fn empty_and_sniff() {
        assert!(run("").is_empty());
        assert!(sniff(&[
            "2026-11-20 07:01:02.123 UTC\tInfo\tWsusService.13\tA.B\tx"
        ]));
        assert!(!sniff(&["2009-10-26\t10:55:49:474\t 912\t1084\tMisc\tx"]));
        assert!(!sniff(&[
            "2026-11-20 07:01:02 10.0.0.1 GET / - 8530 - 10.1.2.3 UA - 200 0 0 5"
        ]));
    }
}
