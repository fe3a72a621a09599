//! `supdiag view` over samples/: snapshots of the text and JSON output, and the filters.

use assert_cmd::Command;

fn view(args: &[&str]) -> String {
    let out = Command::cargo_bin("supdiag")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .arg("view")
        .args(args)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn rollover_is_one_time_sorted_stream() {
    let text = view(&["--color", "never", "samples/site-rollover"]);
    insta::assert_snapshot!(text);
    // The .lo_ lines come first and times never go backwards.
    let times: Vec<&str> = text
        .lines()
        .filter(|l| l.len() > 24)
        .map(|l| &l[..24])
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "not sorted");
}

#[test]
fn client_folder_as_json() {
    let text = view(&["--format", "json", "samples/client-healthy"]);
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let recs = v.as_array().expect("array");
    assert!(recs.len() > 20);
    // Multi-line CMTrace message kept whole.
    assert!(recs.iter().any(|r| r["message"]
        .as_str()
        .is_some_and(|m| m.contains("Message received") && m.contains('\n'))));
    insta::assert_json_snapshot!(recs.iter().take(12).collect::<Vec<_>>());
}

#[test]
fn filters_level_component_time_and_grep() {
    let errors = view(&[
        "--color",
        "never",
        "--level",
        "error",
        "samples/site-wsus-not-configured",
    ]);
    assert!(!errors.is_empty());
    // Record lines start with the time; continuation lines of multi-line messages are indented.
    let records: Vec<&str> = errors.lines().filter(|l| l.starts_with("20")).collect();
    assert!(!records.is_empty());
    assert!(
        records.iter().all(|l| l.get(24..27) == Some(" E ")),
        "{errors}"
    );
    let wcm = view(&[
        "--format",
        "ndjson",
        "--component",
        "configuration_manager",
        "samples/site-wsus-not-configured",
    ]);
    assert!(wcm
        .lines()
        .all(|l| l.contains("SMS_WSUS_CONFIGURATION_MANAGER")));
    let grep = view(&[
        "--format",
        "ndjson",
        "--grep",
        "sync failed",
        "samples/site-wsus-not-configured",
    ]);
    assert!(
        grep.lines().count() >= 2
            && grep
                .lines()
                .all(|l| l.to_ascii_lowercase().contains("sync failed"))
    );
    let all = view(&["--format", "ndjson", "samples/site-healthy"]);
    let first: serde_json::Value =
        serde_json::from_str(all.lines().next().expect("line")).expect("json");
    let t0 = first["time_utc"].as_str().expect("time").to_string();
    let later = view(&["--format", "ndjson", "--since", &t0, "samples/site-healthy"]);
    assert_eq!(
        later.lines().count(),
        all.lines()
            .filter(|l| !l.contains("\"time_utc\":null"))
            .count()
    );
    let none = view(&["--format", "ndjson", "--until", &t0, "samples/site-healthy"]);
    assert_eq!(none.lines().count(), 0);
}

#[test]
fn utf16_legacy_windowsupdate_is_decoded_and_converted() {
    let text = view(&["--format", "ndjson", "samples/client-win7-legacy"]);
    assert!(text.contains("SyncServerUpdatesInternal failed: 0x80244010"));
    assert!(text.contains("\"format\":\"windowsupdate\""));
}
