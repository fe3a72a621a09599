//! CLI tests: `rules check`, `rules list/show`, `explain`, `analyze` exit codes.

use predicates::prelude::*;

mod common;

use common::supdiag;

#[test]
fn rules_check_builtin_is_clean() {
    supdiag()
        .args(["rules", "check"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no problems"));
}

#[test]
fn rules_check_bad_folder_reports_file_and_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = r#"id = "other_name"
severity = "fatal"
title = "t"
cause = "{nocapture}"
fix = "f"
[match]
literals = ["x"]
regex = '(unclosed'
[[example]]
line = "x"
matches = true
"#;
    std::fs::write(dir.path().join("bad_rule.toml"), bad).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("unknown_key.toml"),
        "id = \"unknown_key\"\nbogus = 1\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = supdiag()
        .args(["rules", "check"])
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8_lossy(&out);
    assert!(
        out.contains("bad_rule.toml:1: id \"other_name\" does not match the file name"),
        "{out}"
    );
    assert!(
        out.contains("bad_rule.toml:2: severity \"fatal\": expected one of"),
        "{out}"
    );
    assert!(
        out.contains("bad_rule.toml:8: [match] regex: invalid regex"),
        "{out}"
    );
    assert!(
        out.contains("unknown_key.toml:2: unknown field `bogus`"),
        "{out}"
    );
}

#[test]
fn rules_list_and_show() {
    supdiag()
        .args(["rules", "list"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("adr_download_internet_12007"));
    supdiag()
        .args(["rules", "show", "wcm_wsus_api_missing"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("sequence: first"));
    // Which matcher a line rule gets: the literal-anchored fast path (matches of a bounded
    // length), or the automaton.
    for (id, how) in [
        (
            "wsyncmgr_update_synchronizing",
            "matched  without an automaton",
        ),
        (
            "wsyncmgr_wsus_not_configured",
            "matched  by the regex automaton",
        ),
        ("wsyncmgr_statmsg_6703", "matched  by the regex automaton"),
    ] {
        supdiag()
            .args(["rules", "show", id])
            .assert()
            .code(0)
            .stdout(predicate::str::contains(how));
    }
    supdiag()
        .args(["rules", "show", "wcm_wsus_api_mising"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean wcm_wsus_api_missing",
        ));
}

#[test]
fn explain_codes_in_every_form() {
    for q in ["0x80072EE7", "80072ee7", "-2147012889", "12007"] {
        supdiag()
            .args(["explain", q])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("ERROR_INTERNET_NAME_NOT_RESOLVED"))
            .stdout(predicate::str::contains("adr_download_internet_12007"));
    }
    supdiag()
        .args(["explain", "2147942405"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ERROR_ACCESS_DENIED"));
}

/// A status message id is explained as the status message, not as a made-up HRESULT.
#[test]
fn explain_status_message_ids_lead_with_the_message() {
    for (id, words) in [
        ("6703", "WSUS synchronization failed"),
        ("6702", "WSUS synchronization done"),
        ("6701", "WSUS synchronization started"),
        ("6705", "site database"),
        ("6708", "license terms"),
        ("6710", "Older WSUS Synchronization Manager"),
        ("7000", "failed to configure proxy settings"),
        ("8706", "automatic deployment rule failed"),
    ] {
        let out = supdiag().args(["explain", id]).output().expect("run");
        assert_eq!(out.status.code(), Some(0), "{id}");
        let text = String::from_utf8_lossy(&out.stdout);
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("{id}  Status message")),
            "{id}: {first}"
        );
        assert!(text.contains(words), "{id}: {text}");
        assert!(!text.contains("HRESULT"), "{id}: {text}");
    }
    // A number that is both (12007 is a WinINet code, not a status message) stays a code.
    supdiag()
        .args(["explain", "12007"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("12007  HRESULT 0x80072EE7"));
}

#[test]
fn rules_list_json_and_filters() {
    let json = |args: &[&str]| -> Vec<serde_json::Value> {
        let out = supdiag()
            .args(["rules", "list", "--format", "json"])
            .args(args)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        serde_json::from_slice(&out.stdout).expect("a JSON array")
    };
    let all = json(&[]);
    assert!(all.len() > 50, "{}", all.len());
    for r in &all {
        for key in [
            "id", "severity", "title", "type", "kinds", "codes", "settings", "docs", "origin",
        ] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
    }
    let errors = json(&["--severity", "error"]);
    assert!(!errors.is_empty() && errors.len() < all.len());
    assert!(errors.iter().all(|r| r["severity"] == "error"));
    let wcm = json(&["--kind", "wcm"]);
    assert!(wcm.iter().any(|r| r["id"] == "wcm_ssl_transport_closed"));
    assert!(wcm.iter().all(|r| r["type"] != "fact"
        && (r["kinds"].is_null()
            || r["kinds"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "wcm")))));
    assert!(!wcm.iter().any(|r| r["id"] == "adr_download_internet_12007"));
    let facts = json(&["--kind", "fact", "--severity", "warning"]);
    assert!(!facts.is_empty());
    assert!(facts
        .iter()
        .all(|r| r["type"] == "fact" && r["severity"] == "warning"));
    // The text list is filtered the same way and counts what it shows.
    supdiag()
        .args(["rules", "list", "--kind", "wcm", "--severity", "success"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("wcm_config_success"))
        .stdout(predicate::str::contains("wcm_ssl_transport_closed").not());
    supdiag()
        .args(["rules", "list", "--kind", "nosuchlog"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected one of wsyncmgr, wcm"));
    supdiag()
        .args(["rules", "list", "--severity", "fatal"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "possible values: error, warning, info, success",
        ));
}

#[test]
fn explain_unknown_code_exits_2() {
    supdiag()
        .args(["explain", "0xDEADBEEF"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not in the table"));
    supdiag().args(["explain", "nonsense"]).assert().code(2);
}

#[test]
fn analyze_finds_adr_12007_and_disable_works() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let log = "Failed to download the update from internet. Error = 12007  $$<SMS_RULE_ENGINE><11-20-2026 07:01:02.123+480><thread=4312 (0x10D8)>\n";
    std::fs::write(dir.path().join("ruleengine.log"), log).unwrap_or_else(|e| panic!("{e}"));
    supdiag()
        .args(["analyze", "-f", "json"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "\"rule_id\": \"adr_download_internet_12007\"",
        ))
        .stdout(predicate::str::contains("0x80072EE7"));
    supdiag()
        .args([
            "analyze",
            "-f",
            "json",
            "--disable",
            "adr_download_internet_12007",
        ])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("unclassified_error_ruleengine"));
    supdiag()
        .args([
            "analyze",
            "-f",
            "json",
            "--disable",
            "adr_download_internet_12007",
        ])
        .args(["--disable", "unclassified_error_ruleengine"])
        .arg(dir.path())
        .assert()
        .code(0);
    supdiag()
        .args([
            "analyze",
            "-f",
            "json",
            "--disable",
            "adr_download_internet_1200",
        ])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("adr_download_internet_12007"));
}

#[test]
fn analyze_healthy_wcm_with_assembly_lookalike_exits_0() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let t = "$$<SMS_WSUS_CONFIGURATION_MANAGER><11-20-2026 07:01:02.123+480><thread=4312 (0x10D8)>";
    let log = [
        "Checking for supported version of WSUS (min WSUS 4.0.0.0)",
        "Checking runtime v2.0.50727...",
        "Did not find supported version of assembly Microsoft.UpdateServices.Administration.",
        "Checking runtime v4.0.30319...",
        "Found supported assembly Microsoft.UpdateServices.Administration version 4.0.0.0, file version 10.0.17763.1",
        "Supported WSUS version found",
        "Setting new configuration state to 2 (WSUS_CONFIG_SUCCESS)",
    ]
    .iter()
    .map(|l| format!("{l}  {t}\n"))
    .collect::<String>();
    std::fs::write(dir.path().join("WCM.log"), log).unwrap_or_else(|e| panic!("{e}"));
    supdiag()
        .args(["analyze", "-f", "json"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("wcm_config_success"))
        .stdout(predicate::str::contains("wcm_wsus_api_missing").not());
}
