//! `supdiag view --follow`: keep reading one file as it grows, across the rollover to `.lo_`,
//! a truncation in place and a re-creation, printing every record exactly once.
//!
//! The file is followed through an open handle, not by name and size: a rename to `.lo_` leaves
//! the handle on the old generation, whose rest is read before the new file at the path is
//! opened (file identity: device and inode on Unix; creation time and first bytes elsewhere).
//! A rewrite in place is told by the bytes just before the read offset, which must still be
//! the ones read last time; the old `.lo_` is never read by name, so nothing stale comes back.
//! Following starts at the tail (the last records, like `tail`), and reads in bounded chunks,
//! so memory does not grow with the file; a line longer than the cap is skipped and reported.

use std::fs::{File, Metadata};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};

use super::view::ViewFilter;
use crate::cli::ViewArgs;
use crate::event::{Format, LogKind};
use crate::parse::{self, ParseCtx};
use crate::report::view::{text_line, ViewRecord};

/// Longest line kept while waiting for its end; a longer one is skipped and reported.
const MAX_PARTIAL: usize = 8 << 20;
/// Bytes read per step, so a file that grew by a gigabyte between polls is not read at once.
const CHUNK: usize = 4 << 20;
/// How far back from the end following starts looking for the last records.
const TAIL_BYTES: u64 = 256 << 10;
/// Records shown from before the start (like `tail`).
const TAIL_RECORDS: usize = 10;
/// Skipped bytes up to which the line numbers are counted (streamed, memory stays flat).
const COUNT_LINES_UP_TO: u64 = 64 << 20;
/// Bytes before the read offset compared at each poll to tell a rewrite in place.
const FINGERPRINT: usize = 64;

pub fn run(a: &ViewArgs, filter: &ViewFilter) -> Result<u8> {
    let [path] = a.paths.as_slice() else {
        bail!(
            "--follow reads exactly one file ({} paths given)",
            a.paths.len()
        );
    };
    if !path.is_file() {
        bail!("--follow: {} is not a file", path.display());
    }
    let display = path.to_string_lossy().replace('\\', "/");
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut state = Follow {
        path: path.clone(),
        display: display.clone(),
        kind: LogKind::from_file_name(&name).unwrap_or(LogKind::Other),
        gen: None,
        line: 1,
        pending: Vec::new(),
        skipping: false,
        format: None,
        out: Out {
            filter,
            color: super::use_color(a.color),
            local_time: a.local_time,
        },
    };
    let poll = Duration::from_millis(env_u64("SUPDIAG_FOLLOW_POLL_MS").unwrap_or(500));
    let max_polls = env_u64("SUPDIAG_FOLLOW_MAX_POLLS");
    state
        .start()
        .with_context(|| format!("reading {display}"))?;
    let mut polls = 0u64;
    loop {
        polls += 1;
        if max_polls.is_some_and(|m| polls >= m) {
            return Ok(super::EXIT_OK);
        }
        std::thread::sleep(poll);
        state.poll().with_context(|| format!("reading {display}"))?;
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// How records are printed.
struct Out<'a> {
    filter: &'a ViewFilter,
    color: bool,
    local_time: bool,
}

/// One generation of the file: the open handle and how far it was read.
struct Generation {
    file: File,
    meta: Metadata,
    offset: u64,
    /// The last (up to) [`FINGERPRINT`] bytes before `offset`, as read.
    tail: Vec<u8>,
    /// The first bytes, for the identity check where there is no inode.
    #[cfg_attr(unix, allow(dead_code))]
    head: Vec<u8>,
}

struct Follow<'a> {
    path: PathBuf,
    display: String,
    kind: LogKind,
    gen: Option<Generation>,
    line: u64,
    pending: Vec<u8>,
    /// Inside a line longer than [`MAX_PARTIAL`]: drop bytes up to its end.
    skipping: bool,
    format: Option<Format>,
    out: Out<'a>,
}

fn note(msg: &str) {
    eprintln!(
        "supdiag: note: {}",
        crate::report::escape::terminal(msg, false)
    );
}

fn read_at(file: &mut File, at: u64, max: usize) -> std::io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(at))?;
    let mut buf = Vec::with_capacity(max.min(CHUNK));
    file.take(max as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Is the file at `path` (metadata `now`, first bytes readable through `path`) still the one
/// behind the handle of `g`?
#[cfg(unix)]
fn same_file(g: &Generation, now: &Metadata, _path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    g.meta.dev() == now.dev() && g.meta.ino() == now.ino()
}

/// Without an inode in std: the creation time, and the first bytes (a file created under the
/// same name within seconds can inherit the creation time).
#[cfg(not(unix))]
fn same_file(g: &Generation, now: &Metadata, path: &Path) -> bool {
    if g.meta.created().ok() != now.created().ok() {
        return false;
    }
    let Ok(mut f) = File::open(path) else {
        return true;
    };
    match read_at(&mut f, 0, g.head.len()) {
        Ok(h) => g.head.starts_with(&h),
        Err(_) => true,
    }
}

impl Follow<'_> {
    fn open(&self) -> std::io::Result<Generation> {
        let mut file = File::open(&self.path)?;
        let meta = file.metadata()?;
        let head = read_at(&mut file, 0, FINGERPRINT)?;
        Ok(Generation {
            file,
            meta,
            offset: 0,
            tail: Vec::new(),
            head,
        })
    }

    /// Open the file and show its last records.
    fn start(&mut self) -> Result<()> {
        let mut g = self.open()?;
        let len = g.file.metadata()?.len();
        let from = len.saturating_sub(TAIL_BYTES);
        if from == 0 {
            self.gen = Some(g);
            return self.drain(Some(TAIL_RECORDS));
        }
        let window = read_at(&mut g.file, from, (len - from) as usize)?;
        let decoded = crate::source::decode::decode_bytes(window.clone());
        let text = decoded.text();
        let after_first_line = memchr::memchr(b'\n', text.as_bytes()).map_or(text.len(), |i| i + 1);
        let format = *self
            .format
            .get_or_insert_with(|| parse::detect(&text[after_first_line..]));
        let begin = parse::next_boundary(format, text, 0).unwrap_or(after_first_line);
        // Bytes, not chars: the window is read back from the file by offset.
        let begin_bytes = text.get(..begin).map_or(0, str::len) as u64;
        let start = if decoded.text().len() == window.len() {
            from + begin_bytes
        } else {
            // Not UTF-8 as read (a cut multi-byte char is replaced): start after the first
            // line break in the raw bytes instead.
            from + memchr::memchr(b'\n', &window).map_or(0, |i| i as u64 + 1)
        };
        self.line = self.count_lines_before(&mut g.file, start);
        g.offset = start;
        g.tail = window[..(start - from) as usize]
            .iter()
            .rev()
            .take(FINGERPRINT)
            .rev()
            .copied()
            .collect();
        self.gen = Some(g);
        self.drain(Some(TAIL_RECORDS))
    }

    /// Line number of the byte at `start`, counted in a streamed pass when the skipped part is
    /// small enough; otherwise numbers count from where following started, and a note says so.
    fn count_lines_before(&self, file: &mut File, start: u64) -> u64 {
        if start > COUNT_LINES_UP_TO {
            note(&format!(
                "{}: following from its last records; the {} MB before them are not read, so line numbers count from there",
                self.display,
                start >> 20
            ));
            return 1;
        }
        let mut n = 1u64;
        let mut buf = vec![0u8; 1 << 20];
        if file.seek(SeekFrom::Start(0)).is_err() {
            return 1;
        }
        let mut left = start;
        while left > 0 {
            let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            match file.read(&mut buf[..want]) {
                Ok(0) | Err(_) => break,
                Ok(k) => {
                    n += memchr::memchr_iter(b'\n', &buf[..k]).count() as u64;
                    left -= k as u64;
                }
            }
        }
        n
    }

    /// One poll: check the generation still is what was read, read what is new, and move to a
    /// new generation at the path when the old one was renamed away.
    fn poll(&mut self) -> Result<()> {
        if self.gen.is_none() {
            match self.open() {
                Ok(g) => self.gen = Some(g),
                Err(_) => return Ok(()), // between rename and re-create
            }
        }
        self.check_rewritten()?;
        self.drain(None)?;
        let moved = match (std::fs::metadata(&self.path), &self.gen) {
            (Ok(now), Some(g)) => !same_file(g, &now, &self.path),
            // Renamed away and not re-created yet: the old generation is read to its end;
            // the next poll opens the new file.
            (Err(_), Some(_)) => true,
            _ => false,
        };
        if moved {
            // Lines the writer added just before the rename are in the old generation still.
            self.drain(None)?;
            self.finish_generation()?;
            if let Ok(g) = self.open() {
                self.gen = Some(g);
                self.line = 1;
                self.drain(None)?;
            }
        }
        Ok(())
    }

    /// Truncated, or rewritten in place (the bytes before the offset are not the ones read):
    /// start again from the beginning of the file, and say so.
    fn check_rewritten(&mut self) -> Result<()> {
        let Some(g) = self.gen.as_mut() else {
            return Ok(());
        };
        let len = g.file.metadata()?.len();
        let rewritten = if len < g.offset {
            true
        } else {
            let n = g.tail.len() as u64;
            let seen = read_at(&mut g.file, g.offset - n, g.tail.len())?;
            seen != g.tail
        };
        if rewritten {
            note(&format!(
                "{}: truncated or rewritten in place; reading it again from its start",
                self.display
            ));
            g.offset = 0;
            g.tail.clear();
            self.pending.clear();
            self.skipping = false;
            self.line = 1;
        }
        Ok(())
    }

    /// The old generation ended: what is still held back is printed as it is.
    fn finish_generation(&mut self) -> Result<()> {
        if !self.pending.is_empty() && !self.skipping {
            let mut rest = std::mem::take(&mut self.pending);
            if !rest.ends_with(b"\n") {
                rest.push(b'\n');
            }
            self.emit(&rest, None, true)?;
        }
        self.pending.clear();
        self.skipping = false;
        self.gen = None;
        Ok(())
    }

    /// Read the current generation to its end in bounded chunks and print whole records.
    fn drain(&mut self, limit: Option<usize>) -> Result<()> {
        let mut all = Vec::new();
        loop {
            let Some(g) = self.gen.as_mut() else {
                return Ok(());
            };
            let chunk = read_at(&mut g.file, g.offset, CHUNK)?;
            if chunk.is_empty() {
                break;
            }
            g.offset += chunk.len() as u64;
            let keep = g.tail.len() + chunk.len();
            g.tail.extend_from_slice(&chunk);
            g.tail.drain(..keep.saturating_sub(FINGERPRINT));
            let lines = self.take(&chunk, limit.is_some())?;
            if limit.is_some() {
                all.extend(lines);
                let cut = all.len().saturating_sub(limit.unwrap_or(0));
                all.drain(..cut);
            }
        }
        if !all.is_empty() {
            let mut s = all.join("\n");
            s.push('\n');
            super::write_stdout(&s)?;
        }
        Ok(())
    }

    /// Add `chunk` to the held partial text; print (or, when `collect`, return) the records
    /// it completes.
    fn take(&mut self, chunk: &[u8], collect: bool) -> Result<Vec<String>> {
        let mut chunk = chunk;
        if self.skipping {
            match memchr::memchr(b'\n', chunk) {
                Some(i) => {
                    self.skipping = false;
                    self.line += 1;
                    chunk = &chunk[i + 1..];
                }
                None => return Ok(Vec::new()),
            }
        }
        // The line being written: what is held of it plus this chunk up to its first newline.
        let held_partial =
            self.pending.len() - memchr::memrchr(b'\n', &self.pending).map_or(0, |i| i + 1);
        let first_nl = memchr::memchr(b'\n', chunk);
        if held_partial + first_nl.unwrap_or(chunk.len()) > MAX_PARTIAL {
            note(&format!(
                "{}:{}: line longer than {} MB, skipped up to its end",
                self.display,
                self.line,
                MAX_PARTIAL >> 20
            ));
            self.pending.truncate(self.pending.len() - held_partial);
            match first_nl {
                Some(i) => {
                    self.line += 1;
                    chunk = &chunk[i + 1..];
                }
                None => {
                    self.skipping = true;
                    return Ok(Vec::new());
                }
            }
        }
        self.pending.extend_from_slice(chunk);
        let Some(last_nl) = memchr::memrchr(b'\n', &self.pending) else {
            return Ok(Vec::new());
        };
        let whole = self.pending[..=last_nl].to_vec();
        let rest = self.pending[last_nl + 1..].to_vec();
        self.pending = rest;
        let force = whole.len() > MAX_PARTIAL;
        let lines = self.emit(&whole, collect.then_some(()), force)?;
        Ok(lines)
    }

    /// Parse whole lines and print the complete records; a record still being written goes
    /// back in front of the held partial text (unless `force`).
    fn emit(&mut self, whole: &[u8], collect: Option<()>, force: bool) -> Result<Vec<String>> {
        let decoded = crate::source::decode::decode_bytes(whole.to_vec());
        let all = decoded.text();
        let format = *self.format.get_or_insert_with(|| parse::detect(all));
        let keep = if force {
            all.len()
        } else {
            complete_prefix(format, all)
        };
        let text = &all[..keep];
        // (Follow reads UTF-8 logs, which is what ConfigMgr writes; a UTF-16 file is read
        // whole by `view` without --follow.)
        let mut held = all.as_bytes()[keep..].to_vec();
        held.extend_from_slice(&self.pending);
        self.pending = held;
        let ctx = ParseCtx::new(0, self.kind);
        let mut lines = Vec::new();
        let out = &self.out;
        let display = &self.display;
        parse::parse_text(format, text, self.line, &ctx, &mut |ev| {
            if out.filter.accepts(&ev) {
                let r = ViewRecord::from_event(&ev, display);
                lines.push(text_line(&r, out.color, out.local_time));
            }
        });
        self.line += memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64;
        if collect.is_some() {
            return Ok(lines);
        }
        if !lines.is_empty() {
            let mut s = lines.join("\n");
            s.push('\n');
            super::write_stdout(&s)?;
        }
        Ok(Vec::new())
    }
}

/// Length of the prefix of `text` made of complete records.
fn complete_prefix(format: Format, text: &str) -> usize {
    match format {
        Format::Cmtrace => {
            let start = if text.starts_with("<![LOG[") {
                text.rfind("\n<![LOG[").map_or(0, |i| i + 1)
            } else {
                match text.rfind("\n<![LOG[") {
                    Some(i) => i + 1,
                    None => return text.len(),
                }
            };
            if text[start..].contains("]LOG]!>") {
                text.len()
            } else {
                start
            }
        }
        Format::Sms => {
            let body = text.trim_end_matches(['\r', '\n']);
            let last_line = body.rsplit('\n').next().unwrap_or("").trim_end();
            if last_line.ends_with('>') && crate::parse::sms::parse_trailer(last_line).is_some() {
                text.len()
            } else {
                parse::last_boundary(format, text).unwrap_or(0)
            }
        }
        _ => text.len(),
    }
}
