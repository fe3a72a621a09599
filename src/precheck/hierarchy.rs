//! Read the hierarchy (sites, SUPs, their settings) out of `config.*` facts (facts.md).

use crate::facts::{FactStore, Value};

/// Typed access to `config.*` facts with the indexed-key conventions of facts.md.
pub struct Hierarchy<'a> {
    pub facts: &'a FactStore,
    /// Site codes, upper case, sorted.
    pub sites: Vec<String>,
    /// SUP FQDNs, lower case, sorted.
    pub sups: Vec<String>,
}

pub fn site_key(site: &str, field: &str) -> String {
    format!("config.site[{site}].{field}")
}

pub fn sup_key(sup: &str, field: &str) -> String {
    format!("config.sup[{sup}].{field}")
}

pub fn proxy_key(server: &str, field: &str) -> String {
    format!("config.proxy[{server}].{field}")
}

/// Indices used under `prefix` (`config.site[` → site codes).
fn indices(facts: &FactStore, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = facts
        .with_prefix(prefix)
        .filter_map(|f| {
            f.key
                .strip_prefix(prefix)?
                .split_once(']')
                .map(|(i, _)| i.to_string())
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

impl<'a> Hierarchy<'a> {
    pub fn new(facts: &'a FactStore) -> Self {
        let mut sites: Vec<String> = list(facts, "config.sites")
            .into_iter()
            .chain(indices(facts, "config.site["))
            .map(|s| s.trim().to_ascii_uppercase())
            .filter(|s| !s.is_empty())
            .collect();
        let mut sups: Vec<String> = list(facts, "config.sups")
            .into_iter()
            .chain(indices(facts, "config.sup["))
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect();
        // A SUP's site is a site even when the sites list forgot it.
        for s in &sups {
            if let Some(site) = string(facts, &sup_key(s, "site")) {
                sites.push(site.to_ascii_uppercase());
            }
        }
        sites.sort();
        sites.dedup();
        sups.sort();
        sups.dedup();
        Hierarchy { facts, sites, sups }
    }

    pub fn str(&self, key: &str) -> Option<String> {
        string(self.facts, key)
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        self.facts.get(key).and_then(|f| f.value.as_bool())
    }

    pub fn int(&self, key: &str) -> Option<i64> {
        self.facts.get(key).and_then(|f| f.value.as_int())
    }

    pub fn list(&self, key: &str) -> Option<Vec<String>> {
        self.facts.get(key).map(|f| match &f.value {
            Value::List(l) => l.clone(),
            Value::Str(s) if s.trim().is_empty() => Vec::new(),
            other => vec![other.to_string()],
        })
    }

    pub fn role(&self, site: &str) -> Option<String> {
        self.str(&site_key(site, "role"))
            .map(|r| r.to_ascii_lowercase())
    }

    pub fn parent(&self, site: &str) -> Option<String> {
        self.str(&site_key(site, "parent"))
            .map(|p| p.to_ascii_uppercase())
            .filter(|p| !p.is_empty())
    }

    /// Top-level: explicit fact, else no parent while the site is described (facts.md: the
    /// parent is absent for the top-level site), a CAS always.
    pub fn is_top(&self, site: &str) -> Option<bool> {
        if let Some(t) = self.bool(&site_key(site, "top_level")) {
            return Some(t);
        }
        if self.parent(site).is_some() {
            return Some(false);
        }
        match self.role(site).as_deref() {
            Some("cas") => Some(true),
            Some("primary") => Some(true),
            Some(_) => Some(false),
            None => None,
        }
    }

    pub fn is_described(&self, site: &str) -> bool {
        self.role(site).is_some()
            || self.facts.contains(&site_key(site, "parent"))
            || self.facts.contains(&site_key(site, "top_level"))
    }

    pub fn sup_site(&self, sup: &str) -> Option<String> {
        self.str(&sup_key(sup, "site"))
            .map(|s| s.to_ascii_uppercase())
    }

    pub fn sups_at(&self, site: &str) -> Vec<String> {
        self.sups
            .iter()
            .filter(|s| self.sup_site(s).as_deref() == Some(site))
            .cloned()
            .collect()
    }

    pub fn top_site(&self) -> Option<String> {
        let tops: Vec<&String> = self
            .sites
            .iter()
            .filter(|s| self.is_top(s) == Some(true))
            .collect();
        match tops.as_slice() {
            [one] => Some((*one).clone()),
            _ => None,
        }
    }

    /// The sync-source SUP of the top-level site (or its only SUP; or the only SUP at all).
    pub fn top_sup(&self) -> Option<String> {
        let candidates = match self.top_site() {
            Some(site) => self.sups_at(&site),
            None if self.sites.len() <= 1 => self.sups.clone(),
            None => return None,
        };
        if let [one] = candidates.as_slice() {
            return Some(one.clone());
        }
        let sources: Vec<&String> = candidates
            .iter()
            .filter(|s| self.bool(&sup_key(s, "sync_source")) == Some(true))
            .collect();
        match sources.as_slice() {
            [one] => Some((*one).clone()),
            _ => None,
        }
    }
}

fn string(facts: &FactStore, key: &str) -> Option<String> {
    facts.get(key).and_then(|f| match &f.value {
        Value::Str(s) => Some(s.trim().to_string()),
        Value::Int(i) => Some(i.to_string()),
        _ => None,
    })
}

fn list(facts: &FactStore, key: &str) -> Vec<String> {
    match facts.get(key).map(|f| &f.value) {
        Some(Value::List(l)) => l.clone(),
        Some(Value::Str(s)) => s.split(',').map(|x| x.trim().to_string()).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Provenance;

    #[test]
    fn derives_sites_and_sups_from_indexed_keys() {
        let mut f = FactStore::new();
        let p = || Provenance::new("t");
        f.insert("config.site[CAS].role", "cas", p());
        f.insert("config.site[PS1].role", "primary", p());
        f.insert("config.site[PS1].parent", "cas", p());
        f.insert("config.sup[cas-sup.contoso.com].site", "CAS", p());
        f.insert("config.sup[ps1-sup.contoso.com].site", "PS1", p());
        let h = Hierarchy::new(&f);
        assert_eq!(h.sites, vec!["CAS", "PS1"]);
        assert_eq!(h.sups.len(), 2);
        assert_eq!(h.parent("PS1").as_deref(), Some("CAS"));
        assert_eq!(h.is_top("PS1"), Some(false));
        assert_eq!(h.top_site().as_deref(), Some("CAS"));
        assert_eq!(h.top_sup().as_deref(), Some("cas-sup.contoso.com"));
        assert_eq!(h.sups_at("PS1"), vec!["ps1-sup.contoso.com"]);
    }
}
