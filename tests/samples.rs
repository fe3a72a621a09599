//! Every sample produces the findings its README line names; healthy samples produce no warning
//! or error. The README lines are the contract (`- \`folder/\` — must produce: ids`).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// (sample path relative to the README's folder, expected ids or None for "no warning or error")
fn expectations(readme: &Path) -> Vec<(PathBuf, Option<Vec<String>>)> {
    let text = std::fs::read_to_string(readme).expect("README");
    let dir = readme.parent().expect("dir").to_path_buf();
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("- `") else {
            continue;
        };
        let Some((path, tail)) = rest.split_once('`') else {
            continue;
        };
        let Some((_, ids)) = tail.split_once("must produce:") else {
            continue;
        };
        let ids = ids.trim();
        let expected = if ids.starts_with("no warning or error") {
            None
        } else {
            Some(
                ids.split(',')
                    .map(|s| s.trim().trim_matches('`').to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
            )
        };
        out.push((dir.join(path), expected));
    }
    out
}

fn analyze(path: &Path, extra: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("supdiag")
        .expect("binary")
        .args(["analyze", "--format", "json", "--fail-on", "never"])
        .args(extra)
        .arg(path)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn finding_ids(report: &serde_json::Value, min_severity: &[&str]) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| min_severity.contains(&f["severity"].as_str().unwrap_or("")))
                .filter_map(|f| f["rule_id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn log_samples_produce_their_findings() {
    let list = expectations(&root().join("samples/README.md"));
    assert!(list.len() >= 10, "README lists only {} samples", list.len());
    let mut failures = Vec::new();
    for (path, expected) in list {
        let report = analyze(&path, &[]);
        match expected {
            Some(ids) => {
                let got = finding_ids(&report, &["error", "warning", "info", "success"]);
                for id in ids {
                    if !got.contains(&id) {
                        failures.push(format!("{}: missing {id} (got {got:?})", path.display()));
                    }
                }
            }
            None => {
                let bad = finding_ids(&report, &["error", "warning"]);
                if !bad.is_empty() {
                    failures.push(format!(
                        "{}: healthy sample produced {bad:?}",
                        path.display()
                    ));
                }
            }
        }
        // Known formats parse completely.
        for input in report["inputs"].as_array().into_iter().flatten() {
            if input["format"] != "plain" && input["unparsed_lines"] != 0 {
                failures.push(format!(
                    "{}: {} unparsed lines",
                    input["path"], input["unparsed_lines"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
