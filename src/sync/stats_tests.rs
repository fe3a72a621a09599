use chrono::TimeZone;

use super::super::SyncRun;
use super::*;

fn t(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, h, m, 0)
        .single()
        .unwrap_or_default()
}

fn run(site: &str, start: DateTime<Utc>, secs: Option<i64>, result: RunResult) -> SyncRun {
    let mut r = SyncRun::for_test(site, start, secs, result);
    r.error = (result == RunResult::Failed).then(|| "boom".to_string());
    r
}

fn history() -> Vec<SyncRun> {
    use RunResult::*;
    vec![
        run("PS1", t(16, 2, 0), Some(233), Success),
        run("PS1", t(17, 2, 0), Some(4325), Success),
        run("PS1", t(18, 2, 0), Some(30), Failed),
        run("PS1", t(18, 3, 0), Some(20), Failed),
        run("PS1", t(18, 4, 0), Some(312), Success),
        run("PS1", t(19, 2, 0), None, Interrupted),
        run("PS1", t(19, 9, 0), Some(250), Success),
        run("PS1", t(20, 2, 0), Some(200), Success),
    ]
}

#[test]
fn median_odd_even_empty() {
    assert_eq!(median(&[5, 1, 3]), Some(3));
    assert_eq!(median(&[4, 1, 3, 2]), Some(2));
    assert_eq!(median(&[]), None);
}

#[test]
fn summary_figures() {
    let s = summarize(&history(), &[], t(21, 2, 3));
    assert_eq!((s.runs, s.success, s.failed, s.interrupted), (8, 5, 2, 1));
    assert_eq!(s.median_duration_seconds, Some(250));
    assert_eq!(s.slowest.as_ref().map(|x| x.duration_seconds), Some(4325));
    assert_eq!(s.longest_failure_streak, 2);
    assert_eq!(s.last_success, Some(t(20, 2, 0) + Duration::seconds(200)));
    assert_eq!(s.since_last_success_seconds, Some(86_400 - 20));
    assert_eq!(s.success_rate, Some(5.0 / 8.0));
}

#[test]
fn streak_ignores_interrupted_and_is_per_site() {
    use RunResult::*;
    let runs = vec![
        run("PS1", t(16, 1, 0), Some(1), Failed),
        run("PS2", t(16, 2, 0), Some(1), Failed),
        run("PS1", t(16, 3, 0), None, Interrupted),
        run("PS1", t(16, 4, 0), Some(1), Failed),
        run("PS2", t(16, 5, 0), Some(1), Success),
        run("PS1", t(16, 6, 0), Some(1), Success),
    ];
    assert_eq!(summarize(&runs, &[], t(17, 0, 0)).longest_failure_streak, 2);
}

#[test]
fn staleness_with_fixed_now() {
    let opts = FindingOptions::new(t(22, 2, 4), None, None).expect("opts");
    let f = super::super::figures::findings(&history(), &opts);
    let ids: Vec<_> = f.iter().map(|x| x.rule_id.as_str()).collect();
    assert_eq!(ids, vec!["sync_duration_outlier", "sync_stale"]);
    // One day later is within the 2-day default.
    let opts = FindingOptions::new(t(21, 2, 4), None, None).expect("opts");
    let ids: Vec<_> = super::super::figures::findings(&history(), &opts)
        .into_iter()
        .map(|x| x.rule_id)
        .collect();
    assert_eq!(ids, vec!["sync_duration_outlier".to_string()]);
    // A schedule of 6 h allows 12 h.
    let opts = FindingOptions::new(t(20, 15, 0), None, Some((6, "s.toml".into()))).expect("opts");
    assert_eq!(opts.max_age, Duration::hours(12));
    let f = super::super::figures::findings(&history(), &opts);
    let stale = f.iter().find(|x| x.rule_id == "sync_stale").expect("stale");
    assert_eq!(stale.settings[0].value, serde_json::Value::from(6));
}

#[test]
fn never_succeeded_and_outlier_needs_three_runs() {
    use RunResult::*;
    let runs = vec![
        run("PS1", t(16, 1, 0), Some(30), Failed),
        run("PS1", t(16, 2, 0), Some(5000), Failed),
    ];
    let opts = FindingOptions::new(t(16, 3, 0), Some("1d"), None).expect("opts");
    let f = super::super::figures::findings(&runs, &opts);
    let ids: Vec<_> = f.iter().map(|x| x.rule_id.as_str()).collect();
    assert_eq!(ids, vec!["sync_never_succeeded"]);
    assert_eq!(f[0].count, 2);
    assert!(super::super::figures::findings(&[], &opts).is_empty());
}

#[test]
fn ages() {
    assert_eq!(parse_age("2d"), Ok(Duration::days(2)));
    assert_eq!(parse_age("1d12h"), Ok(Duration::hours(36)));
    assert_eq!(parse_age(" 90M "), Ok(Duration::minutes(90)));
    assert!(parse_age("2").is_err());
    assert!(parse_age("xd").is_err());
    assert!(parse_age("0h").is_err());
    assert!(parse_age("99999999999999999d").is_err());
}
