//! Differential test: the record splitter and field parsers of CMTrace/SMS (rewritten for
//! speed) give exactly the events the first, straightforward implementation gave. The old code
//! is kept here verbatim (renamed), as the oracle.

#![allow(clippy::all)]

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use chrono::{DateTime, NaiveDateTime, Utc};
use memchr::memmem;
use nom::bytes::complete::{take_till, take_while1};
use nom::character::complete::{char, multispace0};
use nom::sequence::{delimited, preceded, separated_pair};
use nom::IResult;

use super::time as old_time;
use super::{Line, LineIter, ParseCtx};
use crate::event::{Event, Format, LogKind, Severity};

const START: &str = "<![LOG[";
const END: &str = "]LOG]!>";
const MARK: &str = "$$<";

pub struct Header<'a> {
    pub time: Option<&'a str>,
    pub date: Option<&'a str>,
    pub component: &'a str,
    pub context: &'a str,
    pub kind: Option<&'a str>,
    pub thread: Option<u32>,
    pub file: &'a str,
}

impl Default for Header<'_> {
    fn default() -> Self {
        Header {
            time: None,
            date: None,
            component: "",
            context: "",
            kind: None,
            thread: None,
            file: "",
        }
    }
}

fn old_unparsed<'a>(ctx: &ParseCtx, format: Format, line: u64, text: &'a str) -> Event<'a> {
    let mut ev = Event::new(ctx.file, line, ctx.kind, format, text);
    ev.message = Cow::Borrowed(text);
    ev.severity = old_infer_severity(text);
    ev.parsed = false;
    ev
}

static OLD_SEVERITY_WORDS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build([
            "error",
            "fail",
            "fatal",
            "exception",
            "warn",
            "cannot",
            "could not",
            "unable to",
            "access is denied",
            "not found",
        ])
        .ok()
});

/// Severity from the words of a message, for formats without a severity field.
///
/// Errors: "error", "fail", "fatal", "exception" — unless negated ("no errors", "error = 0",
/// "0 error(s)", "without error", "errors: 0", "failed: 0", "error 0x00000000"). Warnings:
/// "warn", "cannot", "could not", "unable to", "access is denied", "not found".
fn old_infer_severity(message: &str) -> Severity {
    let Some(ac) = OLD_SEVERITY_WORDS.as_ref() else {
        return Severity::Info;
    };
    let bytes = message.as_bytes();
    let mut sev = Severity::Info;
    for m in ac.find_iter(bytes) {
        let word = m.pattern().as_usize();
        let hit = if word <= 3 {
            if old_negated(bytes, m.start(), m.end()) {
                continue;
            }
            Severity::Error
        } else {
            Severity::Warning
        };
        if hit > sev {
            sev = hit;
            if sev == Severity::Error {
                break;
            }
        }
    }
    sev
}

/// True when an error word at `start..end` is negated by its context.
fn old_negated(b: &[u8], start: usize, end: usize) -> bool {
    let before = &b[start.saturating_sub(12)..start];
    let before = String::from_utf8_lossy(before).to_ascii_lowercase();
    if before.ends_with("no ")
        || before.ends_with("without ")
        || before.ends_with("0 ")
        || before.ends_with("no unhealthy ")
        || before.ends_with("ignore ")
        || before.ends_with("ignoring ")
    {
        return true;
    }
    // Skip the rest of the word ("errors", "failed", "failures").
    let mut i = end;
    while i < b.len() && b[i].is_ascii_alphabetic() {
        i += 1;
    }
    let after: Vec<u8> = b[i..b.len().min(i + 16)]
        .iter()
        .filter(|c| !c.is_ascii_whitespace())
        .map(u8::to_ascii_lowercase)
        .collect();
    let after = after.as_slice();
    // "error = 0", "errors: 0", "error(0)", "error 0x00000000", "failed=0", "error code 0"
    let zero = |s: &[u8]| {
        s == b"0"
            || s.starts_with(b"0x00000000")
            || (s.first() == Some(&b'0') && !s.get(1).is_some_and(|c| c.is_ascii_alphanumeric()))
    };
    for prefix in [
        &b"="[..],
        b":",
        b"(",
        b"code=",
        b"code:",
        b"code",
        b"s:",
        b"s=",
    ] {
        if let Some(rest) = after.strip_prefix(prefix) {
            if zero(rest) {
                return true;
            }
        }
    }
    zero(after)
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
fn old_parse_header(mut input: &str) -> Header<'_> {
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
fn old_cm_timestamp(
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
        Some(i) => (&tb[..i], old_time::bias(&tb[i..])),
        None => (tb, None),
    };
    let local = old_time::hms(clock).and_then(|(h, m, s, ns)| {
        let (y, mo, d) = old_time::mdy(date_attr.trim().as_bytes())?;
        old_time::make(y, mo, d, h, m, s, ns)
    });
    let utc = match (local, bias) {
        (Some(l), Some(b)) => old_time::utc_from_bias(l, b),
        _ => None,
    };
    (local, bias, utc)
}

fn old_cm_severity(h: &Header<'_>, message: &str) -> Severity {
    match h.kind {
        Some(t) => Severity::from_cmtrace_type(t),
        None => old_infer_severity(message),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OldTrailer<'a> {
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
fn old_parse_trailer(line: &str) -> Option<OldTrailer<'_>> {
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
    let (local, bias, utc) = old_sms_timestamp(ts);
    Some(OldTrailer {
        message,
        component,
        local,
        bias,
        utc,
        thread,
    })
}

/// `MM-DD-YYYY HH:MM:SS.mmm+BBB` → (local, bias, utc). Old SMS 2.0 stamps give (None, None, None).
fn old_sms_timestamp(ts: &str) -> (Option<NaiveDateTime>, Option<i32>, Option<DateTime<Utc>>) {
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
        Some(i) => (&clock_bias[..i], old_time::bias(&clock_bias[i..])),
        None => (clock_bias, None),
    };
    let local = old_time::mdy(date).and_then(|(y, mo, d)| {
        let (h, m, s, ns) = old_time::hms(clock)?;
        old_time::make(y, mo, d, h, m, s, ns)
    });
    let utc = match (local, bias) {
        (Some(l), Some(b)) => old_time::utc_from_bias(l, b),
        _ => None,
    };
    (local, bias, utc)
}

const MAX_PENDING_LINES: usize = 10_000;
const MAX_PENDING_BYTES: usize = 4 << 20;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    None,
    /// A CMTrace record whose `]LOG]!>` has not been seen yet.
    Cmtrace,
    /// SMS continuation lines waiting for their trailer line.
    Sms,
}

pub fn old_parse<'a>(
    text: &'a str,
    first_line: u64,
    ctx: &ParseCtx,
    out: &mut dyn FnMut(Event<'a>),
) {
    let mut open = Open::None;
    // Lines of the open record (first line, count, byte start).
    let mut pending: Vec<Line<'a>> = Vec::new();
    let mut pending_bytes = 0usize;
    let end_finder = memmem::Finder::new(END.as_bytes());

    let flush_unparsed = |pending: &mut Vec<Line<'a>>, out: &mut dyn FnMut(Event<'a>)| {
        for l in pending.drain(..) {
            if !l.text.trim().is_empty() {
                out(old_unparsed(ctx, Format::Plain, l.no, l.text));
            }
        }
    };

    for line in LineIter::new(text, first_line) {
        let t = line.text;
        let starts_cm = t.trim_start().starts_with(START);

        if open == Open::Cmtrace && !starts_cm {
            pending_bytes += t.len();
            pending.push(line);
            if end_finder.find(t.as_bytes()).is_some() && t.trim_end().ends_with('>') {
                emit_cmtrace(text, &pending, ctx, &end_finder, out);
                pending.clear();
                pending_bytes = 0;
                open = Open::None;
            } else if pending.len() > MAX_PENDING_LINES || pending_bytes > MAX_PENDING_BYTES {
                flush_unparsed(&mut pending, out);
                pending_bytes = 0;
                open = Open::None;
            }
            continue;
        }

        if starts_cm {
            // A new record: whatever was open is incomplete.
            flush_unparsed(&mut pending, out);
            pending_bytes = 0;
            pending.push(line);
            let closed = end_finder.find(t.as_bytes()).is_some() && t.trim_end().ends_with('>');
            if closed {
                emit_cmtrace(text, &pending, ctx, &end_finder, out);
                pending.clear();
                open = Open::None;
            } else {
                pending_bytes = t.len();
                open = Open::Cmtrace;
            }
            continue;
        }

        if t.trim().is_empty() && open == Open::None {
            continue;
        }

        // SMS: a line that ends in a valid trailer closes the record.
        if let Some(tr) = trailer_of(t) {
            let (start_line, raw_start) = match pending.first() {
                Some(first) if open == Open::Sms => (first.no, first.start),
                _ => (line.no, line.start),
            };
            let raw = &text[raw_start..line.end_no_eol];
            let message = if open == Open::Sms && !pending.is_empty() {
                // Message spans from the first pending line to the trailer.
                let msg_end = line.end_no_eol - (t.len() - tr.message.len());
                text[raw_start..msg_end].trim_end()
            } else {
                tr.message
            };
            pending.clear();
            pending_bytes = 0;
            open = Open::None;
            let mut ev = Event::new(ctx.file, start_line, ctx.kind, Format::Sms, raw);
            ev.message = Cow::Borrowed(message);
            ev.component = tr.component;
            ev.thread = tr.thread;
            ev.local_time = tr.local;
            ev.bias = tr.bias;
            ev.time_utc = tr.utc;
            ev.severity = old_infer_severity(message);
            out(ev);
            continue;
        }

        // A line without a trailer: the start or middle of a multi-line SMS message.
        open = Open::Sms;
        pending_bytes += t.len();
        pending.push(line);
        if pending.len() > MAX_PENDING_LINES || pending_bytes > MAX_PENDING_BYTES {
            flush_unparsed(&mut pending, out);
            pending_bytes = 0;
            open = Open::None;
        }
    }
    // Truncated tail: an open record at end of input.
    flush_unparsed(&mut pending, out);
}

#[inline]
fn trailer_of(t: &str) -> Option<OldTrailer<'_>> {
    let trimmed = t.trim_end();
    if !trimmed.ends_with('>') {
        return None;
    }
    old_parse_trailer(trimmed)
}

/// Emit one CMTrace record made of `lines` (the last holds `]LOG]!><…>`).
fn emit_cmtrace<'a>(
    text: &'a str,
    lines: &[Line<'a>],
    ctx: &ParseCtx,
    end_finder: &memmem::Finder<'_>,
    out: &mut dyn FnMut(Event<'a>),
) {
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return;
    };
    let raw = &text[first.start..last.end_no_eol];
    let raw_trim = raw.trim_start();
    let body_start = raw.len() - raw_trim.len() + START.len();
    // The message ends at the last `]LOG]!>` (messages may quote the marker).
    let Some(end_rel) = end_finder.rfind_iter_last(raw.as_bytes()) else {
        for l in lines {
            out(old_unparsed(ctx, Format::Plain, l.no, l.text));
        }
        return;
    };
    if end_rel < body_start {
        for l in lines {
            out(old_unparsed(ctx, Format::Plain, l.no, l.text));
        }
        return;
    }
    let message = &raw[body_start..end_rel];
    let after = &raw[end_rel + END.len()..];
    let header_text = after
        .trim_start()
        .strip_prefix('<')
        .map(|h| h.trim_end().strip_suffix('>').unwrap_or(h))
        .unwrap_or("");
    let h = old_parse_header(header_text);
    let (local, bias, utc) = old_cm_timestamp(h.time.unwrap_or(""), h.date.unwrap_or(""));
    let mut ev = Event::new(ctx.file, first.no, ctx.kind, Format::Cmtrace, raw);
    ev.message = Cow::Borrowed(message);
    ev.severity = old_cm_severity(&h, message);
    ev.component = h.component;
    ev.thread = h.thread;
    ev.local_time = local;
    ev.bias = bias;
    ev.time_utc = utc;
    out(ev);
}

/// `Finder` has no reverse search; find the last match by scanning forward (records are short).
trait LastMatch {
    fn rfind_iter_last(&self, hay: &[u8]) -> Option<usize>;
}

impl LastMatch for memmem::Finder<'_> {
    fn rfind_iter_last(&self, hay: &[u8]) -> Option<usize> {
        self.find_iter(hay).last()
    }
}

// ---- the comparison ----

use super::fuzz_tests::Lcg;

const FRAGMENTS: &[&str] = &[
    "<![LOG[",
    "]LOG]!>",
    "<time=\"",
    "time=\"07:01:02.123+060\" ",
    "time=\"23:59:59.999-480\"",
    "time=\"00:00:00.000+9999\"",
    "time=\"11:16:42.3322734\"",
    " date=\"11-20-2026\"",
    "date=\"12-31-2025\" ",
    "date=\"01-01-2026\"",
    "date=\"13-01-2026\"",
    "date=\"9-23-2026\"",
    " component=\"SMS_WSUS_SYNC_MANAGER\"",
    "COMPONENT=\"x\" ",
    " context=\"\"",
    " type=\"3\"",
    " type=\"2\"",
    "type=\"1\" ",
    " thread=\"4312\"",
    "thread=\" 12 \"",
    "thread=\"+5\"",
    "thread=\"1234567\"",
    "thread=\"12345678\"",
    "thread=\"123456789\"",
    "thread=\"0042\" ",
    "thread=\"12 34\"",
    "thread=\"7a\"",
    " thread=\"",
    "time=\"07:01:02.12+060\"",
    "time=\"07:01:02.1x3+060\"",
    "time=\"07:01:02.123-0\"",
    " file=\"wsyncmgr.cpp:1492\"",
    "file=\"\"",
    "\">",
    ">",
    "<",
    "\"",
    "=",
    " ",
    "  ",
    "\t",
    "\r\n",
    "\n",
    "\n",
    "\r",
    "$$<",
    "$$<SMS_WSUS_SYNC_MANAGER>",
    "<11-20-2026 07:01:02.123+060>",
    "<01-01-2026 00:10:00.000-060>",
    "<12-31-2025 23:59:00.000+060>",
    "<02-30-2026 07:01:02.123+060>",
    "<Fri Mar 26 10:43:41.547 1999 Eastern Standard Time>",
    "<thread=5976 (0x1758)>",
    "<thread=7>",
    "<thread=abc (0x1)>",
    "<thread=12345678 (0xBC614E)>",
    "<thread=1234567(0x12D687)>",
    "<06-01-2017 00:39:31.25+480>",
    "Sync failed: ",
    "error = 0",
    "no errors",
    "Error 0x80072ee2",
    "ERROR",
    "Warning: ",
    "could not",
    "Access is denied",
    "not found",
    "fatal",
    "exception",
    "unable to",
    "cannot",
    "Starting Sync",
    "~~",
    "é",
    "😀",
    "\u{feff}",
    "\u{a0}",
    "\u{2003}",
    "\0",
    "!",
    "]",
    "[",
    "$",
    "$$",
    "0x00000000",
    "Synchronizing update 1234 - KB50",
];

fn gen(rng: &mut Lcg) -> String {
    let mut s = String::new();
    let n = rng.below(60);
    for _ in 0..n {
        s.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
    }
    s
}

/// Realistic records with random damage, so that most inputs have valid records in them.
fn gen_records(rng: &mut Lcg) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(8) {
        match rng.below(4) {
            0 => s.push_str("<![LOG[Sync failed: WSUS server not configured.]LOG]!><time=\"07:01:02.123+060\" date=\"11-20-2026\" component=\"SMS_WSUS_SYNC_MANAGER\" context=\"\" type=\"1\" thread=\"4312\" file=\"wsyncmgr.cpp:1492\">"),
            1 => s.push_str("Starting Sync  $$<SMS_WSUS_SYNC_MANAGER><02-08-2020 23:13:11.659+480><thread=5976 (0x1758)>"),
            2 => s.push_str(&gen(rng)),
            _ => s.push_str("<![LOG[multi\r\nline error = 0"),
        }
        s.push_str(["\r\n", "\n", "", " \r\n"][rng.below(4)]);
    }
    s
}

#[derive(Debug, PartialEq)]
struct Ev<'a> {
    line: u64,
    format: Format,
    time_utc: Option<DateTime<Utc>>,
    local_time: Option<NaiveDateTime>,
    bias: Option<i32>,
    severity: Severity,
    component: &'a str,
    thread: Option<u32>,
    message: Cow<'a, str>,
    raw: &'a str,
    parsed: bool,
}

fn collect<'a>(
    text: &'a str,
    p: for<'t> fn(&'t str, u64, &ParseCtx, &mut dyn FnMut(Event<'t>)),
) -> Vec<Ev<'a>> {
    let ctx = ParseCtx::new(3, LogKind::Wsyncmgr);
    let mut v = Vec::new();
    p(text, 7, &ctx, &mut |e| {
        v.push(Ev {
            line: e.line,
            format: e.format,
            time_utc: e.time_utc,
            local_time: e.local_time,
            bias: e.bias,
            severity: e.severity,
            component: e.component,
            thread: e.thread,
            message: e.message,
            raw: e.raw,
            parsed: e.parsed,
        })
    });
    v
}

#[test]
fn new_splitter_gives_the_events_of_the_old_one() {
    let cases: u64 = std::env::var("SUPDIAG_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let mut rng = Lcg(0x5eed);
    let mut parsed = 0usize;
    for i in 0..cases {
        let text = if i % 2 == 0 {
            gen(&mut rng)
        } else {
            gen_records(&mut rng)
        };
        let new = collect(&text, super::ccm::parse);
        let old = collect(&text, old_parse);
        assert_eq!(new, old, "input {text:?}");
        parsed += new.iter().filter(|e| e.parsed).count();
    }
    // The generator must actually produce records, or the comparison proves little.
    assert!(
        parsed as u64 > cases / 4,
        "only {parsed} records in {cases} inputs"
    );
}

#[test]
fn new_field_parsers_agree_with_the_old_ones() {
    let mut rng = Lcg(0xfeed);
    for _ in 0..20_000 {
        let text = gen(&mut rng);
        let (a, b) = (super::cmtrace::parse_header(&text), old_parse_header(&text));
        assert_eq!(
            (
                a.time,
                a.date,
                a.component,
                a.context,
                a.kind,
                a.thread,
                a.file
            ),
            (
                b.time,
                b.date,
                b.component,
                b.context,
                b.kind,
                b.thread,
                b.file
            ),
            "{text:?}"
        );
        let t = super::sms::parse_trailer(&text);
        let o = old_parse_trailer(&text);
        assert_eq!(
            t.map(|t| (t.message, t.component, t.local, t.bias, t.utc, t.thread)),
            o.map(|t| (t.message, t.component, t.local, t.bias, t.utc, t.thread)),
            "{text:?}"
        );
        assert_eq!(
            super::sms::has_trailer(&text),
            old_parse_trailer(&text).is_some()
        );
        assert_eq!(
            super::infer_severity(&text),
            old_infer_severity(&text),
            "{text:?}"
        );
    }
}
