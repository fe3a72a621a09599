//! Sources: find log files under the given paths, tell their kind, group rollovers into streams.
//!
//! A *stream* is one logical log: `X.lo_` (older) followed by `X.log`, or the date-stamped
//! history files `X-YYYYMMDD-HHMMSS.log` in stamp order followed by `X.log`.

pub mod binary;
pub mod bundle;
pub mod decode;
pub mod open;
pub mod stream;

use std::collections::BTreeMap;
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
/// a history stamp). Order inside a stream: history files by stamp, then `.lo_`, then `.log`.
/// (folder, base name) → generations as (rank, history stamp, path).
type Generations = BTreeMap<(PathBuf, String), Vec<(u8, String, PathBuf)>>;

fn group(files: Vec<PathBuf>) -> Vec<Stream> {
    let mut groups: Generations = BTreeMap::new();
    for f in files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let lower = name.to_ascii_lowercase();
        let (base, rank, stamp) = if let Some(b) = lower.strip_suffix(".lo_") {
            (b.to_string(), 1u8, String::new())
        } else if let Some(b) = lower.strip_suffix(".log") {
            match split_stamp(b) {
                Some((base, stamp)) => (base.to_string(), 0u8, stamp.to_string()),
                None => (b.to_string(), 2u8, String::new()),
            }
        } else {
            (lower.clone(), 2u8, String::new())
        };
        let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
        groups
            .entry((dir, base))
            .or_default()
            .push((rank, stamp, f));
    }
    groups
        .into_values()
        .map(|mut v| {
            v.sort();
            Stream {
                files: v
                    .into_iter()
                    .map(|(_, _, path)| {
                        let name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        InputFile {
                            display: display_path(&path),
                            kind_hint: LogKind::from_file_name(&name),
                            host: host_of(&path),
                            path,
                        }
                    })
                    .collect(),
            }
        })
        .collect()
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
