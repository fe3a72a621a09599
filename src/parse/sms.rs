//! SMS trace format trailer: `msg  $$<COMPONENT><MM-DD-YYYY HH:MM:SS.mmm+BBB><thread=N (0xHEX)>`.
//!
//! Record splitting (one physical line, or several when the message kept real newlines and the
//! trailer is on the last line) lives in [`super::ccm`]; this module parses one trailer.

use chrono::{DateTime, NaiveDateTime, Utc};
use memchr::memmem;

use super::time;

pub const MARK: &str = "$$<";

#[derive(Debug, Clone, PartialEq)]
pub struct Trailer<'a> {
    /// Message text before the trailer, trailing whitespace trimmed.
    pub message: &'a str,
    pub component: &'a str,
    pub local: Option<NaiveDateTime>,
    pub bias: Option<i32>,
    pub utc: Option<DateTime<Utc>>,
    pub thread: Option<u32>,
}

/// Parse a line (or the last line of a multi-line record) ending in an SMS trailer.
/// `line` must not contain the line terminator. Returns `None` when there is no valid trailer.
pub fn parse_trailer(line: &str) -> Option<Trailer<'_>> {
    let pos = memmem::rfind(line.as_bytes(), MARK.as_bytes())?;
    let message = line[..pos].trim_end();
    let rest = &line[pos + MARK.len()..];
    // <COMPONENT>
    let comp_end = rest.find('>')?;
    let component = &rest[..comp_end];
    let rest = rest[comp_end + 1..].strip_prefix('<')?;
    // <date time+bias>
    let ts_end = rest.find('>')?;
    let ts = &rest[..ts_end];
    let rest = rest[ts_end + 1..].trim_end();
    // <thread=N (0xN)>
    let thread_part = rest.strip_prefix("<thread=")?.strip_suffix('>')?;
    let thread = thread_part
        .split([' ', '('])
        .next()
        .and_then(|n| n.trim().parse().ok());
    let (local, bias, utc) = timestamp(ts);
    Some(Trailer {
        message,
        component,
        local,
        bias,
        utc,
        thread,
    })
}

/// `MM-DD-YYYY HH:MM:SS.mmm+BBB` → (local, bias, utc). Old SMS 2.0 stamps give (None, None, None).
pub fn timestamp(ts: &str) -> (Option<NaiveDateTime>, Option<i32>, Option<DateTime<Utc>>) {
    let b = ts.as_bytes();
    let Some(sp) = memchr::memchr(b' ', b) else {
        return (None, None, None);
    };
    let date = &b[..sp];
    let clock_bias = &b[sp + 1..];
    let split = clock_bias
        .iter()
        .enumerate()
        .skip(8)
        .find(|(_, &c)| c == b'+' || c == b'-')
        .map(|(i, _)| i);
    let (clock, bias) = match split {
        Some(i) => (&clock_bias[..i], time::bias(&clock_bias[i..])),
        None => (clock_bias, None),
    };
    let local = time::mdy(date).and_then(|(y, mo, d)| {
        let (h, m, s, ns) = time::hms(clock)?;
        time::make(y, mo, d, h, m, s, ns)
    });
    let utc = match (local, bias) {
        (Some(l), Some(b)) => time::utc_from_bias(l, b),
        _ => None,
    };
    (local, bias, utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_wsyncmgr_line() {
        let t = parse_trailer("Starting Sync  $$<SMS_WSUS_SYNC_MANAGER><02-08-2020 02:13:11.659+480><thread=5976 (0x1758)>")
            .expect("trailer");
        assert_eq!(t.message, "Starting Sync");
        assert_eq!(t.component, "SMS_WSUS_SYNC_MANAGER");
        assert_eq!(t.thread, Some(5976));
        assert_eq!(t.bias, Some(480));
        assert_eq!(
            t.utc.map(|u| u.to_rfc3339()),
            Some("2020-02-08T10:13:11.659+00:00".into())
        );
    }

    #[test]
    fn negative_bias_and_single_space() {
        let t =
            parse_trailer("x $$<C><07-01-2026 10:00:00.000-120><thread=1 (0x1)>").expect("trailer");
        assert_eq!(
            t.utc.map(|u| u.to_rfc3339()),
            Some("2026-07-01T08:00:00+00:00".into())
        );
    }

    #[test]
    fn message_containing_marker_uses_last_one() {
        let t = parse_trailer("a $$<b> c  $$<SMS_X><01-02-2026 00:00:00.000+000><thread=7 (0x7)>")
            .expect("trailer");
        assert_eq!(t.message, "a $$<b> c");
        assert_eq!(t.component, "SMS_X");
    }

    #[test]
    fn old_sms2_time_element_is_tolerated() {
        let t = parse_trailer("x $$<SMS_SITE_COMPONENT_MANAGER><Fri Mar 26 10:43:41.547 1999 Eastern Standard Time><thread=281 (0x119)>")
            .expect("trailer");
        assert_eq!(t.thread, Some(281));
        assert!(t.utc.is_none());
    }

    #[test]
    fn not_a_trailer() {
        assert!(parse_trailer("plain text").is_none());
        assert!(parse_trailer("x $$<C><junk").is_none());
    }
}
