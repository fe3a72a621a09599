//! Conclusion: turn merged hits into findings — `finding.*` facts, fact rules to a fixpoint,
//! placeholders, settings with provenance, advice — sorted for the report.

use std::collections::BTreeMap;

use super::condition::Condition;
use super::finding::{sort_findings, Finding, HitSet, SettingRef};
use super::matcher::{RuleSet, StreamHits};
use super::schema::{Body, Rule};

use crate::facts::{FactStore, Provenance, Value};

/// Rounds of fact-rule evaluation (a fact rule may depend on another fact rule's finding).
const MAX_ROUNDS: usize = 4;

/// The lines behind an observed figure (the runs behind `observed.sync.*`), by fact key: a fact
/// rule reading the figure reports these lines, their count and times, as a line rule reports
/// its hits.
pub type FactEvidence = BTreeMap<String, HitSet>;

/// Insert `finding.<id>` (count) and `finding.<id>.codes` for every hit set.
pub fn insert_finding_facts(facts: &mut FactStore, id: &str, hs: &HitSet) {
    let prov = Provenance::new("rules").with_key(id.to_string());
    facts.insert(
        format!("finding.{id}"),
        Value::Int(i64::try_from(hs.count).unwrap_or(i64::MAX)),
        prov.clone(),
    );
    facts.insert(
        format!("finding.{id}.codes"),
        Value::List(hs.codes.clone()),
        prov,
    );
}

/// Every referenced fact is present (wildcard keys count when any index is present).
pub fn condition_known(c: &Condition, facts: &FactStore) -> bool {
    c.references().iter().all(|k| !lookup(facts, k).is_empty())
}

/// Facts for a key, expanding `[*]` wildcards: (concrete key, value, source).
pub fn lookup(facts: &FactStore, key: &str) -> Vec<(String, Value, String)> {
    match key.find("[*]") {
        None => facts
            .get(key)
            .map(|f| vec![(key.to_string(), f.value.clone(), f.source.to_string())])
            .unwrap_or_default(),
        Some(p) => {
            let prefix = format!("{}[", &key[..p]);
            let suffix = &key[p + 3..];
            let mut out: Vec<(String, Value, String)> = Vec::new();
            for f in facts.with_prefix(&prefix) {
                let rest = &f.key[prefix.len()..];
                let Some(close) = rest.find(']') else {
                    continue;
                };
                if &rest[close + 1..] == suffix && !out.iter().any(|(k, _, _)| *k == f.key) {
                    out.push((f.key.clone(), f.value.clone(), f.source.to_string()));
                }
            }
            out
        }
    }
}

/// Fill `{capture}`, `{codes}` and `{fact:key}` placeholders; `{a,fact:b}` takes the first source
/// with a value; `{key|text}` gives `text` when none has one (instead of "(unknown)" /
/// "(not set)").
pub fn fill(template: &str, captures: &BTreeMap<String, String>, facts: &FactStore) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let value = super::schema::placeholder(&after[..close]).map(|(key, fallback)| {
            let mut last_is_fact = false;
            for src in super::schema::sources(key) {
                last_is_fact = src.name.starts_with("fact:");
                let v = source_value(src.name, captures, facts);
                if let Some(v) = v.and_then(|v| url_part(v, src.part)) {
                    return v;
                }
            }
            let default = if last_is_fact {
                "(not set)"
            } else {
                "(unknown)"
            };
            fallback.unwrap_or(default).to_string()
        });
        match value {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The value of one placeholder source, `None` when it has none.
fn source_value(
    name: &str,
    captures: &BTreeMap<String, String>,
    facts: &FactStore,
) -> Option<String> {
    match name.strip_prefix("fact:") {
        Some(key) => {
            let vals = lookup(facts, key);
            (!vals.is_empty()).then(|| {
                vals.iter()
                    .map(|(_, v, _)| v.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
        }
        None => captures.get(name).filter(|v| !v.is_empty()).cloned(),
    }
}

/// `part` (`host`, `port`) of a URL value, or the whole value; `None` when it has no such part.
fn url_part(value: String, part: Option<&str>) -> Option<String> {
    let Some(part) = part else {
        return Some(value);
    };
    let (scheme, rest) = value.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
        _ => (authority, None),
    };
    let value = match part {
        "host" => host.to_string(),
        _ => match (port, scheme.to_ascii_lowercase().as_str()) {
            (Some(p), _) => p.to_string(),
            (None, "https") => "443".to_string(),
            (None, "http") => "80".to_string(),
            _ => return None,
        },
    };
    (!value.is_empty()).then_some(value)
}

impl RuleSet {
    /// Findings from the merged hits of every stream, correlated with the facts.
    pub fn conclude(&self, hits: StreamHits, facts: &mut FactStore) -> Vec<Finding> {
        self.conclude_with(hits, facts, &FactEvidence::new())
    }

    /// [`Self::conclude`] with the evidence of observed figures.
    pub fn conclude_with(
        &self,
        hits: StreamHits,
        facts: &mut FactStore,
        evidence: &FactEvidence,
    ) -> Vec<Finding> {
        let mut hits = hits.hits;
        for (id, hs) in &hits {
            insert_finding_facts(facts, id, hs);
        }
        // Fact rules, in id order, until nothing new fires.
        for _ in 0..MAX_ROUNDS {
            let mut fired = false;
            for r in &self.rules {
                let Body::Fact { when, .. } = &r.body else {
                    continue;
                };
                if hits.contains_key(&r.id) || !when.eval(facts) {
                    continue;
                }
                let mut hs = HitSet::default();
                for key in when.references() {
                    if let Some(id) = key.strip_prefix("finding.") {
                        if let Some(src) = hits.get(id) {
                            let mut copy = src.clone();
                            copy.count = 0;
                            hs.merge(copy);
                        }
                    } else if let Some(src) = evidence.get(&key) {
                        // A figure counts what it measured (sites, runs), like a line rule's hits.
                        hs.merge(src.clone());
                    }
                }
                hs.count = hs.count.max(1);
                insert_finding_facts(facts, &r.id, &hs);
                hits.insert(r.id.clone(), hs);
                fired = true;
            }
            if !fired {
                break;
            }
        }
        let mut findings = Vec::with_capacity(hits.len());
        for (id, hs) in hits {
            match self.get(&id) {
                Some(rule) => findings.push(self.finding(rule, hs, facts)),
                None => {
                    if let Some(f) = unclassified_finding(&id, hs) {
                        findings.push(f);
                    }
                }
            }
        }
        sort_findings(&mut findings);
        findings
    }

    fn finding(&self, rule: &Rule, hs: HitSet, facts: &FactStore) -> Finding {
        // `{codes}`: what the lines showed.
        let mut captures = hs.captures.clone();
        if !hs.codes.is_empty() {
            captures
                .entry(super::schema::CODES_PLACEHOLDER.to_string())
                .or_insert_with(|| hs.codes.join(", "));
        }
        let cause = fill(&rule.cause, &captures, facts);
        let mut fix = fill(&rule.fix, &captures, facts);
        let mut unknown = false;
        let mut applied = false;
        for a in &rule.advice {
            if a.when.eval(facts) {
                fix.push_str("\n\n");
                fix.push_str(&fill(&a.text, &captures, facts));
                applied = true;
            } else if !condition_known(&a.when, facts) {
                unknown = true;
            }
        }
        // Say "unknown" only when no advice could be given: when one applied, the settings did
        // narrow the cause down.
        if unknown && !applied {
            let keys: Vec<String> = setting_keys(rule)
                .into_iter()
                .filter(|k| !k.starts_with("finding.") && lookup(facts, k).is_empty())
                .collect();
            fix.push_str(&format!(
                "\n\nWhich of these applies is unknown: no setting says ({}). Pass --settings to narrow it down.",
                keys.join(", ")
            ));
        }
        // Only the codes the lines showed: the catalogue's codes of a rule stay in `rules show`
        // and `explain` (a 403 finding listing eight codes, or a GPO conflict listing a code its
        // log never wrote, would say what the log did not).
        let codes = hs.codes.clone();
        Finding {
            rule_id: rule.id.clone(),
            severity: rule.severity,
            title: fill(&rule.title, &captures, facts),
            count: hs.count,
            first_seen: hs.first_seen,
            last_seen: hs.last_seen,
            evidence: hs.evidence,
            codes,
            cause,
            fix,
            docs: rule.docs.clone(),
            settings: settings_of(rule, facts),
            host: None,
        }
    }
}

/// The rule's `settings` keys plus the keys its conditions read, without duplicates.
fn setting_keys(rule: &Rule) -> Vec<String> {
    let mut keys: Vec<String> = rule.settings.clone();
    let mut add = |c: &Condition| {
        for k in c.references() {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    };
    if let Body::Fact { when, .. } = &rule.body {
        add(when);
    }
    for a in &rule.advice {
        add(&a.when);
    }
    keys
}

fn settings_of(rule: &Rule, facts: &FactStore) -> Vec<SettingRef> {
    let mut out: Vec<SettingRef> = Vec::new();
    for key in setting_keys(rule) {
        if key.starts_with("finding.") || crate::sync::figures::is_figure(&key) {
            continue;
        }
        let vals = lookup(facts, &key);
        if vals.is_empty() {
            out.push(SettingRef {
                key,
                value: serde_json::Value::Null,
                source: None,
            });
        } else {
            for (k, v, src) in vals {
                if out.iter().any(|s| s.key == k) {
                    continue;
                }
                out.push(SettingRef {
                    key: k,
                    value: v.to_json(),
                    source: Some(src),
                });
            }
        }
    }
    out
}

/// `unclassified_error_<kind>` / `unclassified_warning_<kind>` (documented in rules/README.md).
fn unclassified_finding(id: &str, hs: HitSet) -> Option<Finding> {
    let (is_error, log_kind, severity, title) = super::generated::unclassified(id)?;
    let kind = log_kind.as_str();
    let what = if is_error { "error" } else { "warning" };
    Some(Finding {
        rule_id: id.to_string(),
        severity,
        title,
        count: hs.count,
        first_seen: hs.first_seen,
        last_seen: hs.last_seen,
        evidence: hs.evidence,
        cause: format!(
            "These {kind} records are marked as {what}s, but none of the built-in rules knows this signature, so supdiag cannot say what caused it."
        ),
        fix: format!(
            "Read the evidence lines and the lines around them in the log. {} If the records are routine for your site, disable this finding with --disable {id}; if they are a real failure, a rule for them (see rules/README.md) makes the diagnosis automatic.",
            match hs.codes.first() {
                Some(code) => format!("`supdiag explain {code}` decodes the code they show."),
                None => "`supdiag explain` followed by an error code decodes any code shown.".to_string(),
            }
        ),
        codes: hs.codes,
        docs: Vec::new(),
        settings: Vec::new(),
        host: None,
    })
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
