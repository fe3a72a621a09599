//! SUPSetup.log (rolesetup.exe): `<MM/DD/YY HH:MM:SS> message`, one record per line, local time.
//!
//! The stamp has no bias, so `local_time` is set and `time_utc` stays `None`; the two-digit year
//! is 20YY (rolesetup postdates 2000). A four-digit year and one-digit month/day are accepted too.
//!
//! Lines without a stamp: rolesetup writes one line per record, so such a line is never glued to
//! the previous record. It becomes its own record without a time (`parsed = true`) when it reads
//! like text — output of a child process or a hand-edited copy — and an unparsed event when it
//! looks like garbage (control characters, U+FFFD, or mostly symbols), so damaged files show up in
//! the file's `unparsed_lines` instead of passing as clean.

use std::borrow::Cow;

use chrono::NaiveDateTime;

use super::{time, LineIter, ParseCtx};
use crate::event::{Event, Format};

/// True when the first line, or at least half of the lines, carry the rolesetup stamp.
pub fn sniff(lines: &[&str]) -> bool {
    let Some(first) = lines.first() else {
        return false;
    };
    if stamp(first).is_some() {
        return true;
    }
    let hits = lines.iter().filter(|l| stamp(l).is_some()).count();
    hits > 0 && hits * 2 >= lines.len()
}

pub fn parse<'a>(text: &'a str, first_line: u64, ctx: &ParseCtx, out: &mut dyn FnMut(Event<'a>)) {
    for line in LineIter::new(text, first_line) {
        let t = line.text.trim_start_matches('\u{feff}');
        if t.trim().is_empty() {
            continue;
        }
        let mut ev = Event::new(ctx.file, line.no, ctx.kind, Format::Supsetup, t);
        match stamp(t) {
            Some((local, rest)) => {
                let msg = rest.trim();
                ev.local_time = Some(local);
                ev.message = Cow::Borrowed(msg);
                super::set_word_severity(&mut ev, ctx, msg);
            }
            None if looks_like_text(t) => {
                let msg = t.trim();
                ev.message = Cow::Borrowed(msg);
                super::set_word_severity(&mut ev, ctx, msg);
            }
            None => ev = super::unparsed(ctx, Format::Plain, line.no, t),
        }
        out(ev);
    }
}

/// `<MM/DD/YY HH:MM:SS>` at the start of `t`: the local time and the text after `>`.
fn stamp(t: &str) -> Option<(NaiveDateTime, &str)> {
    let b = t.as_bytes();
    if b.first() != Some(&b'<') {
        return None;
    }
    // The longest valid stamp is `<MM/DD/YYYY HH:MM:SS>`: 21 bytes.
    let close = b.iter().take(22).position(|&c| c == b'>')?;
    let inner = &b[1..close];
    let sp = inner.iter().position(|&c| c == b' ')?;
    let (date, clock) = (&inner[..sp], &inner[sp + 1..]);
    let mut parts = date.split(|&c| c == b'/');
    let (m, d, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let year = match y.len() {
        2 => 2000 + time::digits(y)? as i32,
        4 => time::digits(y)? as i32,
        _ => return None,
    };
    if clock.len() != 8 {
        return None;
    }
    let (h, mi, s, _) = time::hms(clock)?;
    let local = time::make(year, time::digits(m)?, time::digits(d)?, h, mi, s, 0)?;
    // `close` indexes an ASCII `>`, so `close + 1` is a char boundary.
    Some((local, &t[close + 1..]))
}

/// Text a person or a program wrote, as opposed to binary noise or a mis-decoded file.
fn looks_like_text(t: &str) -> bool {
    let mut letters = 0usize;
    let mut total = 0usize;
    for c in t.chars() {
        if (c.is_control() && c != '\t') || c == '\u{fffd}' {
            return false;
        }
        if !c.is_whitespace() {
            total += 1;
            if c.is_alphanumeric() {
                letters += 1;
            }
        }
    }
    letters * 2 >= total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{LogKind, Severity};

    fn run(text: &str) -> Vec<Event<'_>> {
        let ctx = ParseCtx::new(0, LogKind::SupSetup);
        let mut v = Vec::new();
        parse(text, 1, &ctx, &mut |e| v.push(e));
        v
    }

    const SAMPLE: &str = "<02/09/14 22:53:28> ====================================================================\r\n\
<02/09/14 22:53:28> SMSWSUS Setup Started....\r\n\
<02/09/14 22:53:28> Parameters: C:\\Program Files\\Microsoft Configuration Manager\\bin\\x64\\rolesetup.exe /install /siteserver:CM01 SMSWSUS 0\r\n\
\r\n\
<02/09/14 22:53:29> Failed to open registry key SOFTWARE\\Microsoft\\Update Services\r\n\
<02/09/14 22:53:31> Installation was successful.\r\n";

    #[test]
    fn stamped_lines_crlf() {
        let v = run(SAMPLE);
        assert_eq!(v.len(), 5);
        assert_eq!(v[1].message, "SMSWSUS Setup Started....");
        assert_eq!(v[1].line, 2);
        assert_eq!(
            v[1].local_time.map(|t| t.to_string()),
            Some("2014-02-09 22:53:28".into())
        );
        assert!(v.iter().all(|e| e.time_utc.is_none() && e.parsed));
        // The blank line 4 is skipped, numbering continues.
        assert_eq!(v[3].line, 5);
        assert_eq!(v[3].severity, Severity::Error);
        assert_eq!(v[4].severity, Severity::Info);
        assert!(v[2].raw.starts_with("<02/09/14 22:53:28> Parameters"));
        assert!(!v[2].raw.ends_with('\r'));
    }

    #[test]
    fn lf_and_truncated_last_line() {
        let v = run("<11/20/26 07:01:02> Checking runtime v2.0.50727...\n<11/20/26 07:0");
        assert_eq!(v.len(), 2);
        assert!(v[0].parsed);
        assert_eq!(
            v[0].local_time.map(|t| t.to_string()),
            Some("2026-11-20 07:01:02".into())
        );
        // A cut stamp is not a stamp; the rest reads as text, so it stays a timeless record.
        assert_eq!(v[1].line, 2);
        assert!(v[1].local_time.is_none());
        assert_eq!(v[1].raw, "<11/20/26 07:0");
    }

    #[test]
    fn stampless_text_and_garbage() {
        let v = run("<02/09/14 22:53:28> a\nwsusutil.exe postinstall output line\n\u{1}\u{2}\u{fffd}%%\n<02/09/14 22:53:29> b\n");
        assert_eq!(v.len(), 4);
        assert!(v[1].parsed && v[1].local_time.is_none());
        assert_eq!(v[1].message, "wsusutil.exe postinstall output line");
        assert!(!v[2].parsed);
        assert_eq!(v[2].line, 3);
        // The garbage does not hide the next record.
        assert!(v[3].parsed);
        assert_eq!(v[3].message, "b");
    }

    #[test]
    fn impossible_dates_are_not_stamps() {
        assert!(stamp("<13/09/14 22:53:28> x").is_none());
        assert!(stamp("<02/30/14 22:53:28> x").is_none());
        assert!(stamp("<02/09/14 25:53:28> x").is_none());
        assert!(stamp("<02/09/2014 22:53:28> x").is_some());
        assert!(stamp("<>").is_none());
    }

    #[test]
    fn empty_input_and_sniff() {
        assert!(run("").is_empty());
        assert!(run("\r\n\n  \n").is_empty());
        assert!(sniff(&["<02/09/14 22:53:28> SMSWSUS Setup Started...."]));
        assert!(!sniff(&[
            "2014-02-09 22:53:28.123 UTC\tInfo\tw3wp.5\tA.B\tx"
        ]));
        assert!(!sniff(&[]));
    }
}
