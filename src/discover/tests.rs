//! Each discovery source on a fake machine: found and used, or not available with the reason;
//! and the bundle round trip (the live analysis and the analysis of the collected zip agree).

use std::path::{Path, PathBuf};

use super::system::fake::Fake;
use super::system::RegValue;
use super::*;
use crate::discover::logs::{CCM_LOGGING, SMS_IDENTIFICATION, SMS_TRACING, WSUS_SETUP};
use crate::discover::settings::{WU_POLICY, WU_POLICY_AU};

const CM_LOGS: &str = "C:\\Program Files\\Microsoft Configuration Manager\\Logs";
const WSUS_DIR: &str = "C:\\Program Files\\Update Services\\";
const IIS_DIR: &str = "C:\\inetpub\\logs\\LogFiles\\W3SVC1154400271";

fn sample(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(rel);
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    // The fake machine writes text: UTF-8 samples stay as they are (BOM included), UTF-16 ones
    // are decoded.
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => crate::source::decode::decode_bytes(e.into_bytes())
            .text()
            .to_string(),
    }
}

fn app_host(site_log: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.applicationHost>
    <applicationPools>
      <add name="WsusPool" managedRuntimeVersion="v4.0">
        <processModel identityType="SpecificUser" userName="CONTOSO\svc-wsus" password="[enc:IISCngProvider:SECRETSECRET:enc]" />
      </add>
    </applicationPools>
    <sites>
      <site name="Default Web Site" id="1">
        <bindings><binding protocol="http" bindingInformation="*:80:" /></bindings>
      </site>
      <site name="WSUS Administration" id="1154400271">
        <application path="/" applicationPool="WsusPool" />
        <bindings>
          <binding protocol="http" bindingInformation="*:8530:" />
          <binding protocol="https" bindingInformation="*:8531:" />
        </bindings>
        {site_log}
      </site>
      <siteDefaults>
        <logFile logFormat="W3C" directory="%SystemDrive%\inetpub\logs\LogFiles" />
      </siteDefaults>
    </sites>
  </system.applicationHost>
</configuration>
"#
    )
}

/// A primary site server with a SUP, WSUS, IIS, a ConfigMgr client and a legacy
/// WindowsUpdate.log, made of the sample logs.
fn site_server(root: &Path) -> Fake {
    let mut f = Fake::new(root);
    let s = |v: &str| RegValue::Str(v.to_string());
    f.set(
        &format!("{SMS_TRACING}\\SMS_WSUS_SYNC_MANAGER"),
        "TraceFilename",
        s(&format!("{CM_LOGS}\\wsyncmgr.log")),
    );
    f.set(
        &format!("{SMS_TRACING}\\SMS_WSUS_CONFIGURATION_MANAGER"),
        "TraceFilename",
        s(&format!("{CM_LOGS}\\WCM.log")),
    );
    f.set(
        &format!("{SMS_TRACING}\\SMS_EXECUTIVE"),
        "TraceFilename",
        s(&format!("{CM_LOGS}\\smsexec.log")),
    );
    f.set(
        SMS_IDENTIFICATION,
        "Installation Directory",
        s("C:\\Program Files\\Microsoft Configuration Manager"),
    );
    f.set(CCM_LOGGING, "LogDirectory", s("C:\\Windows\\CCM\\Logs"));
    f.set(WSUS_SETUP, "TargetDir", s(WSUS_DIR));
    f.set(WSUS_SETUP, "PortNumber", RegValue::Dword(8530));
    f.set(WSUS_SETUP, "UsingSSL", RegValue::Dword(0));
    f.set(WSUS_SETUP, "ContentDir", s("D:\\WSUS"));
    f.set(WSUS_SETUP, "SqlServerName", s("MICROSOFT##WID"));
    f.set(WU_POLICY, "WUServer", s("http://CM01.contoso.com:8530"));
    f.set(
        WU_POLICY,
        "WUStatusServer",
        s("http://CM01.contoso.com:8530"),
    );
    f.set(WU_POLICY_AU, "UseWUServer", RegValue::Dword(1));
    let wsus503 = "wsus-pool-503";
    f.file(
        &format!("{CM_LOGS}\\wsyncmgr.log"),
        &sample(&format!("{wsus503}/wsyncmgr.log")),
    );
    f.file(
        &format!("{CM_LOGS}\\wsyncmgr.lo_"),
        &sample("site-rollover/wsyncmgr.lo_"),
    );
    f.file(
        &format!("{CM_LOGS}\\WCM.log"),
        &sample(&format!("{wsus503}/WCM.log")),
    );
    f.file(
        &format!("{CM_LOGS}\\smsexec.log"),
        "not a log supdiag reads\r\n",
    );
    f.file(
        &format!("{CM_LOGS}\\ruleengine.log"),
        &sample("site-adr-12007/ruleengine.log"),
    );
    f.file(
        &format!("{WSUS_DIR}LogFiles\\SoftwareDistribution.log"),
        &sample("wsus-tls/SoftwareDistribution.log"),
    );
    f.file(
        &format!("{IIS_DIR}\\u_ex261118.log"),
        &sample(&format!("{wsus503}/W3SVC2/u_ex261118.log")),
    );
    f.file(
        "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config",
        &app_host(""),
    );
    f.file(
        "C:\\Windows\\CCM\\Logs\\WUAHandler.log",
        &sample("client-gpo-conflict/WUAHandler.log"),
    );
    f.file(
        "C:\\Windows\\WindowsUpdate.log",
        &sample("client-win7-legacy/WindowsUpdate.log"),
    );
    f
}

fn source<'a>(found: &'a Found, id: &str) -> &'a SourceStatus {
    found
        .sources
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no source {id}: {:?}", found.sources))
}

fn names(found: &Found, group: &str) -> Vec<String> {
    found
        .logs
        .iter()
        .filter(|s| s.group == group)
        .flat_map(|s| s.files.iter())
        .map(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn configmgr_component_logs_from_their_trace_file_names() {
    let dir = tempfile::tempdir().expect("tmp");
    let found = discover(&site_server(dir.path()));
    let s = source(&found, "configmgr-tracing");
    assert_eq!(s.status, Status::Used, "{s:?}");
    assert_eq!(s.files, 3, "{s:?}");
    let mut n = names(&found, "configmgr");
    n.sort();
    // smsexec.log is traced but not a log supdiag reads; ruleengine.log comes from the folder.
    assert_eq!(
        n,
        vec!["WCM.log", "ruleengine.log", "wsyncmgr.lo_", "wsyncmgr.log"]
    );
}

#[test]
fn the_site_logs_folder_adds_what_tracing_did_not_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let found = discover(&site_server(dir.path()));
    let s = source(&found, "configmgr-logs");
    assert_eq!(s.status, Status::Used, "{s:?}");
    assert_eq!(s.files, 1);
    assert!(
        s.detail.contains("4 files") && s.detail.contains("3 of them already found"),
        "{s:?}"
    );
    assert!(
        s.location
            .ends_with("Microsoft Configuration Manager\\Logs"),
        "{s:?}"
    );
}

#[test]
fn client_logs_from_log_directory_or_the_default_folder() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = site_server(dir.path());
    let found = discover(&f);
    assert_eq!(source(&found, "client-logs").status, Status::Used);
    assert_eq!(names(&found, "client"), vec!["WUAHandler.log"]);

    let mut no_value = site_server(dir.path());
    no_value
        .reg
        .insert(CCM_LOGGING.to_ascii_lowercase(), Vec::new());
    let found = discover(&no_value);
    let s = source(&found, "client-logs");
    assert_eq!(s.status, Status::Used);
    assert!(s.detail.contains("default folder"), "{s:?}");
    assert_eq!(s.location, "C:\\Windows\\CCM\\Logs");

    let mut no_client = site_server(dir.path());
    no_client
        .reg
        .retain(|k, _| !k.starts_with("software\\microsoft\\ccm"));
    let s = source(&discover(&no_client), "client-logs").clone();
    assert_eq!(s.status, Status::NotAvailable);
    assert!(s.detail.contains("no ConfigMgr client"), "{s:?}");
}

#[test]
fn wsus_log_from_the_setup_target_dir() {
    let dir = tempfile::tempdir().expect("tmp");
    let found = discover(&site_server(dir.path()));
    assert_eq!(source(&found, "wsus-logs").status, Status::Used);
    assert_eq!(names(&found, "wsus"), vec!["SoftwareDistribution.log"]);

    let mut no_wsus = site_server(dir.path());
    no_wsus.reg.remove(&WSUS_SETUP.to_ascii_lowercase());
    let found = discover(&no_wsus);
    let s = source(&found, "wsus-logs");
    assert_eq!(s.status, Status::NotAvailable);
    assert!(s.detail.contains("WSUS is not installed"), "{s:?}");
    assert_eq!(source(&found, "wsus-setup").status, Status::NotAvailable);
}

#[test]
fn iis_logs_of_the_wsus_site_from_application_host_config() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = site_server(dir.path());
    for day in 1..=15 {
        f.file(
            &format!("{IIS_DIR}\\u_ex2610{day:02}.log"),
            "#Software: x\r\n",
        );
    }
    let found = discover(&f);
    let s = source(&found, "iis-logs");
    assert_eq!(s.status, Status::Used, "{s:?}");
    assert_eq!(s.location, IIS_DIR);
    assert!(
        s.detail.contains("WSUS Administration") && s.detail.contains("2 older days not read"),
        "{s:?}"
    );
    let n = names(&found, "iis");
    assert_eq!(n.len(), logs::IIS_NEWEST);
    assert_eq!(n.last().map(String::as_str), Some("u_ex261118.log"));

    // The site's own log folder wins over the defaults.
    f.file(
        "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config",
        &app_host(r#"<logFile directory="D:\IISLogs" />"#),
    );
    f.file(
        "D:\\IISLogs\\W3SVC1154400271\\u_ex261119.log",
        "#Software: x\r\n",
    );
    let found = discover(&f);
    assert_eq!(names(&found, "iis"), vec!["u_ex261119.log"]);

    // Without applicationHost.config: the site id from the WSUS registry, IIS's default folder.
    let mut g = site_server(dir.path());
    let _ = std::fs::remove_file(
        g.local("C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config"),
    );
    g.set(
        WSUS_SETUP,
        "IISTargetWebSiteIndex",
        RegValue::Dword(1154400271),
    );
    let found = discover(&g);
    let s = source(&found, "iis-logs");
    assert_eq!(s.status, Status::Used, "{s:?}");
    assert!(s.detail.contains("IISTargetWebSiteIndex"), "{s:?}");
    assert_eq!(source(&found, "iis-config").status, Status::NotAvailable);
}

#[test]
fn windows_update_log_legacy_or_decoded_or_why_not() {
    let dir = tempfile::tempdir().expect("tmp");
    let found = discover(&site_server(dir.path()));
    let s = source(&found, "windowsupdate-log");
    assert_eq!(
        (s.status, s.detail.as_str()),
        (Status::Used, "the legacy log")
    );

    // Windows 10: a note in place of the legacy file, ETW traces, and PowerShell to decode them.
    let mut f = site_server(dir.path());
    f.file(
        "C:\\Windows\\WindowsUpdate.log",
        "Windows Update logs are now generated using ETW (Event Tracing for Windows).\r\n\
         Please run the Windows PowerShell command 'Get-WindowsUpdateLog' to convert ETW traces into a readable WindowsUpdate.log.\r\n",
    );
    f.file(
        "C:\\Windows\\Logs\\WindowsUpdate\\WindowsUpdate.20261120.etl",
        "etl",
    );
    let found = discover(&f);
    let s = source(&found, "windowsupdate-log");
    assert_eq!(s.status, Status::NotAvailable);
    assert!(s.detail.contains("PowerShell not found"), "{s:?}");

    let decoded = sample("client-healthy/WindowsUpdate.log");
    f.powershell = Some(vec![("Get-WindowsUpdateLog".into(), Ok(decoded.clone()))]);
    let found = discover(&f);
    let s = source(&found, "windowsupdate-log");
    assert_eq!(s.status, Status::Used, "{s:?}");
    assert!(s.detail.contains("Get-WindowsUpdateLog"));
    let file = found
        .logs
        .iter()
        .find(|l| l.group == "windowsupdate")
        .and_then(|l| l.files.first())
        .expect("decoded file");
    assert_eq!(std::fs::read_to_string(file).expect("decoded"), decoded);
}

fn live_facts(found: &Found) -> crate::facts::FactStore {
    crate::settings::load_settings_with(&[], &found.settings, true)
        .expect("live settings")
        .0
}

#[test]
fn wsus_setup_values_become_the_importers_facts() {
    let dir = tempfile::tempdir().expect("tmp");
    let found = discover(&site_server(dir.path()));
    assert_eq!(source(&found, "wsus-setup").status, Status::Used);
    let facts = live_facts(&found);
    let port = facts.get("config.wsus.port").expect("port");
    assert_eq!(port.value.as_int(), Some(8530));
    assert!(
        port.source
            .to_string()
            .contains("HKLM\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup"),
        "{}",
        port.source
    );
    assert_eq!(
        facts
            .get("config.wsus.using_ssl")
            .and_then(|f| f.value.as_bool()),
        Some(false)
    );
}

#[test]
fn application_host_config_without_its_passwords() {
    let dir = tempfile::tempdir().expect("tmp");
    let found = discover(&site_server(dir.path()));
    assert_eq!(source(&found, "iis-config").status, Status::Used);
    let t = found
        .settings
        .iter()
        .find(|t| t.name == "applicationHost.config")
        .expect("config text");
    assert!(!t.text.contains("SECRETSECRET"), "password kept");
    let facts = live_facts(&found);
    assert_eq!(
        facts
            .get("config.iis.http_port")
            .and_then(|f| f.value.as_int()),
        Some(8530)
    );
}

#[test]
fn client_policy_values_become_facts() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut f = site_server(dir.path());
    let found = discover(&f);
    assert_eq!(source(&found, "wu-policy").status, Status::Used);
    let facts = live_facts(&found);
    assert_eq!(
        facts
            .get("config.client.wu_server")
            .map(|f| f.value.to_string()),
        Some("http://CM01.contoso.com:8530".into())
    );
    assert_eq!(
        facts
            .get("config.client.use_wu_server")
            .and_then(|f| f.value.as_bool()),
        Some(true)
    );
    f.reg.retain(|k, _| !k.starts_with("software\\policies"));
    let s = source(&discover(&f), "wu-policy").clone();
    assert_eq!(s.status, Status::NotAvailable);
    assert!(s.detail.contains("no Windows Update policy"), "{s:?}");
}

#[test]
fn configmgr_settings_through_the_powershell_module_when_reachable() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut f = site_server(dir.path());
    let s = source(&discover(&f), "configmgr-provider").clone();
    assert_eq!(s.status, Status::NotAvailable);
    assert!(s.detail.contains("SMS_ADMIN_UI_PATH"), "{s:?}");

    f.env.insert(
        "SMS_ADMIN_UI_PATH".into(),
        "C:\\Program Files (x86)\\Microsoft Endpoint Manager\\AdminConsole\\bin\\i386".into(),
    );
    let s = source(&discover(&f), "configmgr-provider").clone();
    assert!(s.detail.contains("PowerShell not found"), "{s:?}");

    f.powershell = Some(vec![(
        "Get-CMSoftwareUpdatePoint".into(),
        Err("Cannot connect to the SMS Provider".into()),
    )]);
    let s = source(&discover(&f), "configmgr-provider").clone();
    assert_eq!(s.status, Status::NotAvailable);
    assert!(s.detail.contains("Cannot connect"), "{s:?}");

    let json = sample("settings/healthy-sup.json");
    f.powershell = Some(vec![("Get-CMSoftwareUpdatePoint".into(), Ok(json))]);
    let found = discover(&f);
    assert_eq!(source(&found, "configmgr-provider").status, Status::Used);
    let facts = live_facts(&found);
    assert!(
        facts.iter().any(|f| f.key.starts_with("config.sup[")),
        "SUP settings from the provider"
    );
}

#[test]
fn an_empty_machine_says_why_for_every_source() {
    let dir = tempfile::tempdir().expect("tmp");
    let found = discover(&Fake::new(dir.path()));
    assert!(found.log_files().is_empty());
    assert!(found.settings.is_empty());
    let ids: Vec<&str> = found.sources.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        vec![
            "configmgr-tracing",
            "configmgr-logs",
            "client-logs",
            "wsus-logs",
            "iis-logs",
            "windowsupdate-log",
            "wsus-setup",
            "iis-config",
            "wu-policy",
            "configmgr-provider"
        ]
    );
    for s in &found.sources {
        assert_eq!(s.status, Status::NotAvailable, "{s:?}");
        assert!(!s.detail.is_empty(), "{s:?}");
    }
}

/// (rule id, severity, count) of every finding, and every setting's values.
fn outcome(a: &crate::app::pipeline::Analysis) -> (Vec<String>, Vec<String>) {
    let findings = a
        .report
        .findings
        .iter()
        .map(|f| format!("{} {:?} {}", f.rule_id, f.severity, f.count))
        .collect();
    let settings = a
        .report
        .settings
        .iter()
        .filter(|(k, _)| k.starts_with("config."))
        .map(|(k, v)| {
            let vals: Vec<String> = v.iter().map(|x| x.value.to_string()).collect();
            format!("{k} = {}", vals.join(", "))
        })
        .collect();
    (findings, settings)
}

fn analyse(d: crate::source::Discovered) -> crate::app::pipeline::Analysis {
    let common = crate::cli::CommonArgs {
        settings: Vec::new(),
        strict: false,
        rules: Vec::new(),
        disable: Vec::new(),
        fail_on: crate::cli::FailOn::Never,
        color: crate::cli::ColorChoice::Never,
        quiet: true,
        mmap: false,
        no_mmap: true,
    };
    let opts = crate::app::pipeline::PipelineOptions {
        common: &common,
        max_age: None,
        staleness: false,
        now: chrono::Utc::now(),
        runs_hook: None,
    };
    crate::app::pipeline::run_discovered(d, &opts).expect("analysis")
}

#[test]
fn a_collected_bundle_analyses_like_the_machine() {
    let dir = tempfile::tempdir().expect("tmp");
    let machine = dir.path().join("machine");
    let found = discover(&site_server(&machine));
    let zip = dir.path().join("CM01.zip");
    let opts = crate::collect::Options {
        output: zip.clone(),
        days: None,
        max_bytes: crate::collect::DEFAULT_MAX_BYTES,
        now: chrono::Utc::now(),
    };
    let mut lines = Vec::new();
    let manifest =
        crate::collect::write(&found, &opts, &mut |l| lines.push(l.to_string())).expect("collect");
    assert!(!lines.is_empty(), "progress");
    assert_eq!(manifest.host, "CM01");
    assert_eq!(
        manifest.collected.len(),
        found.log_files().len() + found.settings.len()
    );
    assert!(manifest
        .not_collected
        .iter()
        .any(|n| n.why.contains("SMS_ADMIN_UI_PATH")));
    // Each log keeps its file's time (written just now), not the zip default of 1980.
    {
        let mut archive =
            zip::ZipArchive::new(std::fs::File::open(&zip).expect("bundle")).expect("a zip");
        let name = manifest
            .collected
            .iter()
            .find(|c| c.path.starts_with("logs/"))
            .map(|c| c.path.clone())
            .expect("a log");
        let entry = archive.by_name(&name).expect("entry");
        let year = entry.last_modified().map(|t| t.year());
        assert!(year.is_some_and(|y| y >= 2025), "{name}: {year:?}");
    }

    let mut live_inputs = crate::source::discover(&found.log_files());
    live_inputs.system = Some(found);
    let live = analyse(live_inputs);
    let bundle = analyse(crate::source::discover(std::slice::from_ref(&zip)));
    let (lf, ls) = outcome(&live);
    let (bf, bs) = outcome(&bundle);
    assert!(
        lf.iter()
            .any(|f| f.starts_with("wsyncmgr_http_503_wsuspool")),
        "{lf:?}"
    );
    assert!(
        lf.iter()
            .any(|f| f.starts_with("adr_download_internet_12007")),
        "{lf:?}"
    );
    assert!(
        lf.iter().any(|f| f.starts_with("wsus_sync_tls_failure")),
        "{lf:?}"
    );
    assert!(ls.iter().any(|s| s == "config.wsus.port = 8530"), "{ls:?}");
    assert_eq!(lf, bf);
    assert_eq!(ls, bs);
    // The live report lists the sources, as the JSON contract says.
    let json = serde_json::to_value(&live.report).expect("report as JSON");
    assert_eq!(json["sources"].as_array().map(Vec::len), Some(10));
    check_schema(&json);
    assert_eq!(live.report.inputs.len(), bundle.report.inputs.len());
    let shown: Vec<&str> = bundle
        .report
        .inputs
        .iter()
        .map(|i| i.path.as_str())
        .collect();
    let base = crate::source::display_path(&zip);
    assert!(
        shown
            .iter()
            .all(|p| p.starts_with(&format!("{base}/logs/"))),
        "{shown:?}"
    );
    // No secret in the bundle.
    let bytes = std::fs::read(&zip).expect("zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("archive");
    for i in 0..archive.len() {
        let mut e = archive.by_index(i).expect("entry");
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut text).expect("read");
        assert!(
            !String::from_utf8_lossy(&text).contains("SECRETSECRET"),
            "{}",
            e.name()
        );
    }
}

#[test]
fn collect_keeps_the_last_days_and_the_size_cap() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = site_server(&dir.path().join("machine"));
    let old = f.local(&format!("{CM_LOGS}\\wsyncmgr.lo_"));
    let t = std::time::SystemTime::now() - std::time::Duration::from_secs(40 * 86400);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .and_then(|file| file.set_modified(t))
        .expect("mtime");
    let found = discover(&f);
    let out: PathBuf = dir.path().join("b.zip");
    let opts = crate::collect::Options {
        output: out.clone(),
        days: Some(7),
        max_bytes: 20_000,
        now: chrono::Utc::now(),
    };
    let m = crate::collect::write(&found, &opts, &mut |_| {}).expect("collect");
    let why_of = |name: &str| {
        m.not_collected
            .iter()
            .find(|n| n.from.ends_with(name))
            .map(|n| n.why.clone())
    };
    assert_eq!(
        why_of("wsyncmgr.lo_").as_deref(),
        Some("last written before the last 7 days")
    );
    assert!(
        m.not_collected.iter().any(|n| n.why.contains("size cap")),
        "{:?}",
        m.not_collected
    );
    let total: u64 = m
        .collected
        .iter()
        .filter(|c| c.path.starts_with("logs/"))
        .map(|c| c.bytes)
        .sum();
    assert!(total <= 20_000);
    assert!(out.exists());
}

/// The report against `docs/report.schema.json`. The schema validator is a dev-dependency of
/// the non-Windows builds only (the Windows test build under Wine stays small); there the
/// Linux run of this test and tests/wine.rs check the live report.
#[cfg(not(windows))]
fn check_schema(json: &serde_json::Value) {
    let schema_text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json"),
    )
    .expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema JSON");
    let validator = jsonschema::draft202012::options()
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(json)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[cfg(windows)]
fn check_schema(_: &serde_json::Value) {}
