//! Static checks (hierarchy part; configuration part in `checks_config`): the documented prerequisites (docs/domain.md §G) and the port/SSL/proxy rules of
//! docs/domain.md §E.5 applied to `config.*` facts. A check that lacks the setting it needs is
//! `skipped` with the reason, never passed.

use super::checks_config::{
    connection_account, first_sync_products, port_ssl_pairing, proxy_complete, remote_sup_console,
    reporting_events, ssl_certificate_name, supersedence, sync_schedule, sync_source,
};
use super::hierarchy::{site_key, sup_key, Hierarchy};
use super::{Check, CheckStatus as S};
use crate::facts::FactStore;

type CheckFn = fn(&Hierarchy<'_>) -> Vec<Check>;

const CHECKS: &[CheckFn] = &[
    sup_missing_on_site,
    install_order,
    wsus_installed,
    standalone_wsus,
    existing_wsus_upstream,
    replica_not_first,
    child_not_upstream,
    port_ssl_pairing,
    ssl_certificate_name,
    connection_account,
    proxy_complete,
    remote_sup_console,
    sync_source,
    sync_schedule,
    first_sync_products,
    supersedence,
    reporting_events,
];

/// Run every static check.
pub fn static_checks(facts: &FactStore) -> Vec<Check> {
    let h = Hierarchy::new(facts);
    CHECKS.iter().flat_map(|c| c(&h)).collect()
}

fn no_sites(id: &str) -> Check {
    Check::new(
        id,
        S::Skipped,
        None,
        "no sites in the settings (config.sites / [site.<CODE>] with a role)",
    )
}

pub(super) fn no_sups(id: &str) -> Check {
    Check::new(
        id,
        S::Skipped,
        None,
        "no software update points in the settings (config.sups)",
    )
}

fn sup_missing_on_site(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_sup_missing_on_site";
    if h.sites.is_empty() {
        return vec![no_sites(ID)];
    }
    h.sites
        .iter()
        .map(|site| {
            let sups = h.sups_at(site);
            let keys = [site_key(site, "role"), "config.sups".to_string()];
            let c = match (h.role(site).as_deref(), sups.is_empty()) {
                (_, false) => Check::new(ID, S::Pass, Some(site), format!("SUP: {}", sups.join(", "))),
                (Some("secondary"), true) => Check::new(
                    ID,
                    S::Pass,
                    Some(site),
                    "secondary site without a SUP (optional; its clients use the parent primary's SUPs)",
                ),
                (Some(role @ ("cas" | "primary")), true) => Check::new(
                    ID,
                    S::Fail,
                    Some(site),
                    format!("{role} site has no software update point"),
                ),
                (Some(other), true) => Check::new(
                    ID,
                    S::Skipped,
                    Some(site),
                    format!("unknown site role {other:?} (expected cas, primary or secondary)"),
                ),
                (None, true) => Check::new(
                    ID,
                    S::Skipped,
                    Some(site),
                    "site role unknown (config.site[..].role), cannot tell whether a SUP is required",
                ),
            };
            c.keys(keys)
        })
        .collect()
}

fn install_order(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_install_order";
    if h.sites.is_empty() {
        return vec![no_sites(ID)];
    }
    let mut out = Vec::new();
    for site in &h.sites {
        let Some(parent) = h.parent(site) else {
            if h.is_top(site).is_none() {
                out.push(
                    Check::new(
                        ID,
                        S::Skipped,
                        Some(site),
                        "parent site unknown (config.site[..].parent / top_level)",
                    )
                    .keys([site_key(site, "parent")]),
                );
            }
            continue;
        };
        if h.sups_at(site).is_empty() {
            continue;
        }
        let keys = [site_key(site, "parent"), "config.sups".to_string()];
        let parent_sups = h.sups_at(&parent);
        let c = if !parent_sups.is_empty() {
            Check::new(
                ID,
                S::Pass,
                Some(site),
                format!(
                    "parent site {parent} has a SUP ({})",
                    parent_sups.join(", ")
                ),
            )
        } else if !h.is_described(&parent) && !h.sites.contains(&parent) {
            Check::new(
                ID,
                S::Skipped,
                Some(site),
                format!("parent site {parent} is not described in the settings, cannot tell whether it has a SUP"),
            )
        } else {
            Check::new(
                ID,
                S::Fail,
                Some(site),
                format!("{site} has a SUP but its parent site {parent} has none: install the parent's SUP first"),
            )
        };
        out.push(c.keys(keys));
    }
    if out.is_empty() {
        out.push(Check::new(ID, S::Pass, None, "no child site with a SUP"));
    }
    out
}

fn wsus_installed(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_wsus_not_installed";
    if h.sups.is_empty() {
        return vec![no_sups(ID)];
    }
    h.sups
        .iter()
        .map(|sup| {
            let ik = sup_key(sup, "wsus_installed");
            let vk = sup_key(sup, "wsus_version");
            let version = h.str(&vk).filter(|v| !v.is_empty());
            let c = match (h.bool(&ik), &version) {
                (Some(false), _) => Check::new(ID, S::Fail, Some(sup), "WSUS is not installed on this server"),
                (_, Some(v)) => Check::new(ID, S::Pass, Some(sup), format!("WSUS {v} installed")),
                (Some(true), None) => Check::new(ID, S::Pass, Some(sup), "WSUS installed (version unknown)"),
                (None, None) => Check::new(
                    ID,
                    S::Skipped,
                    Some(sup),
                    "WSUS presence unknown: import the 'Update Services\\Server\\Setup' registry export or set wsus_installed",
                ),
            };
            c.keys([ik, vk])
        })
        .collect()
}

/// Host part of `http(s)://host:port/...` or `host:port`, lower case.
pub(super) fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let host = if let Some(r) = authority.strip_prefix('[') {
        r.split(']').next()?
    } else {
        authority.split(':').next()?
    };
    let host = host.trim().to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

fn standalone_wsus(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_standalone_wsus";
    let key = "observed.client.sup_url".to_string();
    let client_hosts: Vec<String> = h
        .facts
        .all(&key)
        .iter()
        .filter_map(|f| url_host(&f.value.to_string()))
        .collect();
    if client_hosts.is_empty() {
        return vec![Check::new(
            ID,
            S::Skipped,
            None,
            "nothing in the settings says whether clients use the WSUS servers directly; confirm no group policy points clients at a SUP's WSUS outside ConfigMgr",
        )
        .keys([key])];
    }
    let short = |fqdn: &str| fqdn.split('.').next().unwrap_or(fqdn).to_string();
    client_hosts
        .iter()
        .map(|host| {
            let known = h.sups.iter().any(|s| s == host || short(s) == *host);
            if known {
                Check::new(ID, S::Pass, Some(host), "clients get this SUP from ConfigMgr")
            } else if h.sups.is_empty() {
                Check::new(ID, S::Skipped, Some(host), "client WSUS server seen, but no SUPs in the settings to compare with")
            } else {
                Check::new(
                    ID,
                    S::Warn,
                    Some(host),
                    format!("clients use WSUS server {host}, which is not a SUP of the hierarchy ({}): a standalone WSUS serving clients directly", h.sups.join(", ")),
                )
            }
            .keys([key.clone(), "config.sups".to_string()])
        })
        .collect()
}

fn existing_wsus_upstream(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_existing_wsus_not_upstream";
    let keys = [
        "config.sync.source".to_string(),
        "config.sync.upstream_url".to_string(),
    ];
    let Some(source) = h.str("config.sync.source") else {
        return vec![Check::new(
            ID,
            S::Skipped,
            None,
            "synchronization source unknown (config.sync.source)",
        )
        .keys(keys)];
    };
    if source != "upstream" {
        return vec![Check::new(
            ID,
            S::Pass,
            None,
            format!("top-level site syncs from {source}, no existing WSUS involved"),
        )
        .keys(keys)];
    }
    let Some(url) = h.str("config.sync.upstream_url").filter(|u| !u.is_empty()) else {
        return vec![Check::new(
            ID,
            S::Fail,
            None,
            "source is an upstream data source but no upstream URL is set",
        )
        .keys(keys)];
    };
    let Some(host) = url_host(&url) else {
        return vec![Check::new(
            ID,
            S::Fail,
            None,
            format!("upstream URL {url:?} has no host"),
        )
        .keys(keys)];
    };
    let top_site = h.top_site();
    let c = match h.sups.iter().find(|s| **s == host) {
        Some(sup) => {
            let site = h.sup_site(sup).unwrap_or_else(|| "?".into());
            if top_site.as_deref() == Some(site.as_str()) {
                Check::new(
                    ID,
                    S::Fail,
                    Some(&url),
                    format!("the top-level site would synchronize from its own SUP {sup}"),
                )
            } else {
                Check::new(
                    ID,
                    S::Fail,
                    Some(&url),
                    format!("the upstream {sup} is a SUP of site {site} inside the hierarchy; the top-level site must sync from Microsoft Update or a WSUS server outside it"),
                )
            }
        }
        None => Check::new(
            ID,
            S::Pass,
            Some(&url),
            format!(
                "existing WSUS {host} is the upstream source of the top-level site (supported)"
            ),
        ),
    };
    vec![c.keys(keys)]
}

fn replica_not_first(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_replica_not_first";
    if h.sups.is_empty() {
        return vec![no_sups(ID)];
    }
    let mut out = Vec::new();
    let mut sites: Vec<String> = h.sups.iter().filter_map(|s| h.sup_site(s)).collect();
    sites.sort();
    sites.dedup();
    for sup in h.sups.iter().filter(|s| h.sup_site(s).is_none()) {
        out.push(
            Check::new(
                ID,
                S::Skipped,
                Some(sup),
                "site of this SUP unknown (config.sup[..].site)",
            )
            .keys([sup_key(sup, "site")]),
        );
    }
    for site in sites {
        let sups = h.sups_at(&site);
        let keys: Vec<String> = sups.iter().map(|s| sup_key(s, "sync_source")).collect();
        let flags: Vec<Option<bool>> = sups
            .iter()
            .map(|s| h.bool(&sup_key(s, "sync_source")))
            .collect();
        let sources: Vec<&String> = sups
            .iter()
            .zip(&flags)
            .filter(|(_, f)| **f == Some(true))
            .map(|(s, _)| s)
            .collect();
        let c = match (sups.len(), sources.len()) {
            (1, _) if flags[0] != Some(false) => Check::new(
                ID,
                S::Pass,
                Some(&site),
                format!("{} is the only SUP and the sync source", sups[0]),
            ),
            (_, 1) => Check::new(
                ID,
                S::Pass,
                Some(&site),
                format!(
                    "{} is the sync source; {} replica(s)",
                    sources[0],
                    sups.len() - 1
                ),
            ),
            (_, 0) if flags.iter().all(Option::is_some) => Check::new(
                ID,
                S::Fail,
                Some(&site),
                "no SUP of this site is marked as synchronization source",
            ),
            (_, 0) => Check::new(
                ID,
                S::Skipped,
                Some(&site),
                "which SUP is the sync source is unknown (config.sup[..].sync_source)",
            ),
            (_, n) => Check::new(
                ID,
                S::Fail,
                Some(&site),
                format!(
                    "{n} SUPs claim to be the sync source ({}); only the first SUP of a site is",
                    sources
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        };
        out.push(c.keys(keys));
    }
    if let Some(seen) = h
        .str("observed.sync.source_server")
        .map(|s| s.to_ascii_lowercase())
    {
        let is_source = h.bool(&sup_key(&seen, "sync_source"));
        if is_source == Some(false) {
            out.push(
                Check::new(
                    ID,
                    S::Warn,
                    Some(&seen),
                    "the logs show sync running on a SUP the settings call a replica",
                )
                .keys([
                    "observed.sync.source_server".to_string(),
                    sup_key(&seen, "sync_source"),
                ]),
            );
        }
    }
    out
}

fn child_not_upstream(h: &Hierarchy<'_>) -> Vec<Check> {
    const ID: &str = "precheck_child_not_upstream";
    let mut out = Vec::new();
    let observed_child = h.str("observed.site.child_of");
    let observed_up = h.str("observed.wcm.upstream");
    if let (Some(parent), Some(up)) = (&observed_child, &observed_up) {
        if up == "microsoft_update" {
            out.push(
                Check::new(
                    ID,
                    S::Fail,
                    None,
                    format!("the logs show a child site of {parent} whose WSUS synchronizes from Microsoft Update instead of its parent's SUP"),
                )
                .keys(["observed.site.child_of".to_string(), "observed.wcm.upstream".to_string()]),
            );
        }
    }
    if h.sites.is_empty() && out.is_empty() {
        return vec![no_sites(ID)];
    }
    for site in &h.sites {
        let Some(parent) = h.parent(site) else {
            continue;
        };
        let mine = h.sups_at(site);
        if mine.is_empty() {
            continue;
        }
        let parent_sups = h.sups_at(&parent);
        let Some(up) = parent_sups
            .iter()
            .find(|s| h.bool(&sup_key(s, "sync_source")) != Some(false))
        else {
            continue; // install_order reports the missing parent SUP
        };
        let port = if h.bool(&sup_key(up, "require_ssl")) == Some(true) {
            h.int(&sup_key(up, "https_port"))
        } else {
            h.int(&sup_key(up, "http_port"))
        };
        let port = port.map_or_else(|| "its WSUS port".to_string(), |p| format!("port {p}"));
        out.push(
            Check::new(
                ID,
                S::Pass,
                Some(site),
                format!(
                    "synchronizes from parent {parent}'s SUP {up}; allow {} -> {up} on {port}",
                    mine.join(", ")
                ),
            )
            .keys([site_key(site, "parent")]),
        );
    }
    if out.is_empty() {
        out.push(Check::new(ID, S::Pass, None, "no child site with a SUP"));
    }
    out
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
