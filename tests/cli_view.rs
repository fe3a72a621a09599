//! `supdiag view` over samples/: snapshots of the text and JSON output, and the filters.

use assert_cmd::Command;

mod common;

fn view(args: &[&str]) -> String {
    let out = Command::cargo_bin("supdiag")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .arg("view")
        .args(args)
        .output()
        .expect("run");
    common::stdout_text(out, &[0])
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

/// `--component` also takes the log names for the SMS component names; a filter that matches
/// nothing says which components there are.
#[test]
fn component_aliases_and_a_hint_when_nothing_matches() {
    for (alias, component, folder) in [
        ("wsyncmgr", "SMS_WSUS_SYNC_MANAGER", "samples/site-healthy"),
        (
            "wcm",
            "SMS_WSUS_CONFIGURATION_MANAGER",
            "samples/site-healthy",
        ),
        (
            "WSUSCtrl",
            "SMS_WSUS_CONTROL_MANAGER",
            "samples/site-healthy",
        ),
        ("ruleengine", "SMS_RULE_ENGINE", "samples/site-adr-12007"),
    ] {
        let by_alias = view(&["--color", "never", "--component", alias, folder]);
        let by_name = view(&["--color", "never", "--component", component, folder]);
        assert!(by_alias.lines().count() > 3, "{alias}");
        assert_eq!(by_alias, by_name, "{alias}");
        assert!(by_alias
            .lines()
            .all(|l| !l.contains("  SMS_") || l.contains(component)));
    }
    // The file-name kinds work for logs whose component column is a class name.
    let sd = view(&[
        "--color",
        "never",
        "--component",
        "softwaredistribution",
        "samples/cas-no-internet",
    ]);
    assert!(sd.contains("SoftwareDistribution.log"));
    assert!(!sd.contains("wsyncmgr.log"));

    let out = Command::cargo_bin("supdiag")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "view",
            "--component",
            "wsyncmanager",
            "samples/site-healthy",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--component \"wsyncmanager\" matches no record"),
        "{err}"
    );
    assert!(err.contains("SMS_WSUS_SYNC_MANAGER"), "{err}");
    assert!(
        err.contains("log names also accepted: wsyncmgr, wcm"),
        "{err}"
    );
}

/// `--local-time` shows the server's wall clock with its offset: the CAS sample crosses the US
/// DST change, so local 01:05 appears twice, once at -07:00 and once at -08:00.
#[test]
fn local_time_uses_each_lines_bias() {
    let utc = view(&["--color", "never", "samples/cas-no-internet/wsyncmgr.log"]);
    let local = view(&[
        "--color",
        "never",
        "--local-time",
        "samples/cas-no-internet/wsyncmgr.log",
    ]);
    assert_eq!(utc.lines().count(), local.lines().count());
    assert!(utc.starts_with("2026-11-01 07:04:11.884Z"), "{utc}");
    assert!(
        local.starts_with("2026-11-01 00:04:11.884-07:00"),
        "{local}"
    );
    let pdt = local
        .lines()
        .filter(|l| l.starts_with("2026-11-01 01:05") && l.contains("-07:00 "))
        .count();
    let pst = local
        .lines()
        .filter(|l| l.starts_with("2026-11-01 01:05") && l.contains("-08:00 "))
        .count();
    assert!(pdt > 0 && pst > 0, "{local}");
    // A line in UTC (SoftwareDistribution.log has no bias) stays in UTC.
    let sd = view(&[
        "--color",
        "never",
        "--local-time",
        "samples/cas-no-internet/SoftwareDistribution.log",
    ]);
    assert!(
        sd.lines()
            .next()
            .is_some_and(|l| l.starts_with("2026-11-01 07:05:01.712Z")),
        "{sd}"
    );
    // CET (bias -060) is +01:00.
    let cet = view(&[
        "--color",
        "never",
        "--local-time",
        "samples/site-healthy/wsyncmgr.log",
    ]);
    assert!(
        cet.lines()
            .next()
            .is_some_and(|l| l[..29].ends_with("+01:00")),
        "{cet}"
    );
}

/// A stack trace written with `~~` (CR LF) between frames is one frame a line, not double-spaced.
#[test]
fn sms_stack_traces_are_not_double_spaced() {
    let text = view(&["--color", "never", "samples/wsus-pool-503/WCM.log"]);
    let i = text
        .find("HTTP status 503: Service Unavailable.")
        .expect("the 503 record");
    let record: Vec<&str> = text[i..].lines().take(4).collect();
    assert!(
        record[1]
            .trim_start()
            .starts_with("at Microsoft.UpdateServices"),
        "{record:?}"
    );
    assert!(record[2].trim_start().starts_with("at "), "{record:?}");
    assert!(
        !text.lines().any(|l| l.trim().is_empty()),
        "blank line in the output"
    );
}
