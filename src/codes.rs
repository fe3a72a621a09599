//! Error-code table for `supdiag explain` (docs/domain.md §C.6 and the codes used by rules), and code
//! parsing: `0x80072EE7`, `80072ee7`, `-2147012889`, `2147942405`, `12007`, `5`.

/// One entry of the table. `hresults` are 32-bit HRESULTs (decimal Win32/WinINet codes and HTTP
/// statuses are stored in their `HRESULT_FROM_WIN32` form, 0x8007xxxx, which is also how
/// ConfigMgr reports them); `numbers` are plain identifiers such as status message ids.
#[derive(Debug)]
pub struct CodeEntry {
    pub hresults: &'static [u32],
    pub numbers: &'static [u32],
    pub name: &'static str,
    pub meaning: &'static str,
    pub causes: &'static str,
    pub fix: &'static str,
}

/// A code as parsed from user input or a log capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedCode {
    /// The HRESULT form.
    pub hresult: u32,
    /// The decimal Win32/WinINet code when the input was one (`12007`, `5`).
    pub decimal: Option<u32>,
}

/// `HRESULT_FROM_WIN32`.
pub fn hresult_from_win32(code: u32) -> u32 {
    if code == 0 || code & 0x8000_0000 != 0 {
        code
    } else {
        (code & 0xFFFF) | 0x8007_0000
    }
}

/// Parse a code written as hex (`0x80072EE7`, `80072ee7`), signed decimal (`-2147012889`),
/// unsigned decimal HRESULT (`2147942405`) or a decimal Win32/WinINet code (`12007`, `5`).
pub fn parse_code(s: &str) -> Option<ParsedCode> {
    let s = s.trim();
    let hex = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"));
    if let Some(h) = hex {
        if h.is_empty() || h.len() > 8 {
            return None;
        }
        let v = u32::from_str_radix(h, 16).ok()?;
        return Some(ParsedCode {
            hresult: v,
            decimal: None,
        });
    }
    if s.len() == 8
        && s.bytes().all(|b| b.is_ascii_hexdigit())
        && (s.bytes().any(|b| b.is_ascii_alphabetic()) || s.starts_with('8'))
    {
        let v = u32::from_str_radix(s, 16).ok()?;
        return Some(ParsedCode {
            hresult: v,
            decimal: None,
        });
    }
    if let Some(neg) = s.strip_prefix('-') {
        let v: i64 = neg.parse().ok()?;
        let signed = i32::try_from(-v).ok()?;
        return Some(ParsedCode {
            hresult: signed as u32,
            decimal: None,
        });
    }
    let v: u64 = s.parse().ok()?;
    if v <= 0xFFFF {
        let v = v as u32;
        return Some(ParsedCode {
            hresult: hresult_from_win32(v),
            decimal: Some(v),
        });
    }
    if (0x8000_0000..=0xFFFF_FFFF).contains(&v) {
        return Some(ParsedCode {
            hresult: v as u32,
            decimal: None,
        });
    }
    None
}

/// Entries for a parsed code: by HRESULT, and by plain number (status message ids) for small
/// decimals.
pub fn lookup(p: ParsedCode) -> Vec<&'static CodeEntry> {
    TABLE
        .iter()
        .filter(|e| {
            e.hresults.contains(&p.hresult) || p.decimal.is_some_and(|d| e.numbers.contains(&d))
        })
        .collect()
}

/// True when a code string (as written in a rule's `codes` or a finding) denotes `p`.
pub fn code_matches(code: &str, p: ParsedCode) -> bool {
    match parse_code(code) {
        Some(c) => c.hresult == p.hresult || (c.decimal.is_some() && c.decimal == p.decimal),
        None => false,
    }
}

macro_rules! entry {
    ([$($h:expr),*], [$($n:expr),*], $name:expr, $meaning:expr, $causes:expr, $fix:expr) => {
        CodeEntry { hresults: &[$($h),*], numbers: &[$($n),*], name: $name, meaning: $meaning, causes: $causes, fix: $fix }
    };
}

const RESET_WU: &str = "Reset the Windows Update client components on the client (stop wuauserv and BITS, rename SoftwareDistribution and catroot2, start them again) and rescan.";

pub static TABLE: &[CodeEntry] = &[
    entry!([0x8007_2EE2], [], "ERROR_INTERNET_TIMEOUT (12002)",
        "A WinINet request timed out: a client waiting for its SUP, or the SUP waiting for Microsoft Update or its upstream server.",
        "Firewall dropping packets, proxy not answering, WsusPool overloaded on the SUP, slow WAN link.",
        "Check that the port of the target answers (supdiag precheck --probe), review proxy and firewall rules, and look for 503s in the WSUS IIS log."),
    entry!([0x8007_2EE7], [], "ERROR_INTERNET_NAME_NOT_RESOLVED (12007)",
        "A host name could not be resolved. For ADR downloads it means the site server (running as SYSTEM) cannot resolve internet names; for sync, the SUP cannot resolve the Microsoft Update or upstream endpoint.",
        "No DNS for internet names on the server, a proxy is required but not configured for the account doing the download, 'Use a proxy server when downloading content by using automatic deployment rules' is off.",
        "Configure the site system proxy of the site server and enable the proxy option for ADRs on the SUP, or give the server's SYSTEM account direct internet name resolution."),
    entry!([0x8007_2EFD], [], "ERROR_INTERNET_CANNOT_CONNECT (12029)",
        "The TCP connection could not be made.",
        "Wrong port, firewall, nothing listening (WSUS site stopped), proxy required.",
        "Verify the port against the IIS bindings of the WSUS site and open it in the firewall."),
    entry!([0x8007_2EFE], [], "ERROR_INTERNET_CONNECTION_ABORTED (12030)",
        "The connection was terminated abnormally, typically during sync with Microsoft Update.",
        "TLS negotiation failure (TLS 1.2 only endpoint), proxy or firewall cutting the session.",
        "Enable TLS 1.2 for .NET on the SUP, check the proxy and firewall inspection rules."),
    entry!([0x8007_2EFF], [], "ERROR_INTERNET_CONNECTION_RESET (12031)",
        "The connection was reset by the other side.",
        "Firewall/proxy resets, TLS protocol mismatch, WSUS site recycling.",
        "Check the network path and TLS settings; look at the WSUS IIS log at the same time."),
    entry!([0x8007_2F0C], [], "ERROR_INTERNET_CLIENT_AUTH_CERT_NEEDED (12044)",
        "The server asked the client for a client certificate.",
        "The WSUS site or its virtual directories are set to accept or require client certificates.",
        "In IIS Manager set 'Client certificates' to Ignore on the WSUS site and its virtual directories."),
    entry!([0x8007_2F0D], [], "ERROR_INTERNET_INVALID_CA (12045)",
        "The server certificate was issued by a CA the caller does not trust.",
        "Internal PKI root not deployed to clients or the site server; self-signed WSUS certificate.",
        "Deploy the issuing CA chain to the trusted root / intermediate stores of the callers."),
    entry!([0x8024_4016, 0x8024_4017, 0x8024_4018, 0x8024_4019], [], "WU_E_PT_HTTP_STATUS_BAD_REQUEST / DENIED / FORBIDDEN / NOT_FOUND (HTTP 400/401/403/404)",
        "The SUP answered the Windows Update agent with an HTTP error status.",
        "401/403: authentication or IIS configuration of the WSUS site; 404: a WSUS virtual directory or content file is missing (Content vdir path wrong, EULA file absent).",
        "Compare the WSUS IIS log for the client's requests; repair the WSUS virtual directories or content folder."),
    entry!([0x8024_401B], [], "WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ (HTTP 407)",
        "A proxy between the client and the SUP demands authentication.",
        "The client's WinHTTP proxy is used for the SUP URL.",
        "Add the SUP to the WinHTTP proxy bypass list (netsh winhttp set proxy ... bypass-list) or remove the proxy."),
    entry!([0x8024_401C], [], "WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT (HTTP 408)",
        "The server timed out waiting for the request.",
        "Overloaded SUP, slow network.",
        "Check SUP load and the WsusPool; retry."),
    entry!([0x8024_401F], [], "WU_E_PT_HTTP_STATUS_SERVER_ERROR (HTTP 500)",
        "The WSUS web service failed while handling the request.",
        "WSUS service problem, database unreachable, ASP.NET impersonation enabled (500.24).",
        "Check the SoftwareDistribution.log and the WSUS IIS log for the failing URL."),
    entry!([0x8024_4021], [], "WU_E_PT_HTTP_STATUS_BAD_GATEWAY (HTTP 502)",
        "A proxy could not reach the SUP.",
        "Client WinHTTP proxy used for an internal URL.",
        "Bypass the proxy for the SUP name or fix the proxy."),
    entry!([0x8024_4022], [], "WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL (HTTP 503)",
        "The WSUS site answered 'service unavailable'.",
        "WsusPool stopped or recycled after hitting its private memory limit; rapid-fail protection.",
        "Start the WsusPool, raise its private memory limit (4-8 GB) and run WSUS maintenance."),
    entry!([0x8024_4023], [], "WU_E_PT_HTTP_STATUS_GATEWAY_TIMEOUT (HTTP 504)",
        "A gateway or proxy timed out.",
        "Proxy in the path, overloaded SUP.",
        "Bypass the proxy for the SUP; check SUP load."),
    entry!([0x8024_402C], [], "WU_E_PT_WINHTTP_NAME_NOT_RESOLVED",
        "The client could not resolve the SUP or proxy name.",
        "DNS, wrong FQDN in the SUP URL, proxy name wrong.",
        "Resolve the name from the client (nslookup) and fix DNS or the WinHTTP proxy."),
    entry!([0x8024_0030], [], "WU_E_INVALID_PROXY_SERVER",
        "The WinHTTP proxy list has an invalid format.",
        "Malformed proxy or bypass list.",
        "Reset or re-import the WinHTTP proxy (netsh winhttp reset proxy / import proxy source=ie)."),
    entry!([0x8024_4007], [], "WU_E_PT_SOAPCLIENT_SOAPFAULT",
        "The WSUS web service returned a SOAP fault.",
        "Often InvalidParameters for InstalledNonLeafUpdateIDs: more installed prerequisites than the server accepts.",
        "Raise maxInstalledPrerequisites in the ClientWebService web.config (400 to 800) and restart IIS."),
    entry!([0x8024_400E], [], "WU_E_PT_SOAP_SERVER",
        "Server-side SOAP error.",
        "WSUS service or database problem.",
        "Check SoftwareDistribution.log on the SUP."),
    entry!([0x8024_4010], [], "WU_E_PT_EXCEEDED_MAX_SERVER_TRIPS",
        "The scan needed more than 200 round trips to the server.",
        "Too much metadata: many products, classifications or superseded updates left active.",
        "Decline superseded updates, run WSUS cleanup, trim products; a rescan usually completes."),
    entry!([0x8024_4011], [], "WU_E_PT_SUS_SERVER_NOT_SET",
        "No WSUS server is configured for the client.",
        "WUServer policy missing (ConfigMgr local policy not applied).",
        "Check WUAHandler.log and that the client received a SUP location."),
    entry!([0x8024_0438], [], "WU_E_PT_ENDPOINT_UNREACHABLE",
        "The update endpoint could not be reached.",
        "Network path, proxy, firewall.",
        "Check connectivity to the SUP URL from the client."),
    entry!([0x8024_0033], [], "WU_E_EULA_UNAVAILABLE",
        "License terms of an update could not be downloaded.",
        "EULA files missing in WsusContent, Content virtual directory pointing at the wrong path, share ACLs.",
        "Fix the Content vdir path and permissions; run 'wsusutil reset' to re-download missing files."),
    entry!([0x8024_5003, 0x8007_0514, 0x8DDD_0018, 0x8024_6008, 0x8020_0013, 0x8000_4015, 0x800A_0046, 0x800A_01AD, 0x8007_0424, 0x800B_0100, 0x8024_8011], [],
        "Windows Update client component error",
        "The Windows Update agent or one of its services (BITS, cryptographic services) is missing, disabled or corrupt on the client.",
        "Corrupt SoftwareDistribution or catroot2 store, disabled services, damaged system files.",
        RESET_WU),
    entry!([0x800B_0101], [], "CERT_E_EXPIRED",
        "A certificate in the chain has expired.",
        "The SUP's HTTPS certificate or a third-party signing certificate has expired.",
        "Renew the certificate, bind it to the WSUS site and run 'wsusutil configuressl <FQDN>'."),
    entry!([0x800B_0109], [], "CERT_E_UNTRUSTEDROOT",
        "The certificate chain ends in a root that is not trusted.",
        "Upstream SUP or WSUS certificate from an internal CA not trusted; WSUS 3.0 SP2 without SHA-2 support (KB4484071).",
        "Deploy the root CA; on WSUS 3.0 SP2 install KB4484071."),
    entry!([0x800B_0004], [], "TRUST_E_SUBJECT_NOT_TRUSTED",
        "The signer of a file is not trusted.",
        "Third-party update signing certificate not in Trusted Publishers / Trusted Root on the client.",
        "Deploy the WSUS signing certificate to clients."),
    entry!([0x87D0_0692], [], "ConfigMgr: group policy conflict",
        "The client cannot add its SUP as update source because a domain GPO sets another WSUS server.",
        "GPO 'Specify intranet Microsoft update service location' points to a different server or port.",
        "Remove the GPO setting for ConfigMgr clients or make it identical to the SUP URL and port."),
    entry!([0x87D2_0417], [], "ConfigMgr: ADR content download failed",
        "An automatic deployment rule could not download update content.",
        "No internet access for the site server's SYSTEM account, proxy not used for ADRs, package source permissions, content missing.",
        "Read ruleengine.log and PatchDownloader.log for the underlying code."),
    entry!([0x8013_1500], [], "COR_E_EXCEPTION (.NET exception)",
        "A generic .NET exception reported by the WSUS API; the text next to it says what failed.",
        "License terms not downloaded, connection errors during sync.",
        "Read the message in wsyncmgr.log (Sync failed: ...) for the actual failure."),
    entry!([0x8013_150A], [], ".NET security exception (principal permission failed)",
        "The WSUS API refused the caller.",
        "The WSUS server connection account (or the site server computer account) is not in the WSUS Administrators group of a remote SUP.",
        "Add the account to WSUS Administrators and local Administrators on the SUP."),
    entry!([0x8007_0005], [], "ERROR_ACCESS_DENIED (5)",
        "Access denied.",
        "Share or NTFS rights on a package source or WsusContent folder, registry rights.",
        "Grant the account that runs the operation (often the site server computer account) modify rights."),
    entry!([0x8000_4005], [], "E_FAIL (-2147467259)",
        "Unspecified failure. In WCM.log it typically accompanies a failed subscription update.",
        "A product or category enabled in ConfigMgr does not exist in WSUS any more.",
        "Untick the products WCM.log says are unknown to WSUS."),
    entry!([0x8007_274D], [], "WSAECONNREFUSED (10061)",
        "The target machine actively refused the TCP connection: nothing listens on that port.",
        "SUP port differs from the IIS binding of the WSUS site, WSUS site stopped.",
        "Align the SUP ports with the bindings of the WSUS Administration (8530/8531) or Default Web Site (80/443)."),
    entry!([0x8007_0191], [], "HTTP 401 Unauthorized (as HRESULT)",
        "The server refused the credentials.",
        "Connection account lacks rights on the WSUS server (ApiRemoting30), or an authenticating proxy.",
        "Check the WSUS server connection account and its group memberships."),
    entry!([0x8007_0193], [], "HTTP 403 Forbidden (as HRESULT)",
        "The server or a proxy forbids the request.",
        "Proxy used for an internal WSUS URL, IIS SSL settings, ACLs.",
        "Bypass the proxy for internal URLs; check IIS settings of the WSUS site."),
    entry!([0x8007_0194], [], "HTTP 404 Not Found (as HRESULT)",
        "The requested content does not exist.",
        "Update content removed from WsusContent (third-party .cab), wrong content path.",
        "Re-publish the update or decline it; check the content folder."),
    entry!([0x8007_0197], [], "HTTP 407 Proxy Authentication Required (as HRESULT)",
        "The proxy wants credentials that were not sent or were rejected.",
        "Proxy account missing or its password expired.",
        "Set or renew the site system proxy account."),
    entry!([0x8007_01F4], [], "HTTP 500 Internal Server Error (as HRESULT)",
        "The web service failed.",
        "WSUS service or database down.",
        "Check the WSUS service, SUSDB and SoftwareDistribution.log."),
    entry!([0x8007_01F6], [], "HTTP 502 Bad Gateway (as HRESULT)",
        "A proxy could not reach the target.",
        "ADR downloads sent through the proxy to an internal WSUS URL.",
        "Bypass the proxy for the WSUS server or download from the WsusContent UNC path."),
    entry!([0x8007_01F7], [], "HTTP 503 Service Unavailable (as HRESULT)",
        "The WSUS site is not serving.",
        "WsusPool stopped or recycling on its memory limit.",
        "Start WsusPool and raise its private memory limit."),
    entry!([0x8007_0050], [], "ERROR_FILE_EXISTS (80)",
        "GetTempFileName could not create a unique temp file.",
        "More than 65,535 .tmp files in the SYSTEM temp folder (C:\\Windows\\Temp).",
        "Delete the .tmp files and update ConfigMgr (fixed in 2010 and later update rollups)."),
    entry!([0x8007_10DD], [], "ERROR_INVALID_OPERATION (4317)",
        "The operation is not valid in the current state; seen with EULA downloads that failed.",
        "License terms not available on the SUP.",
        "Fix the Content vdir / WsusContent and run 'wsusutil reset'."),
    entry!([0x8024_000C, 0x8024_0013, 0x8024_043D, 0x8024_0007], [], "Benign Windows Update agent noise",
        "These *FAILED* codes appear in healthy WindowsUpdate.log files ([8024000C] LoadHistoryEventFromRegistry, [80240013], [8024043D] GetIsInventoryRequired, [80240007] timestamp token lookups).",
        "Nothing; they are normal.",
        "Ignore; judge the scan by the 'Finding updates CallerId = CcmExec ... Exit code' line."),
    entry!([], [6700], "Status message 6700 (SMS_WSUS_SYNC_MANAGER)",
        "WSUS Synchronization Manager error: the sync manager itself failed (not one sync run).",
        "The component could not read its configuration, reach the site database or the SUP list.",
        "Read wsyncmgr.log around the status message; check the SUP role and SMS_EXECUTIVE on the site server."),
    entry!([], [6701], "Status message 6701 (SMS_WSUS_SYNC_MANAGER)",
        "WSUS synchronization started. Its GMTDATE is the start time of the sync run.",
        "-",
        "Nothing to do; supdiag sync shows the run it opens."),
    entry!([], [6702], "Status message 6702 (SMS_WSUS_SYNC_MANAGER)",
        "WSUS synchronization done.",
        "-",
        "Nothing to do."),
    entry!([], [6703], "Status message 6703 (SMS_WSUS_SYNC_MANAGER)",
        "WSUS synchronization failed; ISTR1 carries the message and LE= the last error.",
        "Any sync failure: WSUS not configured (see WCM.log), connectivity, certificate, permissions.",
        "Read the 'Sync failed:' line before the status message and run supdiag analyze on wsyncmgr.log and WCM.log."),
    entry!([], [6704], "Status message 6704 (SMS_WSUS_SYNC_MANAGER)",
        "WSUS synchronization in progress: the SUP's WSUS is synchronizing from Microsoft Update or its upstream server (WSUS phase).",
        "-",
        "Nothing to do; a run that stays in this phase points at the upstream connection (SoftwareDistribution.log on the SUP)."),
    entry!([], [6705], "Status message 6705 (SMS_WSUS_SYNC_MANAGER)",
        "WSUS synchronization in progress: the site database is being synchronized with WSUS (top-level site only).",
        "-",
        "Nothing to do; per-update failures of this phase are 'Failed to sync update' lines in wsyncmgr.log."),
    entry!([], [6706], "Status message 6706 (SMS_WSUS_SYNC_MANAGER)",
        "WSUS synchronization in progress: the replica SUPs of the site (including internet-facing ones) are being synchronized.",
        "-",
        "Nothing to do; a failing replica shows in wsyncmgr.log under 'Synchronizing replica WSUS servers'."),
    entry!([], [6707], "Status message 6707 (SMS_WSUS_SYNC_MANAGER)",
        "The content of the WSUS server is out of sync with its upstream source.",
        "A sync that did not finish, a replica that failed, an upstream server that was changed.",
        "Run a synchronization (full if the upstream changed) and read the next run with supdiag sync."),
    entry!([], [6708], "Status message 6708 (SMS_WSUS_SYNC_MANAGER)",
        "Synchronization completed, but license terms (EULAs) are still being downloaded.",
        "WSUS has not yet downloaded the license terms of some updates.",
        "Usually nothing; if it persists see the EULA rules (wsus_eula_file_missing, client_scan_eula_unavailable)."),
    entry!([], [6709, 6710, 6711], "Status message 6709-6711 (SMS_WSUS_SYNC_MANAGER)",
        "Older WSUS Synchronization Manager messages listed by community references; the current sync sequence (6701 started, 6704-6706 phases, 6702 done, 6703 failed) does not use them.",
        "-",
        "Read wsyncmgr.log around the status message; supdiag sync reconstructs the run."),
    entry!([], [7000], "Status message 7000 (SMS_WSUS_CONTROL_MANAGER)",
        "WSUS Control Manager failed to configure proxy settings on the WSUS server.",
        "WSUS unreachable, port mismatch, proxy enabled without a name or valid port.",
        "Fix the site system proxy name/port and the SUP ports."),
    entry!([], [8706], "Status message 8706 (SMS_RULE_ENGINE)",
        "An automatic deployment rule failed.",
        "Usually the content download step.",
        "Read ruleengine.log for the download error code."),
    entry!([], [12072], "WSUS event 12072",
        "The WSUS content directory is not accessible.",
        "WsusPool down, or ACLs on a shared content folder.",
        "Start WsusPool; grant each front end's computer account rights on the content share."),
    entry!([], [2627], "SQL error 2627 (primary key violation)",
        "The site database refused to insert a duplicate row while saving an update.",
        "A revised update with changed metadata, identity reseed in CI_DocumentStore.",
        "Wait for the next sync or decline the update in WSUS; contact support for a database fix."),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_accepted_form() {
        let ee7 = Some(0x8007_2EE7);
        assert_eq!(parse_code("0x80072EE7").map(|p| p.hresult), ee7);
        assert_eq!(parse_code("80072ee7").map(|p| p.hresult), ee7);
        assert_eq!(parse_code("-2147012889").map(|p| p.hresult), ee7);
        assert_eq!(parse_code("12007").map(|p| p.hresult), ee7);
        assert_eq!(parse_code("12007").and_then(|p| p.decimal), Some(12007));
        assert_eq!(
            parse_code("2147942405").map(|p| p.hresult),
            Some(0x8007_0005)
        );
        assert_eq!(parse_code("5").map(|p| p.hresult), Some(0x8007_0005));
        assert_eq!(
            parse_code("-2147467259").map(|p| p.hresult),
            Some(0x8000_4005)
        );
        assert_eq!(
            parse_code("0x87d00692").map(|p| p.hresult),
            Some(0x87D0_0692)
        );
        assert_eq!(parse_code("nonsense"), None);
        assert_eq!(parse_code("99999999999"), None);
        assert_eq!(parse_code("0x"), None);
    }

    #[test]
    fn lookup_finds_entries_and_status_ids() {
        let p = parse_code("12007").map(lookup).unwrap_or_default();
        assert_eq!(
            p.first().map(|e| e.name),
            Some("ERROR_INTERNET_NAME_NOT_RESOLVED (12007)")
        );
        let s = parse_code("6703").map(lookup).unwrap_or_default();
        assert!(s.iter().any(|e| e.name.contains("6703")));
        for id in 6700..=6711 {
            let e = parse_code(&id.to_string()).map(lookup).unwrap_or_default();
            assert!(
                e.iter().any(|e| e.numbers.contains(&id)),
                "status message {id}"
            );
        }
        let grouped = parse_code("0x80244019").map(lookup).unwrap_or_default();
        assert_eq!(grouped.len(), 1);
    }

    #[test]
    fn code_matching_across_forms() {
        let p = parse_code("0x80070005");
        assert!(p.is_some_and(|p| code_matches("5", p)));
        assert!(p.is_some_and(|p| code_matches("-2147024891", p)));
        assert!(!p.is_some_and(|p| code_matches("12007", p)));
    }
}
