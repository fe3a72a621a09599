//! Plain text, as people paste log lines into tickets and forums: one record per line.
//!
//! Understood wrappers around the message (all optional):
//! * a leading timestamp `MM-DD-YYYY HH:MM:SS[.mmm][+bias]` or `YYYY-MM-DD HH:MM:SS[.mmm]`;
//! * CMTrace's *Copy to Clipboard* columns, tab separated: `message<TAB>component<TAB>date time<TAB>thread`;
//! * a trailing component column written with spaces (`Starting Sync     SMS_WSUS_SYNC_MANAGER`).
//!
//! A component that names a known log (SMS_WSUS_SYNC_MANAGER → wsyncmgr) sets the event's kind,
//! so the rules of that log apply to the pasted line.

use std::borrow::Cow;

use super::{infer_severity, time, LineIter, ParseCtx};
use crate::event::{Event, Format, LogKind};

pub fn parse<'a>(text: &'a str, first_line: u64, ctx: &ParseCtx, out: &mut dyn FnMut(Event<'a>)) {
    for line in LineIter::new(text, first_line) {
        let t = line.text.trim_start_matches('\u{feff}');
        if t.trim().is_empty() {
            continue;
        }
        out(parse_line(ctx, line.no, t));
    }
}

/// Parse one pasted line.
pub fn parse_line<'a>(ctx: &ParseCtx, line_no: u64, raw: &'a str) -> Event<'a> {
    // Whole lines of a log with its own layout keep their fields (and their rules): a
    // WindowsUpdate.log line of either layout, an IIS request line without its header. Both
    // start with a digit, so prose is not tried.
    if raw.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
        let line = raw.trim();
        let pasted = super::windowsupdate::pasted_line(ctx, line_no, line)
            .map(|e| (e, LogKind::WindowsUpdate))
            .or_else(|| super::iis::pasted_line(ctx, line_no, line).map(|e| (e, LogKind::Iis)));
        if let Some((mut ev, kind)) = pasted {
            if ctx.kind == LogKind::Other {
                ev.kind = kind;
            }
            return ev;
        }
    }
    let mut ev = Event::new(ctx.file, line_no, ctx.kind, Format::Plain, raw);
    let mut msg = raw.trim();

    // Leading timestamp.
    if let Some((local, bias, rest)) = leading_timestamp(msg) {
        ev.local_time = Some(local);
        ev.bias = bias;
        ev.time_utc = match bias {
            Some(b) => time::utc_from_bias(local, b),
            None => None,
        };
        msg = rest.trim_start();
    }

    // CMTrace clipboard columns.
    if msg.contains('\t') {
        let mut cols = msg.split('\t');
        let first = cols.next().unwrap_or("").trim_end();
        for col in cols {
            let c = col.trim();
            if c.is_empty() {
                continue;
            }
            if ev.component.is_empty() && is_component(c) {
                ev.component = c;
            } else if ev.thread.is_none() && c.bytes().all(|b| b.is_ascii_digit()) {
                ev.thread = c.parse().ok();
            }
        }
        if !ev.component.is_empty() {
            msg = first;
        }
    } else if let Some((m, comp)) = trailing_component(msg) {
        msg = m;
        ev.component = comp;
    }

    if ctx.kind == LogKind::Other || ctx.kind == ev.kind {
        if let Some(k) = LogKind::from_component(ev.component) {
            ev.kind = k;
        }
    }
    ev.message = Cow::Borrowed(msg);
    ev.severity = infer_severity(msg);
    ev
}

/// `SMS_WSUS_SYNC_MANAGER`, `WUAHandler`, `Software Updates Patch Downloader`, …
fn is_component(s: &str) -> bool {
    if LogKind::from_component(s).is_some() {
        return true;
    }
    let upper_ok = s.len() > 4
        && s.starts_with("SMS_")
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    upper_ok
}

/// Split `message<ws>COMPONENT` when the last token is a known component.
fn trailing_component(msg: &str) -> Option<(&str, &str)> {
    // Multi-word component names first.
    let upper_tail = |n: &str| {
        msg.len() > n.len()
            && msg.is_char_boundary(msg.len() - n.len())
            && msg[msg.len() - n.len()..].eq_ignore_ascii_case(n)
    };
    for kind in LogKind::KNOWN {
        for comp in kind.components() {
            if comp.contains(' ') && upper_tail(comp) {
                let head = &msg[..msg.len() - comp.len()];
                if head.ends_with(char::is_whitespace) {
                    return Some((head.trim_end(), &msg[msg.len() - comp.len()..]));
                }
            }
        }
    }
    let idx = msg.rfind(char::is_whitespace)?;
    let (head, tail) = (&msg[..idx], msg[idx..].trim());
    if head.trim().is_empty() || !is_component(tail) {
        return None;
    }
    Some((head.trim_end(), tail))
}

/// A leading `MM-DD-YYYY HH:MM:SS[.fff][±bias]` or `YYYY-MM-DD HH:MM:SS[.fff]` (also `T`).
fn leading_timestamp(s: &str) -> Option<(chrono::NaiveDateTime, Option<i32>, &str)> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let (y, mo, d) = if b[2] == b'-' || b[2] == b'/' {
        let (y, m, d) = time::mdy(&b[..10])?;
        (y, m, d)
    } else if b[4] == b'-' || b[4] == b'/' {
        let y = time::digits(&b[0..4])? as i32;
        let m = time::digits(&b[5..7])?;
        let d = time::digits(&b[8..10])?;
        (y, m, d)
    } else {
        return None;
    };
    if b[10] != b' ' && b[10] != b'T' {
        return None;
    }
    // Clock: up to the first char that is not digit/colon/dot.
    let clock_end = b[11..]
        .iter()
        .position(|c| !(c.is_ascii_digit() || *c == b':' || *c == b'.'))
        .map_or(b.len(), |p| 11 + p);
    let (h, mi, sec, ns) = time::hms(&b[11..clock_end])?;
    let local = time::make(y, mo, d, h, mi, sec, ns)?;
    let mut rest_start = clock_end;
    let mut bias = None;
    if clock_end < b.len() && (b[clock_end] == b'+' || b[clock_end] == b'-') {
        let bend = b[clock_end + 1..]
            .iter()
            .position(|c| !c.is_ascii_digit())
            .map_or(b.len(), |p| clock_end + 1 + p);
        bias = time::bias(&b[clock_end..bend]);
        rest_start = bend;
    }
    // Trailing "UTC"/"Z" marks a UTC stamp.
    let rest = &s[rest_start..];
    let rest = if let Some(r) = rest.strip_prefix(" UTC") {
        bias = Some(0);
        r
    } else if let Some(r) = rest.strip_prefix('Z') {
        bias = Some(0);
        r
    } else {
        rest
    };
    Some((local, bias, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ParseCtx {
        ParseCtx::new(0, LogKind::Other)
    }

    #[test]
    fn cmtrace_grid_copy_with_spaces() {
        let ev = parse_line(&ctx(), 1, "Sync failed: WSUS server not configured. Please refer to WCM.log for configuration error details.     SMS_WSUS_SYNC_MANAGER");
        assert_eq!(ev.component, "SMS_WSUS_SYNC_MANAGER");
        assert_eq!(ev.kind, LogKind::Wsyncmgr);
        assert!(ev.message.ends_with("details."));
    }

    #[test]
    fn clipboard_tabs_with_time_and_thread() {
        let ev = parse_line(
            &ctx(),
            3,
            "Starting Sync\tSMS_WSUS_SYNC_MANAGER\t2/8/2020 2:13:11 AM\t5976 (0x1758)",
        );
        assert_eq!(ev.message, "Starting Sync");
        assert_eq!(ev.kind, LogKind::Wsyncmgr);
    }

    #[test]
    fn leading_timestamp_with_bias() {
        let ev = parse_line(&ctx(), 1, "11-20-2026 07:01:02.123+060 Failed to download the update from internet. Error = 12007");
        assert_eq!(
            ev.time_utc.map(|t| t.to_rfc3339()),
            Some("2026-11-20T08:01:02.123+00:00".into())
        );
        assert!(ev.message.starts_with("Failed"));
    }

    #[test]
    fn pasted_windows_update_and_iis_lines_keep_their_fields() {
        let ev = parse_line(
            &ctx(),
            2,
            "2024-04-11 12:48:05.0000001 1980  8444  ProtocolTalker  *FAILED* [8024401C] Sync of Updates",
        );
        assert_eq!(
            (ev.kind, ev.format),
            (LogKind::WindowsUpdate, Format::WindowsUpdateEtw)
        );
        assert_eq!(ev.component, "ProtocolTalker");
        assert_eq!(ev.message, "*FAILED* [8024401C] Sync of Updates");
        let ev = parse_line(
            &ctx(),
            3,
            "2026-11-18 13:59:51 10.20.1.21 POST /ClientWebService/client.asmx - 8530 - 10.20.40.167 Windows-Update-Agent - 503 0 0 0",
        );
        assert_eq!((ev.kind, ev.format), (LogKind::Iis, Format::Iis));
        assert!(ev
            .message
            .starts_with("POST /ClientWebService/client.asmx 503.0"));
        // A dated sentence stays plain.
        let ev = parse_line(&ctx(), 4, "2026-11-20 07:01:02 the sync failed");
        assert_eq!(ev.format, Format::Plain);
        assert_eq!(ev.message, "the sync failed");
    }

    #[test]
    fn plain_sentence_is_untouched() {
        let ev = parse_line(&ctx(), 1, "The remote name could not be resolved");
        assert_eq!(ev.component, "");
        assert_eq!(ev.message, "The remote name could not be resolved");
    }
}
