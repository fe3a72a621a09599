//! Loading and decoding one file whole: memory map (`--mmap`) or read, BOM sniffing,
//! UTF-8/UTF-16 decoding. (The default read path is [`super::stream`].)
//!
//! Valid UTF-8 read into our memory is borrowed as it is; a map is checked again each time its
//! text is taken, because another process can change the file under it. UTF-16 and invalid
//! UTF-8 are decoded into an owned string with U+FFFD for bad sequences. Nothing here panics on
//! file content.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use memmap2::Mmap;

/// Files at least this big are memory-mapped; smaller ones are read (a map costs more than a
/// read for a few KB).
pub const MMAP_THRESHOLD: u64 = 256 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }
}

enum Storage {
    Mapped(Mmap),
    /// Text in our own memory (decoded, or bytes that were valid UTF-8 as read).
    Decoded(String),
}

/// What [`decode_storage`] decodes: a map, or bytes read into our own memory.
enum Raw {
    Mapped(Mmap),
    Bytes(Vec<u8>),
}

/// A loaded, decoded file.
pub struct Loaded {
    storage: Storage,
    /// Bytes to skip at the start of a borrowed buffer (the UTF-8 BOM).
    skip: usize,
    pub encoding: Encoding,
    /// Size of the file on disk.
    pub bytes: u64,
    /// Number of U+FFFD replacements made while decoding (invalid bytes).
    pub replaced: usize,
    /// Line terminators counted while validating a big text in parallel (see [`NewlineIndex`]).
    pub newlines: Option<NewlineIndex>,
    /// The file as opened, to tell afterwards whether it changed while read.
    origin: Option<Origin>,
    /// Bytes read (or mapped).
    read: u64,
}

struct Origin {
    file: File,
    path: PathBuf,
    at_open: super::open::Snapshot,
}

/// Newlines before block starts of a text, counted block by block right after validating each
/// block (still in cache), so a parallel scan need not read the whole text once more to number
/// the lines of its chunks.
#[derive(Debug, Default)]
pub struct NewlineIndex {
    /// (block start, newlines before it), ascending.
    blocks: Vec<(usize, u64)>,
}

impl NewlineIndex {
    /// The index of `text` with blocks at `cuts` (ascending, from 0 to `text.len()`), counted
    /// in parallel: for texts that were not validated block by block (decoded, small).
    pub fn at_cuts(text: &str, cuts: &[usize]) -> NewlineIndex {
        use rayon::prelude::*;
        let b = text.as_bytes();
        let counts: Vec<u64> = cuts
            .par_windows(2)
            .map(|w| count_newlines(b.get(w[0]..w[1]).unwrap_or(&[])))
            .collect();
        NewlineIndex::from_counts(cuts, &counts)
    }

    /// From the newlines of each block between neighbouring `cuts`.
    fn from_counts(cuts: &[usize], counts: &[u64]) -> NewlineIndex {
        let mut total = 0u64;
        let blocks = cuts
            .iter()
            .zip(counts)
            .map(|(&start, &n)| {
                let before = total;
                total += n;
                (start, before)
            })
            .collect();
        NewlineIndex { blocks }
    }

    /// Newlines in `text[..at]` (`text`: the text the index was built over).
    pub fn before(&self, text: &str, at: usize) -> u64 {
        let i = self.blocks.partition_point(|&(start, _)| start <= at);
        let (start, n) = i
            .checked_sub(1)
            .and_then(|i| self.blocks.get(i))
            .copied()
            .unwrap_or((0, 0));
        let tail = text
            .as_bytes()
            .get(start..at.min(text.len()))
            .unwrap_or(&[]);
        n + count_newlines(tail)
    }
}

fn count_newlines(b: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', b).count() as u64
}

impl Loaded {
    /// The decoded text. Text in our own memory is borrowed at no cost. A map is validated again: the file under it may have been
    /// rewritten since; then only its valid start is taken (and [`Self::change`] tells).
    pub fn text(&self) -> &str {
        match &self.storage {
            Storage::Decoded(s) => s.get(self.skip..).unwrap_or_default(),
            Storage::Mapped(m) => {
                let b = m.get(self.skip..).unwrap_or(&[]);
                match std::str::from_utf8(b) {
                    Ok(s) => s,
                    Err(e) => std::str::from_utf8(&b[..e.valid_up_to()]).unwrap_or_default(),
                }
            }
        }
    }

    /// How the file changed while it was read (after the text was used).
    pub fn change(&self) -> Option<super::open::Change> {
        let o = self.origin.as_ref()?;
        super::open::change_after_read(&o.path, &o.file, o.at_open, self.read)
    }
}

/// Read and decode `path` whole (a regular file only, up to its size when opened);
/// `allow_mmap` maps it when it is big.
pub fn load(path: &Path, allow_mmap: bool) -> std::io::Result<Loaded> {
    let (file, meta) = super::open::open_regular(path)?;
    let at_open = super::open::Snapshot::of(&meta);
    let len = meta.len();
    let raw = if allow_mmap && len >= MMAP_THRESHOLD {
        match map(&file, len) {
            Ok(m) => Raw::Mapped(m),
            Err(_) => Raw::Bytes(read_all(&file, len)?),
        }
    } else {
        Raw::Bytes(read_all(&file, len)?)
    };
    let read = match &raw {
        Raw::Mapped(m) => m.len() as u64,
        Raw::Bytes(b) => b.len() as u64,
    };
    let mut loaded = decode_storage(raw, len);
    loaded.read = read;
    loaded.origin = Some(Origin {
        file,
        path: path.to_path_buf(),
        at_open,
    });
    Ok(loaded)
}

/// Decode bytes already in memory (tests, stdin, fuzzing).
pub fn decode_bytes(bytes: Vec<u8>) -> Loaded {
    let len = bytes.len() as u64;
    decode_storage(Raw::Bytes(bytes), len)
}

/// Up to `len` bytes (the size when opened: a file growing meanwhile is read as it was).
fn read_all(file: &File, len: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0).min(1 << 30));
    file.take(len).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Inputs at least this big are validated in parallel chunks.
const PARALLEL_VALIDATE_MIN: usize = 8 << 20;

/// Block of the parallel validation (validated, then its newlines counted while it is in cache).
const BLOCK: usize = 1 << 20;

/// Is the text validated (and its pages populated) in parallel?
fn parallel_load(len: usize) -> bool {
    len >= PARALLEL_VALIDATE_MIN && rayon::current_num_threads() >= 2
}

/// Cut points of `b` near multiples of `step`, each at a byte that is not a UTF-8 continuation
/// byte (a character start, if the text is valid).
fn cuts(b: &[u8], step: usize) -> Vec<usize> {
    let mut cuts = vec![0usize];
    let mut at = step;
    while at < b.len() {
        let mut c = at.max(*cuts.last().unwrap_or(&0));
        while c < b.len() && (b[c] & 0xC0) == 0x80 {
            c += 1;
        }
        if c < b.len() {
            cuts.push(c);
        }
        at += step;
    }
    cuts.push(b.len());
    cuts.dedup();
    cuts
}

/// UTF-8 validity, in parallel blocks for big inputs (the whole is valid exactly when every
/// block cut at a character start is). `simdutf8` validates with AVX2/SSE4.2 rather than std's
/// validator: validation reads every byte of the input before parsing starts, so its speed
/// bounds the whole run's. In parallel, each block's pages are populated first (`populate`,
/// from the worker: the kernel maps pages on both cores) and its newlines are counted after,
/// for the [`NewlineIndex`].
fn is_utf8(b: &[u8], populate: &(dyn Fn(usize, usize) + Sync)) -> (bool, Option<NewlineIndex>) {
    if !parallel_load(b.len()) {
        return (simdutf8::basic::from_utf8(b).is_ok(), None);
    }
    use rayon::prelude::*;
    let cuts = cuts(b, BLOCK);
    let per_block: Vec<Option<u64>> = cuts
        .par_windows(2)
        .map(|w| {
            populate(w[0], w[1] - w[0]);
            let block = &b[w[0]..w[1]];
            simdutf8::basic::from_utf8(block)
                .ok()
                .map(|_| count_newlines(block))
        })
        .collect();
    match per_block.into_iter().collect::<Option<Vec<u64>>>() {
        Some(counts) => (true, Some(NewlineIndex::from_counts(&cuts, &counts))),
        None => (false, None),
    }
}

#[allow(unsafe_code)]
fn map(file: &File, len: u64) -> std::io::Result<Mmap> {
    // SAFETY: the map is read-only and private to this process. If another process truncates
    // the file while we read it, access past the new end raises SIGBUS and the process dies:
    // that is why mapping is only done on request (`--mmap`, documented with that risk); the
    // default read path copies the file into our memory. Bytes changed under the map are
    // re-validated before use (`Loaded::text`).
    // `populate` asks the kernel to map every page up front (MAP_POPULATE on Linux), so that
    // validation does not stop at a page fault every 64 KiB. When the text is validated
    // in parallel, each worker populates its own blocks instead (`is_utf8`).
    let parallel = usize::try_from(len).is_ok_and(parallel_load);
    unsafe {
        if parallel {
            Mmap::map(file)
        } else {
            memmap2::MmapOptions::new().populate().map(file)
        }
    }
}

fn decode_storage(raw: Raw, len: u64) -> Loaded {
    let bytes: &[u8] = match &raw {
        Raw::Mapped(m) => m,
        Raw::Bytes(b) => b,
    };
    let (encoding, bom) = sniff_encoding(bytes);
    match encoding {
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let enc = if encoding == Encoding::Utf16Le {
                encoding_rs::UTF_16LE
            } else {
                encoding_rs::UTF_16BE
            };
            let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
            let replaced = if had_errors {
                text.matches('\u{fffd}').count()
            } else {
                0
            };
            decoded(text.into_owned(), replaced, encoding, len)
        }
        Encoding::Utf8 | Encoding::Utf8Bom => {
            let valid = |storage, newlines| Loaded {
                storage,
                skip: bom,
                encoding,
                bytes: len,
                replaced: 0,
                newlines,
                origin: None,
                read: len,
            };
            match raw {
                // Our own bytes become the text in place: std checks them once, and nothing
                // else can change them afterwards.
                // (A big text is first checked in parallel blocks, which also number its
                // lines for a parallel scan; std's check then costs one more pass.)
                Raw::Bytes(b) => {
                    let newlines = if parallel_load(b.len()) {
                        is_utf8(&b[bom..], &|_, _| {}).1
                    } else {
                        None
                    };
                    match String::from_utf8(b) {
                        Ok(s) => valid(Storage::Decoded(s), newlines),
                        Err(e) => lossy(e.as_bytes(), bom, encoding, len),
                    }
                }
                Raw::Mapped(m) => {
                    // Each block of the map is populated from the worker that validates it.
                    // Failure (an old kernel) only costs the page faults; madvise exists on
                    // Unix only, elsewhere the pages fault in as they are read.
                    let populate = |_off: usize, _n: usize| {
                        #[cfg(unix)]
                        let _ = m.advise_range(memmap2::Advice::PopulateRead, bom + _off, _n);
                    };
                    let (ok, newlines) = is_utf8(&m[bom..], &populate);
                    if ok {
                        valid(Storage::Mapped(m), newlines)
                    } else {
                        lossy(&m, bom, encoding, len)
                    }
                }
            }
        }
    }
}

/// Text that is not valid UTF-8: invalid sequences become U+FFFD (counted).
fn lossy(bytes: &[u8], bom: usize, encoding: Encoding, len: u64) -> Loaded {
    let text = String::from_utf8_lossy(bytes.get(bom..).unwrap_or_default()).into_owned();
    let replaced = text.matches('\u{fffd}').count();
    decoded(text, replaced, encoding, len)
}

/// A text decoded into our memory, `replaced` characters of it U+FFFD.
fn decoded(text: String, replaced: usize, encoding: Encoding, len: u64) -> Loaded {
    Loaded {
        storage: Storage::Decoded(text),
        skip: 0,
        encoding,
        bytes: len,
        replaced,
        newlines: None,
        origin: None,
        read: len,
    }
}

/// Encoding and BOM length. Without a BOM, NUL bytes in alternate positions mean UTF-16.
pub fn sniff_encoding(b: &[u8]) -> (Encoding, usize) {
    if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return (Encoding::Utf8Bom, 3);
    }
    if b.starts_with(&[0xFF, 0xFE]) {
        return (Encoding::Utf16Le, 2);
    }
    if b.starts_with(&[0xFE, 0xFF]) {
        return (Encoding::Utf16Be, 2);
    }
    let head = &b[..b.len().min(512)];
    if head.len() >= 8 {
        let (mut even, mut odd) = (0usize, 0usize);
        for (i, &c) in head.iter().enumerate() {
            if c == 0 {
                if i % 2 == 0 {
                    even += 1;
                } else {
                    odd += 1;
                }
            }
        }
        let half = head.len() / 2;
        if odd * 10 > half * 7 && even * 10 < half {
            return (Encoding::Utf16Le, 0);
        }
        if even * 10 > half * 7 && odd * 10 < half {
            return (Encoding::Utf16Be, 0);
        }
    }
    (Encoding::Utf8, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The newline index of a big text numbers lines as a plain count does, at block starts,
    /// inside blocks and around multi-byte characters cut near block ends.
    #[test]
    fn newline_index_agrees_with_counting() {
        let mut text = String::from("\u{feff}");
        let mut i = 0u64;
        while text.len() < PARALLEL_VALIDATE_MIN + 3 * BLOCK {
            text.push_str(if i % 7 == 0 {
                "é€𝄞 line\r\n"
            } else {
                "plain text\n"
            });
            i += 1;
        }
        let l = decode_bytes(text.into_bytes());
        let t = l.text();
        match &l.newlines {
            Some(idx) => {
                for at in (0..t.len())
                    .step_by(BLOCK / 3)
                    .chain([t.len(), BLOCK, BLOCK + 1])
                {
                    let at = (0..=at.min(t.len())).rev().find(|&a| t.is_char_boundary(a));
                    let at = at.unwrap_or(0);
                    let want = memchr::memchr_iter(b'\n', &t.as_bytes()[..at]).count() as u64;
                    assert_eq!(idx.before(t, at), want, "at {at}");
                }
            }
            // One core: validated in one piece, no index.
            None => assert!(rayon::current_num_threads() < 2),
        }
    }

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    #[test]
    fn utf8_bom_is_skipped_and_borrowed() {
        let l = decode_bytes(b"\xEF\xBB\xBFhello\r\n".to_vec());
        assert_eq!(l.encoding, Encoding::Utf8Bom);
        assert_eq!(l.text(), "hello\r\n");
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let l = decode_bytes(utf16le("Starting Sync\r\n", true));
        assert_eq!(l.encoding, Encoding::Utf16Le);
        assert_eq!(l.text(), "Starting Sync\r\n");
        let l = decode_bytes(utf16le("Starting Sync again\r\n", false));
        assert_eq!(l.encoding, Encoding::Utf16Le);
        assert_eq!(l.text(), "Starting Sync again\r\n");
    }

    #[test]
    fn odd_length_utf16_and_invalid_utf8_are_replaced() {
        let mut v = utf16le("abc", true);
        v.push(0x41);
        let l = decode_bytes(v);
        assert!(l.text().starts_with("abc"));
        assert_eq!(l.replaced, 1);
        let l = decode_bytes(b"ok \xff\xfe\x00 junk".to_vec());
        assert!(l.text().contains('\u{fffd}'));
        assert!(l.replaced >= 1);
    }

    #[test]
    fn chunked_validation_agrees_with_std() {
        // Multi-byte characters straddling every possible cut, then one bad byte at the end.
        let mut v = "é€😀a".repeat(PARALLEL_VALIDATE_MIN / 5 + 7).into_bytes();
        assert!(is_utf8(&v, &|_, _| {}).0);
        assert_eq!(decode_bytes(v.clone()).text().len(), v.len());
        v.push(0xff);
        assert!(!is_utf8(&v, &|_, _| {}).0);
        let l = decode_bytes(v);
        assert_eq!(l.replaced, 1);
        // A lone continuation byte in the middle.
        let mut w = "ab".repeat(PARALLEL_VALIDATE_MIN).into_bytes();
        let mid = w.len() / 2 + 1;
        w[mid] = 0x80;
        assert!(!is_utf8(&w, &|_, _| {}).0);
    }

    #[test]
    fn empty_and_bom_only() {
        assert_eq!(decode_bytes(vec![]).text(), "");
        assert_eq!(decode_bytes(vec![0xEF, 0xBB, 0xBF]).text(), "");
        assert_eq!(decode_bytes(vec![0xFF, 0xFE]).text(), "");
    }
}
