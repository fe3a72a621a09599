//! Parsers: split decoded text into records and turn each into an [`Event`].
//!
//! One module per format. [`detect`] picks the format of a file from its first lines;
//! [`parse_text`] runs the matching parser. Every parser is tolerant per record: a line it does
//! not understand becomes an unparsed event (offered to rules as plain text, counted per file).

pub mod ccm;
pub mod cmtrace;
pub mod iis;
pub mod plain;
pub mod sms;
pub mod softwaredistribution;
pub mod split;
pub mod supsetup;
pub mod time;
pub mod windowsupdate;

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod reference_tests;

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::event::{Event, FileId, Format, LogKind, Severity};

pub use split::{is_splittable, last_boundary, next_boundary};

/// What a parser needs to know about the file it reads.
#[derive(Clone, Copy, Debug)]
pub struct ParseCtx {
    pub file: FileId,
    pub kind: LogKind,
    /// Records of formats without a severity field are handed out with
    /// [`Event::severity_deferred`] set instead of a severity inferred from their words: the
    /// consumer infers it from its own literal scan of the message ([`severity_from_hits`]).
    pub defer_severity: bool,
}

impl ParseCtx {
    pub fn new(file: FileId, kind: LogKind) -> Self {
        ParseCtx {
            file,
            kind,
            defer_severity: false,
        }
    }
}

/// Give `ev` the severity the words of `msg` say, or leave that to the consumer when the
/// context defers it.
#[inline]
pub fn set_word_severity(ev: &mut Event<'_>, ctx: &ParseCtx, msg: &str) {
    if ctx.defer_severity {
        ev.severity_deferred = true;
    } else {
        ev.severity = infer_severity(msg);
    }
}

/// One physical line: number, byte range in the text (with and without its terminator).
#[derive(Clone, Copy, Debug)]
pub struct Line<'a> {
    pub no: u64,
    pub start: usize,
    /// End of the line content (before `\r\n` / `\n`).
    pub end_no_eol: usize,
    /// End including the terminator.
    pub end: usize,
    pub text: &'a str,
}

/// Iterates physical lines with memchr; handles CRLF, LF and a missing final terminator.
pub struct LineIter<'a> {
    text: &'a str,
    pos: usize,
    no: u64,
    nl: NewlineFinder,
}

/// memchr for `\n` with the CPU check and vector setup done once per iterator instead of once
/// per line (lines are short, so that per-call work is a good part of the cost).
#[derive(Clone, Copy)]
struct NewlineFinder {
    #[cfg(target_arch = "x86_64")]
    avx2: Option<memchr::arch::x86_64::avx2::memchr::One>,
}

impl NewlineFinder {
    fn new() -> Self {
        NewlineFinder {
            #[cfg(target_arch = "x86_64")]
            avx2: memchr::arch::x86_64::avx2::memchr::One::new(b'\n'),
        }
    }

    #[inline]
    fn find(&self, hay: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(one) = &self.avx2 {
            return one.find(hay);
        }
        memchr::memchr(b'\n', hay)
    }
}

impl<'a> LineIter<'a> {
    pub fn new(text: &'a str, first_line: u64) -> Self {
        LineIter {
            text,
            pos: 0,
            no: first_line,
            nl: NewlineFinder::new(),
        }
    }
}

impl<'a> Iterator for LineIter<'a> {
    type Item = Line<'a>;

    #[inline]
    fn next(&mut self) -> Option<Line<'a>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let (end_no_eol, end) = match self.nl.find(&bytes[start..]) {
            Some(i) => {
                let nl = start + i;
                let e = if nl > start && bytes[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                (e, nl + 1)
            }
            None => (bytes.len(), bytes.len()),
        };
        self.pos = end;
        let no = self.no;
        self.no += 1;
        // `\n` and `\r` are ASCII, so these offsets are char boundaries.
        Some(Line {
            no,
            start,
            end_no_eol,
            end,
            text: &self.text[start..end_no_eol],
        })
    }
}

/// Offset of the first `needle` in `b`, eight bytes at a time: for the short fields of a record
/// header or trailer this beats both a byte loop and a call to memchr. In
/// `(x - 0x01…) & !x & 0x80…` the lowest set bit marks the first zero byte of `x` exactly (only
/// bits above it can be false).
#[inline]
pub fn find_byte(needle: u8, b: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * u64::from(needle);
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8).and_then(|c| <&[u8; 8]>::try_from(c).ok()) {
        let x = u64::from_le_bytes(*chunk) ^ pattern;
        let m = x.wrapping_sub(LO) & !x & HI;
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?.iter().position(|&c| c == needle).map(|p| i + p)
}

/// `s.trim()`, answering without a Unicode check when both ends are plain ASCII non-space (the
/// usual case on the hot path).
#[inline]
pub fn trim_fast(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&f), Some(&l)) if f > b' ' && f < 0x80 && l > b' ' && l < 0x80 => s,
        _ => s.trim(),
    }
}

/// An event for a line no parser understood.
pub fn unparsed<'a>(ctx: &ParseCtx, format: Format, line: u64, text: &'a str) -> Event<'a> {
    let mut ev = Event::new(ctx.file, line, ctx.kind, format, text);
    ev.message = Cow::Borrowed(text);
    set_word_severity(&mut ev, ctx, text);
    ev.parsed = false;
    ev
}

/// Pick the format of a file from its first non-empty lines.
pub fn detect(head: &str) -> Format {
    let lines: Vec<&str> = head
        .lines()
        .map(|l| l.trim_start_matches('\u{feff}'))
        .filter(|l| !l.trim().is_empty())
        .take(40)
        .collect();
    if lines
        .iter()
        .any(|l| l.trim_start().starts_with(cmtrace::START))
    {
        return Format::Cmtrace;
    }
    if lines.iter().any(|l| {
        let t = l.trim_end();
        t.ends_with('>') && sms::has_trailer(t)
    }) {
        return Format::Sms;
    }
    if iis::sniff(&lines) {
        return Format::Iis;
    }
    if supsetup::sniff(&lines) {
        return Format::Supsetup;
    }
    if softwaredistribution::sniff(&lines) {
        return Format::Softwaredistribution;
    }
    if let Some(f) = windowsupdate::sniff(&lines) {
        return f;
    }
    Format::Plain
}

/// Parse `text` (whole records) as `format`; `first_line` is the line number of its first line.
pub fn parse_text<'a>(
    format: Format,
    text: &'a str,
    first_line: u64,
    ctx: &ParseCtx,
    out: &mut dyn FnMut(Event<'a>),
) {
    match format {
        Format::Cmtrace | Format::Sms => ccm::parse(text, first_line, ctx, out),
        Format::Supsetup => supsetup::parse(text, first_line, ctx, out),
        Format::Softwaredistribution => softwaredistribution::parse(text, first_line, ctx, out),
        Format::WindowsUpdateLegacy | Format::WindowsUpdateEtw => {
            windowsupdate::parse(text, first_line, ctx, out)
        }
        Format::Iis => iis::parse(text, first_line, ctx, out),
        Format::Plain => plain::parse(text, first_line, ctx, out),
    }
}

/// The words [`infer_severity`] looks for (lower case); the first four are error words.
pub const SEVERITY_WORD_LIST: [&str; 10] = [
    "error",
    "fail",
    "fatal",
    "exception",
    "warn",
    "cannot",
    "could not",
    "unable to",
    "access is denied",
    "not found",
];

static SEVERITY_WORDS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(SEVERITY_WORD_LIST)
        .ok()
});

/// The same words, case-sensitive, as a packed (SIMD "Teddy") searcher for a lower-cased copy
/// of the message: a case-insensitive automaton walks its DFA byte by byte, while lower-casing a
/// short message is a cheap vectorised copy and Teddy skips most of it.
static SEVERITY_WORDS_LOWER: LazyLock<Option<aho_corasick::packed::Searcher>> =
    LazyLock::new(|| {
        aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostLongest)
            .builder()
            .extend(SEVERITY_WORD_LIST)
            .build()
    });

/// Messages up to this length are lower-cased into a stack buffer; longer ones use the
/// case-insensitive automaton directly.
const SEVERITY_BUF: usize = 512;

/// Severity from the words of a message, for formats without a severity field.
///
/// Errors: "error", "fail", "fatal", "exception" — unless negated ("no errors", "error = 0",
/// "0 error(s)", "without error", "errors: 0", "failed: 0", "error 0x00000000"). Warnings:
/// "warn", "cannot", "could not", "unable to", "access is denied", "not found".
pub fn infer_severity(message: &str) -> Severity {
    let bytes = message.as_bytes();
    if bytes.len() <= SEVERITY_BUF {
        if let Some(searcher) = SEVERITY_WORDS_LOWER.as_ref() {
            let mut buf = [0u8; SEVERITY_BUF];
            buf[..bytes.len()].copy_from_slice(bytes);
            buf[..bytes.len()].make_ascii_lowercase();
            // Zero padding up to Teddy's minimum length keeps the SIMD path for short
            // messages; no word contains a NUL, so no match reaches into the padding. ASCII
            // lower-casing keeps every byte in place, so match offsets apply to `bytes`.
            let hay = &buf[..bytes.len().max(searcher.minimum_len()).min(SEVERITY_BUF)];
            let matches = searcher
                .find_iter(hay)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()));
            return severity_from_matches(matches, bytes);
        }
    }
    match SEVERITY_WORDS.as_ref() {
        Some(ac) => {
            let matches = ac
                .find_iter(bytes)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()));
            severity_from_matches(matches, bytes)
        }
        None => Severity::Info,
    }
}

/// [`infer_severity`] from the occurrences of the words in the message, found by a consumer's
/// own literal scan: every (word index into [`SEVERITY_WORD_LIST`], start) where a word occurs,
/// overlapping or not, in any order. The leftmost-longest non-overlapping matches the
/// automaton would report are picked from them, so the result is the same. `hits` is sorted in
/// place.
pub fn severity_from_hits(message: &str, hits: &mut [(u32, u32)]) -> Severity {
    let bytes = message.as_bytes();
    let len = |w: u32| SEVERITY_WORD_LIST.get(w as usize).map_or(0, |s| s.len());
    hits.sort_unstable_by(|a, b| a.1.cmp(&b.1).then(len(b.0).cmp(&len(a.0))));
    let mut pos = 0usize;
    let picked = hits.iter().filter_map(|&(w, s)| {
        let (s, e) = (s as usize, s as usize + len(w));
        if s < pos || e > bytes.len() {
            return None;
        }
        pos = e;
        Some((w as usize, s, e))
    });
    severity_from_matches(picked, bytes)
}

/// Walk the word matches (word index, start, end) of the message `bytes`.
#[inline]
fn severity_from_matches(
    matches: impl Iterator<Item = (usize, usize, usize)>,
    bytes: &[u8],
) -> Severity {
    let mut sev = Severity::Info;
    for (word, start, end) in matches {
        let hit = if word <= 3 {
            if negated(bytes, start, end) {
                continue;
            }
            Severity::Error
        } else {
            Severity::Warning
        };
        if hit > sev {
            sev = hit;
            if sev == Severity::Error {
                break;
            }
        }
    }
    sev
}

/// True when an error word at `start..end` is negated by its context.
fn negated(b: &[u8], start: usize, end: usize) -> bool {
    let before = &b[start.saturating_sub(12)..start];
    let before = String::from_utf8_lossy(before).to_ascii_lowercase();
    if before.ends_with("no ")
        || before.ends_with("without ")
        || before.ends_with("0 ")
        || before.ends_with("no unhealthy ")
        || before.ends_with("ignore ")
        || before.ends_with("ignoring ")
    {
        return true;
    }
    // Skip the rest of the word ("errors", "failed", "failures").
    let mut i = end;
    while i < b.len() && b[i].is_ascii_alphabetic() {
        i += 1;
    }
    let after: Vec<u8> = b[i..b.len().min(i + 16)]
        .iter()
        .filter(|c| !c.is_ascii_whitespace())
        .map(u8::to_ascii_lowercase)
        .collect();
    let after = after.as_slice();
    // "error = 0", "errors: 0", "error(0)", "error 0x00000000", "failed=0", "error code 0"
    let zero = |s: &[u8]| {
        s == b"0"
            || s.starts_with(b"0x00000000")
            || (s.first() == Some(&b'0') && !s.get(1).is_some_and(|c| c.is_ascii_alphanumeric()))
    };
    for prefix in [
        &b"="[..],
        b":",
        b"(",
        b"code=",
        b"code:",
        b"code",
        b"s:",
        b"s=",
    ] {
        if let Some(rest) = after.strip_prefix(prefix) {
            if zero(rest) {
                return true;
            }
        }
    }
    zero(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_from_words() {
        assert_eq!(
            infer_severity("Sync failed: WSUS server not configured."),
            Severity::Error
        );
        assert_eq!(
            infer_severity("Sync failed. Will retry in 60 minutes"),
            Severity::Error
        );
        assert_eq!(
            infer_severity("Warning: Remote WSUS connection is not HTTPS."),
            Severity::Warning
        );
        assert_eq!(infer_severity("Starting Sync"), Severity::Info);
        assert_eq!(
            infer_severity("There are no unhealthy WSUS Server components on WSUS Server"),
            Severity::Info
        );
        assert_eq!(infer_severity("Completed with no errors"), Severity::Info);
        assert_eq!(infer_severity("Scan completed, error = 0"), Severity::Info);
        assert_eq!(
            infer_severity("Exit code = 0x00000000, error 0x00000000"),
            Severity::Info
        );
        assert_eq!(
            infer_severity("Failed to download the update from internet. Error = 12007"),
            Severity::Error
        );
    }

    #[test]
    fn severity_is_the_same_for_long_and_short_messages() {
        let pad = "x".repeat(SEVERITY_BUF);
        for m in [
            "ACCESS IS DENIED",
            "Could Not connect",
            "no ERRORS",
            "ERROR = 0",
            "FaTaL crash",
            "Starting Sync",
            "Ünable to — unable TO",
        ] {
            let long = format!("{pad} {m}");
            assert!(long.len() > SEVERITY_BUF);
            assert_eq!(infer_severity(m), infer_severity(&long), "{m}");
        }
        assert_eq!(infer_severity("ACCESS IS DENIED"), Severity::Warning);
        assert_eq!(infer_severity("no ERRORS"), Severity::Info);
        assert_eq!(infer_severity("FaTaL crash"), Severity::Error);
    }

    /// Every occurrence of every word, found by brute force (what a consumer's scan hands over).
    fn all_occurrences(m: &str) -> Vec<(u32, u32)> {
        let low = m.to_ascii_lowercase();
        let mut out = Vec::new();
        for (w, word) in SEVERITY_WORD_LIST.iter().enumerate() {
            let mut from = 0;
            while let Some(i) = low.get(from..).and_then(|h| h.find(word)) {
                out.push((w as u32, (from + i) as u32));
                from += i + 1;
            }
        }
        out.reverse();
        out
    }

    #[test]
    fn severity_from_hits_agrees_with_infer_severity() {
        let pieces = [
            "could not",
            " not found",
            "Error",
            " = 0",
            "errors: 0",
            "no ",
            "0 ",
            "FAILED",
            "failure",
            "warning",
            "cannot",
            "unable to",
            "access is denied",
            " x",
            "~",
            "error 0x00000000",
            "exceptionally",
            "fatal",
            "ignore ",
            "notfound",
            "without ",
        ];
        for m in crate::testutil::word_soup(&pieces, 11, 20_000, 7) {
            let mut hits = all_occurrences(&m);
            assert_eq!(
                severity_from_hits(&m, &mut hits),
                infer_severity(&m),
                "{m:?}"
            );
        }
        let mut none = Vec::new();
        assert_eq!(severity_from_hits("Sync failed", &mut none), Severity::Info);
    }

    #[test]
    fn find_byte_agrees_with_position() {
        let hay = b"ab>cdefgh>ijklmnopqrstu>vwx\xff\x80>";
        for start in 0..hay.len() {
            for end in start..=hay.len() {
                let h = &hay[start..end];
                for needle in [b'>', b'\xff', b'\x80', b'z', 0] {
                    assert_eq!(find_byte(needle, h), h.iter().position(|&c| c == needle));
                }
            }
        }
    }

    #[test]
    fn lines_crlf_lf_and_no_final_newline() {
        let v: Vec<_> = LineIter::new("a\r\nb\nc", 1)
            .map(|l| (l.no, l.text))
            .collect();
        assert_eq!(v, vec![(1, "a"), (2, "b"), (3, "c")]);
        assert_eq!(LineIter::new("", 1).count(), 0);
    }

    #[test]
    fn detection() {
        assert_eq!(detect("<![LOG[x]LOG]!><time=\"\">"), Format::Cmtrace);
        assert_eq!(
            detect("Starting Sync  $$<SMS_WSUS_SYNC_MANAGER><02-08-2020 02:13:11.659+480><thread=5976 (0x1758)>"),
            Format::Sms
        );
        assert_eq!(detect("hello world"), Format::Plain);
    }

    #[test]
    fn detection_of_wsus_and_windows_update_formats() {
        let cases = [
            (
                "<02/09/14 22:53:28> SMSWSUS Setup Started....\r\n<02/09/14 22:53:29> x\r\n",
                Format::Supsetup,
            ),
            (
                "2026-11-20 07:01:02.123 UTC\tInfo\tWsusService.13\tA.B\tx\n   at X.Y()\n   at X.Z()\n",
                Format::Softwaredistribution,
            ),
            (
                "2009-10-26\t10:55:49:474\t 912\t1084\tMisc\t===  Logging initialized (build: 7.3, tz: +0200)\n",
                Format::WindowsUpdateLegacy,
            ),
            (
                "2021/07/13 18:07:15.2048031 3736  3464  Agent           * END * Finding updates\n",
                Format::WindowsUpdateEtw,
            ),
            (
                "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n",
                Format::Iis,
            ),
            (
                "2026-11-20 00:00:01 10.0.0.5 GET /x - 8530 - 10.1.2.3 WUA - 200 0 0 15\n",
                Format::Iis,
            ),
            // A dated plain sentence is none of the above.
            ("2026-11-20 07:01:02 the sync failed\n", Format::Plain),
            // CMTrace and SMS still win when their markers are present.
            (
                "<02/09/14 22:53:28> x\n<![LOG[y]LOG]!><time=\"\">\n",
                Format::Cmtrace,
            ),
            (
                "2026-11-20 07:01:02.123 UTC x\nStarting Sync  $$<SMS_WSUS_SYNC_MANAGER><02-08-2020 02:13:11.659+480><thread=5976 (0x1758)>\n",
                Format::Sms,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text), want, "{text:?}");
        }
    }
}
