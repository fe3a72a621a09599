//! Streaming decoder, the default read path: yields decoded text in pieces that end at a line
//! end, so a file of any size is read with bounded memory (no map, no whole-file buffer).
//!
//! The file is read up to its size when opened and no further, so a log that keeps growing is
//! read as a snapshot; a file that shrinks, grows or is replaced meanwhile is analysed for what
//! was read and the change is told by [`TextStream::change`]. Every byte handed on was copied
//! into our own memory first and checked as UTF-8 there: another process writing to the file
//! cannot make our text invalid. A physical line longer than [`MAX_LINE`] is cut to its first
//! `MAX_LINE` bytes (counted in [`TextStream::cut_lines`]).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::decode::{sniff_encoding, Encoding};
use super::open::{self, Change, Snapshot};

/// Bytes read per step.
pub const BLOCK: usize = 4 << 20;
/// Longest physical line kept; the rest of a longer line is skipped (and counted).
pub const MAX_LINE: usize = 4 << 20;

/// Bytes kept from the end of a cut line: its trailer (SMS `$$<component><time>…>`, CMTrace
/// `]LOG]!><time=…>`) stays, so the record is still parsed, only its middle is dropped.
const KEEP_TAIL: usize = 64 << 10;

/// Cutting over-long lines, across pieces: the first `cap - tail` bytes and the last `tail`
/// bytes of a longer line are kept.
#[derive(Debug)]
struct LineCap {
    cap: usize,
    keep_tail: usize,
    /// Bytes of the current (unfinished) line already handed on.
    open: usize,
    /// The current line was cut: its bytes go to `tail` until its end.
    cutting: bool,
    tail: std::collections::VecDeque<u8>,
    cut_lines: u64,
    cut_bytes: u64,
}

impl LineCap {
    fn new(cap: usize) -> LineCap {
        LineCap {
            cap,
            keep_tail: KEEP_TAIL.min(cap / 2),
            open: 0,
            cutting: false,
            tail: std::collections::VecDeque::new(),
            cut_lines: 0,
            cut_bytes: 0,
        }
    }

    /// True when `b`, continuing the open line, has no line over the cap. Looks at about one
    /// byte in `cap` on ordinary text: each window of `cap` bytes is searched backwards for its
    /// last newline, which is near its end.
    fn fits(&self, b: &[u8]) -> bool {
        if self.cutting {
            return false;
        }
        let mut pos = 0usize;
        let mut allow = self.cap.saturating_sub(self.open);
        loop {
            if b.len() - pos <= allow {
                return true;
            }
            match memchr::memrchr(b'\n', &b[pos..pos + allow + 1]) {
                Some(i) => {
                    pos += i + 1;
                    allow = self.cap;
                }
                None => return false,
            }
        }
    }

    /// Account for `b` handed on whole (after [`Self::fits`]).
    fn passed(&mut self, b: &[u8]) {
        match memchr::memrchr(b'\n', b) {
            Some(i) => self.open = b.len() - i - 1,
            None => self.open += b.len(),
        }
    }

    /// Keep the last `keep_tail` bytes of the cut line.
    fn keep_in_tail(&mut self, b: &[u8]) {
        let keep = self.keep_tail;
        if b.len() >= keep {
            self.cut_bytes += (self.tail.len() + b.len() - keep) as u64;
            self.tail.clear();
            self.tail.extend(&b[b.len() - keep..]);
        } else {
            self.tail.extend(b);
            let over = self.tail.len().saturating_sub(keep);
            self.cut_bytes += over as u64;
            self.tail.drain(..over);
        }
    }

    /// End of a cut line: hand on its kept tail, from a character start.
    fn flush_tail(&mut self, out: &mut Vec<u8>) {
        let skip = self
            .tail
            .iter()
            .take_while(|&&c| (c & 0xC0) == 0x80)
            .count();
        self.cut_bytes += skip as u64;
        self.tail.drain(..skip);
        out.extend(self.tail.drain(..));
        self.cutting = false;
    }

    /// Append `b` to `out`, cutting every line over the cap (on UTF-8 character starts).
    fn push_cut(&mut self, b: &[u8], out: &mut Vec<u8>) {
        let mut rest = b;
        while !rest.is_empty() {
            let (content, nl) = match memchr::memchr(b'\n', rest) {
                Some(i) => (&rest[..i], true),
                None => (rest, false),
            };
            rest = &rest[content.len() + usize::from(nl)..];
            if self.cutting {
                self.keep_in_tail(content);
            } else if content.len() <= self.cap.saturating_sub(self.open) {
                out.extend_from_slice(content);
                self.open += content.len();
            } else {
                let head = self.cap - self.keep_tail;
                let mut k = head.saturating_sub(self.open).min(content.len());
                while k > 0 && (content[k] & 0xC0) == 0x80 {
                    k -= 1;
                }
                out.extend_from_slice(&content[..k]);
                self.cut_lines += 1;
                self.cutting = true;
                self.keep_in_tail(&content[k..]);
            }
            if nl {
                if self.cutting {
                    self.flush_tail(out);
                }
                out.push(b'\n');
                self.open = 0;
            }
        }
    }

    /// End of the file: hand on the tail of a cut last line.
    fn finish(&mut self, out: &mut Vec<u8>) {
        if self.cutting {
            self.flush_tail(out);
        }
    }
}

pub struct TextStream {
    file: File,
    path: PathBuf,
    at_open: Snapshot,
    /// Bytes still to read (the size at open minus what was read).
    remaining: u64,
    pub encoding: Encoding,
    decoder: Option<encoding_rs::Decoder>,
    /// Decoded text not consumed yet ([`Self::text`]).
    text: String,
    /// Bytes read and not decoded yet (UTF-8: the start of a line whose end is not read yet).
    raw: Vec<u8>,
    eof: bool,
    /// Size of the file when opened.
    pub bytes: u64,
    /// Bytes read from the file.
    pub read: u64,
    pub replaced: usize,
    started: bool,
    cap: LineCap,
    /// Scratch for cut text.
    scratch: Vec<u8>,
}

impl TextStream {
    /// Open a regular file (a FIFO or device is refused without blocking).
    pub fn open(path: &Path) -> std::io::Result<TextStream> {
        TextStream::open_capped(path, MAX_LINE)
    }

    /// [`Self::open`] with another line cap (tests).
    pub fn open_capped(path: &Path, max_line: usize) -> std::io::Result<TextStream> {
        let (file, meta) = open::open_regular(path)?;
        let at_open = Snapshot::of(&meta);
        Ok(TextStream {
            file,
            path: path.to_path_buf(),
            at_open,
            remaining: at_open.len,
            encoding: Encoding::Utf8,
            decoder: None,
            text: String::new(),
            raw: Vec::new(),
            eof: false,
            bytes: at_open.len,
            read: 0,
            replaced: 0,
            started: false,
            cap: LineCap::new(max_line.max(1)),
            scratch: Vec::new(),
        })
    }

    /// Lines longer than the cap, and the bytes cut from them.
    pub fn cut_lines(&self) -> (u64, u64) {
        (self.cap.cut_lines, self.cap.cut_bytes)
    }

    /// How the file changed while it was read (call after the last piece).
    pub fn change(&self) -> Option<Change> {
        open::change_after_read(&self.path, &self.file, self.at_open, self.read)
    }

    /// Read up to [`BLOCK`] more bytes behind `buf` (into its spare room: nothing is zeroed
    /// first). A read error keeps what was read before it.
    fn read_block(&mut self, buf: &mut Vec<u8>) -> std::io::Result<()> {
        let want = self.remaining.min(BLOCK as u64);
        let before = buf.len();
        buf.reserve(want as usize);
        let r = (&mut self.file).take(want).read_to_end(buf);
        let got = (buf.len() - before) as u64;
        self.read += got;
        self.remaining -= got.min(self.remaining);
        // Done at the size seen when opened, or earlier when the file shrank.
        if self.remaining == 0 || got < want {
            self.eof = true;
        }
        r.map(|_| ())
    }

    /// Read the next block and decode it behind the text not consumed yet ([`Self::text`]).
    /// Returns `false` once the file is done (its last text is then in [`Self::text`]).
    pub fn fill(&mut self) -> std::io::Result<bool> {
        if self.decoder.is_some() {
            let mut raw = std::mem::take(&mut self.raw);
            let r = self.read_block(&mut raw);
            self.raw = raw;
            r?;
            self.decode_utf16();
            return Ok(!self.eof);
        }
        // UTF-8 (or not known before the first block): the block is read straight behind the
        // text not consumed yet and the undecoded tail, so the text is never copied whole.
        let mut buf = std::mem::take(&mut self.text).into_bytes();
        let kept = buf.len();
        buf.extend_from_slice(&self.raw);
        self.raw.clear();
        let r = self.read_block(&mut buf);
        if !self.started {
            self.started = true;
            let (enc, bom) = sniff_encoding(&buf);
            self.encoding = enc;
            buf.drain(..bom);
            self.decoder = match enc {
                Encoding::Utf16Le => Some(encoding_rs::UTF_16LE.new_decoder_without_bom_handling()),
                Encoding::Utf16Be => Some(encoding_rs::UTF_16BE.new_decoder_without_bom_handling()),
                _ => None,
            };
            if self.decoder.is_some() {
                self.raw = buf;
                r?;
                self.decode_utf16();
                return Ok(!self.eof);
            }
        }
        if let Err(e) = r {
            // What was read before the error is not decoded (its last line may be partial).
            self.raw = buf.split_off(kept);
            self.text = String::from_utf8(buf).unwrap_or_default();
            return Err(e);
        }
        self.decode_utf8(buf, kept);
        Ok(!self.eof)
    }

    fn decode_utf16(&mut self) {
        let Some(dec) = self.decoder.as_mut() else {
            return;
        };
        let before = self.text.len();
        if let Some(cap) = dec.max_utf8_buffer_length(self.raw.len()) {
            self.text.reserve(cap);
        }
        let (_, _, had_errors) = dec.decode_to_string(&self.raw, &mut self.text, self.eof);
        if had_errors {
            self.replaced += self.text[before..].matches('\u{fffd}').count();
        }
        self.raw.clear();
        let added = &self.text.as_bytes()[before..];
        if self.cap.fits(added) {
            self.cap.passed(added);
        } else {
            // Decoded text is valid UTF-8 and the cuts keep character starts.
            self.scratch.clear();
            let added = self.text.as_bytes()[before..].to_vec();
            self.cap.push_cut(&added, &mut self.scratch);
            if self.eof {
                self.cap.finish(&mut self.scratch);
            }
            self.text.truncate(before);
            self.text.push_str(&String::from_utf8_lossy(&self.scratch));
        }
    }

    /// UTF-8: `buf` is the text not consumed yet (its first `kept` bytes) and the undecoded
    /// bytes. Everything up to their last newline (a newline byte is never inside a multi-byte
    /// sequence) becomes text, checked; the rest waits for the next block unless it is over the
    /// line cap (then it is cut and the rest of its line skipped).
    fn decode_utf8(&mut self, mut buf: Vec<u8>, kept: usize) {
        let new = &buf[kept..];
        let cut = kept
            + if self.eof {
                new.len()
            } else {
                match memchr::memrchr(b'\n', new) {
                    Some(i) => i + 1,
                    None if new.len() >= self.cap.cap => new.len(),
                    None => 0,
                }
            };
        self.raw.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);
        if self.cap.fits(&buf[kept..]) {
            self.cap.passed(&buf[kept..]);
        } else {
            self.scratch.clear();
            self.cap.push_cut(&buf[kept..], &mut self.scratch);
            if self.eof {
                self.cap.finish(&mut self.scratch);
            }
            buf.truncate(kept);
            buf.extend_from_slice(&self.scratch);
        }
        self.text = match String::from_utf8(buf) {
            Ok(s) => s,
            Err(e) => {
                // The kept text was checked before; only the new bytes are replaced.
                let bytes = e.into_bytes();
                let added = String::from_utf8_lossy(&bytes[kept..]);
                self.replaced += added.matches('\u{fffd}').count();
                let mut s = String::from_utf8_lossy(&bytes[..kept]).into_owned();
                s.push_str(&added);
                s
            }
        };
    }

    /// The decoded text not consumed yet: whole lines, except at the end of the file or where a
    /// line was cut.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Drop the first `n` bytes of [`Self::text`] (`n` on a character boundary).
    pub fn consume(&mut self, n: usize) {
        self.text.drain(..n.min(self.text.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(path: &Path, cap: usize) -> (String, TextStream) {
        let mut s = TextStream::open_capped(path, cap).expect("open");
        let mut out = String::new();
        loop {
            let more = s.fill().expect("read");
            out.push_str(s.text());
            s.consume(s.text().len());
            if !more {
                break;
            }
        }
        (out, s)
    }

    #[test]
    fn long_lines_keep_head_and_tail_and_are_counted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log");
        let text = format!(
            "short\n{}<trailer>\nabc\n{}<end>",
            "é".repeat(40),
            "x".repeat(25)
        );
        std::fs::write(&p, &text).expect("write");
        // Cap 12: 6 bytes of head, the last 6 bytes of the line.
        let (out, s) = read_all(&p, 12);
        assert_eq!(out, "short\néééailer>\nabc\nxxxxxxx<end>");
        assert_eq!(s.cut_lines(), (2, (89 - 12) + (30 - 12)));
        let (out, s) = read_all(&p, 1 << 20);
        assert_eq!(out, text);
        assert_eq!(s.cut_lines(), (0, 0));
        assert_eq!(s.change(), None);
    }

    #[test]
    fn a_line_cut_across_pieces_keeps_its_tail() {
        let mut cap = LineCap::new(10);
        let mut out = Vec::new();
        for piece in ["0123", "456789abcdef", "ghij", "klm\nok\n"] {
            cap.push_cut(piece.as_bytes(), &mut out);
        }
        assert_eq!(String::from_utf8_lossy(&out), "01234ijklm\nok\n");
        assert_eq!((cap.cut_lines, cap.cut_bytes), (1, 13));
    }

    #[test]
    fn utf16_lines_are_cut_too() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log");
        let mut v = vec![0xFF, 0xFE];
        for u in format!("ok\r\n{}END\r\nend\r\n", "y".repeat(100)).encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        std::fs::write(&p, &v).expect("write");
        let (out, s) = read_all(&p, 10);
        assert_eq!(out, "ok\r\nyyyyyyEND\r\nend\r\n");
        assert_eq!(s.cut_lines().0, 1);
    }

    #[test]
    fn fits_agrees_with_a_plain_scan() {
        let lines = ["", "a", "abcd", "abcde", "abcdef", "é€"];
        for a in lines {
            for b in lines {
                for open in 0..=5 {
                    let text = format!("{a}\n{b}");
                    let cap = LineCap {
                        open,
                        ..LineCap::new(5)
                    };
                    let first = text.split('\n').next().map_or(0, str::len);
                    let want = open + first <= 5 && text.split('\n').skip(1).all(|l| l.len() <= 5);
                    assert_eq!(cap.fits(text.as_bytes()), want, "{open} {text:?}");
                }
            }
        }
    }

    /// Text consumed a little at a time (as the scanner keeps the last record for the next
    /// block) comes out as the file holds it, across blocks, after a BOM, with a character
    /// split by a block boundary and an invalid byte replaced.
    #[test]
    fn text_consumed_in_parts_is_the_file_across_blocks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log");
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        let mut want = String::new();
        let mut i = 0usize;
        while bytes.len() < 2 * BLOCK + 1000 {
            let line = format!("line {i} {}é\n", "x".repeat(i % 300));
            bytes.extend_from_slice(line.as_bytes());
            want.push_str(&line);
            i += 1;
        }
        bytes.extend_from_slice(b"bad \xFF end");
        want.push_str("bad \u{FFFD} end");
        std::fs::write(&p, &bytes).expect("write");
        let mut s = TextStream::open(&p).expect("open");
        let mut out = String::new();
        loop {
            let more = s.fill().expect("read");
            let text = s.text();
            // Keep back the last line, as the scanner keeps a record that may go on.
            let keep = if more {
                text.trim_end_matches('\n').rfind('\n').map_or(0, |i| i + 1)
            } else {
                text.len()
            };
            out.push_str(&text[..keep]);
            s.consume(keep);
            if !more {
                break;
            }
        }
        assert_eq!(s.encoding, Encoding::Utf8Bom);
        assert_eq!(s.replaced, 1);
        assert!(out == want, "text differs from the file");
    }
}
