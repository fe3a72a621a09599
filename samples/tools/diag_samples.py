"""Samples for diagnosis on real-looking logs (issue 18): a client failure seen in every client log
and in an ETW-decoded WindowsUpdate.log with ISO dates, a client whose failure shows only in
WindowsUpdate.log, IIS request lines pasted without their header, ADR certificate failures, and a
WSUS Control Manager proxy failure. Called from make_samples.py (same writers, same conventions).
"""

import datetime as dt
import random

from make_samples import (Cm, Sms, WCTRL, RULE, WSYNC, WCM, ms, write, guid, WUA_SRC, failed_sync,
                          assembly_check, wcm_failed_cycle, trigger, sup_list, sd_writer, wsus_start,
                          wcm_cycle_head, scan_request, scan_failed_at_add_source,
                          adr_download_failed, not_configured_attempt)


# ---------------------------------------------------------------------------------------------
# Get-WindowsUpdateLog rendering with the machine's date format (ISO `-` or `/`).

class Etw:
    def __init__(self, sep, pid, tid, seed):
        self.sep, self.pid, self.tid = sep, pid, tid
        self.rng = random.Random(seed)
        self.t = None
        self.lines = []

    def at(self, t):
        self.t = t

    def __call__(self, comp, msg, delta_ms=None, thread=None):
        if delta_ms is None:
            delta_ms = self.rng.randint(0, 20)
        self.t += delta_ms * ms
        frac = self.t.microsecond * 10 + self.rng.randint(0, 9)
        d = self.t.strftime(f"%Y{self.sep}%m{self.sep}%d")
        self.lines.append(f"{d} {self.t:%H:%M:%S}.{frac:07d} {self.pid:<5} {thread or self.tid:<5} "
                          f"{comp:<15} {msg}")


def etw_service_start(wu, server):
    wu("Shared", "* START * Service startup", 0)
    wu("Agent", "WU client version 10.0.26100.4202")
    wu("Agent", "Base directory: C:\\WINDOWS\\SoftwareDistribution")
    wu("Agent", "Datastore directory: C:\\WINDOWS\\SoftwareDistribution\\DataStore\\DataStore.edb")
    wu("Shared", "Network state: Connected", 230)
    wu("Misc", "*FAILED* [8024000C] LoadHistoryEventFromRegistry completed", 41)
    wu("Agent", "Initializing global settings cache", 12)
    wu("Agent", f"WSUS server: {server}")
    wu("Agent", f"WSUS status server: {server}")
    wu("Agent", "Alternate Download Server: (null)")
    wu("Agent", "Fill Empty Content Urls: No")
    wu("Agent", "Target group: (Unassigned Computers)")
    wu("Agent", "Windows Update access disabled: No")
    wu("DownloadManager", "Download manager restoring 0 downloads", 25)


# =============================================================================================
# client-scan-trips: the round-trip limit in WUAHandler, ScanAgent and an ISO-dated ETW log

def client_scan_trips():
    d = "client-scan-trips"
    bias = -60
    rng = random.Random(1801)
    server = "http://CM01.contoso.com:8530"
    sa = Cm("ScanAgent", bias, 6120, 1802, "cscanagent.cpp")
    wh = Cm("WUAHandler", bias, 6120, 1803, "cwuahandler.cpp")
    wu = Etw("-", 3712, 5044, 1804)
    wu.at(dt.datetime(2026, 11, 21, 9, 14, 2, 118000))
    etw_service_start(wu, server)
    t = dt.datetime(2026, 11, 21, 9, 20, 41, 307000)
    for attempt in range(2):
        job = guid(rng)
        sa.at(t)
        sa(f"Message received: '<?xml version='1.0' ?><UpdateSourceMessage><UpdateSourceID>"
           f"{WUA_SRC}</UpdateSourceID><Priority>5</Priority><ScanType>1</ScanType>"
           f"<AutoCompleteRequest>false</AutoCompleteRequest></UpdateSourceMessage>'", 0, typ=1)
        sa("*****ScanByUpdateSource request received with ScanType ID = 1, ScanType = Scan All, "
           "ForceReScan = False, ScanOptions = 0x00000000", 16, typ=1)
        sa(f"ScanJob({job}): CScanJob::Execute - Adding UpdateSource={WUA_SRC}, ContentType=2, "
           f"ContentLocation={server}, ContentVersion=41", 31, typ=1)
        wh.at(sa.t + 47 * ms)
        wh(f"Its a WSUS Update Source type ({WUA_SRC}), adding it.", 0, typ=1)
        wh(f"Existing WUA Managed server was already set ({server}), skipping Group Policy "
           f"registration.", 0, typ=1)
        wh(f"Added Update Source ({WUA_SRC}) of content type: 2", 16, typ=1)
        wh("Scan results will include superseded updates only when they are superseded by "
           "service packs and definition updates.", 0, typ=1)
        wh("Search Criteria is (DeploymentAction=* AND Type='Software') OR (DeploymentAction=* "
           "AND Type='Driver')", 0, typ=1)
        wh("Running single-call scan of updates.", 0, typ=1)
        wh("Async searching of updates using WUAgent started.", 0, typ=1)
        wu.at(wh.t + 12 * ms)
        wu("ComApi", "* START *   Search ClientId = CcmExec", 0, thread=6120)
        wu("Agent", f"* START * Finding updates CallerId = CcmExec  Id = {14 + attempt}", 3)
        wu("Agent", "Online = Yes; Interactive = No; AllowCachedResults = No; Ignore download "
           "priority = No")
        wu("Agent", "ServiceID = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed")
        wu("Agent", "Search Scope = {Machine}")
        wu("Misc", f"Got WSUS Client/Server URL: {server}/ClientWebService/client.asmx", 140)
        wu("ProtocolTalker", "OK to reuse existing configuration", 2)
        wu("ProtocolTalker", f"ServiceId = {{3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}}, Server URL = "
           f"{server}/ClientWebService/client.asmx", 0)
        fetched = 0
        for k in range(200):
            n = rng.randint(1, 4)
            fetched += n
            wu("ProtocolTalker", f"SyncUpdates round trip: FetchedCount={n}, "
               f"OutOfScopeRevisionIds=0, ValidUpdatePreferenceIds=0, OtherCachedUpdates="
               f"{2210 + fetched}, DeletedUpdates=0, Software=True, Driver=True",
               rng.randint(900, 1500))
        wu("ProtocolTalker", "*FAILED* [80244010] Sync of Updates", 4)
        wu("ProtocolTalker", "*FAILED* [80244010] SyncServerUpdatesInternal", 0)
        wu("Agent", f"* END * Finding updates CallerId = CcmExec  Id = {14 + attempt}  Exit code = "
           f"0x80244010", 1)
        wu("ComApi", "*RESUMED* Search ClientId = CcmExec", 9, thread=6120)
        wu("ComApi", "* END *   Search ClientId = CcmExec", 0, thread=6120)
        wh.at(wu.t + 31 * ms)
        wh("OnSearchComplete - Failed to end search job. Error = 0x80244010.", 0, typ=3)
        wh("Scan failed with error = 0x80244010.", 0, typ=3)
        sa.at(wh.t + 63 * ms)
        sa(f"ScanJob({job}): CScanJob::OnScanComplete -Scan Failed with Error=0x80244010", 0, typ=3)
        sa(f"ScanJob({job}): CScanJob::ScheduleScanRetry- ScanRetry Timer task successfully "
           f"scheduled. Will retry scan in 30 minutes", 16, typ=1)
        sa("CScanJobManager::OnScanComplete -failed at CScanJob::Execute with error=0x80244010",
           0, typ=3)
        t = sa.t + dt.timedelta(minutes=30, seconds=rng.randint(1, 9))
    write(f"{d}/ScanAgent.log", sa.lines)
    write(f"{d}/WUAHandler.log", wh.lines)
    write(f"{d}/WindowsUpdate.log", wu.lines, enc="ascii")


# =============================================================================================
# client-windowsupdate-only: the scan fails through a proxy; only WindowsUpdate.log was collected

def client_windowsupdate_only():
    d = "client-windowsupdate-only"
    server = "http://CM01.contoso.com:8530"
    wu = Etw("/", 2968, 7332, 1901)
    wu.at(dt.datetime(2026, 11, 22, 14, 3, 55, 902000))
    etw_service_start(wu, server)
    rng = random.Random(1902)
    for attempt in range(3):
        wu.t += dt.timedelta(minutes=30 if attempt else 4, milliseconds=rng.randint(0, 999))
        wu("ComApi", "* START *   Search ClientId = CcmExec", 0, thread=4416)
        wu("Agent", f"* START * Finding updates CallerId = CcmExec  Id = {31 + attempt}", 2)
        wu("Agent", "Online = Yes; Interactive = No; AllowCachedResults = No; Ignore download "
           "priority = No")
        wu("Agent", "ServiceID = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed")
        wu("Misc", f"Got WSUS Client/Server URL: {server}/ClientWebService/client.asmx", 133)
        wu("WebServices", "Auto proxy settings for this web service call.", 3)
        wu("WebServices", "WinHttp: Proxy list used = proxy.contoso.com:8080, Bypass list used = "
           "<local>", 0)
        wu("WebServices", f"WS error: There was an error communicating with the endpoint at "
           f"'{server}/ClientWebService/client.asmx'.", 2104)
        wu("WebServices", "WS error: The server returned HTTP status code '407 (0x197)' with text "
           "'Proxy Authentication Required'.", 0)
        wu("WebServices", "*FAILED* [8024401B] Web service call", 0)
        wu("ProtocolTalker", "*FAILED* [8024401B] Sync of Updates", 1)
        wu("ProtocolTalker", "*FAILED* [8024401B] SyncServerUpdatesInternal", 0)
        wu("Agent", f"* END * Finding updates CallerId = CcmExec  Id = {31 + attempt}  Exit code = "
           f"0x8024401B", 1)
        wu("ComApi", "*RESUMED* Search ClientId = CcmExec", 8, thread=4416)
        wu("ComApi", "* END *   Search ClientId = CcmExec", 0, thread=4416)
    write(f"{d}/WindowsUpdate.log", wu.lines, enc="ascii")


# =============================================================================================
# pasted/iis-and-client.txt: IIS request lines without their #Fields header, with and without the
# date and time columns, and ETW-decoded WindowsUpdate.log lines with ISO dates, in a ticket.

def pasted_iis():
    lines = [
        "Hi, since this afternoon none of our clients can scan against WSUS02.",
        "",
        "From the IIS log on WSUS02 (u_ex261118.log):",
        "2026-11-18 13:59:51 10.20.1.21 POST /ClientWebService/client.asmx - 8530 - 10.20.40.167 "
        "Windows-Update-Agent/10.0.10011.16384+Client-Protocol/2.50 - 503 0 0 0",
        "2026-11-18 14:02:51 10.20.1.21 GET /selfupdate/wuident.cab 2611181402 8530 - "
        "10.20.40.103 Windows-Update-Agent/10.0.10011.16384+Client-Protocol/2.50 - 503 0 0 0",
        "",
        "and from the viewer on the other front end (no date column there):",
        "10.20.1.22 POST /ClientWebService/client.asmx - 8530 - 10.20.41.12 "
        "Windows-Update-Agent/10.0.10011.16384+Client-Protocol/2.50 - 503 0 0 1",
        "10.20.1.22 POST /ApiRemoting30/WebService.asmx - 8530 CONTOSO\\CM02$ 10.20.1.10 "
        "Mozilla/4.0+(compatible;+MSIE+6.0;+MS+Web+Services+Client+Protocol+4.0.30319.42000) - "
        "503 0 0 2",
        "",
        "WindowsUpdate.log of PC0412 says:",
        "2026-11-18 15:00:12.4418023 3120  6604  ProtocolTalker  *FAILED* [80244022] Sync of Updates",
        "2026-11-18 15:00:12.4419987 3120  6604  Agent           * END * Finding updates "
        "CallerId = CcmExec  Id = 8  Exit code = 0x80244022",
        "",
        "Any idea? The pool was restarted at 16:10 and everything works again.",
    ]
    write("pasted/iis-and-client.txt", lines, enc="utf-8", eol="\n")


# =============================================================================================
# site-adr-certificates: ADR downloads through a TLS-inspecting proxy (12045) and a third-party
# update whose signing certificate the site server does not trust (0x800b0004)

def site_adr_certificates():
    d = "site-adr-certificates"
    bias = -60
    rng = random.Random(2001)
    rule, name = 16777219, "Third-party monthly"
    pkg, pkg_path = "Third-party monthly", r"\\CM01.contoso.com\Sources\Updates\Third-party monthly"
    r = Sms(RULE, bias, 6120, 2002, "CM01.contoso.com", "PS1")
    pd = Cm("PatchDownloader", bias, 7312, 2003, "patchdownloader.cpp")
    contents = [
        # A vendor's HTTPS download behind a TLS-inspecting proxy whose CA the site server lacks.
        (16790123, "AcroRdrDCx64Upd2600120963.msp",
         "https://ardownload2.contoso-vendor.com/pub/reader/2600120963/AcroRdrDCx64Upd2600120963.msp"),
        # A locally published update signed with a WSUS signing certificate nobody trusts yet.
        (16790124, "7zip-2601-x64_4b1e9d.cab",
         "http://WSUS01.contoso.com:8530/Content/4B/1E9D02C77A5F3B8E6D1C0A9F2E4B7D3C5A8E1F06.cab"),
    ]
    r.at(dt.datetime(2026, 11, 24, 7, 0, 58, 231000))
    r(f"Found notification file D:\\Program Files\\Microsoft Configuration Manager\\inboxes\\"
      f"RuleEngine.box\\{rule}.RUL", 0)
    r(f"CRuleHandler: Processing Rule with ID:{rule}, Name:{name}.", 47)
    r("Evaluating rule criteria...", 16)
    r("Rule resulted in a total of 2 updates", 1312)
    r("Enforcing Content Download Action", 31)
    r("Getting all update sources in order Internet, WSUS, UNC", 16)
    r(f'2 update(s) need to be downloaded in package "{pkg}" ({pkg_path})', 312)
    cid, fname, url = contents[0]
    r(f"Downloading content for ContentID:{cid}, FileName:{fname}", 47)
    r("Attempting to download content from internet. Will retry 3 times", 0)
    pd.at(r.t + 120 * ms)
    folder = guid(rng, braces=False, upper=False)
    pd(f"Download destination = {pkg_path}\\{folder}\\{fname} .", 0)
    pd(f"Contentsource = {url} ", 0)
    pd(f"Downloading content for ContentID = {cid}, FileName = {fname}.", 16)
    pd("Proxy is enabled for download, using registry settings or defaults", 0)
    for retry in (3, 2, 1):
        pd(f"HttpSendRequest failed 12045, can still rety for {retry} times", 1032, typ=2)
    pd("HttpSendRequest failed 12045", 1031, typ=3)
    pd("FileHash value is NULL. Hash verification for this file will not be performed.", 0, typ=2)
    pd("ERROR: DownloadContentFiles() failed with hr=0x80072f0d", 0, typ=3)
    r.at(pd.t + 47 * ms)
    r(f"Failed to download the update content with ID {cid} from internet. Error = 12045", 0)
    cid, fname, url = contents[1]
    r(f"Downloading content for ContentID:{cid}, FileName:{fname}", 31)
    r("Attempting to download content from WSUS", 0)
    pd.at(r.t + 110 * ms)
    folder = guid(rng, braces=False, upper=False)
    pd(f"Download destination = {pkg_path}\\{folder}\\{fname} .", 0)
    pd(f"Contentsource = {url} ", 0)
    pd(f"Downloading content for ContentID = {cid}, FileName = {fname}.", 16)
    pd(f"Downloading from {url} to C:\\Windows\\TEMP\\CAB9F2E.tmp", 31)
    pd("Download completed: 1894412 bytes received.", 2140)
    pd("Authentication of file C:\\Windows\\TEMP\\CAB9F2E.tmp failed, error 0x800b0004", 422, typ=3)
    pd("ERROR: DownloadContentFiles() failed with hr=0x80073633", 0, typ=3)
    r.at(pd.t + 63 * ms)
    r(f"Failed to download the update content with ID {cid} from internet. Error = 13875", 0)
    adr_download_failed(r, rule, name)
    write(f"{d}/PatchDownloader.log", pd.lines)
    write(f"{d}/ruleengine.log", r.lines)


# =============================================================================================
# wsusctrl-proxy: the site system proxy of SUP02 is enabled with port 0; WSUS refuses it

def wsusctrl_proxy():
    d = "wsusctrl-proxy"
    bias = 300
    k = Sms(WCTRL, bias, 2808, 2101, "SUP02.contoso.com", "PS3", pid=2212)
    t = dt.datetime(2026, 11, 25, 6, 14, 40, 139000)
    for cycle in range(2):
        k.at(t)
        k("Checking runtime v4.0.30319...", 0)
        k("Found supported assembly Microsoft.UpdateServices.Administration version 4.0.0.0, "
          "file version 10.0.20348.2849", 31)
        k("Supported WSUS version found", 0)
        k("Attempting connection to local WSUS server", 0)
        k("Successfully connected to local WSUS server", 211)
        k("Setting proxy settings on local WSUS Server: Proxy Name proxy.contoso.com and Proxy "
          "Port 0", 16)
        k("Failed to set proxy settings on local WSUS Server. Error: "
          "System.ArgumentOutOfRangeException: Specified argument was out of the range of valid "
          "values.~~Parameter name: ProxyServerPort~~   at Microsoft.UpdateServices.Internal."
          "BaseApi.UpdateServerConfiguration.set_ProxyServerPort(Int32 value)", 47)
        k("Remote configuration failed on WSUS Server.", 0)
        k.stat(7000, "E", ("SUP02.contoso.com",), delta_ms=16)
        k("There are no unhealthy WSUS Server components on WSUS Server SUP02.contoso.com", 1203)
        k("Successfully checked database connection on WSUS server SUP02.contoso.com", 140)
        k("Waiting for changes for 59 minutes", 16)
        t = k.t + dt.timedelta(minutes=59, seconds=2)
    write(f"{d}/WSUSCtrl.log", k.lines)


# =============================================================================================
# pasted/legacy-au-search.txt: a forum post about a Server 2012 R2 member server that cannot reach
# its SUP; only the Automatic Updates and COM API lines of the legacy WindowsUpdate.log and one line
# of ReportingEvents.log were pasted (no PT lines, no ConfigMgr log).

def pasted_legacy_au():
    lines = [
        "Server 2012 R2 member server, ConfigMgr client, SUP is http://CM01.contoso.com:8530.",
        "Software Center shows nothing and the scan never finishes. WindowsUpdate.log:",
        "",
        "2026-11-26\t08:14:03:512\t 912\t1b40\tAU\t#############",
        "2026-11-26\t08:14:03:512\t 912\t1b40\tAU\t## START ##  AU: Search for updates",
        "2026-11-26\t08:14:03:512\t 912\t1b40\tAU\t#########",
        "2026-11-26\t08:14:03:528\t 912\t1b40\tAU\t<<## SUBMITTED ## AU: Search for updates  "
        "[CallId = {6C1E3A2B-0F4D-4B8E-9C71-2A5D8E3F1B04}]",
        "2026-11-26\t08:14:45:701\t 912\t1b40\tAU\t>>##  RESUMED  ## AU: Search for updates "
        "[CallId = {6C1E3A2B-0F4D-4B8E-9C71-2A5D8E3F1B04}]",
        "2026-11-26\t08:14:45:701\t 912\t1b40\tAU\t  # WARNING: Search callback failed, "
        "result = 0x8024402C",
        "2026-11-26\t08:14:45:701\t 912\t1b40\tAU\t  # WARNING: Failed to find updates with "
        "error code 8024402C",
        "2026-11-26\t08:14:45:701\t 912\t1b40\tAU\t#########",
        "2026-11-26\t08:14:45:701\t 912\t1b40\tAU\t##  END  ##  AU: Search for updates  "
        "[CallId = {6C1E3A2B-0F4D-4B8E-9C71-2A5D8E3F1B04}]",
        "2026-11-26\t08:14:45:717\t 912\t a2c\tCOMAPI\tWARNING: Operation failed due to earlier "
        "error, hr=8024402C",
        "2026-11-26\t08:14:45:717\t 912\t a2c\tCOMAPI\tFATAL: Unable to complete asynchronous "
        "search. (hr=8024402C)",
        "",
        "and ReportingEvents.log:",
        "{2B7F4C1D-8E3A-4F60-A5B9-0C1D2E3F4A5B}\t2026-11-26 08:14:45:717+0100\t1\t148 "
        "[AGENT_DETECTION_FAILED]\t101\t{00000000-0000-0000-0000-000000000000}\t0\t8024402c\t"
        "CcmExec\tFailure\tSoftware Synchronization\tWindows Update Client failed to detect with "
        "error 0x8024402c.",
        "",
        "nslookup CM01.contoso.com works from my PC. Any ideas?",
    ]
    write("pasted/legacy-au-search.txt", lines, enc="utf-8", eol="\r\n")


# =============================================================================================
# site-adr-network-location: an ADR created with "Download software updates from a location on my
# network" pointing at a folder without the files (0x80070003), and an internet download whose
# certificate revocation check cannot reach the CRL (12057 / 0x80072f19)

def site_adr_network_location():
    d = "site-adr-network-location"
    bias = -60
    rng = random.Random(2101)
    rule, name = 16777221, "Office and third-party monthly"
    pkg_path = r"\\CM01.contoso.com\Sources\Updates\Office monthly"
    src = r"\\FS01.contoso.com\Updates\Office"
    r = Sms(RULE, bias, 6120, 2102, "CM01.contoso.com", "PS1")
    pd = Cm("PatchDownloader", bias, 7412, 2103, "patchdownloader.cpp")
    r.at(dt.datetime(2026, 11, 27, 7, 0, 41, 517000))
    r(f"Found notification file D:\\Program Files\\Microsoft Configuration Manager\\inboxes\\"
      f"RuleEngine.box\\{rule}.RUL", 0)
    r(f"CRuleHandler: Processing Rule with ID:{rule}, Name:{name}.", 47)
    r("Evaluating rule criteria...", 16)
    r("Rule resulted in a total of 2 updates", 1187)
    r("Enforcing Content Download Action", 31)
    r("Getting all update sources in order UNC, Internet", 16)
    r(f'2 update(s) need to be downloaded in package "Office monthly" ({pkg_path})', 297)
    # 1. The network location given as the source holds no update files.
    cid, upd, fname = 16790311, guid(rng, braces=False, upper=False), "office2016-kb5002700-fullfile-x64-glb.exe"
    r(f"Downloading content for ContentID:{cid}, FileName:{fname}", 47)
    r(f"Attempting to download content from UNC path {src}", 0)
    pd.at(r.t + 96 * ms)
    folder = guid(rng, braces=False, upper=False)
    pd(f"Download destination = {pkg_path}\\{folder}\\{fname} .", 0)
    pd(f"Contentsource = {src}\\{fname} ", 0)
    pd(f"Downloading content for ContentID = {cid}, FileName = {fname}.", 16)
    pd("ERROR: DownloadUpdateContent() failed with hr=0x80070003", 31, typ=3)
    r.at(pd.t + 52 * ms)
    r(f"Failed to download ContentID {cid} for UpdateID {upd}. Error code = 3", 0)
    # 2. An internet download: the revocation list of the download site is out of SYSTEM's reach.
    cid, fname = 16790312, "NotepadPlusPlus-8.8.8-x64.exe"
    url = "https://github-releases.contoso-cdn.net/notepad-plus-plus/v8.8.8/npp.8.8.8.Installer.x64.exe"
    r(f"Downloading content for ContentID:{cid}, FileName:{fname}", 31)
    r("Attempting to download content from internet. Will retry 3 times", 0)
    pd.at(r.t + 104 * ms)
    folder = guid(rng, braces=False, upper=False)
    pd(f"Download destination = {pkg_path}\\{folder}\\{fname} .", 0)
    pd(f"Contentsource = {url} ", 0)
    pd(f"Downloading content for ContentID = {cid}, FileName = {fname}.", 16)
    pd("Proxy is enabled for download, using registry settings or defaults", 0)
    for retry in (3, 2, 1):
        pd(f"HttpSendRequest failed 12057, can still rety for {retry} times", 15031, typ=2)
    pd("HttpSendRequest failed 12057", 15047, typ=3)
    pd("ERROR: DownloadContentFiles() failed with hr=0x80072f19", 0, typ=3)
    r.at(pd.t + 41 * ms)
    r(f"Failed to download the update content with ID {cid} from internet. Error = 12057", 0)
    adr_download_failed(r, rule, name)
    write(f"{d}/PatchDownloader.log", pd.lines)
    write(f"{d}/ruleengine.log", r.lines)


# =============================================================================================
# site-sync-proxy-407: the top-level SUP syncs through a proxy that wants credentials (no proxy
# account configured), then a later attempt on a second server whose WSUS web site is unreachable
# from the site server (the site server's call to the WSUS API times out)

def site_sync_proxy_407():
    d = "site-sync-proxy-407"
    site_server, sup = "CM05.contoso.com", "SUP05.contoso.com"
    w = Sms(WSYNC, -60, 5120, 2201, site_server, "PS5", pid=3380)
    w.at(dt.datetime(2026, 11, 28, 2, 59, 57, 410000))
    w("Timed Out...", 0)
    src = ("Microsoft.SystemsManagementServer.SoftwareUpdatesManagement.WsusSyncAction."
           "WSyncAction.SyncWSUS")
    exc = ("UssCommunicationError: WebException: The remote server returned an error: (407) Proxy "
           "Authentication Required.~~at System.Net.HttpWebRequest.GetRequestStream(TransportContext& "
           "context)~~at System.Net.HttpWebRequest.GetRequestStream()~~at System.Web.Services.Protocols."
           "SoapHttpClientProtocol.Invoke(String methodName, Object[] parameters)~~at Microsoft."
           "UpdateServices.ServerSyncWebServices.ServerSync.ServerSyncProxy.GetAuthConfig()")
    for i, h in enumerate((3, 4)):
        start = dt.datetime(2026, 11, 28, h, 0, 1, 220000 + i * 73000)
        failed_sync(w, start, "regular" if i == 0 else "retry", site_server, [sup], exc, src,
                    "UssCommunicationError: WebException: The remote server returned an error: (407) "
                    "Proxy Authentication Required.", le="0X80131500")
    # The proxy team moved SUP05 behind a new firewall: now the site server cannot reach WSUS at all.
    start = dt.datetime(2026, 11, 28, 5, 0, 2, 31000)
    api = "Microsoft.UpdateServices.Administration.AdminProxy.createUpdateServer"
    failed_sync(w, start, "retry", site_server, [sup], "Unable to connect to the remote server", api,
                "Unable to connect to the remote server", le="0X80131509")
    write(f"{d}/wsyncmgr.log", w.lines)


# =============================================================================================
# client-registry-pol: the client's local policy file is corrupt; WUAHandler cannot read the WUA
# group policy object, the update source is never added and every scan fails with 0x80004005

def client_registry_pol():
    d = "client-registry-pol"
    bias = -60
    rng = random.Random(2301)
    wh = Cm("WUAHandler", bias, 2828, 2302, "sourcemanager.cpp")
    sa = Cm("ScanAgent", bias, 2828, 2303, "cscanagent.cpp")
    t = dt.datetime(2026, 11, 29, 8, 12, 44, 117000)
    for attempt in range(3):
        job = guid(rng)
        sa.at(t)
        scan_request(sa, job, 39, 498)
        wh.at(sa.t + 31 * ms)
        wh(f"Its a WSUS Update Source type ({WUA_SRC}), adding it.", 0)
        wh("Unable to read existing WUA Group Policy object. Error = 0x80004005.", 16, typ=3)
        wh(f"Failed to Add Update Source for WUAgent of type (2) and id ({WUA_SRC}). "
           f"Error = 0x80004005.", 0, typ=3)
        sa.at(wh.t + 15 * ms)
        scan_failed_at_add_source(sa, job, "0x80004005")
        t = sa.t + dt.timedelta(minutes=30, seconds=rng.randint(1, 9))
    write(f"{d}/WUAHandler.log", wh.lines)
    write(f"{d}/ScanAgent.log", sa.lines)


# =============================================================================================
# site-sup-cert-untrusted: the remote SUP was switched to HTTPS with a certificate from a CA the
# site server does not trust; WCM and the sync manager fail on their own TLS handshake with WSUS

def site_sup_cert_untrusted():
    d = "site-sup-cert-untrusted"
    bias = -60
    site_server, sup = "CM06.contoso.com", "SUP06.contoso.com"
    exc = ("System.Net.WebException: The underlying connection was closed: Could not establish trust "
           "relationship for the SSL/TLS secure channel. ---> System.Security.Authentication."
           "AuthenticationException: The remote certificate is invalid according to the validation "
           "procedure.~~   at System.Net.Security.SslState.StartSendAuthResetSignal(ProtocolToken "
           "message, AsyncProtocolRequest asyncRequest, Exception exception)~~   --- End of inner "
           "exception stack trace ---~~   at System.Web.Services.Protocols.WebClientProtocol."
           "GetWebResponse(WebRequest request)~~   at Microsoft.UpdateServices.Administration."
           "AdminProxy.CreateUpdateServer(Object[] args)~~   at Microsoft.SystemsManagementServer."
           "WSUS.WSUSServer.ConnectToWSUSServer(String ServerName, Boolean UseSSL, Int32 PortNumber)")
    c = Sms(WCM, bias, 4820, 2401, site_server, "PS6")
    c.at(dt.datetime(2026, 11, 30, 9, 41, 12, 210000))
    wcm_cycle_head(c, "SCF change notification triggered.", sup)
    assembly_check(c)
    c(f"Attempting connection to WSUS server: {sup}, port: 8531, useSSL: True", 0)
    c(exc, 412)
    c("Setting new configuration state to 3 (WSUS_CONFIG_FAILED)", 16)
    c("~Waiting for changes for 59 minutes", 0)
    wcm_failed_cycle(c, dt.datetime(2026, 11, 30, 10, 41, 13, 5000), sup, 8531, True, exc,
                     "Timed Out...~")
    write(f"{d}/WCM.log", c.lines)
    w = Sms(WSYNC, bias, 5220, 2402, site_server, "PS6", pid=3412)
    w.at(dt.datetime(2026, 11, 30, 9, 59, 58, 3000))
    w("Timed Out...", 0)
    src = "Microsoft.UpdateServices.Administration.AdminProxy.createUpdateServer"
    msg = "The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel"
    failed_sync(w, dt.datetime(2026, 11, 30, 10, 0, 1, 417000), "regular", site_server, [sup], msg,
                src, msg + ".", le="0X80131509")
    write(f"{d}/wsyncmgr.log", w.lines)


# =============================================================================================
# wsus-susdb-timeout: a never-maintained SUSDB; the client web service's SyncUpdates queries time
# out in SQL while the rest of WSUS keeps running (healthy start-up and a successful sync around it)

def wsus_susdb_timeout():
    d = "wsus-susdb-timeout"
    lines = []

    sd = sd_writer(lines)

    wsus_start(sd, dt.datetime(2026, 12, 1, 7, 14, 3, 221000), "10.0.20348.2849", "10.0.20348.0", 47)
    frames = [
        "   at System.Data.SqlClient.SqlConnection.OnError(SqlException exception, Boolean breakConnection, Action`1 wrapCloseInAction)",
        "   at System.Data.SqlClient.TdsParser.TryRun(RunBehavior runBehavior, SqlCommand cmdHandler, SqlDataReader dataStream, BulkCopySimpleResultSet bulkCopyHandler, TdsParserStateObject stateObj, Boolean& dataReady)",
        "   at System.Data.SqlClient.SqlDataReader.TryConsumeMetaData()",
        "   at Microsoft.UpdateServices.DatabaseAccess.DBConnection.DrainObsoleteConnections(DBConnection connectionToKeep)",
        "   at Microsoft.UpdateServices.Internal.DataAccess.ExecuteSpSyncUpdates(String clientId, Int32 computerTargetId, Boolean isApplicabilityScan)",
        "   at Microsoft.UpdateServices.Internal.ClientImplementation.SyncUpdates(Cookie cookie, SyncUpdateParameters parameters)",
        "ClientConnectionId:4f1c2a9e-7b3d-4c86-a5e0-93d1b2c4f7a8",
        "Error Number:-2,State:0,Class:11",
    ]
    for minutes in (41, 43, 44, 52, 58):
        t = dt.datetime(2026, 12, 1, 8, minutes, 7 + minutes % 9, 310000 + minutes * 1000)
        sd(t, "Error", "w3wp.6", "ClientImplementation.SyncUpdates",
           "System.Data.SqlClient.SqlException (0x80131904): Execution Timeout Expired.  The timeout "
           "period elapsed prior to completion of the operation or the server is not responding. ---> "
           "System.ComponentModel.Win32Exception (0x80004005): The wait operation timed out")
        lines.extend(frames)
    t = dt.datetime(2026, 12, 1, 9, 0, 0, 117000)
    sd(t, "Info", "WsusService.23", "EventLogEventReporter.ReportEvent",
       "EventId=381,Type=Information,Category=Synchronization,Message=A scheduled synchronization was started.")
    t += dt.timedelta(minutes=4, seconds=12)
    sd(t, "Info", "WsusService.23", "EventLogEventReporter.ReportEvent",
       "EventId=384,Type=Information,Category=Synchronization,Message=Synchronization completed successfully.")
    write(f"{d}/SoftwareDistribution.log", lines)


# =============================================================================================
# site-wsus-console-missing: the site server of PS7 was rebuilt without the WSUS Administration
# Console; WCM and the sync manager cannot load the WSUS API for the remote SUP SUP07

def site_wsus_console_missing():
    d = "site-wsus-console-missing"
    bias = -60
    site_server, sup = "CM07.contoso.com", "SUP07.contoso.com"
    load = ("System.IO.FileNotFoundException: Could not load file or assembly "
            "'Microsoft.UpdateServices.Administration, Version=4.0.0.0, Culture=neutral, "
            "PublicKeyToken=31bf3856ad364e35' or one of its dependencies. The system cannot find the "
            "file specified.~File name: 'Microsoft.UpdateServices.Administration, Version=4.0.0.0, "
            "Culture=neutral, PublicKeyToken=31bf3856ad364e35'~   at Microsoft.SystemsManagementServer."
            "WSUS.WSUSServer.ConnectToWSUSServer(String ServerName, Boolean UseSSL, Int32 PortNumber)~"
            "   at Microsoft.SystemsManagementServer.WSUS.WSUSServer.ConnectToWSUSServer(String "
            "ServerName, Boolean UseSSL, Int32 PortNumber, Boolean shouldCheckDatabase)")
    c = Sms(WCM, bias, 3916, 2601, site_server, "PS7")
    for n, start in enumerate((dt.datetime(2026, 12, 2, 8, 14, 37, 402000),
                               dt.datetime(2026, 12, 2, 9, 14, 38, 95000))):
        c.at(start)
        wcm_cycle_head(c, "SCF change notification triggered." if n == 0 else "Timed Out...~", sup)
        c("Checking for supported version of WSUS (min WSUS 4.0.0.0)", 0)
        assembly_check(c, found=False)
        c(f"Attempting connection to WSUS server: {sup}, port: 8530, useSSL: False", 0)
        c(load, 63)
        c("Setting new configuration state to 3 (WSUS_CONFIG_FAILED)", 16)
        c("~Waiting for changes for 59 minutes", 0)
    write(f"{d}/WCM.log", c.lines)
    w = Sms(WSYNC, bias, 4412, 2602, site_server, "PS7", pid=3284)
    w.at(dt.datetime(2026, 12, 2, 8, 14, 36, 880000))
    w("Wakeup by SCF change", 0)
    for n, start in enumerate((dt.datetime(2026, 12, 2, 9, 0, 0, 47000),
                               dt.datetime(2026, 12, 2, 10, 0, 1, 312000))):
        trigger(w, "regular" if n == 0 else "retry", start)
        not_configured_attempt(w, site_server, [sup], 520, 31, 16)
    write(f"{d}/wsyncmgr.log", w.lines)


# =============================================================================================
# wsus-susdb-full: a stand-alone WSUS on SQL Server Express whose SUSDB reached the 10 GB limit;
# scheduled syncs fail (event 386) with the SQL error as the reason

def wsus_susdb_full():
    d = "wsus-susdb-full"
    lines = []

    sd = sd_writer(lines)

    full = ("Could not allocate space for object 'dbo.tbXml'.'PK__tbXml__C0B3C9B2A7F4E1D3' in "
            "database 'SUSDB' because the 'PRIMARY' filegroup is full. Create disk space by deleting "
            "unneeded files, dropping objects in the filegroup, adding additional files to the "
            "filegroup, or setting autogrowth on for existing files in the filegroup.")
    frames = [
        "   at System.Data.SqlClient.SqlConnection.OnError(SqlException exception, Boolean breakConnection, Action`1 wrapCloseInAction)",
        "   at System.Data.SqlClient.SqlCommand.ExecuteNonQuery()",
        "   at Microsoft.UpdateServices.DatabaseAccess.DBConnection.ExecuteCommandNoResult()",
        "   at Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.ImportUpdates(ServerUpdateData[] updates)",
        "   at Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.SyncUpdatesFromUSS()",
        "   at Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.ExecuteSyncProtocol(Boolean allowRedirect)",
        "ClientConnectionId:9a2e41c7-3b85-4f0d-b6e2-71c8d4a05f39",
        "Error Number:1105,State:2,Class:17",
    ]
    wsus_start(sd, dt.datetime(2026, 12, 3, 2, 58, 41, 517000), "10.0.17763.5830", "10.0.17763.0", 31)
    for day in (3, 4):
        t = dt.datetime(2026, 12, day, 3, 0, 0, 212000 + day * 1000)
        sd(t, "Info", "WsusService.23", "EventLogEventReporter.ReportEvent",
           "EventId=381,Type=Information,Category=Synchronization,Message=A scheduled "
           "synchronization was started.")
        t += 47 * ms
        sd(t, "Info", "WsusService.23", "CatalogSyncAgentCore.ExecuteSyncProtocol",
           "Sync with upstream server https://sws.update.microsoft.com, no proxy")
        t += dt.timedelta(minutes=6, seconds=41 + day)
        sd(t, "Error", "WsusService.23", "CatalogSyncAgentCore.ExecuteSyncProtocol",
           f"System.Data.SqlClient.SqlException (0x80131904): {full}")
        lines.extend(frames)
        t += 31 * ms
        sd(t, "Info", "WsusService.23", "EventLogEventReporter.ReportEvent",
           "EventId=386,Type=Error,Category=Synchronization,Message=Synchronization failed. "
           f"Reason: {full}")
        t += 16 * ms
        sd(t, "Info", "WsusService.23", "CatalogSyncAgentCore.SetSubscriptionStateWithRetry",
           "Firing event SyncFinish...")
    write(f"{d}/SoftwareDistribution.log", lines)


# =============================================================================================
# client-gpo-windowsupdate: a domain GPO points the Windows Update agent at an old WSUS; only
# ScanAgent.log and WindowsUpdate.log were collected (WUAHandler.log, which names the GPO's server,
# had rolled over), so the server shows only in WindowsUpdate.log

def client_gpo_windowsupdate():
    d = "client-gpo-windowsupdate"
    bias = -60
    rng = random.Random(2701)
    gpo = "http://wsus-old.contoso.com:8530"
    sa = Cm("ScanAgent", bias, 5932, 2702, "cscanagent.cpp")
    wu = Etw("-", 1244, 3816, 2703)
    wu.at(dt.datetime(2026, 12, 4, 7, 41, 9, 304000))
    etw_service_start(wu, gpo)
    wu.t += dt.timedelta(minutes=12, milliseconds=417)
    wu("ComApi", "* START *   Search ClientId = UpdateOrchestrator", 0, thread=6120)
    wu("Agent", "* START * Finding updates CallerId = UpdateOrchestrator  Id = 4", 2)
    wu("Agent", "Online = Yes; Interactive = No; AllowCachedResults = No; Ignore download "
       "priority = No")
    wu("Agent", "ServiceID = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed")
    wu("Misc", f"Got WSUS Client/Server URL: {gpo}/ClientWebService/client.asmx", 141)
    wu("ProtocolTalker", "ServiceId = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, Server URL = "
       f"{gpo}/ClientWebService/client.asmx", 2)
    wu("ProtocolTalker", "OK to reuse existing configuration", 0)
    wu("Agent", "Found 0 updates and 12 categories in search; evaluated appl. rules of 311 out "
       "of 604 deployed entities", 2873)
    wu("Agent", "* END * Finding updates CallerId = UpdateOrchestrator  Id = 4  Exit code = "
       "0x00000000", 1)
    wu("ComApi", "* END *   Search ClientId = UpdateOrchestrator", 9, thread=6120)
    t = dt.datetime(2026, 12, 4, 8, 2, 44, 615000)
    for attempt in range(2):
        job = guid(rng)
        sa.at(t)
        scan_request(sa, job, 41, 387)
        sa.at(sa.t + dt.timedelta(minutes=2, seconds=30, milliseconds=61))
        scan_failed_at_add_source(sa, job, "0x87d00692")
        t = sa.t + dt.timedelta(minutes=30, seconds=rng.randint(1, 9))
    write(f"{d}/ScanAgent.log", sa.lines)
    write(f"{d}/WindowsUpdate.log", wu.lines, enc="ascii")


FOLDERS = ["client-scan-trips", "client-windowsupdate-only", "site-adr-certificates",
           "wsusctrl-proxy", "site-adr-network-location",
           "site-sync-proxy-407", "client-registry-pol",
           "site-sup-cert-untrusted",
           "wsus-susdb-timeout", "site-wsus-console-missing", "wsus-susdb-full",
           "client-gpo-windowsupdate"]


def main():
    client_scan_trips()
    client_windowsupdate_only()
    pasted_iis()
    site_adr_certificates()
    wsusctrl_proxy()
    pasted_legacy_au()
    site_adr_network_location()
    site_sync_proxy_407()
    client_registry_pol()
    site_sup_cert_untrusted()
    wsus_susdb_timeout()
    site_wsus_console_missing()
    wsus_susdb_full()
    client_gpo_windowsupdate()
