//! CMTrace (CCM) records: `<![LOG[msg]LOG]!><time="…" date="…" component="…" …>`.
//!
//! Record splitting lives in [`super::ccm`] (CMTrace and SMS records can share a file); this
//! module parses the header of one record. Attributes are read by name, in any order,
//! case-insensitive; missing or malformed ones are tolerated. The header is read byte by byte
//! without allocating: it is on the hot path (one per record).

use super::time::{self, DateCache};
use chrono::{DateTime, NaiveDateTime, Utc};

pub const START: &str = "<![LOG[";
pub const END: &str = "]LOG]!>";

/// Fields of a CMTrace header, borrowed from the record.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Header<'a> {
    pub time: Option<&'a str>,
    pub date: Option<&'a str>,
    pub component: &'a str,
    pub context: &'a str,
    pub kind: Option<&'a str>,
    pub thread: Option<u32>,
    pub file: &'a str,
}

/// `value.trim().parse::<u32>()`, with a fast path for plain digits.
#[inline]
fn parse_thread(value: &str) -> Option<u32> {
    let b = value.as_bytes();
    if !b.is_empty() && b.len() <= 9 {
        if let Some(v) = time::digits(b) {
            return Some(v);
        }
    }
    value.trim().parse().ok()
}

/// The last (up to) 8 bytes of an attribute name, ASCII-lower-cased (`| 0x20`), packed into a
/// `u64`. Names are `[A-Za-z0-9_-]+`; in that alphabet `c | 0x20` equals a lower-case letter
/// only for that letter in either case, so equal keys (and lengths, and the first byte of a
/// 9-byte name) mean `eq_ignore_ascii_case`.
const fn key(name: &[u8]) -> u64 {
    let mut k = 0u64;
    let mut i = 0;
    while i < name.len() {
        k = (k << 8) | (name[i] | 0x20) as u64;
        i += 1;
    }
    k
}

const K_TIME: u64 = key(b"time");
const K_DATE: u64 = key(b"date");
const K_TYPE: u64 = key(b"type");
const K_FILE: u64 = key(b"file");
const K_THREAD: u64 = key(b"thread");
const K_CONTEXT: u64 = key(b"context");
const K_COMPONENT: u64 = key(b"component");

/// Bytes allowed in an attribute name: `[A-Za-z0-9_-]`.
static NAME_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
        c += 1;
    }
    t
};

#[derive(Clone, Copy)]
enum Field {
    Time,
    Date,
    Component,
    Context,
    Kind,
    Thread,
    File,
    Other,
}

/// `name="` as a little-endian 16-byte pattern and mask (a `const` so the table below is
/// computed at compile time).
const fn pattern(s: &[u8]) -> (u128, u128, usize) {
    let mut v = 0u128;
    let mut m = 0u128;
    let mut i = 0;
    while i < s.len() {
        v |= (s[i] as u128) << (8 * i);
        m |= 0xff << (8 * i);
        i += 1;
    }
    (v, m, s.len())
}

/// The attributes in the order ConfigMgr writes them. The n-th attribute is first compared
/// with the n-th entry in one 16-byte load; only a header that deviates falls back to reading
/// the name byte by byte. An exact `name="` match is what the slow path would read too.
const CANONICAL: [((u128, u128, usize), Field); 7] = [
    (pattern(b"time=\""), Field::Time),
    (pattern(b"date=\""), Field::Date),
    (pattern(b"component=\""), Field::Component),
    (pattern(b"context=\""), Field::Context),
    (pattern(b"type=\""), Field::Kind),
    (pattern(b"thread=\""), Field::Thread),
    (pattern(b"file=\""), Field::File),
];

#[inline]
fn load16(b: &[u8], i: usize) -> Option<u128> {
    let w = <&[u8; 16]>::try_from(b.get(i..i + 16)?).ok()?;
    Some(u128::from_le_bytes(*w))
}

/// Parse the attribute list after `]LOG]!><` up to (not including) the closing `>`.
/// Each attribute is `name="value"` after optional ASCII whitespace (space, tab, CR, LF).
/// Unknown attributes are skipped; parsing stops at the first thing that is not an attribute.
pub fn parse_header(input: &str) -> Header<'_> {
    let b = input.as_bytes();
    let mut h = Header::default();
    let mut i = 0;
    let mut n = 0;
    loop {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        let canonical = match (CANONICAL.get(n), load16(b, i)) {
            (Some(&((v, m, len), f)), Some(w)) if w & m == v => Some((i + len, f)),
            _ => None,
        };
        n += 1;
        let (value_start, field) = match canonical {
            Some(c) => c,
            None => {
                let name_start = i;
                let mut k = 0u64;
                while let Some(&c) = b.get(i) {
                    if !NAME_BYTE[usize::from(c)] {
                        break;
                    }
                    k = (k << 8) | u64::from(c | 0x20);
                    i += 1;
                }
                let name_len = i - name_start;
                if name_len == 0 || b.get(i) != Some(&b'=') || b.get(i + 1) != Some(&b'"') {
                    break;
                }
                let field = match (name_len, k) {
                    (4, K_TIME) => Field::Time,
                    (4, K_DATE) => Field::Date,
                    (4, K_TYPE) => Field::Kind,
                    (4, K_FILE) => Field::File,
                    (6, K_THREAD) => Field::Thread,
                    (7, K_CONTEXT) => Field::Context,
                    (9, K_COMPONENT) if b[name_start] | 0x20 == b'c' => Field::Component,
                    _ => Field::Other,
                };
                (i + 2, field)
            }
        };
        let Some(len) = b.get(value_start..).and_then(|v| super::find_byte(b'"', v)) else {
            break;
        };
        let value_end = value_start + len;
        i = value_end + 1;
        // Cut points are ASCII bytes, hence char boundaries.
        let Some(value) = input.get(value_start..value_end) else {
            break;
        };
        match field {
            Field::Time => h.time = Some(value),
            Field::Date => h.date = Some(value),
            Field::Kind => h.kind = Some(value),
            Field::File => h.file = value,
            // The digits read 8 bytes at a time from the header (the value is followed by at
            // least its closing quote; most thread ids are shorter than 8 digits).
            Field::Thread => {
                h.thread = match b.get(value_start..).and_then(time::leading_digits8) {
                    Some((v, n)) if n > 0 && n == value.len() => Some(v),
                    _ => parse_thread(value),
                }
            }
            Field::Context => h.context = value,
            Field::Component => h.component = value,
            Field::Other => {}
        }
    }
    h
}

/// Local time, bias and UTC from `time="HH:MM:SS.mmm+BBB"` and `date="MM-DD-YYYY"`.
/// The bias is optional (IME writes none; then UTC is unknown).
pub fn timestamp(
    time_attr: &str,
    date_attr: &str,
) -> (Option<NaiveDateTime>, Option<i32>, Option<DateTime<Utc>>) {
    timestamp_cached(time_attr, date_attr, &mut DateCache::default())
}

/// [`timestamp`] with a date cache kept across the records of a file.
#[inline]
pub fn timestamp_cached(
    time_attr: &str,
    date_attr: &str,
    dates: &mut DateCache,
) -> (Option<NaiveDateTime>, Option<i32>, Option<DateTime<Utc>>) {
    time::local_utc(
        super::trim_fast(date_attr).as_bytes(),
        super::trim_fast(time_attr).as_bytes(),
        dates,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_in_any_order_and_case() {
        let h = parse_header(
            r#"THREAD="12" type="3" Component="WUAHandler" date="11-20-2026" time="07:01:02.123+060" file="x.cpp:1""#,
        );
        assert_eq!(h.component, "WUAHandler");
        assert_eq!(h.thread, Some(12));
        assert_eq!(h.kind, Some("3"));
        assert_eq!(h.file, "x.cpp:1");
        let (_, bias, utc) = timestamp(h.time.unwrap_or(""), h.date.unwrap_or(""));
        assert_eq!(bias, Some(60));
        assert_eq!(
            utc.map(|t| t.to_rfc3339()),
            Some("2026-11-20T08:01:02.123+00:00".into())
        );
    }

    #[test]
    fn attribute_names_compare_exactly_ignoring_ascii_case() {
        let h = parse_header(
            r#"Times="x" tim="y" componenT="A" component_="B" COMPONENTS="C" type="2" file-="f""#,
        );
        assert_eq!(h.time, None);
        assert_eq!(h.component, "A");
        assert_eq!(h.kind, Some("2"));
        assert_eq!(h.file, "");
        // Parsing stops at the first thing that is not an attribute.
        let h = parse_header("\r\n time=\"1\"  date=2 type=\"3\"");
        assert_eq!((h.time, h.date, h.kind), (Some("1"), None, None));
        let h = parse_header(r#"thread=" 42 " context="c" file="é""#);
        assert_eq!((h.thread, h.context, h.file), (Some(42), "c", "é"));
        assert_eq!(parse_header(r#"thread="+7""#).thread, Some(7));
        assert_eq!(parse_header(r#"thread="4294967296""#).thread, None);
        assert_eq!(
            parse_header(r#"xcomponent="no" file="1234567890123456789""#).component,
            ""
        );
        // Canonical order and any other order read the same.
        let canon = r#"time="07:01:02.123+060" date="11-20-2026" component="C" context="x" type="2" thread="9" file="f.cpp:1""#;
        let shuffled = r#"file="f.cpp:1"  THREAD="9" type="2" context="x" Component="C" date="11-20-2026" time="07:01:02.123+060""#;
        assert_eq!(parse_header(canon), parse_header(shuffled));
        assert_eq!(parse_header(canon).component, "C");
        assert_eq!(parse_header(canon).thread, Some(9));
        // Looks canonical but is not: `time=` without a quote, `dates="`.
        let h = parse_header(r#"time=1234567890123456 date="x""#);
        assert_eq!((h.time, h.date), (None, None));
        let h = parse_header(r#"time="1" dates="11-20-2026" component="C""#);
        assert_eq!((h.time, h.date, h.component), (Some("1"), None, "C"));
        for v in [
            "",
            "a",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "0123456789abcdef\"x",
        ] {
            let text = format!("file=\"{v}\"");
            let want = v.split('"').next().unwrap_or("");
            assert_eq!(parse_header(&text).file, want, "{v}");
        }
    }

    #[test]
    fn missing_and_broken_attributes_are_tolerated() {
        let h = parse_header(r#"time="junk" component="X" thread="abc""#);
        assert_eq!(h.component, "X");
        assert_eq!(h.thread, None);
        let (local, _, utc) = timestamp("junk", "");
        assert!(local.is_none() && utc.is_none());
        // Month 13 and an absurd bias.
        let (local, bias, utc) = timestamp("10:00:00.000+9999", "13-01-2026");
        assert!(local.is_none() && utc.is_none());
        assert_eq!(bias, Some(9999));
    }

    #[test]
    fn ime_style_seven_digit_fraction_without_bias() {
        let (local, bias, utc) = timestamp("11:16:42.3322734", "9-23-2026");
        assert!(local.is_some());
        assert_eq!(bias, None);
        assert_eq!(utc, None);
    }
}
