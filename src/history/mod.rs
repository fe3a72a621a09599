//! `--history FILE`: an SQLite file that keeps sync runs, ADR runs and the findings of every
//! invocation, per host and site, so a report covers more than the logs still hold after
//! rollover.
//!
//! A run is stored once, keyed by host, site and start time: reading the same logs again adds
//! nothing; a run stored whole is never replaced by a fragment of it (the same start seen again
//! without its end, e.g. when only an older generation is read); a run stored while still
//! running is completed when a later read sees its end. Writes happen in `BEGIN IMMEDIATE`
//! transactions with a busy timeout, so invocations running at the same time wait for each
//! other instead of failing. A file that is not an SQLite database, is corrupt, belongs to
//! another program or was written by a newer schema is an error and is never written to.

mod schema;
mod store;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration as StdDuration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use thiserror::Error;

pub use schema::{APPLICATION_ID, LATEST as SCHEMA_VERSION};

/// How long an invocation waits for another one's write transaction.
const BUSY_TIMEOUT: StdDuration = StdDuration::from_secs(30);

#[derive(Debug, Error)]
pub enum HistoryError {
    #[error("is not an SQLite database ({0}); refusing to use or overwrite it: name a new file or a supdiag history file")]
    NotSqlite(String),
    #[error("is damaged (integrity check: {0}); it was left as it is: restore it from a backup or name a new file")]
    Corrupt(String),
    #[error("is {0}, not a supdiag history file; it was left as it is: name a new file")]
    Foreign(String),
    #[error("was written by a newer supdiag (schema version {found}; this build knows up to {known}); it was left as it is: use a newer supdiag")]
    Newer { found: i64, known: i64 },
    #[error("is not a regular file")]
    NotAFile,
    #[error("{0}")]
    Sqlite(String),
    #[error("cannot be read: {0}")]
    Io(String),
}

impl HistoryError {
    fn from_sqlite(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => HistoryError::NotSqlite(e.to_string()),
            Some(ErrorCode::DatabaseCorrupt) => HistoryError::Corrupt(e.to_string()),
            _ => HistoryError::Sqlite(e.to_string()),
        }
    }
}

/// Error of one history operation, naming the file.
#[derive(Debug, Error)]
#[error("history file {path}: {source}")]
pub struct Error {
    pub path: String,
    #[source]
    pub source: HistoryError,
}

/// The period a command with `--history` shows (`--since`, `--until`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl Window {
    pub fn contains(&self, t: Option<DateTime<Utc>>) -> bool {
        let Some(t) = t else { return true };
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }
}

/// JSON `history`: what the history file holds for the hosts read, and the period shown.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct HistoryInfo {
    pub file: String,
    pub schema_version: i64,
    /// Sync runs stored for the hosts read (all time).
    pub stored_runs: u64,
    pub stored_adr_runs: u64,
    /// Start of the oldest stored run: how far back the history goes.
    pub oldest_run: Option<DateTime<Utc>>,
    pub newest_run: Option<DateTime<Utc>>,
    /// Invocations recorded (this one included).
    pub invocations: u64,
    pub first_invocation: Option<DateTime<Utc>>,
    /// The period shown.
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Runs added by this invocation.
    pub added_runs: u64,
}

/// An open history file.
pub struct History {
    conn: Connection,
    display: String,
    window: Window,
    added: std::cell::Cell<u64>,
    hosts: std::cell::RefCell<Vec<String>>,
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The first bytes of every SQLite 3 database.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Refuse anything that is not a regular file holding an SQLite database (or empty): SQLite
/// itself would turn some of them into a database on the first write.
fn check_file(path: &Path) -> Result<(), HistoryError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(HistoryError::Io(e.to_string())),
    };
    if !meta.is_file() {
        return Err(HistoryError::NotAFile);
    }
    if meta.len() == 0 {
        return Ok(());
    }
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(path).map_err(|e| HistoryError::Io(e.to_string()))?;
    let n = f
        .read(&mut head)
        .map_err(|e| HistoryError::Io(e.to_string()))?;
    if n < head.len() || &head != SQLITE_MAGIC {
        return Err(HistoryError::NotSqlite(
            "its first bytes are not \"SQLite format 3\"".into(),
        ));
    }
    Ok(())
}

impl History {
    /// Open (or create) the history file at `path` and bring its schema up to date.
    pub fn open(path: &Path, window: Window) -> Result<History, Error> {
        let display = path.display().to_string();
        let err = |source| Error {
            path: display.clone(),
            source,
        };
        check_file(path).map_err(err)?;
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| err(HistoryError::from_sqlite(e)))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| err(HistoryError::from_sqlite(e)))?;
        schema::prepare(&mut conn).map_err(err)?;
        Ok(History {
            conn,
            display,
            window,
            added: std::cell::Cell::new(0),
            hosts: std::cell::RefCell::new(Vec::new()),
        })
    }

    pub fn window(&self) -> Window {
        self.window
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        Error {
            path: self.display.clone(),
            source: HistoryError::from_sqlite(e),
        }
    }

    fn wrap(&self, e: HistoryError) -> Error {
        Error {
            path: self.display.clone(),
            source: e,
        }
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;

pub use store::host_key;

/// Where the file is (for messages).
impl History {
    pub fn path(&self) -> &str {
        &self.display
    }
}

/// Resolve `--history` (or `SUPDIAG_HISTORY`, which clap reads into the same argument).
pub fn path_arg(p: Option<&PathBuf>) -> Option<&Path> {
    p.map(PathBuf::as_path)
        .filter(|p| !p.as_os_str().is_empty())
}
