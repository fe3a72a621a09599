//! Settings + logs → correlation findings, as `samples/settings/README.md` lists them: each
//! combination produces exactly the correlation findings named, no more.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod unfilled;

use supdiag::rules::CORRELATION_IDS;

struct Case {
    settings: Vec<PathBuf>,
    logs: PathBuf,
    expected: Vec<String>,
}

fn cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/settings");
    let text = std::fs::read_to_string(dir.join("README.md")).expect("README");
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("- `") else {
            continue;
        };
        let Some((files, tail)) = rest.split_once('`') else {
            continue;
        };
        let Some((middle, ids)) = tail.split_once("must produce:") else {
            continue;
        };
        // Logs: "with `../folder/`"; settings-only cases use a log folder without observations.
        let logs = match middle.split_once("with `") {
            Some((_, l)) => dir.join(l.split('`').next().unwrap_or("")),
            None => dir.join("../supsetup-healthy/"),
        };
        let expected = if ids.trim().starts_with("no correlation finding") {
            Vec::new()
        } else {
            // Ids are the backticked words; anything else on the line is commentary.
            ids.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        };
        out.push(Case {
            settings: files.split_whitespace().map(|f| dir.join(f)).collect(),
            logs,
            expected,
        });
    }
    out
}

#[test]
fn settings_samples_produce_exactly_their_correlation_findings() {
    let cases = cases();
    assert!(
        cases.len() >= 10,
        "README lists {} combinations",
        cases.len()
    );
    let mut failures = Vec::new();
    for c in cases {
        let mut cmd = Command::cargo_bin("supdiag").expect("binary");
        cmd.args([
            "analyze",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--quiet",
        ]);
        for s in &c.settings {
            cmd.arg("--settings").arg(s);
        }
        let out = cmd.arg(&c.logs).output().expect("run");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let mut got: Vec<String> = v["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["rule_id"].as_str())
            .filter(|id| CORRELATION_IDS.contains(id))
            .map(str::to_string)
            .collect();
        got.sort();
        let mut want = c.expected.clone();
        want.sort();
        if got != want {
            failures.push(format!(
                "{:?} with {}: expected {want:?}, got {got:?}",
                c.settings,
                c.logs.display()
            ));
        }
        for u in unfilled::unfilled_placeholders(&v) {
            failures.push(format!("{:?}: unfilled {u}", c.settings));
        }
        // The settings the findings rely on are reported with their source.
        if !c.expected.is_empty() && v["settings"].as_object().is_none_or(|o| o.is_empty()) {
            failures.push(format!("{:?}: no settings object in the JSON", c.settings));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
