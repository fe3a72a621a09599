//! Sources: find log files under the given paths, tell their kind, group rollovers into streams.
//!
//! A *stream* is one logical log: `X.lo_` (older) followed by `X.log`, or the date-stamped
//! history files `X-YYYYMMDD-HHMMSS.log` in stamp order followed by `X.log`.

pub mod binary;
pub mod bundle;
pub mod decode;
pub mod open;
pub mod stream;

use std::path::{Path, PathBuf};

use crate::event::LogKind;

pub use decode::{load, Encoding, Loaded};

/// Directories with more entries than this are still walked; the limit only protects against a
/// runaway walk (symlink farms) and is reported when hit.
pub const MAX_FILES: usize = 1_000_000;

/// A file picked for analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    /// Path as shown in reports (as given or found, with `/` separators).
    pub display: String,
    /// Kind from the file name, `None` when the name does not say (decided from content later).
    pub kind_hint: Option<LogKind>,
    /// Host name in fleet layouts (`…/hosts/<name>/…`).
    pub host: Option<String>,
}

impl InputFile {
    /// A file known only by a name (rule examples, tests): shown as `name`, of kind `kind`, on
    /// no host.
    pub fn named(name: &str, kind: Option<LogKind>) -> InputFile {
        InputFile {
            path: PathBuf::from(name),
            display: name.to_string(),
            kind_hint: kind,
            host: None,
        }
    }
}

/// One logical log: its generations, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stream {
    pub files: Vec<InputFile>,
}

/// A problem with an input path that does not stop the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceWarning {
    pub path: String,
    pub message: String,
    /// Input was lost (a path or folder not read), as opposed to a note (a symlink loop not
    /// followed twice).
    pub lost: bool,
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Discovered {
    pub streams: Vec<Stream>,
    /// Settings files found lying in analysed folders (by extension; importers decide by content).
    pub settings_candidates: Vec<PathBuf>,
    pub warnings: Vec<SourceWarning>,
    /// Files named directly on the command line (as shown in reports): losing one of them is
    /// lost input even where a file found in a folder would only be a note (a binary file).
    pub named: std::collections::BTreeSet<String>,
    /// Zip bundles read (unpacked into temporary folders that live as long as this).
    pub bundles: Vec<bundle::Opened>,
    /// With no path on Windows: what discovery found on this machine (its settings and the
    /// status of every source go into the report).
    pub system: Option<crate::discover::Found>,
}

/// A path as shown in reports: `/` separators; a file of a zip bundle as `<bundle>/<entry>`.
pub fn display_path(p: &Path) -> String {
    bundle::shown(p).unwrap_or_else(|| p.to_string_lossy().replace('\\', "/"))
}

/// Is this a log file name we pick up when walking a folder?
pub fn is_log_name(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l.ends_with(".log") || l.ends_with(".lo_")
}

/// Is this a settings file name worth offering to the importers?
pub fn is_settings_name(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l.ends_with(".toml")
        || l.ends_with(".json")
        || l.ends_with(".reg")
        || l.ends_with("applicationhost.config")
}

/// Host name from a fleet layout path: the component after `hosts`.
pub fn host_of(p: &Path) -> Option<String> {
    let comps: Vec<String> = p
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    comps
        .windows(2)
        .rev()
        .find(|w| w[0].eq_ignore_ascii_case("hosts"))
        .map(|w| w[1].clone())
        .filter(|h| !h.to_ascii_lowercase().ends_with(".log"))
}

/// Walk `paths` (files and folders, recursively) and group what is found into streams.
/// Files named explicitly are taken whatever their extension.
pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut out = Discovered::default();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut zips: Vec<PathBuf> = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Err(e) => out.warnings.push(SourceWarning {
                path: display_path(p),
                message: format!("cannot read: {e}"),
                lost: true,
            }),
            Ok(m) if m.is_file() && is_zip(p) => zips.push(p.clone()),
            Ok(m) if m.is_file() => {
                out.named.insert(display_path(p));
                files.push(p.clone());
            }
            Ok(m) if m.is_dir() => walk(p, &mut files, &mut zips, &mut out),
            Ok(m) => out.warnings.push(SourceWarning {
                path: display_path(p),
                message: format!(
                    "not a regular file or folder ({}); skipped",
                    open::kind_name(&m)
                ),
                lost: true,
            }),
        }
    }
    open_bundles(zips, &mut files, &mut out);
    files.sort();
    files.dedup();
    out.streams = group(files);
    out
}

fn is_zip(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| bundle::is_bundle_name(&n.to_string_lossy()))
}

/// Unpack the bundles and walk them like folders; with more than one, each is a host.
fn open_bundles(mut zips: Vec<PathBuf>, files: &mut Vec<PathBuf>, out: &mut Discovered) {
    zips.sort();
    zips.dedup();
    let fleet = zips.len() > 1;
    for z in zips {
        let shown = display_path(&z);
        let host = if fleet {
            bundle::host_of_bundle(&z)
        } else {
            None
        };
        match bundle::open(
            &z,
            &shown,
            host.as_deref(),
            bundle::Limits::default(),
            &mut out.warnings,
        ) {
            Ok(b) => {
                let mut found = Vec::new();
                let mut nested = Vec::new();
                walk(&b.root, &mut found, &mut nested, out);
                let manifest = b.root.join(bundle::MANIFEST);
                out.settings_candidates.retain(|p| p != &manifest);
                files.extend(found);
                out.bundles.push(b);
            }
            Err(e) => out.warnings.push(SourceWarning {
                path: shown,
                message: e,
                lost: true,
            }),
        }
    }
}

fn walk(root: &Path, files: &mut Vec<PathBuf>, zips: &mut Vec<PathBuf>, out: &mut Discovered) {
    let mut seen = 0usize;
    // follow_links(true) + walkdir's loop detection: a symlink loop is reported, not followed.
    for entry in walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
    {
        match entry {
            Err(e) => {
                // A dangling link named like nothing we read is not an input lost.
                let ours = e.path().is_none_or(|p| {
                    p.is_dir()
                        || p.file_name().is_none_or(|n| {
                            let n = n.to_string_lossy();
                            is_log_name(&n) || is_settings_name(&n)
                        })
                });
                if !ours
                    && e.io_error()
                        .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
                {
                    continue;
                }
                let path = e
                    .path()
                    .map(display_path)
                    .unwrap_or_else(|| display_path(root));
                let looped = e.loop_ancestor().is_some();
                out.warnings.push(SourceWarning {
                    path,
                    message: if looped {
                        "symlink loop, not followed".into()
                    } else {
                        format!("cannot read: {}", walk_error(&e))
                    },
                    // What a loop leads to is read once already.
                    lost: !looped,
                });
            }
            Ok(e) if e.file_type().is_file() => {
                seen += 1;
                if seen > MAX_FILES {
                    out.warnings.push(SourceWarning {
                        path: display_path(root),
                        message: format!("more than {MAX_FILES} files; the rest were skipped"),
                        lost: true,
                    });
                    return;
                }
                let name = e.file_name().to_string_lossy();
                if is_log_name(&name) {
                    files.push(e.into_path());
                } else if bundle::is_bundle_name(&name) {
                    zips.push(e.into_path());
                } else if is_settings_name(&name) {
                    out.settings_candidates.push(e.into_path());
                }
            }
            Ok(e) if !e.file_type().is_dir() => {
                // A FIFO, device or socket named like a log: reading it could hang or never
                // end, so it is skipped, and said so.
                let name = e.file_name().to_string_lossy();
                if is_log_name(&name) || is_settings_name(&name) {
                    let what = e
                        .metadata()
                        .map(|m| open::kind_name(&m))
                        .unwrap_or("not a regular file");
                    out.warnings.push(SourceWarning {
                        path: display_path(e.path()),
                        message: format!("not a regular file ({what}); skipped"),
                        lost: true,
                    });
                }
            }
            Ok(_) => {}
        }
    }
}

/// walkdir's error without its own path prefix (the path is reported next to it).
fn walk_error(e: &walkdir::Error) -> String {
    match e.io_error() {
        Some(io) => io.to_string(),
        None => e.to_string(),
    }
}

/// Group files into streams: same folder and same base name (after removing `.log`/`.lo_` and
/// a history stamp; case aside). Streams in (folder, base name) order; inside a stream history
/// files by stamp, then `.lo_`, then `.log`.
fn group(mut files: Vec<PathBuf>) -> Vec<Stream> {
    // One sort on keys compared in place, no key built per file: owned keys and a map of
    // them were most of what discovery allocated for 100,000 files.
    files.sort_unstable_by(|a, b| Generation::of(a).cmp(&Generation::of(b)));
    let mut streams: Vec<Stream> = Vec::new();
    for path in files {
        let same = streams
            .last()
            .and_then(|s| s.files.last())
            .is_some_and(|l| Generation::of(&l.path).same_stream(&Generation::of(&path)));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let file = InputFile {
            display: display_path(&path),
            kind_hint: name.as_deref().and_then(LogKind::from_file_name),
            host: host_of(&path),
            path,
        };
        match streams.last_mut() {
            Some(s) if same => s.files.push(file),
            _ => streams.push(Stream { files: vec![file] }),
        }
    }
    streams
}

/// Where a file goes in [`group`]: its folder, base name, rank (history 0, `.lo_` 1, `.log`
/// or other 2) and history stamp, all borrowed from its path.
struct Generation<'a> {
    dir: &'a Path,
    name: std::borrow::Cow<'a, str>,
    /// The base name's length in `name`; the stamp's range.
    base: usize,
    rank: u8,
    stamp: std::ops::Range<usize>,
    path: &'a Path,
}

impl<'a> Generation<'a> {
    fn of(path: &'a Path) -> Generation<'a> {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let b = name.as_bytes();
        let ends = |suffix: &[u8]| b.len() >= 4 && b[b.len() - 4..].eq_ignore_ascii_case(suffix);
        // The suffixes are ASCII: cutting them leaves char boundaries.
        let (base, rank, stamp) = if ends(b".lo_") {
            (b.len() - 4, 1, 0..0)
        } else if ends(b".log") {
            let stem = &name[..b.len() - 4];
            match split_stamp(stem) {
                Some((base, stamp)) => {
                    let at = stem.len() - stamp.len();
                    (base.len(), 0, at..stem.len())
                }
                None => (stem.len(), 2, 0..0),
            }
        } else {
            (b.len(), 2, 0..0)
        };
        Generation {
            dir: path.parent().unwrap_or(Path::new("")),
            name,
            base,
            rank,
            stamp,
            path,
        }
    }

    /// The base name, lower-cased byte by byte.
    fn base_lower(&self) -> impl Iterator<Item = u8> + '_ {
        self.name.as_bytes()[..self.base]
            .iter()
            .map(u8::to_ascii_lowercase)
    }

    fn same_stream(&self, o: &Generation<'_>) -> bool {
        self.dir == o.dir && self.base_lower().eq(o.base_lower())
    }

    fn cmp(&self, o: &Generation<'_>) -> std::cmp::Ordering {
        self.dir
            .cmp(o.dir)
            .then_with(|| self.base_lower().cmp(o.base_lower()))
            .then_with(|| self.rank.cmp(&o.rank))
            .then_with(|| self.name[self.stamp.clone()].cmp(&o.name[o.stamp.clone()]))
            .then_with(|| self.path.cmp(o.path))
    }
}

fn split_stamp(stem: &str) -> Option<(&str, &str)> {
    let b = stem.as_bytes();
    if b.len() <= 16 {
        return None;
    }
    let tail = &b[b.len() - 16..];
    let ok = tail[0] == b'-'
        && tail[9] == b'-'
        && tail[1..9].iter().all(u8::is_ascii_digit)
        && tail[10..].iter().all(u8::is_ascii_digit);
    ok.then(|| (&stem[..stem.len() - 16], &stem[stem.len() - 15..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollovers_form_one_stream_oldest_first() {
        let files = vec![
            PathBuf::from("x/wsyncmgr.log"),
            PathBuf::from("x/wsyncmgr.lo_"),
            PathBuf::from("x/WCM.log"),
            PathBuf::from("x/wsyncmgr-20260101-000000.log"),
        ];
        let streams = group(files);
        assert_eq!(streams.len(), 2);
        let w = streams
            .iter()
            .find(|s| s.files.len() == 3)
            .expect("wsyncmgr stream");
        let names: Vec<_> = w.files.iter().map(|f| f.display.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "x/wsyncmgr-20260101-000000.log",
                "x/wsyncmgr.lo_",
                "x/wsyncmgr.log"
            ]
        );
    }

    /// Streams by (folder, base name, case aside), a folder's files before its subfolders' when
    /// their names sort so (as paths compare), generations oldest first whatever the case of
    /// the suffix; a name without a log suffix is its own base.
    #[test]
    fn streams_in_folder_and_base_name_order() {
        let files = [
            "a/b/zzz.log",
            "a/b/c/x.log",
            "a/b/WCM.LOG",
            "a/b/wcm.Lo_",
            "a/b/wcm-20260102-000000.log",
            "a/b/WCM-20260101-000000.log",
            "a/b/aaa.log",
            "a/b/notes.txt",
            "a/B/aaa.log",
        ];
        let streams = group(files.iter().map(PathBuf::from).collect());
        let shown: Vec<Vec<&str>> = streams
            .iter()
            .map(|s| s.files.iter().map(|f| f.display.as_str()).collect())
            .collect();
        assert_eq!(
            shown,
            vec![
                vec!["a/B/aaa.log"],
                vec!["a/b/aaa.log"],
                vec!["a/b/notes.txt"],
                vec![
                    "a/b/WCM-20260101-000000.log",
                    "a/b/wcm-20260102-000000.log",
                    "a/b/wcm.Lo_",
                    "a/b/WCM.LOG"
                ],
                vec!["a/b/zzz.log"],
                vec!["a/b/c/x.log"],
            ]
        );
    }

    #[test]
    fn host_from_fleet_layout() {
        assert_eq!(
            host_of(Path::new("fleet/hosts/PC01/logs/WUAHandler.log")),
            Some("PC01".into())
        );
        assert_eq!(host_of(Path::new("logs/WUAHandler.log")), None);
    }

    #[test]
    fn missing_path_is_a_warning() {
        let d = discover(&[PathBuf::from("/definitely/not/here")]);
        assert_eq!(d.streams.len(), 0);
        assert_eq!(d.warnings.len(), 1);
    }
}
