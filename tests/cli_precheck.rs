//! `supdiag precheck` end to end: exit codes, argument errors before any connection, password
//! masking, checklist and JSON with probes against loopback servers.

// Its loopback servers use rcgen, a dev-dependency not built for Windows (see Cargo.toml).
#![cfg(not(windows))]

mod probe_support;

use assert_cmd::Command;
use predicates::prelude::*;
use probe_support::*;

fn supdiag() -> Command {
    let mut c = Command::cargo_bin("supdiag").expect("binary");
    c.env_clear().env("NO_COLOR", "1");
    c.timeout(std::time::Duration::from_secs(30));
    c
}

fn settings_file() -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new()
        .suffix(".toml")
        .tempfile()
        .expect("tempfile");
    // One value no check uses: the settings are usable, every static check is skipped.
    std::io::Write::write_all(&mut f, b"[wsus]\nsql_server = \"sql01\"\n").expect("write");
    f
}

fn settings_text(suffix: &str, text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new()
        .suffix(suffix)
        .tempfile()
        .expect("tempfile");
    std::io::Write::write_all(&mut f, text.as_bytes()).expect("write");
    f
}

#[test]
fn no_settings_is_exit_2_with_next_step() {
    supdiag().arg("precheck").assert().code(2).stderr(
        predicate::str::contains("--settings").and(predicate::str::contains("init-settings")),
    );
}

#[test]
fn bad_proxy_is_exit_2_and_masks_password() {
    let s = settings_file();
    supdiag()
        .args([
            "precheck",
            "--probe",
            "--proxy",
            "http://admin:VerySecret1@proxy.contoso.com:99999",
            "--settings",
        ])
        .arg(s.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("admin:***@proxy.contoso.com")
                .and(predicate::str::contains("1-65535"))
                .and(predicate::str::contains("VerySecret1").not()),
        );
}

#[test]
fn bad_endpoint_and_timeout_are_exit_2() {
    let s = settings_file();
    supdiag()
        .args([
            "precheck",
            "--probe",
            "--sync-endpoint",
            "bad host:443",
            "--settings",
        ])
        .arg(s.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--sync-endpoint"));
    supdiag()
        .args(["precheck", "--probe", "--timeout", "0", "--settings"])
        .arg(s.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid timeout"));
}

/// A run where every check is skipped lists them with their reasons, and is not green: a
/// pre-install check that checked nothing exits 2 and says why (today: exit 0).
#[test]
fn static_only_run_lists_skipped_checks_with_reasons_and_exits_2() {
    let s = settings_file();
    supdiag()
        .args(["precheck", "--color", "never", "--settings"])
        .arg(s.path())
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains("supdiag precheck:")
                .and(predicate::str::contains("[precheck_install_order]"))
                .and(predicate::str::contains("skipped no sites in the settings")),
        )
        .stderr(predicate::str::contains(
            "precheck checked nothing: all 17 check(s) were skipped",
        ));
}

/// `/etc/hosts` (or any file that is no settings file) as --settings: no usable settings, exit 2
/// with the reason (today: 0 pass, 17 skipped, exit 0).
#[test]
fn no_usable_settings_is_exit_2_with_the_reason() {
    let s = settings_text(".txt", "127.0.0.1 localhost\n::1 localhost\n");
    supdiag()
        .args(["precheck", "--format", "json", "--settings"])
        .arg(s.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("\"settings_not_used\""))
        .stderr(
            predicate::str::contains("precheck checked nothing: no usable settings").and(
                predicate::str::contains("not a settings file supdiag knows"),
            ),
        );
}

/// One mistyped key drops that key only: the others are checked, and the typo is reported with
/// its line and a suggestion in the output itself, not only on stderr.
#[test]
fn a_mistyped_key_drops_only_that_key_and_shows_in_the_output() {
    let s = settings_text(
        ".toml",
        "[[site]]\ncode = \"CAS\"\nrole = \"cas\"\n\n[[sup]]\nserver = \"sup01.contoso.com\"\nsite = \"CAS\"\nhtp_port = 8530\n",
    );
    for format in ["terminal", "json", "ndjson"] {
        let out = supdiag()
            .args(["precheck", "--quiet", "--format", format, "--settings"])
            .arg(s.path())
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("unknown key `htp_port`")
                && stdout.contains("did you mean `http_port`?"),
            "{format}: {stdout}"
        );
        let line8 = stdout.contains(".toml:8:")
            || stdout.contains("\"line\": 8")
            || stdout.contains("\"line\":8");
        assert!(line8, "{format}: line 8 named: {stdout}");
        // The rest was used: the site and SUP checks ran.
        assert!(
            !stdout.contains("no sites in the settings"),
            "{format}: {stdout}"
        );
        assert_eq!(out.status.code(), Some(1), "{format}: a warning finding");
    }
}

#[test]
fn probe_json_direct_ok_proxy_407_no_password() {
    let ca = Ca::new();
    let endpoint = tls_server(ca.leaf(&["localhost"], false));
    let proxy = proxy_server(407);
    let s = settings_file();
    let out = supdiag()
        .args(["precheck", "--probe", "--timeout", "2", "--format", "json"])
        .arg("--settings")
        .arg(s.path())
        .arg("--ca")
        .arg(ca.path())
        .args(["--sync-endpoint", &format!("localhost:{}", endpoint.port())])
        .args([
            "--proxy",
            &format!("http://svc:Hunter2pw@127.0.0.1:{}", proxy.port()),
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("utf-8");
    assert!(!text.contains("Hunter2pw"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["schema"], "supdiag.report/1");
    let checks = v["checks"].as_array().expect("checks");
    let find = |id: &str| {
        checks
            .iter()
            .rfind(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no {id} in {text}"))
    };
    assert_eq!(find("precheck_probe_internet_direct")["status"], "pass");
    let px = find("precheck_probe_internet_proxy");
    assert_eq!(px["status"], "fail");
    assert!(
        px["detail"].as_str().is_some_and(|d| d.contains("407")),
        "{px}"
    );
    assert!(
        px["target"]
            .as_str()
            .is_some_and(|t| t.contains("svc:***@127.0.0.1")),
        "{px}"
    );
    assert!(px["duration_ms"].is_u64());
    let findings = v["findings"].as_array().expect("findings");
    let f = findings
        .iter()
        .find(|f| f["rule_id"] == "precheck_probe_internet_proxy")
        .expect("proxy finding");
    assert_eq!(f["severity"], "error");
    assert!(f["fix"]
        .as_str()
        .is_some_and(|x| x.contains("proxy account")));
    assert_eq!(v["summary"]["error"], 1);
}

#[test]
fn probe_terminal_checklist_and_fail_on_never() {
    let ca = Ca::new();
    let endpoint = tls_server(ca.leaf(&["wrong.example"], false));
    let proxy = proxy_server(200);
    let s = settings_file();
    supdiag()
        .args([
            "precheck",
            "--probe",
            "--timeout",
            "2",
            "--color",
            "never",
            "--fail-on",
            "never",
        ])
        .arg("--settings")
        .arg(s.path())
        .arg("--ca")
        .arg(ca.path())
        .args(["--sync-endpoint", &format!("localhost:{}", endpoint.port())])
        .args(["--proxy", &format!("127.0.0.1:{}", proxy.port())])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("Live probes (from this machine)")
                .and(predicate::str::contains("pass    localhost: resolves to"))
                .and(predicate::str::contains("fail    localhost:"))
                .and(predicate::str::contains("TLS inside the tunnel fails"))
                .and(predicate::str::contains("What to do")),
        );
}
