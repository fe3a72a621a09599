//! Record boundaries: where a file can be cut so that its pieces parse independently (chunk-
//! parallel parsing of one large file, streaming reads with bounded memory).

use super::sms;
use crate::event::Format;

/// Can a file of this format be cut at record boundaries and its pieces parsed independently
/// with the same result? (Legacy WindowsUpdate.log carries a per-session time zone and IIS a
/// per-section field list, so they are parsed in one piece.)
pub fn is_splittable(format: Format) -> bool {
    matches!(
        format,
        Format::Cmtrace
            | Format::Sms
            | Format::Plain
            | Format::Supsetup
            | Format::Softwaredistribution
            | Format::WindowsUpdateEtw
    )
}

/// Byte offset of the first record boundary at or after `from`: the start of a line where the
/// parser is in its initial state whatever came before. `None` when there is none.
pub fn next_boundary(format: Format, text: &str, from: usize) -> Option<usize> {
    let b = text.as_bytes();
    if from >= b.len() {
        return None;
    }
    match format {
        Format::Cmtrace => {
            // A line starting with `<![LOG[` always opens a new record.
            let f = memchr::memmem::Finder::new(b"\n<![LOG[");
            f.find(&b[from..]).map(|i| from + i + 1)
        }
        Format::Sms => {
            // The line after a complete SMS record (a line ending in a valid trailer).
            let mut pos = from;
            while let Some(i) = memchr::memchr(b'\n', &b[pos..]) {
                let nl = pos + i;
                let line_start = memchr::memrchr(b'\n', &b[..nl]).map_or(0, |p| p + 1);
                let line = text.get(line_start..nl).unwrap_or("").trim_end();
                if line.ends_with('>') && sms::has_trailer(line) {
                    return Some(nl + 1).filter(|&p| p < b.len());
                }
                pos = nl + 1;
            }
            None
        }
        Format::Softwaredistribution => {
            // A line starting with a timestamp digit (continuations start with whitespace).
            let mut pos = from;
            while let Some(i) = memchr::memchr(b'\n', &b[pos..]) {
                let start = pos + i + 1;
                if b.get(start).is_some_and(u8::is_ascii_digit) {
                    return Some(start);
                }
                pos = start;
            }
            None
        }
        Format::Plain | Format::Supsetup | Format::WindowsUpdateEtw => {
            memchr::memchr(b'\n', &b[from..])
                .map(|i| from + i + 1)
                .filter(|&p| p < b.len())
        }
        Format::WindowsUpdateLegacy | Format::Iis => None,
    }
}

/// The last record boundary in `text` (searching backwards in growing windows), if any.
pub fn last_boundary(format: Format, text: &str) -> Option<usize> {
    let mut window = 64 * 1024;
    loop {
        let mut start = text.len().saturating_sub(window);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut last = None;
        let mut pos = start;
        while let Some(b) = next_boundary(format, text, pos) {
            last = Some(b);
            pos = b;
        }
        if last.is_some() || start == 0 {
            return last;
        }
        window *= 8;
    }
}
