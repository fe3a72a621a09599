//! Diagnosis that holds on real-looking logs (issue 18), checked on the samples that show each
//! point: where a failure is recognised, how logs are detected, numeric captures with
//! boundaries, observed codes, incidents in every output, values from the evidence in the texts.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn sample(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(rel)
}

fn run(args: &[&str], path: &Path) -> (String, i32) {
    let out = Command::cargo_bin("supdiag")
        .expect("binary")
        .args(args)
        .arg(path)
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn json(rel: &str) -> Value {
    let (out, _) = run(
        &["analyze", "--format", "json", "--fail-on", "never"],
        &sample(rel),
    );
    serde_json::from_str(&out).expect("json")
}

fn finding<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["rule_id"] == id))
        .unwrap_or_else(|| panic!("no finding {id}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Evidence files of a finding, by file name.
fn evidence_files(f: &Value) -> Vec<String> {
    f["evidence"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["file"].as_str())
        .map(|p| p.rsplit(['/', '\\']).next().unwrap_or(p).to_string())
        .collect()
}

#[test]
fn a_scan_failure_is_recognised_in_every_client_log_that_shows_it() {
    // The round-trip limit from each of WUAHandler, ScanAgent and the ETW-decoded (ISO dates)
    // WindowsUpdate.log on its own.
    for log in ["WUAHandler.log", "ScanAgent.log", "WindowsUpdate.log"] {
        let r = json(&format!("client-scan-trips/{log}"));
        let trips = finding(&r, "client_scan_max_server_trips");
        assert_eq!(evidence_files(trips)[0], log);
        assert_eq!(strings(&trips["codes"]), ["0x80244010"]);
        assert_eq!(finding(&r, "client_scan_failed")["severity"], "error");
        assert_eq!(
            r["incidents"][0]["root_cause"],
            "client_scan_max_server_trips"
        );
    }
    // WindowsUpdate.log alone (ETW with / dates) is enough for a scan failure.
    let r = json("client-windowsupdate-only");
    let failed = finding(&r, "client_scan_failed");
    assert_eq!(evidence_files(failed)[0], "WindowsUpdate.log");
    assert!(failed["cause"]
        .as_str()
        .is_some_and(|c| c.contains("http://CM01.contoso.com:8530/ClientWebService/client.asmx")));
    // And the legacy Windows 7 log.
    let r = json("client-win7-legacy");
    assert_eq!(
        finding(&r, "client_scan_failed")["codes"],
        serde_json::json!(["0x80244010"])
    );
}

#[test]
fn iso_dated_etw_logs_and_headerless_iis_lines_are_read_in_their_format() {
    let r = json("client-scan-trips");
    let wu = r["inputs"]
        .as_array()
        .and_then(|a| {
            a.iter().find(|i| {
                i["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("WindowsUpdate.log"))
            })
        })
        .expect("WindowsUpdate.log input");
    assert_eq!(wu["kind"], "windowsupdate");
    assert_eq!(wu["format"], "windowsupdate-etw");
    assert_eq!(wu["unparsed_lines"], 0);
    // Four pasted IIS lines, two of them without date and time, all read as requests.
    let r = json("pasted/iis-and-client.txt");
    assert_eq!(finding(&r, "iis_wsus_503")["count"], 4);
    assert_eq!(
        finding(&r, "iis_wsus_503")["codes"],
        serde_json::json!(["503"])
    );
    // The pasted ETW lines are WindowsUpdate.log lines, so the client rule applies.
    assert_eq!(finding(&r, "client_scan_failed")["count"], 2);
}

#[test]
fn a_wininet_code_is_not_read_as_an_http_status() {
    let r = json("site-adr-certificates");
    let tls = finding(&r, "patchdownloader_tls_untrusted_ca");
    assert_eq!(strings(&tls["codes"]), ["12045", "0x80072F0D"]);
    let all = strings(&serde_json::json!(r["findings"]
        .as_array()
        .map(|a| a.iter().map(|f| f["rule_id"].clone()).collect::<Vec<_>>())));
    assert!(
        !all.iter().any(|id| id == "patchdownloader_http_error"),
        "{all:?}"
    );
}

#[test]
fn codes_are_what_the_lines_show() {
    let r = json("client-gpo-conflict");
    assert_eq!(
        strings(&finding(&r, "client_wsus_gpo_conflict")["codes"]),
        ["0x87D00692"]
    );
    // The sync manager's "WSUS server not configured" line carries no code: none is listed
    // (the catalogue's 6703 stays in `rules show` and `explain`).
    let r = json("site-wsus-not-configured");
    assert!(strings(&finding(&r, "wsyncmgr_wsus_not_configured")["codes"]).is_empty());
    let (shown, _) = run(
        &["rules", "show"],
        Path::new("wsyncmgr_wsus_not_configured"),
    );
    assert!(shown.contains("6703"), "{shown}");
}

#[test]
fn verdicts_lead_with_incidents_and_next_steps() {
    let path = sample("wsus-pool-503");
    let (term, code) = run(&["analyze"], &path);
    assert_eq!(code, 1);
    let inc = term.find("── Incidents (1)").expect("incidents heading");
    let next = term.find("── Next steps").expect("next steps heading");
    let errors = term.find("── Errors").expect("errors heading");
    assert!(inc < next && next < errors, "{term}");
    assert!(term.contains("incident-1"));
    assert!(
        term.contains("root cause: wsyncmgr_http_503_wsuspool"),
        "{term}"
    );
    let (md, _) = run(&["analyze", "--format", "markdown"], &path);
    let inc = md.find("## Incidents").expect("markdown incidents");
    let next = md.find("## Next steps").expect("markdown next steps");
    let table = md.find("| Severity |").expect("findings table");
    assert!(inc < next && next < table, "{md}");
    assert!(
        md.contains("1. Start the WsusPool application pool"),
        "{md}"
    );
    let r = json("wsus-pool-503");
    let i = &r["incidents"][0];
    for key in [
        "id",
        "title",
        "root_cause",
        "findings",
        "first_seen",
        "last_seen",
    ] {
        assert!(!i[key].is_null(), "incident without {key}: {i}");
    }
    // What ties the findings: time window, the 503 they share, the sync runs that hold them.
    let ties = strings(&i["ties"]);
    assert!(
        ties.iter().any(|t| t.starts_with("one time window")),
        "{ties:?}"
    );
    assert!(ties.iter().any(|t| t == "code 503"), "{ties:?}");
    assert!(
        ties.iter().any(|t| t.starts_with("same sync run")),
        "{ties:?}"
    );
}

#[test]
fn fixes_use_the_values_the_logs_show() {
    // The server the GPO points clients at.
    let r = json("client-gpo-conflict");
    let f = finding(&r, "client_wsus_gpo_conflict");
    let text = format!("{} {}", f["cause"], f["fix"]);
    assert!(text.contains("http://wsus-old.contoso.com:8530"), "{text}");
    assert!(text.contains("http://CM01.contoso.com:8530"), "{text}");
    // The server and port WCM connected to.
    let r = json("site-wsus-not-configured");
    let f = finding(&r, "wcm_connection_refused");
    let text = format!("{} {}", f["cause"], f["fix"]);
    assert!(text.contains("8531"), "{text}");
    assert!(text.to_lowercase().contains("cm01.contoso.com"), "{text}");
    // One wording per console place: the ADR proxy option is named the same way everywhere.
    let (shown, _) = run(&["rules", "show"], Path::new("adr_download_internet_12007"));
    let (other, _) = run(&["rules", "show"], Path::new("adr_proxy_not_enabled"));
    let place = "Software update point > Properties > Proxy and Account Settings";
    assert!(
        shown.contains(place) && other.contains(place),
        "{shown}\n{other}"
    );
}

#[test]
fn the_wsus_server_a_client_is_pointed_at_is_read_from_windowsupdate_log() {
    // WUAHandler.log (which names the GPO's server) is missing: WindowsUpdate.log's `WSUS
    // server:` names it, ScanAgent.log the SUP ConfigMgr assigned.
    let r = json("client-gpo-windowsupdate");
    let f = finding(&r, "client_wsus_gpo_conflict");
    let text = format!("{} {}", f["cause"], f["fix"]);
    assert!(
        text.contains("at http://wsus-old.contoso.com:8530 instead of"),
        "{text}"
    );
    assert!(text.contains("(http://CM01.contoso.com:8530)"), "{text}");
    assert!(!text.contains("the server named in the GPO"), "{text}");
    // The scan itself goes to the server the agent is pointed at.
    let f = finding(&r, "client_scan_failed");
    let text = format!("{} {}", f["cause"], f["fix"]);
    assert!(text.contains("wsus-old.contoso.com on port 8530"), "{text}");
}

#[test]
fn status_messages_name_the_site_and_its_server() {
    // No settings: SITE= and SYS= of the STATMSG lines name the site and the site server.
    let r = json("site-wsus-console-missing");
    for (id, field, want) in [
        ("wsyncmgr_statmsg_6703", "cause", "sync manager of PS7"),
        ("sync_never_succeeded", "cause", "PS7 has no"),
        (
            "wsyncmgr_wsus_not_configured",
            "fix",
            "WCM.log on cm07.contoso.com",
        ),
    ] {
        let text = finding(&r, id)[field].as_str().unwrap_or("").to_string();
        assert!(text.contains(want), "{id}: {text}");
    }
}

#[test]
fn the_health_report_leads_with_incidents_too() {
    let path = sample("wsus-pool-503");
    let (html, _) = run(&["report", "--format", "html"], &path);
    let inc = html.find("<h2>Incidents</h2>").expect("html incidents");
    let next = html.find("<h2>Next steps</h2>").expect("html next steps");
    let findings = html.find("<h2>Findings</h2>").expect("html findings");
    assert!(inc < next && next < findings);
    assert!(html.contains("<code>wsyncmgr_http_503_wsuspool</code>"));
    let (md, _) = run(&["report", "--format", "markdown"], &path);
    let inc = md.find("## Incidents").expect("markdown incidents");
    let next = md.find("## Next steps").expect("markdown next steps");
    assert!(inc < next, "{md}");
}
