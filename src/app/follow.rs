//! `supdiag view --follow`: keep reading one file as it grows, across the rollover to `.lo_`.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};

use super::view::ViewFilter;
use crate::cli::ViewArgs;
use crate::event::LogKind;
use crate::parse::{self, ParseCtx};
use crate::report::view::{text_line, ViewRecord};

/// Longest partial line kept while waiting for its end.
const MAX_PARTIAL: usize = 8 << 20;

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
    let color = super::use_color(a.color);
    let display = path.to_string_lossy().replace('\\', "/");
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = LogKind::from_file_name(&name).unwrap_or(LogKind::Other);
    let mut state = Follow {
        path: path.clone(),
        offset: 0,
        line: 1,
        pending: Vec::new(),
        format: None,
    };
    let poll = Duration::from_millis(
        std::env::var("SUPDIAG_FOLLOW_POLL_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(500),
    );
    let max_polls: Option<u64> = std::env::var("SUPDIAG_FOLLOW_MAX_POLLS")
        .ok()
        .and_then(|v| v.parse().ok());
    let mut polls = 0u64;
    loop {
        let chunk = state
            .read_new()
            .with_context(|| format!("reading {display}"))?;
        if !chunk.is_empty() {
            state.emit(&chunk, kind, &display, filter, (color, a.local_time))?;
        }
        polls += 1;
        if max_polls.is_some_and(|m| polls >= m) {
            return Ok(super::EXIT_OK);
        }
        std::thread::sleep(poll);
    }
}

struct Follow {
    path: PathBuf,
    offset: u64,
    line: u64,
    pending: Vec<u8>,
    format: Option<crate::event::Format>,
}

fn rollover_of(p: &Path) -> PathBuf {
    p.with_extension("lo_")
}

impl Follow {
    /// New bytes since the last read. When the file shrank it was rolled over: the rest of the
    /// old generation is read from `.lo_` first, then the new file from the start.
    fn read_new(&mut self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let len = match std::fs::metadata(&self.path) {
            Ok(m) => m.len(),
            Err(_) => return Ok(out), // between rename and re-create
        };
        if len < self.offset {
            let lo = rollover_of(&self.path);
            if let Ok(mut f) = File::open(&lo) {
                if f.metadata().map(|m| m.len()).unwrap_or(0) >= self.offset {
                    f.seek(SeekFrom::Start(self.offset))?;
                    f.read_to_end(&mut out)?;
                }
            }
            self.offset = 0;
        }
        let mut f = File::open(&self.path)?;
        f.seek(SeekFrom::Start(self.offset))?;
        let n = f.read_to_end(&mut out)?;
        self.offset += n as u64;
        Ok(out)
    }

    fn emit(
        &mut self,
        chunk: &[u8],
        kind: LogKind,
        display: &str,
        filter: &ViewFilter,
        (color, local_time): (bool, bool),
    ) -> Result<()> {
        self.pending.extend_from_slice(chunk);
        // Only whole lines; keep the partial tail (capped).
        let Some(last_nl) = memchr::memrchr(b'\n', &self.pending) else {
            if self.pending.len() > MAX_PARTIAL {
                self.pending.clear();
            }
            return Ok(());
        };
        let whole_len = last_nl + 1;
        let decoded = crate::source::decode::decode_bytes(self.pending[..whole_len].to_vec());
        let all = decoded.text();
        let format = *self.format.get_or_insert_with(|| parse::detect(all, kind));
        // Hold back a record that is still being written (CMTrace message without its header
        // yet, SMS continuation lines without their trailer), unless it grew past the cap.
        let keep = if whole_len > MAX_PARTIAL {
            all.len()
        } else {
            complete_prefix(format, all)
        };
        let text = &all[..keep];
        // The held text goes back in front of the partial tail. (Follow reads UTF-8 logs, which
        // is what ConfigMgr writes; a UTF-16 file is read whole by `view` without --follow.)
        let mut rest = all.as_bytes()[keep..].to_vec();
        rest.extend_from_slice(&self.pending[whole_len..]);
        self.pending = rest;
        let ctx = ParseCtx::new(0, kind);
        let mut lines = Vec::new();
        parse::parse_text(format, text, self.line, &ctx, &mut |ev| {
            if filter.accepts(&ev) {
                let r = ViewRecord::from_event(&ev, display);
                lines.push(text_line(&r, color, local_time));
            }
        });
        self.line += bytecount_newlines(text.as_bytes());
        let mut s = lines.join("\n");
        if !s.is_empty() {
            s.push('\n');
            super::write_stdout(&s)?;
        }
        Ok(())
    }
}

/// Length of the prefix of `text` made of complete records.
fn complete_prefix(format: crate::event::Format, text: &str) -> usize {
    use crate::event::Format;
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

fn bytecount_newlines(b: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', b).count() as u64
}
