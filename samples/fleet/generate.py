#!/usr/bin/env python3
"""Writes the fleet sample: hosts/CM01/wsyncmgr.log and hosts/CM02/wsyncmgr.log.

Two primary sites collected into one folder per host, as a fleet job does:
- CM01.contoso.com, site PS1 (SUP on the site server), bias -060 (CET): a daily scheduled sync
  at 02:00 UTC from Tue 17 to Fri 20 November 2026, all successful (3–5 minutes).
- CM02.contoso.com, site PS2, bias -060: the SUP was switched to SSL but nothing listens on
  8531, so every sync since Wed 18 fails with `WSUS server not configured` and retries every
  60 minutes; it never succeeded within the logs.
SMS trace format, UTF-8 with BOM, CRLF. Times below are UTC; the files carry local time
(UTC = local + bias). Run from this folder; the output is committed, this script documents it.
"""
import os
from datetime import datetime, timedelta

BIAS = -60
WS = "SMS_WSUS_SYNC_MANAGER"
GUID = "{6A8B2C1D-3E4F-4A5B-9C6D-7E8F9A0B1C2D}"


def utc(s):
    return datetime.strptime(s, "%Y-%m-%d %H:%M:%S.%f")


class Log:
    def __init__(self, server, site, thread):
        self.server, self.site, self.thread, self.lines = server, site, thread, []

    def __call__(self, msg, t):
        local = t - timedelta(minutes=BIAS)
        stamp = local.strftime("%m-%d-%Y %H:%M:%S.") + f"{local.microsecond // 1000:03d}"
        self.lines.append(f"{msg}  $$<{WS}><{stamp}{BIAS:+04d}><thread={self.thread} (0x{self.thread:X})>")

    def stat(self, id_, sev, t, istr0="", istr1="", le=None):
        g = t.strftime("%a %b %d %H:%M:%S.") + f"{t.microsecond // 1000:03d} " + t.strftime("%Y")
        s = (f'STATMSG: ID={id_} SEV={sev} LEV=M SOURCE="SMS Server" COMP="{WS}" SYS={self.server} '
             f'SITE={self.site} PID=2364 TID={self.thread} GMTDATE={g} ISTR0="{istr0}" ISTR1="{istr1}" '
             'ISTR2="" ISTR3="" ISTR4="" ISTR5="" ISTR6="" ISTR7="" ISTR8="" ISTR9="" NUMATTRS=0')
        if le:
            s += f" LE={le}"
        self(s, t)

    def head(self, t, trigger):
        self("Wakeup for scheduled regular sync" if trigger == "schedule" else "Wakeup for a polling cycle", t)
        t += timedelta(milliseconds=400)
        self("Starting Sync", t)
        self("Performing sync on " + ("regular schedule" if trigger == "schedule" else "retry schedule"), t)
        self(f"Read SUPs from SCF for {self.server}", t)
        self("Found 1 SUPs", t)
        self(f"Found active SUP {self.server} from SCF File.", t)
        self.stat(6701, "I", t)
        return t

    def success(self, start, secs, updates, version):
        t = self.head(start, "schedule")
        w = t + timedelta(seconds=1)
        self.stat(6704, "I", w, self.server)
        self(f"Synchronizing WSUS server {self.server} ...", w)
        self("sync: Starting WSUS synchronization", w)
        self(f"sync: WSUS synchronizing updates, processed {updates} out of {updates} items (100%)",
             w + timedelta(seconds=secs * 0.5))
        d = w + timedelta(seconds=secs * 0.5 + 2)
        self(f"Done synchronizing WSUS Server {self.server}", d)
        self(f"Set content version of update source {GUID} for site {self.site} to {version}", d)
        self.stat(6705, "I", d, self.server)
        self(f"Synchronizing SMS database with WSUS server {self.server} ...", d)
        e = t + timedelta(seconds=secs)
        self(f"sync: SMS synchronizing updates, processed {updates} out of {updates} items (100%)", e)
        self(f"Done synchronizing SMS with WSUS Server {self.server}", e)
        e += timedelta(milliseconds=400)
        self.stat(6702, "I", e)
        self(f"Sync succeeded. Setting sync alert to canceled state on site {self.site}", e)
        self(f"Updated {updates} items in SMS database, new update source content version is {version + 1}", e)
        d, r = divmod(secs, 86400)
        h, r = divmod(r, 3600)
        m, s = divmod(r, 60)
        self(f"Sync time: {d}d{h:02d}h{m:02d}m{s:02d}s", e)
        self("Waiting for changes for 60 minutes", e + timedelta(seconds=1))

    def not_configured(self, start, trigger):
        t = self.head(start, trigger)
        f = t + timedelta(milliseconds=15)
        msg = "WSUS server not configured. Please refer to WCM.log for configuration error details."
        self(f"Sync failed: {msg}. Source: CWSyncMgr::DoSync", f)
        self.stat(6703, "E", f, "CWSyncMgr::DoSync", msg)
        self("Sync failed. Will retry in 60 minutes", f)
        self("Waiting for changes for 60 minutes", f)


def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="\r\n") as f:
        f.write("\n".join(lines) + "\n")


cm01 = Log("CM01.contoso.com", "PS1", 4884)
cm01("SMS_EXECUTIVE started SMS_WSUS_SYNC_MANAGER as thread ID 4884 (0x1314).", utc("2026-11-16 21:05:11.200"))
cm01("Waiting for changes for 60 minutes", utc("2026-11-16 21:05:11.250"))
for day, secs, updates, version in [(17, 231, 140, 211), (18, 262, 175, 213), (19, 198, 120, 215), (20, 305, 210, 217)]:
    cm01.success(utc(f"2026-11-{day} 02:00:01.120"), secs, updates, version)
write("hosts/CM01/wsyncmgr.log", cm01.lines)

cm02 = Log("CM02.contoso.com", "PS2", 5976)
cm02("SMS_EXECUTIVE started SMS_WSUS_SYNC_MANAGER as thread ID 5976 (0x1758).", utc("2026-11-17 16:40:02.900"))
cm02("Waiting for changes for 60 minutes", utc("2026-11-17 16:40:03.010"))
for day in (18, 19, 20):
    cm02.not_configured(utc(f"2026-11-{day} 02:00:00.700"), "schedule")
    cm02.not_configured(utc(f"2026-11-{day} 03:00:01.850"), "retry")
write("hosts/CM02/wsyncmgr.log", cm02.lines)
