//! Zip bundles (`supdiag collect`, or any zip of logs) as input: a bundle is unpacked into a
//! private temporary folder that lives as long as the [`Opened`] value, and is then read like
//! any folder. Files are shown as `<bundle>/<entry>`; with several bundles each one is a host
//! (from its `manifest.json`, else the zip's name), like `hosts/<name>/` in a fleet folder.
//!
//! Untrusted archives: entry names that leave the folder (`..`, absolute, drive or UNC paths,
//! `:` streams) and links are refused (zip-slip); the number of entries and the bytes actually
//! written are capped, and an entry that unpacks to far more than its packed size is cut
//! (zip bomb). Each refusal is a warning naming the bundle and the entry.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use super::SourceWarning;

/// Limits for unpacking one bundle.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_entries: usize,
    /// Bytes written for the whole bundle.
    pub max_total: u64,
    /// Unpacked / packed size above which an entry (of at least `ratio_floor` bytes) is a bomb.
    pub max_ratio: u64,
    pub ratio_floor: u64,
    /// Unpacked / archive size for the whole bundle (at least `ratio_floor` bytes).
    pub max_total_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 100_000,
            max_total: 4 << 30,
            // Logs pack 10 to 50 times; deflate cannot go past about 1,030 per entry, and
            // entries that share their packed data can go much further as a whole.
            max_ratio: 400,
            ratio_floor: 64 << 20,
            max_total_ratio: 200,
        }
    }
}

/// Is this a file name we open as a bundle?
pub fn is_bundle_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".zip")
}

/// Name of the manifest `supdiag collect` writes at the top of a bundle.
pub const MANIFEST: &str = "manifest.json";

/// An unpacked bundle; the folder is removed when this is dropped.
#[derive(Debug)]
pub struct Opened {
    dir: tempfile::TempDir,
    /// Where the bundle's files are (inside `dir`, under `hosts/<host>` for a fleet).
    pub root: PathBuf,
    pub host: Option<String>,
    /// The manifest, when the bundle has one that parses.
    pub manifest: Option<serde_json::Value>,
}

impl Drop for Opened {
    fn drop(&mut self) {
        let mut names = lock_names();
        names.retain(|(root, _)| root != &self.root);
    }
}

impl Opened {
    /// The temporary folder (for tests).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// Unpacked roots and the names their files are shown under.
static SHOWN: Mutex<Vec<(PathBuf, String)>> = Mutex::new(Vec::new());

fn lock_names() -> std::sync::MutexGuard<'static, Vec<(PathBuf, String)>> {
    SHOWN.lock().unwrap_or_else(|p| p.into_inner())
}

/// The name a file of an open bundle is shown under (`CM01.zip/logs/...`), `None` for other
/// paths.
pub fn shown(p: &Path) -> Option<String> {
    let names = lock_names();
    names.iter().find_map(|(root, name)| {
        let rel = p.strip_prefix(root).ok()?;
        let rel = rel.to_string_lossy().replace('\\', "/");
        Some(if rel.is_empty() {
            name.clone()
        } else {
            format!("{name}/{rel}")
        })
    })
}

/// A host name usable as a folder name: letters, digits, `-`, `_`, `.`; at most 64 characters.
pub fn safe_host(h: &str) -> Option<String> {
    let s: String = h
        .trim()
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_matches('.').to_string();
    (!s.is_empty()).then_some(s)
}

/// The relative path an entry is written to, or why it is refused.
fn entry_path(name: &str) -> Result<PathBuf, &'static str> {
    if name.contains(':') {
        return Err("a drive letter or stream name (`:`) in an entry name");
    }
    let unified = name.replace('\\', "/");
    if unified.starts_with('/') {
        return Err("an absolute entry name");
    }
    let mut out = PathBuf::new();
    for part in unified.split('/') {
        match Path::new(part).components().next() {
            None => {}
            Some(Component::Normal(_)) if part != "." && part != ".." => out.push(part),
            Some(Component::CurDir) => {}
            _ => return Err("an entry name that leaves the bundle (`..`)"),
        }
    }
    if out.as_os_str().is_empty() {
        return Err("an empty entry name");
    }
    Ok(out)
}

fn read_manifest<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
) -> Option<serde_json::Value> {
    let entry = zip.by_name(MANIFEST).ok()?;
    let mut text = String::new();
    entry.take(1 << 20).read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

/// Unpack the bundle at `path` (shown as `shown`). `host`: lay it out as that fleet host
/// (`None`: no host). Problems with single entries are warnings; an unreadable archive is an
/// error.
pub fn open(
    path: &Path,
    shown_as: &str,
    as_host: Option<&str>,
    limits: Limits,
    warnings: &mut Vec<SourceWarning>,
) -> Result<Opened, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let archive_len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let max_total = limits.max_total.min(
        archive_len
            .saturating_mul(limits.max_total_ratio)
            .max(limits.ratio_floor),
    );
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| format!("not a readable zip: {e}"))?;
    let manifest = read_manifest(&mut zip);
    let dir = tempfile::Builder::new()
        .prefix("supdiag-bundle-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary folder to unpack into: {e}"))?;
    let host = as_host.and_then(safe_host);
    let root = match &host {
        Some(h) => dir.path().join("hosts").join(h),
        None => dir.path().join("bundle"),
    };
    std::fs::create_dir_all(&root).map_err(|e| format!("cannot unpack: {e}"))?;
    let warn = |warnings: &mut Vec<SourceWarning>, entry: &str, message: String| {
        warnings.push(SourceWarning {
            path: format!("{shown_as}/{entry}"),
            message,
            lost: true,
        })
    };
    if zip.len() > limits.max_entries {
        warnings.push(SourceWarning {
            path: shown_as.to_string(),
            message: format!(
                "{} entries; only the first {} are read (limit)",
                zip.len(),
                limits.max_entries
            ),
            lost: true,
        });
    }
    let mut total = 0u64;
    let mut seen: BTreeMap<String, ()> = BTreeMap::new();
    for i in 0..zip.len().min(limits.max_entries) {
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                warn(warnings, &format!("#{i}"), format!("unreadable entry: {e}"));
                continue;
            }
        };
        let name = entry.name().to_string();
        if entry.is_dir() {
            continue;
        }
        if entry.is_symlink() {
            warn(warnings, &name, "a link; not followed".into());
            continue;
        }
        let rel = match entry_path(&name) {
            Ok(r) => r,
            Err(why) => {
                warn(warnings, &name, format!("refused: {why}"));
                continue;
            }
        };
        if is_bundle_name(&name) {
            warn(
                warnings,
                &name,
                "a bundle inside a bundle; not opened".into(),
            );
            continue;
        }
        // Windows folds case: two entries differing only in case are one file there.
        let key = rel.to_string_lossy().to_lowercase();
        if seen.insert(key, ()).is_some() {
            warn(
                warnings,
                &name,
                "a second entry of the same name; skipped".into(),
            );
            continue;
        }
        let target = root.join(&rel);
        if let Some(parent) = target.parent() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                warn(warnings, &name, format!("cannot unpack: {e}"));
                continue;
            }
        }
        let room = max_total.saturating_sub(total);
        let packed = entry.compressed_size().max(1);
        let ratio_cap = packed
            .saturating_mul(limits.max_ratio)
            .max(limits.ratio_floor);
        let cap = room.min(ratio_cap);
        let mut out = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
        {
            Ok(f) => std::io::BufWriter::new(f),
            Err(e) => {
                warn(warnings, &name, format!("cannot unpack: {e}"));
                continue;
            }
        };
        // One byte past the cap tells a cut entry from one that ends exactly there.
        let copied = std::io::copy(&mut (&mut entry).take(cap.saturating_add(1)), &mut out)
            .and_then(|n| out.flush().map(|()| n));
        match copied {
            Ok(n) if n > cap => {
                drop(out);
                let _ = std::fs::remove_file(&target);
                let why = if cap == room {
                    format!(
                        "the bundle unpacks to more than {max_total} bytes (limit); the rest is not read"
                    )
                } else {
                    format!(
                        "unpacks to more than {cap} bytes from {packed} packed (a zip bomb?); skipped"
                    )
                };
                warn(warnings, &name, why);
                if cap == room {
                    break;
                }
            }
            Ok(n) => total += n,
            Err(e) => {
                drop(out);
                let _ = std::fs::remove_file(&target);
                warn(warnings, &name, format!("cannot unpack: {e}"));
            }
        }
    }
    lock_names().push((root.clone(), shown_as.to_string()));
    Ok(Opened {
        dir,
        root,
        host,
        manifest,
    })
}

/// The host a bundle stands for in a fleet: `host` of its manifest, else the zip's name.
pub fn host_of_bundle(path: &Path) -> Option<String> {
    let from_manifest = std::fs::File::open(path)
        .ok()
        .and_then(|f| zip::ZipArchive::new(std::io::BufReader::new(f)).ok())
        .and_then(|mut z| read_manifest(&mut z))
        .and_then(|m| m.get("host").and_then(|h| h.as_str()).map(str::to_string));
    from_manifest.or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
}

#[cfg(test)]
mod tests;
