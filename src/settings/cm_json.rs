//! ConfigMgr exports piped to `ConvertTo-Json`: `Get-CMSoftwareUpdatePoint`,
//! `Get-CMSoftwareUpdatePointComponent`, `Get-CMSiteSystemServer`, `Get-CMSiteComponent`,
//! `Get-CMSite` and raw `SMS_SCI_SysResUse` / `SMS_SCI_Component` instances (docs/domain.md §E.1).
//!
//! Objects carry `RoleName` / `ComponentName` / `ItemName`, `SiteCode`, `NetworkOSPath` and a
//! `Props` array of `{PropertyName, Value, Value1, Value2}`. Unknown objects and properties are
//! ignored; a single object and an array of them are both accepted.

use std::collections::BTreeMap;

use serde_json::Value as J;

use super::{norm_fqdn, SettingsError, Sink};
use crate::facts::Value;

/// Cheap content test for folder auto-pickup.
pub fn looks_like_cm(text: &str) -> bool {
    [
        "\"RoleName\"",
        "\"ComponentName\"",
        "\"PropertyName\"",
        "\"ReportingSiteCode\"",
    ]
    .iter()
    .any(|w| text.contains(w))
}

/// Case-insensitive field lookup (PowerShell is case-insensitive; exports vary).
fn field<'a>(o: &'a serde_json::Map<String, J>, name: &str) -> Option<&'a J> {
    o.get(name).or_else(|| {
        o.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

fn str_field(o: &serde_json::Map<String, J>, name: &str) -> Option<String> {
    match field(o, name)? {
        J::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        J::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One embedded property: `Value` (int), `Value1`, `Value2` (strings).
#[derive(Debug, Default)]
struct Prop {
    value: Option<i64>,
    value1: Option<String>,
    value2: Option<String>,
}

fn as_int(v: &J) -> Option<i64> {
    match v {
        J::Number(n) => n.as_i64(),
        J::String(s) => s.trim().parse().ok(),
        J::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

fn as_text(v: &J) -> Option<String> {
    match v {
        J::String(s) => Some(s.trim().to_string()),
        J::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn props(o: &serde_json::Map<String, J>, sink: &mut Sink, what: &str) -> BTreeMap<String, Prop> {
    let mut out = BTreeMap::new();
    let Some(J::Array(list)) = field(o, "Props") else {
        return out;
    };
    for p in list {
        let J::Object(p) = p else { continue };
        let Some(name) = field(p, "PropertyName").and_then(as_text) else {
            continue;
        };
        if crate::redact::is_secret_name(&name) {
            sink.warn(format!(
                "{what}: property `{name}` ignored; supdiag does not store secrets"
            ));
            continue;
        }
        out.insert(
            name,
            Prop {
                value: field(p, "Value").and_then(as_int),
                value1: field(p, "Value1")
                    .and_then(as_text)
                    .filter(|s| !s.is_empty()),
                value2: field(p, "Value2")
                    .and_then(as_text)
                    .filter(|s| !s.is_empty()),
            },
        );
    }
    out
}

/// Server FQDN of a site system object: `NetworkOSPath` (`\\CM01.contoso.com`), or the NAL path
/// inside `ItemName`, or `SiteSystemServerName` / `ServerName`.
pub fn server_of(o: &serde_json::Map<String, J>) -> Option<String> {
    if let Some(p) = str_field(o, "NetworkOSPath") {
        let n = norm_fqdn(&p);
        if !n.is_empty() {
            return Some(n);
        }
    }
    for name in ["SiteSystemServerName", "ServerName", "NALPath", "ItemName"] {
        let Some(v) = str_field(o, name) else {
            continue;
        };
        // NAL form: ["Display=\\CM01.contoso.com\"]MSWNET:["SMS_SITE=PS1"]\\CM01.contoso.com\
        let host = match v.rfind("]\\\\") {
            Some(i) => v[i + 3..].split(['\\', ',', '"']).next().unwrap_or(""),
            None if name == "ItemName" || name == "NALPath" => continue,
            None => v.as_str(),
        };
        let n = norm_fqdn(host);
        if !n.is_empty() {
            return Some(n);
        }
    }
    None
}

/// Objects of the document: a single object, an array, or `{ "value": [...] }`.
fn objects(doc: &J) -> Vec<&serde_json::Map<String, J>> {
    match doc {
        J::Array(a) => a.iter().flat_map(objects).collect(),
        J::Object(o) => match field(o, "value") {
            Some(J::Array(a)) if field(o, "Props").is_none() => {
                a.iter().flat_map(objects).collect()
            }
            _ => vec![o],
        },
        _ => Vec::new(),
    }
}

pub fn import(file: &str, text: &str, sink: &mut Sink) -> Result<(), SettingsError> {
    let text = text.trim_start_matches('\u{feff}');
    let doc: J = serde_json::from_str(text)
        .map_err(|e| SettingsError::at(file, e.line().max(1), format!("invalid JSON: {e}")))?;
    let objs = objects(&doc);
    if objs.is_empty() {
        return Err(SettingsError::new(
            file,
            "no ConfigMgr objects in this JSON (expected an object or an array of objects)",
        ));
    }
    // SUP order per site, to mark the first one as the site's sync source.
    let mut sups_per_site: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, o) in objs.iter().enumerate() {
        for k in o.keys() {
            if crate::redact::is_secret_name(k) {
                sink.warn(format!(
                    "object {i}: field `{k}` ignored; supdiag does not store secrets"
                ));
            }
        }
        let role = str_field(o, "RoleName").unwrap_or_default();
        let component = str_field(o, "ComponentName")
            .or_else(|| {
                str_field(o, "ItemName")
                    .filter(|n| n.starts_with("SMS_"))
                    .map(|n| n.split('|').next().unwrap_or("").to_string())
            })
            .unwrap_or_default();
        let site = str_field(o, "SiteCode").map(|s| s.to_ascii_uppercase());
        let what = format!(
            "object {i} ({})",
            if role.is_empty() { &component } else { &role }
        );
        if role.eq_ignore_ascii_case("SMS Software Update Point") {
            let Some(fqdn) = server_of(o) else {
                sink.dropped(
                    None,
                    format!("{what}: no server name (NetworkOSPath/ItemName); skipped"),
                );
                continue;
            };
            let p = props(o, sink, &what);
            import_sup(sink, &fqdn, site.as_deref(), &p);
            if let Some(s) = &site {
                sups_per_site.entry(s.clone()).or_default().push(fqdn);
            }
        } else if role.eq_ignore_ascii_case("SMS Site System") {
            let Some(fqdn) = server_of(o) else { continue };
            let p = props(o, sink, &what);
            import_site_system(sink, &fqdn, &p);
        } else if role.eq_ignore_ascii_case("SMS Site Server") {
            if let (Some(fqdn), Some(s)) = (server_of(o), &site) {
                sink.set(
                    &format!("config.site_server[{s}]"),
                    fqdn,
                    "RoleName=SMS Site Server",
                );
            }
        } else if component.eq_ignore_ascii_case("SMS_WSUS_CONFIGURATION_MANAGER") {
            let p = props(o, sink, &what);
            import_sup_component(sink, &p);
        } else if component.eq_ignore_ascii_case("SMS_WSUS_SYNC_MANAGER") {
            let p = props(o, sink, &what);
            if let Some(sched) = p.get("Sync Schedule") {
                sink.set(
                    "config.sync.schedule",
                    sched.value1.clone().unwrap_or_default(),
                    "Sync Schedule",
                );
            }
        } else if field(o, "ReportingSiteCode").is_some() {
            import_site(sink, o);
        }
    }
    for (site, list) in sups_per_site {
        if list.len() < 2 {
            continue; // one SUP in the export says nothing about install order
        }
        for (i, fqdn) in list.iter().enumerate() {
            sink.set(
                &format!("config.sup[{fqdn}].sync_source"),
                i == 0,
                &format!("order of SUPs of site {site} in the export"),
            );
        }
    }
    Ok(())
}

fn import_sup(sink: &mut Sink, fqdn: &str, site: Option<&str>, p: &BTreeMap<String, Prop>) {
    let k = |f: &str| format!("config.sup[{fqdn}].{f}");
    if let Some(s) = site {
        sink.set(&k("site"), s, "SiteCode");
    }
    for (prop, fact) in [
        ("WSUSIISPort", "http_port"),
        ("WSUSIISSSLPort", "https_port"),
    ] {
        if let Some(v) = p.get(prop).and_then(|x| x.value) {
            sink.set(&k(fact), v, prop);
        }
    }
    for (prop, fact) in [
        ("SSLWSUS", "require_ssl"),
        ("UseProxy", "use_proxy_for_sync"),
        ("UseProxyForADR", "use_proxy_for_adr"),
    ] {
        if let Some(v) = p.get(prop).and_then(|x| x.value) {
            sink.set(&k(fact), v != 0, prop);
        }
    }
    let intranet = p.get("IsIntranet").and_then(|x| x.value).map(|v| v != 0);
    let internet = p.get("IsINF").and_then(|x| x.value).map(|v| v != 0);
    let cc = match (intranet, internet) {
        (Some(true), Some(true)) => Some("both"),
        (_, Some(true)) => Some("internet"),
        (Some(_), _) | (_, Some(false)) => Some("intranet"),
        (None, None) => None,
    };
    if let Some(cc) = cc {
        sink.set(&k("client_connection"), cc, "IsIntranet/IsINF");
    }
    if let Some(acc) = p.get("WSUSAccessAccount") {
        sink.set(
            &k("connection_account"),
            acc.value2.clone().unwrap_or_default(),
            "WSUSAccessAccount",
        );
    }
    // Older builds kept the proxy on the SUP role itself.
    import_proxy_props(sink, fqdn, p, false);
}

fn import_proxy_props(sink: &mut Sink, fqdn: &str, p: &BTreeMap<String, Prop>, site_system: bool) {
    let k = |f: &str| format!("config.proxy[{fqdn}].{f}");
    let name = p.get("ProxyName").and_then(|x| x.value2.clone());
    if let Some(n) = &name {
        sink.set(&k("name"), n.as_str(), "ProxyName");
    }
    if let Some(port) = p.get("ProxyServerPort").and_then(|x| x.value) {
        if name.is_some() || site_system {
            sink.set(&k("port"), port, "ProxyServerPort");
        }
    }
    let anonymous = p
        .get("AnonymousProxyAccess")
        .and_then(|x| x.value)
        .is_some_and(|v| v != 0);
    if let Some(user) = p.get("UserName").and_then(|x| x.value2.clone()) {
        if !anonymous {
            sink.set(&k("account"), user, "UserName");
        }
    }
    if site_system {
        if let Some(v) = p.get("UseProxy").and_then(|x| x.value) {
            sink.set(&k("enabled"), v != 0, "UseProxy");
        }
    }
}

fn import_site_system(sink: &mut Sink, fqdn: &str, p: &BTreeMap<String, Prop>) {
    import_proxy_props(sink, fqdn, p, true);
}

fn import_sup_component(sink: &mut Sink, p: &BTreeMap<String, Prop>) {
    if let Some(v) = p.get("DefaultUseParentWSUS").and_then(|x| x.value) {
        let source = match v {
            0 => "microsoft_update",
            1 => "upstream",
            _ => "none",
        };
        sink.set("config.sync.source", source, "DefaultUseParentWSUS");
    }
    if let Some(u) = p.get("ParentWSUS").and_then(|x| x.value2.clone()) {
        sink.set("config.sync.upstream_url", u, "ParentWSUS");
    }
    if let Some(d) = p.get("DefaultWSUS").and_then(|x| x.value2.clone()) {
        let fqdn = norm_fqdn(&d);
        if !fqdn.is_empty() {
            sink.set(
                &format!("config.sup[{fqdn}].sync_source"),
                true,
                "DefaultWSUS",
            );
        }
    }
    if let Some(l) = p
        .get("SupportedUpdateLanguages")
        .and_then(|x| x.value2.clone())
    {
        let langs: Vec<String> = l
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        sink.set(
            "config.languages",
            Value::List(langs),
            "SupportedUpdateLanguages",
        );
    }
    if let Some(v) = p.get("ClientReportingLevel").and_then(|x| x.value) {
        // 0 = do not create WSUS reporting events (the ConfigMgr default).
        sink.set("config.reporting_events", v != 0, "ClientReportingLevel");
    }
    if let Some(v) = p
        .get("Sync Supersedence Mode For NonFeature")
        .and_then(|x| x.value)
    {
        let mode = if v == 0 { "immediately" } else { "months" };
        sink.set(
            "config.supersedence.mode",
            mode,
            "Sync Supersedence Mode For NonFeature",
        );
    }
    if let Some(v) = p
        .get("Sync Supersedence Age For NonFeature")
        .and_then(|x| x.value)
    {
        sink.set(
            "config.supersedence.months",
            v,
            "Sync Supersedence Age For NonFeature",
        );
    }
}

/// `Get-CMSite`: `SiteCode`, `ReportingSiteCode` (empty = top level), `Type` (1 secondary,
/// 2 primary, 4 CAS), `ServerName`.
fn import_site(sink: &mut Sink, o: &serde_json::Map<String, J>) {
    let Some(code) = str_field(o, "SiteCode").map(|s| s.to_ascii_uppercase()) else {
        return;
    };
    let k = |f: &str| format!("config.site[{code}].{f}");
    match str_field(o, "ReportingSiteCode") {
        Some(p) => {
            sink.set(&k("parent"), p.to_ascii_uppercase(), "ReportingSiteCode");
            sink.set(&k("top_level"), false, "ReportingSiteCode");
        }
        None => sink.set(&k("top_level"), true, "ReportingSiteCode"),
    }
    let role = match field(o, "Type").and_then(as_int) {
        Some(1) => Some("secondary"),
        Some(2) => Some("primary"),
        Some(4) => Some("cas"),
        _ => None,
    };
    if let Some(r) = role {
        sink.set(&k("role"), r, "Type");
    }
    if let Some(s) = str_field(o, "ServerName") {
        sink.set(
            &format!("config.site_server[{code}]"),
            norm_fqdn(&s),
            "ServerName",
        );
    }
}
