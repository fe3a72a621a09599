//! The Windows build under Wine, checked against this (Linux) build: the samples give the same
//! findings and counts; in a Wine prefix laid out like a site server, `supdiag.exe analyze`
//! with no path finds the logs and the live settings, and the bundle `supdiag.exe collect`
//! writes analyses here to the same findings and settings.
//!
//! Needs Wine, the Windows build and the ProcessPrng shim, so it is ignored by default;
//! `.ci/windows.sh` runs it (`cargo test --test wine -- --ignored`) with `SUPDIAG_WINE_EXE`
//! naming `supdiag.exe` (the shim beside it) and `SUPDIAG_WINE_PREFIX_BASE` a scratch folder.

// Its dev-dependencies (proptest, jsonschema, rcgen) are not built for Windows: the Windows test
// build under Wine (.ci/windows.sh) runs the CLI tests, and these run on the Linux build.
#![cfg(not(windows))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn exe() -> PathBuf {
    let p = std::env::var_os("SUPDIAG_WINE_EXE")
        .map(PathBuf::from)
        .expect("SUPDIAG_WINE_EXE names supdiag.exe (see .ci/windows.sh)");
    assert!(p.is_file(), "{} is missing", p.display());
    p
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh Wine prefix (each test its own: they run in parallel).
fn prefix(name: &str) -> PathBuf {
    let base = std::env::var_os("SUPDIAG_WINE_PREFIX_BASE")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("supdiag-wine"));
    let p = base.join(name);
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).expect("prefix folder");
    p
}

fn wine(prefix: &Path, args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new("wine")
        .args(args)
        .current_dir(cwd)
        .env("WINEPREFIX", prefix)
        .env("WINEDEBUG", "-all")
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run wine")
}

fn json_of(out: &std::process::Output, what: &str) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: not JSON ({e}); exit {:?}; stderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn linux(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_supdiag"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run supdiag");
    json_of(&out, &format!("supdiag {args:?}"))
}

/// Finding rule ids with severity and count, sorted.
fn findings(report: &Value) -> Vec<String> {
    let mut v: Vec<String> = report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| format!("{} {} {}", f["rule_id"], f["severity"], f["count"]))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Records per input file, by file name.
fn records(report: &Value) -> BTreeMap<String, u64> {
    report["inputs"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| {
                    let path = i["path"].as_str().unwrap_or("").replace('\\', "/");
                    let name = path.rsplit('/').next().unwrap_or("").to_string();
                    (name, i["records"].as_u64().unwrap_or(0))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `config.*` settings with their values (not their sources: a registry key live, a file in the
/// bundle).
fn config(report: &Value) -> BTreeMap<String, Vec<Value>> {
    report["settings"]
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| k.starts_with("config."))
                .map(|(k, v)| {
                    let vals = v
                        .as_array()
                        .map(|a| a.iter().map(|x| x["value"].clone()).collect())
                        .unwrap_or_default();
                    (k.clone(), vals)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
#[ignore = "needs Wine and the Windows build; .ci/windows.sh runs it"]
fn the_samples_give_the_same_findings_and_counts_under_wine() {
    let exe = exe();
    let pfx = prefix("samples");
    let mut folders: Vec<PathBuf> = std::fs::read_dir(repo().join("samples"))
        .expect("samples")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !p.ends_with("tools") && !p.ends_with("settings"))
        .collect();
    folders.sort();
    assert!(folders.len() >= 10, "{folders:?}");
    for mut f in folders {
        // Folder discovery reads *.log and *.lo_: the pasted ticket is named as a file.
        if f.ends_with("pasted") {
            f = f.join("ticket.txt");
        }
        let rel = f.strip_prefix(repo()).expect("in repo");
        // Backslashes and a relative path on the Windows side, `/` here.
        let win_rel = rel.to_string_lossy().replace('/', "\\");
        let exe_s = exe.to_string_lossy();
        let out = wine(
            &pfx,
            &[
                &exe_s,
                "analyze",
                "--format",
                "json",
                "--fail-on",
                "never",
                &win_rel,
            ],
            repo(),
        );
        let win = json_of(&out, &format!("supdiag.exe analyze {win_rel}"));
        let lin = linux(&[
            "analyze",
            "--format",
            "json",
            "--fail-on",
            "never",
            &rel.to_string_lossy(),
        ]);
        assert_eq!(findings(&win), findings(&lin), "{win_rel}: findings");
        assert_eq!(records(&win), records(&lin), "{win_rel}: records per file");
        assert_eq!(win["summary"], lin["summary"], "{win_rel}: summary");
    }
}

const CM_LOGS: &str = "drive_c/Program Files/Microsoft Configuration Manager/Logs";

/// The registry of a primary site server with a SUP and WSUS on 8530 and a ConfigMgr client.
const SITE_REG: &str = r#"Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SMS\Identification]
"Installation Directory"="C:\\Program Files\\Microsoft Configuration Manager"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SMS\Tracing\SMS_WSUS_SYNC_MANAGER]
"TraceFilename"="C:\\Program Files\\Microsoft Configuration Manager\\Logs\\wsyncmgr.log"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SMS\Tracing\SMS_WSUS_CONFIGURATION_MANAGER]
"TraceFilename"="C:\\Program Files\\Microsoft Configuration Manager\\Logs\\WCM.log"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SMS\Tracing\SMS_RULE_ENGINE]
"TraceFilename"="C:\\Program Files\\Microsoft Configuration Manager\\Logs\\ruleengine.log"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\CCM\Logging\@Global]
"LogDirectory"="C:\\Windows\\CCM\\Logs"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Update Services\Server\Setup]
"TargetDir"="C:\\Program Files\\Update Services\\"
"PortNumber"=dword:00002152
"UsingSSL"=dword:00000000
"ContentDir"="D:\\WSUS"
"SqlServerName"="MICROSOFT##WID"
"IISTargetWebSiteIndex"=dword:4bc42240

[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate]
"WUServer"="http://CM01.contoso.com:8530"
"WUStatusServer"="http://CM01.contoso.com:8530"

[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU]
"UseWUServer"=dword:00000001
"#;

fn copy(from: &str, prefix: &Path, to: &str) {
    let dest = prefix.join(to);
    if let Some(d) = dest.parent() {
        std::fs::create_dir_all(d).expect("folder");
    }
    std::fs::copy(repo().join("samples").join(from), &dest)
        .unwrap_or_else(|e| panic!("{from} -> {}: {e}", dest.display()));
}

#[test]
#[ignore = "needs Wine and the Windows build; .ci/windows.sh runs it"]
fn a_site_server_prefix_is_found_without_a_path_and_its_bundle_analyses_alike() {
    let exe = exe();
    let exe_s = exe.to_string_lossy().into_owned();
    let pfx = prefix("site-server");
    // Create the prefix, then the registry of a site server.
    let boot = wine(&pfx, &["wineboot", "--init"], repo());
    assert!(boot.status.success(), "wineboot: {:?}", boot);
    let reg = pfx.join("drive_c/site-server.reg");
    std::fs::write(&reg, SITE_REG.replace('\n', "\r\n")).expect("reg file");
    let imported = wine(&pfx, &["reg", "import", "C:\\site-server.reg"], repo());
    assert!(imported.status.success(), "reg import: {imported:?}");
    // Logs where ConfigMgr, WSUS, IIS and the client write them (folder names in another case
    // than the registry's: Windows paths are case-insensitive).
    copy(
        "wsus-pool-503/wsyncmgr.log",
        &pfx,
        &format!("{CM_LOGS}/wsyncmgr.log"),
    );
    copy("wsus-pool-503/WCM.log", &pfx, &format!("{CM_LOGS}/WCM.log"));
    copy(
        "site-adr-12007/ruleengine.log",
        &pfx,
        &format!("{CM_LOGS}/ruleengine.log"),
    );
    copy(
        "wsus-tls/SoftwareDistribution.log",
        &pfx,
        "drive_c/Program Files/Update Services/LogFiles/SoftwareDistribution.log",
    );
    copy(
        "wsus-pool-503/W3SVC2/u_ex261118.log",
        &pfx,
        "drive_c/inetpub/logs/LogFiles/W3SVC1271145024/u_ex261118.log",
    );
    copy(
        "settings/healthy-applicationHost.config",
        &pfx,
        "drive_c/windows/system32/inetsrv/config/applicationHost.config",
    );
    copy(
        "client-gpo-conflict/WUAHandler.log",
        &pfx,
        "drive_c/windows/ccm/logs/WUAHandler.log",
    );

    let out = wine(
        &pfx,
        &[&exe_s, "analyze", "--format", "json", "--fail-on", "never"],
        &pfx,
    );
    let live = json_of(&out, "supdiag.exe analyze (no path)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ids: Vec<String> = findings(&live);
    for want in [
        "wsyncmgr_http_503_wsuspool",
        "adr_download_internet_12007",
        "wsus_sync_tls_failure",
        "client_wsus_gpo_conflict",
    ] {
        assert!(
            ids.iter().any(|f| f.starts_with(&format!("\"{want}\""))),
            "{want} missing: {ids:?}\n{stderr}"
        );
    }
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/report.schema.json")).expect("schema"),
    )
    .expect("schema JSON");
    let validator = jsonschema::draft202012::options()
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&live)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "the live report breaks the schema: {errors:?}"
    );
    let port = &live["settings"]["config.wsus.port"][0];
    assert_eq!(port["value"], 8530, "{}", live["settings"]);
    assert!(
        port["source"].as_str().is_some_and(
            |s| s.contains("HKLM\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup")
        ),
        "{port}"
    );
    assert_eq!(
        live["settings"]["config.client.wu_server"][0]["value"],
        "http://CM01.contoso.com:8530"
    );
    let status: BTreeMap<String, String> = live["sources"]
        .as_array()
        .expect("sources in the report")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or("").to_string(),
                s["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for used in [
        "configmgr-tracing",
        "configmgr-logs",
        "client-logs",
        "wsus-logs",
        "iis-logs",
        "wsus-setup",
        "iis-config",
        "wu-policy",
    ] {
        assert_eq!(
            status.get(used).map(String::as_str),
            Some("used"),
            "{used}: {}",
            live["sources"]
        );
    }
    for missing in ["windowsupdate-log", "configmgr-provider"] {
        assert_eq!(
            status.get(missing).map(String::as_str),
            Some("not_available"),
            "{missing}"
        );
    }

    let collected = wine(&pfx, &[&exe_s, "collect", "-o", "C:\\bundle.zip"], &pfx);
    assert!(collected.status.success(), "collect: {collected:?}");
    let zip = pfx.join("drive_c/bundle.zip");
    assert!(
        zip.is_file(),
        "no bundle: {}",
        String::from_utf8_lossy(&collected.stderr)
    );
    let zip_s = zip.to_string_lossy().into_owned();
    let here = linux(&["analyze", "--format", "json", "--fail-on", "never", &zip_s]);
    assert_eq!(findings(&here), findings(&live), "findings of the bundle");
    assert_eq!(config(&here), config(&live), "settings of the bundle");
    assert_eq!(records(&here), records(&live), "records per file");
    let manifest = zip_entry(&zip, "manifest.json");
    let m: Value = serde_json::from_str(&manifest).expect("manifest");
    assert_eq!(m["schema"], "supdiag.bundle/1");
    assert!(m["host"].as_str().is_some_and(|h| !h.is_empty()));
}

fn zip_entry(zip: &Path, name: &str) -> String {
    let file = std::fs::File::open(zip).expect("bundle");
    let mut archive = zip::ZipArchive::new(file).expect("a valid zip");
    let mut entry = archive.by_name(name).expect("entry");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut entry, &mut text).expect("text");
    text
}
