//! Title, cause and fix of every precheck id, in our own words after the product documentation
//! ("Install and configure a software update point", docs/domain.md §G) and docs/domain.md §E/§F.

/// Advice for one check id.
#[derive(Clone, Copy, Debug)]
pub struct Advice {
    pub id: &'static str,
    pub title: &'static str,
    pub cause: &'static str,
    pub fix: &'static str,
    pub docs: &'static [&'static str],
}

const SEED: &str =
    "https://learn.microsoft.com/en-us/mem/configmgr/sum/get-started/install-a-software-update-point";
const ENDPOINTS: &str =
    "https://learn.microsoft.com/en-us/mem/configmgr/core/plan-design/network/internet-endpoints";
const WSUS_CFG: &str = "https://learn.microsoft.com/en-us/windows-server/administration/windows-server-update-services/deploy/2-configure-wsus";
const SEED_ONLY: &[&str] = &[SEED];

pub const ALL: &[Advice] = &[
    Advice {
        id: "precheck_sup_missing_on_site",
        title: "Software update point on every site that needs one",
        cause: "The documentation requires a software update point on the central administration site and on every primary site (it is optional on secondary sites); without one the site cannot assess update compliance or deploy updates.",
        fix: "Install the software update point role, on a server with WSUS, at each site listed here, starting at the top of the hierarchy.",
        docs: SEED_ONLY,
    },
    Advice {
        id: "precheck_install_order",
        title: "Install order: CAS, then child primaries, then secondaries",
        cause: "A child site's software update point synchronizes from its parent site's software update point, so the parent needs one first; the documented order is the CAS (or standalone primary), then child primary sites, then secondary sites.",
        fix: "Install and synchronize the software update point at the parent site first, then install or re-run synchronization on the child site.",
        docs: SEED_ONLY,
    },
    Advice {
        id: "precheck_wsus_not_installed",
        title: "WSUS installed on the software update point server",
        cause: "The software update point role can only be created on a server where WSUS is installed: ConfigMgr configures that WSUS and asks it to synchronize.",
        fix: "Install the WSUS server role (with its post-installation tasks, content folder and database) before adding the software update point role; import the WSUS Setup registry export so supdiag can see the version.",
        docs: &[SEED, WSUS_CFG],
    },
    Advice {
        id: "precheck_standalone_wsus",
        title: "WSUS not used as a standalone server for clients",
        cause: "Installing the software update point on a WSUS server that is configured and used standalone, or that manages WSUS clients directly, is not supported.",
        fix: "Dedicate the WSUS server to ConfigMgr: remove group policies that point clients at it directly and let ConfigMgr clients get their software update point from the site.",
        docs: SEED_ONLY,
    },
    Advice {
        id: "precheck_existing_wsus_not_upstream",
        title: "Existing WSUS only as upstream source of the top-level site",
        cause: "An existing WSUS server is supported only as the upstream synchronization source of the top-level site's software update point; child sites always synchronize from their parent.",
        fix: "Set the upstream data source URL (for example https://WSUSServer:8531) only on the top-level site, pointing at a WSUS server outside the hierarchy.",
        docs: SEED_ONLY,
    },
    Advice {
        id: "precheck_replica_not_first",
        title: "First SUP of a site is its sync source, the others replicas",
        cause: "The first software update point installed at a site becomes its synchronization source; every further software update point of that site is a replica of the first and takes its settings from it.",
        fix: "Keep exactly one synchronization-source software update point per site (the first one installed); if the order is wrong, remove the extra SUPs and add them again after the intended source.",
        docs: SEED_ONLY,
    },
    Advice {
        id: "precheck_child_not_upstream",
        title: "Child sites synchronize from their parent",
        cause: "Only the top-level site may synchronize from Microsoft Update or an external upstream source; child primary and secondary sites are configured automatically to synchronize from the parent site's software update point.",
        fix: "Do not change the synchronization source of a child site's WSUS by hand; allow HTTP/HTTPS from the child SUP to the parent SUP's WSUS ports through firewalls.",
        docs: SEED_ONLY,
    },
    Advice {
        id: "precheck_port_ssl_pairing",
        title: "SUP ports and SSL match IIS and WSUS",
        cause: "The SUP ports must be the IIS bindings of the WSUS site (8530/8531 on 'WSUS Administration', 80/443 on 'Default Web Site'); WSUS pairs them (HTTPS 443 means HTTP 80, any other HTTPS port means HTTP one lower), and 'Require SSL communication to the WSUS server' needs WSUS itself configured for SSL with a certificate. SelfUpdate must stay reachable over plain HTTP.",
        fix: "Read the ports in IIS Manager (Sites, the WSUS site, Edit Bindings) and enter the same ports in the SUP properties; for SSL bind a certificate to the HTTPS port, require SSL on the WSUS vdirs except SelfUpdate, run 'wsusutil configuressl <FQDN>' and then tick 'Require SSL' on the SUP.",
        docs: &[SEED, WSUS_CFG],
    },
    Advice {
        id: "precheck_ssl_certificate_name",
        title: "WSUS certificate names the SUP",
        cause: "With SSL, clients and the site server connect to the SUP by its FQDN; the certificate's subject or SAN and the WSUS ServerCertificateName must be that FQDN (and the internet FQDN for internet-facing SUPs).",
        fix: "Issue a web server certificate with the SUP FQDN in the SAN, bind it to the WSUS HTTPS port and run 'wsusutil configuressl <FQDN>'.",
        docs: &[WSUS_CFG],
    },
    Advice {
        id: "precheck_connection_account",
        title: "WSUS server connection account",
        cause: "Without a WSUS server connection account the site server connects to WSUS with its computer account; a specified account needs rights on the WSUS server.",
        fix: "Give the connection account, or the site server's computer account, local Administrators and WSUS Administrators membership on the SUP server (and access to the ApiRemoting30 vdir for a remote SUP).",
        docs: SEED_ONLY,
    },
    Advice {
        id: "precheck_proxy_incomplete",
        title: "Proxy settings complete when a proxy option is on",
        cause: "The proxy is a setting of the site system server, shared by all its roles; the SUP only chooses whether to use it for synchronization and for automatic deployment rule downloads. A proxy option without a proxy name and port 1-65535 cannot work; ADR downloads run as Local System and fail with error 12007 when that account has no internet access. The ADR option is not used on secondary sites.",
        fix: "On the site system's Proxy tab set the proxy name and port (and a proxy account if the proxy requires authentication), then tick the SUP proxy options that need it.",
        docs: SEED_ONLY,
    },
    Advice {
        id: "precheck_sync_source",
        title: "Synchronization source of the top-level site",
        cause: "The top-level site synchronizes from Microsoft Update (needs internet access to https://sws.update.microsoft.com over TLS 1.2), from an upstream data source URL, or not at all (disconnected, import/export).",
        fix: "Choose the source on the Sync Settings tab of the software update point component of the top-level site; give the top-level SUP internet access (directly or through the site system proxy) for Microsoft Update.",
        docs: &[SEED, ENDPOINTS],
    },
    Advice {
        id: "precheck_sync_schedule",
        title: "Synchronization schedule (top-level site only)",
        cause: "The synchronization schedule is set only on the top-level site; without one, synchronization only runs when started by hand.",
        fix: "Enable a schedule on the top-level site: shortly after the monthly security release (second Tuesday), or daily when Endpoint Protection definition updates are delivered through software updates.",
        docs: SEED_ONLY,
    },
    Advice {
        id: "precheck_first_sync_products",
        title: "Products, classifications and languages for the first synchronization",
        cause: "On the first installation of the top-level SUP the product and classification lists are not yet filled; the documentation advises clearing them, synchronizing once, then choosing from the updated lists and synchronizing again. Update file languages apply to every SUP, summary detail languages only at the top-level site.",
        fix: "Clear products and classifications, run a first synchronization, choose products and classifications from the refreshed lists, synchronize again.",
        docs: SEED_ONLY,
    },
    Advice {
        id: "precheck_supersedence_noted",
        title: "Supersedence rules",
        cause: "Supersedence rules are set on the top-level site and applied by the first SUP: superseded updates expire immediately or after a number of months.",
        fix: "Check that the chosen behaviour suits your deployments (a delay keeps superseded updates deployable).",
        docs: SEED_ONLY,
    },
    Advice {
        id: "precheck_reporting_events_noted",
        title: "WSUS reporting events",
        cause: "ConfigMgr does not use WSUS reporting events; the default is not to create them.",
        fix: "Keep 'Do not create WSUS reporting events' unless something outside ConfigMgr needs them.",
        docs: SEED_ONLY,
    },
    Advice {
        id: "precheck_remote_sup_console",
        title: "WSUS administration console on the site server for a remote SUP",
        cause: "When the SUP is on another server than the site server, the site server talks to WSUS through the WSUS administration API, which comes with the WSUS administration console.",
        fix: "Install the WSUS administration console (Remote Server Administration Tools, UpdateServices-UI) on the site server, at the same WSUS version as the SUP.",
        docs: SEED_ONLY,
    },
    Advice {
        id: "precheck_probe_dns",
        title: "Name resolution of SUPs and the sync endpoint",
        cause: "A name that does not resolve from this machine cannot be reached by clients, the site server or WSUS sync from here.",
        fix: "Fix the DNS record or the DNS suffix search list; use the FQDN the site uses.",
        docs: &[],
    },
    Advice {
        id: "precheck_probe_tcp",
        title: "TCP connection to the SUP ports",
        cause: "Clients and the site server reach WSUS on the SUP's HTTP/HTTPS ports; a refused or timed out connection means nothing listens there or a firewall blocks it.",
        fix: "Check the IIS bindings of the WSUS site and open the ports in the Windows firewall and network firewalls.",
        docs: &[WSUS_CFG],
    },
    Advice {
        id: "precheck_probe_tls",
        title: "TLS on the SUP HTTPS port",
        cause: "Clients and the site server only accept a WSUS certificate that names the SUP FQDN, is within its validity period and chains to a trusted root; WSUS sync needs TLS 1.2.",
        fix: "Bind a valid web server certificate for the SUP FQDN, issued by a CA the clients trust, to the WSUS HTTPS port.",
        docs: &[WSUS_CFG],
    },
    Advice {
        id: "precheck_probe_http",
        title: "Client URLs of the SUP",
        cause: "Windows Update clients fetch /ClientWebService/wusserverversion.xml, /SimpleAuthWebService/SimpleAuth.asmx and /Selfupdate/wuident.cab (the last over plain HTTP); 403 means an SSL or access restriction, 404 a missing vdir, 500 a failing WSUS service, 503 a stopped WsusPool.",
        fix: "Follow the explanation of each status; restart WsusPool and raise its private memory limit on 503, rerun the WSUS post-install on 404.",
        docs: &[WSUS_CFG],
    },
    Advice {
        id: "precheck_probe_internet_direct",
        title: "Direct internet access for synchronization",
        cause: "The top-level SUP's WSUS downloads update metadata from the sync endpoint; without a direct route it needs the proxy.",
        fix: "Allow the top-level SUP to reach the Microsoft Update endpoints (HTTPS 443) or configure the site system proxy and tick 'Use a proxy server when synchronizing software updates'. Run the probe on the top-level SUP itself.",
        docs: &[ENDPOINTS],
    },
    Advice {
        id: "precheck_probe_internet_proxy",
        title: "Internet access through the proxy",
        cause: "WSUS synchronization through a proxy needs the proxy to allow CONNECT to the sync endpoint; 407 means the proxy wants an account (or the configured one is refused), 502/503 that the proxy itself cannot reach the endpoint.",
        fix: "On 407 set or renew the site system proxy account; on 502/503 fix the proxy's own DNS/route or allow list for the Microsoft Update endpoints.",
        docs: &[ENDPOINTS],
    },
];

/// Advice for `id`; unknown ids get a neutral entry so a missing table row cannot crash.
pub fn get(id: &str) -> Advice {
    ALL.iter().find(|a| a.id == id).copied().unwrap_or(Advice {
        id: "precheck_unknown",
        title: "Pre-install check",
        cause: "",
        fix: "",
        docs: &[],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_unique_prefixed_and_complete() {
        let mut ids: Vec<&str> = ALL.iter().map(|a| a.id).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate ids");
        for a in ALL {
            assert!(a.id.starts_with("precheck_"), "{}", a.id);
            assert!(
                !a.title.is_empty() && !a.cause.is_empty() && !a.fix.is_empty(),
                "{}",
                a.id
            );
        }
    }
}
