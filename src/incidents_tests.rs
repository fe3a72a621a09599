use chrono::TimeZone;

use super::*;
use crate::rules::finding::Evidence;

fn t(h: u32, m: u32) -> Option<DateTime<Utc>> {
    Utc.with_ymd_and_hms(2026, 11, 18, h, m, 0).single()
}

fn finding(id: &str, sev: Severity, span: (u32, u32), file: &str, codes: &[&str]) -> Finding {
    Finding {
        rule_id: id.into(),
        severity: sev,
        title: format!("title of {id}"),
        count: 1,
        first_seen: t(span.0, 0),
        last_seen: t(span.1, 0),
        evidence: vec![Evidence::new(file, 1, "line")],
        codes: codes.iter().map(|c| c.to_string()).collect(),
        cause: format!("cause of {id}"),
        fix: format!("Fix {id} now. Then watch."),
        docs: Vec::new(),
        settings: Vec::new(),
        host: None,
    }
}

fn sym(rule: &str, codes: &[&str]) -> Symptom {
    Symptom {
        rule: rule.into(),
        codes: codes.iter().map(|c| c.to_string()).collect(),
    }
}

/// The knowledge of the built-in rules for the WsusPool case, written out.
fn pool_symptoms(id: &str) -> Vec<Symptom> {
    match id {
        "wsyncmgr_http_503_wsuspool" => vec![
            sym("iis_wsus_503", &[]),
            sym("wcm_webexception_http_status", &["503"]),
            sym("wcm_config_state_failed", &[]),
            sym("wsyncmgr_statmsg_6703", &[]),
            sym("wsyncmgr_sync_failed_will_retry", &[]),
            sym("wsyncmgr_sync_on_retry_schedule", &[]),
            sym("sync_never_succeeded", &[]),
        ],
        "a" => vec![sym("b", &[])],
        "b" => vec![sym("c", &[])],
        _ => Vec::new(),
    }
}

fn kind_of(file: &str) -> Option<LogKind> {
    LogKind::from_file_name(file.rsplit('/').next().unwrap_or(file))
}

fn run(findings: &mut [Finding]) -> Vec<Incident> {
    group(
        findings,
        &Knowledge {
            symptoms: &pool_symptoms,
            kind_of_file: &kind_of,
            runs: &|_, _| RunTie::Unknown,
        },
    )
}

#[test]
fn a_stopped_pool_is_one_incident_with_its_symptoms() {
    let e = Severity::Error;
    let mut fs = vec![
        finding(
            "iis_wsus_503",
            e,
            (13, 15),
            "W3SVC2/u_ex261118.log",
            &["503"],
        ),
        finding(
            "wsyncmgr_http_503_wsuspool",
            e,
            (14, 15),
            "wsyncmgr.log",
            &["503", "0x800701F7"],
        ),
        finding(
            "wcm_webexception_http_status",
            e,
            (14, 15),
            "WCM.log",
            &["503"],
        ),
        finding("wcm_config_state_failed", e, (14, 15), "WCM.log", &[]),
        finding(
            "wsyncmgr_statmsg_6703",
            e,
            (14, 15),
            "wsyncmgr.log",
            &["0x80131509"],
        ),
        finding(
            "wsyncmgr_sync_failed_will_retry",
            Severity::Warning,
            (14, 15),
            "wsyncmgr.log",
            &[],
        ),
        finding(
            "wsyncmgr_sync_on_retry_schedule",
            Severity::Info,
            (15, 15),
            "wsyncmgr.log",
            &[],
        ),
        finding("sync_never_succeeded", e, (14, 15), "wsyncmgr.log", &[]),
        finding(
            "wcm_config_success",
            Severity::Success,
            (13, 13),
            "WCM.log",
            &[],
        ),
    ];
    let inc = run(&mut fs);
    assert_eq!(inc.len(), 1, "{inc:#?}");
    let i = &inc[0];
    assert_eq!(i.id, "incident-1");
    assert_eq!(i.root_cause, "wsyncmgr_http_503_wsuspool");
    assert_eq!(i.findings.len(), 8, "{:?}", i.findings);
    assert_eq!(i.findings[0], "wsyncmgr_http_503_wsuspool");
    assert!(!i.findings.iter().any(|f| f == "wcm_config_success"));
    assert_eq!((i.first_seen, i.last_seen), (t(13, 0), t(15, 0)));
    assert!(i.ties.iter().any(|x| x == "code 503"), "{:?}", i.ties);
    assert_eq!(i.next_step, "Fix wsyncmgr_http_503_wsuspool now.");
    assert_eq!(i.severity, Severity::Error);
}

#[test]
fn a_symptom_needs_the_declared_code_and_the_time_window() {
    let e = Severity::Error;
    let mut fs = vec![
        finding(
            "wsyncmgr_http_503_wsuspool",
            e,
            (14, 15),
            "wsyncmgr.log",
            &["503"],
        ),
        // A 401 is another problem (the connection account), even at the same time.
        finding(
            "wcm_webexception_http_status",
            e,
            (14, 15),
            "WCM.log",
            &["401"],
        ),
        // A 503 on IIS six hours later is not tied to this one.
        finding(
            "iis_wsus_503",
            e,
            (21, 22),
            "W3SVC2/u_ex261118.log",
            &["503"],
        ),
    ];
    let inc = run(&mut fs);
    assert_eq!(inc.len(), 3, "{inc:#?}");
    assert!(inc.iter().all(|i| i.findings.len() == 1));
}

#[test]
fn causes_chain_and_untimed_findings_tie_by_file() {
    let e = Severity::Error;
    let mut a = finding("a", e, (1, 1), "ticket.txt", &[]);
    let mut b = finding("b", Severity::Warning, (1, 1), "ticket.txt", &[]);
    let mut c = finding("c", Severity::Info, (1, 1), "ticket.txt", &[]);
    for f in [&mut a, &mut b, &mut c] {
        f.first_seen = None;
        f.last_seen = None;
    }
    let mut other = finding("c", Severity::Info, (1, 1), "other.txt", &[]);
    other.host = Some("h2".into());
    let mut fs = vec![c, b, a, other];
    let inc = run(&mut fs);
    assert_eq!(inc.len(), 1, "{inc:#?}");
    assert_eq!(inc[0].findings, vec!["a", "b", "c"]);
    assert!(
        inc[0].ties.iter().any(|x| x.starts_with("same file")),
        "{:?}",
        inc[0].ties
    );
}

#[test]
fn unclassified_lines_inside_an_incident_join_it_and_stop_warning() {
    let e = Severity::Error;
    let mut fs = vec![
        finding(
            "wsyncmgr_http_503_wsuspool",
            e,
            (14, 15),
            "wsyncmgr.log",
            &["503"],
        ),
        finding("wcm_config_state_failed", e, (14, 15), "WCM.log", &[]),
        finding(
            "unclassified_error_wcm",
            Severity::Warning,
            (14, 14),
            "WCM.log",
            &[],
        ),
        // Outside the incident's time: stays a warning of its own.
        finding(
            "unclassified_error_wsyncmgr",
            Severity::Warning,
            (20, 20),
            "wsyncmgr.log",
            &[],
        ),
    ];
    let inc = run(&mut fs);
    assert_eq!(inc.len(), 1, "{inc:#?}");
    assert!(inc[0]
        .findings
        .contains(&"unclassified_error_wcm".to_string()));
    let sev = |id: &str| fs.iter().find(|f| f.rule_id == id).map(|f| f.severity);
    assert_eq!(sev("unclassified_error_wcm"), Some(Severity::Info));
    assert_eq!(sev("unclassified_error_wsyncmgr"), Some(Severity::Warning));
    let joined = fs.iter().find(|f| f.rule_id == "unclassified_error_wcm");
    assert!(joined.is_some_and(|f| f.cause.contains("incident-1")));
}

#[test]
fn findings_of_other_hosts_stay_apart_and_info_alone_is_no_incident() {
    let e = Severity::Error;
    let mut a = finding(
        "wsyncmgr_http_503_wsuspool",
        e,
        (14, 15),
        "a/wsyncmgr.log",
        &["503"],
    );
    a.host = Some("a".into());
    let mut b = finding("iis_wsus_503", e, (14, 15), "b/u_ex261118.log", &["503"]);
    b.host = Some("b".into());
    let info = finding(
        "wsyncmgr_sync_on_retry_schedule",
        Severity::Info,
        (3, 3),
        "x.log",
        &[],
    );
    let mut fs = vec![a, b, info];
    let inc = run(&mut fs);
    assert_eq!(inc.len(), 2, "{inc:#?}");
    assert!(inc
        .iter()
        .all(|i| i.findings.len() == 1 && i.host.is_some()));
}

#[test]
fn first_sentences() {
    assert_eq!(first_sentence("Start WsusPool. Then x."), "Start WsusPool.");
    assert_eq!(
        first_sentence("Install WSUS 4.0 (e.g. on the SUP) first. Then x."),
        "Install WSUS 4.0 (e.g. on the SUP) first."
    );
    assert_eq!(first_sentence("one line\n\nnext"), "one line");
    assert_eq!(first_sentence("no stop"), "no stop");
    assert_eq!(
        without_asides("Start WsusPool (on the SUP), raise its limit (4 to 8 GB) and run cleanup."),
        "Start WsusPool, raise its limit and run cleanup."
    );
    assert_eq!(without_asides("Unbalanced (aside."), "Unbalanced (aside.");
    assert_eq!(
        without_asides("Check the proxy of the server (Administration > Proxy): name and port."),
        "Check the proxy of the server: name and port."
    );
}

#[test]
fn built_in_root_cause_lists_name_known_findings() {
    let set = match crate::rules::load_rule_set(&[], &[]) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let generated = [
        "sync_never_succeeded",
        "sync_stale",
        "sync_duration_outlier",
    ];
    for r in &set.rules {
        for s in &r.symptoms {
            assert!(
                set.get(&s.rule).is_some() || generated.contains(&s.rule.as_str()),
                "{}: root_cause_of names {:?}, which is no rule",
                r.id,
                s.rule
            );
        }
    }
}

#[test]
fn root_cause_of_is_read_and_checked() {
    use crate::rules::schema::parse_rule;
    let base = |extra: &str| {
        format!(
            "id = \"r\"\nseverity = \"error\"\ntitle = \"t\"\ncause = \"c\"\nfix = \"f\"\n{extra}\n\
             [match]\nliterals = [\"boom\"]\nregex = '(?i)boom'\n\
             [[example]]\nline = \"boom\"\nmatches = true\n[[example]]\nline = \"x\"\nmatches = false\n"
        )
    };
    let ok = parse_rule(
        "r.toml",
        Some("r"),
        &base("root_cause_of = [\"s1\", { rule = \"s2\", codes = [\"503\"] }]"),
    );
    let rule = match ok {
        Ok(r) => r,
        Err(e) => panic!("{e:?}"),
    };
    assert_eq!(rule.symptoms, vec![sym("s1", &[]), sym("s2", &["503"])]);
    for bad in [
        "root_cause_of = [\"r\"]",
        "root_cause_of = [\"Not-An-Id\"]",
        "root_cause_of = [{ rule = \"s\", codes = [\"\"] }]",
        "root_cause_of = [{ rule = \"s\", code = \"503\" }]",
    ] {
        assert!(
            parse_rule("r.toml", Some("r"), &base(bad)).is_err(),
            "{bad}"
        );
    }
}

/// Two causes of the same symptoms in a run each: a cause ("x", run 1) and another ("y", run 3)
/// whose runs both end in a retry; the retry finding is merged over all runs.
fn two_cause_symptoms(id: &str) -> Vec<Symptom> {
    match id {
        "x" | "y" => vec![sym("retry", &[])],
        _ => Vec::new(),
    }
}

fn runs_of(a: &Finding, b: &Finding) -> RunTie {
    // run 1 holds x and retry, run 3 holds y and retry; "z" is in run 2 alone.
    let runs: [&[&str]; 3] = [&["x", "retry"], &["z"], &["y", "retry"]];
    let holds = |r: &[&str], f: &Finding| r.contains(&f.rule_id.as_str());
    if let Some(n) = runs.iter().position(|r| holds(r, a) && holds(r, b)) {
        return RunTie::Same(format!("same sync run {}", n + 1));
    }
    if runs.iter().any(|r| holds(r, a)) && runs.iter().any(|r| holds(r, b)) {
        RunTie::Apart
    } else {
        RunTie::Unknown
    }
}

#[test]
fn a_shared_run_ties_a_symptom_to_each_cause_and_says_so() {
    let e = Severity::Error;
    let mut f = vec![
        finding("x", e, (2, 2), "wsyncmgr.log", &["407"]),
        finding("retry", Severity::Warning, (2, 4), "wsyncmgr.log", &[]),
        finding("y", e, (4, 4), "wsyncmgr.log", &[]),
    ];
    let inc = group(
        &mut f,
        &Knowledge {
            symptoms: &two_cause_symptoms,
            kind_of_file: &kind_of,
            runs: &runs_of,
        },
    );
    let ids: Vec<(&str, Vec<&str>)> = inc
        .iter()
        .map(|i| {
            (
                i.root_cause.as_str(),
                i.findings.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        vec![("x", vec!["x", "retry"]), ("y", vec!["y", "retry"])]
    );
    assert_eq!(
        inc[0].joined[0].evidence,
        vec!["same sync run 1".to_string()]
    );
    assert_eq!(inc[1].joined[0].explained_by, "y");
    // The second incident's time is its own cause's, not the merged retry's (02:00 – 04:00).
    assert_eq!((inc[1].first_seen, inc[1].last_seen), (t(4, 0), t(4, 0)));
    assert_eq!(
        inc[1].joined[0].evidence,
        vec!["same sync run 3".to_string()]
    );
    assert_eq!(
        inc[1].symptoms(),
        vec![("retry", "same sync run 3".to_string())]
    );
}

#[test]
fn runs_that_hold_cause_and_symptom_apart_do_not_tie_them_by_time() {
    let e = Severity::Error;
    // "z" (run 2) explains nothing of run 1 or 3 even within the time window.
    let syms = |id: &str| match id {
        "z" => vec![sym("retry", &[])],
        _ => Vec::new(),
    };
    let mut f = vec![
        finding("z", e, (3, 3), "wsyncmgr.log", &[]),
        finding("retry", Severity::Warning, (2, 4), "wsyncmgr.log", &[]),
    ];
    let inc = group(
        &mut f,
        &Knowledge {
            symptoms: &syms,
            kind_of_file: &kind_of,
            runs: &runs_of,
        },
    );
    assert!(inc.iter().all(|i| i.findings.len() == 1), "{inc:?}");
    // Without runs, the time window ties them, and says so with both spans.
    let inc = run_with(&mut f, &syms);
    assert_eq!(inc[0].findings, vec!["z".to_string(), "retry".to_string()]);
    assert!(
        inc[0].joined[0].evidence[0].starts_with("time window: seen 2026-11-18 02:00:00Z"),
        "{:?}",
        inc[0].joined
    );
}

fn run_with(findings: &mut [Finding], syms: &dyn Fn(&str) -> Vec<Symptom>) -> Vec<Incident> {
    group(
        findings,
        &Knowledge {
            symptoms: syms,
            kind_of_file: &kind_of,
            runs: &|_, _| RunTie::Unknown,
        },
    )
}
