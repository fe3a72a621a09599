//! Markdown output reads clean, rendered or not: no HTML entities, no backslash before a
//! backtick, code spans from the rule texts kept, evidence one line per span.

use assert_cmd::Command;

mod common;

fn markdown(args: &[&str]) -> String {
    let out = Command::cargo_bin("supdiag")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .args(["--format", "markdown", "--quiet"])
        .output()
        .expect("run");
    common::stdout_text(out, &[0, 1])
}

#[test]
fn markdown_of_every_sample_has_no_entities_and_no_escaped_backticks() {
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut folders: Vec<String> = std::fs::read_dir(&samples)
        .expect("samples/")
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.path().is_dir()
                && !["settings", "tools"].contains(&e.file_name().to_string_lossy().as_ref())
        })
        .map(|e| match e.file_name().to_string_lossy().as_ref() {
            // Not a *.log: named directly.
            "pasted" => "samples/pasted/ticket.txt".to_string(),
            name => format!("samples/{name}"),
        })
        .collect();
    folders.sort();
    assert!(folders.len() >= 10, "{folders:?}");
    let mut all = String::new();
    for f in &folders {
        for cmd in ["analyze", "report"] {
            all.push_str(&markdown(&[
                cmd,
                f,
                "--settings",
                "samples/settings/adr-proxy-off.toml",
            ]));
        }
    }
    all.push_str(&markdown(&["sync", "samples/site-history"]));
    for bad in ["&gt;", "&lt;", "&amp;", "&quot;", "&#", "\\`", "\\u{a}"] {
        let hit = all.lines().find(|l| l.contains(bad));
        assert!(hit.is_none(), "{bad:?} in: {}", hit.unwrap_or_default());
    }
    // The rule texts' own code spans survive as code spans.
    assert!(
        all.contains("`Set-CMSoftwareUpdatePoint -SiteSystemServerName"),
        "code span lost"
    );
    // Multi-line evidence (a stack trace) stays in one span, its lines marked.
    assert!(all.contains(" ⏎    at System.Net.HttpWebRequest.GetRequestStream"));
}
