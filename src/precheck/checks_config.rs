//! Static checks of the SUP configuration itself: ports and SSL, certificate name, connection
//! account, proxy, remote console, sync source, schedule, products, supersedence, reporting
//! events (docs/domain.md §E.5).

use super::checks::{no_sups, url_host};
use super::hierarchy::{proxy_key, sup_key, Hierarchy};
use super::{Check, CheckStatus as S};

/// WSUS pairs the ports: HTTPS 443 ⇒ HTTP 80, otherwise HTTP = HTTPS − 1.
pub fn expected_http_port(https: i64) -> i64 {
    if https == 443 {
        80
    } else {
        https - 1
    }
}

pub(super) fn port_ssl_pairing(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_port_ssl_pairing";
    if h.sups.is_empty() {
        return vec![no_sups(ID)];
    }
    let top = h.top_sup();
    let mut out = Vec::new();
    for sup in &h.sups {
        let (hk, sk, rk) = (
            sup_key(sup, "http_port"),
            sup_key(sup, "https_port"),
            sup_key(sup, "require_ssl"),
        );
        let (http, https, ssl) = (h.int(&hk), h.int(&sk), h.bool(&rk));
        let mut problems = Vec::new();
        let mut keys = vec![hk, sk, rk];
        match (http, https) {
            (Some(p), Some(s)) if expected_http_port(s) != p => problems.push(format!(
                "HTTP port {p} does not pair with HTTPS port {s} (WSUS expects HTTP {})",
                expected_http_port(s)
            )),
            (None, _) => {
                out.push(
                    Check::new(
                        ID,
                        S::Skipped,
                        Some(sup),
                        "HTTP port unknown (config.sup[..].http_port)",
                    )
                    .keys(keys),
                );
                continue;
            }
            _ => {}
        }
        if ssl == Some(true) && https.is_none() {
            problems.push("'Require SSL' is on but no HTTPS port is set".into());
        }
        // The unindexed IIS/registry facts describe the top-level sync-source SUP (facts.md).
        if top.as_deref() == Some(sup.as_str()) {
            let iis_http = h.int("config.iis.http_port");
            let iis_https = h.int("config.iis.https_port");
            let site_name = h
                .str("config.iis.site_name")
                .unwrap_or_else(|| "the WSUS site".into());
            if let (Some(p), Some(i)) = (http, iis_http) {
                if p != i {
                    problems.push(format!(
                        "SUP HTTP port {p} but IIS binds {site_name} to {i}"
                    ));
                }
            }
            if let (Some(s), Some(i)) = (https, iis_https) {
                if s != i {
                    problems.push(format!(
                        "SUP HTTPS port {s} but IIS binds {site_name} to {i}"
                    ));
                }
            }
            if ssl == Some(true) && h.facts.contains("config.iis.site_name") && iis_https.is_none()
            {
                problems.push(format!(
                    "'Require SSL' is on but {site_name} has no HTTPS binding"
                ));
            }
            if let (Some(p), Some(w)) = (http, h.int("config.wsus.port")) {
                if p != w {
                    problems.push(format!("SUP HTTP port {p} but WSUS PortNumber is {w}"));
                }
            }
            if let (Some(s), Some(w)) = (ssl, h.bool("config.wsus.using_ssl")) {
                if s && !w {
                    problems.push("'Require SSL' is on but WSUS is not configured for SSL (UsingSSL=0; run wsusutil configuressl)".into());
                } else if !s && w {
                    problems.push(
                        "WSUS is configured for SSL (UsingSSL=1) but the SUP does not require SSL"
                            .into(),
                    );
                }
            }
            if let Some(vdirs) = h.list("config.iis.ssl_vdirs") {
                if vdirs
                    .iter()
                    .any(|v| v.trim_matches('/').eq_ignore_ascii_case("selfupdate"))
                {
                    problems.push(
                        "the SelfUpdate vdir requires SSL; it must stay reachable over plain HTTP"
                            .into(),
                    );
                }
            }
            keys.extend(
                [
                    "config.iis.http_port",
                    "config.iis.https_port",
                    "config.iis.site_name",
                    "config.wsus.port",
                    "config.wsus.using_ssl",
                    "config.iis.ssl_vdirs",
                ]
                .map(String::from),
            );
        }
        let c = if problems.is_empty() {
            let ssl_txt = match ssl {
                Some(true) => "SSL required",
                Some(false) => "no SSL",
                None => "SSL setting unknown",
            };
            let https_txt = https.map_or_else(|| "-".into(), |s| s.to_string());
            Check::new(
                ID,
                S::Pass,
                Some(sup),
                format!(
                    "HTTP {} / HTTPS {https_txt}, {ssl_txt}",
                    http.unwrap_or_default()
                ),
            )
        } else {
            Check::new(ID, S::Fail, Some(sup), problems.join("; "))
        };
        out.push(c.keys(keys));
    }
    out
}

pub(super) fn ssl_certificate_name(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_ssl_certificate_name";
    let Some(top) = h.top_sup() else {
        return vec![Check::new(
            ID,
            S::Skipped,
            None,
            "the top-level sync-source SUP is not known from the settings",
        )];
    };
    let rk = sup_key(&top, "require_ssl");
    let keys = [rk.clone(), "config.wsus.cert_name".to_string()];
    let c = match (h.bool(&rk), h.str("config.wsus.cert_name")) {
        (Some(false), _) => Check::new(ID, S::Pass, Some(&top), "SSL not required, no certificate needed"),
        (None, _) => Check::new(ID, S::Skipped, Some(&top), "'Require SSL' unknown (config.sup[..].require_ssl)"),
        (Some(true), None) => Check::new(ID, S::Skipped, Some(&top), "WSUS ServerCertificateName unknown (import the WSUS Setup registry export); run --probe to check the certificate itself"),
        (Some(true), Some(name)) if name.eq_ignore_ascii_case(&top) => {
            Check::new(ID, S::Pass, Some(&top), format!("WSUS ServerCertificateName is {name}"))
        }
        (Some(true), Some(name)) => Check::new(ID, S::Fail, Some(&top), format!("WSUS ServerCertificateName is {name:?}, not the SUP FQDN {top}")),
    };
    vec![c.keys(keys)]
}

pub(super) fn connection_account(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_connection_account";
    if h.sups.is_empty() {
        return vec![no_sups(ID)];
    }
    h.sups
        .iter()
        .map(|sup| {
            let k = sup_key(sup, "connection_account");
            let site_server = h.sup_site(sup).and_then(|s| h.str(&format!("config.site_server[{s}]")));
            let c = match h.str(&k).filter(|a| !a.is_empty()) {
                Some(acct) => Check::new(
                    ID,
                    S::Pass,
                    Some(sup),
                    format!("connects as {acct}; it needs local Administrators and WSUS Administrators on {sup}"),
                ),
                None => {
                    let who = site_server.map_or_else(
                        || "the site server's computer account".to_string(),
                        |s| format!("the computer account of {s}"),
                    );
                    Check::new(
                        ID,
                        S::Info,
                        Some(sup),
                        format!("no connection account set: {who} is assumed and needs WSUS Administrators rights on {sup}"),
                    )
                }
            };
            c.keys([k])
        })
        .collect()
}

pub(super) fn proxy_complete(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_proxy_incomplete";
    if h.sups.is_empty() {
        return vec![no_sups(ID)];
    }
    let mut out = Vec::new();
    for sup in &h.sups {
        let (sk, ak) = (
            sup_key(sup, "use_proxy_for_sync"),
            sup_key(sup, "use_proxy_for_adr"),
        );
        let (nk, pk, ck, ek) = (
            proxy_key(sup, "name"),
            proxy_key(sup, "port"),
            proxy_key(sup, "account"),
            proxy_key(sup, "enabled"),
        );
        let keys = [
            sk.clone(),
            ak.clone(),
            nk.clone(),
            pk.clone(),
            ck.clone(),
            ek.clone(),
        ];
        let (sync, adr) = (h.bool(&sk), h.bool(&ak));
        let secondary = h.sup_site(sup).and_then(|s| h.role(&s)).as_deref() == Some("secondary");
        if sync.is_none() && adr.is_none() {
            out.push(
                Check::new(
                    ID,
                    S::Skipped,
                    Some(sup),
                    "proxy options of the SUP unknown (use_proxy_for_sync / use_proxy_for_adr)",
                )
                .keys(keys),
            );
            continue;
        }
        if sync != Some(true) && adr != Some(true) {
            out.push(Check::new(ID, S::Pass, Some(sup), "no proxy option on; sync and ADR downloads need direct internet access (ADR downloads run as Local System)").keys(keys));
            continue;
        }
        let mut problems = Vec::new();
        let name = h.str(&nk).filter(|n| !n.is_empty());
        if name.is_none() {
            problems.push("no proxy server name on the site system".to_string());
        }
        match h.int(&pk) {
            None => problems.push("no proxy port".into()),
            Some(p) if !(1..=65535).contains(&p) => {
                problems.push(format!("proxy port {p} is outside 1-65535"))
            }
            Some(_) => {}
        }
        if h.bool(&ek) == Some(false) {
            problems.push("the site system proxy is disabled".into());
        }
        let mut notes = Vec::new();
        if secondary && adr == Some(true) {
            notes.push("'use proxy for ADR' is not used on a secondary site");
        }
        let account = h.str(&ck).filter(|a| !a.is_empty());
        let c = if problems.is_empty() {
            let who = account.map_or_else(
                || "no proxy account: the computer account (Local System) authenticates; a 407 from the probe means an account is needed".to_string(),
                |a| format!("proxy account {a}"),
            );
            let mut d = format!(
                "proxy {}:{} for {}; {who}",
                name.unwrap_or_default(),
                h.int(&pk).unwrap_or_default(),
                match (sync == Some(true), adr == Some(true)) {
                    (true, true) => "sync and ADR downloads",
                    (true, false) => "sync",
                    _ => "ADR downloads",
                }
            );
            for n in &notes {
                d.push_str("; ");
                d.push_str(n);
            }
            Check::new(
                ID,
                if notes.is_empty() { S::Pass } else { S::Info },
                Some(sup),
                d,
            )
        } else {
            Check::new(
                ID,
                S::Fail,
                Some(sup),
                format!("a proxy option is on but {}", problems.join(", ")),
            )
        };
        out.push(c.keys(keys));
    }
    out
}

pub(super) fn remote_sup_console(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_remote_sup_console";
    if h.sups.is_empty() {
        return vec![no_sups(ID)];
    }
    h.sups
        .iter()
        .map(|sup| {
            let ck = sup_key(sup, "wsus_console_on_site_server");
            let Some(site) = h.sup_site(sup) else {
                return Check::new(ID, S::Skipped, Some(sup), "site of this SUP unknown").keys([sup_key(sup, "site")]);
            };
            let sk = format!("config.site_server[{site}]");
            let Some(server) = h.str(&sk).map(|s| s.to_ascii_lowercase()) else {
                return Check::new(ID, S::Skipped, Some(sup), format!("site server of {site} unknown (config.site_server[{site}]), cannot tell whether the SUP is remote")).keys([sk]);
            };
            let c = if server == *sup {
                Check::new(ID, S::Pass, Some(sup), "SUP is on the site server, no separate console needed")
            } else {
                match h.bool(&ck) {
                    Some(true) => Check::new(ID, S::Pass, Some(sup), format!("remote SUP; WSUS console present on {server}")),
                    Some(false) => Check::new(ID, S::Fail, Some(sup), format!("remote SUP, but the WSUS administration console is not installed on the site server {server}")),
                    None => Check::new(ID, S::Skipped, Some(sup), format!("remote SUP; whether the WSUS console is on {server} is unknown (wsus_console_on_site_server)")),
                }
            };
            c.keys([sk, ck])
        })
        .collect()
}

pub(super) fn sync_source(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_sync_source";
    let keys = [
        "config.sync.source".to_string(),
        "config.sync.upstream_url".to_string(),
        "config.wsus.mu_url".to_string(),
    ];
    let mut out = vec![match h.str("config.sync.source").as_deref() {
        None => Check::new(ID, S::Skipped, None, "synchronization source unknown (config.sync.source)"),
        Some("microsoft_update") => Check::new(ID, S::Pass, None, "Microsoft Update: the top-level SUP needs internet access (https://sws.update.microsoft.com, TLS 1.2); run --probe on it"),
        Some("upstream") => match h.str("config.sync.upstream_url").filter(|u| !u.is_empty()) {
            Some(u) => Check::new(ID, S::Pass, None, format!("upstream data source {u}; the firewall must allow its port")),
            None => Check::new(ID, S::Fail, None, "upstream data source chosen but no URL set"),
        },
        Some("none") => Check::new(ID, S::Info, None, "no synchronization: updates must be imported by hand (disconnected SUP)"),
        Some(other) => Check::new(ID, S::Skipped, None, format!("unknown synchronization source {other:?} (expected microsoft_update, upstream or none)")),
    }
    .keys(keys.clone())];
    if let Some(mu) = h.str("config.wsus.mu_url") {
        let host = url_host(&mu).unwrap_or_default();
        if h.str("config.sync.source").as_deref() == Some("microsoft_update")
            && host != "sws.update.microsoft.com"
        {
            out.push(Check::new(
                ID,
                S::Warn,
                Some(&mu),
                "WSUS MUUrl is not https://sws.update.microsoft.com (fe2 was retired in 2019, sws1 is legacy)",
            )
            .keys(keys));
        }
    }
    out
}

pub(super) fn sync_schedule(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_sync_schedule";
    let keys = [
        "config.sync.schedule".to_string(),
        "config.sync.schedule_hours".to_string(),
        "config.products".to_string(),
    ];
    let target = h.top_site();
    let t = target.as_deref();
    // Absent means manual only (facts.md), but only when the component settings were given at all.
    let component_known = h.facts.with_prefix("config.sync.").next().is_some();
    let schedule = h.str("config.sync.schedule").filter(|s| !s.is_empty());
    let hours = h.int("config.sync.schedule_hours");
    let c = match (schedule, hours) {
        (None, None) if !component_known => Check::new(ID, S::Skipped, t, "synchronization settings not in the settings (config.sync.*)"),
        (None, None) => Check::new(ID, S::Warn, t, "no schedule: synchronization only runs when started by hand (the schedule is set on the top-level site only)"),
        (s, hrs) => {
            let text = s.unwrap_or_else(|| format!("every {} hours", hrs.unwrap_or_default()));
            let ep = h.list("config.products").unwrap_or_default().iter().any(|p| {
                let p = p.to_ascii_lowercase();
                p.contains("endpoint protection") || p.contains("defender")
            });
            match hrs {
                Some(n) if ep && n > 24 => Check::new(ID, S::Warn, t, format!("{text}: Endpoint Protection/Defender definitions are synchronized, which wants a daily schedule")),
                _ => Check::new(ID, S::Pass, t, format!("{text} (top-level site)")),
            }
        }
    };
    vec![c.keys(keys)]
}

pub(super) fn first_sync_products(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_first_sync_products";
    let keys = [
        "config.products".to_string(),
        "config.classifications".to_string(),
        "config.languages".to_string(),
    ];
    let products = h.list("config.products");
    let classes = h.list("config.classifications");
    if products.is_none() && classes.is_none() {
        return vec![Check::new(
            ID,
            S::Skipped,
            None,
            "products and classifications not in the settings",
        )
        .keys(keys)];
    }
    let (np, nc) = (
        products.map_or(0, |p| p.len()),
        classes.map_or(0, |c| c.len()),
    );
    let mut d = if np == 0 && nc == 0 {
        "none selected: fine for the first synchronization; afterwards choose products and classifications from the refreshed lists and synchronize again (an empty filter makes every later sync do nothing)".to_string()
    } else {
        format!("{np} product(s), {nc} classification(s) selected; on a first installation clear them, synchronize, then choose and synchronize again")
    };
    if let Some(langs) = h.list("config.languages") {
        d.push_str(&format!(
            "; languages {}: update file languages apply to every SUP, summary details only at the top-level site",
            if langs.is_empty() { "none".to_string() } else { langs.join(", ") }
        ));
    }
    vec![Check::new(ID, S::Info, None, d).keys(keys)]
}

pub(super) fn supersedence(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_supersedence_noted";
    let keys = [
        "config.supersedence.mode".to_string(),
        "config.supersedence.months".to_string(),
    ];
    let mode = h.str("config.supersedence.mode");
    let months = h.int("config.supersedence.months");
    let c = match (mode, months) {
        (None, None) => Check::new(ID, S::Skipped, None, "supersedence rules not in the settings"),
        (Some(m), _) if m.contains("immediate") => Check::new(ID, S::Info, None, "superseded updates expire immediately (set on the top-level site, applied by its first SUP)"),
        (m, Some(n)) => Check::new(ID, S::Info, None, format!("superseded updates expire after {n} month(s){} (set on the top-level site)", m.map(|m| format!(" [{m}]")).unwrap_or_default())),
        (Some(m), None) => Check::new(ID, S::Info, None, format!("supersedence: {m} (set on the top-level site)")),
    };
    vec![c.keys(keys)]
}

pub(super) fn reporting_events(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_reporting_events_noted";
    let k = "config.reporting_events".to_string();
    let c = match h.bool(&k) {
        None => Check::new(
            ID,
            S::Skipped,
            None,
            "WSUS reporting events setting not in the settings",
        ),
        Some(false) => Check::new(
            ID,
            S::Pass,
            None,
            "not created (default; ConfigMgr does not use them)",
        ),
        Some(true) => Check::new(
            ID,
            S::Info,
            None,
            "WSUS reporting events are created; ConfigMgr does not use them (default is off)",
        ),
    };
    vec![c.keys([k])]
}
