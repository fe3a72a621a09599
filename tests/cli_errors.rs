//! Exit codes and messages for every class of bad input.

use assert_cmd::Command;
use predicates::prelude::*;

mod common;

fn supdiag() -> Command {
    let mut c = Command::cargo_bin("supdiag").expect("binary");
    c.env_remove("NO_COLOR").env("RAYON_NUM_THREADS", "2");
    c
}

const SMS_LINE: &str = "Starting Sync  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 02:13:11.659+060><thread=5976 (0x1758)>\r\n";

#[test]
fn missing_path_alone_is_an_input_error_naming_it() {
    supdiag()
        .args(["analyze", "/no/such/folder/wsyncmgr.log"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/folder/wsyncmgr.log"))
        .stderr(predicate::str::contains("no log files found"));
}

/// A missing path next to a good one: the good one is analysed and reported, the missing one
/// is in `inputs` with its reason and in a finding, and the exit code is 2 (today: 0).
#[test]
fn missing_path_next_to_a_good_one_is_reported_and_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("wsyncmgr.log");
    std::fs::write(&good, SMS_LINE).expect("write");
    let out = supdiag()
        .args(["analyze", "--format", "json"])
        .arg(&good)
        .arg("/no/such/file.log")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: /no/such/file.log"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["inputs"][0]["records"], 1);
    assert_eq!(v["inputs"][1]["path"], "/no/such/file.log");
    // In the system's own words: "No such file or directory" here, "The system cannot find
    // the path specified" on Windows, "Path not found" under Wine.
    assert!(
        v["inputs"][1]["error"].as_str().is_some_and(|e| {
            e.starts_with("cannot read: ")
                && ["No such file", "cannot find", "not found"]
                    .iter()
                    .any(|w| e.contains(w))
        }),
        "{}",
        v["inputs"][1]
    );
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["rule_id"].as_str()).collect())
        .unwrap_or_default();
    assert!(ids.contains(&"input_not_read"), "{ids:?}");
    // Every format says so, and every command exits 2.
    for (cmd, format) in [
        ("analyze", "terminal"),
        ("analyze", "markdown"),
        ("analyze", "ndjson"),
        ("sync", "json"),
        ("report", "html"),
    ] {
        let out = supdiag()
            .args([cmd, "--format", format, "--quiet"])
            .arg(&good)
            .arg("/no/such/file.log")
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{cmd} {format}");
        // HTML breaks long paths with <wbr> (a line-break hint, invisible).
        let stdout = String::from_utf8_lossy(&out.stdout).replace("<wbr>", "");
        assert!(
            stdout.contains("/no/such/file.log"),
            "{cmd} {format}: {stdout}"
        );
    }
    let out = supdiag()
        .args(["view", "--quiet"])
        .arg(&good)
        .arg("/no/such/file.log")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "view");
}

#[test]
fn folder_without_logs_is_an_input_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("notes.docx"), b"PK\x03\x04").expect("write");
    supdiag()
        .arg("analyze")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no log files found"));
}

#[test]
fn unknown_format_falls_back_to_plain_text_with_a_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("mystery.log");
    std::fs::write(&p, "some text\nmore text\n").expect("write");
    supdiag()
        .args(["analyze", "--format", "json"])
        .arg(&p)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("read as plain text"))
        .stdout(predicate::str::contains("\"format\": \"plain\""));
}

/// An unreadable file is reported and the others are still analysed. File modes do not stop
/// root, so when the test runs as root supdiag runs as `nobody` (util-linux `setpriv`).
#[cfg(unix)]
#[test]
#[cfg(unix)]
fn permission_denied_is_reported_and_the_rest_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let locked = dir.path().join("WCM.log");
    std::fs::write(&locked, SMS_LINE).expect("write");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let good = dir.path().join("wsyncmgr.log");
    std::fs::write(&good, SMS_LINE).expect("write");
    std::fs::set_permissions(&good, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let privileged = std::fs::read(&locked).is_ok();
    let unprivileged = || {
        if !privileged {
            return supdiag();
        }
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(assert_cmd::cargo::cargo_bin("supdiag"))
            .env_remove("NO_COLOR")
            .env("RAYON_NUM_THREADS", "2");
        c
    };
    unprivileged()
        .args(["analyze", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("WCM.log").and(predicate::str::contains("cannot read")));
    unprivileged()
        .arg("analyze")
        .arg(&locked)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("could be read"));
}

/// A dangling link named like a log is a lost input: reported (in `inputs` too), the rest
/// analysed, exit 2.
#[test]
#[cfg(unix)]
fn a_broken_symlink_is_reported_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(dir.path().join("gone.log"), dir.path().join("dangling.log"))
        .expect("symlink");
    std::fs::write(dir.path().join("wsyncmgr.log"), SMS_LINE).expect("write");
    supdiag()
        .args(["analyze", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("dangling.log"))
        .stdout(
            predicate::str::contains("\"records\": 1")
                .and(predicate::str::contains("dangling.log")),
        );
}

#[test]
#[cfg(unix)]
fn symlink_loop_finishes() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("a")).expect("mkdir");
    std::os::unix::fs::symlink(dir.path(), dir.path().join("a/loop")).expect("symlink");
    std::fs::write(dir.path().join("a/wsyncmgr.log"), SMS_LINE).expect("write");
    supdiag()
        .args(["analyze", "--format", "json"])
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(0)
        .stderr(predicate::str::contains("symlink loop"));
}

/// Without a path there is nothing to discover outside Windows: exit 2, saying what to name.
#[test]
#[cfg(not(windows))]
fn no_path_outside_windows_asks_for_one() {
    for cmd in ["analyze", "sync", "report", "view"] {
        let out = supdiag().arg(cmd).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("name a log folder, a log file or a bundle"),
            "{cmd}: {err}"
        );
    }
    let out = supdiag().arg("collect").output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only on Windows"));
}

#[test]
fn bad_arguments_are_usage_errors() {
    supdiag()
        .args(["view", "--level", "loud", "x.log"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--level"));
    supdiag()
        .args(["view", "--since", "yesterday", "x.log"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--since"));
    supdiag()
        .args(["view", "--grep", "(unclosed", "x.log"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--grep"));
    supdiag().args(["analyze"]).assert().code(2);
    supdiag().args(["frobnicate"]).assert().code(2);
}

#[test]
fn many_files_finish() {
    let n: usize = std::env::var("SUPDIAG_MANY_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..n {
        let sub = dir.path().join(format!("d{}", i % 50));
        std::fs::create_dir_all(&sub).expect("mkdir");
        std::fs::write(sub.join(format!("x{i}.log")), SMS_LINE).expect("write");
    }
    let out = supdiag()
        .args(["analyze", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["inputs"].as_array().map(Vec::len), Some(n));
}

/// A binary file in a folder is skipped as ripgrep skips it (a NUL byte in the first block, and
/// not UTF-16): listed in `inputs` with a note, never read as log text. UTF-16 without a BOM is
/// text.
#[test]
fn binary_files_are_listed_and_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("wsyncmgr.log"), SMS_LINE).expect("write");
    // A rule would fire on this line if the file were read as text.
    let mut bin = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    bin.extend_from_slice(
        b"\r\nSync failed: WSUS server not configured. Please refer to WCM.log for configuration error details  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 02:13:11.659+060><thread=5976 (0x1758)>\r\n",
    );
    std::fs::write(dir.path().join("WCM.log"), &bin).expect("write");
    let utf16: Vec<u8> = SMS_LINE
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    std::fs::write(dir.path().join("WSUSCtrl.log"), &utf16).expect("write");
    let out = supdiag()
        .args(["analyze", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("run");
    common::assert_exit(&out, &[0]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("WCM.log: binary file"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let inputs = doc["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 3, "{inputs:?}");
    let wcm = inputs
        .iter()
        .find(|i| i["path"].as_str().is_some_and(|p| p.ends_with("WCM.log")))
        .expect("WCM.log listed");
    assert_eq!(wcm["encoding"], "binary");
    assert_eq!(wcm["records"], 0);
    assert_eq!(wcm["bytes"], bin.len());
    assert!(wcm["note"].as_str().is_some_and(|n| n.contains("skipped")));
    assert!(wcm.get("error").is_none());
    let ctrl = inputs
        .iter()
        .find(|i| {
            i["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("WSUSCtrl.log"))
        })
        .expect("WSUSCtrl.log listed");
    assert_eq!(ctrl["encoding"], "utf-16le");
    assert_eq!(ctrl["records"], 1);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("wsyncmgr_wsus_not_configured"),
        "read as text: {text}"
    );
    // view does not show its lines either.
    let view = supdiag().arg("view").arg(dir.path()).output().expect("run");
    assert!(!String::from_utf8_lossy(&view.stdout).contains("Sync failed"));
}

/// A binary file named on the command line is input the user asked for and did not get: every
/// command that reads logs exits 2 and says why, in `inputs` and on stderr (found in a folder,
/// the same file is a note and the exit code stays 0: see above).
#[test]
fn a_binary_file_named_directly_is_lost_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("wsyncmgr.log");
    std::fs::write(&good, SMS_LINE).expect("write");
    let bin = dir.path().join("WCM.log");
    std::fs::write(&bin, b"MZ\x90\x00\x03\x00\x00\x00\r\nnot a log\r\n").expect("write");
    for cmd in [
        &["analyze", "--format", "json"][..],
        &["sync", "--format", "json"],
        &["report", "--format", "json"],
        &["view"],
    ] {
        let out = supdiag()
            .args(cmd)
            .arg(&good)
            .arg(&bin)
            .output()
            .expect("run");
        common::assert_exit(&out, &[2]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("WCM.log: named on the command line, but a binary file"),
            "{cmd:?}: {stderr}"
        );
        if cmd[0] != "view" {
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
            let wcm = doc["inputs"]
                .as_array()
                .and_then(|a| {
                    a.iter()
                        .find(|i| i["path"].as_str().is_some_and(|p| p.ends_with("WCM.log")))
                })
                .cloned()
                .expect("WCM.log listed");
            assert_eq!(wcm["encoding"], "binary", "{cmd:?}");
            assert!(
                wcm["error"].as_str().is_some_and(|e| e.contains("binary")),
                "{cmd:?}: {wcm}"
            );
        }
    }
    // The same folder walked: a note, exit 0.
    let out = supdiag()
        .args(["view"])
        .arg(dir.path())
        .output()
        .expect("run");
    common::assert_exit(&out, &[0]);
}

/// Each command that reads logs (`view` too when `with_view`), with JSON output, over `path`:
/// each must exit 2; its name, stderr and JSON document.
#[cfg(target_os = "linux")]
fn runs_that_lost_input(
    path: &std::path::Path,
    with_view: bool,
) -> Vec<(&'static str, String, serde_json::Value)> {
    let cmds: &[&'static str] = if with_view {
        &["analyze", "sync", "report", "view"]
    } else {
        &["analyze", "sync", "report"]
    };
    cmds.iter()
        .map(|&cmd| {
            let out = supdiag()
                .args([cmd, "--format", "json"])
                .arg(path)
                .output()
                .expect("run");
            common::assert_exit(&out, &[2]);
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            let doc = serde_json::from_slice(&out.stdout).expect("json");
            (cmd, stderr, doc)
        })
        .collect()
}

/// A file that gave fewer bytes than its size when opened lost input (it shrank while read):
/// exit 2 from every command, the note naming the file on stderr and as `inputs[].error`, and
/// what was read is still analysed. Deterministic without a race: a sysfs attribute is a
/// regular file of 4096 bytes at open that yields only its few bytes of text. (A file that
/// only grew, or was rolled over, is flagged but not lost: `Change::loses_input` tests.)
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_gave_fewer_bytes_than_at_open_is_lost_input() {
    let shrunk = std::path::Path::new("/sys/devices/system/cpu/online");
    assert!(shrunk.is_file(), "sysfs is not mounted here");
    for (cmd, stderr, doc) in runs_that_lost_input(shrunk, true) {
        assert!(
            stderr.contains("/sys/devices/system/cpu/online: changed while read: only"),
            "{cmd}: {stderr}"
        );
        if cmd != "view" {
            let input = &doc["inputs"][0];
            assert_eq!(input["changed_while_read"], true, "{cmd}");
            assert_eq!(input["records"], 1, "what was read is analysed: {input}");
            assert!(input["error"].as_str().is_some_and(|e| e.contains("4096")));
        }
    }
}

/// When every input was lost (here it shrank to nothing while read: a sysfs attribute of 4096
/// bytes at open that yields none), the report is still written — the inputs with their
/// errors and the `input_not_read` finding — stderr says nothing could be read, exit 2.
#[cfg(target_os = "linux")]
#[test]
fn a_run_that_read_nothing_still_reports_its_inputs() {
    let empty = std::path::Path::new("/sys/devices/system/cpu/uevent");
    assert!(empty.is_file(), "sysfs is not mounted here");
    for (cmd, stderr, doc) in runs_that_lost_input(empty, false) {
        assert!(
            stderr.contains("none of the 1 input file(s) could be read"),
            "{cmd}: {stderr}"
        );
        let input = &doc["inputs"][0];
        assert_eq!(input["path"], "/sys/devices/system/cpu/uevent", "{cmd}");
        assert!(
            input["error"]
                .as_str()
                .is_some_and(|e| e.contains("0 of the 4096")),
            "{cmd}: {input}"
        );
        let ids: Vec<&str> = doc["findings"]
            .as_array()
            .map(|f| f.iter().filter_map(|f| f["rule_id"].as_str()).collect())
            .unwrap_or_default();
        assert!(ids.contains(&"input_not_read"), "{cmd}: {ids:?}");
    }
}
