use std::path::{Path, PathBuf};

use super::*;

/// [`candidate`], unreadable files being none.
fn is_settings_file(path: &Path) -> bool {
    candidate(path).unwrap_or(false)
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/settings")
}

fn sample(name: &str) -> PathBuf {
    samples().join(name)
}

fn val(s: &FactStore, k: &str) -> Option<Value> {
    s.get(k).map(|f| f.value.clone())
}

fn int(i: i64) -> Option<Value> {
    Some(Value::Int(i))
}

fn text(s: &str) -> Option<Value> {
    Some(Value::Str(s.to_string()))
}

fn import(name: &str, body: &str) -> Result<(FactStore, Vec<SettingsWarning>), SettingsError> {
    import_text(Path::new(name), name, body)
}

fn import_ok(name: &str, body: &str) -> (FactStore, Vec<SettingsWarning>) {
    import(name, body).unwrap_or_else(|e| panic!("{e}"))
}

fn load(names: &[&str]) -> (FactStore, Vec<SettingsWarning>) {
    let paths: Vec<PathBuf> = names.iter().map(|n| sample(n)).collect();
    load_settings(&paths, true).unwrap_or_else(|e| panic!("{e:#}"))
}

// ---- supdiag.toml -------------------------------------------------------------------------

#[test]
fn toml_healthy_sample() {
    let (s, w) = load(&["healthy.toml"]);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(val(&s, "config.sup[cm01.contoso.com].http_port"), int(8530));
    assert_eq!(val(&s, "config.sup.https_port"), int(8531));
    assert_eq!(val(&s, "config.sup.server"), text("cm01.contoso.com"));
    assert_eq!(val(&s, "config.sup.require_ssl"), Some(Value::Bool(false)));
    assert_eq!(
        val(&s, "config.site[PS1].top_level"),
        Some(Value::Bool(true))
    );
    assert_eq!(val(&s, "config.site[PS1].role"), text("primary"));
    assert_eq!(val(&s, "config.site_server[PS1]"), text("cm01.contoso.com"));
    assert_eq!(
        val(&s, "config.sites"),
        Some(Value::List(vec!["PS1".into()]))
    );
    assert_eq!(val(&s, "config.sync.source"), text("microsoft_update"));
    assert_eq!(val(&s, "config.sync.schedule_hours"), int(24));
    assert_eq!(val(&s, "config.supersedence.months"), int(3));
    assert_eq!(val(&s, "config.sup.expected_https_port"), int(8531));
    let prov = &s.all("config.sup.http_port")[0].source;
    assert!(prov.source.ends_with("healthy.toml"), "{prov}");
    assert_eq!(prov.key.as_deref(), Some("sup[cm01.contoso.com].http_port"));
}

#[test]
fn toml_typo_drops_that_key_and_names_line_suggestion_and_allowed_keys() {
    let body = "[[sup]]\nserver = \"cm01\"\nhtps_port = 8531\nhttp_port = 8530\n";
    let (s, w) = import_ok("my.toml", body);
    // The rest of the file is used.
    assert_eq!(val(&s, "config.sup[cm01].http_port"), int(8530));
    let w = &w[0];
    assert_eq!(w.file, "my.toml");
    assert_eq!(w.line, Some(3));
    assert!(w.dropped);
    assert!(
        w.message
            .contains("unknown key `htps_port` in [[sup]] number 1"),
        "{}",
        w.message
    );
    assert!(
        w.message.contains("did you mean `https_port`?"),
        "{}",
        w.message
    );
    assert!(
        w.message.contains("allowed keys: server, site, http_port"),
        "{}",
        w.message
    );
    assert!(w.to_string().starts_with("my.toml:3: "), "{w}");
    // Top level.
    let (_, w) = import_ok(
        "x.toml",
        "[[sites]]\ncode = \"PS1\"\n[[sup]]\nserver = \"a\"\n",
    );
    assert!(
        w[0].message
            .contains("unknown key `sites` at the top level; did you mean `site`?"),
        "{w:?}"
    );
    assert_eq!(w[0].line, Some(1));
}

#[test]
fn toml_wrong_type_and_value_drop_the_key_and_name_it() {
    let (s, w) = import_ok(
        "t.toml",
        "[[sup]]\nserver = \"cm01\"\nhttp_port = \"8530\"\nrequire_ssl = true\n",
    );
    assert_eq!(
        val(&s, "config.sup[cm01].require_ssl"),
        Some(Value::Bool(true))
    );
    assert_eq!(w[0].line, Some(3));
    assert!(
        w[0].message.contains("key `http_port` in [[sup]] number 1"),
        "{}",
        w[0].message
    );
    assert!(w[0].message.contains("string"), "{}", w[0].message);
    let (_, w) = import_ok(
        "t.toml",
        "[[site]]\ncode = \"PS1\"\nrole = \"prim\"\n[[sup]]\nserver = \"a\"\n",
    );
    let m = &w[0].message;
    assert!(
        m.contains("`role`") && m.contains("cas") && m.contains("secondary"),
        "{m}"
    );
    let (_, w) = import_ok("t.toml", "[[sup]]\nserver = \"cm01\"\nhttp_port = 99999\n");
    assert!(
        w.iter().any(|w| w.line == Some(3)),
        "port out of range accepted"
    );
    let (_, w) = import_ok("t.toml", "[[site]]\ncode = \"SE1\"\nrole = \"secondary\"\n");
    assert!(
        w.iter().any(|w| w.message.contains("needs a `parent`")),
        "{w:?}"
    );
    let e = import("t.toml", "[sync\n").err();
    assert_eq!(e.and_then(|e| e.line), Some(1));
}

#[test]
fn toml_passwords_are_ignored_with_a_warning() {
    let body =
        "[[proxy]]\nserver = \"cm01\"\nname = \"proxy\"\nport = 8080\npassword = \"hunter2\"\n";
    let (s, w) = import_ok("p.toml", body);
    assert!(
        w.iter()
            .any(|w| w.message.contains("does not store secrets")),
        "{w:?}"
    );
    assert!(s.iter().all(|f| f.value.to_string() != "hunter2"));
    assert_eq!(
        val(&s, "config.proxy[cm01].enabled"),
        Some(Value::Bool(true))
    );
}

#[test]
fn template_parses_back_and_documents_every_key() {
    let (s, w) = import_ok("supdiag.toml", template::TEMPLATE);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(val(&s, "config.sup[cm01.contoso.com].http_port"), int(8530));
    // Uncomment the optional blocks: still valid, and every allowed key appears.
    let uncommented: String = template::TEMPLATE
        .lines()
        .map(|l| {
            let t = l.trim_start();
            if let Some(rest) = t.strip_prefix("# # ") {
                format!("# {rest}")
            } else if let Some(rest) = t.strip_prefix("# ") {
                let is_key = rest
                    .split_once(" = ")
                    .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
                if is_key || rest == "[[proxy]]" || rest == "[wsus]" {
                    rest.to_string()
                } else {
                    l.to_string()
                }
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let doc = toml_schema::parse("supdiag.toml", &uncommented).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.proxy.len(), 1);
    assert!(doc.wsus.is_some());
    for (table, keys) in toml_schema::ALLOWED {
        for k in *keys {
            let needle = if table.is_empty() {
                format!("[{k}")
            } else {
                format!("\n{k} = ")
            };
            assert!(uncommented.contains(&needle), "template lacks {table}.{k}");
        }
    }
}

// ---- ConfigMgr JSON -------------------------------------------------------------------------

#[test]
fn cm_json_single_object_with_extra_fields() {
    let (s, w) = load(&["healthy-sup.json"]);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(val(&s, "config.sup[cm01.contoso.com].http_port"), int(8530));
    assert_eq!(
        val(&s, "config.sup[cm01.contoso.com].https_port"),
        int(8531)
    );
    assert_eq!(val(&s, "config.sup[cm01.contoso.com].site"), text("PS1"));
    assert_eq!(val(&s, "config.sup.client_connection"), text("intranet"));
    assert_eq!(
        val(&s, "config.sup.use_proxy_for_adr"),
        Some(Value::Bool(false))
    );
    // One SUP in the export says nothing about install order.
    assert_eq!(val(&s, "config.sup[cm01.contoso.com].sync_source"), None);
    let prov = &s.all("config.sup.http_port")[0].source;
    assert_eq!(prov.key.as_deref(), Some("WSUSIISPort"));
}

#[test]
fn cm_json_array_order_site_system_proxy_and_sites() {
    let body = r#"[
      {"RoleName": "SMS Software Update Point", "SiteCode": "ps1", "NetworkOSPath": "\\\\SUP02.contoso.com",
       "Props": [{"PropertyName": "WSUSIISPort", "Value": 8530, "Value1": null, "Value2": null}]},
      {"RoleName": "SMS Software Update Point", "SiteCode": "PS1",
       "ItemName": "[\"Display=\\\\SUP03.contoso.com\\\"]MSWNET:[\"SMS_SITE=PS1\"]\\\\SUP03.contoso.com\\,SMS Software Update Point",
       "Props": [{"PropertyName": "WSUSIISPort", "Value": "8530"}, {"PropertyName": "UseProxy", "Value": 1}]},
      {"RoleName": "SMS Site System", "SiteCode": "PS1", "NetworkOSPath": "\\\\SUP02.contoso.com",
       "Props": [{"PropertyName": "UseProxy", "Value": 1}, {"PropertyName": "ProxyName", "Value2": "proxy.contoso.com"},
                 {"PropertyName": "ProxyServerPort", "Value": 8080}, {"PropertyName": "UserName", "Value2": "CONTOSO\\svc"},
                 {"PropertyName": "ProxyPassword", "Value2": "secret"}]},
      {"SiteCode": "PS1", "ReportingSiteCode": "CAS", "Type": 2, "ServerName": "CM01.contoso.com"},
      {"SiteCode": "CAS", "ReportingSiteCode": "", "Type": 4, "ServerName": "CAS01.contoso.com"},
      {"Unrelated": true}
    ]"#;
    let (mut s, w) = import_ok("sups.json", body);
    assert!(
        w.iter().any(|w| w.message.contains("ProxyPassword")),
        "{w:?}"
    );
    assert!(s.iter().all(|f| f.value.to_string() != "secret"));
    assert_eq!(
        val(&s, "config.sup[sup02.contoso.com].sync_source"),
        Some(Value::Bool(true))
    );
    assert_eq!(
        val(&s, "config.sup[sup03.contoso.com].sync_source"),
        Some(Value::Bool(false))
    );
    assert_eq!(
        val(&s, "config.sup[sup03.contoso.com].http_port"),
        int(8530)
    );
    assert_eq!(
        val(&s, "config.sup[sup03.contoso.com].use_proxy_for_sync"),
        Some(Value::Bool(true))
    );
    assert_eq!(
        val(&s, "config.proxy[sup02.contoso.com].name"),
        text("proxy.contoso.com")
    );
    assert_eq!(val(&s, "config.proxy[sup02.contoso.com].port"), int(8080));
    assert_eq!(
        val(&s, "config.proxy[sup02.contoso.com].account"),
        text("CONTOSO\\svc")
    );
    assert_eq!(
        val(&s, "config.proxy[sup02.contoso.com].enabled"),
        Some(Value::Bool(true))
    );
    assert_eq!(
        val(&s, "config.site[CAS].top_level"),
        Some(Value::Bool(true))
    );
    assert_eq!(val(&s, "config.site[CAS].role"), text("cas"));
    assert_eq!(val(&s, "config.site[PS1].parent"), text("CAS"));
    assert_eq!(val(&s, "config.site_server[PS1]"), text("cm01.contoso.com"));
    derive(&mut s);
    // The SUPs are in PS1, a child site; no top-level SUP is known, so no unindexed copy.
    assert_eq!(val(&s, "config.sup.server"), None);
    assert_eq!(
        val(&s, "config.sups"),
        Some(Value::List(vec![
            "sup02.contoso.com".into(),
            "sup03.contoso.com".into()
        ]))
    );
}

#[test]
fn cm_json_components_and_value_wrapper() {
    let (s, _) = load(&["healthy-component.json"]);
    assert_eq!(val(&s, "config.sync.source"), text("microsoft_update"));
    assert_eq!(val(&s, "config.sync.schedule"), text("0001200000100018"));
    assert_eq!(val(&s, "config.supersedence.mode"), text("months"));
    assert_eq!(
        val(&s, "config.languages"),
        Some(Value::List(vec!["en".into()]))
    );
    assert_eq!(val(&s, "config.reporting_events"), Some(Value::Bool(false)));
    assert_eq!(
        val(&s, "config.sup[cm01.contoso.com].sync_source"),
        Some(Value::Bool(true))
    );
    let wrapped = r#"{"value": [{"ComponentName": "SMS_WSUS_CONFIGURATION_MANAGER",
        "Props": [{"PropertyName": "DefaultUseParentWSUS", "Value": 1},
                  {"PropertyName": "ParentWSUS", "Value2": "https://wsus01.contoso.com:8531"}]}], "Count": 1}"#;
    let (s, _) = import_ok("c.json", wrapped);
    assert_eq!(val(&s, "config.sync.source"), text("upstream"));
    assert_eq!(
        val(&s, "config.sync.upstream_url"),
        text("https://wsus01.contoso.com:8531")
    );
}

#[test]
fn cm_json_broken_names_the_line() {
    let e = import(
        "bad.json",
        "[\n {\"RoleName\": \"SMS Software Update Point\",\n  \"Props\": [}\n]",
    )
    .err();
    let e = e.unwrap_or_else(|| panic!("broken JSON accepted"));
    assert_eq!(e.line, Some(3));
    assert!(e.message.starts_with("invalid JSON"), "{}", e.message);
    assert!(import("e.json", "42").is_err());
}

// ---- applicationHost.config ----------------------------------------------------------------

#[test]
fn iis_healthy_sample() {
    let (s, w) = load(&["healthy-applicationHost.config"]);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(val(&s, "config.iis.site_name"), text("WSUS Administration"));
    assert_eq!(val(&s, "config.iis.http_port"), int(8530));
    assert_eq!(val(&s, "config.iis.https_port"), int(8531));
    assert_eq!(val(&s, "config.iis.ssl_vdirs"), Some(Value::List(vec![])));
    assert_eq!(
        val(&s, "config.iis.wsuspool.private_memory_kb"),
        int(1_843_200)
    );
    assert!(s.all("config.iis.http_port")[0].source.line.is_some());
}

#[test]
fn iis_ssl_vdirs_and_default_web_site() {
    let (s, _) = load(&["ssl-wrong-vdir-applicationHost.config"]);
    let Some(Value::List(v)) = val(&s, "config.iis.ssl_vdirs") else {
        panic!("no ssl_vdirs")
    };
    assert!(v.contains(&"SelfUpdate".to_string()) && v.contains(&"ClientWebService".to_string()));
    assert_eq!(v.len(), 7);
    let dws = r#"<configuration><system.applicationHost><sites>
      <site name="Default Web Site" id="1">
        <application path="/ClientWebService" applicationPool="WsusPool" />
        <bindings><binding protocol="http" bindingInformation="[::]:80:" />
                  <binding protocol="https" bindingInformation="10.0.0.5:443:sup.contoso.com" />
                  <binding protocol="net.tcp" bindingInformation="808:*" /></bindings>
      </site></sites></system.applicationHost>
      <location path="Default Web Site/Content"><system.webServer><security><access sslFlags="Ssl, SslNegotiateCert" /></security></system.webServer></location>
      <location path="Default Web Site/Other"><system.webServer><security><access sslFlags="Ssl" /></security></system.webServer></location>
    </configuration>"#;
    let (s, _) = import_ok("applicationHost.config", dws);
    assert_eq!(val(&s, "config.iis.site_name"), text("Default Web Site"));
    assert_eq!(val(&s, "config.iis.http_port"), int(80));
    assert_eq!(val(&s, "config.iis.https_port"), int(443));
    assert_eq!(
        val(&s, "config.iis.ssl_vdirs"),
        Some(Value::List(vec!["Content".into()]))
    );
}

#[test]
fn iis_broken_xml_and_billion_laughs() {
    let broken =
        "<configuration>\n<system.applicationHost>\n<sites><site name=\"x\">\n</configuration>";
    let e = import("applicationHost.config", broken).err();
    let e = e.unwrap_or_else(|| panic!("broken XML accepted"));
    assert!(e.message.starts_with("invalid XML"), "{}", e.message);
    assert_eq!(e.line, Some(4));
    let lol = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<configuration><system.applicationHost>&lol9;</system.applicationHost></configuration>"#;
    let e = import("applicationHost.config", lol).err();
    let e = e.unwrap_or_else(|| panic!("billion laughs accepted"));
    assert!(e.message.contains("invalid XML"), "{}", e.message);
    let e = import("applicationHost.config", "<root/>").err();
    assert!(e
        .map(|e| e.message)
        .unwrap_or_default()
        .contains("<configuration>"));
}

// ---- .reg exports ---------------------------------------------------------------------------

#[test]
fn reg_utf16le_sample() {
    let raw = std::fs::read(sample("healthy-wsus-setup.reg")).unwrap_or_default();
    assert_eq!(
        raw.get(..2),
        Some(&[0xFF, 0xFE][..]),
        "sample must be UTF-16LE with BOM"
    );
    let (s, w) = load(&["healthy-wsus-setup.reg"]);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(val(&s, "config.wsus.port"), int(8530));
    assert_eq!(val(&s, "config.wsus.using_ssl"), Some(Value::Bool(false)));
    assert_eq!(val(&s, "config.wsus.content_dir"), text("D:\\WSUS"));
    assert_eq!(val(&s, "config.wsus.sql_server"), text("CM01.contoso.com"));
    assert_eq!(val(&s, "config.wsus.cert_name"), None);
    assert_eq!(s.all("config.wsus.port")[0].source.line, Some(7));
}

#[test]
fn reg_odd_values() {
    let body = "Windows Registry Editor Version 5.00\r\n\r\n\
[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup\\Installed Role Services]\r\n\
\"PortNumber\"=dword:00000050\r\n\
[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup]\r\n\
\"PortNumber\"=hex(b):52,21,00,00,00,00,00,00\r\n\
\"ContentDir\"=hex(2):44,00,3a,00,5c,00,57,00,\\\r\n  53,00,55,00,53,00,00,00\r\n\
\"UsingSSL\"=dword:000000001\r\n\
\"ServerCertificateName\"=sup01.contoso.com\r\n\
\"SqlServerName\"=\"SQL01\\\\WSUS\r\n\
\"AdminPassword\"=\"x\"\r\n\
garbage line\r\n";
    let (s, w) = import_ok("odd.reg", body);
    assert_eq!(
        val(&s, "config.wsus.port"),
        int(8530),
        "qword little endian"
    );
    assert_eq!(
        val(&s, "config.wsus.content_dir"),
        text("D:\\WSUS"),
        "hex(2) over two lines"
    );
    assert_eq!(
        val(&s, "config.wsus.using_ssl"),
        None,
        "9-digit dword rejected"
    );
    assert_eq!(
        val(&s, "config.wsus.cert_name"),
        None,
        "unquoted string rejected"
    );
    assert_eq!(
        val(&s, "config.wsus.sql_server"),
        None,
        "truncated string rejected"
    );
    let all = w.iter().map(|w| w.text()).collect::<Vec<_>>().join("\n");
    assert!(all.contains("line 9: UsingSSL: dword"), "{all}");
    assert!(all.contains("line 10: ServerCertificateName"), "{all}");
    assert!(
        all.contains("line 11: SqlServerName: string value is not closed"),
        "{all}"
    );
    assert!(
        all.contains("line 12: value \"AdminPassword\" ignored"),
        "{all}"
    );
    assert!(
        all.contains("line 13: not a value line (no `\"Name\"=data`"),
        "{all}"
    );
}

#[test]
fn reg_utf8_and_missing_key() {
    let body = "REGEDIT4\n\n[HKLM\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup]\n\"UsingSSL\"=dword:1\n\"ServerCertificateName\"=\"SUP01.contoso.com\"\n";
    let (s, _) = import_ok("u8.reg", body);
    assert_eq!(val(&s, "config.wsus.using_ssl"), Some(Value::Bool(true)));
    assert_eq!(val(&s, "config.wsus.cert_name"), text("SUP01.contoso.com"));
    let e = import(
        "other.reg",
        "Windows Registry Editor Version 5.00\n[HKEY_CURRENT_USER\\X]\n\"A\"=\"b\"\n",
    )
    .err();
    assert!(e
        .map(|e| e.message)
        .unwrap_or_default()
        .contains("Update Services\\Server\\Setup"));
}

// ---- loader, detection, contradictions ------------------------------------------------------

#[test]
fn bad_file_is_a_warning_unless_strict() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = dir.path().join("supdiag.toml");
    std::fs::write(&bad, "[[sup]]\nservr = \"x\"\n").unwrap_or_else(|e| panic!("{e}"));
    let paths = vec![bad.clone(), sample("healthy-sup.json")];
    let (s, w) = load_settings(&paths, false).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(val(&s, "config.sup[cm01.contoso.com].http_port"), int(8530));
    assert!(
        w.iter()
            .any(|w| w.message.contains("did you mean `server`") && w.dropped),
        "{w:?}"
    );
    let err = load_settings(&paths, true)
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap_or_default();
    assert!(err.contains("supdiag.toml:2: unknown key `servr`"), "{err}");
    let missing = load_settings(&[dir.path().join("nope.toml")], false);
    let (_, w) = missing.unwrap_or_else(|e| panic!("{e:#}"));
    assert!(w[0].message.contains("cannot read"), "{w:?}");
}

#[test]
fn detection_for_folder_pickup() {
    for f in [
        "healthy.toml",
        "healthy-sup.json",
        "healthy-applicationHost.config",
        "healthy-wsus-setup.reg",
    ] {
        assert!(is_settings_file(&sample(f)), "{f}");
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(!is_settings_file(&root.join("Cargo.toml")));
    assert!(!is_settings_file(
        &root.join("rules/config_no_sync_schedule.toml")
    ));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let other = dir.path().join("package.json");
    std::fs::write(&other, "{\"name\": \"x\"}").unwrap_or_else(|e| panic!("{e}"));
    assert!(!is_settings_file(&other));
}

#[test]
fn contradictions_between_files() {
    let (s, _) = load(&["healthy.toml", "port-mismatch-sup.json"]);
    let c = contradictions(&s);
    let keys: Vec<&str> = c.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            "config.sup[cm01.contoso.com].http_port",
            "config.sup[cm01.contoso.com].https_port"
        ]
    );
    assert_eq!(c[1].values[0].0, Value::Int(8531));
    assert_eq!(c[1].values[1].0, Value::Int(443));
    assert_eq!(val(&s, "settings.contradictions"), int(2));
    let summary = val(&s, "settings.contradiction_summary")
        .map(|v| v.to_string())
        .unwrap_or_default();
    assert!(
        summary.contains("8531 in") && summary.contains("443 in"),
        "{summary}"
    );
    // The healthy sources agree (schedule text vs token is not a contradiction).
    let (s, _) = load(&[
        "healthy.toml",
        "healthy-sup.json",
        "healthy-component.json",
        "healthy-applicationHost.config",
        "healthy-wsus-setup.reg",
    ]);
    assert_eq!(contradictions(&s), vec![]);
}

#[test]
fn toml_bad_character_error_is_never_empty() {
    // toml reports a NUL in a comment with an empty message; ours names the character and column.
    let e = import("supdiag.toml", "# a\0 comment\n[[site]]\ncode = \"PS1\"\n")
        .expect_err("NUL in a comment is invalid TOML");
    assert_eq!(e.line, Some(1));
    assert!(e.message.contains("character"), "{e}");
    assert!(e.message.contains("'\\0'"), "{e}");
    assert!(e.message.contains("column 4"), "{e}");
}

#[test]
fn url_passwords_in_settings_are_masked() {
    let (s, _) = import_ok(
        "supdiag.toml",
        "[sync]\nsource = \"upstream\"\nupstream_url = \"http://wsus-user:hunter2@up.contoso.com:8530/\"\n\n\
         [wsus]\nmu_url = \"https://a:b@sws.update.microsoft.com\"\ncontent_dir = \"D:\\\\x:y@z\"\n",
    );
    assert_eq!(
        val(&s, "config.sync.upstream_url"),
        text("http://wsus-user:***@up.contoso.com:8530/")
    );
    assert_eq!(
        val(&s, "config.wsus.mu_url"),
        text("https://a:***@sws.update.microsoft.com")
    );
    // Not a URL: left alone.
    assert_eq!(val(&s, "config.wsus.content_dir"), text("D:\\x:y@z"));
}
