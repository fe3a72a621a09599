//! Binary files are skipped the way ripgrep skips them in a folder search: a NUL byte in the
//! first block means binary, unless the block is UTF-16 text (where every other byte is NUL).
//! A skipped file is still listed in the report's inputs, with a note saying why.

use std::io::Read;
use std::path::Path;

use super::decode::{sniff_encoding, Encoding};

/// `inputs[].encoding` of a file skipped as binary.
pub const ENCODING: &str = "binary";

/// The first block looked at (ripgrep's default buffer size).
pub const BLOCK: usize = 64 * 1024;

/// The note for a binary file at `path`, `None` for text (or when it cannot be opened: the
/// read that follows reports that).
pub fn binary_note(path: &Path) -> Option<String> {
    let f = std::fs::File::open(path).ok()?;
    let mut head = Vec::with_capacity(BLOCK);
    f.take(BLOCK as u64).read_to_end(&mut head).ok()?;
    is_binary(&head).then(|| {
        format!(
            "binary file (a NUL byte in its first {} KiB): skipped, not read as log text",
            BLOCK / 1024
        )
    })
}

/// The report of a binary file (listed, never parsed), `None` for a text file.
pub fn skipped(input: &super::InputFile) -> Option<crate::scan::FileReport> {
    let note = binary_note(&input.path)?;
    Some(crate::scan::FileReport {
        encoding: ENCODING,
        bytes: std::fs::metadata(&input.path).map_or(0, |m| m.len()),
        ..crate::scan::FileReport::not_read(
            input.display.clone(),
            input.kind_hint.unwrap_or(crate::event::LogKind::Other),
            input.host.clone(),
            Some(note),
            None,
        )
    })
}

/// A NUL byte in `head`, which is not UTF-16 text.
pub fn is_binary(head: &[u8]) -> bool {
    memchr::memchr(0, head).is_some()
        && matches!(sniff_encoding(head).0, Encoding::Utf8 | Encoding::Utf8Bom)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
        v.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        v
    }

    #[test]
    fn nul_bytes_mean_binary_unless_utf16() {
        assert!(is_binary(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00"));
        assert!(is_binary(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"));
        assert!(is_binary(b"\xEF\xBB\xBFtext then \x00 a NUL"));
        assert!(is_binary(b"PK\x03\x04\x14\x00\x00\x00\x08\x00"));
        assert!(!is_binary(b"Starting Sync  $$<SMS_WSUS_SYNC_MANAGER>"));
        assert!(!is_binary(b""));
        let line = "2026-11-19\t08:58:01:112\t 908\t 3a4\tAgent\t*************\r\n";
        assert!(!is_binary(&utf16le(line, true)));
        assert!(!is_binary(&utf16le(line, false)));
    }

    #[test]
    fn only_the_first_block_is_looked_at() {
        let dir = tempfile::tempdir().expect("tempdir");
        let late = dir.path().join("late.log");
        let mut text = vec![b'a'; BLOCK];
        text.extend_from_slice(b"\x00 after the first block");
        std::fs::write(&late, &text).expect("write");
        assert_eq!(binary_note(&late), None);
        let early = dir.path().join("early.log");
        std::fs::write(&early, b"abc\x00def").expect("write");
        assert!(binary_note(&early).is_some_and(|n| n.contains("skipped")));
        assert_eq!(binary_note(&dir.path().join("missing.log")), None);
    }
}
