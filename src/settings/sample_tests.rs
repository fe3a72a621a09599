//! Sample settings files against the correlation fact rules (the table in
//! samples/settings/README.md).

use std::path::{Path, PathBuf};

use super::*;
use crate::rules::condition::Condition;

fn load(names: &[&str]) -> FactStore {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/settings");
    let paths: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    load_settings(&paths, true)
        .map(|(s, _)| s)
        .unwrap_or_else(|e| panic!("{e:#}"))
}

// ---- samples against the fact rules ---------------------------------------------------------

const FACT_RULES: &[&str] = &[
    "adr_proxy_not_enabled",
    "adr_proxy_enabled_cannot_resolve",
    "sync_proxy_not_enabled",
    "cas_internet_unreachable",
    "config_sup_port_not_bound",
    "config_https_port_pairing",
    "config_ssl_required_not_configured",
    "config_ssl_on_wrong_vdir",
    "config_observed_mismatch",
    "config_cert_name_mismatch",
    "config_sync_source_invalid",
    "config_mu_url_decommissioned",
    "config_adr_proxy_on_secondary",
    "config_no_sync_schedule",
    "settings_contradiction",
];

fn fired(facts: &FactStore) -> Vec<&'static str> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    FACT_RULES
        .iter()
        .copied()
        .filter(|id| {
            let t = std::fs::read_to_string(dir.join(format!("{id}.toml"))).unwrap_or_default();
            let doc: toml::Table = t.parse().unwrap_or_default();
            let when = doc.get("when").and_then(|w| w.as_str()).unwrap_or("false");
            Condition::parse(when)
                .map(|c| c.eval(facts))
                .unwrap_or(false)
        })
        .collect()
}

/// What the sample log folders contribute (the facts their line rules and observer produce).
fn log_facts(folder: &str) -> FactStore {
    let mut s = FactStore::new();
    let p = || Provenance::new(folder.to_string());
    match folder {
        "site-healthy" => {
            s.insert("observed.wcm.server", "cm01.contoso.com", p());
            s.insert("observed.wcm.port", 8530i64, p());
            s.insert("observed.wcm.use_ssl", false, p());
            s.insert("observed.wcm.upstream", "microsoft_update", p());
            s.insert("observed.site.top_level", true, p());
        }
        "site-adr-12007" => s.insert("finding.adr_download_internet_12007", 2i64, p()),
        "site-wsus-not-configured" => {
            s.insert("finding.wcm_connection_refused", 1i64, p());
            s.insert("finding.wsyncmgr_wsus_not_configured", 1i64, p());
            s.insert("observed.wcm.server", "cm01.contoso.com", p());
            s.insert("observed.wcm.port", 8531i64, p());
            s.insert("observed.wcm.use_ssl", true, p());
        }
        "site-ssl-transport-closed" => {
            s.insert("finding.wcm_ssl_transport_closed", 1i64, p());
            // The sample is a remote SUP: WCM on CM01 connects to sup01.
            s.insert("observed.wcm.server", "sup01.contoso.com", p());
            s.insert("observed.wcm.port", 8531i64, p());
            s.insert("observed.wcm.use_ssl", true, p());
        }
        "cas-no-internet" => {
            s.insert("finding.wsyncmgr_uss_name_not_resolved", 3i64, p());
            s.insert("observed.sync.endpoint", "sws.update.microsoft.com", p());
            s.insert("observed.site.top_level", true, p());
        }
        _ => {}
    }
    s
}

/// The combinations listed in samples/settings/README.md.
#[test]
fn sample_combinations_produce_their_findings() {
    let cases: &[(&[&str], &str, &[&str])] = &[
        (
            &[
                "healthy.toml",
                "healthy-sup.json",
                "healthy-component.json",
                "healthy-applicationHost.config",
                "healthy-wsus-setup.reg",
            ],
            "site-healthy",
            &[],
        ),
        (
            &["adr-proxy-off.toml"],
            "site-adr-12007",
            &["adr_proxy_not_enabled"],
        ),
        (
            &["adr-proxy-on.toml"],
            "site-adr-12007",
            &["adr_proxy_enabled_cannot_resolve"],
        ),
        (
            &[
                "ssl-required-no-ssl.toml",
                "ssl-missing-applicationHost.config",
                "wsus-setup-nossl.reg",
            ],
            "site-wsus-not-configured",
            &["config_ssl_required_not_configured"],
        ),
        (
            &[
                "ssl-cert-name.toml",
                "ssl-ok-applicationHost.config",
                "wsus-setup-certname.reg",
            ],
            "site-ssl-transport-closed",
            &["config_cert_name_mismatch"],
        ),
        (
            &["cas-no-proxy.toml"],
            "cas-no-internet",
            &["sync_proxy_not_enabled", "cas_internet_unreachable"],
        ),
        (
            &["port-mismatch-sup.json", "healthy-applicationHost.config"],
            "site-healthy",
            &["config_sup_port_not_bound", "config_observed_mismatch"],
        ),
        (&["https-pairing.toml"], "", &["config_https_port_pairing"]),
        (
            &["healthy.toml", "ssl-wrong-vdir-applicationHost.config"],
            "",
            &["config_ssl_on_wrong_vdir"],
        ),
        (&["mu-url-fe2.toml"], "", &["config_mu_url_decommissioned"]),
        (
            &["hierarchy-secondary.toml"],
            "",
            &["config_adr_proxy_on_secondary"],
        ),
        (
            &["top-level-replica.toml"],
            "",
            &["config_sync_source_invalid"],
        ),
        (&["no-schedule.toml"], "", &["config_no_sync_schedule"]),
        (
            &["healthy.toml", "port-mismatch-sup.json"],
            "",
            &["settings_contradiction"],
        ),
    ];
    for (files, folder, want) in cases {
        let mut s = load(files);
        s.extend(log_facts(folder));
        assert_eq!(fired(&s), want.to_vec(), "{files:?} with {folder:?}");
    }
}
