//! `--history FILE`: runs outlive log rollover, are stored once, hosts stay apart; bad files
//! are refused with exit 2 and left alone; invocations at the same time are safe.

use std::fs;
use std::path::Path;

mod common;

use common::supdiag;

const NOW: &str = "2026-11-21T12:00:00Z";

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut c = supdiag();
    c.args(args).args(["--format", "json", "-q"]);
    // analyze judges against the wall clock (no --now).
    if args.first() != Some(&"analyze") {
        c.args(["--now", NOW]);
    }
    let out = c.output().expect("run");
    common::stdout_json(out, &[0, 1])
}

fn durations(v: &serde_json::Value) -> Vec<i64> {
    v["sync_runs"]
        .as_array()
        .expect("runs")
        .iter()
        .filter_map(|r| r["duration_seconds"].as_i64())
        .collect()
}

#[test]
fn runs_outlive_the_rollover_and_are_stored_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let logs = dir.path().join("site-history");
    copy_dir(Path::new("samples/site-history"), &logs);
    let l = logs.to_string_lossy().to_string();
    let db = dir.path().join("h.db");
    let h = db.to_string_lossy().to_string();

    let first = json(&["sync", &l, "--history", &h]);
    assert_eq!(first["sync_runs"].as_array().map(Vec::len), Some(8));
    assert_eq!(first["history"]["added_runs"], 8);

    fs::remove_file(logs.join("wsyncmgr.lo_")).expect("rm");
    let without_logs = json(&["sync", &l]);
    assert_eq!(
        without_logs["sync_runs"].as_array().map(Vec::len),
        Some(6),
        "the logs alone no longer hold the first two runs"
    );
    for _ in 0..2 {
        let v = json(&["sync", &l, "--history", &h]);
        assert_eq!(v["sync_runs"].as_array().map(Vec::len), Some(8));
        assert!(durations(&v).contains(&4325), "the 1h12m run is kept");
        assert_eq!(v["history"]["added_runs"], 0, "nothing stored twice");
        assert_eq!(v["history"]["stored_runs"], 8);
        assert_eq!(v["history"]["oldest_run"], "2026-11-16T02:00:01.505Z");
        assert_eq!(v["sync_summary"]["median_duration_seconds"], 250);
    }
    let r = json(&["report", &l, "--history", &h]);
    assert_eq!(r["sync_runs"].as_array().map(Vec::len), Some(8));
    assert!(durations(&r).contains(&4325));
    let findings: Vec<&str> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    assert!(
        findings.contains(&"sync_duration_outlier"),
        "the stored slow run still counts: {findings:?}"
    );
    let a = json(&["analyze", &l, "--history", &h, "--since", "2026-11-01"]);
    assert_eq!(a["sync_runs"].as_array().map(Vec::len), Some(8));
    assert_eq!(a["history"]["invocations"], 5);

    // The terminal says how far back the history goes.
    let out = supdiag()
        .args(["sync", &l, "--history", &h, "--now", NOW, "-q"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Sync runs (8):"), "{text}");
    assert!(text.contains("1h12m"), "{text}");
    assert!(
        text.contains("going back to 2026-11-16 02:00:01Z"),
        "{text}"
    );

    // SUPDIAG_HISTORY names the same file.
    let out = supdiag()
        .env("SUPDIAG_HISTORY", &h)
        .args(["sync", &l, "--now", NOW, "-q", "--format", "json"])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["sync_runs"].as_array().map(Vec::len), Some(8));
}

#[test]
fn since_and_until_choose_the_period_shown() {
    let dir = tempfile::tempdir().expect("tmp");
    let h = dir.path().join("h.db").to_string_lossy().to_string();
    let v = json(&[
        "sync",
        "samples/site-history",
        "--history",
        &h,
        "--since",
        "2026-11-18",
        "--until",
        "2026-11-19T12:00:00Z",
    ]);
    assert_eq!(v["sync_runs"].as_array().map(Vec::len), Some(5));
    assert_eq!(v["history"]["stored_runs"], 8, "all runs are kept");
    // An age counts back from --now: 2d before 2026-11-21 12:00 is 2026-11-19 12:00.
    let v = json(&["sync", "samples/site-history", "--since", "2d"]);
    assert_eq!(v["sync_runs"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_fleet_keeps_hosts_apart() {
    let dir = tempfile::tempdir().expect("tmp");
    let h = dir.path().join("h.db").to_string_lossy().to_string();
    for _ in 0..2 {
        let v = json(&["sync", "samples/fleet", "--history", &h]);
        let runs = v["sync_runs"].as_array().expect("runs");
        assert_eq!(runs.len(), 10);
        assert!(
            runs.iter().all(|r| r["host"].is_string()),
            "every run has its host"
        );
        let sites = v["sync_sites"].as_array().expect("sites");
        assert_eq!(sites.len(), 2);
        assert_eq!(sites[0]["host"], "CM01");
        assert_eq!(sites[0]["state"], "healthy");
        assert_eq!(sites[0]["last_success"], "2026-11-20T02:05:06.920Z");
        assert_eq!(sites[1]["host"], "CM02");
        assert_eq!(sites[1]["state"], "failing");
        assert!(sites[1]["last_success"].is_null());
        assert_eq!(v["history"]["stored_runs"], 10);
    }
}

#[test]
fn bad_history_files_are_refused_with_exit_2_and_left_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = dir.path().join("notes.txt");
    fs::write(&text, "not a database").expect("write");
    let foreign = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&foreign).expect("sqlite");
        c.execute_batch(
            "CREATE TABLE inventory (pc TEXT); INSERT INTO inventory VALUES ('PC0142');",
        )
        .expect("create");
    }
    for (p, want) in [
        (&text, "not an SQLite database"),
        (&foreign, "another program"),
    ] {
        let before = fs::read(p).expect("read");
        let out = supdiag()
            .args(["sync", "samples/site-history", "--history"])
            .arg(p)
            .args(["--now", NOW])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{err}");
        assert!(err.contains("history file"), "{err}");
        assert_eq!(fs::read(p).expect("read"), before, "left as it was");
    }
}

#[test]
fn invocations_at_the_same_time_are_safe() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("h.db");
    let bin = assert_cmd::cargo::cargo_bin("supdiag");
    let children: Vec<std::process::Child> = (0..4)
        .map(|i| {
            std::process::Command::new(&bin)
                .env_clear()
                .args([
                    "sync",
                    if i % 2 == 0 {
                        "samples/site-history"
                    } else {
                        "samples/fleet"
                    },
                    "--history",
                ])
                .arg(&db)
                .args(["--now", NOW, "-q", "--format", "json"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        common::assert_exit(&out, &[0, 1]);
    }
    let v = json(&["sync", "samples/fleet", "--history", &db.to_string_lossy()]);
    assert_eq!(v["history"]["stored_runs"], 10);
    assert_eq!(v["history"]["invocations"], 5);
    let v = json(&[
        "sync",
        "samples/site-history",
        "--history",
        &db.to_string_lossy(),
    ]);
    assert_eq!(v["history"]["stored_runs"], 8);
}
