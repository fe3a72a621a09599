//! Opening input files without trusting them: regular files only (a FIFO or a device named
//! `*.log`, `--settings /dev/zero` must not hang or fill memory), small files read with a size
//! cap, and the identity of an open file, to tell when the path now names another file.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;
use std::time::SystemTime;

/// What a non-regular file is, for messages ("a FIFO", "a character device").
pub fn kind_name(meta: &Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

fn not_regular(meta: &Metadata) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("not a regular file ({})", kind_name(meta)),
    )
}

/// Open `path` for reading, only if it is a regular file. Opening never blocks: on Unix the
/// file is opened non-blocking (opening a FIFO for reading would wait for a writer), and the
/// type is checked on the open file, so a file swapped for a FIFO after a check is refused too.
pub fn open_regular(path: &Path) -> io::Result<(File, Metadata)> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // No effect on regular files; on a FIFO or device it makes open return at once.
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    Ok((file, meta))
}

/// Read a whole small file (settings, rules, CA bundle): a regular file of at most `cap` bytes.
pub fn read_capped(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    let (file, meta) = open_regular(path)?;
    let too_big = || {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "too large ({} bytes; the limit is {})",
                meta.len(),
                human_size(cap)
            ),
        )
    };
    if meta.len() > cap {
        return Err(too_big());
    }
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // One byte over the cap tells a file that grew past it since the check.
    file.take(cap + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > cap {
        return Err(too_big());
    }
    Ok(buf)
}

/// `1 MiB`, `64 KiB`, `12 bytes`.
pub fn human_size(n: u64) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n % (1 << 10) == 0 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// Does `path` still name the file open as `file`? (Unix: device and inode; Windows: volume
/// serial number and file index.) `None` when the path cannot be looked at (deleted, renamed
/// away), which callers treat as "not the same".
pub fn path_names(path: &Path, file: &File) -> Option<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let now = std::fs::metadata(path).ok()?;
        let open = file.metadata().ok()?;
        Some(now.dev() == open.dev() && now.ino() == open.ino())
    }
    #[cfg(windows)]
    {
        let now = same_file::Handle::from_path(path).ok()?;
        let open = same_file::Handle::from_file(file.try_clone().ok()?).ok()?;
        Some(now == open)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (path, file);
        Some(true)
    }
}

/// Size and modification time of a file when it was opened, to tell afterwards whether it
/// changed while it was read.
#[derive(Clone, Copy, Debug)]
pub struct Snapshot {
    pub len: u64,
    pub modified: Option<SystemTime>,
}

impl Snapshot {
    pub fn of(meta: &Metadata) -> Snapshot {
        Snapshot {
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }
}

/// How a file changed while it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Fewer bytes than its size at open could be read (truncated, or overwritten shorter).
    Shrank { at_open: u64, read: u64, now: u64 },
    /// The path now names another file (renamed, deleted, copied over by a new file).
    Replaced { read: u64 },
    /// It grew past its size at open; only that size was read.
    Grew { at_open: u64, now: u64 },
    /// Same size, but written to while read (rewritten in place).
    Modified { read: u64 },
}

impl Change {
    /// Did the run lose input? Bytes the file held when opened could not be read (it shrank:
    /// truncated or overwritten shorter), so what it held is not all in the report: lost input,
    /// exit 2. A file that grew, was rewritten in place at the same size, or whose path now
    /// names another file (a rollover) was read in full up to its size at open: flagged, not
    /// lost. (`view --follow` follows truncation and rollover instead, and loses nothing.)
    pub fn loses_input(&self) -> bool {
        matches!(self, Change::Shrank { .. })
    }

    /// What happened and what was done about it, for `inputs[].note` and the terminal.
    pub fn note(&self) -> String {
        match self {
            Change::Shrank { at_open, read, now } if now < at_open => format!(
                "changed while read: the file shrank from {at_open} to {now} bytes (truncated or \
                 overwritten); the {read} bytes read were analysed"
            ),
            Change::Shrank { at_open, read, .. } => format!(
                "changed while read: only {read} of the {at_open} bytes it had when opened could \
                 be read (truncated or overwritten meanwhile); those were analysed"
            ),
            Change::Replaced { read } => format!(
                "changed while read: the path now names another file (rolled over, deleted or \
                 replaced); the {read} bytes read from the original were analysed"
            ),
            Change::Grew { at_open, now } => format!(
                "changed while read: the file grew from {at_open} to {now} bytes; the first \
                 {at_open} bytes were analysed"
            ),
            Change::Modified { read } => format!(
                "changed while read: the file was written to in place; the {read} bytes read \
                 were analysed and may mix old and new content"
            ),
        }
    }
}

/// Compare an open file with its snapshot after `read` bytes were read from it (all it had,
/// up to the size at open).
pub fn change_after_read(path: &Path, file: &File, at_open: Snapshot, read: u64) -> Option<Change> {
    let now = file.metadata().ok().map(|m| Snapshot::of(&m));
    let now_len = now.map_or(read, |s| s.len);
    if read < at_open.len || now_len < at_open.len {
        return Some(Change::Shrank {
            at_open: at_open.len,
            read,
            now: now_len,
        });
    }
    if path_names(path, file) != Some(true) {
        return Some(Change::Replaced { read });
    }
    if now_len > at_open.len {
        return Some(Change::Grew {
            at_open: at_open.len,
            now: now_len,
        });
    }
    match now.and_then(|s| s.modified) {
        Some(m) if at_open.modified.is_some_and(|o| o != m) => Some(Change::Modified { read }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_file_is_read_and_size_capped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("s.toml");
        std::fs::write(&p, b"0123456789").expect("write");
        assert_eq!(read_capped(&p, 10).expect("read"), b"0123456789");
        let e = read_capped(&p, 9).expect_err("over the cap");
        assert!(e.to_string().contains("too large"), "{e}");
        let e = read_capped(dir.path(), 100).expect_err("a folder");
        assert!(e.to_string().contains("folder") || e.to_string().contains("directory"));
    }

    #[cfg(unix)]
    #[test]
    fn fifo_and_device_are_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("p.toml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        // Without O_NONBLOCK this open would wait for a writer forever.
        let e = read_capped(&fifo, 1 << 20).expect_err("a FIFO");
        assert!(e.to_string().contains("FIFO"), "{e}");
        let e = read_capped(Path::new("/dev/zero"), 1 << 20).expect_err("a device");
        assert!(e.to_string().contains("character device"), "{e}");
    }

    #[test]
    fn changes_are_told_apart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log");
        std::fs::write(&p, b"0123456789").expect("write");
        let (f, m) = open_regular(&p).expect("open");
        let snap = Snapshot::of(&m);
        assert_eq!(change_after_read(&p, &f, snap, 10), None);
        let shrank = change_after_read(&p, &f, snap, 4);
        assert!(matches!(shrank, Some(Change::Shrank { read: 4, .. })));
        assert!(shrank.is_some_and(|c| c.loses_input()));
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .and_then(|mut w| std::io::Write::write_all(&mut w, b"more"))
            .expect("append");
        let grew = change_after_read(&p, &f, snap, 10);
        assert!(matches!(
            grew,
            Some(Change::Grew {
                at_open: 10,
                now: 14
            })
        ));
        assert!(grew.is_some_and(|c| !c.loses_input()));
        let moved = dir.path().join("a.lo_");
        std::fs::rename(&p, &moved).expect("rename");
        std::fs::write(&p, b"new file, longer than ten").expect("write");
        let snap = Snapshot::of(&f.metadata().expect("meta"));
        let replaced = change_after_read(&p, &f, snap, 14);
        assert!(matches!(replaced, Some(Change::Replaced { read: 14 })));
        assert!(replaced.is_some_and(|c| !c.loses_input()));
        assert!(!Change::Modified { read: 14 }.loses_input());
    }
}
