//! Named values of rule texts: `{value:<name>}` stands for "this value, read from the finding's
//! captures or from the facts, in this order, else this neutral wording" — kept as data
//! (`rules/console/values.toml`) so every rule and console path names a server, port, site or
//! URL the same way and never prints a `<server>` left for the reader to fill in.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

static VALUES_TOML: &str = include_str!("../../rules/console/values.toml");

/// One named value: its sources in order and the wording used when none has a value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Named {
    pub from: Vec<String>,
    pub fallback: String,
}

static VALUES: LazyLock<BTreeMap<String, Named>> =
    LazyLock::new(|| toml::from_str(VALUES_TOML).unwrap_or_default());

/// Every name, for error messages.
pub fn names() -> Vec<&'static str> {
    VALUES.keys().map(String::as_str).collect()
}

/// The placeholder a named value stands for: `{source,source|fallback}`.
pub fn placeholder(name: &str) -> Option<String> {
    let v = VALUES.get(name)?;
    if v.from.is_empty() {
        // Nothing says it: the wording alone.
        return Some(v.fallback.clone());
    }
    Some(format!("{{{}|{}}}", v.from.join(","), v.fallback))
}

/// `text` with every `{value:<name>}` replaced by its placeholder; `Err` names the first unknown
/// name.
pub fn expand(text: &str) -> Result<String, String> {
    super::console::expand_keys(text, "value", placeholder, || {
        format!("no such named value; known: {}", names().join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_reads_and_every_value_is_a_valid_placeholder() {
        assert!(names().len() >= 8, "{:?}", names());
        for name in names() {
            let p = placeholder(name).unwrap_or_default();
            let fallback = match p.strip_prefix('{').and_then(|q| q.strip_suffix('}')) {
                Some(inner) => {
                    let parsed = crate::rules::schema::placeholder(inner);
                    assert!(parsed.is_some(), "{name}: {p}");
                    parsed.and_then(|(_, f)| f).unwrap_or_default().to_string()
                }
                None => p.clone(),
            };
            assert!(
                !fallback.is_empty() && !fallback.contains(['<', '>']),
                "{name}: fallback {fallback:?}"
            );
        }
        let t = expand("on {value:sup_server}, port {value:wsus_port}");
        assert!(
            matches!(&t, Ok(s) if s.contains("{fact:observed.wcm.server,") && s.contains("|the software update point server}")),
            "{t:?}"
        );
        assert!(expand("{value:nothing}").is_err_and(|e| e.contains("sup_server")));
        assert!(expand("{value:site").is_err());
        assert_eq!(expand("{fact:x}"), Ok("{fact:x}".to_string()));
    }
}
