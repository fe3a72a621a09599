//! Scanning: load, decode, detect and parse every stream, in parallel across streams, and hand
//! each event to a per-stream [`Visitor`] in two phases (see there). Results come back in input
//! order, so output does not depend on thread scheduling.

use serde::Serialize;

use crate::event::{Event, FileId, Format, LogKind};
use crate::parse::{self, ParseCtx};
use crate::progress::Progress;
use crate::source::{self, InputFile};

mod in_order;
use in_order::in_order;
mod streams;
pub use streams::{
    scan_all, scan_all_progress, scan_batched, scan_stream, scan_stream_progress, total_bytes,
};

/// Per-file accounting (the `inputs` array of the report).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FileReport {
    pub path: String,
    pub kind: LogKind,
    pub format: Format,
    /// One of a few names (`utf-8`, `utf-16le`, `binary`, ...; empty when not read).
    pub encoding: &'static str,
    pub bytes: u64,
    pub records: u64,
    pub unparsed_lines: u64,
    /// Physical lines that belong to no record and were not unparsed: blank lines and format
    /// headers (IIS `#Fields:`). records' lines + unparsed + skipped = all lines of the file.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped_lines: u64,
    /// Physical lines of the decoded text.
    #[serde(skip)]
    pub lines: u64,
    /// Invalid byte sequences replaced while decoding.
    #[serde(skip_serializing_if = "is_zero")]
    pub replaced_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Something the reader should know about how the file was read (format fallback, a read
    /// error after part of the file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Why the file could not be read, or not in full (a read error part-way, or it shrank
    /// while read: then what was read is counted): input lost, the run exits 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The file shrank, grew, was rewritten or replaced while it was read: what was read was
    /// analysed, and `note` says what happened (`error`, when it shrank: input was lost).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub changed_while_read: bool,
    /// Physical lines longer than the line cap, cut to the cap (`note` says by how much).
    #[serde(skip_serializing_if = "is_zero")]
    pub cut_lines: u64,
    /// First and last record time (the pipeline fills it in; the health report shows it). Kept
    /// here rather than in a map by path: one entry per input, no second copy of the path.
    #[serde(skip)]
    pub span: crate::report::health::FileSpan,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// Context handed to visitors with each event.
pub struct FileInfo<'f> {
    pub id: FileId,
    pub input: &'f InputFile,
    pub kind: LogKind,
    pub format: Format,
}

impl<'f> FileInfo<'f> {
    /// The first file of a stream (id 0): examples and tests that parse one text.
    pub fn only(input: &'f InputFile, kind: LogKind, format: Format) -> Self {
        FileInfo {
            id: 0,
            input,
            kind,
            format,
        }
    }
}

/// The consumer of one stream, in two phases. Phase A ([`Part`]) reads a stretch of the
/// stream — a piece of a streamed file, a chunk of a big mapped file, a whole rolled file — on
/// its own, so stretches can be read in parallel; phase B ([`Self::take`]) receives the parts
/// in input order and does what depends on everything before (sequence rules, run building).
pub trait Visitor: Send {
    type Part: Part;
    /// An empty part for the next stretch of the stream.
    fn part(&mut self) -> Self::Part;
    /// Phase B: the next part, in input order.
    fn take(&mut self, part: Self::Part);
    /// Called after the last part of the stream.
    fn end_stream(&mut self) {}
}

/// Phase A: what one stretch of a stream produced.
pub trait Part: Send + Sized {
    fn event(&mut self, ev: &Event<'_>, file: &FileInfo<'_>);
    /// Consecutive events of one file, in order ([`BATCH_EVENTS`] at most). The default hands
    /// them to [`Self::event`] one by one; a part that searches every message can search a
    /// batch in one go instead (one SIMD search over many short messages costs far less than a
    /// search per message). The events are the part's to change (to fill in a deferred
    /// severity without a copy).
    fn events(&mut self, evs: &mut [Event<'_>], file: &FileInfo<'_>) {
        for ev in evs.iter() {
            self.event(ev, file);
        }
    }
    /// True when the part infers the severity of records without a severity field itself
    /// (events come with [`Event::severity_deferred`] set; see [`ParseCtx::defer_severity`]).
    fn defers_severity(&self) -> bool {
        false
    }
    /// An empty part for a later stretch of the same stream.
    fn empty(&self) -> Self;
    /// Append the part of the stretch that follows this one.
    fn append(&mut self, later: Self);
}

/// Where [`scan_file`] gets empty parts and hands full ones: the stream's visitor (phase B
/// right away), or one part that collects a whole file (files of a stream read in parallel).
trait Parts: Send {
    type P: Part;
    fn fresh(&mut self) -> Self::P;
    fn done(&mut self, part: Self::P);
}

struct ToVisitor<'v, V>(&'v mut V);

impl<V: Visitor> Parts for ToVisitor<'_, V> {
    type P = V::Part;
    fn fresh(&mut self) -> V::Part {
        self.0.part()
    }
    fn done(&mut self, part: V::Part) {
        self.0.take(part);
    }
}

struct Collecting<P>(P);

impl<P: Part> Parts for Collecting<P> {
    type P = P;
    fn fresh(&mut self) -> P {
        self.0.empty()
    }
    fn done(&mut self, part: P) {
        self.0.append(part);
    }
}

/// How files are read. The default streams every file through a bounded buffer
/// ([`source::stream`]); `allow_mmap` (`--mmap`) maps big files instead, which is only safe on
/// files nothing writes to while they are read (a file truncated under a map kills the process
/// with SIGBUS).
#[derive(Clone, Copy, Debug, Default)]
pub struct ScanOptions {
    pub allow_mmap: bool,
}

/// Kind of a file whose name does not say, from the components in its first bytes or its format.
pub fn kind_from_content(head: &str, format: Format) -> LogKind {
    match format {
        Format::Iis => return LogKind::Iis,
        Format::Supsetup => return LogKind::SupSetup,
        Format::Softwaredistribution => return LogKind::SoftwareDistribution,
        Format::WindowsUpdateLegacy | Format::WindowsUpdateEtw => return LogKind::WindowsUpdate,
        _ => {}
    }
    if format == Format::Plain {
        // Pastes mix lines of several logs; each line finds its own kind from its component.
        return LogKind::Other;
    }
    let upper = head.to_ascii_uppercase();
    let found: Vec<LogKind> = LogKind::KNOWN
        .iter()
        .copied()
        .filter(|k| k.components().iter().any(|c| upper.contains(c)))
        .collect::<Vec<_>>();
    // One component: the file is that log. Several (a concatenation, a generated or third-party
    // log): each record takes its kind from its own component (see parse::ccm).
    match found.as_slice() {
        [one] => *one,
        _ => LogKind::Other,
    }
}

/// Mapped files at least this big are parsed in chunks in parallel.
pub const PARALLEL_MIN: usize = 16 << 20;
/// `PARALLEL_MIN`, or `SUPDIAG_PARALLEL_MIN` bytes (tests use it to exercise the chunked path
/// on small inputs).
fn parallel_min() -> usize {
    std::env::var("SUPDIAG_PARALLEL_MIN")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(PARALLEL_MIN)
}

/// Carried text in the streaming path beyond which a piece is parsed even without a record
/// boundary (memory bound).
const MAX_CARRY: usize = 32 << 20;

/// Counters of one file, summed over pieces and chunks.
#[derive(Default, Clone, Copy)]
struct Counts {
    records: u64,
    unparsed: u64,
    covered: u64,
    /// Line terminators (`\n`) in the text.
    newlines: u64,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.records += o.records;
        self.unparsed += o.unparsed;
        self.covered += o.covered;
        self.newlines += o.newlines;
    }
}

/// Physical lines of a text with `newlines` terminators (a last line without one counts).
fn lines_of(text: &str, newlines: u64) -> u64 {
    newlines + u64::from(!text.is_empty() && !text.ends_with('\n'))
}

/// Events parsed before they are handed to the part ([`Part::events`]), and the message
/// bytes after which a batch is handed over early (a batch of huge multi-line messages).
pub const BATCH_EVENTS: usize = 128;
const BATCH_BYTES: usize = 64 << 10;

/// Progress is reported in steps of this many bytes of text (one check per event).
const PROGRESS_STEP: usize = 4 << 20;

fn parse_piece<P: Part>(
    text: &str,
    first_line: u64,
    ctx: &ParseCtx,
    info: &FileInfo<'_>,
    part: &mut P,
    progress: &Progress,
) -> Counts {
    let mut c = Counts::default();
    let base = text.as_ptr() as usize;
    let mut reported = 0usize;
    // The last record seen, whose line span is not counted yet: when the next event starts on
    // the following line, the record spanned one line and its text need not be searched for
    // newlines (records never overlap).
    let mut open: Option<(u64, &str)> = None;
    // The last event's first line and raw text: the newlines up to its end follow from its
    // line number, so only the text after it is counted instead of reading the whole file a
    // second time.
    let mut last: Option<(u64, &str)> = None;
    let mut batch: Vec<Event<'_>> = Vec::with_capacity(BATCH_EVENTS);
    let mut batch_bytes = 0usize;
    parse::parse_text(info.format, text, first_line, ctx, &mut |ev| {
        if let Some((line, raw)) = open.take() {
            c.covered += if ev.line == line + 1 {
                1
            } else {
                record_lines(raw)
            };
        }
        if ev.parsed {
            c.records += 1;
            open = Some((ev.line, ev.raw));
        } else {
            c.unparsed += 1;
        }
        last = Some((ev.line, ev.raw));
        if progress.is_visible() {
            let pos = (ev.raw.as_ptr() as usize)
                .saturating_sub(base)
                .min(text.len());
            if pos >= reported + PROGRESS_STEP {
                progress.inc((pos - reported) as u64);
                reported = pos;
            }
        }
        batch_bytes += ev.message.len();
        batch.push(ev);
        if batch.len() == BATCH_EVENTS || batch_bytes >= BATCH_BYTES {
            part.events(&mut batch, info);
            batch.clear();
            batch_bytes = 0;
        }
    });
    if !batch.is_empty() {
        part.events(&mut batch, info);
    }
    progress.inc(text.len().saturating_sub(reported) as u64);
    if let Some((_, raw)) = open {
        c.covered += record_lines(raw);
    }
    c.newlines = newlines_after(text, first_line, last);
    debug_assert_eq!(
        c.newlines,
        memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64
    );
    c
}

/// Newlines in `text` (whose first line is `first_line`), given the first line and raw text of
/// its last event: those before the event's end follow from its line number. Falls back to
/// counting when the raw text is not a slice of `text`.
fn newlines_after(text: &str, first_line: u64, last: Option<(u64, &str)>) -> u64 {
    let count = |t: &str| memchr::memchr_iter(b'\n', t.as_bytes()).count() as u64;
    let Some((line, raw)) = last else {
        return count(text);
    };
    let start = (raw.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    let end = start.wrapping_add(raw.len());
    match (line.checked_sub(first_line), text.get(end..)) {
        (Some(before), Some(tail)) if start <= text.len() && end <= text.len() => {
            before + record_lines(raw) - 1 + count(tail)
        }
        _ => count(text),
    }
}

fn error_report(input: &InputFile, e: &std::io::Error) -> FileReport {
    FileReport::not_read(
        input.display.clone(),
        input.kind_hint.unwrap_or(LogKind::Other),
        input.host.clone(),
        None,
        Some(format!("cannot read: {e}")),
    )
}

impl FileReport {
    /// An input with nothing read from it: `error` when it was lost, `note` when it was skipped
    /// on purpose.
    pub fn not_read(
        path: String,
        kind: LogKind,
        host: Option<String>,
        note: Option<String>,
        error: Option<String>,
    ) -> FileReport {
        FileReport {
            path,
            kind,
            format: Format::Plain,
            encoding: "",
            bytes: 0,
            records: 0,
            unparsed_lines: 0,
            skipped_lines: 0,
            lines: 0,
            replaced_bytes: 0,
            host,
            note,
            error,
            changed_while_read: false,
            cut_lines: 0,
            span: Default::default(),
        }
    }
}

/// Format and kind of a file from its first bytes and its name.
fn classify(input: &InputFile, head: &str) -> (LogKind, Format) {
    let format = parse::detect(head);
    let kind = match input.kind_hint {
        Some(k) => k,
        None => kind_from_content(head, format),
    };
    (kind, format)
}

fn scan_file<S: Parts>(
    input: &InputFile,
    id: FileId,
    parts: &mut S,
    opts: ScanOptions,
    progress: &Progress,
) -> FileReport {
    if let Some(skipped) = source::binary::skipped(input) {
        return skipped;
    }
    if !opts.allow_mmap {
        return scan_file_streaming(input, id, parts, progress);
    }
    let loaded = match source::load(&input.path, opts.allow_mmap) {
        Ok(l) => l,
        Err(e) => return error_report(input, &e),
    };
    let text = loaded.text();
    let (kind, format) = classify(input, head_of(text, 64 * 1024));
    let info = FileInfo {
        id,
        input,
        kind,
        format,
    };
    let mut part = parts.fresh();
    let ctx = parse_ctx(id, kind, &part);
    let c = if text.len() >= parallel_min()
        && parse::is_splittable(format)
        && rayon::current_num_threads() > 1
    {
        parse_parallel(
            text,
            loaded.newlines.as_ref(),
            &ctx,
            &info,
            (part, parts),
            progress,
        )
    } else {
        let c = parse_piece(text, 1, &ctx, &info, &mut part, progress);
        parts.done(part);
        c
    };
    // Progress counts text; settle on the size on disk (UTF-16 text is about half of it).
    progress.inc(loaded.bytes.saturating_sub(text.len() as u64));
    let lines = lines_of(text, c.newlines);
    let change = loaded.change();
    FileReport {
        path: input.display.clone(),
        kind,
        format,
        encoding: loaded.encoding.as_str(),
        bytes: loaded.bytes,
        records: c.records,
        unparsed_lines: c.unparsed,
        skipped_lines: lines.saturating_sub(c.covered + c.unparsed),
        lines,
        replaced_bytes: loaded.replaced as u64,
        host: input.host.clone(),
        note: join_notes([
            plain_note(format, text.is_empty()),
            change
                .as_ref()
                .filter(|c| !c.loses_input())
                .map(source::open::Change::note),
        ]),
        error: change
            .as_ref()
            .filter(|c| c.loses_input())
            .map(source::open::Change::note),
        changed_while_read: change.is_some(),
        cut_lines: 0,
        span: Default::default(),
    }
}

/// Notes of one file, in order, as one (`None` when there are none).
fn join_notes<const N: usize>(notes: [Option<String>; N]) -> Option<String> {
    let v: Vec<String> = notes.into_iter().flatten().collect();
    (!v.is_empty()).then(|| v.join("; "))
}

/// The parse context of file `id` for `part`.
fn parse_ctx<P: Part>(id: FileId, kind: LogKind, part: &P) -> ParseCtx {
    ParseCtx {
        defer_severity: part.defers_severity(),
        ..ParseCtx::new(id, kind)
    }
}

/// Cut `text` at record boundaries into about `16 × threads` chunks, parse them into parts in
/// parallel and hand the parts on in input order (deterministic); `first` is the first chunk's.
fn parse_parallel<S: Parts>(
    text: &str,
    newline_index: Option<&source::decode::NewlineIndex>,
    ctx: &ParseCtx,
    info: &FileInfo<'_>,
    (first, parts): (S::P, &mut S),
    progress: &Progress,
) -> Counts {
    // Many chunks: workers take them in order, so the last one to finish idles the other worker
    // for at most one chunk's time.
    let n = (rayon::current_num_threads() * 16).max(2);
    let mut bounds = vec![0usize];
    for i in 1..n {
        let target = text.len() / n * i;
        let from = (*bounds.last().unwrap_or(&0)).max(target);
        if let Some(b) = parse::next_boundary(info.format, text, from) {
            if b > *bounds.last().unwrap_or(&0) && b < text.len() {
                bounds.push(b);
            }
        }
    }
    bounds.push(text.len());
    let pieces: Vec<&str> = bounds.windows(2).map(|w| &text[w[0]..w[1]]).collect();
    let mut chunk_parts = Vec::with_capacity(pieces.len());
    chunk_parts.push(first);
    while chunk_parts.len() < pieces.len() {
        chunk_parts.push(parts.fresh());
    }
    // Line number of each piece's first line: from the newlines counted while the text was
    // validated, or counted now.
    let counted;
    let index = match newline_index {
        Some(idx) => idx,
        None => {
            counted = source::decode::NewlineIndex::at_cuts(text, &bounds);
            &counted
        }
    };
    let first_lines: Vec<u64> = bounds[..pieces.len()]
        .iter()
        .map(|&b| 1 + index.before(text, b))
        .collect();
    let mut total = Counts::default();
    in_order(
        pieces
            .into_iter()
            .zip(first_lines)
            .zip(chunk_parts)
            .collect(),
        |_, ((piece, first), mut part)| {
            let c = parse_piece(piece, first, ctx, info, &mut part, progress);
            (part, c)
        },
        |(part, c)| {
            parts.done(part);
            total.add(c);
        },
    );
    total
}

/// The read path for large files: bounded memory whatever the file size.
fn scan_file_streaming<S: Parts>(
    input: &InputFile,
    id: FileId,
    parts: &mut S,
    progress: &Progress,
) -> FileReport {
    let mut stream = match source::stream::TextStream::open(&input.path) {
        Ok(s) => s,
        Err(e) => return error_report(input, &e),
    };
    let mut line = 1u64;
    let mut total = Counts::default();
    let mut class: Option<(LogKind, Format)> = None;
    let mut error = None;
    let mut last_char_newline = true;
    let mut text_bytes = 0u64;
    loop {
        let more = match stream.fill() {
            Ok(m) => m,
            Err(e) => {
                error = Some(format!("read error after {} line(s): {e}", line - 1));
                false
            }
        };
        // The text read and not parsed yet: the last record of the text before may go on in
        // this block.
        let text = stream.text();
        let (kind, format) =
            *class.get_or_insert_with(|| classify(input, head_of(text, 64 * 1024)));
        let cut = if !more {
            text.len()
        } else if text.len() > MAX_CARRY {
            parse::last_boundary(format, text).unwrap_or(text.len())
        } else {
            match parse::last_boundary(format, text) {
                Some(b) => b,
                None => continue,
            }
        };
        let info = FileInfo {
            id,
            input,
            kind,
            format,
        };
        let piece = &text[..cut];
        if !piece.is_empty() {
            // Each piece is a part of its own, handed on before the next is read: memory stays
            // bounded by the piece, whatever the file size.
            let mut part = parts.fresh();
            let ctx = parse_ctx(id, kind, &part);
            let c = parse_piece(piece, line, &ctx, &info, &mut part, progress);
            parts.done(part);
            total.add(c);
            text_bytes += piece.len() as u64;
            line += c.newlines;
            last_char_newline = piece.ends_with('\n');
        }
        stream.consume(cut);
        if !more {
            break;
        }
    }
    let lines = total.newlines + u64::from(!last_char_newline);
    progress.inc(stream.bytes.saturating_sub(text_bytes));
    let (kind, format) =
        class.unwrap_or((input.kind_hint.unwrap_or(LogKind::Other), Format::Plain));
    let change = stream.change();
    let (cut_lines, cut_bytes) = stream.cut_lines();
    let cut_note = (cut_lines > 0).then(|| {
        format!(
            "{cut_lines} line(s) longer than {} cut to that length ({cut_bytes} bytes not analysed)",
            source::open::human_size(source::stream::MAX_LINE as u64)
        )
    });
    FileReport {
        path: input.display.clone(),
        kind,
        format,
        encoding: stream.encoding.as_str(),
        bytes: stream.bytes,
        records: total.records,
        unparsed_lines: total.unparsed,
        skipped_lines: lines.saturating_sub(total.covered + total.unparsed),
        lines,
        replaced_bytes: stream.replaced as u64,
        host: input.host.clone(),
        note: join_notes([
            plain_note(format, lines == 0),
            change
                .as_ref()
                .filter(|c| !c.loses_input())
                .map(source::open::Change::note),
            cut_note,
        ]),
        error: error.or_else(|| {
            change
                .as_ref()
                .filter(|c| c.loses_input())
                .map(source::open::Change::note)
        }),
        changed_while_read: change.is_some(),
        cut_lines,
        span: Default::default(),
    }
}

fn plain_note(format: Format, empty: bool) -> Option<String> {
    if empty {
        return Some("empty file".into());
    }
    (format == Format::Plain).then(|| {
        "no known log format in the first lines; read as plain text, one record per line"
            .to_string()
    })
}

/// Physical lines a record spans (its raw text never includes the final terminator).
#[inline]
pub fn record_lines(raw: &str) -> u64 {
    match memchr::memchr(b'\n', raw.as_bytes()) {
        None => 1,
        Some(_) => memchr::memchr_iter(b'\n', raw.as_bytes()).count() as u64 + 1,
    }
}

/// Physical lines of a text (a last line without terminator counts).
pub fn physical_lines(text: &str) -> u64 {
    lines_of(
        text,
        memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64,
    )
}

/// The first `max` bytes of `text`, cut on a char boundary.
pub fn head_of(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests;
