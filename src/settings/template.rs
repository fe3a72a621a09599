//! The commented `supdiag.toml` template written by `supdiag init-settings`.

/// A complete, commented settings file. It parses back without errors (tested); the example
/// values describe a standalone primary site with one SUP on the site server and must be
/// replaced by the real ones.
pub const TEMPLATE: &str = r#"# supdiag.toml: how your ConfigMgr software update point (SUP) hierarchy is configured.
#
# supdiag compares these settings with what the logs show and names the setting to change when
# they explain a failure. Every key is optional unless marked REQUIRED; leave out what you do not
# know (a missing setting makes supdiag say "unknown" instead of guessing).
#
# The example values describe a standalone primary site PS1 with one SUP on its site server
# CM01.contoso.com, WSUS on ports 8530/8531 without SSL, syncing from Microsoft Update.
# Replace them with yours. Server names are FQDNs (case does not matter).
#
# Passwords are never read: supdiag does not store secrets (a `password` key is ignored with a
# warning). Instead of typing this file you can also pass exports you already have with
# --settings: Get-CMSoftwareUpdatePoint | ConvertTo-Json -Depth 5 (and the same for
# Get-CMSoftwareUpdatePointComponent, Get-CMSiteSystemServer, Get-CMSite), the IIS
# applicationHost.config of the SUP, and
# reg export "HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup" wsus-setup.reg

# ---------------------------------------------------------------------------------------------
# Sites: one [[site]] block per site of the hierarchy.
# Console: Administration > Site Configuration > Sites.
# ---------------------------------------------------------------------------------------------
[[site]]
# REQUIRED. Three-character site code.
code = "PS1"
# REQUIRED. "cas" (central administration site), "primary" or "secondary".
role = "primary"
# Site code of the parent site. Leave out for the top-level site (a CAS or a standalone
# primary). Child primaries have the CAS as parent; secondaries have their primary.
# parent = "CAS"
# FQDN of the site server. ADR downloads run here as Local System, so its site system proxy
# matters for "Failed to download the update from internet. Error = 12007".
server = "CM01.contoso.com"

# ---------------------------------------------------------------------------------------------
# Software update points: one [[sup]] block per SUP.
# Console: Administration > Site Configuration > Servers and Site System Roles > <server> >
# Software update point > Properties (tabs General, Proxy and Account Settings...).
# Cmdlet: Set-CMSoftwareUpdatePoint -SiteSystemServerName <server> -SiteCode <site> ...
# ---------------------------------------------------------------------------------------------
[[sup]]
# REQUIRED. FQDN of the server that holds the SUP role (and WSUS).
server = "CM01.contoso.com"
# Site code the SUP belongs to.
site = "PS1"
# General tab, "WSUS is configured to use ports 8530 and 8531" (WSUS on Windows Server 2012
# and later, "WSUS Administration" IIS site) or "ports 80 and 443" (Default Web Site).
# Must match the IIS bindings of the WSUS site. Cmdlet: -WsusIisPort / -WsusIisSslPort.
http_port = 8530
# The HTTPS port is always the HTTP port + 1 (8530/8531), or 443 together with 80.
https_port = 8531
# General tab, "Require SSL communication to the WSUS server". true needs WSUS configured for
# SSL (wsusutil configuressl <FQDN>, a certificate bound in IIS). Cmdlet: -EnableSsl.
require_ssl = false
# General tab, client connection type: "intranet", "internet" or "both".
# Cmdlet: -ClientConnectionType Intranet|Internet|InternetAndIntranet.
client_connection = "intranet"
# WSUS Server Connection Account (General tab). Leave empty to use the site server's computer
# account; a named account must be local admin and in WSUS Administrators on the SUP.
# Cmdlet: -WsusAccessAccount / -ConnectionAccountUserName.
connection_account = ""
# true for the first SUP installed in the site: it is the site's synchronization source, the
# other SUPs of the site are replicas of it.
sync_source = true
# Proxy and Account Settings tab, "Use a proxy server when synchronizing software updates".
# Uses the site system proxy of this server (see [[proxy]]). Cmdlet: -UseProxy $true.
use_proxy_for_sync = false
# Proxy and Account Settings tab, "Use a proxy server when downloading content by using
# automatic deployment rules". Ignored on secondary sites. Cmdlet:
# -UseProxyForAutoDeploymentRule $true.
use_proxy_for_adr = false
# Is the WSUS role installed on this server (the SUP role needs it)?
wsus_installed = true
# WSUS version as shown by (Get-WsusServer).Version, for example 10.0.17763.1.
wsus_version = "10.0.17763.1"
# Remote SUPs only: is the WSUS Administration console installed on the site server?
# wsus_console_on_site_server = true

# ---------------------------------------------------------------------------------------------
# Site system proxy: one [[proxy]] block per server that uses a proxy. One proxy per computer,
# shared by all its roles.
# Console: Administration > Site Configuration > Servers and Site System Roles > <server> >
# Site system > Properties > Proxy tab ("Use a proxy server when synchronizing information
# from the Internet").
# Cmdlet: Set-CMSiteSystemServer -SiteSystemServerName <server> -EnableProxy $true
#         -ProxyServerName <name> -ProxyServerPort <port> -ProxyAccessAccount <account>
# Remove the # to describe a proxy:
# ---------------------------------------------------------------------------------------------
# [[proxy]]
# # REQUIRED. FQDN of the site system server this proxy configuration belongs to.
# server = "CM01.contoso.com"
# # Proxy server name (host name or FQDN, without http://).
# name = "proxy.contoso.com"
# # Proxy port (ConfigMgr default 80).
# port = 8080
# # "Use credentials to connect to the proxy server": the account, without its password.
# # Leave out when connections use the computer account.
# account = "CONTOSO\\svc-cm-proxy"
# # Is the proxy turned on? Defaults to true when `name` is set.
# enabled = true

# ---------------------------------------------------------------------------------------------
# Synchronization: set on the top-level site (CAS or standalone primary).
# Console: Administration > Site Configuration > Sites > <top-level site> > Configure Site
# Components > Software Update Point ("Software Update Point Component Properties").
# Cmdlet: Set-CMSoftwareUpdatePointComponent -SiteCode <top-level site> ...
# ---------------------------------------------------------------------------------------------
[sync]
# Sync Settings tab, synchronization source:
#   "microsoft_update" = "Synchronize from Microsoft Update"
#   "upstream"         = "Synchronize from an upstream data source location (URL)"
#   "none"             = "Do not synchronize from Microsoft Update or upstream data source"
#                        (disconnected: import/export with WsusUtil)
# Cmdlet: -SynchronizeAction SynchronizeFromMicrosoftUpdate |
#         SynchronizeFromAnUpstreamDataSourceLocation |
#         DoNotSynchronizeFromMicrosoftUpdateOrUpstreamDataSource
source = "microsoft_update"
# Sync Settings tab, the upstream URL when source = "upstream", e.g. https://WSUS01.contoso.com:8531
# Cmdlet: -UpstreamSourceLocation.
upstream_url = ""
# Sync Schedule tab, "Enable synchronization on a schedule": describe it in words (e.g.
# "every 1 day"); an empty string means no schedule, only manual syncs.
schedule = "every 1 day"
# The same schedule as an interval in hours, when it is a simple interval.
schedule_hours = 24
# Supersedence Rules tab: "immediately" = "Immediately expire a superseded software update",
# "months" = "Months to wait before a superseded software update is expired".
supersedence_mode = "months"
# Months to wait when supersedence_mode = "months".
supersedence_months = 3
# Products tab: the products you synchronize (names as shown in the console). On a first
# install select none, sync once, then choose and sync again.
products = ["Windows Server 2019", "Windows 11"]
# Classifications tab.
classifications = ["Critical Updates", "Security Updates", "Updates"]
# Languages tab, update file languages (culture names).
languages = ["en"]
# Sync Settings tab, WSUS reporting events: false = "Do not create WSUS reporting events"
# (the default; ConfigMgr does not use them).
reporting_events = false

# ---------------------------------------------------------------------------------------------
# WSUS on the sync-source SUP, when you know it (also imported from a .reg export).
# Registry: HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup.
# Remove the # to describe it:
# ---------------------------------------------------------------------------------------------
# [wsus]
# # Registry PortNumber.
# port = 8530
# # Registry UsingSSL (set by wsusutil configuressl).
# using_ssl = false
# # Registry ServerCertificateName: the name given to wsusutil configuressl; must be the
# # SUP FQDN that clients and the site server use.
# cert_name = "CM01.contoso.com"
# # Registry ContentDir (without the trailing WsusContent).
# content_dir = "D:\\WSUS"
# # Registry SqlServerName (server\instance; WID when the Windows Internal Database is used).
# sql_server = "CM01.contoso.com"
# # (Get-WsusServer).GetConfiguration().MUUrl; must be https://sws.update.microsoft.com
# mu_url = "https://sws.update.microsoft.com"
"#;
