//! `supdiag sync` over samples/site-history: the figures stated in its README.

use serde_json::Value;

mod common;

use common::supdiag;

fn sync_json(now: &str) -> (Value, i32) {
    let out = supdiag()
        .args([
            "sync",
            "samples/site-history",
            "--format",
            "json",
            "--now",
            now,
        ])
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    (v, out.status.code().unwrap_or(-1))
}

#[test]
fn sample_figures_match_readme() {
    let (v, code) = sync_json("2026-11-21T12:00:00Z");
    assert_eq!(v["schema"], "supdiag.report/1");
    let runs = v["sync_runs"].as_array().expect("runs");
    let results: Vec<&str> = runs.iter().filter_map(|r| r["result"].as_str()).collect();
    assert_eq!(
        results,
        [
            "success",
            "success",
            "failed",
            "failed",
            "success",
            "interrupted",
            "success",
            "success"
        ]
    );
    let triggers: Vec<&str> = runs.iter().filter_map(|r| r["trigger"].as_str()).collect();
    assert_eq!(
        triggers,
        ["schedule", "schedule", "schedule", "retry", "retry", "schedule", "manual", "schedule"]
    );
    let retries: Vec<bool> = runs
        .iter()
        .filter_map(|r| r["retry_of_failed"].as_bool())
        .collect();
    assert_eq!(
        retries,
        [false, false, false, true, true, false, false, false]
    );
    let durations: Vec<Option<i64>> = runs
        .iter()
        .map(|r| r["duration_seconds"].as_i64())
        .collect();
    assert_eq!(
        durations,
        [
            Some(233),
            Some(4325),
            Some(28),
            Some(28),
            Some(312),
            None,
            Some(250),
            Some(200)
        ]
    );
    for r in runs {
        assert_eq!(r["site"], "PS1");
        for key in ["start", "end", "updates_processed", "error", "finding_ids"] {
            assert!(r.get(key).is_some(), "run lacks {key}: {r}");
        }
    }
    // The slow run starts in the .lo_ and ends in the .log.
    assert!(runs[1]["log"]["file"]
        .as_str()
        .is_some_and(|f| f.ends_with("wsyncmgr.lo_")));
    assert!(runs[1]["log"]["end_file"]
        .as_str()
        .is_some_and(|f| f.ends_with("wsyncmgr.log")));
    assert_eq!(runs[2]["error_code"], "0x80131500");
    assert_eq!(
        runs[2]["error"],
        "The request failed with HTTP status 503: Service Unavailable"
    );
    assert_eq!(runs[1]["updates_processed"], 2410);

    let s = &v["sync_summary"];
    assert_eq!(s["success"], 5);
    assert_eq!(s["failed"], 2);
    assert_eq!(s["interrupted"], 1);
    assert_eq!(s["running"], 0);
    assert_eq!(s["last_success"], "2026-11-20T02:03:22.040Z");
    assert_eq!(s["longest_failure_streak"], 2);
    assert_eq!(s["median_duration_seconds"], 250);
    assert_eq!(s["slowest"]["duration_seconds"], 4325);
    assert_eq!(s["success_rate"], 0.625);

    let adr = v["adr_runs"].as_array().expect("adr");
    let adr_results: Vec<&str> = adr.iter().filter_map(|a| a["result"].as_str()).collect();
    assert_eq!(adr_results, ["success", "failed", "success"]);
    assert_eq!(adr[1]["error_code"], "12007");

    let ids: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    assert_eq!(ids, ["sync_duration_outlier"]);
    assert_eq!(
        code, 1,
        "a warning finding fails under the default --fail-on warning"
    );
}

#[test]
fn stale_with_later_now_and_max_age() {
    let (v, _) = sync_json("2026-11-23T00:00:00Z");
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    assert!(ids.contains(&"sync_stale"), "{ids:?}");
    // A generous max age removes it again.
    let out = supdiag()
        .args([
            "sync",
            "samples/site-history",
            "-f",
            "json",
            "--now",
            "2026-11-23T00:00:00Z",
            "--max-age",
            "7d",
            "--fail-on",
            "error",
        ])
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(!v["findings"].to_string().contains("sync_stale"));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn terminal_table_and_bad_max_age() {
    let out = supdiag()
        .args([
            "sync",
            "samples/site-history",
            "--now",
            "2026-11-21T12:00:00Z",
        ])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("interrupted"), "{text}");
    assert!(text.contains("Longest failure streak: 2"), "{text}");
    assert!(!text.contains('\x1b'), "no colour when not a terminal");
    supdiag()
        .args(["sync", "samples/site-history", "--max-age", "soon"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not an age"));
}
