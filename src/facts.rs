//! Facts: named values with provenance (`config.*`, `observed.*`, `probe.*`, `sync.*`, `finding.*`).
//!
//! Every source of knowledge about the site (settings files, importers, log lines, probes, sync
//! runs, other findings) ends up here, so fact rules can reason over all of them alike.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::Serialize;

/// A fact value. Kept small on purpose: the condition language compares these.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<String>),
}

impl Value {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Int(i) => Some(*i != 0),
            Value::Str(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Some(true),
                "false" | "no" | "0" => Some(false),
                _ => None,
            },
            Value::List(_) => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(i64::from(*b)),
            Value::Str(s) => s.trim().parse().ok(),
            Value::List(_) => None,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Str(s) => f.write_str(s),
            Value::List(l) => f.write_str(&l.join(", ")),
        }
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Str(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(v)
    }
}

/// Where a fact came from: a settings file and key, a log line, a probe.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Provenance {
    /// File path (settings file, log file) or `probe`.
    pub source: String,
    /// Key inside the source (TOML key path, CM property name, registry value), or the
    /// 1-based line number of a log line as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl Provenance {
    pub fn new(source: impl Into<String>) -> Self {
        Provenance {
            source: source.into(),
            key: None,
            line: None,
        }
    }
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }
    pub fn with_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, " ({key})")?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fact {
    pub key: String,
    pub value: Value,
    pub source: Provenance,
}

/// All facts of a run. Keys are dotted paths (`config.sup.http_port`); per-server facts use a
/// bracketed index (`config.sup[sup01.contoso.com].http_port`) plus, for the site's sync source
/// SUP, the unindexed key. Several sources may set the same key; all values are kept, in the
/// order they were added, so contradictions can be reported.
#[derive(Clone, Default)]
pub struct FactStore {
    facts: BTreeMap<String, Vec<Fact>>,
    /// Hash of (key, value, source) → position of the first such fact in its key's list: an
    /// insert finds a duplicate without comparing against every value of the key (one key
    /// holds one value per input file, and there may be 100,000 files).
    seen: HashMap<u64, usize>,
    /// Inserts that had to compare against the whole list (a hash collision).
    #[cfg(test)]
    full_scans: usize,
}

/// The facts only: the dedup index is an implementation detail (and its order is random).
impl fmt::Debug for FactStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FactStore")
            .field("facts", &self.facts)
            .finish_non_exhaustive()
    }
}

impl FactStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>, source: Provenance) {
        let key = key.into();
        let fact = Fact {
            key: key.clone(),
            value: value.into(),
            source,
        };
        let hash = {
            let mut h = DefaultHasher::new();
            (&fact.key, &fact.value, &fact.source).hash(&mut h);
            h.finish()
        };
        let slot = self.facts.entry(key).or_default();
        let same = |f: &Fact| f.value == fact.value && f.source == fact.source;
        match self.seen.get(&hash) {
            None => {
                self.seen.insert(hash, slot.len());
                slot.push(fact);
            }
            Some(&at) if slot.get(at).is_some_and(same) => {}
            Some(_) => {
                #[cfg(test)]
                {
                    self.full_scans += 1;
                }
                if !slot.iter().any(same) {
                    slot.push(fact);
                }
            }
        }
    }

    /// First value set for `key`.
    pub fn get(&self, key: &str) -> Option<&Fact> {
        self.facts.get(key).and_then(|v| v.first())
    }

    /// Every value set for `key`, in insertion order.
    pub fn all(&self, key: &str) -> &[Fact] {
        self.facts.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn contains(&self, key: &str) -> bool {
        self.facts.contains_key(key)
    }

    /// Facts whose key starts with `prefix`, sorted by key.
    pub fn with_prefix<'s>(&'s self, prefix: &'s str) -> impl Iterator<Item = &'s Fact> + 's {
        self.facts
            .range(prefix.to_string()..)
            .take_while(move |(k, _)| k.starts_with(prefix))
            .flat_map(|(_, v)| v.iter())
    }

    pub fn iter(&self) -> impl Iterator<Item = &Fact> {
        self.facts.values().flat_map(|v| v.iter())
    }

    pub fn len(&self) -> usize {
        self.facts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    pub fn extend(&mut self, other: FactStore) {
        for (_, facts) in other.facts {
            for f in facts {
                self.insert(f.key, f.value, f.source);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_value_per_file_under_one_key_is_not_quadratic() {
        // Duplicates are dropped by lookup: an insert that compared with every value of its key
        // would make 100,000 files setting one key cost 5·10⁹ comparisons.
        let mut s = FactStore::new();
        for round in 0..2 {
            for i in 0..20_000u64 {
                let src = Provenance::new(format!("d{i}/WUAHandler.log")).with_line(1);
                s.insert("observed.client.sup_url", "https://sup01", src);
            }
            assert_eq!(
                s.all("observed.client.sup_url").len(),
                20_000,
                "round {round}"
            );
        }
        assert_eq!(s.full_scans, 0);
        let mut other = FactStore::new();
        other.insert(
            "observed.client.sup_url",
            "https://sup02",
            Provenance::new("x.log"),
        );
        other.insert(
            "observed.client.sup_url",
            "https://sup01",
            Provenance::new("d7/WUAHandler.log").with_line(1),
        );
        s.extend(other);
        assert_eq!(s.all("observed.client.sup_url").len(), 20_001);
        assert_eq!(s.full_scans, 0);
    }

    #[test]
    fn keeps_all_values_and_prefix_scan() {
        let mut s = FactStore::new();
        s.insert(
            "config.sup.http_port",
            8530i64,
            Provenance::new("a.toml").with_key("sup.http_port"),
        );
        s.insert(
            "config.sup.http_port",
            80i64,
            Provenance::new("b.reg").with_key("PortNumber"),
        );
        s.insert("config.sup.https_port", 8531i64, Provenance::new("a.toml"));
        s.insert(
            "observed.wcm.port",
            8531i64,
            Provenance::new("WCM.log").with_line(4),
        );
        assert_eq!(s.all("config.sup.http_port").len(), 2);
        assert_eq!(
            s.get("config.sup.http_port").map(|f| f.value.clone()),
            Some(Value::Int(8530))
        );
        assert_eq!(s.with_prefix("config.").count(), 3);
        assert_eq!(s.with_prefix("observed.").count(), 1);
    }
}
