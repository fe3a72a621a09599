//! Scanning streams: the files of one stream in order (rolled generations read in parallel,
//! handed on in order), and many streams in parallel, all at once or in batches.

use rayon::prelude::*;

use super::{in_order, scan_file, Collecting, FileReport, ScanOptions, ToVisitor, Visitor};
use crate::event::FileId;
use crate::progress::Progress;
use crate::source::Stream;

/// Scan one stream with `visitor`; `first_id` is the file id of its first file.
pub fn scan_stream<V: Visitor>(
    stream: &Stream,
    first_id: FileId,
    visitor: &mut V,
    opts: ScanOptions,
) -> Vec<FileReport> {
    scan_stream_progress(stream, first_id, visitor, opts, &Progress::hidden())
}

/// [`scan_stream`], counting the bytes read on `progress`.
pub fn scan_stream_progress<V: Visitor>(
    stream: &Stream,
    first_id: FileId,
    visitor: &mut V,
    opts: ScanOptions,
    progress: &Progress,
) -> Vec<FileReport> {
    // Rolled generations of one log: each file read into its own part in parallel, the parts
    // handed to phase B in order.
    if stream.files.len() > 1 && rayon::current_num_threads() > 1 {
        let parts: Vec<V::Part> = stream.files.iter().map(|_| visitor.part()).collect();
        let mut reports = Vec::with_capacity(stream.files.len());
        in_order(
            stream.files.iter().zip(parts).collect(),
            |i, (input, part)| {
                let mut whole = Collecting(part);
                let id = first_id + i as FileId;
                let r = scan_file(input, id, &mut whole, opts, progress);
                (r, whole.0)
            },
            |(r, part)| {
                reports.push(r);
                visitor.take(part);
            },
        );
        visitor.end_stream();
        return reports;
    }
    let mut reports = Vec::with_capacity(stream.files.len());
    for (i, input) in stream.files.iter().enumerate() {
        let id = first_id + i as FileId;
        reports.push(scan_file(
            input,
            id,
            &mut ToVisitor(&mut *visitor),
            opts,
            progress,
        ));
    }
    visitor.end_stream();
    reports
}

/// Scan all streams in parallel; `make` builds a visitor per stream. Returns per-stream file
/// reports and visitors, in input order.
pub fn scan_all<V, F>(streams: &[Stream], make: F, opts: ScanOptions) -> Vec<(Vec<FileReport>, V)>
where
    V: Visitor,
    F: Fn(&Stream) -> V + Sync,
{
    scan_all_progress(streams, make, opts, &Progress::hidden())
}

/// Total size on disk of the files of `streams` (for [`Progress::new`]).
pub fn total_bytes(streams: &[Stream]) -> u64 {
    streams
        .iter()
        .flat_map(|s| &s.files)
        .filter_map(|f| std::fs::metadata(&f.path).ok())
        .map(|m| m.len())
        .sum()
}

/// [`scan_all`] with a progress bar: callers build it with
/// `Progress::new(scan::total_bytes(&streams), quiet)`; it draws only when worth it.
pub fn scan_all_progress<V, F>(
    streams: &[Stream],
    make: F,
    opts: ScanOptions,
    progress: &Progress,
) -> Vec<(Vec<FileReport>, V)>
where
    V: Visitor,
    F: Fn(&Stream) -> V + Sync,
{
    in_parallel(streams, &mut 0, &make, opts, progress)
}

/// Scan `streams` in parallel, numbering their files from `next` on (left after the last).
fn in_parallel<V, F>(
    streams: &[Stream],
    next: &mut FileId,
    make: &F,
    opts: ScanOptions,
    progress: &Progress,
) -> Vec<(Vec<FileReport>, V)>
where
    V: Visitor,
    F: Fn(&Stream) -> V + Sync,
{
    let mut first_ids = Vec::with_capacity(streams.len());
    for s in streams {
        first_ids.push(*next);
        *next += s.files.len() as FileId;
    }
    streams
        .par_iter()
        .zip(first_ids.par_iter())
        .map(|(s, &first)| {
            let mut v = make(s);
            let reports = scan_stream_progress(s, first, &mut v, opts, progress);
            (reports, v)
        })
        .collect()
}

/// Streams scanned in parallel at a time by [`scan_batched`]: enough to keep every core busy,
/// few enough that one batch of visitors stays small next to the inputs.
pub(super) const BATCH: usize = 256;

/// [`scan_all_progress`] in batches: each stream's reports and visitor go to `consume`, in
/// input order, as soon as its batch is done, and the batch's streams (paths, names) are
/// dropped then, so memory stays flat in the number of streams (100,000 small files are
/// 100,000 streams, each with its own visitor).
pub fn scan_batched<V, F, C>(
    streams: Vec<Stream>,
    make: F,
    opts: ScanOptions,
    progress: &Progress,
    mut consume: C,
) where
    V: Visitor,
    F: Fn(&Stream) -> V + Sync,
    C: FnMut(&Stream, Vec<FileReport>, V),
{
    let mut next: FileId = 0;
    let mut rest = streams.into_iter();
    loop {
        let batch: Vec<Stream> = rest.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let results = in_parallel(&batch, &mut next, &make, opts, progress);
        for (s, (reports, v)) in batch.iter().zip(results) {
            consume(s, reports, v);
        }
    }
}
