//! Scanning: load, decode, detect and parse every stream, in parallel across streams, and hand
//! each event to a per-stream visitor. Results come back in input order, so output does not
//! depend on thread scheduling.

use rayon::prelude::*;
use serde::Serialize;

use crate::event::{Event, FileId, Format, LogKind};
use crate::parse::{self, ParseCtx};
use crate::source::{self, InputFile, Stream};

/// Per-file accounting (the `inputs` array of the report).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FileReport {
    pub path: String,
    pub kind: LogKind,
    pub format: Format,
    pub encoding: String,
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
    /// Why the file could not be read (then everything else is zero).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
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

/// Receives the events of one stream, in file order.
pub trait Visitor: Send {
    fn event(&mut self, ev: &Event<'_>, file: &FileInfo<'_>);
    /// Called after the last file of the stream.
    fn end_stream(&mut self) {}
}

#[derive(Clone, Copy, Debug)]
pub struct ScanOptions {
    pub allow_mmap: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { allow_mmap: true }
    }
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
    LogKind::KNOWN
        .iter()
        .copied()
        .find(|k| k.components().iter().any(|c| upper.contains(c)))
        .unwrap_or(LogKind::Other)
}

/// Scan one stream with `visitor`; `first_id` is the file id of its first file.
pub fn scan_stream<V: Visitor>(
    stream: &Stream,
    first_id: FileId,
    visitor: &mut V,
    opts: ScanOptions,
) -> Vec<FileReport> {
    let mut reports = Vec::with_capacity(stream.files.len());
    for (i, input) in stream.files.iter().enumerate() {
        let id = first_id + i as FileId;
        reports.push(scan_file(input, id, visitor, opts));
    }
    visitor.end_stream();
    reports
}

fn scan_file<V: Visitor>(
    input: &InputFile,
    id: FileId,
    visitor: &mut V,
    opts: ScanOptions,
) -> FileReport {
    let loaded = match source::load(&input.path, opts.allow_mmap) {
        Ok(l) => l,
        Err(e) => {
            return FileReport {
                path: input.display.clone(),
                kind: input.kind_hint.unwrap_or(LogKind::Other),
                format: Format::Plain,
                encoding: String::new(),
                bytes: 0,
                records: 0,
                unparsed_lines: 0,
                skipped_lines: 0,
                lines: 0,
                replaced_bytes: 0,
                host: input.host.clone(),
                error: Some(format!("cannot read: {e}")),
            }
        }
    };
    let text = loaded.text();
    let head = head_of(text, 64 * 1024);
    let mut kind = input.kind_hint.unwrap_or(LogKind::Other);
    let format = parse::detect(head, kind);
    if input.kind_hint.is_none() {
        kind = kind_from_content(head, format);
    }
    let info = FileInfo {
        id,
        input,
        kind,
        format,
    };
    let ctx = ParseCtx { file: id, kind };
    let (mut records, mut unparsed, mut covered) = (0u64, 0u64, 0u64);
    parse::parse_text(format, text, 1, &ctx, &mut |ev| {
        if ev.parsed {
            records += 1;
            covered += record_lines(ev.raw);
        } else {
            unparsed += 1;
        }
        visitor.event(&ev, &info);
    });
    let lines = physical_lines(text);
    FileReport {
        path: input.display.clone(),
        kind,
        format,
        encoding: loaded.encoding.as_str().to_string(),
        bytes: loaded.bytes,
        records,
        unparsed_lines: unparsed,
        skipped_lines: lines.saturating_sub(covered + unparsed),
        lines,
        replaced_bytes: loaded.replaced as u64,
        host: input.host.clone(),
        error: None,
    }
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
    let n = memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64;
    if !text.is_empty() && !text.ends_with('\n') {
        n + 1
    } else {
        n
    }
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

/// Scan all streams in parallel; `make` builds a visitor per stream. Returns per-stream file
/// reports and visitors, in input order.
pub fn scan_all<V, F>(streams: &[Stream], make: F, opts: ScanOptions) -> Vec<(Vec<FileReport>, V)>
where
    V: Visitor,
    F: Fn(&Stream) -> V + Sync,
{
    let mut first_ids = Vec::with_capacity(streams.len());
    let mut next: FileId = 0;
    for s in streams {
        first_ids.push(next);
        next += s.files.len() as FileId;
    }
    streams
        .par_iter()
        .zip(first_ids.par_iter())
        .map(|(s, &first)| {
            let mut v = make(s);
            let reports = scan_stream(s, first, &mut v, opts);
            (reports, v)
        })
        .collect()
}
