//! STATMSG lines echoed into server component logs (docs/domain.md §A.1): id, site, system, UTC
//! `GMTDATE`, insertion strings and the last error `LE=`.

use chrono::{DateTime, NaiveDateTime, Utc};

/// The fields of one `STATMSG:` line that run reconstruction uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatMsg<'a> {
    pub id: u32,
    pub severity: Option<char>,
    pub site: Option<&'a str>,
    pub system: Option<&'a str>,
    pub gmt: Option<DateTime<Utc>>,
    pub istr0: Option<&'a str>,
    pub istr1: Option<&'a str>,
    /// `LE=0X8013150a` as written, normalised to `0x8013150A`.
    pub last_error: Option<String>,
}

/// Parse a `STATMSG: ID=...` message; `None` when it is not one or has no numeric id.
pub fn parse(msg: &str) -> Option<StatMsg<'_>> {
    let rest = msg.trim_start().strip_prefix("STATMSG:")?;
    let id = field(rest, "ID=")?.parse().ok()?;
    Some(StatMsg {
        id,
        severity: field(rest, "SEV=").and_then(|s| s.chars().next()),
        site: field(rest, "SITE="),
        system: field(rest, "SYS="),
        gmt: gmt_field(rest).and_then(parse_gmtdate),
        istr0: quoted(rest, "ISTR0=").filter(|s| !s.is_empty()),
        istr1: quoted(rest, "ISTR1=").filter(|s| !s.is_empty()),
        last_error: field(rest, "LE=").and_then(normalise_hex),
    })
}

/// Value of an unquoted `KEY=value` token (ends at whitespace). Keys match at a token start, so
/// `ID=` does not match inside `PID=`/`TID=`.
fn field<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let pos = token_start(s, key)?;
    let v = &s[pos + key.len()..];
    let end = v.find(char::is_whitespace).unwrap_or(v.len());
    Some(&v[..end]).filter(|v| !v.is_empty())
}

fn token_start(s: &str, key: &str) -> Option<usize> {
    let mut from = 0;
    // memchr's search: `str::find` builds a searcher per call, several calls per line, and
    // these lines are read in the sequential phase of a parallel run.
    while let Some(i) = s
        .get(from..)
        .and_then(|t| memchr::memmem::find(t.as_bytes(), key.as_bytes()))
    {
        crate::matching::work::add(i + key.len());
        let at = from + i;
        if at == 0 || s[..at].ends_with(char::is_whitespace) {
            return Some(at);
        }
        from = at + key.len();
    }
    None
}

/// Value of `KEY="..."` (insertion strings may hold spaces; a missing closing quote takes the rest).
fn quoted<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let pos = token_start(s, key)?;
    let v = s[pos + key.len()..].strip_prefix('"')?;
    let end = v.find('"').unwrap_or(v.len());
    Some(&v[..end])
}

/// `GMTDATE=Sat Nov 21 03:00:01.123 2026` holds spaces: take the five tokens after the key.
fn gmt_field(s: &str) -> Option<&str> {
    let pos = token_start(s, "GMTDATE=")?;
    let v = &s[pos + "GMTDATE=".len()..];
    let mut end = 0;
    for (n, tok) in v.split(' ').enumerate() {
        end += tok.len() + usize::from(n > 0);
        if n == 4 {
            return v.get(..end);
        }
    }
    None
}

/// Parse `Sat Nov 21 03:00:01.123 2026` (UTC). The weekday is not checked: it is redundant and
/// a wrong one should not lose the time.
pub fn parse_gmtdate(s: &str) -> Option<DateTime<Utc>> {
    if let Some(t) = gmtdate_canonical(s) {
        return t;
    }
    let mut parts = s.split_whitespace();
    let _weekday = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    let joined = rest.join(" ");
    ["%b %d %H:%M:%S%.f %Y", "%b %d %H:%M:%S %Y"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&joined, f).ok())
        .map(|t| t.and_utc())
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// The layout ConfigMgr writes, `Www Mmm DD HH:MM:SS.mmm YYYY`, read from fixed positions;
/// `None` for anything else (then chrono's format parser decides). `Some(None)`: the layout,
/// but not a valid time (chrono rejects those too).
fn gmtdate_canonical(s: &str) -> Option<Option<DateTime<Utc>>> {
    let b: &[u8; 28] = s.as_bytes().try_into().ok()?;
    let d = |i: usize| b[i].is_ascii_digit().then(|| u32::from(b[i] - b'0'));
    let shape = b[3] == b' '
        && b[7] == b' '
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b' '
        && b[..3].iter().all(u8::is_ascii_alphabetic);
    if !shape {
        return None;
    }
    let month = MONTHS.iter().position(|m| **m == b[4..7])? as u32 + 1;
    let day = d(8)? * 10 + d(9)?;
    let (h, m, sec) = (
        d(11)? * 10 + d(12)?,
        d(14)? * 10 + d(15)?,
        d(17)? * 10 + d(18)?,
    );
    let ms = d(20)? * 100 + d(21)? * 10 + d(22)?;
    let year = d(24)? * 1000 + d(25)? * 100 + d(26)? * 10 + d(27)?;
    if sec > 59 {
        return None;
    }
    Some(
        chrono::NaiveDate::from_ymd_opt(year as i32, month, day)
            .and_then(|date| date.and_hms_milli_opt(h, m, sec, ms))
            .map(|t| t.and_utc()),
    )
}

fn normalise_hex(s: &str) -> Option<String> {
    let digits = s
        .strip_prefix("0X")
        .or_else(|| s.strip_prefix("0x"))
        .unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(format!("0x{}", digits.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixed-layout reader gives what chrono's format parser gives.
    #[test]
    fn canonical_gmtdate_agrees_with_chrono() {
        let slow = |s: &str| {
            let rest: Vec<&str> = s.split_whitespace().skip(1).collect();
            ["%b %d %H:%M:%S%.f %Y", "%b %d %H:%M:%S %Y"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(&rest.join(" "), f).ok())
                .map(|t| t.and_utc())
        };
        let mut n = 0;
        for (mi, mon) in MONTHS.iter().enumerate() {
            for day in [0, 1, 9, 28, 29, 30, 31, 32] {
                for (h, m, sec) in [(0, 0, 0), (23, 59, 59), (24, 0, 0), (12, 60, 1), (1, 2, 60)] {
                    for year in [2016, 2024, 2026, 2100] {
                        let s = format!(
                            "Sat {} {day:02} {h:02}:{m:02}:{sec:02}.{:03} {year}",
                            std::str::from_utf8(*mon).unwrap_or("Jan"),
                            (mi * 37 + day) % 1000
                        );
                        assert_eq!(parse_gmtdate(&s), slow(&s), "{s}");
                        n += usize::from(gmtdate_canonical(&s).is_some());
                    }
                }
            }
        }
        assert!(n > 1000, "canonical layout taken {n} times");
        for s in [
            "Sat Nov 21 03:00:01 2026",
            "Sat nov 21 03:00:01.123 2026",
            "Sat Nov  1 03:00:01.123 2026",
        ] {
            assert_eq!(parse_gmtdate(s), slow(s), "{s}");
        }
    }

    #[test]
    fn parses_failure_statmsg() {
        let m = parse(r#"STATMSG: ID=6703 SEV=E LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=CM01.contoso.com SITE=PS1 PID=2364 TID=4884 GMTDATE=Wed Nov 18 02:00:36.513 2026 ISTR0="Microsoft.UpdateServices.Administration.AdminProxy.createUpdateServer" ISTR1="The request failed with HTTP status 503: Service Unavailable" ISTR2="" NUMATTRS=0 LE=0X80131500"#)
            .expect("statmsg");
        assert_eq!(m.id, 6703);
        assert_eq!(m.severity, Some('E'));
        assert_eq!(m.site, Some("PS1"));
        assert_eq!(m.system, Some("CM01.contoso.com"));
        assert_eq!(
            m.gmt.map(|t| t.to_rfc3339()),
            Some("2026-11-18T02:00:36.513+00:00".to_string())
        );
        assert_eq!(
            m.istr1,
            Some("The request failed with HTTP status 503: Service Unavailable")
        );
        assert_eq!(m.last_error.as_deref(), Some("0x80131500"));
    }

    #[test]
    fn id_is_not_taken_from_pid_and_bad_dates_are_none() {
        let m = parse("STATMSG: PID=12 ID=6701 GMTDATE=Sat Foo 99 03:00:01.123 2026").expect("m");
        assert_eq!(m.id, 6701);
        assert_eq!(m.gmt, None);
        assert!(parse("Starting Sync").is_none());
        assert!(parse("STATMSG: ID=abc").is_none());
    }
}
