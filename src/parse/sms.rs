//! SMS trace format trailer: `msg  $$<COMPONENT><MM-DD-YYYY HH:MM:SS.mmm+BBB><thread=N (0xHEX)>`.
//!
//! Record splitting (one physical line, or several when the message kept real newlines and the
//! trailer is on the last line) lives in [`super::ccm`]; this module parses one trailer.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::time::{self, DateCache};

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

/// Start of the last `$$<` in `b`. Scans backwards for `$` with memrchr (the trailer is at the
/// end of the line, so this touches the trailer only, not the message).
#[inline]
fn last_mark(b: &[u8]) -> Option<usize> {
    let mut end = b.len();
    while let Some(q) = memchr::memrchr(b'$', &b[..end]) {
        // `q` as the second `$` of the marker.
        if q >= 1 && b[q - 1] == b'$' && b.get(q + 1) == Some(&b'<') {
            return Some(q - 1);
        }
        end = q;
    }
    None
}

/// The parts of a trailer: (message end, component, timestamp text, thread text).
#[inline]
fn split_trailer(line: &str) -> Option<(usize, &str, &str, &str)> {
    let pos = last_mark(line.as_bytes())?;
    let rest = &line[pos + MARK.len()..];
    let gt = |s: &str| super::find_byte(b'>', s.as_bytes());
    // <COMPONENT>
    let comp_end = gt(rest)?;
    let component = &rest[..comp_end];
    let rest = rest[comp_end + 1..].strip_prefix('<')?;
    // <date time+bias>
    let ts_end = gt(rest)?;
    let ts = &rest[..ts_end];
    let rest = rest.get(ts_end + 1..)?;
    let rest = match rest.as_bytes().last() {
        Some(b'>') => rest,
        _ => rest.trim_end(),
    };
    // <thread=N (0xN)>
    let thread_part = match rest.as_bytes() {
        [b'<', b't', b'h', b'r', b'e', b'a', b'd', b'=', .., b'>'] => &rest[8..rest.len() - 1],
        _ => rest.strip_prefix("<thread=")?.strip_suffix('>')?,
    };
    Some((pos, component, ts, thread_part))
}

/// Does `line` end in a valid trailer? (What [`parse_trailer`] accepts, without parsing the
/// time: record boundaries only need the shape.)
pub fn has_trailer(line: &str) -> bool {
    split_trailer(line).is_some()
}

/// Parse a line (or the last line of a multi-line record) ending in an SMS trailer.
/// `line` must not contain the line terminator. Returns `None` when there is no valid trailer.
pub fn parse_trailer(line: &str) -> Option<Trailer<'_>> {
    parse_trailer_cached(line, &mut DateCache::default())
}

/// [`parse_trailer`] with a date cache kept across the records of a file.
#[inline]
pub fn parse_trailer_cached<'a>(line: &'a str, dates: &mut DateCache) -> Option<Trailer<'a>> {
    let (pos, component, ts, thread_part) = split_trailer(line)?;
    let message = trim_end_fast(&line[..pos]);
    let thread = thread_of(thread_part);
    let (local, bias, utc) = timestamp_cached(ts, dates);
    Some(Trailer {
        message,
        component,
        local,
        bias,
        utc,
        thread,
    })
}

/// `s` without trailing whitespace, as `str::trim_end` gives it: ASCII blanks are dropped
/// byte by byte (the message ends in the two spaces before the trailer), anything else
/// non-ASCII is left to `trim_end`.
#[inline]
fn trim_end_fast(s: &str) -> &str {
    let b = s.as_bytes();
    let mut n = b.len();
    while n > 0 && matches!(b[n - 1], b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c) {
        n -= 1;
    }
    match b.get(..n) {
        Some([.., last]) if *last >= 0x80 => s[..n].trim_end(),
        _ => &s[..n],
    }
}

/// The number before the first space or `(` of `N (0xN)`.
#[inline]
fn thread_of(part: &str) -> Option<u32> {
    let b = part.as_bytes();
    if let Some((v, n)) = time::leading_digits8(b) {
        if n > 0 && matches!(b.get(n), Some(b' ' | b'(')) {
            return Some(v);
        }
    }
    let n = b
        .iter()
        .position(|&c| c == b' ' || c == b'(')
        .unwrap_or(b.len());
    let num = &part[..n];
    if !num.is_empty() && num.len() <= 9 {
        if let Some(v) = time::digits(num.as_bytes()) {
            return Some(v);
        }
    }
    num.trim().parse().ok()
}

/// Where the date of `MM-DD-YYYY HH:…` ends: at the first space, which ConfigMgr's own
/// layout has at byte 10 (read there, without a search).
#[inline]
fn date_end(b: &[u8]) -> Option<usize> {
    fixed_date_end(b).or_else(|| super::find_byte(b' ', b))
}

/// Byte 10 when the date is `MM-DD-YYYY` followed by a space (so holds no space itself).
fn fixed_date_end(b: &[u8]) -> Option<usize> {
    let f = b.get(..11)?;
    let digit = |i: usize| f[i].is_ascii_digit();
    let shape = (f[2] == b'-')
        & (f[5] == b'-')
        & (f[10] == b' ')
        & digit(0)
        & digit(1)
        & digit(3)
        & digit(4)
        & digit(6)
        & digit(7)
        & digit(8)
        & digit(9);
    shape.then_some(10)
}

/// `MM-DD-YYYY HH:MM:SS.mmm+BBB` → (local, bias, utc). Old SMS 2.0 stamps give (None, None, None).
pub fn timestamp(ts: &str) -> (Option<NaiveDateTime>, Option<i32>, Option<DateTime<Utc>>) {
    timestamp_cached(ts, &mut DateCache::default())
}

/// [`timestamp`] with a date cache.
#[inline]
pub fn timestamp_cached(
    ts: &str,
    dates: &mut DateCache,
) -> (Option<NaiveDateTime>, Option<i32>, Option<DateTime<Utc>>) {
    let b = ts.as_bytes();
    let Some(sp) = date_end(b) else {
        return (None, None, None);
    };
    time::local_utc(&b[..sp], &b[sp + 1..], dates)
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
    fn thread_and_message_end_without_a_search() {
        assert_eq!(thread_of("5976 (0x1758)"), Some(5976));
        assert_eq!(thread_of("123456789 (0x75BCD15)"), Some(123_456_789));
        assert_eq!(trim_end_fast("msg \t "), "msg");
        assert_eq!(trim_end_fast("msg\u{3000} "), "msg");
        assert_eq!(trim_end_fast("é  "), "é");
        assert_eq!(trim_end_fast("   "), "");
    }

    #[test]
    fn fixed_fields_are_the_split_fields() {
        let stamps = [
            "06-01-2017 00:39:31.259+480",
            "12-31-2026 23:59:59.999-60",
            "02-29-2024 10:00:00.000+0",
            "01-02-2026 00:00:00.000+000",
        ];
        crate::testutil::fixed_agrees_with_search(&stamps, fixed_date_end, |b| {
            crate::parse::find_byte(b' ', b)
        });
    }

    #[test]
    fn not_a_trailer() {
        assert!(parse_trailer("plain text").is_none());
        assert!(!has_trailer("x $$<C><junk"));
        assert!(has_trailer("x $$<C><junk><thread=1>"));
        assert!(parse_trailer("$$$<C><t><thread=1>").is_some_and(|t| t.message == "$"));
        assert!(parse_trailer("$<C><t><thread=1>").is_none());
        assert!(parse_trailer("x $$<C><junk").is_none());
    }
}
