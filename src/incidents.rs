//! Incidents: findings grouped by the cause they share. One stopped WsusPool shows up as a 503
//! in wsyncmgr.log, WCM.log and the IIS log, a retry, a 6703 status message and a sync that
//! never succeeds: one incident with one fix instead of six errors.
//!
//! What explains what is data: a rule lists the findings it is the root cause of
//! (`root_cause_of` in `rules/*.toml`, optionally only when the symptom shows given codes). Two
//! findings of the same host are tied by the strongest evidence there is: a sync run that holds
//! both; else, when the runs hold both but never together, nothing (they are different failures);
//! else an overlap in time (within [`WINDOW_HOURS`] hours) or, when one has no time (a paste), a
//! shared evidence file. A symptom taken by an earlier incident is listed again under a cause it
//! shares a run or a code with. Every incident says, per finding, what tied it ([`Joined`]). Every
//! finding without a cause among the findings starts an incident, and takes along what it
//! explains, transitively; an error or warning explained by nothing is an incident of its own. An
//! `unclassified_*` finding whose lines all fall inside an incident, in a log the incident
//! already has evidence from, joins it as evidence and no longer raises a warning itself.
//!
//! The model is renderer-neutral: the terminal, Markdown, JSON and HTML reports read the same
//! [`Incident`] list.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::event::{LogKind, Severity};
use crate::rules::finding::Finding;
use crate::rules::schema::Symptom;

/// How far apart a cause and its symptom may be: a failed sync retries after 60 minutes and WCM
/// runs hourly, so a symptom is logged up to an hour after the line that names its cause.
pub const WINDOW_HOURS: i64 = 2;
const WINDOW: Duration = Duration::hours(WINDOW_HOURS);

/// How far outside an incident an unclassified line may be and still belong to it.
const UNCLASSIFIED_SLACK: Duration = Duration::minutes(5);

/// One incident: a likely root cause, the findings it explains, and one fix.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Incident {
    /// `incident-1`, `incident-2`, … in report order.
    pub id: String,
    /// The root cause in plain language (the root finding's title).
    pub title: String,
    pub severity: Severity,
    /// Rule id of the root cause.
    pub root_cause: String,
    /// Rule ids of the findings of the incident, root cause first (with `host`, a finding's
    /// rule id identifies it in the report).
    pub findings: Vec<String>,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// What ties the findings together (host, time window, shared codes, shared file).
    pub ties: Vec<String>,
    /// Why each finding besides the root cause joined, in `findings` order.
    pub joined: Vec<Joined>,
    /// The root finding's cause and fix (with the values its evidence showed).
    pub cause: String,
    pub fix: String,
    /// The first sentence of the fix: one line of the "next steps" list.
    pub next_step: String,
}

/// Why a finding is part of an incident: the finding that explains it and the evidence that ties
/// the two.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Joined {
    pub finding: String,
    /// The root cause, or the symptom of it that explains this finding in turn.
    pub explained_by: String,
    /// "same sync run …", "code …", "time window …", "same file or folder …", "settings", or for
    /// an unclassified finding "lines inside the incident …".
    pub evidence: Vec<String>,
}

/// What sync runs say about two findings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunTie {
    /// A run holds both: its description.
    Same(String),
    /// Runs hold both findings, never the same one: two different failures.
    Apart,
    /// No run holds one of them (not a sync-run finding, or no runs).
    Unknown,
}

impl Incident {
    /// Each finding besides the root cause with what tied it, for the renderers: (rule id,
    /// "evidence; evidence", led by the finding that explains it when that is not the root).
    pub fn symptoms(&self) -> Vec<(&str, String)> {
        self.findings
            .iter()
            .skip(1)
            .map(|id| {
                let why = self.joined.iter().find(|j| &j.finding == id).map(|j| {
                    let via = if j.explained_by == self.root_cause {
                        String::new()
                    } else {
                        format!("via {}: ", j.explained_by)
                    };
                    format!("{via}{}", j.evidence.join("; "))
                });
                (id.as_str(), why.unwrap_or_default())
            })
            .collect()
    }
}

/// What the grouping needs to know besides the findings.
pub struct Knowledge<'a> {
    /// The `root_cause_of` list of a rule id (empty for generated ids).
    pub symptoms: &'a dyn Fn(&str) -> Vec<Symptom>,
    /// The log kind of an evidence file.
    pub kind_of_file: &'a dyn Fn(&str) -> Option<LogKind>,
    /// Whether a sync run holds both findings.
    pub runs: &'a dyn Fn(&Finding, &Finding) -> RunTie,
}

/// Group `findings` (of every host) into incidents. Unclassified findings that join an incident
/// are lowered to info and say so in their cause.
pub fn group(findings: &mut [Finding], know: &Knowledge<'_>) -> Vec<Incident> {
    // One pass to split by host: a fleet of thousands of hosts must not cost hosts × findings.
    let mut by_host: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        by_host.entry(f.host.as_deref()).or_default().push(i);
    }
    let mut incidents = Vec::new();
    for idx in by_host.values() {
        incidents.extend(group_host(findings, idx, know));
    }
    incidents.sort_by(|a, b| {
        (
            std::cmp::Reverse(a.severity),
            a.first_seen.is_none(),
            a.first_seen,
            &a.host,
            &a.root_cause,
        )
            .cmp(&(
                std::cmp::Reverse(b.severity),
                b.first_seen.is_none(),
                b.first_seen,
                &b.host,
                &b.root_cause,
            ))
    });
    for (n, inc) in incidents.iter_mut().enumerate() {
        inc.id = format!("incident-{}", n + 1);
    }
    // Unclassified findings that joined say which incident took them (a rule id and a host
    // name one finding; looked up, not searched, for fleets of thousands of hosts).
    let unclassified: BTreeMap<(&str, Option<&str>), usize> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| is_unclassified(&f.rule_id))
        .map(|(i, f)| ((f.rule_id.as_str(), f.host.as_deref()), i))
        .rev()
        .collect();
    let mut joined: Vec<(usize, usize)> = Vec::new();
    for (n, inc) in incidents.iter().enumerate() {
        for id in inc.findings.iter().filter(|id| is_unclassified(id)) {
            if let Some(&i) = unclassified.get(&(id.as_str(), inc.host.as_deref())) {
                joined.push((n, i));
            }
        }
    }
    for (n, i) in joined {
        let (inc, f) = (&incidents[n], &mut findings[i]);
        f.severity = Severity::Info;
        f.cause = format!(
            "These lines fall inside {} ({}), in a log it already has evidence from, so they are taken as its evidence. {}",
            inc.id, inc.title, f.cause
        );
    }
    incidents
}

/// [`group`] with the symptoms the rules of `set` declare and the kinds of the report's inputs;
/// the sync runs that hold findings of an incident are named among its ties.
pub fn group_with_rules(
    findings: &mut [Finding],
    set: &crate::rules::RuleSet,
    inputs: &[crate::scan::FileReport],
    runs: &[crate::sync::SyncRun],
) -> Vec<Incident> {
    let symptoms = |id: &str| set.get(id).map(|r| r.symptoms.clone()).unwrap_or_default();
    // The kinds of the files the findings cite only (an entry per input would be a map as big
    // as `inputs` for 100,000 files and a handful of findings).
    let cited: HashSet<&str> = findings
        .iter()
        .flat_map(|f| f.evidence.iter().map(|e| e.file.as_str()))
        .collect();
    let kinds: HashMap<&str, LogKind> = inputs
        .iter()
        .filter(|i| cited.contains(i.path.as_str()))
        .map(|i| (i.path.as_str(), i.kind))
        .rev()
        .collect();
    let kind_of_file = |file: &str| kinds.get(file).copied();
    // Runs by host, built once: a search of every run per pair of findings would be quadratic
    // in a fleet of thousands of hosts.
    let mut runs_of: BTreeMap<Option<&str>, Vec<&crate::sync::SyncRun>> = BTreeMap::new();
    for r in runs {
        runs_of.entry(r.host.as_deref()).or_default().push(r);
    }
    let run_tie = |a: &Finding, b: &Finding| run_tie(a, b, host_runs(&runs_of, a.host.as_deref()));
    let mut incidents = group(
        findings,
        &Knowledge {
            symptoms: &symptoms,
            kind_of_file: &kind_of_file,
            runs: &run_tie,
        },
    );
    for inc in &mut incidents {
        if let Some(tie) = same_runs(inc, host_runs(&runs_of, inc.host.as_deref())) {
            inc.ties.push(tie);
        }
    }
    incidents
}

/// The runs of `host` in `runs_of`.
fn host_runs<'m, 'r>(
    runs_of: &'m BTreeMap<Option<&'m str>, Vec<&'r crate::sync::SyncRun>>,
    host: Option<&'m str>,
) -> &'m [&'r crate::sync::SyncRun] {
    runs_of.get(&host).map_or(&[], Vec::as_slice)
}

/// What the sync runs of `a`'s host (`runs`) say about `a` and `b`.
fn run_tie(a: &Finding, b: &Finding, runs: &[&crate::sync::SyncRun]) -> RunTie {
    let of_host = || runs.iter().copied();
    let holds = |r: &crate::sync::SyncRun, f: &Finding| r.finding_ids.contains(&f.rule_id);
    let both: Vec<&crate::sync::SyncRun> =
        of_host().filter(|r| holds(r, a) && holds(r, b)).collect();
    if let Some(first) = both.first() {
        return RunTie::Same(describe_runs(first, both.len()));
    }
    if of_host().any(|r| holds(r, a)) && of_host().any(|r| holds(r, b)) {
        RunTie::Apart
    } else {
        RunTie::Unknown
    }
}

/// "same sync run: started …, failed" (and how many more runs hold the same findings).
fn describe_runs(first: &crate::sync::SyncRun, count: usize) -> String {
    let start = first.start.map_or_else(
        || "(no time)".to_string(),
        |t| t.format("%Y-%m-%d %H:%M:%SZ").to_string(),
    );
    let more = match count {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    format!(
        "same sync run: started {start}, {}{more}",
        first.result.as_str()
    )
}

/// "same sync run …" when sync runs of the incident's host (`runs`) hold its root cause and
/// another of its findings.
fn same_runs(inc: &Incident, runs: &[&crate::sync::SyncRun]) -> Option<String> {
    let shared: Vec<&crate::sync::SyncRun> = runs
        .iter()
        .copied()
        .filter(|r| {
            r.finding_ids.contains(&inc.root_cause)
                && inc.findings[1..].iter().any(|f| r.finding_ids.contains(f))
        })
        .collect();
    Some(describe_runs(shared.first()?, shared.len()))
}

fn is_unclassified(id: &str) -> bool {
    id.starts_with("unclassified_")
}

/// Incidents of one host; `idx` are the indices of its findings.
fn group_host(findings: &[Finding], idx: &[usize], know: &Knowledge<'_>) -> Vec<Incident> {
    let member = |i: usize| &findings[i];
    // Edges cause -> symptom between the findings of this host, with the evidence that ties
    // them; `strong` when a run or a code the rule asks for ties them (then a symptom already
    // taken by another incident is listed under this cause too).
    let mut edges: Vec<Edge> = Vec::new();
    for &a in idx {
        let fa = member(a);
        if is_unclassified(&fa.rule_id) || fa.severity == Severity::Success {
            continue;
        }
        for s in (know.symptoms)(&fa.rule_id) {
            for &b in idx {
                let fb = member(b);
                if a == b || fb.rule_id != s.rule || !shows_codes(fb, &s.codes) {
                    continue;
                }
                if let Some((evidence, strong)) = tie(fa, fb, &s.codes, (know.runs)(fa, fb)) {
                    edges.push(Edge {
                        cause: a,
                        symptom: b,
                        strong,
                        evidence,
                    });
                }
            }
        }
    }
    let has_cause = |b: usize| edges.iter().any(|e| e.symptom == b && e.cause != b);
    // Report order: most severe first, then earliest.
    let mut order: Vec<usize> = idx
        .iter()
        .copied()
        .filter(|&i| {
            !is_unclassified(&member(i).rule_id) && member(i).severity != Severity::Success
        })
        .collect();
    order.sort_by(|&a, &b| member(a).sort_key().cmp(&member(b).sort_key()));

    let mut taken: BTreeSet<usize> = BTreeSet::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // Per group, why each member joined: (member, explained by, evidence).
    let mut whys: Vec<Vec<(usize, usize, Vec<String>)>> = Vec::new();
    // (group index, finding, explained by, evidence) listed in a second incident (see below).
    let mut shared: Vec<(usize, usize, usize, Vec<String>)> = Vec::new();
    // Roots first (nothing explains them), then whatever is left (cycles, findings whose cause
    // was already taken by another incident).
    let roots: Vec<usize> = order.iter().copied().filter(|&i| !has_cause(i)).collect();
    for start in roots.into_iter().chain(order.iter().copied()) {
        if taken.contains(&start) {
            continue;
        }
        let mut group = vec![start];
        let mut why = Vec::new();
        taken.insert(start);
        let mut next = 0;
        while next < group.len() {
            let a = group[next];
            next += 1;
            // Symptoms in report order. A symptom already explained by another incident is
            // listed here too when a run or this cause's own codes tie it here (one merged
            // finding can hold the lines of two causes), but what it explains stays with the
            // first.
            let mut kids: Vec<&Edge> = edges
                .iter()
                .filter(|e| e.cause == a && (e.strong || !taken.contains(&e.symptom)))
                .collect();
            kids.sort_by(|x, y| {
                member(x.symptom)
                    .sort_key()
                    .cmp(&member(y.symptom).sort_key())
            });
            kids.dedup_by_key(|e| e.symptom);
            for e in kids {
                if taken.insert(e.symptom) {
                    group.push(e.symptom);
                    why.push((e.symptom, a, e.evidence.clone()));
                } else if !group.contains(&e.symptom) {
                    shared.push((groups.len(), e.symptom, a, e.evidence.clone()));
                }
            }
        }
        let worst = group.iter().map(|&i| member(i).severity).max();
        if worst >= Some(Severity::Warning) {
            groups.push(group);
            whys.push(why);
        } else {
            shared.retain(|s| s.0 != groups.len());
        }
    }
    // An incident's time is that of its own findings: a shared symptom merges the lines of
    // every cause it is listed under.
    let mut out: Vec<Incident> = groups.iter().map(|g| incident(findings, g)).collect();
    for (g, b, a, evidence) in shared {
        if let (Some(group), Some(why)) = (groups.get_mut(g), whys.get_mut(g)) {
            if !group.contains(&b) {
                group.push(b);
                why.push((b, a, evidence));
            }
        }
    }

    // Unclassified findings inside an incident join it.
    for &u in idx.iter().filter(|&&i| is_unclassified(&member(i).rule_id)) {
        let fu = member(u);
        let kind = fu
            .rule_id
            .rsplit_once('_')
            .and_then(|(_, k)| LogKind::parse(k));
        let target = groups.iter().enumerate().position(|(gi, g)| {
            let files: BTreeSet<&str> = g
                .iter()
                .flat_map(|&i| member(i).evidence.iter().map(|e| e.file.as_str()))
                .collect();
            let same_log = fu.evidence.iter().any(|e| {
                files.contains(e.file.as_str())
                    || kind.is_some_and(|k| files.iter().any(|f| (know.kind_of_file)(f) == Some(k)))
            });
            same_log && inside(fu, &out[gi], &files)
        });
        if let Some(t) = target {
            groups[t].push(u);
            let root = groups[t][0];
            whys[t].push((
                u,
                root,
                vec!["lines inside the incident's time, in a log it has evidence from".to_string()],
            ));
        }
    }
    for ((inc, g), why) in out.iter_mut().zip(&groups).zip(&whys) {
        let (findings_ids, ties) = members_and_ties(findings, g, (inc.first_seen, inc.last_seen));
        inc.findings = findings_ids;
        inc.ties = ties;
        inc.joined = why
            .iter()
            .map(|(b, a, evidence)| Joined {
                finding: member(*b).rule_id.clone(),
                explained_by: member(*a).rule_id.clone(),
                evidence: evidence.clone(),
            })
            .collect();
    }
    out
}

/// A cause -> symptom edge between two findings of one host.
struct Edge {
    cause: usize,
    symptom: usize,
    /// A sync run or a code the rule asks for ties them.
    strong: bool,
    evidence: Vec<String>,
}

/// The evidence that ties cause `a` to symptom `b` (and whether it is strong), `None` when
/// nothing does: a run that holds both; codes the rule asks for; else the time window, a shared
/// file for untimed findings, or the settings (a finding without lines).
fn tie(a: &Finding, b: &Finding, codes: &[String], run: RunTie) -> Option<(Vec<String>, bool)> {
    let mut evidence = Vec::new();
    let mut strong = false;
    match run {
        RunTie::Same(d) => {
            evidence.push(d);
            strong = true;
        }
        RunTie::Apart => return None,
        RunTie::Unknown => {}
    }
    // The codes the rule asks for (strong), else any code both show.
    let wanted: &[String] = if codes.is_empty() { &a.codes } else { codes };
    let shown: Vec<&str> = b
        .codes
        .iter()
        .filter(|c| wanted.iter().any(|w| w.eq_ignore_ascii_case(c)))
        .map(String::as_str)
        .collect();
    if !shown.is_empty() {
        evidence.push(format!("code {}", shown.join(", ")));
        strong |= !codes.is_empty();
    }
    if !strong {
        if !tied(a, b) {
            return None;
        }
        evidence.push(if a.evidence.is_empty() || b.evidence.is_empty() {
            "from the settings, on the same host".to_string()
        } else if let (Some(af), Some(al), Some(bf), Some(bl)) =
            (a.first_seen, a.last_seen, b.first_seen, b.last_seen)
        {
            let t = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%SZ").to_string();
            format!(
                "time window: seen {} – {}, {} {} – {} ({WINDOW_HOURS} h of slack)",
                t(bf),
                t(bl),
                a.rule_id,
                t(af),
                t(al)
            )
        } else {
            "same file or folder, no time".to_string()
        });
    }
    Some((evidence, strong))
}

/// The symptom shows one of `codes` (any when `codes` is empty); compared case-insensitively.
fn shows_codes(f: &Finding, codes: &[String]) -> bool {
    codes.is_empty()
        || f.codes
            .iter()
            .any(|c| codes.iter().any(|w| w.eq_ignore_ascii_case(c)))
}

/// Same time window (with [`WINDOW`] of slack); when either has no time (a paste, a
/// WindowsUpdate.log without a time zone), a shared file or folder (one machine's logs); a
/// finding from the settings alone (no evidence lines) explains what its host shows.
fn tied(a: &Finding, b: &Finding) -> bool {
    if a.evidence.is_empty() || b.evidence.is_empty() {
        return true;
    }
    match (a.first_seen, a.last_seen, b.first_seen, b.last_seen) {
        (Some(af), Some(al), Some(bf), Some(bl)) => bf <= al + WINDOW && af - WINDOW <= bl,
        _ => a.evidence.iter().any(|x| {
            b.evidence
                .iter()
                .any(|y| x.file == y.file || folder(&x.file) == folder(&y.file))
        }),
    }
}

/// The folder part of an evidence path (either separator).
fn folder(path: &str) -> &str {
    path.rfind(['/', '\\']).map_or("", |i| &path[..i])
}

/// The unclassified finding's lines all fall inside the incident (timed), or it shares a file
/// with it (untimed).
fn inside(u: &Finding, inc: &Incident, files: &BTreeSet<&str>) -> bool {
    match (u.first_seen, u.last_seen, inc.first_seen, inc.last_seen) {
        (Some(uf), Some(ul), Some(f), Some(l)) => {
            uf >= f - UNCLASSIFIED_SLACK && ul <= l + UNCLASSIFIED_SLACK
        }
        (None, None, _, _) => u.evidence.iter().any(|e| files.contains(e.file.as_str())),
        _ => false,
    }
}

fn incident(findings: &[Finding], group: &[usize]) -> Incident {
    let root = &findings[group[0]];
    let members: Vec<&Finding> = group.iter().map(|&i| &findings[i]).collect();
    let first_seen = members.iter().filter_map(|f| f.first_seen).min();
    let last_seen = members.iter().filter_map(|f| f.last_seen).max();
    let severity = members
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(root.severity);
    let (ids, ties) = members_and_ties(findings, group, (first_seen, last_seen));
    Incident {
        id: String::new(),
        title: root.title.clone(),
        severity,
        root_cause: root.rule_id.clone(),
        findings: ids,
        first_seen,
        last_seen,
        host: root.host.clone(),
        ties,
        joined: Vec::new(),
        cause: root.cause.clone(),
        fix: root.fix.clone(),
        next_step: without_asides(&first_sentence(&root.fix)),
    }
}

/// Rule ids of a group (root first) and what ties them: the host, the time window of the timed
/// findings, the codes the root shares with the others, the file of untimed findings.
fn members_and_ties(
    findings: &[Finding],
    group: &[usize],
    span: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
) -> (Vec<String>, Vec<String>) {
    let members: Vec<&Finding> = group.iter().map(|&i| &findings[i]).collect();
    let ids = members.iter().map(|f| f.rule_id.clone()).collect();
    let mut ties = Vec::new();
    let Some(root) = members.first() else {
        return (ids, ties);
    };
    if let Some(h) = &root.host {
        ties.push(format!("host {h}"));
    }
    if members.len() < 2 {
        return (ids, ties);
    }
    let timed: Vec<&&Finding> = members.iter().filter(|f| f.first_seen.is_some()).collect();
    if timed.len() > 1 {
        if let (Some(f), Some(l)) = span {
            ties.push(format!(
                "one time window: {} – {}",
                f.format("%Y-%m-%d %H:%M:%SZ"),
                l.format("%Y-%m-%d %H:%M:%SZ")
            ));
        }
    }
    let shared: Vec<&str> = root
        .codes
        .iter()
        .filter(|c| {
            members[1..]
                .iter()
                .any(|m| m.codes.iter().any(|x| x.eq_ignore_ascii_case(c)))
        })
        .map(String::as_str)
        .collect();
    if !shared.is_empty() {
        ties.push(format!("code {}", shared.join(", ")));
    }
    if timed.len() < members.len() {
        let files: BTreeSet<&str> = members
            .iter()
            .filter(|m| m.first_seen.is_none())
            .chain(members.first())
            .flat_map(|m| m.evidence.iter().map(|e| e.file.as_str()))
            .collect();
        let list: Vec<&str> = files.into_iter().collect();
        ties.push(format!("same file or folder, no time: {}", list.join(", ")));
    }
    (ids, ties)
}

/// `text` without its parenthesised asides (console paths, commands, examples): a next step
/// says what to do; the incident's fix keeps the details.
pub fn without_asides(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    if depth > 0 {
        // Unbalanced: keep the text as it was.
        return text.to_string();
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    out.replace(" ,", ",")
        .replace(" .", ".")
        .replace(" ;", ";")
        .replace(" :", ":")
}

/// The first sentence of a text (up to a '.', '!' or ':' followed by a space or the end, not in
/// an abbreviation such as "e.g." or a number such as "4.0"), on one line.
pub fn first_sentence(text: &str) -> String {
    let t = text.trim();
    let b = t.as_bytes();
    let mut depth = 0i32;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b'.' | b'!' if depth <= 0 => {
                let end = b.get(i + 1).is_none_or(|n| n.is_ascii_whitespace());
                let abbrev = ["e.g", "i.e", "etc", "vs"]
                    .iter()
                    .any(|a| t[..i].to_ascii_lowercase().ends_with(a));
                if end && !abbrev {
                    return t[..=i].split_whitespace().collect::<Vec<_>>().join(" ");
                }
            }
            b'\n' if b.get(i + 1) == Some(&b'\n') => {
                return t[..i].split_whitespace().collect::<Vec<_>>().join(" ");
            }
            _ => {}
        }
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
#[path = "incidents_tests.rs"]
mod tests;
