//! The history file's format: how a file is recognised as ours, the schema versions and the
//! migrations between them.
//!
//! A file is ours when SQLite's `application_id` header field holds [`APPLICATION_ID`]; the
//! schema version is `user_version`. Migration `n` (index `n - 1` of [`MIGRATIONS`]) takes a
//! file from version `n - 1` to `n`; each runs in its own transaction, so a file is always at
//! one version or the next, never in between.

use rusqlite::{Connection, OptionalExtension};

use super::HistoryError;

/// "SUPD" in ASCII: marks a history file as written by supdiag.
pub const APPLICATION_ID: i64 = 0x5355_5044;

/// Schema version 1: sync runs, ADR runs, invocations and their findings.
const V1: &str = r#"
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- One row per sync run; the run itself (every field of `sync_runs[]`) is JSON in `run`.
-- Times are RFC 3339 UTC with milliseconds, so text order is time order.
CREATE TABLE sync_runs (
    host TEXT NOT NULL,          -- fleet host folder, '' outside a fleet layout
    site TEXT NOT NULL,          -- site code, '' when unknown
    start TEXT NOT NULL,
    end_time TEXT,
    result TEXT NOT NULL,
    duration_seconds INTEGER,
    complete INTEGER NOT NULL,   -- 1 once the run ended (success, failed, interrupted)
    run TEXT NOT NULL,
    first_stored TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (host, site, start)
) WITHOUT ROWID;
CREATE INDEX sync_runs_by_time ON sync_runs (host, start);
CREATE TABLE adr_runs (
    host TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    start TEXT NOT NULL,
    result TEXT NOT NULL,
    complete INTEGER NOT NULL,
    run TEXT NOT NULL,
    first_stored TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (host, rule_id, start)
) WITHOUT ROWID;
CREATE INDEX adr_runs_by_time ON adr_runs (host, start);
CREATE TABLE invocations (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,            -- wall-clock time of the invocation
    now TEXT NOT NULL,           -- its reference time (--now)
    command TEXT NOT NULL,
    version TEXT NOT NULL
);
CREATE TABLE findings (
    invocation INTEGER NOT NULL REFERENCES invocations (id),
    host TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    title TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_seen TEXT,
    last_seen TEXT
);
CREATE INDEX findings_by_host ON findings (host, rule_id);
"#;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[V1];

/// The schema version this build writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

fn pragma_i64(conn: &Connection, name: &str) -> Result<i64, rusqlite::Error> {
    conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
}

/// Check that `conn` is a history file (or an empty database, which becomes one) and bring its
/// schema to [`LATEST`]. Never writes to a file that is not ours.
pub fn prepare(conn: &mut Connection) -> Result<i64, HistoryError> {
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(HistoryError::from_sqlite)?;
    if check != "ok" {
        return Err(HistoryError::Corrupt(check));
    }
    let app = pragma_i64(conn, "application_id").map_err(HistoryError::from_sqlite)?;
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(HistoryError::from_sqlite)?;
    if app != APPLICATION_ID && !(app == 0 && objects == 0) {
        return Err(HistoryError::Foreign(if app == 0 {
            format!("an SQLite database with {objects} table(s) or index(es) of another program")
        } else {
            format!("an SQLite database of another program (application_id {app:#x})")
        }));
    }
    let mut version = pragma_i64(conn, "user_version").map_err(HistoryError::from_sqlite)?;
    if version > LATEST {
        return Err(HistoryError::Newer {
            found: version,
            known: LATEST,
        });
    }
    while version < LATEST {
        let idx = usize::try_from(version).unwrap_or(usize::MAX);
        let Some(sql) = MIGRATIONS.get(idx) else {
            return Err(HistoryError::Newer {
                found: version,
                known: LATEST,
            });
        };
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(HistoryError::from_sqlite)?;
        // Another invocation may have migrated while this one waited for the lock.
        let now_at = pragma_i64(&tx, "user_version").map_err(HistoryError::from_sqlite)?;
        if now_at == version {
            tx.execute_batch(sql).map_err(HistoryError::from_sqlite)?;
            tx.execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {};",
                version + 1
            ))
            .map_err(HistoryError::from_sqlite)?;
            if version == 0 {
                tx.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('created_by', ?1)",
                    [concat!("supdiag ", env!("CARGO_PKG_VERSION"))],
                )
                .map_err(HistoryError::from_sqlite)?;
            }
        }
        tx.commit().map_err(HistoryError::from_sqlite)?;
        version = pragma_i64(conn, "user_version").map_err(HistoryError::from_sqlite)?;
    }
    // Written by supdiag: the meta table must be there (a file that only claims our id is not).
    let created: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'created_by'", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|_| HistoryError::Foreign("an SQLite database without supdiag's tables".into()))?;
    if created.is_none() {
        return Err(HistoryError::Foreign(
            "an SQLite database without supdiag's tables".into(),
        ));
    }
    Ok(version)
}
