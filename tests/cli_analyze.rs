//! `supdiag analyze` over samples/: snapshots of every output format, exit codes under
//! `--fail-on`, determinism, and the fleet layout.

use assert_cmd::Command;

fn supdiag() -> Command {
    let mut c = Command::cargo_bin("supdiag").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR");
    c
}

fn analyze(args: &[&str]) -> (i32, String) {
    let out = supdiag().arg("analyze").args(args).output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8"),
    )
}

const CORRELATED: &[&str] = &[
    "--settings",
    "samples/settings/adr-proxy-off.toml",
    "samples/site-adr-12007",
];

#[test]
fn terminal_output_snapshot() {
    let mut args = vec!["--color", "never"];
    args.extend_from_slice(CORRELATED);
    let (code, out) = analyze(&args);
    assert_eq!(code, 1);
    assert!(!out.contains('\x1b'));
    insta::assert_snapshot!(out);
}

#[test]
fn colour_only_when_asked_and_never_with_no_color() {
    let (_, forced) = analyze(&["--color", "always", "samples/site-adr-12007"]);
    assert!(forced.contains('\x1b'), "--color always colours");
    // Not a terminal: auto means no colour.
    let (_, auto) = analyze(&["samples/site-adr-12007"]);
    assert!(!auto.contains('\x1b'));
}

#[test]
fn json_snapshot_follows_the_contract() {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(CORRELATED);
    let (code, out) = analyze(&args);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["schema"], "supdiag.report/1");
    for key in ["inputs", "findings", "sync_runs", "summary", "settings"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let f = &v["findings"][0];
    for key in [
        "rule_id",
        "severity",
        "title",
        "count",
        "first_seen",
        "last_seen",
        "evidence",
        "codes",
        "cause",
        "fix",
        "docs",
        "settings",
    ] {
        assert!(f.get(key).is_some(), "finding misses {key}");
    }
    // The correlation finding names the setting with its value and source.
    let corr = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["rule_id"] == "adr_proxy_not_enabled"))
        .expect("adr_proxy_not_enabled");
    let s = corr["settings"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|s| s["key"] == "config.sup.use_proxy_for_adr")
        })
        .expect("setting");
    assert_eq!(s["value"], false);
    assert!(s["source"]
        .as_str()
        .is_some_and(|x| x.contains("adr-proxy-off.toml")));
    insta::assert_json_snapshot!(v["findings"]);
}

#[test]
fn markdown_snapshot() {
    let mut args = vec!["--format", "markdown"];
    args.extend_from_slice(CORRELATED);
    let (_, out) = analyze(&args);
    assert!(out.starts_with("# supdiag findings"));
    insta::assert_snapshot!(out);
}

#[test]
fn ndjson_is_one_finding_per_line() {
    let (_, out) = analyze(&["--format", "ndjson", "samples/site-wsus-not-configured"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 4);
    for l in lines {
        let v: serde_json::Value = serde_json::from_str(l).expect("json line");
        assert!(v["rule_id"].is_string() && v["severity"].is_string());
    }
}

#[test]
fn exit_codes_follow_fail_on() {
    // Errors present.
    assert_eq!(analyze(&["samples/site-adr-12007"]).0, 1);
    assert_eq!(
        analyze(&["--fail-on", "error", "samples/site-adr-12007"]).0,
        1
    );
    assert_eq!(
        analyze(&["--fail-on", "never", "samples/site-adr-12007"]).0,
        0
    );
    // Healthy: only info/success findings.
    assert_eq!(analyze(&["samples/site-healthy"]).0, 0);
    assert_eq!(
        analyze(&["--fail-on", "error", "samples/site-healthy"]).0,
        0
    );
    // Disabling the only error-producing rules turns the exit code around.
    let (code, _) = analyze(&[
        "--fail-on",
        "error",
        "--disable",
        "adr_download_internet_12007",
        "--disable",
        "adr_download_action_failed",
        "samples/site-adr-12007",
    ]);
    assert_eq!(code, 0);
    // Usage error.
    assert_eq!(
        analyze(&["--disable", "no_such_rule_id", "samples/site-healthy"]).0,
        2
    );
}

#[test]
fn output_is_identical_run_to_run() {
    let a = analyze(&["--format", "json", "samples"]).1;
    let b = analyze(&["--format", "json", "samples"]).1;
    assert_eq!(a, b);
}

#[test]
fn fleet_layout_tags_findings_with_their_host() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    for (host, sample) in [
        ("CM01", "site-adr-12007"),
        ("PC0042", "client-gpo-conflict"),
        ("PC0043", "client-healthy"),
    ] {
        let dest = dir.path().join("hosts").join(host);
        std::fs::create_dir_all(&dest).expect("mkdir");
        for e in std::fs::read_dir(root.join(sample)).expect("sample") {
            let e = e.expect("entry");
            if e.path().is_file() {
                std::fs::copy(e.path(), dest.join(e.file_name())).expect("copy");
            }
        }
    }
    let out = supdiag()
        .args(["analyze", "--format", "json", "--fail-on", "never"])
        .arg(dir.path())
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let findings = v["findings"].as_array().expect("findings");
    let host_of = |id: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["rule_id"] == id)
            .filter_map(|f| f["host"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(host_of("adr_download_internet_12007"), vec!["CM01"]);
    assert_eq!(host_of("client_wsus_gpo_conflict"), vec!["PC0042"]);
    assert!(
        findings.iter().all(|f| f["host"].is_string()),
        "every finding names its host"
    );
    let hosts = v["hosts"].as_array().expect("per-host summary");
    assert_eq!(hosts.len(), 3);
    let healthy = hosts
        .iter()
        .find(|h| h["host"] == "PC0043")
        .expect("PC0043");
    assert_eq!(healthy["error"], 0);
    assert_eq!(healthy["warning"], 0);
    // NDJSON lines carry the host too, ready for a log platform.
    let nd = supdiag()
        .args(["analyze", "--format", "ndjson", "--fail-on", "never"])
        .arg(dir.path())
        .output()
        .expect("run");
    let text = String::from_utf8(nd.stdout).expect("utf-8");
    assert!(text.lines().all(|l| l.contains("\"host\":")));
}
