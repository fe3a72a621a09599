//! CLI tests of `supdiag init-settings`.

use assert_cmd::Command;
use predicates::str::contains;

fn supdiag() -> Command {
    let mut c = Command::cargo_bin("supdiag").unwrap_or_else(|e| panic!("{e}"));
    c.env_clear();
    c
}

#[test]
fn writes_template_to_stdout() {
    supdiag()
        .arg("init-settings")
        .assert()
        .success()
        .stdout(contains("[[sup]]"))
        .stdout(contains("Software Update Point Component Properties"));
}

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("supdiag.toml");
    supdiag()
        .args(["init-settings", "-o"])
        .arg(&out)
        .assert()
        .success();
    let written = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(written.contains("use_proxy_for_adr = false"));
    std::fs::write(&out, "# mine\n").unwrap_or_else(|e| panic!("{e}"));
    supdiag()
        .args(["init-settings", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("already exists"))
        .stderr(contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap_or_default(),
        "# mine\n"
    );
    supdiag()
        .args(["init-settings", "--force", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert!(std::fs::read_to_string(&out)
        .unwrap_or_default()
        .contains("[[site]]"));
}
