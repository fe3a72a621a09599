use super::*;
use crate::sync::{RunResult, SyncData, SyncRun};

fn run(start: &str, result: RunResult) -> SyncRun {
    let start: DateTime<Utc> = start.parse().expect("time");
    let ended = result != RunResult::Running;
    let mut r = SyncRun::for_test("PS1", start, ended.then_some(300), result);
    r.log.end_line = 9;
    r
}

fn data(runs: Vec<SyncRun>) -> SyncData {
    SyncData {
        runs,
        adr_runs: Vec::new(),
    }
}

fn open(p: &Path) -> History {
    match History::open(p, Window::default()) {
        Ok(h) => h,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_run_is_stored_once_and_a_whole_run_is_not_replaced_by_its_beginning() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("h.db");
    let a = run("2026-11-16T02:00:00Z", RunResult::Success);
    let b = run("2026-11-17T02:00:00Z", RunResult::Success);
    let h = open(&p);
    let got = h
        .merge(None, data(vec![a.clone(), b.clone()]))
        .expect("merge");
    assert_eq!(got.runs.len(), 2);
    let again = h
        .merge(None, data(vec![a.clone(), b.clone()]))
        .expect("merge");
    assert_eq!(again.runs, got.runs);
    // The beginning of b only (its end was in a file not read this time).
    let frag = run("2026-11-17T02:00:00Z", RunResult::Running);
    let got = h.merge(None, data(vec![frag])).expect("merge");
    assert_eq!(got.runs.len(), 2);
    assert_eq!(got.runs[1].result, RunResult::Success);
    let info = h.record("sync", Utc::now(), &[]).expect("record");
    assert_eq!(info.stored_runs, 2);
    assert_eq!(info.added_runs, 2);
    assert_eq!(info.oldest_run, a.start);
}

#[test]
fn a_running_run_is_completed_by_a_later_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("h.db");
    let h = open(&p);
    h.merge(
        Some("CM01"),
        data(vec![run("2026-11-17T02:00:00Z", RunResult::Running)]),
    )
    .expect("merge");
    drop(h);
    let h = open(&p);
    let got = h
        .merge(
            Some("CM01"),
            data(vec![run("2026-11-17T02:00:00Z", RunResult::Failed)]),
        )
        .expect("merge");
    assert_eq!(got.runs.len(), 1);
    assert_eq!(got.runs[0].result, RunResult::Failed);
    // Another host's runs are its own.
    let other = h.merge(Some("CM02"), data(Vec::new())).expect("merge");
    assert!(other.runs.is_empty());
}

#[test]
fn the_window_limits_what_is_shown_not_what_is_kept() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("h.db");
    let h = open(&p);
    h.merge(
        None,
        data(vec![
            run("2026-10-01T02:00:00Z", RunResult::Success),
            run("2026-11-17T02:00:00Z", RunResult::Success),
        ]),
    )
    .expect("merge");
    drop(h);
    let w = Window {
        since: Some("2026-11-01T00:00:00Z".parse().expect("t")),
        until: None,
    };
    let h = History::open(&p, w).expect("open");
    let got = h.merge(None, data(Vec::new())).expect("merge");
    assert_eq!(got.runs.len(), 1);
    let info = h.record("report", Utc::now(), &[]).expect("record");
    assert_eq!(info.stored_runs, 2, "how far back: all of it");
    assert_eq!(
        info.oldest_run,
        Some("2026-10-01T02:00:00Z".parse().expect("t"))
    );
}

fn open_err(p: &Path) -> String {
    match History::open(p, Window::default()) {
        Ok(_) => panic!("{} opened", p.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn foreign_corrupt_and_newer_files_are_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "my notes, not a database\n").expect("write");
    let e = open_err(&text);
    assert!(e.contains("not an SQLite database"), "{e}");
    assert_eq!(
        std::fs::read(&text).expect("read"),
        b"my notes, not a database\n"
    );

    let foreign = dir.path().join("foreign.db");
    {
        let c = Connection::open(&foreign).expect("open");
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .expect("create");
    }
    let before = std::fs::read(&foreign).expect("read");
    let e = open_err(&foreign);
    assert!(e.contains("another program"), "{e}");
    assert_eq!(std::fs::read(&foreign).expect("read"), before);

    let newer = dir.path().join("newer.db");
    drop(open(&newer));
    {
        let c = Connection::open(&newer).expect("open");
        c.execute_batch("PRAGMA user_version = 99").expect("bump");
    }
    let e = open_err(&newer);
    assert!(e.contains("newer supdiag"), "{e}");

    let corrupt = dir.path().join("corrupt.db");
    drop(open(&corrupt));
    let mut bytes = std::fs::read(&corrupt).expect("read");
    // Keep the header, garble the pages after it.
    for b in bytes.iter_mut().skip(100) {
        *b = 0xA5;
    }
    std::fs::write(&corrupt, &bytes).expect("write");
    let e = open_err(&corrupt);
    assert!(
        e.contains("damaged") || e.contains("not an SQLite") || e.contains("malformed"),
        "{e}"
    );
    assert_eq!(std::fs::read(&corrupt).expect("read"), bytes);

    let e = open_err(dir.path());
    assert!(e.contains("not a regular file"), "{e}");
}

#[test]
fn an_empty_file_becomes_a_history_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("empty.db");
    std::fs::write(&p, b"").expect("write");
    drop(open(&p));
    let c = Connection::open(&p).expect("open");
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(v, SCHEMA_VERSION);
    let app: i64 = c
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .expect("id");
    assert_eq!(app, APPLICATION_ID);
    // Opening again migrates nothing and keeps working.
    drop(c);
    drop(open(&p));
}
