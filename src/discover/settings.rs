//! Settings read live, as text the importers read: the WSUS `Setup` key and the client's
//! Windows Update policy as `.reg` export text, applicationHost.config (password attributes
//! removed), and the ConfigMgr settings as the JSON the CM importer reads when the console's
//! PowerShell module reaches an SMS Provider. Each text is imported here once to tell whether
//! the source is usable; the pipeline imports it again with the other settings.

use std::path::Path;

use super::logs::{APPLICATION_HOST, WSUS_SETUP};
use super::regtext::{export, KeySpec};
use super::system::{expand_env, System};
use super::{Found, SourceStatus};
use crate::settings::SettingsText;

/// The WSUS Setup values worth keeping (none of them a secret).
pub const WSUS_SETUP_SPEC: KeySpec = KeySpec {
    key: WSUS_SETUP,
    names: &[
        "PortNumber",
        "UsingSSL",
        "ServerCertificateName",
        "ContentDir",
        "SqlServerName",
        "SqlDatabaseName",
        "TargetDir",
        "IISTargetWebSiteIndex",
        "VersionString",
        "EnableSelfSignedCertificates",
    ],
};

pub const WU_POLICY: &str = "SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate";
pub const WU_POLICY_AU: &str = "SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU";

pub const WU_POLICY_SPECS: [KeySpec; 2] = [
    KeySpec {
        key: WU_POLICY,
        names: &[
            "WUServer",
            "WUStatusServer",
            "UpdateServiceUrlAlternate",
            "DoNotConnectToWindowsUpdateInternetLocations",
            "SetProxyBehaviorForUpdateDetection",
            "TargetGroupEnabled",
            "TargetGroup",
        ],
    },
    KeySpec {
        key: WU_POLICY_AU,
        names: &[
            "UseWUServer",
            "NoAutoUpdate",
            "AUOptions",
            "DetectionFrequencyEnabled",
            "DetectionFrequency",
        ],
    },
];

const CM_SCRIPT: &str = include_str!("ps/cm-settings.ps1");

pub fn discover_settings(sys: &dyn System, found: &mut Found) {
    registry(
        sys,
        found,
        "wsus-setup",
        "WSUS server settings (registry)",
        "wsus-setup.reg",
        std::slice::from_ref(&WSUS_SETUP_SPEC),
        "WSUS is not installed here (key not found)",
    );
    iis_config(sys, found);
    registry(
        sys,
        found,
        "wu-policy",
        "Windows Update client policy (registry)",
        "wu-policy.reg",
        &WU_POLICY_SPECS,
        "no Windows Update policy on this machine (key not found): its update source is not managed",
    );
    configmgr(sys, found);
}

/// Import the text once: `Ok` when it gives settings, else why not.
fn check(t: &SettingsText) -> Result<usize, String> {
    match crate::settings::import_text(Path::new(&t.name), &t.shown, &t.text) {
        Ok((facts, _)) if facts.is_empty() => Err("no settings supdiag reads in it".into()),
        Ok((facts, _)) => Ok(facts.len()),
        Err(e) => Err(e.to_string()),
    }
}

fn keep(
    found: &mut Found,
    id: &'static str,
    what: &'static str,
    location: String,
    t: SettingsText,
) {
    match check(&t) {
        Ok(n) => {
            found.sources.push(SourceStatus::used(
                id,
                what,
                location,
                format!("{n} settings"),
            ));
            found.settings.push(t);
        }
        Err(e) => found
            .sources
            .push(SourceStatus::missing(id, what, location, e)),
    }
}

fn registry(
    sys: &dyn System,
    found: &mut Found,
    id: &'static str,
    what: &'static str,
    name: &str,
    specs: &[KeySpec],
    absent: &str,
) {
    let location = specs
        .first()
        .map(|s| format!("HKLM\\{}", s.key))
        .unwrap_or_default();
    match export(sys, specs) {
        Err(e) => found
            .sources
            .push(SourceStatus::missing(id, what, location, e)),
        Ok((_, 0)) => found
            .sources
            .push(SourceStatus::missing(id, what, location, absent)),
        Ok((text, _)) => {
            let t = SettingsText {
                name: name.to_string(),
                shown: location.clone(),
                text,
            };
            keep(found, id, what, location, t);
        }
    }
}

/// applicationHost.config with every attribute whose name mentions a password blanked (an
/// application pool identity or a virtual directory account can carry one).
pub fn without_passwords(xml: &str) -> String {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r#"(?i)(\s[\w.:-]*password[\w.:-]*\s*=\s*)("[^"]*"|'[^']*')"#).ok()
    });
    match re {
        Some(re) => re.replace_all(xml, "${1}\"\"").into_owned(),
        // The pattern is a constant that compiles; were it not to, keep nothing rather than a
        // secret.
        None => String::new(),
    }
}

fn iis_config(sys: &dyn System, found: &mut Found) {
    let (id, what) = ("iis-config", "IIS configuration (applicationHost.config)");
    let path = expand_env(APPLICATION_HOST, sys);
    match std::fs::read(sys.local(&path)) {
        Err(e) => found.sources.push(SourceStatus::missing(
            id,
            what,
            path,
            format!("IIS is not installed or not readable here: {e}"),
        )),
        Ok(bytes) => {
            let text = crate::source::decode::decode_bytes(bytes);
            let t = SettingsText {
                name: "applicationHost.config".into(),
                shown: path.replace('\\', "/"),
                text: without_passwords(text.text()),
            };
            keep(found, id, what, path, t);
        }
    }
}

fn configmgr(sys: &dyn System, found: &mut Found) {
    let (id, what) = (
        "configmgr-provider",
        "ConfigMgr site settings (ConfigurationManager module, SMS Provider)",
    );
    let location = "Get-CMSoftwareUpdatePoint & co.".to_string();
    if sys.env("SMS_ADMIN_UI_PATH").is_none() {
        return found.sources.push(SourceStatus::missing(
            id,
            what,
            location,
            "the ConfigMgr console (its PowerShell module) is not installed here (SMS_ADMIN_UI_PATH not set)",
        ));
    }
    match sys.powershell(CM_SCRIPT) {
        None => found.sources.push(SourceStatus::missing(
            id,
            what,
            location,
            "PowerShell not found",
        )),
        Some(Err(e)) => found.sources.push(SourceStatus::missing(
            id,
            what,
            location,
            format!("the SMS Provider could not be read: {e}"),
        )),
        Some(Ok(json)) => {
            let t = SettingsText {
                name: "configmgr.json".into(),
                shown: "ConfigMgr (SMS Provider)".into(),
                text: json,
            };
            keep(found, id, what, location, t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_attributes_are_blanked() {
        let xml = r#"<add name="p"><processModel userName="svc" password="[enc:AesProvider:abc:enc]" /><virtualDirectory path="/" Password = 'x' userPassword="y"/></add>"#;
        let out = without_passwords(xml);
        assert!(
            !out.contains("enc:") && !out.contains("'x'") && !out.contains("\"y\""),
            "{out}"
        );
        assert!(out.contains(r#"userName="svc""#));
        assert!(out.contains(r#"password="""#));
    }
}
