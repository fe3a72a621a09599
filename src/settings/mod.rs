//! Settings: the supdiag.toml schema and importers (ConfigMgr JSON, applicationHost.config, .reg),
//! all turned into `config.*` facts with provenance, plus the contradictions between sources.

pub mod cm_json;
pub mod iis_config;
pub mod reg_export;
pub mod template;
pub mod toml_lenient;
pub mod toml_schema;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use thiserror::Error;

use crate::facts::{Fact, FactStore, Provenance, Value};

/// Settings files larger than this are refused (they are a few KB; a huge file is a mistake).
pub const MAX_SETTINGS_BYTES: u64 = 32 * 1024 * 1024;

/// A problem with a settings file that did not stop the run.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SettingsWarning {
    pub file: String,
    /// Line the problem is on, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
    /// Something written in the file was not used (a key, a value, an entry, the whole file),
    /// as opposed to a note (a password ignored on purpose, a header read anyway).
    pub dropped: bool,
}

impl SettingsWarning {
    /// `line N: message` (or the message), without the file.
    pub fn text(&self) -> String {
        match self.line {
            Some(l) => format!("line {l}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

impl std::fmt::Display for SettingsWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// A settings file that could not be used: which file, where, what was expected.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct SettingsError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl SettingsError {
    /// (Messages may quote the file: secrets in them are masked here.)
    pub fn new(file: &str, message: impl Into<String>) -> Self {
        SettingsError {
            file: file.to_string(),
            line: None,
            message: crate::redact::text(&message.into()),
        }
    }
    pub fn at(file: &str, line: usize, message: impl Into<String>) -> Self {
        SettingsError {
            file: file.to_string(),
            line: Some(line),
            message: crate::redact::text(&message.into()),
        }
    }
}

/// The kinds of settings file supdiag reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingsKind {
    /// supdiag.toml
    Toml,
    /// ConfigMgr cmdlet / WMI output piped to ConvertTo-Json
    CmJson,
    /// IIS applicationHost.config
    IisConfig,
    /// `reg export` of the WSUS Setup key
    RegExport,
}

/// Collects the facts of one file (kept apart until the file imported cleanly).
pub struct Sink {
    pub file: String,
    pub facts: FactStore,
    pub warnings: Vec<SettingsWarning>,
}

impl Sink {
    pub fn new(file: &str) -> Self {
        Sink {
            file: file.to_string(),
            facts: FactStore::new(),
            warnings: Vec::new(),
        }
    }

    /// Set a fact; `src_key` says where in the file it came from.
    pub fn set(&mut self, key: &str, value: impl Into<Value>, src_key: &str) {
        self.facts.insert(
            key,
            without_url_password(value.into()),
            Provenance::new(self.file.clone()).with_key(src_key),
        );
    }

    /// Set a fact with a line number.
    pub fn set_at(&mut self, key: &str, value: impl Into<Value>, src_key: &str, line: usize) {
        self.facts.insert(
            key,
            without_url_password(value.into()),
            Provenance::new(self.file.clone())
                .with_key(src_key)
                .with_line(line as u64),
        );
    }

    /// A note about the file (nothing was lost).
    pub fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(SettingsWarning {
            file: self.file.clone(),
            line: None,
            message: crate::redact::text(&message.into()),
            dropped: false,
        });
    }

    /// Something in the file was not used: say what and why (with the line when known).
    pub fn dropped(&mut self, line: Option<usize>, message: impl Into<String>) {
        self.warnings.push(SettingsWarning {
            file: self.file.clone(),
            line,
            message: crate::redact::text(&message.into()),
            dropped: true,
        });
    }
}

/// A value with credentials (a URL or `user:pass@host` written with its password, a connection
/// string with `Password=`) keeps the rest and loses the password: settings facts never hold a
/// secret.
fn without_url_password(v: Value) -> Value {
    match v {
        Value::Str(s) => Value::Str(crate::redact::value(&s)),
        Value::List(l) => Value::List(l.iter().map(|s| crate::redact::value(s)).collect()),
        other => other,
    }
}

/// Server names are compared lower case, without a trailing dot or UNC slashes.
pub fn norm_fqdn(s: &str) -> String {
    s.trim()
        .trim_start_matches('\\')
        .trim_end_matches('\\')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

fn display(p: &Path) -> String {
    crate::source::display_path(p)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The kind of a settings file from its name and its text; `None` when it is none of ours.
pub fn detect(path: &Path, text: &str) -> Option<SettingsKind> {
    let name = file_name(path);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let head: String = t.chars().take(64 * 1024).collect();
    if name == "applicationhost.config"
        || (t.starts_with('<') && head.contains("system.applicationHost"))
    {
        return Some(SettingsKind::IisConfig);
    }
    if name.ends_with(".reg")
        || t.starts_with("Windows Registry Editor")
        || t.starts_with("REGEDIT4")
    {
        return Some(SettingsKind::RegExport);
    }
    // A .json is JSON even when it starts like a TOML table array (`[[`).
    if name.ends_with(".json") {
        return Some(SettingsKind::CmJson);
    }
    if t.starts_with('{') || t.starts_with('[') && !t.starts_with("[[") && head.contains('"') {
        let looks_cm = [
            "RoleName",
            "PropertyName",
            "ComponentName",
            "SiteCode",
            "Props",
        ]
        .iter()
        .any(|w| head.contains(w));
        if looks_cm || name.ends_with(".json") {
            return Some(SettingsKind::CmJson);
        }
    }
    // A .toml named explicitly is ours: its errors (typos) must be reported, not skipped.
    name.ends_with(".toml").then_some(SettingsKind::Toml)
}

/// Does a TOML text use the supdiag.toml tables (so a Cargo.toml or a rule file is not taken)?
fn looks_like_supdiag_toml(text: &str) -> bool {
    text.lines().map(str::trim).any(|l| {
        matches!(
            l,
            "[[site]]" | "[[sup]]" | "[[proxy]]" | "[sync]" | "[wsus]"
        )
    })
}

fn read_text(path: &Path) -> Result<String, SettingsError> {
    let shown = display(path);
    // A regular file of bounded size only: a FIFO or /dev/zero named as settings must not hang
    // the run or fill memory.
    let cannot = |e: std::io::Error| SettingsError::new(&shown, format!("cannot read: {e}"));
    let (_, meta) = crate::source::open::open_regular(path).map_err(cannot)?;
    if meta.len() > MAX_SETTINGS_BYTES {
        return Err(SettingsError::new(
            &shown,
            format!(
                "{} bytes is too big for a settings file (limit {MAX_SETTINGS_BYTES})",
                meta.len()
            ),
        ));
    }
    let bytes = crate::source::open::read_capped(path, MAX_SETTINGS_BYTES).map_err(cannot)?;
    let loaded = crate::source::decode::decode_bytes(bytes);
    Ok(loaded.text().to_string())
}

/// Is this file one of the settings files supdiag reads (by name and content)? Used to pick up
/// settings lying in analysed folders; rule files, Cargo.toml and other JSON are not. A file
/// named like one of ours that cannot be read is an error (reported, not skipped in silence).
pub fn candidate(path: &Path) -> Result<bool, SettingsError> {
    let name = file_name(path);
    if !crate::source::is_settings_name(&name) && !name.ends_with(".config") {
        return Ok(false);
    }
    let text = match read_text(path) {
        Ok(t) => t,
        // Only names that are ours for sure: an unreadable `x.json` is nobody's business.
        Err(e)
            if name == "supdiag.toml"
                || name == "applicationhost.config"
                || name.ends_with(".reg") =>
        {
            return Err(e)
        }
        Err(_) => return Ok(false),
    };
    Ok(match detect(path, &text) {
        Some(SettingsKind::CmJson) => cm_json::looks_like_cm(&text),
        Some(SettingsKind::RegExport) => reg_export::mentions_setup_key(&text),
        Some(SettingsKind::Toml) => name == "supdiag.toml" || looks_like_supdiag_toml(&text),
        Some(SettingsKind::IisConfig) => true,
        None => false,
    })
}

/// One settings file as read: what it gave and what went wrong (the report's
/// `settings_sources`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SettingsSource {
    pub path: String,
    /// Picked up in an analysed folder (not named with `--settings`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub found: bool,
    /// `toml`, `configmgr-json`, `applicationhost-config`, `reg-export`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    /// Settings values it gave.
    pub values: usize,
    /// Why none of it was used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<SettingsWarning>,
}

impl SettingsSource {
    /// A file that could not be used at all.
    pub fn failed(path: &str, found: bool, error: &SettingsError) -> SettingsSource {
        let message = match error.line {
            Some(l) => format!("line {l}: {}", error.message),
            None => error.message.clone(),
        };
        SettingsSource {
            path: path.to_string(),
            found,
            format: None,
            values: 0,
            error: Some(message),
            warnings: Vec::new(),
        }
    }

    /// Did anything in this file go unused (the file, a key, a value)?
    pub fn lost_anything(&self) -> bool {
        self.error.is_some() || self.warnings.iter().any(|w| w.dropped)
    }
}

impl SettingsKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SettingsKind::Toml => "toml",
            SettingsKind::CmJson => "configmgr-json",
            SettingsKind::IisConfig => "applicationhost-config",
            SettingsKind::RegExport => "reg-export",
        }
    }
}

/// Read one settings file and import it into facts (without the derived keys): the kind it was
/// read as, its facts and its warnings.
pub fn import_file(path: &Path) -> Result<Imported, SettingsError> {
    let shown = display(path);
    let text = read_text(path)?;
    let kind = detect(path, &text);
    import_text(path, &shown, &text).map(|r| (kind, r))
}

/// What [`import_file`] gives: the kind a settings file was read as, its facts and warnings.
pub type Imported = (Option<SettingsKind>, (FactStore, Vec<SettingsWarning>));

/// Import settings text; `path` decides the kind together with the text, `shown` names it.
pub fn import_text(
    path: &Path,
    shown: &str,
    text: &str,
) -> Result<(FactStore, Vec<SettingsWarning>), SettingsError> {
    // Password values are masked before anything parses the text: no error message, however
    // malformed the file, can quote one.
    let masked = crate::redact::assignments(text);
    let text = masked.as_str();
    let mut sink = Sink::new(shown);
    match detect(path, text) {
        Some(SettingsKind::Toml) => toml_schema::import(shown, text, &mut sink)?,
        Some(SettingsKind::CmJson) => cm_json::import(shown, text, &mut sink)?,
        Some(SettingsKind::IisConfig) => iis_config::import(shown, text, &mut sink)?,
        Some(SettingsKind::RegExport) => reg_export::import(shown, text, &mut sink)?,
        None => {
            return Err(SettingsError::new(
                shown,
                "not a settings file supdiag knows (expected supdiag.toml, ConfigMgr JSON from \
                 Get-CMSoftwareUpdatePoint & co., IIS applicationHost.config, or a .reg export of \
                 HKLM\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup)",
            ))
        }
    }
    if sink.facts.is_empty() {
        sink.dropped(None, "no settings found in this file");
    }
    Ok((sink.facts, sink.warnings))
}

/// Settings text that is not a file of its own: read live from the machine (registry values
/// rendered as a `.reg` export, applicationHost.config, ConfigMgr JSON). `name` is the file name
/// it has in a bundle (it decides the kind with the text), `shown` the provenance of its facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsText {
    pub name: String,
    pub shown: String,
    pub text: String,
}

/// Load every settings file into `config.*` facts. With `strict`, the first bad file is an error;
/// otherwise bad files are skipped with a warning. Adds the derived keys (`config.sites`,
/// `config.sups`, the unindexed `config.sup.*` / `config.proxy.*` copies) and, when sources
/// disagree, `settings.contradictions` (count) and `settings.contradiction_summary`.
pub fn load_settings(paths: &[PathBuf], strict: bool) -> Result<(FactStore, Vec<SettingsWarning>)> {
    let given: Vec<(PathBuf, bool)> = paths.iter().map(|p| (p.clone(), false)).collect();
    load_settings_with(&given, &[], strict)
}

/// [`load_settings`] with settings texts read live (see [`SettingsText`]) besides the files,
/// as warnings.
pub fn load_settings_with(
    files: &[(PathBuf, bool)],
    texts: &[SettingsText],
    strict: bool,
) -> Result<(FactStore, Vec<SettingsWarning>)> {
    let (facts, sources) = load_sources(files, texts, strict)?;
    let mut warnings = Vec::new();
    for s in sources {
        if let Some(e) = &s.error {
            warnings.push(SettingsWarning {
                file: s.path.clone(),
                line: None,
                message: format!("{e}; going on without this file"),
                dropped: true,
            });
        }
        warnings.extend(s.warnings);
    }
    Ok((facts, warnings))
}

/// [`load_settings`] for `(path, found in a folder)` pairs and live settings texts, telling per
/// source what it gave and what went wrong.
pub fn load_sources(
    files: &[(PathBuf, bool)],
    texts: &[SettingsText],
    strict: bool,
) -> Result<(FactStore, Vec<SettingsSource>)> {
    let mut facts = FactStore::new();
    let mut sources = Vec::new();
    let from_files = files
        .iter()
        .map(|(p, found)| (display(p), *found, import_file(p)));
    // Settings read live from this machine were found, not named.
    let live = texts.iter().map(|t| {
        let p = Path::new(&t.name);
        let imported = import_text(p, &t.shown, &t.text).map(|r| (detect(p, &t.text), r));
        (t.shown.clone(), true, imported)
    });
    for (shown, found, imported) in from_files.chain(live) {
        match imported {
            // With --strict, a dropped key or value is as bad as a bad file.
            Ok((_, (_, w))) if strict && w.iter().any(|w| w.dropped) => {
                let first = w.iter().find(|w| w.dropped).map(|w| SettingsError {
                    file: w.file.clone(),
                    line: w.line,
                    message: w.message.clone(),
                });
                if let Some(e) = first {
                    return Err(e.into());
                }
            }
            Ok((kind, (f, w))) => {
                sources.push(SettingsSource {
                    path: shown,
                    found,
                    format: kind.map(SettingsKind::as_str),
                    values: f.len(),
                    error: None,
                    warnings: w,
                });
                facts.extend(f);
            }
            Err(e) if strict => return Err(e.into()),
            Err(e) => sources.push(SettingsSource::failed(&shown, found, &e)),
        }
    }
    derive(&mut facts);
    let found = contradictions(&facts);
    if !found.is_empty() {
        let summary = found
            .iter()
            .map(Contradiction::describe)
            .collect::<Vec<_>>()
            .join("; ");
        let src = Provenance::new("settings").with_key("contradictions");
        facts.insert("settings.contradictions", found.len() as i64, src.clone());
        facts.insert("settings.contradiction_summary", summary, src);
    }
    Ok((facts, sources))
}

/// Bracketed object index of a key: `config.sup[x].y` → (`config.sup`, `x`, `y`).
fn split_indexed(key: &str) -> Option<(&str, &str, &str)> {
    let open = key.find('[')?;
    let close = open + key[open..].find(']')?;
    let field = key[close + 1..]
        .strip_prefix('.')
        .unwrap_or(&key[close + 1..]);
    Some((&key[..open], &key[open + 1..close], field))
}

fn first_bool(facts: &FactStore, key: &str) -> Option<bool> {
    facts.get(key).and_then(|f| f.value.as_bool())
}

fn first_str(facts: &FactStore, key: &str) -> Option<String> {
    facts.get(key).map(|f| f.value.to_string())
}

/// Derived keys: the lists of sites and SUPs, `top_level` of sites without one, and the unindexed
/// copies for the top-level sync-source SUP and its proxy (see `facts.md`).
pub fn derive(facts: &mut FactStore) {
    let mut sites: BTreeSet<String> = BTreeSet::new();
    let mut sups: BTreeSet<String> = BTreeSet::new();
    let mut proxies: BTreeSet<String> = BTreeSet::new();
    for f in facts.iter() {
        match split_indexed(&f.key) {
            Some(("config.site", code, _)) | Some(("config.site_server", code, _)) => {
                sites.insert(code.to_string());
            }
            Some(("config.sup", fqdn, field)) => {
                sups.insert(fqdn.to_string());
                if field == "site" {
                    sites.insert(f.value.to_string().to_ascii_uppercase());
                }
            }
            Some(("config.proxy", fqdn, _)) => {
                proxies.insert(fqdn.to_string());
            }
            _ => {}
        }
    }
    let derived = Provenance::new("settings").with_key("derived");
    if !sites.is_empty() {
        facts.insert(
            "config.sites",
            Value::List(sites.iter().cloned().collect()),
            derived.clone(),
        );
    }
    if !sups.is_empty() {
        facts.insert(
            "config.sups",
            Value::List(sups.iter().cloned().collect()),
            derived.clone(),
        );
    }
    let top_sites: Vec<&String> = sites
        .iter()
        .filter(|s| first_bool(facts, &format!("config.site[{s}].top_level")) == Some(true))
        .collect();
    fn site_of(facts: &FactStore, f: &str) -> Option<String> {
        first_str(facts, &format!("config.sup[{f}].site")).map(|s| s.to_ascii_uppercase())
    }
    let is_source = |f: &str| first_bool(facts, &format!("config.sup[{f}].sync_source"));
    let chosen: Option<String> = if sups.len() == 1 {
        sups.iter().next().cloned()
    } else {
        let in_top: Vec<&String> = sups
            .iter()
            .filter(|f| {
                top_sites.is_empty() || site_of(facts, f).is_some_and(|s| top_sites.contains(&&s))
            })
            .collect();
        // Marked sync source first; otherwise the first one (by name), so that a top-level SUP
        // wrongly marked as replica still gets checked.
        in_top
            .iter()
            .find(|f| is_source(f) == Some(true))
            .or_else(|| in_top.first())
            .map(|f| (*f).clone())
    };
    // Per-SUP derived keys: the HTTPS port WSUS pairs with the HTTP port, the role of its site.
    for fqdn in &sups {
        let http = facts
            .get(&format!("config.sup[{fqdn}].http_port"))
            .and_then(|f| f.value.as_int());
        if let Some(h) = http {
            let expected = if h == 80 { 443 } else { h + 1 };
            facts.insert(
                format!("config.sup[{fqdn}].expected_https_port"),
                expected,
                derived.clone(),
            );
        }
        if let Some(site) = site_of(facts, fqdn) {
            if let Some(role) = first_str(facts, &format!("config.site[{site}].role")) {
                facts.insert(
                    format!("config.sup[{fqdn}].site_role"),
                    role,
                    derived.clone(),
                );
            }
        }
    }
    if let Some(h) = facts
        .get("config.iis.http_port")
        .and_then(|f| f.value.as_int())
    {
        let expected = if h == 80 { 443 } else { h + 1 };
        facts.insert("config.iis.expected_https_port", expected, derived.clone());
    }
    let proxy_host = top_sites
        .iter()
        .filter_map(|s| first_str(facts, &format!("config.site_server[{s}]")))
        .find(|h| proxies.contains(h))
        .or_else(|| chosen.clone().filter(|c| proxies.contains(c)))
        .or_else(|| {
            (proxies.len() == 1)
                .then(|| proxies.iter().next().cloned())
                .flatten()
        });
    let mut copies: Vec<Fact> = Vec::new();
    for f in facts.iter() {
        match split_indexed(&f.key) {
            Some(("config.sup", fqdn, field))
                if Some(fqdn) == chosen.as_deref() && !field.is_empty() =>
            {
                copies.push(Fact {
                    key: format!("config.sup.{field}"),
                    ..f.clone()
                });
            }
            Some(("config.proxy", fqdn, field))
                if Some(fqdn) == proxy_host.as_deref() && !field.is_empty() =>
            {
                copies.push(Fact {
                    key: format!("config.proxy.{field}"),
                    ..f.clone()
                });
            }
            _ => {}
        }
    }
    if let Some(c) = &chosen {
        facts.insert("config.sup.server", c.as_str(), derived.clone());
    }
    for f in copies {
        facts.insert(f.key, f.value, f.source);
    }
}

/// One key with different values from different files.
#[derive(Clone, Debug, PartialEq)]
pub struct Contradiction {
    pub key: String,
    /// Each distinct value with the first source that gave it.
    pub values: Vec<(Value, Provenance)>,
}

impl Contradiction {
    pub fn describe(&self) -> String {
        let vals = self
            .values
            .iter()
            .map(|(v, p)| format!("{v} in {p}"))
            .collect::<Vec<_>>()
            .join(" vs ");
        format!("{}: {vals}", self.key)
    }
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

/// Keys set by two or more files to different values. The unindexed `config.sup.*` /
/// `config.proxy.*` copies are left out (their indexed originals are reported).
pub fn contradictions(facts: &FactStore) -> Vec<Contradiction> {
    let mut by_key: BTreeMap<&str, Vec<&Fact>> = BTreeMap::new();
    for f in facts.iter() {
        if !f.key.starts_with("config.") {
            continue;
        }
        if (f.key.starts_with("config.sup.") || f.key.starts_with("config.proxy."))
            && !f.key.contains('[')
        {
            continue;
        }
        by_key.entry(f.key.as_str()).or_default().push(f);
    }
    let mut out = Vec::new();
    for (key, list) in by_key {
        let files: BTreeSet<&str> = list.iter().map(|f| f.source.source.as_str()).collect();
        if files.len() < 2 {
            continue;
        }
        // Schedules come as text (supdiag.toml) or as tokens (CM JSON); only "none" versus
        // "some schedule" is comparable.
        let schedule = key == "config.sync.schedule";
        let mut values: Vec<(Value, Provenance)> = Vec::new();
        for f in list {
            let dup = values.iter().any(|(v, _)| {
                if schedule {
                    v.to_string().trim().is_empty() == f.value.to_string().trim().is_empty()
                } else {
                    same_value(v, &f.value)
                }
            });
            if !dup {
                values.push((f.value.clone(), f.source.clone()));
            }
        }
        if values.len() > 1 {
            out.push(Contradiction {
                key: key.to_string(),
                values,
            });
        }
    }
    out
}

#[cfg(test)]
mod sample_tests;
#[cfg(test)]
mod tests;
