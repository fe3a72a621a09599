//! Record splitter for ConfigMgr's two native formats, CMTrace and SMS trace, which may be mixed
//! in one file (third-party writers, concatenated pastes).
//!
//! One pass over the lines with memchr: a line starting with `<![LOG[` opens a CMTrace record
//! that ends at the line holding `]LOG]!><…>`; a line ending in an SMS trailer closes an SMS
//! record that began at the first line without a trailer before it. Anything that cannot be
//! closed (a truncated tail, an unterminated `<![LOG[` followed by a new record, a runaway
//! continuation) is emitted line by line as unparsed, so one bad record never hides the next.

use std::borrow::Cow;

use super::time::DateCache;
use super::{cmtrace, sms, Line, LineIter, ParseCtx};
use crate::event::{Event, Format, LogKind, Severity};

/// A record still open after this many physical lines or bytes is given up on (its lines are
/// emitted as unparsed). Real multi-line records are XML blobs and stack traces: a few hundred
/// lines at most.
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

/// `t.trim_start().starts_with("<![LOG[")`, deciding on the first byte when it is plain ASCII.
#[inline]
fn starts_cmtrace(t: &str) -> bool {
    match t.as_bytes().first() {
        None => false,
        Some(&f) if f > b' ' && f < 0x80 => {
            matches!(t.as_bytes(), [b'<', b'!', b'[', b'L', b'O', b'G', b'[', ..])
        }
        Some(_) => t.trim_start().starts_with(cmtrace::START),
    }
}

/// `t.trim_end()` when it ends in `>`, deciding on the last byte when it is plain ASCII.
#[inline]
fn trimmed_if_closed(t: &str) -> Option<&str> {
    match t.as_bytes().last() {
        Some(&b'>') => Some(t),
        Some(&l) if l > b' ' && l < 0x80 => None,
        Some(_) => Some(t.trim_end()).filter(|t| t.ends_with('>')),
        None => None,
    }
}

/// Start of the last `]LOG]!>` in `b`, found backwards from the end with memrchr (the header
/// is at the end of the line, so this touches the header, not the message).
#[inline]
fn last_end(b: &[u8]) -> Option<usize> {
    let mut end = b.len();
    while let Some(q) = memchr::memrchr(b'!', &b[..end]) {
        // `q` as the `!` at offset 5 of the marker.
        if q >= 5 && b.get(q - 5..q + 2) == Some(cmtrace::END.as_bytes()) {
            return Some(q - 5);
        }
        end = q;
    }
    None
}

/// Where a CMTrace record closes on this line: the start of its last `]LOG]!>`, when the line
/// (trimmed) ends in `>` and holds the marker.
#[inline]
fn cmtrace_close(t: &str) -> Option<usize> {
    trimmed_if_closed(t)?;
    last_end(t.as_bytes())
}

pub fn parse<'a>(text: &'a str, first_line: u64, ctx: &ParseCtx, out: &mut dyn FnMut(Event<'a>)) {
    let mut open = Open::None;
    // Lines of the open record.
    let mut pending: Vec<Line<'a>> = Vec::new();
    let mut pending_bytes = 0usize;
    let mut dates = DateCache::default();
    let mut kinds = KindCache::default();

    let flush_unparsed = |pending: &mut Vec<Line<'a>>, out: &mut dyn FnMut(Event<'a>)| {
        for l in pending.drain(..) {
            if !l.text.trim().is_empty() {
                out(super::unparsed(ctx, Format::Plain, l.no, l.text));
            }
        }
    };

    for line in LineIter::new(text, first_line) {
        let t = line.text;
        let starts_cm = starts_cmtrace(t);

        if open == Open::Cmtrace && !starts_cm {
            pending_bytes += t.len();
            pending.push(line);
            if let Some(end) = cmtrace_close(t) {
                emit_cmtrace(
                    text,
                    &pending,
                    line.start + end,
                    ctx,
                    (&mut dates, &mut kinds),
                    out,
                );
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
            if let Some(end) = cmtrace_close(t) {
                emit_cmtrace(
                    text,
                    std::slice::from_ref(&line),
                    line.start + end,
                    ctx,
                    (&mut dates, &mut kinds),
                    out,
                );
                open = Open::None;
            } else {
                pending.push(line);
                pending_bytes = t.len();
                open = Open::Cmtrace;
            }
            continue;
        }

        if open == Open::None && t.trim().is_empty() {
            continue;
        }

        // SMS: a line that ends in a valid trailer closes the record.
        if let Some(tr) =
            trimmed_if_closed(t).and_then(|tt| sms::parse_trailer_cached(tt, &mut dates))
        {
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
            if ctx.kind == LogKind::Other {
                ev.kind = kinds.of(tr.component);
            }
            ev.thread = tr.thread;
            ev.local_time = tr.local;
            ev.bias = tr.bias;
            ev.time_utc = tr.utc;
            super::set_word_severity(&mut ev, ctx, message);
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

/// A record's kind from its component, remembering the last component: consecutive records
/// mostly share it, and comparing each record's component with every known one would be paid
/// per record.
#[derive(Default)]
struct KindCache {
    last: Vec<u8>,
    kind: Option<LogKind>,
}

impl KindCache {
    fn of(&mut self, component: &str) -> LogKind {
        if let Some(k) = self.kind.filter(|_| self.last == component.as_bytes()) {
            return k;
        }
        let k = LogKind::from_component(component).unwrap_or(LogKind::Other);
        self.last.clear();
        self.last.extend_from_slice(component.as_bytes());
        self.kind = Some(k);
        k
    }
}

/// Emit one CMTrace record made of `lines`; `end_abs` is the byte offset in `text` of the last
/// `]LOG]!>` of the record (on its last line).
fn emit_cmtrace<'a>(
    text: &'a str,
    lines: &[Line<'a>],
    end_abs: usize,
    ctx: &ParseCtx,
    (dates, kinds): (&mut DateCache, &mut KindCache),
    out: &mut dyn FnMut(Event<'a>),
) {
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return;
    };
    let raw = &text[first.start..last.end_no_eol];
    let lead = match raw.as_bytes().first() {
        Some(b'<') => 0,
        _ => raw.len() - raw.trim_start().len(),
    };
    let body_start = lead + cmtrace::START.len();
    // The message ends at the last `]LOG]!>` (messages may quote the marker).
    let end_rel = end_abs - first.start;
    let (Some(message), Some(after)) = (
        raw.get(body_start..end_rel),
        raw.get(end_rel + cmtrace::END.len()..),
    ) else {
        for l in lines {
            out(super::unparsed(ctx, Format::Plain, l.no, l.text));
        }
        return;
    };
    // `after.trim_start()`, `<`, then up to a final `>` (before trailing whitespace).
    let header_text = match after.as_bytes() {
        [b'<', .., b'>'] => &after[1..after.len() - 1],
        _ => after
            .trim_start()
            .strip_prefix('<')
            .map(|h| h.trim_end().strip_suffix('>').unwrap_or(h))
            .unwrap_or(""),
    };
    let h = cmtrace::parse_header(header_text);
    let (local, bias, utc) =
        cmtrace::timestamp_cached(h.time.unwrap_or(""), h.date.unwrap_or(""), dates);
    let mut ev = Event::new(ctx.file, first.no, ctx.kind, Format::Cmtrace, raw);
    ev.message = Cow::Borrowed(message);
    match h.kind {
        Some(t) => ev.severity = Severity::from_cmtrace_type(t),
        None => super::set_word_severity(&mut ev, ctx, message),
    }
    ev.component = h.component;
    if ctx.kind == LogKind::Other {
        ev.kind = kinds.of(h.component);
    }
    ev.thread = h.thread;
    ev.local_time = local;
    ev.bias = bias;
    ev.time_utc = utc;
    out(ev);
}
