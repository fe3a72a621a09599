//! `supdiag report`: self-contained, escaped HTML; Markdown for ticket systems; JSON.

use std::fs;

mod common;

use common::supdiag;

fn report(args: &[&str]) -> String {
    let out = supdiag()
        .arg("report")
        .args(args)
        .args(["--now", "2026-11-21T12:00:00Z"])
        .output()
        .expect("run");
    common::stdout_text(out, &[0, 1])
}

#[test]
fn html_is_self_contained() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("r.html");
    let p = path.to_string_lossy().to_string();
    supdiag()
        .args([
            "report",
            "samples/site-history",
            "--format",
            "html",
            "-o",
            &p,
            "--now",
            "2026-11-21T12:00:00Z",
        ])
        .assert()
        .code(1);
    let html = fs::read_to_string(&path).expect("written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "no scripts");
    for attr in ["src=\"http", "href=\"http", "url(http", "@import", "<link"] {
        assert!(!lower.contains(attr), "external resource via {attr}");
    }
    assert!(html.contains("<svg"), "inline chart");
    // One tooltip per bar (the empty days have theirs: "no sync started ...").
    assert_eq!(
        html.matches("<title>2026-").count(),
        8,
        "one tooltip per bar"
    );
    assert!(html.contains("class=\"now\""), "the chart marks now");
    assert!(
        html.contains("Verdict: ATTENTION"),
        "failed runs and an outlier, latest run fine"
    );
    assert!(html.contains("No settings given"));
    assert!(html.contains("2026-11-20 02:03:22Z"), "last success");
    assert!(html.contains("Microsoft 365 Apps Monthly"));
    assert!(html.contains("@media print"));
}

#[test]
fn hostile_log_text_is_escaped() {
    let dir = tempfile::tempdir().expect("tmp");
    let log = "Wakeup for scheduled regular sync  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 01:00:00.000+060><thread=1 (0x1)>\r\n\
Starting Sync  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 01:00:01.000+060><thread=1 (0x1)>\r\n\
Sync failed: <script>alert(1)</script> & <img src=x onerror=alert(2)>. Source: <b>evil</b>  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 01:00:05.000+060><thread=1 (0x1)>\r\n";
    fs::write(dir.path().join("wsyncmgr.log"), log).expect("write");
    let d = dir.path().to_string_lossy().to_string();
    let html = report(&[&d, "--format", "html"]);
    assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img"));
    assert!(
        html.contains("Verdict: FAILING"),
        "latest run failed, never succeeded"
    );
    assert!(html.contains("sync_never_succeeded"));
    let md = report(&[&d, "--format", "markdown"]);
    // Raw markup may only appear inside code spans, where Markdown shows it as text.
    let spans = regex::Regex::new("`[^`]*`").expect("regex");
    // (`\<` is an escaped `<`: Markdown shows it as text.)
    let outside = spans.replace_all(&md, "").replace("\\<", "");
    assert!(!outside.contains("<script>"), "{md}");
    assert!(!outside.contains("<img"), "{md}");
    assert!(!outside.contains("<b>"), "{md}");
    // Outside code spans markup is escaped with backslashes, not entities (clean unrendered).
    assert!(
        md.contains("\\<script>alert(1)\\</script> & \\<img"),
        "{md}"
    );
    assert!(!md.contains("&lt;"), "{md}");
}

#[test]
fn markdown_report_sections() {
    let md = report(&["samples/site-history", "--format", "markdown"]);
    assert!(md.starts_with(
        "# Software update sync health: site PS1 on CM01.contoso.com, 15 Nov – 20 Nov 2026"
    ));
    assert!(md.contains("**Verdict: ATTENTION**"));
    for h in [
        "## Findings",
        "## Sync history",
        "## ADR runs",
        "## Settings",
        "## What was read",
    ] {
        assert!(md.contains(h), "missing {h}");
    }
    let run_rows = md.lines().filter(|l| l.starts_with("| PS1 |")).count();
    assert_eq!(run_rows, 8);
    assert!(
        md.contains("| PS1 | 2026-11-19 02:00:00Z | - | - | **interrupted** |"),
        "{md}"
    );
    assert!(md.contains("- Longest failure streak: 2"));
    // Three input files, each with its time span.
    assert_eq!(
        md.lines()
            .filter(|l| l.starts_with("| `samples/site-history/"))
            .count(),
        3
    );
    assert!(md.contains("No settings given"));
}

#[test]
fn json_report_has_verdict_and_spans() {
    let j = report(&["samples/site-history", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&j).expect("json");
    assert_eq!(v["verdict"], "attention");
    assert_eq!(v["sync_runs"].as_array().map(Vec::len), Some(8));
    assert_eq!(v["input_spans"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["settings_given"], false);
    let lo = v["input_spans"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(".lo_")))
        })
        .expect("lo_ span");
    assert_eq!(lo["first"], "2026-11-15T22:10:05.220Z");
}

#[test]
fn markdown_and_json_snapshots() {
    insta::assert_snapshot!(
        "site_history_markdown",
        report(&["samples/site-history", "--format", "markdown"])
    );
    insta::assert_snapshot!(
        "site_history_json",
        report(&["samples/site-history", "--format", "json"])
    );
}
