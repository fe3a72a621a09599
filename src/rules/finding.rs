//! Findings: what a rule concluded, merged by rule id, with evidence, advice and settings.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::event::Severity;

/// Evidence lines kept per finding.
pub const MAX_EVIDENCE: usize = 5;
/// Distinct codes kept per finding (the first ones seen).
pub const MAX_CODES: usize = 16;
/// Evidence text is cut here (bytes, on a char boundary) with a marker, so a 100 MB line cannot
/// blow up a report.
pub const MAX_EVIDENCE_TEXT: usize = 2048;
/// Captured values (host, path, code…) are cut here: they go into cause and fix texts, codes
/// and facts, where a 5 MB capture from one hostile line would otherwise land whole.
pub const MAX_CAPTURE_TEXT: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub file: String,
    pub line: u64,
    pub text: String,
}

impl Evidence {
    pub fn new(file: impl Into<String>, line: u64, text: &str) -> Self {
        Evidence {
            file: file.into(),
            line,
            text: truncate_text(text, MAX_EVIDENCE_TEXT),
        }
    }
}

/// Cut `s` to at most `max` bytes on a char boundary, marking the cut, with its secrets
/// masked (evidence and captures quote log lines, which may carry a connection string or a
/// proxy URL with a password). Only a window of `2 × max` bytes is scanned, so a 5 MB line
/// costs no more than a short one; a secret that starts before the cut is masked whole.
pub fn truncate_text(s: &str, max: usize) -> String {
    let s = s.trim_end_matches(['\r', '\n']);
    let total = s.len();
    let window = char_prefix(s, max.saturating_mul(2).saturating_add(256));
    let masked = crate::redact::log_text(window);
    if masked.len() <= max && window.len() == total {
        return masked.into_owned();
    }
    format!("{}… [truncated, {total} bytes]", char_prefix(&masked, max))
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
fn char_prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A setting a finding relates to, with its value and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SettingRef {
    pub key: String,
    /// `null` when the setting is not known (no settings given or key absent).
    pub value: serde_json::Value,
    /// `null` when unknown.
    pub source: Option<String>,
}

/// One finding of the report (docs/architecture.md §4).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub severity: Severity,
    pub title: String,
    pub count: u64,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub evidence: Vec<Evidence>,
    pub codes: Vec<String>,
    pub cause: String,
    pub fix: String,
    pub docs: Vec<String>,
    pub settings: Vec<SettingRef>,
    /// Host name in fleet mode (`hosts/<name>/...`); omitted otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

impl Finding {
    /// Sort key: most severe first, then earliest first seen (findings without a time last),
    /// then rule id, so output is identical run to run.
    pub fn sort_key(
        &self,
    ) -> (
        std::cmp::Reverse<Severity>,
        bool,
        Option<DateTime<Utc>>,
        &str,
        Option<&str>,
    ) {
        (
            std::cmp::Reverse(self.severity),
            self.first_seen.is_none(),
            self.first_seen,
            self.rule_id.as_str(),
            self.host.as_deref(),
        )
    }
}

/// Sort findings into report order.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// One occurrence of a rule, before merging.
#[derive(Clone, Debug)]
pub struct Hit {
    pub time: Option<DateTime<Utc>>,
    pub file: String,
    pub line: u64,
    pub text: String,
    pub codes: Vec<String>,
}

/// Merged occurrences of one rule.
#[derive(Clone, Debug, Default)]
pub struct HitSet {
    pub count: u64,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub evidence: Vec<Evidence>,
    pub codes: Vec<String>,
    /// The first value of each named capture (for cause, fix and advice templates).
    pub captures: BTreeMap<String, String>,
}

impl HitSet {
    pub fn add(&mut self, hit: Hit) {
        self.count += 1;
        if let Some(t) = hit.time {
            self.first_seen = Some(self.first_seen.map_or(t, |f| f.min(t)));
            self.last_seen = Some(self.last_seen.map_or(t, |l| l.max(t)));
        }
        self.add_codes(hit.codes);
        if self.evidence.len() < MAX_EVIDENCE {
            self.evidence
                .push(Evidence::new(hit.file, hit.line, &hit.text));
        }
    }

    /// Add codes not seen yet, up to [`MAX_CODES`] (the first ones in input order).
    pub fn add_codes(&mut self, codes: impl IntoIterator<Item = String>) {
        for c in codes {
            if self.codes.len() >= MAX_CODES {
                break;
            }
            if !self.codes.contains(&c) {
                self.codes.push(c);
            }
        }
    }

    /// Merge another set (from another file or chunk). Evidence keeps the earliest lines:
    /// callers merge in input order, so the result does not depend on thread scheduling.
    pub fn merge(&mut self, other: HitSet) {
        self.count += other.count;
        self.first_seen = match (self.first_seen, other.first_seen) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_seen = match (self.last_seen, other.last_seen) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.add_codes(other.codes);
        for e in other.evidence {
            if self.evidence.len() < MAX_EVIDENCE {
                self.evidence.push(e);
            }
        }
        // Every part keeps the first N of what it saw (evidence, codes) and the first value of
        // each capture name: merging in input order gives what one pass would have kept.
        for (k, v) in other.captures {
            self.captures.entry(k).or_insert(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_marks_and_respects_char_boundaries() {
        let s = "é".repeat(3000);
        let t = truncate_text(&s, 11);
        assert!(t.starts_with("ééééé"));
        assert!(t.contains("truncated, 6000 bytes"));
    }

    #[test]
    fn quoted_log_text_has_its_secrets_masked_also_across_the_cut() {
        let t = truncate_text(
            "connect Server=s;Password=Hunter2x;Db=d via http://u:p/#?w@h:1",
            2048,
        );
        assert!(!t.contains("Hunter2x") && !t.contains("p/#?w"), "{t}");
        assert!(
            t.contains("Password=***") && t.contains("http://u:***@h:1"),
            "{t}"
        );
        // A password that starts before the cut and runs past it: none of it is shown.
        let long = format!("{}Password={}", "x".repeat(90), "S".repeat(500));
        let t = truncate_text(&long, 100);
        assert!(!t.contains('S'), "{t}");
        assert!(t.contains("truncated, 599 bytes"), "{t}");
    }

    #[test]
    fn hitset_merges_times_and_caps_evidence() {
        let mut a = HitSet::default();
        for i in 0..7 {
            a.add(Hit {
                time: None,
                file: "f".into(),
                line: i,
                text: "x".into(),
                codes: vec!["12007".into()],
            });
        }
        assert_eq!(a.count, 7);
        assert_eq!(a.evidence.len(), MAX_EVIDENCE);
        assert_eq!(a.codes, vec!["12007".to_string()]);
    }
}
