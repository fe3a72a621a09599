//! One catalogue: every finding id the tool emits on the samples is named by `supdiag rules
//! list`, so a user can look up, filter and disable whatever a report shows.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn supdiag() -> Command {
    let mut c = Command::cargo_bin("supdiag").expect("binary");
    c.current_dir(root()).env("NO_COLOR", "1");
    c
}

/// The `rule_id` of every finding in a JSON report (whatever the exit code: findings of
/// failing samples count most).
fn finding_ids(args: &[&str], out: &mut BTreeSet<String>) {
    let o = supdiag().args(args).output().expect("run");
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let findings = report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{args:?}: no findings array"));
    for f in findings {
        let id = f["rule_id"].as_str().expect("rule_id");
        out.insert(id.to_string());
    }
}

/// Every sample folder and pasted file (the inputs of `samples/README.md`).
fn samples() -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root().join("samples"))
        .expect("samples/")
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == "settings" || name == "tools" || !e.path().is_dir() {
            continue;
        }
        if name == "pasted" {
            for p in std::fs::read_dir(e.path()).expect("pasted/").flatten() {
                out.push(format!(
                    "samples/pasted/{}",
                    p.file_name().to_string_lossy()
                ));
            }
        } else {
            out.push(format!("samples/{name}"));
        }
    }
    out.sort();
    out
}

#[test]
fn every_id_emitted_on_the_samples_is_in_rules_list() {
    let mut emitted = BTreeSet::new();
    let paths = samples();
    assert!(paths.len() > 20, "{paths:?}");
    for p in &paths {
        finding_ids(&["analyze", p, "--format", "json"], &mut emitted);
        // A reference time long after every sample: staleness findings too.
        finding_ids(
            &[
                "sync",
                p,
                "--format",
                "json",
                "--now",
                "2027-06-01T00:00:00Z",
            ],
            &mut emitted,
        );
    }
    let settings = root().join("samples/settings");
    for e in std::fs::read_dir(&settings).expect("settings/").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") {
            let s = format!("samples/settings/{name}");
            finding_ids(
                &["precheck", "--settings", &s, "--format", "json"],
                &mut emitted,
            );
            finding_ids(
                &[
                    "analyze",
                    "samples/site-healthy",
                    "--settings",
                    &s,
                    "--format",
                    "json",
                ],
                &mut emitted,
            );
        }
    }
    // The kinds of id that have no rule file of their own must be among them, or this test
    // would prove nothing about them.
    for must in [
        "sync_stale",
        "sync_never_succeeded",
        "unclassified_error_",
        "precheck_",
    ] {
        assert!(
            emitted.iter().any(|id| id.starts_with(must)),
            "no sample emits {must}*: {emitted:?}"
        );
    }
    let o = supdiag()
        .args(["rules", "list", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let list: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).expect("JSON array");
    let listed: BTreeSet<&str> = list.iter().filter_map(|r| r["id"].as_str()).collect();
    let missing: Vec<&String> = emitted
        .iter()
        .filter(|id| !listed.contains(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "emitted but not in `rules list`: {missing:?}"
    );
}
