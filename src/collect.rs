//! `supdiag collect`: one zip with everything discovery found on this machine — the logs with
//! their rollovers (optionally only those written in the last N days), the settings as files
//! (`.reg` export text, applicationHost.config without passwords, ConfigMgr JSON) and
//! `manifest.json` (host, time, tool version, what was collected and what was not, and why).
//! `analyze`, `sync`, `report` and `view` read such a zip as they read a folder.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use zip::write::SimpleFileOptions;

use crate::discover::{Found, SourceStatus};

/// Default cap on the log bytes put in one bundle.
pub const DEFAULT_MAX_BYTES: u64 = 2 << 30;

pub struct Options {
    pub output: PathBuf,
    /// Only logs written in the last this many days.
    pub days: Option<u32>,
    /// Log bytes beyond which files are left out (named in the manifest).
    pub max_bytes: u64,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct Collected {
    /// Path in the bundle.
    pub path: String,
    /// Path on the machine.
    pub from: String,
    pub bytes: u64,
}

#[derive(Debug, Serialize)]
pub struct NotCollected {
    pub from: String,
    pub why: String,
}

#[derive(Debug, Serialize)]
pub struct Manifest {
    pub schema: &'static str,
    pub host: String,
    pub created: DateTime<Utc>,
    pub tool: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    pub max_bytes: u64,
    pub collected: Vec<Collected>,
    pub not_collected: Vec<NotCollected>,
    pub sources: Vec<SourceStatus>,
}

pub const MANIFEST_SCHEMA: &str = "supdiag.bundle/1";

/// The default output name: `supdiag-<host>-<UTC stamp>.zip`.
pub fn default_output(host: &str, now: DateTime<Utc>) -> PathBuf {
    let host = crate::source::bundle::safe_host(host).unwrap_or_else(|| "host".into());
    PathBuf::from(format!(
        "supdiag-{host}-{}.zip",
        now.format("%Y%m%d-%H%M%S")
    ))
}

/// A folder name for the bundle: letters, digits, `-`, `_`, `.`.
fn slug(s: &str) -> String {
    crate::source::bundle::safe_host(s).unwrap_or_else(|| "logs".into())
}

/// Bundle folders for the source folders of one group: the folder's own name, made unique.
fn folder_names(files: &[PathBuf]) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    for f in files {
        let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
        let key = dir.to_string_lossy().to_lowercase();
        if out.contains_key(&key) {
            continue;
        }
        let base = slug(
            &dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        let n = used.entry(base.to_ascii_lowercase()).or_insert(0);
        *n += 1;
        let name = if *n == 1 { base } else { format!("{base}-{n}") };
        out.insert(key, name);
    }
    out
}

/// A zip entry's time (DOS date and time, no zone: UTC here, like every time supdiag prints;
/// outside 1980–2107 the entry keeps the zip default).
fn zip_time(t: DateTime<Utc>) -> Option<zip::DateTime> {
    use chrono::{Datelike, Timelike};
    let n = |v: u32| u8::try_from(v).ok();
    zip::DateTime::from_date_and_time(
        u16::try_from(t.year()).ok()?,
        n(t.month())?,
        n(t.day())?,
        n(t.hour())?,
        n(t.minute())?,
        // DOS times count in 2-second steps.
        n(t.second().min(58))?,
    )
    .ok()
}

fn modified(p: &Path) -> Option<DateTime<Utc>> {
    std::fs::metadata(p)
        .and_then(|m| m.modified())
        .ok()
        .map(DateTime::<Utc>::from)
}

/// Write the bundle; progress lines go to `progress`.
pub fn write(found: &Found, opts: &Options, progress: &mut dyn FnMut(&str)) -> Result<Manifest> {
    let mut manifest = Manifest {
        schema: MANIFEST_SCHEMA,
        host: found.host.clone(),
        created: opts.now,
        tool: format!("supdiag {}", env!("CARGO_PKG_VERSION")),
        days: opts.days,
        max_bytes: opts.max_bytes,
        collected: Vec::new(),
        not_collected: Vec::new(),
        sources: found.sources.clone(),
    };
    for s in &found.sources {
        if s.status == crate::discover::Status::NotAvailable {
            manifest.not_collected.push(NotCollected {
                from: format!("{} ({})", s.what, s.location),
                why: s.detail.clone(),
            });
        }
    }
    let partial = {
        let mut p = opts.output.clone().into_os_string();
        p.push(".partial");
        PathBuf::from(p)
    };
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let deflate = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let oldest = opts
        .days
        .map(|d| opts.now - chrono::Duration::days(i64::from(d)));
    let mut total = 0u64;
    for set in &found.logs {
        let folders = folder_names(&set.files);
        // Newest first: when the cap is reached, the oldest rollovers are the ones left out.
        let mut files: Vec<(Option<DateTime<Utc>>, &PathBuf)> =
            set.files.iter().map(|f| (modified(f), f)).collect();
        files.sort_by_key(|f| std::cmp::Reverse(f.0));
        let mut added = 0usize;
        for (mtime, f) in files {
            let from = f.to_string_lossy().into_owned();
            if let (Some(limit), Some(m)) = (oldest, mtime) {
                if m < limit {
                    let days = opts.days.unwrap_or(0);
                    manifest.not_collected.push(NotCollected {
                        from,
                        why: format!("last written before the last {days} days"),
                    });
                    continue;
                }
            }
            let size = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
            if total.saturating_add(size) > opts.max_bytes {
                manifest.not_collected.push(NotCollected {
                    from,
                    why: format!(
                        "the bundle's size cap ({} bytes) was reached",
                        opts.max_bytes
                    ),
                });
                continue;
            }
            let dir_key = f
                .parent()
                .map(|d| d.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            let folder = folders
                .get(&dir_key)
                .cloned()
                .unwrap_or_else(|| "logs".into());
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "unnamed.log".into());
            let path = format!("logs/{}/{folder}/{name}", set.group);
            // The file's own time, so the bundle shows when each log was last written.
            let options = match mtime.and_then(zip_time) {
                Some(t) => deflate.last_modified_time(t),
                None => deflate,
            };
            let copied = std::fs::File::open(f).and_then(|mut src| {
                zip.start_file(path.as_str(), options)
                    .map_err(std::io::Error::other)?;
                std::io::copy(&mut src, &mut zip)
            });
            match copied {
                Ok(bytes) => {
                    total += bytes;
                    added += 1;
                    manifest.collected.push(Collected { path, from, bytes });
                }
                Err(e) => manifest.not_collected.push(NotCollected {
                    from,
                    why: format!("cannot read: {e}"),
                }),
            }
        }
        progress(&format!("{}: {added} log file(s)", set.group));
    }
    for t in &found.settings {
        let path = format!("settings/{}", t.name);
        zip.start_file(path.as_str(), deflate)
            .and_then(|()| Ok(zip.write_all(t.text.as_bytes())?))
            .with_context(|| format!("writing {path} into the bundle"))?;
        manifest.collected.push(Collected {
            path,
            from: t.shown.clone(),
            bytes: t.text.len() as u64,
        });
    }
    progress(&format!("settings: {} file(s)", found.settings.len()));
    let json = serde_json::to_string_pretty(&manifest).context("manifest")?;
    zip.start_file(crate::source::bundle::MANIFEST, deflate)
        .and_then(|()| Ok(zip.write_all(json.as_bytes())?))
        .context("writing the manifest into the bundle")?;
    let mut inner = zip.finish().context("finishing the bundle")?;
    inner.flush().context("finishing the bundle")?;
    drop(inner);
    std::fs::rename(&partial, &opts.output)
        .with_context(|| format!("cannot write {}", opts.output.display()))?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_get_unique_names() {
        let files = vec![
            PathBuf::from("/a/Logs/x.log"),
            PathBuf::from("/a/Logs/x.lo_"),
            PathBuf::from("/b/logs/y.log"),
            PathBuf::from("/c/W3SVC1/u_ex260101.log"),
        ];
        let names = folder_names(&files);
        let mut v: Vec<&String> = names.values().collect();
        v.sort();
        assert_eq!(v, vec!["Logs", "W3SVC1", "logs-2"]);
    }

    #[test]
    fn entry_times_are_the_files_times_in_utc() {
        let t: DateTime<Utc> = "2026-11-20T02:03:22Z".parse().expect("time");
        let z = zip_time(t).expect("in range");
        assert_eq!(
            (
                z.year(),
                z.month(),
                z.day(),
                z.hour(),
                z.minute(),
                z.second()
            ),
            (2026, 11, 20, 2, 3, 22)
        );
        // Before 1980 a zip cannot say: the entry keeps the default.
        assert!(zip_time("1970-01-02T00:00:00Z".parse().expect("time")).is_none());
    }
}
