//! `--format prometheus`: the text parses with a reference parser (Python prometheus_client)
//! and has the sync and findings metrics per host.

use std::io::Write;
use std::process::{Command as Std, Stdio};

use assert_cmd::Command;

mod common;

const NOW: &str = "2026-11-21T12:00:00Z";

fn metrics(args: &[&str]) -> String {
    let out = Command::cargo_bin("supdiag")
        .expect("binary")
        .env_clear()
        .args(args)
        .args(["--format", "prometheus", "-q"])
        .output()
        .expect("run");
    common::stdout_text(out, &[0, 1])
}

/// Parse `text` with prometheus_client; one line per sample: `name{sorted labels} value`.
fn parse_with_prometheus_client(text: &str) -> String {
    const SCRIPT: &str = r#"
import sys
from prometheus_client.parser import text_string_to_metric_families
for fam in text_string_to_metric_families(sys.stdin.read()):
    assert fam.documentation, fam.name
    for s in fam.samples:
        labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
        print(f"{fam.type} {s.name}{{{labels}}} {float(s.value)}")
"#;
    let mut child = Std::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (needed by this test: apt-get install python3)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python3");
    assert!(
        out.status.success(),
        "prometheus_client could not parse the output (pip install prometheus_client): {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn fleet_metrics_parse_with_prometheus_client_and_are_per_host() {
    let text = metrics(&["sync", "samples/fleet", "--now", NOW]);
    let parsed = parse_with_prometheus_client(&text);
    for want in [
        "gauge supdiag_sync_last_success_timestamp_seconds{host=CM01,site=PS1} 1795140306.92",
        "counter supdiag_sync_runs_total{host=CM01,result=success,site=PS1} 4.0",
        "counter supdiag_sync_runs_total{host=CM02,result=failed,site=PS2} 6.0",
        "gauge supdiag_sync_last_duration_seconds{host=CM01,site=PS1} 305.0",
        "gauge supdiag_sync_last_duration_seconds{host=CM02,site=PS2} 0.0",
        "gauge supdiag_sync_last_run_result{host=CM02,result=failed,site=PS2} 1.0",
        "gauge supdiag_sync_state{host=CM02,site=PS2,state=failing} 1.0",
        "gauge supdiag_sync_state{host=CM01,site=PS1,state=healthy} 1.0",
        "gauge supdiag_run_timestamp_seconds{} 1795262400.0",
    ] {
        assert!(parsed.contains(want), "missing {want}:\n{parsed}");
    }
    // CM02 never succeeded: no last-success sample for it.
    assert!(!parsed.contains("last_success_timestamp_seconds{host=CM02"));
    let analyze = metrics(&["analyze", "samples/fleet"]);
    let parsed = parse_with_prometheus_client(&analyze);
    assert!(
        parsed.contains(
            "gauge supdiag_findings{host=CM02,rule_id=wsyncmgr_wsus_not_configured,severity=error} 6.0"
        ),
        "{parsed}"
    );
    assert!(parsed.contains("supdiag_findings{host=CM02,rule_id=sync_never_succeeded"));
}

#[test]
fn label_values_from_folder_names_are_escaped() {
    let dir = tempfile::tempdir().expect("tmp");
    let host = dir.path().join("hosts").join("CM\"01\\x");
    std::fs::create_dir_all(&host).expect("mkdir");
    std::fs::copy(
        "samples/fleet/hosts/CM01/wsyncmgr.log",
        host.join("wsyncmgr.log"),
    )
    .expect("copy");
    let text = metrics(&["sync", &dir.path().to_string_lossy(), "--now", NOW]);
    assert!(text.contains(r#"host="CM\"01\\x""#), "{text}");
    let parsed = parse_with_prometheus_client(&text);
    assert!(
        parsed.contains(r#"supdiag_sync_runs_total{host=CM"01\x,result=success,site=PS1} 4.0"#),
        "{parsed}"
    );
}
