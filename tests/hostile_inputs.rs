//! Never green after losing input, and no input hangs or fills memory: missing paths, FIFOs and
//! devices named like logs or settings, settings files that cannot be used in whole or in part.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;

fn supdiag() -> Command {
    let mut c = Command::cargo_bin("supdiag").expect("binary");
    c.env_clear().env("NO_COLOR", "1");
    // A FIFO opened for reading without a writer would block forever: the timeout turns a hang
    // into a failure.
    c.timeout(Duration::from_secs(60));
    c
}

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

const SMS_LINE: &str = "Sync failed: WSUS server not configured. Please refer to WCM.log for configuration error details.  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 02:13:11.659+060><thread=5976 (0x1758)>\r\n";

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn rule_ids(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["rule_id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .expect("mkfifo runs")
        .success();
    assert!(ok, "mkfifo {}", p.display());
}

/// The row: `analyze samples/site-healthy /nonexistent` ended with exit 0.
#[test]
fn a_missing_path_next_to_a_sample_exits_2_after_the_report() {
    let out = supdiag()
        .args(["analyze", "--format", "json"])
        .arg(repo("samples/site-healthy"))
        .arg("/nonexistent")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    let inputs = v["inputs"].as_array().expect("inputs");
    assert!(inputs.iter().any(|i| i["records"].as_u64() > Some(0)));
    let lost = inputs
        .iter()
        .find(|i| i["path"] == "/nonexistent")
        .expect("the missing path is in inputs");
    assert!(lost["error"]
        .as_str()
        .is_some_and(|e| e.contains("No such file")));
    assert!(rule_ids(&v).contains(&"input_not_read".to_string()));
}

/// FIFOs and devices named `*.log` in a folder are skipped without hanging, and reported in
/// `inputs` with the reason (today: skipped with no word).
#[cfg(unix)]
#[test]
fn fifos_and_devices_named_like_logs_are_reported_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("wsyncmgr.log"), SMS_LINE).expect("write");
    mkfifo(&dir.path().join("WCM.log"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.log")).expect("symlink");
    let out = supdiag()
        .args(["analyze", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    let errors: Vec<String> = v["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|i| Some(format!("{}: {}", i["path"].as_str()?, i["error"].as_str()?)))
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("WCM.log") && e.contains("FIFO")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("zero.log") && e.contains("character device")),
        "{errors:?}"
    );
    assert_eq!(v["inputs"][0]["records"], 1);
}

/// A FIFO or a device named directly: not read, no hang, exit 2.
#[cfg(unix)]
#[test]
fn a_fifo_or_device_named_directly_is_refused_without_hanging() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("live.log");
    mkfifo(&fifo);
    for p in [fifo.as_path(), Path::new("/dev/zero")] {
        let out = supdiag().arg("analyze").arg(p).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{}", p.display());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a regular file"), "{err}");
    }
}

/// A settings file with one unknown key keeps the rest: the correlation finding that needs
/// the file's `use_proxy_for_adr` is still found (today: the whole file was dropped and the
/// finding disappeared), and the dropped key is reported in every output format, also with -q.
#[test]
fn one_unknown_key_drops_that_key_only_and_shows_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original = std::fs::read_to_string(repo("samples/settings/adr-proxy-off.toml"))
        .expect("sample settings");
    let settings = dir.path().join("adr-proxy-off.toml");
    std::fs::write(&settings, format!("{original}schedul = \"daily\"\n")).expect("write");
    let base = |format: &str| {
        let mut c = supdiag();
        c.args(["analyze", "--quiet", "--format", format, "--settings"])
            .arg(&settings)
            .arg(repo("samples/site-adr-12007"));
        c
    };
    let out = base("json").output().expect("runs");
    let v = json(&out);
    let ids = rule_ids(&v);
    assert!(
        ids.contains(&"adr_proxy_not_enabled".to_string()),
        "{ids:?}"
    );
    assert!(ids.contains(&"settings_not_used".to_string()), "{ids:?}");
    let src = &v["settings_sources"][0];
    assert!(src["values"].as_u64() > Some(0), "{src}");
    let w = &src["warnings"][0];
    assert!(
        w["message"].as_str().is_some_and(
            |m| m.contains("unknown key `schedul`") && m.contains("did you mean `schedule`?")
        ),
        "{w}"
    );
    assert!(w["line"].as_u64().is_some(), "{w}");
    for format in ["terminal", "markdown", "ndjson"] {
        let out = base(format).output().expect("runs");
        let s = String::from_utf8_lossy(&out.stdout);
        // (Markdown shows backticks inside code spans as ˋ.)
        assert!(
            s.contains("unknown key `schedul`") || s.contains("unknown key ˋschedulˋ"),
            "{format}: {s}"
        );
        assert!(out.stderr.is_empty(), "{format}: -q keeps stderr quiet");
    }
}

/// A settings file found next to the logs that cannot be used (here: over the size cap) is in
/// `settings_sources` with the reason, and in a finding (today: skipped in silence).
#[test]
fn an_unusable_settings_file_found_next_to_the_logs_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("wsyncmgr.log"), SMS_LINE).expect("write");
    std::fs::File::create(dir.path().join("supdiag.toml"))
        .and_then(|f| f.set_len(64 << 20))
        .expect("sparse file");
    let out = supdiag()
        .args(["analyze", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let v = json(&out);
    let src = &v["settings_sources"][0];
    assert!(
        src["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("supdiag.toml")),
        "{src}"
    );
    assert_eq!(src["found"], true);
    assert!(
        src["error"].as_str().is_some_and(|e| e.contains("too big")),
        "{src}"
    );
    assert!(rule_ids(&v).contains(&"settings_not_used".to_string()));
    assert_ne!(out.status.code(), Some(0));
}

/// FIFO and /dev/zero as --settings: a clear error, no hang, no 4 GiB allocation.
#[cfg(unix)]
#[test]
fn fifo_and_dev_zero_as_settings_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("supdiag.toml");
    mkfifo(&fifo);
    for p in [fifo.as_path(), Path::new("/dev/zero")] {
        let out = supdiag()
            .args(["analyze", "--format", "json", "--settings"])
            .arg(p)
            .arg(repo("samples/site-healthy"))
            .output()
            .expect("runs");
        let v = json(&out);
        let err = v["settings_sources"][0]["error"]
            .as_str()
            .unwrap_or_default();
        assert!(err.contains("not a regular file"), "{}: {err}", p.display());
        let out = supdiag()
            .args(["precheck", "--settings"])
            .arg(p)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2));
    }
}

/// FIFO and /dev/zero as --ca or as a rule file: a clear error naming the file, no hang, no
/// 4 GiB allocation (today: hang / allocation abort).
#[cfg(unix)]
#[test]
fn fifo_and_dev_zero_as_ca_or_rule_file_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("ca.pem");
    mkfifo(&fifo);
    let settings = dir.path().join("supdiag.toml");
    std::fs::write(&settings, "[[sup]]\nserver = \"sup01.contoso.com\"\n").expect("write");
    for ca in [fifo.as_path(), Path::new("/dev/zero")] {
        let out = supdiag()
            .args(["precheck", "--probe", "--timeout", "1", "--settings"])
            .arg(&settings)
            .arg("--ca")
            .arg(ca)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{}", ca.display());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a regular file"), "{err}");
    }
    for (name, make) in [("fifo", 0), ("zero", 1)] {
        let rules = dir.path().join(format!("rules-{name}"));
        std::fs::create_dir(&rules).expect("mkdir");
        let file = rules.join("my_rule.toml");
        if make == 0 {
            mkfifo(&file);
        } else {
            std::os::unix::fs::symlink("/dev/zero", &file).expect("symlink");
        }
        let out = supdiag()
            .args(["rules", "check"])
            .arg(&rules)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("my_rule.toml") && err.contains("not a regular file"),
            "{err}"
        );
    }
}

/// A user rule with `docs = ["javascript:alert(1)"]` is rejected by `rules check` (today:
/// accepted, and a live link in Markdown); https:// and http:// links pass.
#[test]
fn rules_check_accepts_only_web_docs_links() {
    let rule = |docs: &str| {
        format!(
            "id = \"my_rule\"\nseverity = \"warning\"\ntitle = \"t\"\ncause = \"c\"\nfix = \"f\"\ndocs = [{docs}]\n[match]\nliterals = [\"boom\"]\nregex = 'boom'\n[[example]]\nline = \"boom\"\nmatches = true\n[[example]]\nline = \"calm\"\nmatches = false\n"
        )
    };
    let check = |docs: &str| {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("my_rule.toml"), rule(docs)).expect("write");
        let out = supdiag()
            .args(["rules", "check"])
            .arg(dir.path())
            .output()
            .expect("runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    for bad in [
        "\"javascript:alert(1)\"",
        "\"JavaScript:alert(1)\"",
        "\"data:text/html,x\"",
        "\"file:///etc/passwd\"",
        "\"https://\"",
        "\"https://learn.microsoft.com/a b\"",
    ] {
        let (code, out) = check(bad);
        assert_eq!(code, Some(2), "{bad}: {out}");
        assert!(out.contains("my_rule.toml:6: docs:"), "{bad}: {out}");
    }
    for good in [
        "\"https://learn.microsoft.com/en-us/mem/configmgr/\"",
        "\"http://example.com/x?y#z\"",
    ] {
        let (code, out) = check(good);
        assert_eq!(code, Some(0), "{good}: {out}");
    }
}
