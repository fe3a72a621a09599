//! Console paths: one wording per place in the Configuration Manager console, kept as data
//! (`rules/console/paths.toml`) and put into rule texts as `{console:<key>}` when a rule is
//! loaded, so every rule names the same place the same way. A path names its server or site as
//! a named value (`{value:site_system}`, [`super::values`]), filled from the finding's evidence
//! and the settings.

use std::collections::BTreeMap;
use std::sync::LazyLock;

static PATHS_TOML: &str = include_str!("../../rules/console/paths.toml");

static PATHS: LazyLock<BTreeMap<String, String>> =
    LazyLock::new(|| toml::from_str(PATHS_TOML).unwrap_or_default());

/// The console path of `key`.
pub fn path(key: &str) -> Option<&'static str> {
    PATHS.get(key).map(String::as_str)
}

/// Every key, for error messages and `rules show`.
pub fn keys() -> Vec<&'static str> {
    PATHS.keys().map(String::as_str).collect()
}

/// `text` with every `{console:<key>}` replaced, then every `{value:<name>}` (console paths
/// name their server and site that way); `Err` names the first unknown key.
pub fn expand(text: &str) -> Result<String, String> {
    super::values::expand(&expand_paths(text)?)
}

fn expand_paths(text: &str) -> Result<String, String> {
    expand_keys(
        text,
        "console",
        |key| path(key).map(str::to_string),
        || format!("no such console path; known: {}", keys().join(", ")),
    )
}

/// `text` with every `{<prefix>:<key>}` replaced by `lookup(key)`; `Err` names the first key
/// `lookup` does not know, followed by `unknown()`.
pub(super) fn expand_keys(
    text: &str,
    prefix: &str,
    lookup: impl Fn(&str) -> Option<String>,
    unknown: impl Fn() -> String,
) -> Result<String, String> {
    let open = format!("{{{prefix}:");
    if !text.contains(&open) {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(at) = rest.find(&open) {
        out.push_str(&rest[..at]);
        let after = &rest[at + open.len()..];
        let Some(close) = after.find('}') else {
            return Err(format!("{open}… is not closed with '}}'"));
        };
        let key = after[..close].trim();
        match lookup(key) {
            Some(p) => out.push_str(&p),
            None => return Err(format!("{{{prefix}:{key}}}: {}", unknown())),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_reads_and_paths_expand() {
        assert!(keys().len() >= 5, "{:?}", keys());
        assert!(keys().contains(&"site_system_proxy"));
        let t = expand("Turn it on ({console:sup_proxy_and_account}).");
        assert!(
            matches!(&t, Ok(s) if s.contains("Proxy and Account Settings")
                && !s.contains('<') && !s.contains("{console:") && !s.contains("{value:")),
            "{t:?}"
        );
        assert_eq!(expand("no paths {code}"), Ok("no paths {code}".to_string()));
        assert!(expand("{console:nowhere}")
            .is_err_and(|e| e.contains("nowhere") && e.contains("site_system_proxy")));
        assert!(expand("{console:site_system_proxy").is_err());
    }
}
