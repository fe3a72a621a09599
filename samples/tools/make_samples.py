#!/usr/bin/env python3
"""Write the bundled sample log folders under samples/ (deterministic; run once, commit output).

Every line here is written by us: hosts are in contoso.com, times are in November 2026, and the
wording of lines the detection rules match follows docs/domain.md (§A–§D) exactly.

Formats (docs/domain.md §A/§B):
* site-server logs (wsyncmgr, WCM, WSUSCtrl, ruleengine): SMS trailer format, UTF-8 BOM, CRLF;
* PatchDownloader and client logs: CMTrace records, UTF-8 BOM, CRLF;
* SUPSetup.log: `<MM/DD/YY HH:MM:SS> msg`, ASCII, CRLF;
* SoftwareDistribution.log: tab separated, UTC, UTF-8 BOM, CRLF;
* WindowsUpdate.log: Get-WindowsUpdateLog (ASCII, CRLF) or legacy Windows 7 (UTF-16LE BOM);
* IIS W3C: ASCII, CRLF, UTC.

Usage: python3 samples/tools/make_samples.py   (rewrites the sample folders in place)
"""

import datetime as dt
import pathlib
import random
import shutil
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
FOLDERS = [
    "site-healthy", "site-adr-12007", "site-wsus-not-configured", "site-ssl-transport-closed",
    "cas-no-internet", "site-permission", "wsus-pool-503", "wsus-tls", "supsetup-healthy",
    "supsetup-wsus-missing", "client-healthy", "client-gpo-conflict", "client-win7-legacy",
    "pasted", "site-rollover",
]

WSYNC = "SMS_WSUS_SYNC_MANAGER"
WCM = "SMS_WSUS_CONFIGURATION_MANAGER"
WCTRL = "SMS_WSUS_CONTROL_MANAGER"
RULE = "SMS_RULE_ENGINE"
ms = dt.timedelta(milliseconds=1)
sec = dt.timedelta(seconds=1)
minute = dt.timedelta(minutes=1)


# ---------------------------------------------------------------------------------------------
# Output

def write(rel, lines, enc="utf-8-sig", eol="\r\n"):
    """Join records with `eol` (embedded "\n" in a record become `eol` too) and write."""
    path = ROOT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    text = eol.join(line.replace("\n", eol) for line in lines) + eol
    if enc == "utf-16le-bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    else:
        data = text.encode(enc)
    path.write_bytes(data)


def guid(rng, braces=True, upper=True):
    g = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    g = g.upper() if upper else g
    return "{" + g + "}" if braces else g


# ---------------------------------------------------------------------------------------------
# SMS trace writer (site-server components)

def sms_stamp(t, bias):
    return f"{t:%m-%d-%Y %H:%M:%S}.{t.microsecond // 1000:03d}{bias:+04d}"


class Sms:
    """One SMS-format log: keeps the local clock, the bias and the component's thread."""

    def __init__(self, comp, bias, thread, seed, sys_name="", site="", pid=2436):
        self.comp, self.bias, self.thread = comp, bias, thread
        self.rng = random.Random(seed)
        self.sys, self.site, self.pid = sys_name, site, pid
        self.t = None
        self.lines = []

    def at(self, t):
        if self.t is not None and t < self.t:
            raise ValueError(f"{self.comp}: time goes back {self.t} -> {t}")
        self.t = t

    def adv(self, delta_ms=None):
        if delta_ms is None:
            delta_ms = self.rng.randint(0, 31)
        self.t += delta_ms * ms

    def __call__(self, msg, delta_ms=None, thread=None):
        self.adv(delta_ms)
        th = thread or self.thread
        self.lines.append(
            f"{msg}  $$<{self.comp}><{sms_stamp(self.t, self.bias)}><thread={th} (0x{th:X})>")

    def utc(self):
        return self.t + dt.timedelta(minutes=self.bias)

    def stat(self, msg_id, sev, istr=(), le=None, delta_ms=None, attrs=()):
        self.adv(delta_ms)
        g = self.utc()
        gmt = f"{g:%a %b %d %H:%M:%S}.{g.microsecond // 1000:03d} {g:%Y}"
        strs = list(istr) + [""] * (10 - len(istr))
        istrs = " ".join(f'ISTR{i}="{v}"' for i, v in enumerate(strs))
        tail = f"NUMATTRS={len(attrs)}"
        for i, (aid, aval) in enumerate(attrs):
            tail += f" AID{i}={aid} AVAL{i}={aval}"
        if le:
            tail += f" LE={le}"
        self(f'STATMSG: ID={msg_id} SEV={sev} LEV=M SOURCE="SMS Server" COMP="{self.comp}" '
             f"SYS={self.sys} SITE={self.site} PID={self.pid} TID={self.thread} "
             f"GMTDATE={gmt} {istrs} {tail}", 0)


# ---------------------------------------------------------------------------------------------
# CMTrace writer (client logs, PatchDownloader)

class Cm:
    def __init__(self, comp, bias, thread, seed, source_file):
        self.comp, self.bias, self.thread, self.file = comp, bias, thread, source_file
        self.rng = random.Random(seed)
        self.t = None
        self.lines = []

    def at(self, t):
        if self.t is not None and t < self.t:
            raise ValueError(f"{self.comp}: time goes back")
        self.t = t

    def __call__(self, msg, delta_ms=None, typ=1, thread=None, line=None, comp=None):
        if delta_ms is None:
            delta_ms = self.rng.randint(0, 40)
        self.t += delta_ms * ms
        th = thread or self.thread
        src = f"{self.file}:{line if line is not None else self.rng.randint(100, 2400)}"
        self.lines.append(
            f'<![LOG[{msg}]LOG]!><time="{self.t:%H:%M:%S}.{self.t.microsecond // 1000:03d}'
            f'{self.bias:+04d}" date="{self.t:%m-%d-%Y}" component="{comp or self.comp}" '
            f'context="" type="{typ}" thread="{th}" file="{src}">')


# ---------------------------------------------------------------------------------------------
# SoftwareDistribution.log writer (WSUS: UTC, tab separated)

def sd_writer(lines):
    """A function writing one SoftwareDistribution.log record into `lines`."""
    def sd(t, level, proc, meth, msg):
        lines.append(f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} UTC\t{level}\t{proc}\t"
                     f"{meth}\t{msg}")
    return sd


def wsus_start(sd, t, version, os_version, gap_ms, services_ms=None):
    """WSUS service start-up (version line, optionally the services line, event 10000); returns
    the time of the last record."""
    sd(t, "Info", "WsusService.9", "WsusService.Service.OnStart", "Service starting")
    t += gap_ms * ms
    sd(t, "Info", "WsusService.9", "WsusService.Service.OnStart",
       f"WSUS server version: {version}, OS: Microsoft Windows NT {os_version}")
    t += 16 * ms
    if services_ms is not None:
        sd(t, "Info", "WsusService.9", "Microsoft.UpdateServices.Internal.ServiceManager.StartServices",
           "Starting CatalogSyncAgent, EmailNotificationAgent, StateMachineReporting")
        t += services_ms * ms
    sd(t, "Info", "WsusService.14", "EventLogEventReporter.ReportEvent",
       "EventId=10000,Type=Information,Category=Synchronization,Message=WSUS Service started.")
    return t


# ---------------------------------------------------------------------------------------------
# wsyncmgr cycles (domain.md §D)

TRIGGERS = {
    "regular": ["Wakeup for scheduled regular sync", "Starting Sync",
                "Performing sync on regular schedule"],
    "retry": ["Wakeup for a polling cycle", "Starting Sync", "Performing sync on retry schedule"],
    "local": ["Wakeup by inbox drop", "Found local sync request file", "Starting Sync",
              "Performing sync on local request"],
}

WIN11 = "Windows 11 Version 25H2 for x64-based Systems"
UPDATE_TITLES = [
    f"2026-11 Cumulative Update for {WIN11} (KB5071010)",
    "2026-11 Cumulative Update for .NET Framework 3.5 and 4.8.1 for Windows 11, version 25H2 for x64 (KB5071022)",
    "2026-11 Cumulative Update for Windows Server 2022 for x64-based Systems (KB5071034)",
    "2026-11 Servicing Stack Update for Windows Server 2019 for x64-based Systems (KB5071046)",
    "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.441.512.0) - Current Channel (Broad)",
    "Microsoft 365 Apps Update - Current Channel Version 2611 (Build 19426.20110)",
    "Windows Malicious Software Removal Tool x64 - v5.139 (KB890830)",
    "2026-11 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5071058)",
    "Microsoft Edge-Stable Channel Version 142 Update for x64 based Editions (Build 142.0.3595.53)",
    "2026-11 Cumulative Update Preview for Windows 11 Version 24H2 for x64-based Systems (KB5071070)",
]


def trigger(w, kind, start):
    w.at(start)
    for i, line in enumerate(TRIGGERS[kind]):
        w(line, 0 if i == 0 else w.rng.randint(5, 30))


def sup_list(w, site_server, sups):
    w(f"Read SUPs from SCF for {site_server}", 16)
    w(f"Found {len(sups)} SUPs", 0)
    for s in sups:
        w(f"Found active SUP {s} from SCF File.", 0)


def progress(w, label, total, steps, span_ms, eta=False):
    """`sync: <label>, processed X out of Y items (P%)[, ETA in hh:mm:ss]` lines over `span_ms`."""
    w(f"sync: {label}", w.rng.randint(200, 900))
    per = span_ms // steps
    for i in range(1, steps + 1):
        done = total if i == steps else total * i // steps - w.rng.randint(0, 3)
        pct = done * 100 // total
        line = f"sync: {label}, processed {done} out of {total} items ({pct}%)"
        if eta and i < steps:
            left = (steps - i) * per // 1000
            line += f", ETA in {left // 3600:02d}:{left % 3600 // 60:02d}:{left % 60:02d}"
        w(line, per + w.rng.randint(-300, 300))


def good_sync(w, start, kind, site, site_server, sups, src_guid, cv, n_cat, n_upd, titles,
              total, since, wsus_span_s=60, expired=0):
    """A successful cycle. `total` (timedelta, from the 6701 status message to `Sync time:`)
    fixes the end; the site-database phase is spread evenly over the time that is left."""
    trigger(w, kind, start)
    sup_list(w, site_server, sups)
    server = sups[0]
    w.stat(6701, "I", delta_ms=w.rng.randint(400, 700))
    t0 = w.t
    end = t0 + total
    w(f"Synchronizing WSUS server {server} ...", 19)
    w.stat(6704, "I", delta_ms=41)
    w("sync: Starting WSUS synchronization", 90)
    w("sync: WSUS synchronizing categories", 2400 + w.rng.randint(0, 900))
    progress(w, "WSUS synchronizing updates", n_upd * 9, 4, wsus_span_s * 1000, eta=True)
    w(f"Done synchronizing WSUS Server {server}", 1200)
    w("Sleeping 2 more minutes for WSUS server sync results to become available", 15)
    w(f"Set content version of update source {src_guid} for site {site} to {cv}", 120000 + 46)
    w(f"Synchronizing SMS database with WSUS server {server} ...", 31)
    w.stat(6705, "I", delta_ms=23)
    w("sync: Starting SMS database synchronization", 60)
    w("requested localization languages: en", 16)
    w(f"Syncing Updates arrived after {since}", 93)
    w("sync: SMS synchronizing categories", 400)
    left_ms = int((end - w.t).total_seconds() * 1000) - 1500
    steps = len(titles) + 6
    step = left_ms // steps
    if step < 200:
        raise ValueError(f"sync total too short ({left_ms} ms left for the site DB phase)")
    w(f"sync: SMS synchronizing categories, processed {n_cat // 2} out of {n_cat} items "
      f"({n_cat // 2 * 100 // n_cat}%)", step)
    w(f"sync: SMS synchronizing categories, processed {n_cat} out of {n_cat} items (100%)", step)
    w("sync: SMS synchronizing updates", step // 3)
    for i, title in enumerate(titles):
        w(f"Synchronizing update {guid(w.rng, braces=False, upper=False)} - {title}",
          step + w.rng.randint(-step // 4, step // 4))
        if i == len(titles) // 2:
            w(f"sync: SMS synchronizing updates, processed {n_upd // 2} out of {n_upd} items "
              f"({n_upd // 2 * 100 // n_upd}%)", 40)
    w(f"sync: SMS synchronizing updates, processed {n_upd} out of {n_upd} items (100%)", step)
    w(f"Done synchronizing SMS with WSUS Server {server}", step // 2)
    if expired:
        w(f"Deleted {expired} expired updates", step)
    w(f"Set content version of update source {src_guid} for site {site} to {cv + 1}", 40)
    if end - 160 * ms <= w.t:
        raise ValueError("sync total too short for the generated phases")
    w.at(end - 160 * ms)
    w.stat(6702, "I", delta_ms=0)
    w(f"Sync succeeded. Setting sync alert to canceled state on site {site}", 47)
    w(f"Updated {n_upd} items in SMS database, new update source content version is {cv + 1}", 63)
    w.at(end)
    s = int((w.t - t0).total_seconds())
    w(f"Sync time: {s // 86400}d{s % 86400 // 3600:02d}h{s % 3600 // 60:02d}m{s % 60:02d}s", 0)


def failed_sync(w, start, kind, site_server, sups, msg, source, istr1, le=None, at_phase="wsus",
                retry=60):
    trigger(w, kind, start)
    sup_list(w, site_server, sups)
    w.stat(6701, "I", delta_ms=w.rng.randint(400, 700))
    if at_phase == "wsus":
        w(f"Synchronizing WSUS server {sups[0]} ...", 19)
        w.stat(6704, "I", delta_ms=41)
        w("sync: Starting WSUS synchronization", 90)
    w(f"Sync failed: {msg}. Source: {source}", w.rng.randint(2000, 9000))
    w.stat(6703, "E", istr=[source, istr1], le=le, delta_ms=15)
    w(f"Setting sync alert to active state on site {w.site}", 31)
    w(f"Sync failed. Will retry in {retry} minutes", 16)


def next_sync(w, when, delta_ms=0):
    # e.g. "Next scheduled sync is a regular sync at 11/21/2026 7:53:52 PM"
    hour = when.hour % 12 or 12
    w(f"Next scheduled sync is a regular sync at {when.month}/{when.day}/{when.year} "
      f"{hour}:{when:%M:%S} {'AM' if when.hour < 12 else 'PM'}", delta_ms)


# ---------------------------------------------------------------------------------------------
# WCM / WSUSCtrl pieces

WSUS_FILEVER = "10.0.20348.2849"


def assembly_check(w, found=True, ver=WSUS_FILEVER):
    w("Checking runtime v2.0.50727...", 16)
    w("Did not find supported version of assembly Microsoft.UpdateServices.Administration.", 15)
    w("Checking runtime v4.0.30319...", 0)
    if not found:
        w("Did not find supported version of assembly Microsoft.UpdateServices.Administration.", 16)
        return
    w(f"Found supported assembly Microsoft.UpdateServices.Administration version 4.0.0.0, "
      f"file version {ver}", 31)
    w(f"Found supported assembly Microsoft.UpdateServices.BaseApi version 4.0.0.0, "
      f"file version {ver}", 0)
    w("Supported WSUS version found", 0)


def wcm_healthy_cycle(w, start, server, src_guid, first=False):
    w.at(start)
    if first:
        w("SCF change notification triggered.", 0)
        w(f"This SCCM SUP ({server}) is not a WSUS replica.", 15)
        w("Populating config from SCF", 0)
        w("Setting new configuration state to 1 (WSUS_CONFIG_PENDING)", 47)
        w(f"Changes in active SUP list detected. New active SUP List is:~    SUP0: {server}, "
          f"group = , nlb = ", 0)
        w("Updating active SUP groups...", 16)
    else:
        w("Timed Out...~", 0)
    assembly_check(w)
    w(f"Attempting connection to WSUS server: {server}, port: 8530, useSSL: False", 0)
    w(f"Successfully connected to server: {server}, port: 8530, useSSL: False", 1450)
    w("Verify Upstream Server settings on the Active WSUS Server", 0)
    w("No changes - WSUS Server settings are correctly configured and Upstream Server is set to "
      "Microsoft Update", 312)
    w("Refreshing categories from WSUS server", 16)
    w("Successfully refreshed categories from WSUS server", 2870)
    w("Verify Subscribed Update Categories and Classifications on the Active WSUS Server", 0)
    w("No changes - Subscribed Update Categories and Classifications are correctly configured", 655)
    w(f"Successfully inserted WSUS Enterprise Update Source object {src_guid}", 94)
    w("Configuration successful. Will wait for 1 minute for any subscription or proxy changes "
      "before setting configuration state to succeeded.", 31)
    w("Timed Out...~", 60000 + 16)
    w("Setting new configuration state to 2 (WSUS_CONFIG_SUCCESS)", 16)
    w("~Waiting for changes for 57 minutes", 0)


def wcm_cycle_head(w, first_line, sup):
    """The start of a WCM cycle that (re)reads the SUP list: up to "Updating active SUP groups"."""
    w(first_line, 0)
    w(f"This SCCM SUP ({sup}) is not a WSUS replica.", 15)
    w("Populating config from SCF", 0)
    w("Setting new configuration state to 1 (WSUS_CONFIG_PENDING)", 47)
    w(f"Changes in active SUP list detected. New active SUP List is:~    SUP0: {sup}, "
      f"group = , nlb = ", 0)
    w("Updating active SUP groups...", 16)


def wcm_failed_cycle(w, start, server, port, ssl, exc_text, first_line):
    w.at(start)
    w(first_line, 0)
    assembly_check(w)
    w(f"Attempting connection to WSUS server: {server}, port: {port}, useSSL: {ssl}", 0)
    w(exc_text, w.rng.randint(1000, 21000))
    w("Setting new configuration state to 3 (WSUS_CONFIG_FAILED)", 16)
    w("~Waiting for changes for 59 minutes", 0)


# =============================================================================================
# 1. site-healthy / 2. site-adr-12007 / 3. site-wsus-not-configured / 4. ssl transport closed

PS1_SRC = "{7C1E5A3B-2F64-4D8E-9B0A-5E3C2D1F4A86}"
PKG_PATH = r"\\CM01.contoso.com\Sources\Updates\Windows 11 Monthly"
CONTENTS = [  # (content id, file, article)
    (16786101, "windows11.0-kb5071010-x64_8c2f7a1e9b4d06f3a5e1c7b2d9f04a6e8b13c5d7.msu", "KB5071010"),
    (16786102, "windows11.0-kb5071022-ndp481-x64_3e9d1b7a5c0f24e86b1d9a3c7e5f20b4d6a8c1e9.msu", "KB5071022"),
    (16786103, "windows11.0-kb5071070-x64_5a1c9e7b3d0f46a28c6e1b9d7f3a05c2e4b8d6f1.msu", "KB5071070"),
    (16786104, "windows-kb890830-x64-v5.139_0f6b2d8a4c1e93f57a2c8e6b0d4f19a3c5e7b2d8.exe", "KB890830"),
]
PS1_RULE = 16777217
PS1_RULE_NAME = "Monthly Windows 11 Patches"
PS1_PKG = "Windows 11 Monthly"
RULEBOX = r"D:\Program Files\Microsoft Configuration Manager\inboxes\RuleEngine.box"


def site_healthy():
    d = "site-healthy"
    bias = -60  # CET in November: UTC = local - 60 min
    w = Sms(WSYNC, bias, 5976, 101, "CM01.contoso.com", "PS1")
    w.at(dt.datetime(2026, 11, 20, 18, 53, 51, 204000))
    w("Timed Out...", 0)
    next_sync(w, dt.datetime(2026, 11, 20, 19, 53, 52), 16)
    # Official example: 18:53:52 -> 18:57:46 GMT, Sync time 0d00h03m53s.
    good_sync(w, dt.datetime(2026, 11, 20, 19, 53, 52, 31000), "regular", "PS1",
              "CM01.contoso.com", ["CM01.contoso.com"], PS1_SRC, 37, 312, 130, UPDATE_TITLES[:8],
              dt.timedelta(minutes=3, seconds=53, milliseconds=600), "11/19/2026 18:53:52",
              expired=3)
    w("Wakeup by SCF change", 5110)
    next_sync(w, dt.datetime(2026, 11, 21, 19, 53, 52), 16)
    good_sync(w, dt.datetime(2026, 11, 21, 19, 53, 52, 118000), "regular", "PS1",
              "CM01.contoso.com", ["CM01.contoso.com"], PS1_SRC, 38, 312, 24,
              UPDATE_TITLES[4:7], dt.timedelta(minutes=2, seconds=41, milliseconds=400),
              "11/20/2026 18:57:46", wsus_span_s=15)
    next_sync(w, dt.datetime(2026, 11, 22, 19, 53, 52), 31)
    write(f"{d}/wsyncmgr.log", w.lines)

    c = Sms(WCM, bias, 4720, 102, "CM01.contoso.com", "PS1")
    wcm_healthy_cycle(c, dt.datetime(2026, 11, 20, 18, 2, 11, 406000), "CM01.contoso.com",
                      PS1_SRC, first=True)
    wcm_healthy_cycle(c, dt.datetime(2026, 11, 20, 19, 0, 13, 611000), "CM01.contoso.com", PS1_SRC)
    wcm_healthy_cycle(c, dt.datetime(2026, 11, 20, 19, 58, 15, 820000), "CM01.contoso.com", PS1_SRC)
    write(f"{d}/WCM.log", c.lines)

    k = Sms(WCTRL, bias, 3516, 103, "CM01.contoso.com", "PS1", pid=3388)
    for h in (18, 19, 20):
        k.at(dt.datetime(2026, 11, 20, h, 14, 40, 121000 + h * 1000))
        k("Timed Out...", 0)
        assembly_check(k)
        k("Attempting connection to local WSUS server", 0)
        k("Successfully connected to local WSUS server", 211)
        k("No changes - local WSUS Server Proxy settings are correctly configured as Proxy Name "
          "and Proxy Port 80", 16)
        k("Attempting connection to local WSUS server", 0)
        k("Successfully connected to local WSUS server", 47)
        k("There are no unhealthy WSUS Server components on WSUS Server CM01.contoso.com", 1093)
        k("Successfully checked database connection on WSUS server CM01.contoso.com", 31)
        k("Waiting for changes for 59 minutes", 0)
    write(f"{d}/WSUSCtrl.log", k.lines)

    # ADR after the sync (ruleengine + PatchDownloader on the site server).
    r = Sms(RULE, bias, 6120, 104, "CM01.contoso.com", "PS1")
    r.at(dt.datetime(2026, 11, 20, 19, 57, 51, 310000))
    r(f"Found notification file {RULEBOX}\\{PS1_RULE}.RUL", 0)
    r(f"CRuleHandler: Processing Rule with ID:{PS1_RULE}, Name:{PS1_RULE_NAME}.", 47)
    r("Evaluating rule criteria...", 16)
    r("Rule resulted in a total of 4 updates", 2046)
    r("Enforcing Content Download Action", 31)
    r("Getting all update sources in order Internet, WSUS, UNC", 16)
    r(f'3 update(s) need to be downloaded in package "{PS1_PKG}" ({PKG_PATH})', 312)
    pd = Cm("PatchDownloader", bias, 7312, 105, "patchdownloader.cpp")
    for cid, fname, kb in CONTENTS[:3]:
        r(f"Downloading content for ContentID:{cid}, FileName:{fname}", 47)
        pd.at(r.t + 120 * ms)
        folder = guid(pd.rng, braces=False, upper=False)
        url = f"http://download.windowsupdate.com/d/msdownload/update/software/secu/2026/11/{fname}"
        pd(f"Download destination = {PKG_PATH}\\{folder}\\{fname} .", 0)
        pd(f"Contentsource = {url} ", 0)
        pd(f"Downloading content for ContentID = {cid}, FileName = {fname}.", 16)
        pd(f"Download destination = {PKG_PATH}\\{folder}\\{fname} .", 0)
        pd(f"Downloading from {url} to C:\\Windows\\TEMP\\CAB{pd.rng.randint(0x1000, 0xffff):X}.tmp", 31)
        size = pd.rng.randint(120_000_000, 780_000_000)
        pd(f"Download completed: {size} bytes received.", pd.rng.randint(20000, 90000))
        pd(f"Verified signature of file {fname}.", 430)
        pd(f"Successfully moved file to {PKG_PATH}\\{folder}\\{fname}", 63)
        pd(f"Download for ContentID = {cid} completed successfully.", 0)
        r.at(pd.t + 80 * ms)
        r(f"Successfully downloaded content for ContentID:{cid} ({kb})", 0)
    cid, fname, kb = CONTENTS[3]
    r(f"Contents {cid} is already present in package {PS1_PKG}. Skipping download.", 16)
    r("4 of 4 updates are downloaded and will be added to the Deployment.", 31)
    r("Enforcing Create Deployment Action", 16)
    r(f"Creating new update group: {PS1_RULE_NAME} 2026-11-20 19:57:52", 47)
    r(f"Successfully created the Update Group: {PS1_RULE_NAME} 2026-11-20 19:57:52", 390)
    r("Enforcing Add Updates to Deployment Action", 16)
    r("Added 4 updates to the update group.", 218)
    r("Creating deployment for collection PS100042 (Windows 11 Workstations - Ring 1)", 31)
    r("Successfully created deployment {B7D04A3E-1C2F-4E59-8A6B-3D0E7F9C5A12}", 702)
    r(f"CRuleHandler: Rule {PS1_RULE} Successfully Applied!", 47)
    r(f"Updated Success Information for Rule: {PS1_RULE}", 16)
    r("Waiting for rule notification files or schedule...", 0)
    write(f"{d}/ruleengine.log", r.lines)
    write(f"{d}/PatchDownloader.log", pd.lines)


def adr_download_failed(r, rule, name):
    """Rule engine: no content downloaded, STATMSG 8706, the ADR's download action fails."""
    r("Failed to download update contents.", 16)
    r("Failed to download any update", 0)
    r.stat(8706, "E", istr=[str(rule), name], delta_ms=16)
    r("Failed to run the DownloadAction for the AutoDeployment.", 0)
    r("Waiting for rule notification files or schedule...", 0)


def site_adr_12007():
    d = "site-adr-12007"
    bias = -60
    r = Sms(RULE, bias, 6120, 201, "CM01.contoso.com", "PS1")
    for day, hh in ((17, 7), (18, 7)):
        r.at(dt.datetime(2026, 11, day, hh, 0, 58, 500000 + day * 1000))
        r(f"Found notification file {RULEBOX}\\{PS1_RULE}.RUL", 0)
        r(f"CRuleHandler: Processing Rule with ID:{PS1_RULE}, Name:{PS1_RULE_NAME}.", 47)
        r("Evaluating rule criteria...", 16)
        r("Rule resulted in a total of 4 updates", 1850)
        r("Enforcing Content Download Action", 31)
        r("Getting all update sources in order Internet, WSUS, UNC", 16)
        r(f'4 update(s) need to be downloaded in package "{PS1_PKG}" ({PKG_PATH})', 312)
        for cid, fname, kb in CONTENTS:
            r(f"Downloading content for ContentID:{cid}, FileName:{fname}", 31)
            r("Attempting to download content from internet. Will retry 3 times", 0)
            for _ in range(3):
                r("Failed to download the update from internet. Error = 12007", 2250)
        adr_download_failed(r, PS1_RULE, PS1_RULE_NAME)
    write(f"{d}/ruleengine.log", r.lines)


NOT_CONFIGURED = "WSUS server not configured. Please refer to WCM.log for configuration error details."


def not_configured_attempt(w, site_server, sups, ms_6701, ms_failed, ms_6703):
    """A sync attempt that fails because WCM has not configured WSUS (STATMSG 6703, retry)."""
    sup_list(w, site_server, sups)
    w.stat(6701, "I", delta_ms=ms_6701)
    w(f"Sync failed: {NOT_CONFIGURED}. Source: CWSyncMgr::DoSync", ms_failed)
    w.stat(6703, "E", istr=["CWSyncMgr::DoSync", NOT_CONFIGURED], delta_ms=ms_6703)
    w(f"Setting sync alert to active state on site {w.site}", 31)
    w("Sync failed. Will retry in 60 minutes", 16)


def site_wsus_not_configured():
    d = "site-wsus-not-configured"
    bias = -60
    server = "CM01.contoso.com"
    refused = (
        "System.Net.WebException: Unable to connect to the remote server ---> "
        "System.Net.Sockets.SocketException: No connection could be made because the target "
        "machine actively refused it 10.10.1.10:8531~~   at "
        "System.Net.Sockets.Socket.DoConnect(EndPoint endPointSnapshot, SocketAddress socketAddress)"
        "~~   at System.Net.ServicePoint.ConnectSocketInternal(Boolean connectFailure, Socket s4, "
        "Socket s6, Socket& socket, IPAddress& address, ConnectSocketState state, IAsyncResult "
        "asyncResult, Exception& exception)~~   --- End of inner exception stack trace ---~~   at "
        "System.Web.Services.Protocols.WebClientProtocol.GetWebResponse(WebRequest request)~~   at "
        "Microsoft.UpdateServices.Administration.AdminProxy.CreateUpdateServer(Object[] args)~~   at "
        "Microsoft.UpdateServices.Administration.AdminProxy.GetUpdateServer(String serverName, "
        "Boolean useSecureConnection, Int32 portNumber)~~   at "
        "Microsoft.SystemsManagementServer.WSUS.WSUSServer.ConnectToWSUSServer(String ServerName, "
        "Boolean UseSSL, Int32 PortNumber)")
    c = Sms(WCM, bias, 4720, 301, server, "PS1")
    c.at(dt.datetime(2026, 11, 20, 6, 41, 3, 172000))
    wcm_cycle_head(c, "SCF change notification triggered.", server)
    assembly_check(c)
    c(f"Attempting connection to WSUS server: {server}, port: 8531, useSSL: True", 0)
    c(refused, 1015)
    c("Setting new configuration state to 3 (WSUS_CONFIG_FAILED)", 16)
    c("~Waiting for changes for 59 minutes", 0)
    wcm_failed_cycle(c, dt.datetime(2026, 11, 20, 7, 41, 4, 390000), server, 8531, True, refused,
                     "Timed Out...~")
    write(f"{d}/WCM.log", c.lines)

    w = Sms(WSYNC, bias, 5976, 302, server, "PS1")
    w.at(dt.datetime(2026, 11, 20, 6, 41, 2, 950000))
    w("Wakeup by SCF change", 0)
    next_sync(w, dt.datetime(2026, 11, 20, 7, 0, 0), 16)
    trigger(w, "regular", dt.datetime(2026, 11, 20, 7, 0, 0, 63000))
    w("Full sync required due to changes in main WSUS server location.", 16)
    not_configured_attempt(w, server, [server], 530, 47, 15)
    for h in (8, 9):
        trigger(w, "retry", dt.datetime(2026, 11, 20, h, 0, 1, 200000 + h * 7000))
        w("Full sync required due to changes in main WSUS server location.", 16)
        not_configured_attempt(w, server, [server], 510, 31, 16)
    write(f"{d}/wsyncmgr.log", w.lines)


def site_ssl_transport_closed():
    d = "site-ssl-transport-closed"
    bias = -60
    sup = "SUP01.contoso.com"
    exc = (
        "System.Net.WebException: The underlying connection was closed: An unexpected error "
        "occurred on a send. ---> System.IO.IOException: Authentication failed because the remote "
        "party has closed the transport stream.~~   at "
        "System.Net.Security.SslState.StartReadFrame(Byte[] buffer, Int32 readBytes, "
        "AsyncProtocolRequest asyncRequest)~~   at "
        "System.Net.Security.SslState.StartReceiveBlob(Byte[] buffer, AsyncProtocolRequest "
        "asyncRequest)~~   at System.Net.Security.SslState.ForceAuthentication(Boolean receiveFirst, "
        "Byte[] buffer, AsyncProtocolRequest asyncRequest)~~   at "
        "System.Net.TlsStream.ProcessAuthentication(LazyAsyncResult result)~~   --- End of inner "
        "exception stack trace ---~~   at "
        "System.Web.Services.Protocols.WebClientProtocol.GetWebResponse(WebRequest request)~~   at "
        "Microsoft.UpdateServices.Administration.AdminProxy.CreateUpdateServer(Object[] args)~~   at "
        "Microsoft.SystemsManagementServer.WSUS.WSUSServer.ConnectToWSUSServer(String ServerName, "
        "Boolean UseSSL, Int32 PortNumber)")
    c = Sms(WCM, bias, 4720, 401, "CM01.contoso.com", "PS1")
    c.at(dt.datetime(2026, 11, 23, 13, 12, 40, 75000))
    wcm_cycle_head(c, "SCF change notification triggered.", sup)
    assembly_check(c)
    c(f"Attempting connection to WSUS server: {sup}, port: 8531, useSSL: True", 0)
    c(exc, 640)
    c("Setting new configuration state to 3 (WSUS_CONFIG_FAILED)", 16)
    c("~Waiting for changes for 59 minutes", 0)
    for h in (14, 15):
        wcm_failed_cycle(c, dt.datetime(2026, 11, 23, h, 12, 41, 300000 + h * 3000), sup, 8531,
                         True, exc, "Timed Out...~")
    write(f"{d}/WCM.log", c.lines)


# =============================================================================================
# 5. cas-no-internet (PDT -> PST on 1 Nov 2026: bias +420 -> +480, local 01:xx repeats)

def cas_no_internet():
    d = "cas-no-internet"
    server = "CAS01.contoso.com"
    source = "Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.SyncConfigUpdatesFromUSS"
    stack = (
        "~~at System.Net.HttpWebRequest.GetRequestStream(TransportContext& context)"
        "~~at System.Net.HttpWebRequest.GetRequestStream()"
        "~~at System.Web.Services.Protocols.SoapHttpClientProtocol.Invoke(String methodName, "
        "Object[] parameters)"
        "~~at Microsoft.UpdateServices.ServerSyncWebServices.ServerSync.ServerSyncProxy.GetAuthConfig()"
        "~~at Microsoft.UpdateServices.ServerSync.ServerSyncLib.InternetGetServerAuthConfig("
        "ServerSyncProxy proxy, WebServiceCommunicationHelper webServiceHelper)"
        "~~at Microsoft.UpdateServices.ServerSync.ServerSyncLib.Authenticate(AuthorizationManager "
        "authorizationManager, Boolean checkExpiration, ServerSyncProxy proxy, Cookie cookie, "
        "WebServiceCommunicationHelper webServiceHelper)"
        "~~at Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.SyncConfigUpdatesFromUSS()"
        "~~at Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.ExecuteSyncProtocol("
        "Boolean allowRedirect)")
    resolved = ("UssCommunicationError: WebException: The remote name could not be resolved: "
                "'sws.update.microsoft.com'")
    unreachable = ("UssCommunicationError: WebException: Unable to connect to the remote server "
                   "---> System.Net.Sockets.SocketException: A connection attempt failed because "
                   "the connected party did not properly respond after a period of time, or "
                   "established connection failed because connected host has failed to respond "
                   "20.72.235.82:443")
    stack_connect = (
        "~~at System.Net.Sockets.Socket.DoConnect(EndPoint endPointSnapshot, SocketAddress "
        "socketAddress)~~at System.Net.ServicePoint.ConnectSocketInternal(Boolean connectFailure, "
        "Socket s4, Socket s6, Socket& socket, IPAddress& address, ConnectSocketState state, "
        "IAsyncResult asyncResult, Exception& exception)~~--- End of inner exception stack trace "
        "---" + stack)
    w = Sms(WSYNC, 420, 6204, 501, server, "CAS", pid=2904)
    # First attempt just after midnight, PDT.
    w.at(dt.datetime(2026, 11, 1, 0, 4, 11, 884000))
    w("Timed Out...", 0)
    attempts = [  # (local start, bias, trigger)
        (dt.datetime(2026, 11, 1, 0, 5, 0, 12000), 420, "regular"),
        (dt.datetime(2026, 11, 1, 1, 5, 9, 340000), 420, "retry"),
        (dt.datetime(2026, 11, 1, 1, 5, 18, 771000), 480, "retry"),  # 01:05 again, now PST
        (dt.datetime(2026, 11, 1, 2, 5, 27, 905000), 480, "retry"),
    ]
    utc_fail = []
    for start, bias, kind in attempts:
        if bias != w.bias:
            # Local clock steps back one hour at 02:00 PDT; the writer's guard is on local time.
            w.bias = bias
            w.t = None
        # DNS is broken first; after the DNS fix (between 01:05 PDT and 01:05 PST) the
        # firewall still drops 443 to Microsoft Update.
        text = resolved if start.hour == 0 or bias == 420 else unreachable
        frames_here = stack if text is resolved else stack_connect
        failed_sync(w, start, kind, server, [server], text + frames_here, source, text,
                    le="0X80131500")
        utc_fail.append(w.utc())
    write(f"{d}/wsyncmgr.log", w.lines)

    # WSUS SoftwareDistribution.log on CAS01 (UTC): each ConfigMgr-triggered sync is "manual".
    rng = random.Random(502)
    lines = []

    sd = sd_writer(lines)

    frames = [
        "   at System.Net.Sockets.Socket.DoConnect(EndPoint endPointSnapshot, SocketAddress socketAddress)",
        "   at System.Net.ServicePoint.ConnectSocketInternal(Boolean connectFailure, Socket s4, Socket s6, Socket& socket, IPAddress& address, ConnectSocketState state, IAsyncResult asyncResult, Exception& exception)",
        "   --- End of inner exception stack trace ---",
        "   at System.Net.HttpWebRequest.GetRequestStream(TransportContext& context)",
        "   at System.Web.Services.Protocols.SoapHttpClientProtocol.Invoke(String methodName, Object[] parameters)",
        "   at Microsoft.UpdateServices.ServerSyncWebServices.ServerSync.ServerSyncProxy.GetAuthConfig()",
        "   at Microsoft.UpdateServices.ServerSync.ServerSyncLib.InternetGetServerAuthConfig(ServerSyncProxy proxy, WebServiceCommunicationHelper webServiceHelper)",
    ]
    conn = ("System.Net.WebException: Unable to connect to the remote server ---> "
            "System.Net.Sockets.SocketException: A connection attempt failed because the "
            "connected party did not properly respond after a period of time, or established "
            "connection failed because connected host has failed to respond 20.72.235.82:443")
    dns = "System.Net.WebException: The remote name could not be resolved: 'sws.update.microsoft.com'"
    dns_frames = [
        "   at System.Net.HttpWebRequest.GetRequestStream(TransportContext& context)",
        "   at System.Net.HttpWebRequest.GetRequestStream()",
        "   at System.Web.Services.Protocols.SoapHttpClientProtocol.Invoke(String methodName, Object[] parameters)",
        "   at Microsoft.UpdateServices.ServerSyncWebServices.ServerSync.ServerSyncProxy.GetAuthConfig()",
        "   at Microsoft.UpdateServices.ServerSync.ServerSyncLib.InternetGetServerAuthConfig(ServerSyncProxy proxy, WebServiceCommunicationHelper webServiceHelper)",
    ]
    for (start, bias, _), fail in zip(attempts, utc_fail):
        name_fail = start.hour == 0 or bias == 420
        t = start + dt.timedelta(minutes=bias) + 1700 * ms
        sd(t, "Info", "w3wp.12", "AdminDataAccess.StartSubscriptionManually",
           "StartSubscriptionManually called")
        t += 47 * ms
        sd(t, "Info", "WsusService.31", "EventLogEventReporter.ReportEvent",
           "EventId=382,Type=Information,Category=Synchronization,Message=A manual "
           "synchronization was started.")
        t += 16 * ms
        sd(t, "Info", "WsusService.31", "CatalogSyncAgentCore.ExecuteSyncProtocol",
           "Sync with upstream server https://sws.update.microsoft.com, no proxy")
        gap = (fail - 900 * ms - t) / 3
        for attempt in range(2):
            t += gap
            sd(t, "Warning", "WsusService.31", "SoapUtilities.ProcessWebServiceProxyException",
               "ProcessWebServiceProxyException found Exception was WebException. Action: "
               f"Retry. Exception Details: {dns if name_fail else conn}")
            lines.extend(dns_frames[:2] if name_fail else frames[:3])
        t = fail - 900 * ms
        if name_fail:
            sd(t, "Error", "WsusService.31", "CatalogSyncAgentCore.ExecuteSyncProtocol",
               f"WebException: {dns.split(': ', 1)[1]}")
            lines.extend(dns_frames)
        else:
            sd(t, "Error", "WsusService.31", "CatalogSyncAgentCore.ExecuteSyncProtocol",
               f"WebException: Unable to connect to the remote server ---> {conn.split('---> ')[1]}")
            lines.extend(frames)
        t += 31 * ms
        sd(t, "Info", "WsusService.31", "EventLogEventReporter.ReportEvent",
           "EventId=386,Type=Error,Category=Synchronization,Message=Synchronization failed. "
           "Reason: " + ("The remote name could not be resolved: 'sws.update.microsoft.com'."
                         if name_fail else "Unable to connect to the remote server."))
        t += 16 * ms
        sd(t, "Info", "WsusService.31", "CatalogSyncAgentCore.SetSubscriptionStateWithRetry",
           "Firing event SyncFinish...")
    write(f"{d}/SoftwareDistribution.log", lines)


# =============================================================================================
# 6. site-permission (remote SUP, EST +300)

def site_permission():
    d = "site-permission"
    site_server, sup = "CM03.contoso.com", "SUP03.contoso.com"
    w = Sms(WSYNC, 300, 4424, 601, site_server, "PS3", pid=3212)
    w.at(dt.datetime(2026, 11, 18, 8, 59, 58, 12000))
    w("Timed Out...", 0)
    msg = "Request for principal permission failed."
    src = "Microsoft.UpdateServices.Administration.AdminProxy.CreateUpdateServer"
    for i, h in enumerate((9, 10, 11)):
        start = dt.datetime(2026, 11, 18, h, 0, 2, 140000 + i * 91000)
        failed_sync(w, start, "regular" if i == 0 else "retry", site_server, [sup],
                    "Request for principal permission failed", src, msg, le="0X8013150a")
    write(f"{d}/wsyncmgr.log", w.lines)


# =============================================================================================
# 7. wsus-pool-503 (PS2, remote SUP WSUS02, PST +480, IIS in UTC)

def wsus_pool_503():
    d = "wsus-pool-503"
    site_server, sup = "CM02.contoso.com", "WSUS02.contoso.com"
    src = "Microsoft.UpdateServices.Administration.AdminProxy.createUpdateServer"
    http = "The request failed with HTTP status 503: Service Unavailable"
    w = Sms(WSYNC, 480, 5124, 701, site_server, "PS2", pid=2716)
    w.at(dt.datetime(2026, 11, 18, 5, 58, 2, 431000))
    w("Timed Out...", 0)
    for i, h in enumerate((6, 7)):
        failed_sync(w, dt.datetime(2026, 11, 18, h, 0, 0, 517000 + i * 40000),
                    "regular" if i == 0 else "retry", site_server, [sup], http, src, http + ".",
                    le="0X80131509")
    write(f"{d}/wsyncmgr.log", w.lines)

    exc = ("System.Net.WebException: The request failed with HTTP status 503: Service Unavailable."
           "~~   at Microsoft.UpdateServices.Administration.AdminProxy.CreateUpdateServer(Object[] args)"
           "~~   at Microsoft.UpdateServices.Administration.AdminProxy.GetUpdateServer(String "
           "serverName, Boolean useSecureConnection, Int32 portNumber)~~   at "
           "Microsoft.SystemsManagementServer.WSUS.WSUSServer.ConnectToWSUSServer(String "
           "ServerName, Boolean UseSSL, Int32 PortNumber)")
    c = Sms(WCM, 480, 3940, 702, site_server, "PS2", pid=2716)
    c.at(dt.datetime(2026, 11, 18, 5, 11, 30, 204000))
    c("Timed Out...~", 0)
    assembly_check(c)
    c(f"Attempting connection to WSUS server: {sup}, port: 8530, useSSL: False", 0)
    c(f"Successfully connected to server: {sup}, port: 8530, useSSL: False", 1620)
    c("Verify Upstream Server settings on the Active WSUS Server", 0)
    c("No changes - WSUS Server settings are correctly configured and Upstream Server is set to "
      "Microsoft Update", 344)
    c("Setting new configuration state to 2 (WSUS_CONFIG_SUCCESS)", 16)
    c("~Waiting for changes for 59 minutes", 0)
    for h in (6, 7):
        wcm_failed_cycle(c, dt.datetime(2026, 11, 18, h, 11, 31, 120000 + h * 5000), sup, 8530,
                         False, exc, "Timed Out...~")
    write(f"{d}/WCM.log", c.lines)

    # IIS log of the WSUS site on WSUS02 (UTC). Pool falls over at 13:58 UTC (05:58 PST).
    rng = random.Random(703)
    lines = ["#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0",
             "#Date: 2026-11-18 13:05:12",
             "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username "
             "c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"]
    wua = "Windows-Update-Agent/10.0.10011.16384+Client-Protocol/2.50"
    api = "Mozilla/4.0+(compatible;+MSIE+6.0;+MS+Web+Services+Client+Protocol+4.0.30319.42000)"
    t = dt.datetime(2026, 11, 18, 13, 5, 12)
    down = dt.datetime(2026, 11, 18, 13, 58, 0)
    end = dt.datetime(2026, 11, 18, 15, 20, 0)
    ips = [f"10.20.40.{n}" for n in (11, 17, 23, 38, 52, 64, 71, 88, 103, 119, 142, 167)]
    api_times = [dt.datetime(2026, 11, 18, 13, 11, 31) + dt.timedelta(hours=h) for h in (0, 1, 2)]
    api_times += [dt.datetime(2026, 11, 18, 14, 0, 2), dt.datetime(2026, 11, 18, 15, 0, 3)]
    api_times.sort()
    while t < end:
        t += dt.timedelta(seconds=rng.randint(40, 260))
        while api_times and api_times[0] <= t:
            at = api_times.pop(0)
            status = "503 0 0" if at >= down else "200 0 0"
            lines.append(f"{at:%Y-%m-%d %H:%M:%S} 10.20.1.21 POST /ApiRemoting30/WebService.asmx - "
                         f"8530 CONTOSO\\CM02$ 10.20.1.10 {api} - {status} "
                         f"{rng.randint(1, 4) if at >= down else rng.randint(15, 400)}")
        ip = rng.choice(ips)
        if t < down:
            lines.append(f"{t:%Y-%m-%d %H:%M:%S} 10.20.1.21 POST /ClientWebService/client.asmx - "
                         f"8530 - {ip} {wua} - 200 0 0 {rng.randint(40, 2400)}")
            if rng.random() < 0.3:
                lines.append(f"{t:%Y-%m-%d %H:%M:%S} 10.20.1.21 POST "
                             f"/SimpleAuthWebService/SimpleAuth.asmx - 8530 - {ip} {wua} - "
                             f"200 0 0 {rng.randint(15, 90)}")
        else:
            lines.append(f"{t:%Y-%m-%d %H:%M:%S} 10.20.1.21 POST /ClientWebService/client.asmx - "
                         f"8530 - {ip} {wua} - 503 0 0 {rng.randint(0, 3)}")
            if rng.random() < 0.2:
                lines.append(f"{t:%Y-%m-%d %H:%M:%S} 10.20.1.21 GET /selfupdate/wuident.cab "
                             f"{t:%y%m%d%H%M} 8530 - {ip} {wua} - 503 0 0 "
                             f"{rng.randint(0, 2)}")
    write(f"{d}/W3SVC2/u_ex261118.log", lines, enc="ascii")


# =============================================================================================
# 8. wsus-tls (Server 2012 R2 WSUS without the TLS 1.2 rollup; no SCHANNEL lines at start-up)

def wsus_tls():
    d = "wsus-tls"
    rng = random.Random(801)
    lines = []

    sd = sd_writer(lines)

    wsus_start(sd, dt.datetime(2026, 11, 16, 6, 2, 14, 93000), "6.3.9600.18838", "6.3.9600.0", 31,
               services_ms=411)
    send = ("The underlying connection was closed: An unexpected error occurred on a send. ---> "
            "System.IO.IOException: Unable to read data from the transport connection: An existing "
            "connection was forcibly closed by the remote host. ---> "
            "System.Net.Sockets.SocketException: An existing connection was forcibly closed by the "
            "remote host")
    frames = [
        "   at System.Net.Sockets.Socket.Receive(Byte[] buffer, Int32 offset, Int32 size, SocketFlags socketFlags)",
        "   at System.Net.Sockets.NetworkStream.Read(Byte[] buffer, Int32 offset, Int32 size)",
        "   --- End of inner exception stack trace ---",
        "   at System.Net.TlsStream.EndWrite(IAsyncResult asyncResult)",
        "   at System.Net.ConnectStream.WriteHeadersCallback(IAsyncResult ar)",
        "   --- End of inner exception stack trace ---",
        "   at System.Web.Services.Protocols.WebClientProtocol.GetWebResponse(WebRequest request)",
        "   at System.Web.Services.Protocols.HttpWebClientProtocol.GetWebResponse(WebRequest request)",
        "   at Microsoft.UpdateServices.ServerSync.ServerSyncCompressionProxy.GetWebResponse(WebRequest webRequest)",
        "   at System.Web.Services.Protocols.SoapHttpClientProtocol.Invoke(String methodName, Object[] parameters)",
        "   at Microsoft.UpdateServices.ServerSyncWebServices.ServerSync.ServerSyncProxy.GetAuthConfig()",
        "   at Microsoft.UpdateServices.ServerSync.ServerSyncLib.InternetGetServerAuthConfig(ServerSyncProxy proxy, WebServiceCommunicationHelper webServiceHelper)",
        "   at Microsoft.UpdateServices.ServerSync.ServerSyncLib.Authenticate(AuthorizationManager authorizationManager, Boolean checkExpiration, ServerSyncProxy proxy, Cookie cookie, WebServiceCommunicationHelper webServiceHelper)",
        "   at Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.SyncConfigUpdatesFromUSS()",
        "   at Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.ExecuteSyncProtocol(Boolean allowRedirect)",
    ]
    for start in (dt.datetime(2026, 11, 16, 7, 0, 0, 431000), dt.datetime(2026, 11, 17, 7, 0, 0, 88000)):
        t = start
        sd(t, "Info", "WsusService.21", "EventLogEventReporter.ReportEvent",
           "EventId=381,Type=Information,Category=Synchronization,Message=A scheduled "
           "synchronization was started.")
        t += 47 * ms
        sd(t, "Info", "WsusService.21", "CatalogSyncAgentCore.ExecuteSyncProtocol",
           "Sync with upstream server https://sws.update.microsoft.com, no proxy")
        for _ in range(3):
            t += rng.randint(300, 900) * ms
            sd(t, "Warning", "WsusService.21", "SoapUtilities.ProcessWebServiceProxyException",
               "ProcessWebServiceProxyException found Exception was WebException. Action: Retry. "
               f"Exception Details: System.Net.WebException: {send}")
            lines.extend(frames[:3])
        t += rng.randint(300, 900) * ms
        sd(t, "Error", "WsusService.21", "CatalogSyncAgentCore.ExecuteSyncProtocol",
           f"WebException: {send}")
        lines.extend(frames)
        t += 31 * ms
        sd(t, "Info", "WsusService.21", "EventLogEventReporter.ReportEvent",
           "EventId=386,Type=Error,Category=Synchronization,Message=Synchronization failed. "
           "Reason: The underlying connection was closed: An unexpected error occurred on a send..")
        t += 16 * ms
        sd(t, "Info", "WsusService.21", "CatalogSyncAgentCore.SetSubscriptionStateWithRetry",
           "Firing event SyncFinish...")
    write(f"{d}/SoftwareDistribution.log", lines)


# =============================================================================================
# 9/10. SUPSetup.log

def supsetup_lines(t, host, site_server, ok, prereq_present=True, ver="10.0.20348.2849"):
    out = []
    bin64 = r"C:\Program Files\Microsoft Configuration Manager\bin\x64"

    def s(msg, secs=0):
        nonlocal t
        t += dt.timedelta(seconds=secs)
        out.append(f"<{t:%m/%d/%y %H:%M:%S}> {msg}")

    s("====================================================================")
    s("SMSWSUS Setup Started....")
    s(f"Parameters: {bin64}\\rolesetup.exe /install /siteserver:{site_server} SMSWSUS 0")
    s("Installing Pre Reqs for SMSWSUS")
    s("        ======== Installing Pre Reqs for Role SMSWSUS ========")
    s("Found 1 Pre Reqs for Role SMSWSUS ")
    s("Pre Req MSXML60 found.")
    s("No versions of MSXML60 are installed.  Would install new MSXML60." if not prereq_present else
      "MSXML60 already installed (Product Code: {4E9B83DE-6A8C-4F41-8E47-0D1C5A6B2F9A}). Would not install again.")
    s("Pre Req MSXML60 is already installed. Skipping it." if prereq_present else
      "Installing MSXML60 from msxml6_x64.msi", 1)
    s("        ======== Completed Installation of Pre Reqs for Role SMSWSUS ========")
    s(f"Installing the SMSWSUS on {host}")
    s("Checking for supported version of WSUS (min WSUS 4.0)")
    s("Checking runtime v2.0.50727...")
    s("Did not find supported version of assembly Microsoft.UpdateServices.Administration.")
    s("Checking runtime v4.0.30319...")
    if not ok:
        s("Did not find supported version of assembly Microsoft.UpdateServices.Administration.")
        s("Supported WSUS Server version is not installed. Install WSUS 4.0 or later and run setup again.")
        s("Installation Failed. Error Code: 1")
        s("SMSWSUS Setup Completed with errors. Setup will be retried in 60 minutes.")
        return out, t
    s(f"Found supported assembly Microsoft.UpdateServices.Administration version 4.0.0.0, file version {ver}")
    s(f"Found supported assembly Microsoft.UpdateServices.BaseApi version 4.0.0.0, file version {ver}")
    s("Supported WSUS version found")
    s(f"Supported WSUS Server version ({ver}) is installed.")
    dll = f"{bin64}\\wsusmsp.dll"
    s(f'CTool::RegisterManagedBinary: run command line: "C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\RegAsm.exe" "{dll}"')
    s(f"CTool::RegisterManagedBinary: Failed to register {dll} with .Net Fx 2.0", 1)
    s(f'CTool::RegisterManagedBinary: run command line: "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\RegAsm.exe" "{dll}"')
    s(f"CTool::RegisterManagedBinary: Registered {dll} successfully", 2)
    s(f"Registered DLL {dll}")
    s("Installing the SMS_WSUS_CONTROL_MANAGER service")
    s("Creating registry key SOFTWARE\\Microsoft\\SMS\\WSUS\\Logging")
    s("Installation was successful.", 1)
    s("~RoleSetup().")
    return out, t


def supsetup():
    lines, _ = supsetup_lines(dt.datetime(2026, 11, 12, 14, 20, 3), "CM01.contoso.com",
                              "CM01.contoso.com", True)
    write("supsetup-healthy/SUPSetup.log", lines, enc="ascii")
    a, t = supsetup_lines(dt.datetime(2026, 11, 18, 8, 31, 47), "SUP03.contoso.com",
                          "CM03.contoso.com", False, prereq_present=False)
    b, _ = supsetup_lines(t + dt.timedelta(minutes=60, seconds=4), "SUP03.contoso.com",
                          "CM03.contoso.com", False)
    write("supsetup-wsus-missing/SUPSetup.log", a + b, enc="ascii")


# =============================================================================================
# 11/12. Client logs (CMTrace) + Windows 10 WindowsUpdate.log

WUA_SRC = "{6F7D2C1B-8A3E-4B5D-9C0F-1E2A3B4C5D6E}"


def client_healthy():
    d = "client-healthy"
    bias = -60
    rng = random.Random(1101)
    loc = Cm("LocationServices", bias, 4012, 1102, "lsad.cpp")
    sa = Cm("ScanAgent", bias, 5508, 1103, "cscanagent.cpp")
    wh = Cm("WUAHandler", bias, 5508, 1104, "sourcemanager.cpp")
    ud = Cm("UpdatesDeploymentAgent", bias, 6044, 1105, "updatesmanager.cpp")
    assign = "{2F1C6E0A-7B3D-4E8F-A5C2-9D0B1E3F4A67}"
    arts = [("5071010", f"2026-11 Cumulative Update for {WIN11} (KB5071010)"),
            ("5071022", "2026-11 Cumulative Update for .NET Framework 3.5 and 4.8.1 for Windows 11, version 25H2 for x64 (KB5071022)"),
            ("5071070", f"2026-11 Cumulative Update Preview for {WIN11} (KB5071070)"),
            ("890830", "Windows Malicious Software Removal Tool x64 - v5.139 (KB890830)")]
    sums = [f"Site_{WUA_SRC[1:-1]}/SUM_{guid(rng, braces=False, upper=False)}" for _ in arts]

    # WindowsUpdate.log, Get-WindowsUpdateLog rendering (local time, no offset).
    wu_lines = []
    pid, tid = 3736, 3464
    wt = None

    def wu(comp, msg, delta_ms, thread=None):
        nonlocal wt
        # Strictly increasing at 100 ns resolution, like the ETW rendering.
        wt += delta_ms * ms + rng.randint(1, 400) * dt.timedelta(microseconds=1)
        frac = wt.microsecond * 10 + rng.randint(0, 9)
        wu_lines.append(f"{wt:%Y/%m/%d %H:%M:%S}.{frac:07d} {pid:<5} {thread or tid:<5} "
                        f"{comp:<15} {msg}")

    starts = [dt.datetime(2026, 11, 20, 21, 14, 3, 204000),
              dt.datetime(2026, 11, 20, 23, 31, 47, 580000)]
    for n, t0 in enumerate(starts):
        job = guid(rng)
        loc_req = guid(rng)
        first = n == 0
        # Location request for the update source (content version 38 after the 19:53 sync).
        loc.at(t0 - 4000 * ms)
        if first:
            loc("Current AD site of machine is Amsterdam", 0)
            loc("Domain joined client is in Intranet", 16)
            loc("Current AD forest name is contoso.com, domain name is contoso.com", 0)
            loc("LSGetSiteVersionFromAD : Successfully retrieved version '5.00.9135.1000' for "
                "site 'PS1'", 31)
            loc("LSIsSiteCompatible : Site PS1 version '5.00.9135.1000' is compatible.", 0)
        loc("Attempting to retrieve WSUS locations from MP CM01.contoso.com", 16)
        loc(f'WSUSLocationRequest : <WSUSLocationRequest SchemaVersion="1.00"><Content><ContentID>'
            f'{WUA_SRC[1:-1]}</ContentID><Version>38</Version></Content><AssignedSite SiteCode="PS1"/>'
            f'<ClientLocationInfo LocationType="SMSUpdateSource" UseProtected="0" AllowCaching="0" '
            f'BranchDPFlags="0" UseInternetDP="0" AllowHTTP="1" AllowSMB="0" AllowMulticast="0">'
            f'<ADSite Name="Amsterdam"/><Forest Name="contoso.com"/><Domain Name="contoso.com"/>'
            f'<IPAddresses><IPAddress SubnetAddress="10.10.20.0" Address="10.10.20.142"/></IPAddresses>'
            f'</ClientLocationInfo></WSUSLocationRequest>', 0)
        loc(f'WSUSLocationReply : <WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite '
            f'SiteCode="PS1" MasterSiteCode="PS1" SiteLocality="LOCAL"/><LocationRecords>'
            f'<LocationRecord WSUSURL="http://CM01.contoso.com:8530" ServerName="CM01.contoso.com" '
            f'Version="38"/></LocationRecords></Site></Sites></WSUSLocationReply>', 203)
        loc("Calling back with the following WSUS locations", 16)
        loc("WSUS Path='http://CM01.contoso.com:8530', Server=CM01.contoso.com, Version='38'", 0)
        loc(f"Calling back with locations for WSUS request {loc_req}", 0)

        sa.at(t0 - 4300 * ms)
        sa(f"Message received: '<?xml version='1.0' ?><UpdateSourceMessage><UpdateSourceID>"
           f"{WUA_SRC}</UpdateSourceID><Priority>5</Priority><ScanType>1</ScanType>"
           f"<AutoCompleteRequest>false</AutoCompleteRequest></UpdateSourceMessage>'", 0)
        sa("*****ScanByUpdateSource request received with ScanType ID = 1, ScanType = Scan All, "
           "ForceReScan = False, ScanOptions = 0x00000000", 16)
        sa(f"ScanJob({job}): CScanJob::Initialize- Using Location Request GUID {loc_req}", 0)
        sa(f"ScanJob({job}): - - - - - -Locations requested for ScanJobID={job} "
           f"(LocationRequestID={loc_req}), will process the scan request once locations are "
           f"available.", 16)
        sa.at(t0 - 3780 * ms)
        sa(f"ScanJob({job}): CScanJob::OnLocationUpdate- Received Location="
           f"http://CM01.contoso.com:8530, Version=38", 0)
        sa(f"ScanJob({job}): CScanJob::Execute - Adding UpdateSource={WUA_SRC}, ContentType=2, "
           f"ContentLocation=http://CM01.contoso.com:8530, ContentVersion=38", 31)

        wh.at(t0 - 3700 * ms)
        wh(f"Its a WSUS Update Source type ({WUA_SRC}), adding it.", 0)
        if first:
            wh("Enabling WUA Managed server policy to use server: http://CM01.contoso.com:8530", 0)
            wh("Waiting for 2 mins for Group Policy to notify of WUA policy change...", 16)
            wh("Waiting for 30 secs for policy to take effect on WU Agent.", 2890)
            wh(f"Added Update Source ({WUA_SRC}) of content type: 2", 30016)
        else:
            wh("Existing WUA Managed server was already set (http://CM01.contoso.com:8530), "
               "skipping Group Policy registration.", 16)
            wh(f"Added Update Source ({WUA_SRC}) of content type: 2", 0)
        wh("Scan results will include all superseded updates.", 31)
        wh("Search Criteria is (DeploymentAction=* AND Type='Software') OR (DeploymentAction=* "
           "AND Type='Driver')", 0)
        wh("Running single-call scan of updates.", 0)
        wh("Async searching of updates using WUAgent started.", 63)
        scan_start = wh.t
        scan_ms = 51_712 if first else 9_432

        wt = scan_start - 12 * ms
        cv = f"cV = Zx4h3PLKqUmFP1Rb.1.{n}"
        wu("ComApi", f"* START *   Search ClientId = CcmExec, ServiceId = "
           f"3da21691-e39d-4da6-8a4b-b43877bcb1b7 ({cv})", 0, thread=5508)
        wu("Agent", "* START * Queueing Finding updates [CallerId = CcmExec  Id = "
           f"{2 + n}]", 2)
        wu("Agent", "Added service 3DA21691-E39D-4DA6-8A4B-B43877BCB1B7 to sequential scan list", 0)
        wu("Agent", f"* START * Finding updates CallerId = CcmExec  Id = {2 + n}", 3)
        wu("Agent", "Online = Yes; Interactive = No; AllowCachedResults = No; Ignore download "
           "priority = No", 0)
        wu("Agent", "Criteria = (DeploymentAction=* AND Type='Software') OR (DeploymentAction=* "
           "AND Type='Driver')", 0)
        wu("Agent", "ServiceID = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed", 0)
        wu("Agent", "Search Scope = {Machine}", 0)
        wu("Agent", "Caller SID for Applicability: S-1-5-18", 0)
        wu("Shared", "*FAILED* [8024000C] LoadHistoryEventFromRegistry", 4)
        wu("Misc", "Got WSUS Client/Server URL: "
           "http://CM01.contoso.com:8530/ClientWebService/client.asmx", 120)
        wu("ProtocolTalker", "OK to reuse existing configuration", 2)
        wu("ProtocolTalker", "Existing cookie is valid, just use it", 0)
        if first:
            wu("ProtocolTalker", "PTInfo: Server requested registration", 0)
        wu("ProtocolTalker", "ServiceId = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, Server URL = "
           "http://CM01.contoso.com:8530/ClientWebService/client.asmx", 0)
        wu("WebServices", "Auto proxy settings for this web service call.", 3)
        trips = (47, 12, 3, 0) if first else (0,)
        for k, fetched in enumerate(trips):
            wu("ProtocolTalker", f"SyncUpdates round trip: FetchedCount={fetched}, "
               f"OutOfScopeRevisionIds={k * 2}, ValidUpdatePreferenceIds=0, "
               f"OtherCachedUpdates={1580 + k * 9}, DeletedUpdates=0, Software=True, Driver=True",
               rng.randint(2000, 7000))
        wu("Agent", "Found 4 updates and 96 categories in search; evaluated appl. rules of 1587 "
           "out of 3025 deployed entities", scan_ms - int((wt - scan_start).total_seconds() * 1000) - 300)
        wu("Agent", f"* END * Finding updates CallerId = CcmExec, Id = {2 + n}, Exit code = "
           f"0x00000000 ({cv})", 1)
        wu("ComApi", f"*RESUMED* Search ClientId = CcmExec ({cv})", 9, thread=5508)
        wu("ComApi", "Updates found = 4", 0, thread=5508)
        wu("ComApi", f"* END *   Search ClientId = CcmExec ({cv})", 0, thread=5508)

        wh.at(scan_start + scan_ms * ms)
        wh("Async searching completed.", 0)
        wh("Successfully completed scan.", 266)

        sa.at(wh.t + 120 * ms)
        sa(f"ScanJob({job}): CScanJob::OnScanComplete -Scan completed successfully, ScanType=1", 0)
        sa("CScanJobManager::OnScanComplete- Scan Completed successfully. ScanType=Scan All, "
           "ScanOptions=0x00000000", 0)
        sa(f"ScanJob({job}): CScanJob::OnScanComplete - Scan results reported, sending state "
           f"message", 16)
        sa(f"ScanJob({job}): CScanJob::~CScanJob: Releasing scan job", 0)

        ud.at(sa.t + 1_700 * ms)
        ud("Message received: '<?xml version='1.0' ?>\n\t<CIAssignmentMessage "
           "MessageType='EvaluateAssignments'>\n\t\t<AssignmentID>" + assign +
           "</AssignmentID>\n\t</CIAssignmentMessage>'", 0)
        ud("Evaluation initiated for (1) assignments.", 16)
        ud(f"Assignment {assign} has total CIs = 4", 0)
        ud(f"Detection job ({guid(ud.rng)}) started for assignment ({assign})", 31)
        ud(f"Started evaluation for assignment ({assign})", 0)
        for (art, title), sid in zip(arts, sums):
            ud(f"Update ({sid}) Name ({title}) ArticleID ({art}) added to the targeted list of "
               f"deployment ({assign})", 16)
        ud(f"Progress received for assignment ({assign})", 1204)
        for sid in sums:
            ud(f"Update ({sid}) Progress: Status = ciStateWaitInstall, PercentComplete = 0, "
               f"Result = 0x0", 0)
        ud("EnumerateUpdates for action (UpdateActionInstall) - Total actionable updates = 4", 63)
        ud("Attempting to install 0 updates", 0)
        ud("No current service window available to run updates assignment with time required = "
           "3600", 16, typ=2)
        ud(f"Scheduling install of assignment ({assign}) at the next service window "
           f"(11/21/2026 01:00:00 AM)", 31)
    wu("Agent", "Earliest future timer found:", 1500)
    wu("Agent", "    Timer: 29A863E7-8609-4D1E-B7CD-5668F857F1DB, Expires 2026-11-21 01:00:00, "
       "not idle-only, not network-only", 0)
    loc("Refreshing the Management Point List for site PS1", 59000)
    loc("Retrieved lookup MP(s) from AD", 31)
    loc("Persisting the default management point in WMI", 16)
    loc("Persisted Default Management Point Locations locally", 0)

    write(f"{d}/LocationServices.log", loc.lines)
    write(f"{d}/ScanAgent.log", sa.lines)
    write(f"{d}/WUAHandler.log", wh.lines)
    write(f"{d}/UpdatesDeployment.log", ud.lines)
    write(f"{d}/WindowsUpdate.log", wu_lines, enc="ascii")


def scan_request(sa, job, version, location_ms):
    """ScanAgent: a full scan requested, the SUP location received, the update source added."""
    sa(f"Message received: '<?xml version='1.0' ?><UpdateSourceMessage><UpdateSourceID>"
       f"{WUA_SRC}</UpdateSourceID><Priority>5</Priority><ScanType>1</ScanType>"
       f"<AutoCompleteRequest>false</AutoCompleteRequest></UpdateSourceMessage>'", 0)
    sa("*****ScanByUpdateSource request received with ScanType ID = 1, ScanType = Scan All, "
       "ForceReScan = False, ScanOptions = 0x00000000", 16)
    sa(f"ScanJob({job}): CScanJob::OnLocationUpdate- Received Location=http://CM01.contoso.com:8530, "
       f"Version={version}", location_ms)
    sa(f"ScanJob({job}): CScanJob::Execute - Adding UpdateSource={WUA_SRC}, ContentType=2, "
       f"ContentLocation=http://CM01.contoso.com:8530, ContentVersion={version}", 16)


def scan_failed_at_add_source(sa, job, code):
    """ScanAgent: the update source could not be added; the scan retries in 30 minutes."""
    sa(f"ScanJob({job}): CScanJob::Execute- Failed at AddUpdateSource, Error = {code}",
       0, typ=3)
    sa(f"ScanJob({job}): CScanJob::ScheduleScanRetry- ScanRetry Timer task successfully "
       f"scheduled. Will retry scan in 30 minutes", 16)
    sa(f"CScanJobManager::OnScanComplete -failed at CScanJob::Execute with error={code}",
       0, typ=3)


def client_gpo_conflict():
    d = "client-gpo-conflict"
    bias = -60
    rng = random.Random(1201)
    wh = Cm("WUAHandler", bias, 7720, 1202, "sourcemanager.cpp")
    sa = Cm("ScanAgent", bias, 7720, 1203, "cscanagent.cpp")
    t = dt.datetime(2026, 11, 19, 10, 2, 17, 512000)
    for attempt in range(4):
        job = guid(rng)
        sa.at(t)
        scan_request(sa, job, 38, 512)
        wh.at(sa.t + 31 * ms)
        wh(f"Its a WSUS Update Source type ({WUA_SRC}), adding it.", 0)
        wh("Enabling WUA Managed server policy to use server: http://CM01.contoso.com:8530", 16)
        wh("Waiting for 2 mins for Group Policy to notify of WUA policy change...", 0)
        wh("Waiting for 30 secs for policy to take effect on WU Agent.", 120_016)
        wh("Group policy settings were overwritten by a higher authority (Domain Controller) to: "
           "Server http://wsus-old.contoso.com:8530 and Policy ENABLED", 30_031, typ=3)
        wh(f"Failed to Add Update Source for WUAgent of type (2) and id ({WUA_SRC}). "
           f"Error = 0x87d00692.", 0, typ=3)
        sa.at(wh.t + 16 * ms)
        scan_failed_at_add_source(sa, job, "0x87d00692")
        t = sa.t + dt.timedelta(minutes=30, seconds=rng.randint(1, 9))
    write(f"{d}/WUAHandler.log", wh.lines)
    write(f"{d}/ScanAgent.log", sa.lines)


# =============================================================================================
# 13. client-win7-legacy: legacy WindowsUpdate.log, UTF-16LE with BOM

def client_win7_legacy():
    rng = random.Random(1301)
    lines = []
    t = dt.datetime(2026, 11, 19, 8, 58, 12, 331000)

    def wu(pid, tid, comp, msg, delta_ms=0):
        nonlocal t
        t += delta_ms * ms
        lines.append(f"{t:%Y-%m-%d}\t{t:%H:%M:%S}:{t.microsecond // 1000:03d}\t{pid:>4}\t"
                     f"{tid:x}\t{comp}\t{msg}")

    p = 980
    wu(p, 0xa4c, "Misc", "===========  Logging initialized (build: 7.6.7601.24436, tz: +0100)  ===========")
    wu(p, 0xa4c, "Misc", "  = Process: C:\\Windows\\system32\\svchost.exe")
    wu(p, 0xa4c, "Misc", "  = Module: c:\\windows\\system32\\wuaueng.dll")
    wu(p, 0xa4c, "Service", "*************")
    wu(p, 0xa4c, "Service", "** START **  Service: Service startup")
    wu(p, 0xa4c, "Service", "*********", 16)
    wu(p, 0xa4c, "Agent", "  * WU client version 7.6.7601.24436", 15)
    wu(p, 0xa4c, "Agent", "  * Base directory: C:\\Windows\\SoftwareDistribution")
    wu(p, 0xa4c, "Agent", "  * Access type: No proxy")
    wu(p, 0xa4c, "Agent", "  * Network state: Connected", 16)
    wu(p, 0xa4c, "Report", "CWERReporter::Init succeeded", 31)
    wu(p, 0xa4c, "Agent", "***********  Agent: Initializing Windows Update Agent  ***********")
    wu(p, 0xa4c, "Agent", "  * Prerequisite roots succeeded.")
    wu(p, 0xa4c, "Agent", "***********  Agent: Initializing global settings cache  ***********")
    wu(p, 0xa4c, "Agent", "  * WSUS server: http://CM01.contoso.com:8530")
    wu(p, 0xa4c, "Agent", "  * WSUS status server: http://CM01.contoso.com:8530")
    wu(p, 0xa4c, "Agent", "  * Target group: (Unassigned Computers)")
    wu(p, 0xa4c, "Agent", "  * Windows Update access disabled: No")
    wu(p, 0xa4c, "DnldMgr", "Download manager restoring 0 downloads", 47)
    wu(p, 0xa4c, "AU", "###########  AU: Initializing Automatic Updates  ###########", 16)
    wu(p, 0xa4c, "AU", "  # WSUS server: http://CM01.contoso.com:8530")
    wu(p, 0xa4c, "AU", "  # Detection frequency: 22")
    wu(p, 0xa4c, "AU", "  # Approval type: Pre-install notify (Policy)")
    wu(p, 0xa4c, "AU", "  # Auto-install minor updates: Yes (User preference)")
    wu(p, 0xa4c, "AU", "Initializing featured updates", 16)
    wu(p, 0xa4c, "AU", "Found 0 cached featured updates")
    wu(p, 0xa4c, "AU", "AU finished delayed initialization", 5016)
    for attempt in range(2):
        tid = 0x10b8 + attempt * 0x2c
        t += dt.timedelta(minutes=16 if attempt == 0 else 31, milliseconds=rng.randint(0, 999))
        wu(p, 0x6c4, "COMAPI", "-------------")
        wu(p, 0x6c4, "COMAPI", "-- START --  COMAPI: Search [ClientId = CcmExec]")
        wu(p, 0x6c4, "COMAPI", "---------")
        wu(p, 0x6c4, "COMAPI", "<<-- SUBMITTED -- COMAPI: Search [ClientId = CcmExec]", 15)
        wu(p, tid, "Agent", "*************", 1)
        wu(p, tid, "Agent", "** START **  Agent: Finding updates [CallerId = CcmExec]")
        wu(p, tid, "Agent", "*********")
        wu(p, tid, "Agent", "  * Online = Yes; Ignore download priority = No")
        wu(p, tid, "Agent", "  * Criteria = \"(DeploymentAction=* AND Type='Software') OR "
           "(DeploymentAction=* AND Type='Driver')\"")
        wu(p, tid, "Agent", "  * ServiceID = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed")
        wu(p, tid, "Agent", "  * Search Scope = {Machine}")
        wu(p, tid, "Setup", "Checking for agent SelfUpdate", 16)
        wu(p, tid, "Setup", "Client version: Core: 7.6.7601.24436  Aux: 7.6.7601.24436")
        wu(p, tid, "Misc", "Validating signature for C:\\Windows\\SoftwareDistribution\\SelfUpdate\\wuident.cab:", 31)
        wu(p, tid, "Misc", " Microsoft signed: NA", 47)
        wu(p, tid, "Setup", "Wuident for WSUS SelfUpdate is valid", 16)
        wu(p, tid, "Setup", "SelfUpdate check completed.  SelfUpdate is NOT required.", 234)
        wu(p, tid, "PT", "+++++++++++  PT: Synchronizing server updates  +++++++++++", 593)
        wu(p, tid, "PT", "  + ServiceId = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, Server URL = "
           "http://CM01.contoso.com:8530/ClientWebService/client.asmx")
        wu(p, tid, "PT", "WARNING: Exceeded max server round trips: 0x80244010",
           rng.randint(250_000, 290_000))
        wu(p, tid, "PT", "WARNING: Sync of Updates: 0x80244010")
        wu(p, tid, "PT", "WARNING: SyncServerUpdatesInternal failed: 0x80244010")
        wu(p, tid, "Agent", "  * WARNING: Failed to synchronize, error = 0x80244010", 15)
        wu(p, tid, "Agent", "  * WARNING: Exit code = 0x80244010")
        wu(p, tid, "Agent", "*********")
        wu(p, tid, "Agent", "**  END  **  Agent: Finding updates [CallerId = CcmExec]")
        wu(p, tid, "Agent", "*************")
        wu(p, tid, "Agent", "WARNING: WU client failed Searching for update with error 0x80244010")
        wu(p, 0x6c4, "COMAPI", ">>--  RESUMED  -- COMAPI: Search [ClientId = CcmExec]", 16)
        wu(p, 0x6c4, "COMAPI", "  - Updates found = 0")
        wu(p, 0x6c4, "COMAPI", "  - WARNING: Exit code = 0x00000000, Result code = 0x80244010")
        wu(p, 0x6c4, "COMAPI", "---------")
        wu(p, 0x6c4, "COMAPI", "--  END  --  COMAPI: Search [ClientId = CcmExec]")
        wu(p, 0x6c4, "COMAPI", "-------------")
        wu(p, 0x6c4, "COMAPI", "WARNING: Operation failed due to earlier error, hr=80244010")
        wu(p, 0x6c4, "COMAPI", "FATAL: Unable to complete asynchronous search. (hr=80244010)")
    write("client-win7-legacy/WindowsUpdate.log", lines, enc="utf-16le-bom")


# =============================================================================================
# 14. pasted/ticket.txt (UTF-8 without BOM, LF: text pasted into a web form)

def pasted():
    lines = [
        "Subject: SUP sync and ADR broken since enabling HTTPS on the SUP (PS1)",
        "",
        "Hi team — since we switched the SUP on CM01 to SSL, sync fails and the ADR",
        "'Monthly Windows 11 Patches' downloads nothing. Excerpt from wsyncmgr.log (copied from CMTrace):",
        "",
        "Starting Sync\tSMS_WSUS_SYNC_MANAGER\t11/20/2026 7:00:00 AM\t5976 (0x1758)",
        "Full sync required due to changes in main WSUS server location.     SMS_WSUS_SYNC_MANAGER",
        "Sync failed: WSUS server not configured. Please refer to WCM.log for configuration error details.     SMS_WSUS_SYNC_MANAGER",
        "Sync failed. Will retry in 60 minutes     SMS_WSUS_SYNC_MANAGER",
        "",
        "ruleengine.log from the same morning:",
        "",
        "11-20-2026 07:01:02.123 Failed to download the update from internet. Error = 12007",
        "11-20-2026 07:01:04.371 Failed to download the update from internet. Error = 12007",
        "11-20-2026 07:01:06.630 Failed to download the update from internet. Error = 12007",
        "Failed to download any update",
        "",
        "Proxy is set on the site system but 'Use a proxy server when downloading content by using",
        "automatic deployment rules' is not ticked. Any idea? Thanks, Jörg",
    ]
    write("pasted/ticket.txt", lines, enc="utf-8", eol="\n")


# =============================================================================================
# 15. site-rollover: a sync starts at the end of wsyncmgr.lo_ and finishes in wsyncmgr.log

def site_rollover():
    d = "site-rollover"
    server = "CM04.contoso.com"
    src = "{3B9E0D4F-6A2C-4B71-8E5D-0F1A2C3B4D5E}"
    w = Sms(WSYNC, 0, 3372, 1501, server, "PS4", pid=2148)  # GMT in November: bias +000
    w.at(dt.datetime(2026, 11, 23, 1, 59, 40, 18000))
    w("Timed Out...", 0)
    next_sync(w, dt.datetime(2026, 11, 23, 2, 0, 0), 16)
    good_sync(w, dt.datetime(2026, 11, 23, 2, 0, 0, 211000), "regular", "PS4", server, [server],
              src, 51, 298, 96, UPDATE_TITLES, dt.timedelta(minutes=4, seconds=12, milliseconds=500),
              "11/22/2026 02:03:58", wsus_span_s=70, expired=5)
    next_sync(w, dt.datetime(2026, 11, 24, 2, 0, 0), 16)
    w("Wakeup by SCF change", 3_600_000 * 7 + 41_223)
    next_sync(w, dt.datetime(2026, 11, 24, 2, 0, 0), 16)
    cut = None
    start = len(w.lines)
    good_sync(w, dt.datetime(2026, 11, 24, 2, 0, 0, 97000), "regular", "PS4", server, [server],
              src, 52, 298, 41, UPDATE_TITLES[2:8], dt.timedelta(minutes=3, seconds=5,
                                                               milliseconds=800),
              "11/23/2026 02:04:12", wsus_span_s=40)
    # Cut right after the first WSUS progress line of the second cycle.
    for i in range(start, len(w.lines)):
        if "WSUS synchronizing updates, processed" in w.lines[i]:
            cut = i + 1
            break
    next_sync(w, dt.datetime(2026, 11, 25, 2, 0, 0), 16)
    write(f"{d}/wsyncmgr.lo_", w.lines[:cut])
    write(f"{d}/wsyncmgr.log", w.lines[cut:])


def main():
    for f in FOLDERS:
        shutil.rmtree(ROOT / f, ignore_errors=True)
    site_healthy()
    site_adr_12007()
    site_wsus_not_configured()
    site_ssl_transport_closed()
    cas_no_internet()
    site_permission()
    wsus_pool_503()
    wsus_tls()
    supsetup()
    client_healthy()
    client_gpo_conflict()
    client_win7_legacy()
    pasted()
    site_rollover()
    # Issue 18 samples (diagnosis on real-looking logs): their own module, same writers.
    import diag_samples
    for f in diag_samples.FOLDERS:
        shutil.rmtree(ROOT / f, ignore_errors=True)
    diag_samples.main()


if __name__ == "__main__":
    main()
