//! ASCII lower-cased copies of messages for the case-insensitive literal prefilters (rule
//! matcher, observer). The pipeline lower-cases each message once and hands the same copy to
//! every prefilter: each of them lower-casing its own copy was three passes over every message.
//!
//! The copy is padded with NUL bytes to [`PAD_TO`] so aho-corasick's packed (Teddy, SIMD)
//! searcher runs on short messages too instead of falling back to Rabin-Karp. No literal holds
//! a NUL, so no match reaches into the padding, and ASCII lower-casing keeps every byte in
//! place, so match offsets apply to the original text.

/// Length the lower-cased copy is padded to (more than any packed searcher's minimum haystack).
pub const PAD_TO: usize = 96;

/// A buffer grown past this by a huge line is given back on the next, normal line.
const KEEP: usize = 1 << 20;

/// Reusable lower-casing buffer.
#[derive(Debug, Default)]
pub struct LowerBuf {
    buf: Vec<u8>,
}

impl LowerBuf {
    pub fn new() -> Self {
        Self::default()
    }

    /// `text` ASCII lower-cased, padded with NUL bytes to at least `PAD_TO` bytes.
    pub fn set(&mut self, text: &[u8]) -> &[u8] {
        if self.buf.capacity() > KEEP && text.len() <= KEEP {
            self.buf = Vec::new();
        }
        // Copy, then lower-case in place: both vectorise (an iterator of mapped bytes did not:
        // 20 ns for a 130-byte message).
        let n = text.len();
        self.buf.clear();
        self.buf.resize(n.max(PAD_TO), 0);
        let dst = &mut self.buf[..n];
        dst.copy_from_slice(text);
        dst.make_ascii_lowercase();
        &self.buf
    }

    /// `texts` ASCII lower-cased one after the other, each followed by a NUL byte (no literal
    /// holds one, so no match spans two texts), padded like [`Self::set`]; `starts` gets where
    /// each text begins.
    pub fn set_many<'t>(
        &mut self,
        texts: impl IntoIterator<Item = &'t [u8]>,
        starts: &mut Vec<u32>,
    ) -> &[u8] {
        starts.clear();
        self.buf.clear();
        for t in texts {
            starts.push(self.buf.len() as u32);
            self.buf.extend_from_slice(t);
            self.buf.push(0);
        }
        // One pass over the whole buffer: a pass per text spent more in its ragged end than
        // in lower-casing.
        self.buf.make_ascii_lowercase();
        if self.buf.len() < PAD_TO {
            self.buf.resize(PAD_TO, 0);
        }
        if self.buf.capacity() > KEEP && self.buf.len() <= KEEP {
            // An earlier batch of huge messages grew the buffer: give it back.
            self.buf.shrink_to(KEEP);
        }
        &self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_cases_in_place_and_pads_short_text() {
        let mut b = LowerBuf::new();
        let l = b.set("Sync FAILED: É".as_bytes()).to_vec();
        assert_eq!(&l[..15], "sync failed: É".as_bytes());
        assert_eq!(l.len(), PAD_TO);
        assert!(l[15..].iter().all(|&c| c == 0));
        let long = "A".repeat(200);
        assert_eq!(b.set(long.as_bytes()), "a".repeat(200).as_bytes());
    }

    #[test]
    fn several_texts_are_lower_cased_apart() {
        let mut b = LowerBuf::new();
        let mut starts = Vec::new();
        let texts: [&[u8]; 3] = [b"Sync FAILED", b"", "WSUS É".as_bytes()];
        let l = b.set_many(texts, &mut starts).to_vec();
        assert_eq!(starts, [0, 12, 13]);
        assert_eq!(&l[..12], b"sync failed\0");
        assert_eq!(l[12], 0);
        assert_eq!(&l[13..21], "wsus É\0".as_bytes());
        assert_eq!(l.len(), PAD_TO);
        assert!(l[21..].iter().all(|&c| c == 0));
    }

    #[test]
    fn a_huge_line_does_not_keep_its_buffer() {
        let mut b = LowerBuf::new();
        let _ = b.set(&vec![b'X'; KEEP * 2]);
        assert!(b.buf.capacity() >= KEEP * 2);
        let _ = b.set(b"short");
        assert!(b.buf.capacity() <= KEEP);
    }
}
