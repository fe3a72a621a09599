//! Every sample produces the findings its README line names; healthy samples produce no warning
//! or error. The README lines are the contract (`- \`folder/\` — must produce: ids`).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod unfilled;

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
        // Cause and fix take the values the evidence and settings have, else a neutral wording:
        // never a `<server>` or a placeholder left unfilled.
        for u in unfilled::unfilled_placeholders(&report) {
            failures.push(format!("{}: unfilled {u}", path.display()));
        }
        // Known formats parse completely. A pasted ticket (`.txt`) mixes prose with log lines:
        // its prose is kept as raw records, so only log files are held to this.
        for input in report["inputs"].as_array().into_iter().flatten() {
            let pasted = input["path"].as_str().is_some_and(|p| p.ends_with(".txt"));
            if input["format"] != "plain" && !pasted && input["unparsed_lines"] != 0 {
                failures.push(format!(
                    "{}: {} unparsed lines",
                    input["path"], input["unparsed_lines"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// README lines `- \`path\` — <tag> <rest>`: (sample path, rest).
fn contract_lines(readme: &Path, tag: &str) -> Vec<(PathBuf, String)> {
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
        let Some((_, value)) = tail.split_once(tag) else {
            continue;
        };
        out.push((dir.join(path), value.trim().to_string()));
    }
    out
}

#[test]
fn samples_do_not_produce_findings_their_evidence_does_not_show() {
    let list = contract_lines(&root().join("samples/README.md"), "must not produce:");
    assert!(
        list.len() >= 3,
        "README lists only {} such lines",
        list.len()
    );
    let mut failures = Vec::new();
    for (path, ids) in list {
        let report = analyze(&path, &[]);
        let got = finding_ids(&report, &["error", "warning", "info", "success"]);
        for id in ids.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if got.iter().any(|g| g == id) {
                failures.push(format!("{}: must not produce {id}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `root [a, b]; root2 [c]` or `none`.
fn parse_incidents(spec: &str) -> Vec<(String, Vec<String>)> {
    if spec == "none" {
        return Vec::new();
    }
    spec.split(';')
        .map(|inc| {
            let inc = inc.trim();
            let (root, rest) = inc.split_once('[').unwrap_or((inc, "]"));
            let members = rest
                .trim_end_matches(']')
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            (root.trim().to_string(), members)
        })
        .collect()
}

#[test]
fn samples_group_their_findings_into_the_expected_incidents() {
    let list = contract_lines(&root().join("samples/README.md"), "incidents:");
    assert!(
        list.len() >= 10,
        "README lists only {} incident lines",
        list.len()
    );
    let mut failures = Vec::new();
    for (path, spec) in list {
        let report = analyze(&path, &[]);
        let got: Vec<(String, Vec<String>)> = report["incidents"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|i| {
                        let root = i["root_cause"].as_str().unwrap_or("").to_string();
                        let members = i["findings"]
                            .as_array()
                            .map(|f| {
                                f.iter()
                                    .filter_map(|x| x.as_str().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default();
                        (root, members)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let want = parse_incidents(&spec);
        let roots: Vec<&String> = got.iter().map(|g| &g.0).collect();
        let want_roots: Vec<&String> = want.iter().map(|w| &w.0).collect();
        if roots != want_roots {
            failures.push(format!(
                "{}: incidents {roots:?}, expected {want_roots:?}",
                path.display()
            ));
            continue;
        }
        for ((root, members), (_, want_members)) in got.iter().zip(&want) {
            if members.first() != Some(root) {
                failures.push(format!("{}: {root} is not listed first", path.display()));
            }
            for m in want_members {
                if !members.contains(m) {
                    failures.push(format!(
                        "{}: incident {root} lacks {m} (has {members:?})",
                        path.display()
                    ));
                }
            }
        }
        // Every finding besides the root says what tied it to a finding of the incident.
        for inc in report["incidents"].as_array().into_iter().flatten() {
            let members: Vec<&str> = inc["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str())
                .collect();
            for m in members.iter().skip(1) {
                let why = inc["joined"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|j| j["finding"] == *m);
                let ok = why.is_some_and(|j| {
                    members.contains(&j["explained_by"].as_str().unwrap_or(""))
                        && j["evidence"].as_array().is_some_and(|e| !e.is_empty())
                });
                if !ok {
                    failures.push(format!(
                        "{}: incident {}: {m} joined without evidence ({why:?})",
                        path.display(),
                        inc["root_cause"]
                    ));
                }
            }
        }
        // An unclassified finding inside an incident no longer warns.
        for f in report["findings"].as_array().into_iter().flatten() {
            let id = f["rule_id"].as_str().unwrap_or("");
            let joined = got.iter().any(|(_, m)| m.iter().any(|x| x == id));
            if id.starts_with("unclassified_") && joined && f["severity"] != "info" {
                failures.push(format!(
                    "{}: {id} joined an incident but still warns",
                    path.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
