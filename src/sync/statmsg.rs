//! STATMSG lines echoed into server component logs (domain §A.1): id, site, system, UTC
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
    while let Some(i) = s[from..].find(key) {
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
    let mut parts = s.split_whitespace();
    let _weekday = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    let joined = rest.join(" ");
    ["%b %d %H:%M:%S%.f %Y", "%b %d %H:%M:%S %Y"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&joined, f).ok())
        .map(|t| t.and_utc())
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
