//! Unit tests of the static checks over hand-built fact stores.

use super::*;
use crate::facts::{Provenance, Value};
use crate::precheck::checks_config::expected_http_port;
use crate::precheck::Check;

fn store(facts: &[(&str, Value)]) -> FactStore {
    let mut s = FactStore::new();
    for (k, v) in facts {
        s.insert(*k, v.clone(), Provenance::new("test.toml").with_key(*k));
    }
    s
}

fn s(v: &str) -> Value {
    Value::Str(v.into())
}

fn of<'c>(checks: &'c [Check], id: &str) -> Vec<&'c Check> {
    checks.iter().filter(|c| c.id == id).collect()
}

fn status_for(checks: &[Check], id: &str, target: Option<&str>) -> Option<S> {
    checks
        .iter()
        .find(|c| c.id == id && c.target.as_deref() == target)
        .map(|c| c.status)
}

/// CAS with SUP, child primary PS1 with SUP, secondary SS1 without.
fn healthy() -> Vec<(&'static str, Value)> {
    vec![
        ("config.site[CAS].role", s("cas")),
        ("config.site[PS1].role", s("primary")),
        ("config.site[PS1].parent", s("CAS")),
        ("config.site[SS1].role", s("secondary")),
        ("config.site[SS1].parent", s("PS1")),
        ("config.site_server[CAS]", s("cas.contoso.com")),
        ("config.site_server[PS1]", s("ps1.contoso.com")),
        ("config.sup[cas.contoso.com].site", s("CAS")),
        ("config.sup[cas.contoso.com].sync_source", Value::Bool(true)),
        (
            "config.sup[cas.contoso.com].wsus_installed",
            Value::Bool(true),
        ),
        (
            "config.sup[cas.contoso.com].wsus_version",
            s("10.0.17763.1"),
        ),
        ("config.sup[cas.contoso.com].http_port", Value::Int(8530)),
        ("config.sup[cas.contoso.com].https_port", Value::Int(8531)),
        (
            "config.sup[cas.contoso.com].require_ssl",
            Value::Bool(false),
        ),
        ("config.sup[ps1sup.contoso.com].site", s("PS1")),
        (
            "config.sup[ps1sup.contoso.com].wsus_installed",
            Value::Bool(true),
        ),
        ("config.sup[ps1sup.contoso.com].http_port", Value::Int(80)),
        ("config.sup[ps1sup.contoso.com].https_port", Value::Int(443)),
        (
            "config.sup[ps1sup.contoso.com].wsus_console_on_site_server",
            Value::Bool(true),
        ),
        ("config.sync.source", s("microsoft_update")),
        ("config.sync.schedule", s("every 1 day")),
    ]
}

#[test]
fn healthy_hierarchy_has_no_failures() {
    let checks = static_checks(&store(&healthy()));
    let bad: Vec<&Check> = checks
        .iter()
        .filter(|c| matches!(c.status, S::Fail | S::Warn))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    assert_eq!(
        status_for(&checks, "precheck_sup_missing_on_site", Some("SS1")),
        Some(S::Pass)
    );
    assert_eq!(
        status_for(&checks, "precheck_install_order", Some("PS1")),
        Some(S::Pass)
    );
    assert_eq!(
        status_for(
            &checks,
            "precheck_remote_sup_console",
            Some("ps1sup.contoso.com")
        ),
        Some(S::Pass)
    );
}

#[test]
fn child_sup_without_parent_sup_is_install_order_error() {
    let mut f: Vec<(&str, Value)> = healthy()
        .into_iter()
        .filter(|(k, _)| !k.starts_with("config.sup[cas.contoso.com]"))
        .collect();
    f.push((
        "config.sups",
        Value::List(vec!["ps1sup.contoso.com".into()]),
    ));
    let checks = static_checks(&store(&f));
    assert_eq!(
        status_for(&checks, "precheck_install_order", Some("PS1")),
        Some(S::Fail)
    );
    assert_eq!(
        status_for(&checks, "precheck_sup_missing_on_site", Some("CAS")),
        Some(S::Fail)
    );
    let c = of(&checks, "precheck_install_order");
    assert!(
        c[0].detail.contains("parent site CAS has none"),
        "{}",
        c[0].detail
    );
}

#[test]
fn primary_without_sup_fails_secondary_without_passes() {
    let f = vec![
        ("config.site[PS1].role", s("primary")),
        ("config.site[SS1].role", s("secondary")),
        ("config.site[SS1].parent", s("PS1")),
        ("config.site[XX1].parent", s("PS1")),
    ];
    let checks = static_checks(&store(&f));
    assert_eq!(
        status_for(&checks, "precheck_sup_missing_on_site", Some("PS1")),
        Some(S::Fail)
    );
    assert_eq!(
        status_for(&checks, "precheck_sup_missing_on_site", Some("SS1")),
        Some(S::Pass)
    );
    assert_eq!(
        status_for(&checks, "precheck_sup_missing_on_site", Some("XX1")),
        Some(S::Skipped)
    );
}

#[test]
fn wsus_missing_unknown_and_present() {
    let f = vec![
        (
            "config.sup[a.contoso.com].wsus_installed",
            Value::Bool(false),
        ),
        ("config.sup[b.contoso.com].site", s("PS1")),
        (
            "config.sup[c.contoso.com].wsus_version",
            s("6.2.9200.22167"),
        ),
    ];
    let checks = static_checks(&store(&f));
    let id = "precheck_wsus_not_installed";
    assert_eq!(
        status_for(&checks, id, Some("a.contoso.com")),
        Some(S::Fail)
    );
    assert_eq!(
        status_for(&checks, id, Some("b.contoso.com")),
        Some(S::Skipped)
    );
    assert_eq!(
        status_for(&checks, id, Some("c.contoso.com")),
        Some(S::Pass)
    );
}

#[test]
fn empty_settings_skip_everything_with_reasons() {
    let checks = static_checks(&FactStore::new());
    assert!(!checks.is_empty());
    for c in &checks {
        assert!(
            matches!(c.status, S::Skipped),
            "{} passed/failed on no settings: {:?} {}",
            c.id,
            c.status,
            c.detail
        );
        assert!(!c.detail.is_empty(), "{} skipped without a reason", c.id);
    }
}

#[test]
fn port_pairing_rules() {
    assert_eq!(expected_http_port(443), 80);
    assert_eq!(expected_http_port(8531), 8530);
    let f = vec![
        ("config.sup[a.contoso.com].http_port", Value::Int(8530)),
        ("config.sup[a.contoso.com].https_port", Value::Int(443)),
        ("config.sup[b.contoso.com].http_port", Value::Int(80)),
        ("config.sup[b.contoso.com].require_ssl", Value::Bool(true)),
        ("config.sup[c.contoso.com].https_port", Value::Int(8531)),
    ];
    let checks = static_checks(&store(&f));
    let id = "precheck_port_ssl_pairing";
    assert_eq!(
        status_for(&checks, id, Some("a.contoso.com")),
        Some(S::Fail)
    );
    assert_eq!(
        status_for(&checks, id, Some("b.contoso.com")),
        Some(S::Fail)
    );
    assert_eq!(
        status_for(&checks, id, Some("c.contoso.com")),
        Some(S::Skipped)
    );
}

#[test]
fn top_sup_compared_with_iis_and_registry() {
    let f = vec![
        ("config.site[PS1].role", s("primary")),
        ("config.sup[sup.contoso.com].site", s("PS1")),
        ("config.sup[sup.contoso.com].http_port", Value::Int(8530)),
        ("config.sup[sup.contoso.com].https_port", Value::Int(8531)),
        ("config.sup[sup.contoso.com].require_ssl", Value::Bool(true)),
        ("config.iis.site_name", s("WSUS Administration")),
        ("config.iis.http_port", Value::Int(8530)),
        ("config.wsus.port", Value::Int(8530)),
        ("config.wsus.using_ssl", Value::Bool(false)),
        (
            "config.iis.ssl_vdirs",
            Value::List(vec!["ClientWebService".into(), "SelfUpdate".into()]),
        ),
        ("config.wsus.cert_name", s("other.contoso.com")),
    ];
    let checks = static_checks(&store(&f));
    let c = of(&checks, "precheck_port_ssl_pairing");
    assert_eq!(c[0].status, S::Fail);
    assert!(c[0].detail.contains("no HTTPS binding"), "{}", c[0].detail);
    assert!(c[0].detail.contains("UsingSSL=0"), "{}", c[0].detail);
    assert!(c[0].detail.contains("SelfUpdate"), "{}", c[0].detail);
    assert_eq!(
        status_for(
            &checks,
            "precheck_ssl_certificate_name",
            Some("sup.contoso.com")
        ),
        Some(S::Fail)
    );
}

#[test]
fn proxy_option_without_proxy_is_incomplete() {
    let f = vec![
        (
            "config.sup[a.contoso.com].use_proxy_for_sync",
            Value::Bool(true),
        ),
        (
            "config.sup[b.contoso.com].use_proxy_for_adr",
            Value::Bool(true),
        ),
        ("config.proxy[b.contoso.com].name", s("proxy.contoso.com")),
        ("config.proxy[b.contoso.com].port", Value::Int(70000)),
        (
            "config.sup[c.contoso.com].use_proxy_for_sync",
            Value::Bool(true),
        ),
        ("config.proxy[c.contoso.com].name", s("proxy.contoso.com")),
        ("config.proxy[c.contoso.com].port", Value::Int(8080)),
        (
            "config.sup[d.contoso.com].use_proxy_for_sync",
            Value::Bool(false),
        ),
        ("config.sup[e.contoso.com].site", s("PS1")),
    ];
    let checks = static_checks(&store(&f));
    let id = "precheck_proxy_incomplete";
    assert_eq!(
        status_for(&checks, id, Some("a.contoso.com")),
        Some(S::Fail)
    );
    let b = of(&checks, id)
        .into_iter()
        .find(|c| c.target.as_deref() == Some("b.contoso.com"));
    assert!(b.is_some_and(|c| c.status == S::Fail && c.detail.contains("70000")));
    assert_eq!(
        status_for(&checks, id, Some("c.contoso.com")),
        Some(S::Pass)
    );
    assert_eq!(
        status_for(&checks, id, Some("d.contoso.com")),
        Some(S::Pass)
    );
    assert_eq!(
        status_for(&checks, id, Some("e.contoso.com")),
        Some(S::Skipped)
    );
}

#[test]
fn sync_source_replicas_and_upstream() {
    let f = vec![
        ("config.site[CAS].role", s("cas")),
        ("config.sup[a.contoso.com].site", s("CAS")),
        ("config.sup[a.contoso.com].sync_source", Value::Bool(true)),
        ("config.sup[b.contoso.com].site", s("CAS")),
        ("config.sup[b.contoso.com].sync_source", Value::Bool(true)),
        ("config.sync.source", s("upstream")),
        ("config.sync.upstream_url", s("https://A.contoso.com:8531")),
    ];
    let checks = static_checks(&store(&f));
    assert_eq!(
        status_for(&checks, "precheck_replica_not_first", Some("CAS")),
        Some(S::Fail)
    );
    let up = of(&checks, "precheck_existing_wsus_not_upstream");
    assert_eq!(up[0].status, S::Fail);
    assert!(up[0].detail.contains("a.contoso.com"), "{}", up[0].detail);

    let f = vec![
        ("config.sync.source", s("upstream")),
        (
            "config.sync.upstream_url",
            s("https://legacywsus.contoso.com:8531"),
        ),
    ];
    let checks = static_checks(&store(&f));
    assert_eq!(
        of(&checks, "precheck_existing_wsus_not_upstream")[0].status,
        S::Pass
    );
}

#[test]
fn child_syncing_from_microsoft_update_in_logs_fails() {
    let f = vec![
        ("observed.site.child_of", s("CAS")),
        ("observed.wcm.upstream", s("microsoft_update")),
    ];
    let checks = static_checks(&store(&f));
    assert_eq!(
        status_for(&checks, "precheck_child_not_upstream", None),
        Some(S::Fail)
    );
}

#[test]
fn remote_sup_console_and_account() {
    let f = vec![
        ("config.site_server[PS1]", s("ps1.contoso.com")),
        ("config.sup[sup.contoso.com].site", s("PS1")),
        (
            "config.sup[sup.contoso.com].wsus_console_on_site_server",
            Value::Bool(false),
        ),
        ("config.sup[ps1.contoso.com].site", s("PS1")),
        (
            "config.sup[ps1.contoso.com].connection_account",
            s("CONTOSO\\svc-wsus"),
        ),
    ];
    let checks = static_checks(&store(&f));
    let id = "precheck_remote_sup_console";
    assert_eq!(
        status_for(&checks, id, Some("sup.contoso.com")),
        Some(S::Fail)
    );
    assert_eq!(
        status_for(&checks, id, Some("ps1.contoso.com")),
        Some(S::Pass)
    );
    let acct = of(&checks, "precheck_connection_account");
    let remote = acct
        .iter()
        .find(|c| c.target.as_deref() == Some("sup.contoso.com"));
    assert!(remote.is_some_and(|c| c.status == S::Info && c.detail.contains("ps1.contoso.com")));
    let local = acct
        .iter()
        .find(|c| c.target.as_deref() == Some("ps1.contoso.com"));
    assert!(local.is_some_and(|c| c.status == S::Pass && c.detail.contains("svc-wsus")));
}

#[test]
fn schedule_notes_and_standalone_wsus() {
    let f = vec![
        ("config.sync.source", s("microsoft_update")),
        ("config.products", Value::List(vec!["Windows 11".into()])),
        ("config.classifications", Value::List(vec![])),
        ("config.supersedence.months", Value::Int(3)),
        ("config.reporting_events", Value::Bool(true)),
        ("config.sup[sup.contoso.com].site", s("PS1")),
        (
            "observed.client.sup_url",
            s("http://oldwsus.contoso.com:8530"),
        ),
    ];
    let checks = static_checks(&store(&f));
    assert_eq!(
        status_for(&checks, "precheck_sync_schedule", None),
        Some(S::Warn)
    );
    assert_eq!(
        status_for(&checks, "precheck_first_sync_products", None),
        Some(S::Info)
    );
    assert_eq!(
        status_for(&checks, "precheck_supersedence_noted", None),
        Some(S::Info)
    );
    assert_eq!(
        status_for(&checks, "precheck_reporting_events_noted", None),
        Some(S::Info)
    );
    assert_eq!(
        status_for(
            &checks,
            "precheck_standalone_wsus",
            Some("oldwsus.contoso.com")
        ),
        Some(S::Warn)
    );
}

#[test]
fn url_host_extraction() {
    assert_eq!(url_host("https://WSUS:8531/x").as_deref(), Some("wsus"));
    assert_eq!(url_host("http://[::1]:80").as_deref(), Some("::1"));
    assert_eq!(
        url_host("wsus.contoso.com").as_deref(),
        Some("wsus.contoso.com")
    );
    assert_eq!(url_host("https://"), None);
}
