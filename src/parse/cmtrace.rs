//! CMTrace (CCM) records: `<![LOG[msg]LOG]!><time="…" date="…" component="…" …>`.
//!
//! Record splitting lives in [`super::ccm`] (CMTrace and SMS records can share a file); this
//! module parses the header of one record. Attributes are read by name with nom, in any order,
//! case-insensitive; missing or malformed ones are tolerated.

use nom::bytes::complete::{take_till, take_while1};
use nom::character::complete::{char, multispace0};
use nom::sequence::{delimited, preceded, separated_pair};
use nom::IResult;

use super::time;
use crate::event::Severity;
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

fn attr(input: &str) -> IResult<&str, (&str, &str)> {
    preceded(
        multispace0,
        separated_pair(
            take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
            char('='),
            delimited(char('"'), take_till(|c| c == '"'), char('"')),
        ),
    )(input)
}

/// Parse the attribute list after `]LOG]!><` up to (not including) the closing `>`.
/// Unknown attributes are skipped; parsing stops at the first thing that is not an attribute.
pub fn parse_header(mut input: &str) -> Header<'_> {
    let mut h = Header::default();
    while let Ok((rest, (name, value))) = attr(input) {
        input = rest;
        // Attribute names are short; compare without allocating.
        if name.eq_ignore_ascii_case("time") {
            h.time = Some(value);
        } else if name.eq_ignore_ascii_case("date") {
            h.date = Some(value);
        } else if name.eq_ignore_ascii_case("component") {
            h.component = value;
        } else if name.eq_ignore_ascii_case("context") {
            h.context = value;
        } else if name.eq_ignore_ascii_case("type") {
            h.kind = Some(value);
        } else if name.eq_ignore_ascii_case("thread") {
            h.thread = value.trim().parse().ok();
        } else if name.eq_ignore_ascii_case("file") {
            h.file = value;
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
    let tb = time_attr.trim().as_bytes();
    // The bias sign is the first '+'/'-' after the seconds.
    let split = tb
        .iter()
        .enumerate()
        .skip(8)
        .find(|(_, &c)| c == b'+' || c == b'-')
        .map(|(i, _)| i);
    let (clock, bias) = match split {
        Some(i) => (&tb[..i], time::bias(&tb[i..])),
        None => (tb, None),
    };
    let local = time::hms(clock).and_then(|(h, m, s, ns)| {
        let (y, mo, d) = time::mdy(date_attr.trim().as_bytes())?;
        time::make(y, mo, d, h, m, s, ns)
    });
    let utc = match (local, bias) {
        (Some(l), Some(b)) => time::utc_from_bias(l, b),
        _ => None,
    };
    (local, bias, utc)
}

pub fn severity(h: &Header<'_>, message: &str) -> Severity {
    match h.kind {
        Some(t) => Severity::from_cmtrace_type(t),
        None => super::infer_severity(message),
    }
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
