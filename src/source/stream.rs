//! Streaming decoder for the read path: yields decoded text in pieces that end at a line end,
//! so a file of any size is read with bounded memory (no mmap, no whole-file buffer).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::decode::{sniff_encoding, Encoding};

/// Bytes read per step.
pub const BLOCK: usize = 4 << 20;
/// A line longer than this is handed on in pieces instead of being buffered whole.
pub const MAX_LINE: usize = 16 << 20;

pub struct TextStream {
    file: File,
    pub encoding: Encoding,
    decoder: Option<encoding_rs::Decoder>,
    /// Undecoded bytes carried to the next step (UTF-8 tail after the last newline).
    raw: Vec<u8>,
    eof: bool,
    pub bytes: u64,
    pub replaced: usize,
    started: bool,
}

impl TextStream {
    pub fn open(path: &Path) -> std::io::Result<TextStream> {
        let file = File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_dir() {
            return Err(std::io::Error::other("is a directory"));
        }
        Ok(TextStream {
            file,
            encoding: Encoding::Utf8,
            decoder: None,
            raw: Vec::with_capacity(BLOCK),
            eof: false,
            bytes: meta.len(),
            replaced: 0,
            started: false,
        })
    }

    fn fill(&mut self) -> std::io::Result<usize> {
        let start = self.raw.len();
        self.raw.resize(start + BLOCK, 0);
        let mut got = 0;
        while got < BLOCK {
            match self.file.read(&mut self.raw[start + got..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.raw.truncate(start + got);
                    return Err(e);
                }
            }
        }
        self.raw.truncate(start + got);
        Ok(got)
    }

    /// Append the next piece of decoded text to `out`. Returns `false` once the file is done
    /// (after appending the last piece).
    pub fn next_piece(&mut self, out: &mut String) -> std::io::Result<bool> {
        self.fill()?;
        if !self.started {
            self.started = true;
            let (enc, bom) = sniff_encoding(&self.raw);
            self.encoding = enc;
            self.raw.drain(..bom);
            self.decoder = match enc {
                Encoding::Utf16Le => Some(encoding_rs::UTF_16LE.new_decoder_without_bom_handling()),
                Encoding::Utf16Be => Some(encoding_rs::UTF_16BE.new_decoder_without_bom_handling()),
                _ => None,
            };
        }
        if let Some(dec) = self.decoder.as_mut() {
            let before = out.len();
            if let Some(cap) = dec.max_utf8_buffer_length(self.raw.len()) {
                out.reserve(cap);
            }
            let (_, _, had_errors) = dec.decode_to_string(&self.raw, out, self.eof);
            if had_errors {
                self.replaced += out[before..].matches('\u{fffd}').count();
            }
            self.raw.clear();
            return Ok(!self.eof);
        }
        // UTF-8: hand on everything up to the last newline (a newline byte is never inside a
        // multi-byte sequence), keep the tail for the next step unless it is a runaway line.
        let cut = if self.eof {
            self.raw.len()
        } else {
            match memchr::memrchr(b'\n', &self.raw) {
                Some(i) => i + 1,
                None if self.raw.len() >= MAX_LINE => self.raw.len(),
                None => 0,
            }
        };
        match std::str::from_utf8(&self.raw[..cut]) {
            Ok(s) => out.push_str(s),
            Err(_) => {
                let s = String::from_utf8_lossy(&self.raw[..cut]);
                self.replaced += s.matches('\u{fffd}').count();
                out.push_str(&s);
            }
        }
        self.raw.drain(..cut);
        Ok(!self.eof)
    }
}
