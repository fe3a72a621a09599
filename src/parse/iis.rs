//! IIS W3C extended logs of the WSUS site (`u_exYYMMDD.log`).
//!
//! `#Fields:` names the space-separated columns and may change mid-file, so it is re-read each
//! time; data lines before any `#Fields:` use IIS's default field set. Directive lines
//! (`#Software:`, `#Version:`, `#Date:`, `#Start-Date:`, `#End-Date:`, `#Remark:`, `#Fields:`)
//! describe the file, not requests: they produce no event and are counted neither as records nor
//! as unparsed lines — nothing a rule could match is lost. An unknown `#…` line is unparsed.
//!
//! Each request fills [`HttpFields`] (borrowed, `-` = empty) and gets a synthesised message
//! `{method} {uri_stem} {status}.{substatus} win32={win32} ua={user_agent} client={client_ip}
//! port={port}` that the IIS rules match. Times are UTC. A line whose column count differs from
//! the current `#Fields:` or whose date/time/number columns do not parse is unparsed.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::{time, LineIter, ParseCtx};
use crate::event::{Event, Format, HttpFields, Severity};

/// IIS's default W3C field set (used until a `#Fields:` line says otherwise).
const DEFAULT_FIELDS: &str = "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";

/// Request lines pasted without their `#Fields:` header: the default field set of IIS 8.5 and
/// later, of IIS 7/7.5 (no `cs(Referer)`), and both without the `date time` columns (copied
/// from a viewer that shows them apart). Each has its own column count, so a line picks its
/// layout by counting.
const PASTED_FIELDS: [&str; 4] = [
    DEFAULT_FIELDS,
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken",
    "s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
    "s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken",
];

/// One request line in one of the header-less layouts, or `None`. Besides fitting the columns,
/// the method must be an HTTP method and the client and server addresses must look like IP
/// addresses, so a line of prose with the right number of words is not taken for a request.
fn pasted_request<'a>(line: &'a str, buf: &mut Vec<&'a str>) -> Option<Request<'a>> {
    let n = line.split_ascii_whitespace().count();
    PASTED_FIELDS.iter().find_map(|spec| {
        let cols = Cols::from_fields(spec);
        if cols.n != n {
            return None;
        }
        let req = cols.request(line, None, buf)?;
        let h = &req.http;
        let method_ok = !h.method.is_empty() && h.method.bytes().all(|b| b.is_ascii_uppercase());
        let ip = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':')
        };
        (method_ok && ip(h.client_ip) && h.uri_stem.starts_with('/') && h.status >= 100)
            .then_some(req)
    })
}

/// One IIS request line pasted among other text (header-less layouts only), or `None`.
pub fn pasted_line<'a>(ctx: &ParseCtx, no: u64, t: &'a str) -> Option<Event<'a>> {
    let mut buf = Vec::new();
    pasted_request(t, &mut buf).map(|req| event(ctx, no, t, req))
}

const DIRECTIVES: [&str; 7] = [
    "#Fields:",
    "#Software:",
    "#Version:",
    "#Date:",
    "#Start-Date:",
    "#End-Date:",
    "#Remark:",
];

/// A W3C directive line (no event, not data loss).
pub fn is_directive(line: &str) -> bool {
    let t = line.trim_start_matches('\u{feff}').trim_start();
    DIRECTIVES.iter().any(|d| {
        t.len() >= d.len() && t.is_char_boundary(d.len()) && t[..d.len()].eq_ignore_ascii_case(d)
    })
}

/// An IIS header, or a first line that reads as a request under the default field set.
pub fn sniff(lines: &[&str]) -> bool {
    let header = lines.iter().any(|l| {
        let t = l.trim_start();
        starts_with_ci(t, "#Fields:")
            || starts_with_ci(t, "#Software: Microsoft Internet Information Services")
    });
    if header {
        return true;
    }
    // Header-less: the first line, or most lines, read as requests.
    let mut buf = Vec::new();
    let hits = lines
        .iter()
        .filter(|l| pasted_request(l, &mut buf).is_some())
        .count();
    lines
        .first()
        .is_some_and(|l| pasted_request(l, &mut buf).is_some())
        || (hits > 0 && hits * 2 > lines.len())
}

fn starts_with_ci(t: &str, p: &str) -> bool {
    t.len() >= p.len() && t.is_char_boundary(p.len()) && t[..p.len()].eq_ignore_ascii_case(p)
}

pub fn parse<'a>(text: &'a str, first_line: u64, ctx: &ParseCtx, out: &mut dyn FnMut(Event<'a>)) {
    let mut cols = Cols::from_fields(DEFAULT_FIELDS);
    // Until a `#Fields:` line names the columns, a line may be in any header-less layout.
    let mut fields_seen = false;
    // `#Date:` supplies the day when the `date` column is not logged.
    let mut header_date: Option<NaiveDate> = None;
    let mut buf: Vec<&'a str> = Vec::new();
    for line in LineIter::new(text, first_line) {
        let t = line.text.trim_start_matches('\u{feff}');
        if t.trim().is_empty() {
            continue;
        }
        if is_directive(t) {
            let d = t.trim_start();
            if starts_with_ci(d, "#Fields:") {
                cols = Cols::from_fields(&d["#Fields:".len()..]);
                fields_seen = true;
            } else if starts_with_ci(d, "#Date:") {
                header_date = date(
                    d["#Date:".len()..]
                        .trim()
                        .as_bytes()
                        .get(..10)
                        .unwrap_or(b""),
                );
            }
            continue;
        }
        let req = match cols.request(t, header_date, &mut buf) {
            Some(req) => Some(req),
            None if !fields_seen => pasted_request(t, &mut buf),
            None => None,
        };
        let ev = match req {
            Some(req) => event(ctx, line.no, t, req),
            None => super::unparsed(ctx, Format::Plain, line.no, t),
        };
        out(ev);
    }
}

fn event<'a>(ctx: &ParseCtx, no: u64, raw: &'a str, req: Request<'a>) -> Event<'a> {
    let h = req.http;
    let mut ev = Event::new(ctx.file, no, ctx.kind, Format::Iis, raw);
    ev.message = Cow::Owned(format!(
        "{} {} {}.{} win32={} ua={} client={} port={}",
        h.method,
        h.uri_stem,
        h.status,
        h.substatus,
        h.win32_status,
        h.user_agent,
        h.client_ip,
        h.port
    ));
    ev.severity = match h.status {
        500..=599 => Severity::Error,
        // 401 is the normal first leg of Windows authentication.
        401 => Severity::Info,
        400..=499 => Severity::Warning,
        _ => Severity::Info,
    };
    if let Some(t) = req.time {
        ev.local_time = Some(t);
        ev.bias = Some(0);
        ev.time_utc = Some(t.and_utc());
    }
    ev.http = Some(h);
    ev
}

/// Column positions of the fields we read, for the current `#Fields:`.
#[derive(Default)]
struct Cols {
    n: usize,
    date: Option<usize>,
    time: Option<usize>,
    method: Option<usize>,
    stem: Option<usize>,
    port: Option<usize>,
    client: Option<usize>,
    agent: Option<usize>,
    status: Option<usize>,
    substatus: Option<usize>,
    win32: Option<usize>,
}

struct Request<'a> {
    time: Option<NaiveDateTime>,
    http: HttpFields<'a>,
}

impl Cols {
    fn from_fields(spec: &str) -> Cols {
        let mut c = Cols::default();
        for (i, name) in spec.split_ascii_whitespace().enumerate() {
            c.n = i + 1;
            let slot = match name.to_ascii_lowercase().as_str() {
                "date" => &mut c.date,
                "time" => &mut c.time,
                "cs-method" => &mut c.method,
                "cs-uri-stem" => &mut c.stem,
                "s-port" => &mut c.port,
                "c-ip" => &mut c.client,
                "cs(user-agent)" => &mut c.agent,
                "sc-status" => &mut c.status,
                "sc-substatus" => &mut c.substatus,
                "sc-win32-status" => &mut c.win32,
                _ => continue,
            };
            slot.get_or_insert(i);
        }
        c
    }

    /// Read one data line; `None` when it does not fit the columns.
    fn request<'a>(
        &self,
        line: &'a str,
        header_date: Option<NaiveDate>,
        buf: &mut Vec<&'a str>,
    ) -> Option<Request<'a>> {
        buf.clear();
        buf.extend(line.split_ascii_whitespace());
        if buf.len() != self.n || self.n == 0 {
            return None;
        }
        let field = |i: Option<usize>| match i.and_then(|i| buf.get(i)).copied() {
            Some("-") | None => "",
            Some(v) => v,
        };
        // A number column must hold digits or `-`: anything else means the line is not a request.
        let num = |i: Option<usize>| -> Option<u32> {
            let v = field(i);
            if v.is_empty() {
                Some(0)
            } else {
                time::digits(v.as_bytes())
            }
        };
        let time = match (self.date, self.time) {
            (_, None) => None,
            (d, Some(_)) => {
                let day = match d {
                    Some(_) => Some(date(field(d).as_bytes())?),
                    None => header_date,
                };
                let (h, mi, s, ns) = time::hms(field(self.time).as_bytes())?;
                let clock = NaiveTime::from_hms_nano_opt(h, mi, s.min(59), ns)?;
                day.map(|day| day.and_time(clock))
            }
        };
        let http = HttpFields {
            method: field(self.method),
            uri_stem: field(self.stem),
            status: u16::try_from(num(self.status)?).ok()?,
            substatus: u16::try_from(num(self.substatus)?).ok()?,
            win32_status: num(self.win32)?,
            client_ip: field(self.client),
            user_agent: field(self.agent),
            port: u16::try_from(num(self.port)?).ok()?,
        };
        Some(Request { time, http })
    }
}

/// `YYYY-MM-DD`.
fn date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        time::digits(&b[0..4])? as i32,
        time::digits(&b[5..7])?,
        time::digits(&b[8..10])?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::LogKind;

    fn run(text: &str) -> Vec<Event<'_>> {
        let ctx = ParseCtx::new(0, LogKind::Iis);
        let mut v = Vec::new();
        parse(text, 1, &ctx, &mut |e| v.push(e));
        v
    }

    const SAMPLE: &str = "#Software: Microsoft Internet Information Services 10.0\r\n\
#Version: 1.0\r\n\
#Date: 2026-11-20 00:00:01\r\n\
#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n\
2026-11-20 00:00:01 10.0.0.5 POST /ClientWebService/client.asmx - 8530 - 10.1.2.3 Windows-Update-Agent/10.0.10011.16384+Client-Protocol/2.50 - 503 0 0 15\r\n\
2026-11-20 00:00:02 10.0.0.5 GET /Content/AB/0123.cab - 8530 - 10.1.2.4 Windows-Update-Agent - 401 3 5 1\r\n\
2026-11-20 00:00:03 10.0.0.5 POST /ApiRemoting30/WebService.asmx - 8530 CONTOSO\\svc 10.0.0.9 - - 401 2 5 0\r\n\
2026-11-20 00:00:04 10.0.0.5 GET /selfupdate/wuident.cab - 8530 - 10.1.2.5 - - 404 0 2 3\r\n";

    #[test]
    fn requests_with_headers_crlf() {
        let v = run(SAMPLE);
        assert_eq!(v.len(), 4);
        assert!(v.iter().all(|e| e.parsed && e.format == Format::Iis));
        let e = &v[0];
        assert_eq!(e.line, 5);
        assert_eq!(
            e.message,
            "POST /ClientWebService/client.asmx 503.0 win32=0 ua=Windows-Update-Agent/10.0.10011.16384+Client-Protocol/2.50 client=10.1.2.3 port=8530"
        );
        assert!(matches!(e.message, Cow::Owned(_)));
        assert_eq!(e.severity, Severity::Error);
        assert_eq!(
            e.time_utc.map(|t| t.to_rfc3339()),
            Some("2026-11-20T00:00:01+00:00".into())
        );
        let h = e.http.as_ref().map(|h| (h.status, h.port, h.client_ip));
        assert_eq!(h, Some((503, 8530, "10.1.2.3")));
        assert_eq!(
            v[1].http
                .as_ref()
                .map(|h| (h.status, h.substatus, h.win32_status)),
            Some((401, 3, 5))
        );
        assert_eq!(v[1].severity, Severity::Info);
        // `-` user agent is empty.
        assert_eq!(v[2].http.as_ref().map(|h| h.user_agent), Some(""));
        assert!(v[2].message.contains(" ua= client=10.0.0.9 "));
        assert_eq!(v[3].severity, Severity::Warning);
        assert_eq!(v[3].raw, "2026-11-20 00:00:04 10.0.0.5 GET /selfupdate/wuident.cab - 8530 - 10.1.2.5 - - 404 0 2 3");
    }

    #[test]
    fn fields_change_mid_file_lf() {
        let text = "#Fields: date time cs-method cs-uri-stem sc-status\n\
2026-11-20 10:00:00 GET /a 200\n\
#Fields: time c-ip cs-method cs-uri-stem s-port sc-status sc-substatus sc-win32-status\n\
10:00:01 10.1.2.3 GET /b 8531 500 24 0\n\
2026-11-20 10:00:02 GET /c 200\n";
        let v = run(text);
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].message, "GET /a 200.0 win32=0 ua= client= port=0");
        // No date column and no #Date: the time is unknown rather than guessed.
        assert_eq!(v[1].time_utc, None);
        assert_eq!(
            v[1].message,
            "GET /b 500.24 win32=0 ua= client=10.1.2.3 port=8531"
        );
        // Under the new fields this old-style line has the wrong column count.
        assert!(!v[2].parsed);
        assert_eq!(v[2].line, 5);
    }

    #[test]
    fn date_header_fills_missing_date_column() {
        let v = run(
            "#Date: 2026-11-20 00:00:00\n#Fields: time cs-uri-stem sc-status\n23:59:59 /x 200\n",
        );
        assert_eq!(
            v[0].time_utc.map(|t| t.to_rfc3339()),
            Some("2026-11-20T23:59:59+00:00".into())
        );
    }

    #[test]
    fn default_fields_wrong_count_garbage_and_truncated() {
        let text = "2026-11-20 00:00:01 10.0.0.5 GET /ClientWebService/client.asmx - 8530 - 10.1.2.3 WUA - 200 0 0 15\n\
2026-11-20 00:00:02 10.0.0.5 GET /x - 8530 - 10.1.2.3 WUA - 200 0 0\n\
#Bogus: header\n\
2026-11-20 00:00:03 10.0.0.5 GET /y - 8530 - 10.1.2.3 WUA - abc 0 0 15\n\
2026-11-20 00:00:04 10.0.0.5 GET /z - 8530 - 10.1.2.3 WUA - 200 0 0 7\n\
2026-11-20 00:00:05 10.0.0.5 GET /trunc";
        let v = run(text);
        let flags: Vec<(u64, bool)> = v.iter().map(|e| (e.line, e.parsed)).collect();
        assert_eq!(
            flags,
            vec![
                (1, true),
                (2, false),
                (3, false),
                (4, false),
                (5, true),
                (6, false)
            ]
        );
        assert_eq!(v[4].http.as_ref().map(|h| h.uri_stem), Some("/z"));
    }

    #[test]
    fn request_lines_without_their_header() {
        // IIS 10 default order, IIS 7.5 order (no referer), and both without date and time.
        let text = "2026-11-18 13:59:51 10.20.1.21 POST /ClientWebService/client.asmx - 8530 - 10.20.40.167 Windows-Update-Agent/10.0.10011.16384+Client-Protocol/2.50 - 503 0 0 0\r\n\
2026-11-18 13:59:52 10.20.1.21 GET /selfupdate/wuident.cab 2611181402 8530 - 10.20.40.103 Windows-Update-Agent 503 0 0 1\r\n\
10.20.1.21 POST /ApiRemoting30/WebService.asmx - 8530 CONTOSO\\CM02$ 10.20.1.10 Mozilla/4.0+(compatible) - 503 0 0 2\r\n\
10.20.1.21 GET /Content/AB/0123.cab - 8530 - 10.20.40.5 Windows-Update-Agent 404 0 2 3\r\n";
        let v = run(text);
        assert_eq!(v.len(), 4);
        assert!(
            v.iter().all(|e| e.parsed && e.format == Format::Iis),
            "{v:?}"
        );
        assert_eq!(
            v[0].time_utc.map(|t| t.to_rfc3339()),
            Some("2026-11-18T13:59:51+00:00".into())
        );
        assert_eq!(
            v[1].http.as_ref().map(|h| (h.status, h.uri_stem)),
            Some((503, "/selfupdate/wuident.cab"))
        );
        assert_eq!(v[2].time_utc, None);
        assert_eq!(
            v[2].message,
            "POST /ApiRemoting30/WebService.asmx 503.0 win32=0 ua=Mozilla/4.0+(compatible) client=10.20.1.10 port=8530"
        );
        assert_eq!(v[3].http.as_ref().map(|h| h.status), Some(404));
        let lines: Vec<&str> = text.lines().collect();
        assert!(sniff(&lines[2..]));
        // Prose with as many words as a request is not a request.
        let prose = "we saw the pool stop at noon and then it came back on its own";
        assert_eq!(prose.split_whitespace().count(), 15);
        let ctx = ParseCtx::new(0, LogKind::Other);
        assert!(pasted_line(&ctx, 1, prose).is_none());
        assert!(pasted_line(&ctx, 1, lines[3]).is_some());
        // After a #Fields line only its columns count.
        let v = run("#Fields: time cs-uri-stem sc-status\n10.20.1.21 GET /Content/AB/0123.cab - 8530 - 10.20.40.5 WUA 404 0 2 3\n");
        assert!(!v[0].parsed);
    }

    #[test]
    fn empty_and_sniff() {
        assert!(run("").is_empty());
        assert!(
            run("#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n")
                .is_empty()
        );
        assert!(sniff(&[
            "#Software: Microsoft Internet Information Services 10.0"
        ]));
        assert!(sniff(&[
            "2026-11-20 00:00:01 10.0.0.5 GET / - 8530 - 10.1.2.3 WUA - 200 0 0 15"
        ]));
        assert!(!sniff(&[
            "2026-11-20 07:01:02.123 UTC\tInfo\tWsusService.13\tA.B\tx"
        ]));
        assert!(!sniff(&[]));
        assert!(is_directive("#Remark: hi"));
        assert!(!is_directive("#Bogus"));
    }
}
