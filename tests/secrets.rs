//! Secrets: proxy and account passwords in any settings format, and the password of a `--proxy`
//! URL, never appear in any output of any command that takes them (stdout, stderr, report
//! files, JSON), whether the file imports cleanly or fails. Account names may be shown.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// Every secret planted in the inputs below; none may come out.
const SECRETS: &[&str] = &[
    "T0mlSupS3cret",
    "T0mlProxyS3cret",
    "UrlS3cret",
    "TypoS3cret",
    "UntermS3cret",
    "Pr0xyS3cret",
    "Acc0untS3cret",
    "Us3rS3cret",
    "RegS3cret",
    "RegHexS3cret",
    "IisS3cret",
    "ArgS3cret",
    "JsonBrokenS3cret",
    "SqlS3cret",
    "MuS3cret",
    "UpS3cret",
    "AmpS3cret",
    "RegUnqS3cret",
    "LogSqlS3cret",
    "LogUrlS3cret",
    "LogSchemelessS3cret",
];

fn hostile(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

fn utf16le_bom(s: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

/// `hex(2):` data of a REG_EXPAND_SZ holding `s`.
fn reg_hex2(s: &str) -> String {
    let mut bytes = Vec::new();
    for u in s.encode_utf16().chain([0]) {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Settings files carrying secrets: (name, good) — good files import, the others fail.
fn settings_files(dir: &Path) -> Vec<(PathBuf, bool)> {
    let mut out = vec![(hostile("password.json"), true)];
    let mut put = |name: &str, bytes: Vec<u8>, good: bool| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).expect("write");
        out.push((p, good));
    };
    put(
        "supdiag.toml",
        br#"[[site]]
code = "PS1"
role = "primary"
server = "cm01.contoso.com"

[[sup]]
server = "cm01.contoso.com"
site = "PS1"
http_port = 8530
https_port = 8531
use_proxy_for_sync = true
connection_account = "CONTOSO\\svc-wsus"
password = "T0mlSupS3cret"

[[proxy]]
server = "cm01.contoso.com"
name = "proxy.contoso.com"
port = 8080
account = "CONTOSO\\svc-proxy"
password = "T0mlProxyS3cret"
enabled = true

[sync]
source = "upstream"
upstream_url = "http://wsus-user:UrlS3cret@upstream.contoso.com:8530/"
"#
        .to_vec(),
        true,
    );
    // The issue's row: `/`, `#`, `?` in URL passwords, a scheme-less `user:pass@host:port`
    // and a SQL connection string with `Password=`.
    put(
        "urls-supdiag.toml",
        br#"[[sup]]
server = "cm01.contoso.com"
site = "PS1"
http_port = 8530

[wsus]
sql_server = "Server=sql01;Database=SUSDB;User Id=sa;Password=SqlS3cret/#?;"
mu_url = "http://mu:MuS3cret/#?x@mu.contoso.com:8530/"

[sync]
source = "upstream"
upstream_url = "wsususer:UpS3cret/#?@upstream.contoso.com:8530"
"#
        .to_vec(),
        true,
    );
    // An entity that breaks the XML parse, inside the password.
    put(
        "broken-applicationHost.config",
        br#"<?xml version="1.0"?>
<configuration><system.applicationHost><applicationPools>
<add name="WsusPool"><processModel identityType="SpecificUser" userName="CONTOSO\svc" password="ab&x;AmpS3cret" /></add>
</applicationPools></system.applicationHost></configuration>
"#
        .to_vec(),
        false,
    );
    // A value name without its quotes.
    put(
        "unquoted.reg",
        b"Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup]\r\nProxyPassword=\"RegUnqS3cret\"\r\n\"PortNumber\"=dword:00002152\r\n".to_vec(),
        false,
    );
    put(
        "typo-supdiag.toml",
        b"[[proxy]]\nserver = \"cm01\"\npasword = \"TypoS3cret\"\n".to_vec(),
        false,
    );
    put(
        "unterminated-supdiag.toml",
        b"[[proxy]]\nserver = \"cm01\"\npassword = \"UntermS3cret\n".to_vec(),
        false,
    );
    put(
        "broken.json",
        br#"[{"RoleName": "SMS Site System", "Password": "JsonBrokenS3cret", }]"#.to_vec(),
        false,
    );
    let reg = format!(
        "Windows Registry Editor Version 5.00\r\n\r\n\
         [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup]\r\n\
         \"PortNumber\"=dword:00002152\r\n\
         \"ProxyPassword\"=\"RegS3cret\"\r\n\
         \"ProxyUserName\"=\"CONTOSO\\\\svc-proxy\"\r\n\
         \"WsusAdminPassword\"=hex(2):{}\r\n\
         \"BrokenPassword\"=\"RegS3cret\r\n",
        reg_hex2("RegHexS3cret")
    );
    put("wsus-setup.reg", utf16le_bom(&reg), true);
    put(
        "applicationHost.config",
        br#"<?xml version="1.0"?>
<configuration>
 <system.applicationHost>
  <applicationPools>
   <add name="WsusPool">
    <processModel identityType="SpecificUser" userName="CONTOSO\svc-pool" password="IisS3cret" />
    <recycling><periodicRestart privateMemory="0" /></recycling>
   </add>
  </applicationPools>
  <sites>
   <site name="WSUS Administration" id="1">
    <bindings><binding protocol="http" bindingInformation="*:8530:" /></bindings>
   </site>
  </sites>
 </system.applicationHost>
</configuration>
"#
        .to_vec(),
        true,
    );
    out
}

/// A wsyncmgr log line that makes the proxy and connection findings fire, so settings values
/// are shown with them.
fn log_file(dir: &Path) -> PathBuf {
    let p = dir.join("wsyncmgr.log");
    std::fs::write(
        &p,
        "Sync failed: UssCommunicationError: WebException: The remote name could not be resolved: 'sws.update.microsoft.com' via http://u:LogUrlS3cret/#?@proxy:8080 and wsus:LogSchemelessS3cret@up.contoso.com:8530 (Server=sql01;Database=SUSDB;User Id=sa;Password=LogSqlS3cret;)~~at System.Net.HttpWebRequest.GetRequestStream(). Source: Microsoft.UpdateServices.ServerSyncWebServices.ServerSync.ServerSyncProxy.GetAuthConfig  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 02:13:11.659+060><thread=1 (0x1)>\r\n\
         Sync failed. Will retry in 60 minutes  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 02:13:12.659+060><thread=1 (0x1)>\r\n",
    )
    .expect("write log");
    p
}

struct Run {
    args: Vec<String>,
    text: String,
    code: Option<i32>,
}

fn run(args: &[String], extra_file: Option<&Path>) -> Run {
    let out = Command::cargo_bin("supdiag")
        .expect("binary")
        .args(args)
        .env_remove("NO_COLOR")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("run");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    if let Some(f) = extra_file {
        if let Ok(b) = std::fs::read(f) {
            text.push_str(&String::from_utf8_lossy(&b));
        }
    }
    assert!(!text.contains("panicked"), "{args:?}: {text}");
    Run {
        args: args.to_vec(),
        text,
        code: out.status.code(),
    }
}

fn assert_no_secret(r: &Run) {
    for s in SECRETS {
        assert!(
            !r.text.contains(s),
            "{:?} (exit {:?}) leaks {s}:\n{}",
            r.args,
            r.code,
            r.text
        );
    }
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn no_command_prints_a_password_from_settings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = log_file(dir.path());
    let log = log.to_string_lossy().into_owned();
    let report_file = dir.path().join("report.out");
    let rf = report_file.to_string_lossy().into_owned();
    let files = settings_files(dir.path());
    let mut runs = 0;
    let mut shown_accounts = String::new();
    for (settings, good) in &files {
        let st = settings.to_string_lossy().into_owned();
        let mut cmds: Vec<Vec<String>> = Vec::new();
        for strict in [false, true] {
            let strict: &[&str] = if strict { &["--strict"] } else { &[] };
            for f in ["terminal", "json", "ndjson", "markdown"] {
                for cmd in ["analyze", "sync"] {
                    let mut a = s(&[cmd, "--color", "always", "--format", f, "--settings", &st]);
                    a.extend(s(strict));
                    a.push(log.clone());
                    cmds.push(a);
                }
            }
            for f in ["text", "json", "ndjson"] {
                cmds.push(s(&["view", "--color", "always", "--format", f, &log]));
            }
            for f in ["html", "markdown", "json"] {
                let mut a = s(&["report", "--format", f, "--settings", &st]);
                a.extend(s(strict));
                a.push(log.clone());
                cmds.push(a);
                let mut a = s(&["report", "--format", f, "-o", &rf, "--settings", &st]);
                a.extend(s(strict));
                a.push(log.clone());
                cmds.push(a);
            }
            for f in ["terminal", "json", "ndjson"] {
                let mut a = s(&[
                    "precheck",
                    "--color",
                    "always",
                    "--format",
                    f,
                    "--settings",
                    &st,
                ]);
                a.extend(s(strict));
                cmds.push(a);
            }
        }
        for a in cmds {
            let _ = std::fs::remove_file(&report_file);
            let r = run(&a, Some(&report_file));
            assert_no_secret(&r);
            if *good && a.contains(&"json".to_string()) && a[0] == "analyze" {
                shown_accounts.push_str(&r.text);
            }
            if !*good && a.contains(&"--strict".to_string()) {
                assert_eq!(r.code, Some(2), "{a:?}: a bad settings file with --strict");
            }
            runs += 1;
        }
    }
    assert!(runs > 200, "{runs} runs");
    // The settings were really read: account names are shown, passwords are not.
    assert!(shown_accounts.contains("svc-proxy"), "{shown_accounts}");
    assert!(shown_accounts.contains("svc-wsus"), "{shown_accounts}");
}

#[test]
fn precheck_never_prints_the_password_of_a_proxy_argument() {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = dir.path().join("supdiag.toml");
    // Everything points at this machine, on ports where nothing listens, so the probes fail
    // fast and go nowhere else.
    std::fs::write(
        &settings,
        "[[site]]\ncode = \"PS1\"\nrole = \"primary\"\nserver = \"127.0.0.1\"\n\n\
         [[sup]]\nserver = \"127.0.0.1\"\nsite = \"PS1\"\nhttp_port = 9\nhttps_port = 9\n\
         use_proxy_for_sync = true\n\n\
         [[proxy]]\nserver = \"127.0.0.1\"\nname = \"127.0.0.1\"\nport = 9\n\
         account = \"CONTOSO\\\\svc-proxy\"\npassword = \"T0mlProxyS3cret\"\n",
    )
    .expect("write");
    let st = settings.to_string_lossy().into_owned();
    let proxies = [
        "http://proxyuser:ArgS3cret@127.0.0.1:9",
        "proxyuser:ArgS3cret@127.0.0.1:9",
        "http://proxyuser:ArgS3cret@127.0.0.1",
        "http://proxyuser:ArgS3cret@",
        "ftp://proxyuser:ArgS3cret@127.0.0.1:9",
        "http://proxyuser:ArgS3cret@127.0.0.1:notaport",
        "http://proxyuser:ArgS3cret@[::1:9",
    ];
    let mut rejected = 0;
    for px in proxies {
        for probe in [false, true] {
            for f in ["terminal", "json", "ndjson"] {
                let mut a = s(&["precheck", "--format", f, "--settings", &st, "--proxy", px]);
                if probe {
                    a.extend(s(&[
                        "--probe",
                        "--timeout",
                        "1",
                        "--sync-endpoint",
                        "127.0.0.1",
                    ]));
                }
                let r = run(&a, None);
                assert_no_secret(&r);
                if r.code == Some(2) {
                    rejected += 1;
                }
            }
        }
    }
    // The malformed URLs are rejected (exit 2) with a message, still without the password.
    assert!(rejected >= 6, "only {rejected} rejections");
}
