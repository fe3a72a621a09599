#!/usr/bin/env python3
"""Writes the site-history sample logs (wsyncmgr.lo_, wsyncmgr.log, ruleengine.log).

Site PS1, site server CM01.contoso.com (also its SUP), SMS trace format, UTF-8 with BOM,
CRLF, bias +060 (UTC = local + 60 minutes). Times below are UTC; the files carry local time.
Run from this folder; the output is committed, this script only documents how it was made.
"""
from datetime import datetime, timedelta

BIAS = 60
GUID = "{6A8B2C1D-3E4F-4A5B-9C6D-7E8F9A0B1C2D}"
WS = "SMS_WSUS_SYNC_MANAGER"
RE = "SMS_RULE_ENGINE"


def utc(s):
    return datetime.strptime(s, "%Y-%m-%d %H:%M:%S.%f")


def line(msg, t, comp=WS, thread=4884):
    local = t - timedelta(minutes=BIAS)
    stamp = local.strftime("%m-%d-%Y %H:%M:%S.") + f"{local.microsecond // 1000:03d}"
    return f"{msg}  $$<{comp}><{stamp}+{BIAS:03d}><thread={thread} (0x{thread:X})>"


def gmt(t):
    return t.strftime("%a %b %d %H:%M:%S.") + f"{t.microsecond // 1000:03d} " + t.strftime("%Y")


def statmsg(id_, sev, t, istr0="", istr1="", le=None, comp=WS):
    s = (f'STATMSG: ID={id_} SEV={sev} LEV=M SOURCE="SMS Server" COMP="{comp}" SYS=CM01.contoso.com '
         f'SITE=PS1 PID=2364 TID=4884 GMTDATE={gmt(t)} ISTR0="{istr0}" ISTR1="{istr1}" ISTR2="" '
         f'ISTR3="" ISTR4="" ISTR5="" ISTR6="" ISTR7="" ISTR8="" ISTR9="" NUMATTRS=0')
    if le:
        s += f" LE={le}"
    return s


def sync_time(secs):
    d, r = divmod(secs, 86400)
    h, r = divmod(r, 3600)
    m, s = divmod(r, 60)
    return f"Sync time: {d}d{h:02d}h{m:02d}m{s:02d}s"


def head(out, t, trigger):
    wake = {
        "schedule": ["Wakeup for scheduled regular sync"],
        "retry": ["Wakeup for a polling cycle"],
        "manual": ["Wakeup by inbox drop", "Found local sync request file"],
    }[trigger]
    perform = {"schedule": "regular schedule", "retry": "retry schedule", "manual": "local request"}[trigger]
    for w in wake:
        out.append(line(w, t))
    t += timedelta(milliseconds=400)
    out.append(line("Starting Sync", t))
    out.append(line(f"Performing sync on {perform}", t))
    out.append(line("Read SUPs from SCF for CM01.contoso.com", t))
    out.append(line("Found 1 SUPs", t))
    out.append(line("Found active SUP CM01.contoso.com from SCF File.", t))
    return t


def success(out, start, trigger, secs, updates, db_items, version, split=None):
    """A successful run; `split` returns the index where the rollover happens."""
    t = head(out, start, trigger)
    end = t + timedelta(seconds=secs)
    out.append(line(statmsg(6701, "I", t), t))
    w = t + timedelta(seconds=1)
    out.append(line(statmsg(6704, "I", w, "CM01.contoso.com"), w))
    out.append(line("Synchronizing WSUS server CM01.contoso.com ...", w))
    out.append(line("sync: Starting WSUS synchronization", w))
    out.append(line("sync: WSUS synchronizing categories", w + timedelta(seconds=3)))
    wsus_span = secs * 0.55
    steps = 4
    for i in range(1, steps + 1):
        tt = w + timedelta(seconds=5 + wsus_span * i / steps)
        done = updates * i // steps
        eta = "" if i == steps else f", ETA in {timedelta(seconds=int(wsus_span * (steps - i) / steps))}"
        out.append(line(f"sync: WSUS synchronizing updates, processed {done} out of {updates} items ({100 * done // updates}%){eta}", tt))
        if split is not None and i == 2:
            split.append(len(out))
    wd = w + timedelta(seconds=6 + wsus_span)
    out.append(line("Done synchronizing WSUS Server CM01.contoso.com", wd))
    out.append(line("Sleeping 2 more minutes for WSUS server sync results to become available", wd))
    sd = wd + timedelta(seconds=min(120, secs * 0.2))
    out.append(line(f"Set content version of update source {GUID} for site PS1 to {version}", sd))
    out.append(line(statmsg(6705, "I", sd, "CM01.contoso.com"), sd))
    out.append(line("Synchronizing SMS database with WSUS server CM01.contoso.com ...", sd))
    out.append(line("sync: Starting SMS database synchronization", sd))
    out.append(line(f"sync: SMS synchronizing categories, processed 7 out of 7 items (100%)", sd + timedelta(seconds=2)))
    db_end = end - timedelta(seconds=6)
    mid = sd + (db_end - sd) / 2
    out.append(line(f"sync: SMS synchronizing updates, processed {db_items // 2} out of {db_items} items ({100 * (db_items // 2) // db_items}%)", mid))
    out.append(line(f"sync: SMS synchronizing updates, processed {db_items} out of {db_items} items (100%)", db_end))
    out.append(line("Done synchronizing SMS with WSUS Server CM01.contoso.com", db_end))
    out.append(line(f"Set content version of update source {GUID} for site PS1 to {version + 1}", db_end))
    out.append(line("Deleted 0 expired updates", db_end + timedelta(seconds=2)))
    e = end + timedelta(milliseconds=400)
    out.append(line(statmsg(6702, "I", e), e))
    out.append(line("Sync succeeded. Setting sync alert to canceled state on site PS1", e))
    out.append(line(f"Updated {db_items} items in SMS database, new update source content version is {version + 1}", e))
    out.append(line(sync_time(secs), e))
    return e


def failed(out, start, trigger):
    t = head(out, start, trigger)
    out.append(line(statmsg(6701, "I", t), t))
    w = t + timedelta(seconds=1)
    out.append(line(statmsg(6704, "I", w, "CM01.contoso.com"), w))
    out.append(line("Synchronizing WSUS server CM01.contoso.com ...", w))
    f = t + timedelta(seconds=28, milliseconds=300)
    msg = "The request failed with HTTP status 503: Service Unavailable"
    src = "Microsoft.UpdateServices.Administration.AdminProxy.createUpdateServer"
    out.append(line(f"Sync failed: {msg}. Source: {src}", f))
    out.append(line(statmsg(6703, "E", f, src, msg, le="0X80131500"), f))
    out.append(line("Sync failed. Will retry in 60 minutes", f))
    return f


def interrupted(out, start):
    t = head(out, start, "schedule")
    out.append(line(statmsg(6701, "I", t), t))
    w = t + timedelta(seconds=1)
    out.append(line(statmsg(6704, "I", w, "CM01.contoso.com"), w))
    out.append(line("Synchronizing WSUS server CM01.contoso.com ...", w))
    out.append(line("sync: Starting WSUS synchronization", w))
    out.append(line("sync: WSUS synchronizing categories", w + timedelta(seconds=4)))
    out.append(line("sync: WSUS synchronizing updates, processed 60 out of 240 items (25%), ETA in 0:08:10", w + timedelta(seconds=150)))
    out.append(line("sync: WSUS synchronizing updates, processed 120 out of 240 items (50%), ETA in 0:05:00", w + timedelta(seconds=300)))
    r = w + timedelta(minutes=7, seconds=12)
    out.append(line("SMS_EXECUTIVE started SMS_WSUS_SYNC_MANAGER as thread ID 5012 (0x1394).", r, thread=5012))
    out.append(line("This sync manager is running on the site server.", r, thread=5012))
    out.append(line("Waiting for changes for 60 minutes", r, thread=5012))


def wsyncmgr():
    out = []
    split = []
    # Before the first run: the component was started on Sunday.
    t = utc("2026-11-15 22:10:05.220")
    out.append(line("SMS_EXECUTIVE started SMS_WSUS_SYNC_MANAGER as thread ID 4884 (0x1314).", t))
    out.append(line("This sync manager is running on the site server.", t))
    out.append(line("Waiting for changes for 60 minutes", t))
    success(out, utc("2026-11-16 02:00:01.105"), "schedule", 233, 130, 130, 101)       # R1
    success(out, utc("2026-11-17 02:00:00.950"), "schedule", 4325, 2410, 1896, 103,    # R2, slow
            split=split)
    failed(out, utc("2026-11-18 02:00:01.330"), "schedule")                            # R3
    failed(out, utc("2026-11-18 03:00:31.610"), "retry")                               # R4
    success(out, utc("2026-11-18 04:01:00.870"), "retry", 312, 190, 160, 105)          # R5
    interrupted(out, utc("2026-11-19 02:00:00.540"))                                   # R6
    success(out, utc("2026-11-19 09:15:22.010"), "manual", 250, 150, 144, 107)         # R7
    success(out, utc("2026-11-20 02:00:01.240"), "schedule", 200, 120, 118, 109)       # R8
    t = utc("2026-11-20 02:04:00.000")
    out.append(line("Waiting for changes for 60 minutes", t))
    return out[: split[0]], out[split[0]:]


def ruleengine():
    out = []

    def rl(msg, t):
        out.append(line(msg, t, RE, 6320))

    def adr(start, rid, name, found, pkg, present, downloads, fail=None):
        t = start
        rl(f"Found notification file C:\\Program Files\\Microsoft Configuration Manager\\inboxes\\RuleEngine.box\\{rid}.RUL", t)
        rl(f"CRuleHandler: Processing Rule with ID:{rid}, Name:{name}.", t + timedelta(seconds=1))
        rl(f"Rule resulted in a total of {found} updates", t + timedelta(seconds=4))
        rl("Enforcing Content Download Action", t + timedelta(seconds=5))
        rl(f'{present + downloads} update(s) need to be downloaded in package "{pkg}" (\\\\CM01.contoso.com\\Source$\\Updates\\{pkg})', t + timedelta(seconds=6))
        for i in range(present):
            rl(f"Contents {16785000 + i} is already present in the package. Skipping download.", t + timedelta(seconds=7))
        tt = t + timedelta(seconds=8)
        ok = downloads - (1 if fail else 0)
        for i in range(downloads):
            tt += timedelta(seconds=20)
            cid = 16786000 + i
            rl(f"Downloading content {cid} from the internet", tt)
            if fail and i == downloads - 1:
                rl(f"Failed to download the update content with ID {cid} from internet. Error = 12007", tt + timedelta(seconds=21))
            else:
                rl(f"Successfully downloaded content {cid}", tt + timedelta(seconds=15))
        tt += timedelta(seconds=40)
        if fail:
            rl("Failed to download update contents.", tt)
            rl("Failed to run the DownloadAction for the AutoDeployment.", tt)
            rl(statmsg(8706, "E", tt, comp=RE), tt)
            return
        rl(f"{found} of {found} updates are downloaded and will be added to the Deployment.", tt)
        rl(f"Created update group {name} {start:%Y-%m-%d}", tt + timedelta(seconds=3))
        rl(f"CRuleHandler: Rule {rid} Successfully Applied!", tt + timedelta(seconds=9))

    adr(utc("2026-11-16 02:10:00.300"), 7, "Windows Server Monthly", 12, "Server Updates 2026", 8, 4)
    adr(utc("2026-11-18 04:12:00.700"), 9, "Microsoft 365 Apps Monthly", 5, "M365 Apps Updates", 2, 3, fail=True)
    adr(utc("2026-11-20 02:10:00.450"), 7, "Windows Server Monthly", 14, "Server Updates 2026", 12, 2)
    return out


def write(name, lines):
    with open(name, "w", encoding="utf-8-sig", newline="\r\n") as f:
        f.write("\n".join(lines) + "\n")


old, new = wsyncmgr()
write("wsyncmgr.lo_", old)
write("wsyncmgr.log", new)
write("ruleengine.log", ruleengine())
