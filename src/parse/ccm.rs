//! Record splitter for ConfigMgr's two native formats, CMTrace and SMS trace, which may be mixed
//! in one file (third-party writers, concatenated pastes).
//!
//! One pass over the lines with memchr: a line starting with `<![LOG[` opens a CMTrace record
//! that ends at the line holding `]LOG]!><…>`; a line ending in an SMS trailer closes an SMS
//! record that began at the first line without a trailer before it. Anything that cannot be
//! closed (a truncated tail, an unterminated `<![LOG[` followed by a new record, a runaway
//! continuation) is emitted line by line as unparsed, so one bad record never hides the next.

use std::borrow::Cow;

use memchr::memmem;

use super::{cmtrace, infer_severity, sms, Line, LineIter, ParseCtx};
use crate::event::{Event, Format};

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

pub fn parse<'a>(text: &'a str, first_line: u64, ctx: &ParseCtx, out: &mut dyn FnMut(Event<'a>)) {
    let mut open = Open::None;
    // Lines of the open record (first line, count, byte start).
    let mut pending: Vec<Line<'a>> = Vec::new();
    let mut pending_bytes = 0usize;
    let end_finder = memmem::Finder::new(cmtrace::END.as_bytes());

    let flush_unparsed = |pending: &mut Vec<Line<'a>>, out: &mut dyn FnMut(Event<'a>)| {
        for l in pending.drain(..) {
            if !l.text.trim().is_empty() {
                out(super::unparsed(ctx, Format::Plain, l.no, l.text));
            }
        }
    };

    for line in LineIter::new(text, first_line) {
        let t = line.text;
        let starts_cm = t.trim_start().starts_with(cmtrace::START);

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
            ev.severity = infer_severity(message);
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
fn trailer_of(t: &str) -> Option<sms::Trailer<'_>> {
    let trimmed = t.trim_end();
    if !trimmed.ends_with('>') {
        return None;
    }
    sms::parse_trailer(trimmed)
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
    let body_start = raw.len() - raw_trim.len() + cmtrace::START.len();
    // The message ends at the last `]LOG]!>` (messages may quote the marker).
    let Some(end_rel) = end_finder.rfind_iter_last(raw.as_bytes()) else {
        for l in lines {
            out(super::unparsed(ctx, Format::Plain, l.no, l.text));
        }
        return;
    };
    if end_rel < body_start {
        for l in lines {
            out(super::unparsed(ctx, Format::Plain, l.no, l.text));
        }
        return;
    }
    let message = &raw[body_start..end_rel];
    let after = &raw[end_rel + cmtrace::END.len()..];
    let header_text = after
        .trim_start()
        .strip_prefix('<')
        .map(|h| h.trim_end().strip_suffix('>').unwrap_or(h))
        .unwrap_or("");
    let h = cmtrace::parse_header(header_text);
    let (local, bias, utc) = cmtrace::timestamp(h.time.unwrap_or(""), h.date.unwrap_or(""));
    let mut ev = Event::new(ctx.file, first.no, ctx.kind, Format::Cmtrace, raw);
    ev.message = Cow::Borrowed(message);
    ev.severity = cmtrace::severity(&h, message);
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
