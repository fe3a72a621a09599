//! Storing runs and findings, and reading back the runs of a period.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::{parse_ts, ts, Error, History, HistoryError, HistoryInfo};
use crate::rules::Finding;
use crate::sync::{AdrResult, AdrRun, RunResult, SyncData, SyncRun};

/// The host column: the fleet host folder, '' outside a fleet layout.
pub fn host_key(host: Option<&str>) -> &str {
    host.unwrap_or("")
}

fn complete(r: &SyncRun) -> bool {
    r.result != RunResult::Running
}

impl History {
    /// Store the runs read from the logs of `host` and return every run of that host in the
    /// window: the stored ones and the ones just read, each once (a whole run rather than a
    /// fragment of it).
    pub fn merge(&self, host: Option<&str>, data: SyncData) -> Result<SyncData, Error> {
        let hk = host_key(host).to_string();
        {
            let mut hosts = self.hosts.borrow_mut();
            if !hosts.contains(&hk) {
                hosts.push(hk.clone());
            }
        }
        let now = ts(Utc::now());
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        let mut added = 0u64;
        // Runs without a start time (pasted logs) cannot be told apart: shown, not stored.
        let mut unkeyed: Vec<SyncRun> = Vec::new();
        {
            let mut get = tx
                .prepare_cached(
                    "SELECT complete FROM sync_runs WHERE host = ?1 AND site = ?2 AND start = ?3",
                )
                .map_err(|e| self.err(e))?;
            let mut put = tx
                .prepare_cached(
                    "INSERT INTO sync_runs (host, site, start, end_time, result, duration_seconds, complete, run, first_stored, last_seen)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
                     ON CONFLICT (host, site, start) DO UPDATE SET end_time = ?4, result = ?5,
                       duration_seconds = ?6, complete = ?7, run = ?8, last_seen = ?9",
                )
                .map_err(|e| self.err(e))?;
            let mut touch = tx
                .prepare_cached(
                    "UPDATE sync_runs SET last_seen = ?4 WHERE host = ?1 AND site = ?2 AND start = ?3",
                )
                .map_err(|e| self.err(e))?;
            for r in data.runs {
                let Some(start) = r.start else {
                    unkeyed.push(r);
                    continue;
                };
                let site = r.site.clone().unwrap_or_default();
                let start = ts(start);
                let stored: Option<bool> = get
                    .query_row(params![hk, site, start], |row| row.get(0))
                    .optional()
                    .map_err(|e| self.err(e))?;
                if stored == Some(true) && !complete(&r) {
                    // Seen whole before: this read holds only its beginning.
                    touch
                        .execute(params![hk, site, start, now])
                        .map_err(|e| self.err(e))?;
                    continue;
                }
                if stored.is_none() {
                    added += 1;
                }
                let json = serde_json::to_string(&r)
                    .map_err(|e| self.wrap(HistoryError::Sqlite(e.to_string())))?;
                put.execute(params![
                    hk,
                    site,
                    start,
                    r.end.map(ts),
                    r.result.as_str(),
                    r.duration_seconds,
                    complete(&r),
                    json,
                    now
                ])
                .map_err(|e| self.err(e))?;
            }
        }
        let mut adr_unkeyed: Vec<AdrRun> = Vec::new();
        {
            let mut get = tx
                .prepare_cached(
                    "SELECT complete FROM adr_runs WHERE host = ?1 AND rule_id = ?2 AND start = ?3",
                )
                .map_err(|e| self.err(e))?;
            let mut put = tx
                .prepare_cached(
                    "INSERT INTO adr_runs (host, rule_id, start, result, complete, run, first_stored, last_seen)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
                     ON CONFLICT (host, rule_id, start) DO UPDATE SET result = ?4, complete = ?5,
                       run = ?6, last_seen = ?7",
                )
                .map_err(|e| self.err(e))?;
            for a in data.adr_runs {
                let Some(start) = a.start else {
                    adr_unkeyed.push(a);
                    continue;
                };
                let start = ts(start);
                let done = a.result != AdrResult::Running;
                let stored: Option<bool> = get
                    .query_row(params![hk, a.rule_id, start], |row| row.get(0))
                    .optional()
                    .map_err(|e| self.err(e))?;
                if stored == Some(true) && !done {
                    continue;
                }
                let json = serde_json::to_string(&a)
                    .map_err(|e| self.wrap(HistoryError::Sqlite(e.to_string())))?;
                put.execute(params![
                    hk,
                    a.rule_id,
                    start,
                    a.result.as_str(),
                    done,
                    json,
                    now
                ])
                .map_err(|e| self.err(e))?;
            }
        }
        let runs = self.read_runs(&tx, &hk)?;
        let adr_runs = self.read_adr(&tx, &hk)?;
        tx.commit().map_err(|e| self.err(e))?;
        self.added.set(self.added.get() + added);
        let w = self.window;
        let mut out = SyncData { runs, adr_runs };
        out.runs
            .extend(unkeyed.into_iter().filter(|r| w.contains(r.start)));
        out.adr_runs
            .extend(adr_unkeyed.into_iter().filter(|a| w.contains(a.start)));
        Ok(out)
    }

    fn bounds(&self) -> (String, String) {
        let w = self.window;
        (
            w.since.map(ts).unwrap_or_default(),
            // '~' sorts after every digit: no upper bound.
            w.until.map(ts).unwrap_or_else(|| "~".into()),
        )
    }

    fn read_runs(&self, tx: &rusqlite::Connection, hk: &str) -> Result<Vec<SyncRun>, Error> {
        self.read_stored(
            tx,
            hk,
            "SELECT run FROM sync_runs WHERE host = ?1 AND start >= ?2 AND start < ?3 ORDER BY start",
            "a stored sync run",
        )
    }

    fn read_adr(&self, tx: &rusqlite::Connection, hk: &str) -> Result<Vec<AdrRun>, Error> {
        self.read_stored(
            tx,
            hk,
            "SELECT run FROM adr_runs WHERE host = ?1 AND start >= ?2 AND start < ?3 ORDER BY start",
            "a stored ADR run",
        )
    }

    /// The runs `sql` selects (as JSON) for host `hk` in the window, oldest first.
    fn read_stored<T: serde::de::DeserializeOwned>(
        &self,
        tx: &rusqlite::Connection,
        hk: &str,
        sql: &str,
        what: &str,
    ) -> Result<Vec<T>, Error> {
        let (lo, hi) = self.bounds();
        let mut q = tx.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = q
            .query_map(params![hk, lo, hi], |row| row.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for json in rows {
            let json = json.map_err(|e| self.err(e))?;
            let run = serde_json::from_str(&json)
                .map_err(|e| self.wrap(HistoryError::Corrupt(format!("{what}: {e}"))))?;
            out.push(run);
        }
        Ok(out)
    }

    /// Record this invocation and its findings; what the file holds for the hosts read.
    pub fn record(
        &self,
        command: &str,
        now: DateTime<Utc>,
        findings: &[Finding],
    ) -> Result<HistoryInfo, Error> {
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        tx.execute(
            "INSERT INTO invocations (at, now, command, version) VALUES (?1, ?2, ?3, ?4)",
            params![ts(Utc::now()), ts(now), command, env!("CARGO_PKG_VERSION")],
        )
        .map_err(|e| self.err(e))?;
        let id = tx.last_insert_rowid();
        {
            let mut put = tx
                .prepare_cached(
                    "INSERT INTO findings (invocation, host, rule_id, severity, title, count, first_seen, last_seen)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(|e| self.err(e))?;
            for f in findings {
                put.execute(params![
                    id,
                    host_key(f.host.as_deref()),
                    f.rule_id,
                    f.severity.as_str(),
                    f.title,
                    i64::try_from(f.count).unwrap_or(i64::MAX),
                    f.first_seen.map(ts),
                    f.last_seen.map(ts)
                ])
                .map_err(|e| self.err(e))?;
            }
        }
        let info = self.info(&tx)?;
        tx.commit().map_err(|e| self.err(e))?;
        Ok(info)
    }

    fn info(&self, tx: &rusqlite::Connection) -> Result<HistoryInfo, Error> {
        let hosts = self.hosts.borrow().clone();
        let mut info = HistoryInfo {
            file: self.display.clone(),
            schema_version: super::SCHEMA_VERSION,
            since: self.window.since,
            until: self.window.until,
            added_runs: self.added.get(),
            ..HistoryInfo::default()
        };
        for h in &hosts {
            let (n, lo, hi): (u64, Option<String>, Option<String>) = tx
                .query_row(
                    "SELECT count(*), min(start), max(start) FROM sync_runs WHERE host = ?1",
                    [h],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .map_err(|e| self.err(e))?;
            info.stored_runs += n;
            let lo = lo.as_deref().and_then(parse_ts);
            let hi = hi.as_deref().and_then(parse_ts);
            info.oldest_run = match (info.oldest_run, lo) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            info.newest_run = info.newest_run.max(hi);
            let a: u64 = tx
                .query_row("SELECT count(*) FROM adr_runs WHERE host = ?1", [h], |r| {
                    r.get(0)
                })
                .map_err(|e| self.err(e))?;
            info.stored_adr_runs += a;
        }
        let (n, first): (u64, Option<String>) = tx
            .query_row("SELECT count(*), min(at) FROM invocations", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(|e| self.err(e))?;
        info.invocations = n;
        info.first_invocation = first.as_deref().and_then(parse_ts);
        Ok(info)
    }
}
