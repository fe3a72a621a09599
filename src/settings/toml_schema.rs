//! The `supdiag.toml` schema (sites, SUPs, site system proxies, sync options, WSUS) and its import
//! into `config.*` facts.

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::{norm_fqdn, SettingsError, Sink};
use crate::facts::Value;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    #[serde(default)]
    pub site: Vec<Site>,
    #[serde(default)]
    pub sup: Vec<Sup>,
    #[serde(default)]
    pub proxy: Vec<Proxy>,
    #[serde(default)]
    pub sync: Option<SyncSettings>,
    #[serde(default)]
    pub wsus: Option<Wsus>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Cas,
    Primary,
    Secondary,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Cas => "cas",
            Role::Primary => "primary",
            Role::Secondary => "secondary",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub code: String,
    pub role: Role,
    pub parent: Option<String>,
    pub server: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ClientConnection {
    Intranet,
    Internet,
    Both,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sup {
    pub server: String,
    pub site: Option<String>,
    pub http_port: Option<u16>,
    pub https_port: Option<u16>,
    pub require_ssl: Option<bool>,
    pub client_connection: Option<ClientConnection>,
    pub connection_account: Option<String>,
    pub sync_source: Option<bool>,
    pub use_proxy_for_sync: Option<bool>,
    pub use_proxy_for_adr: Option<bool>,
    pub wsus_installed: Option<bool>,
    pub wsus_version: Option<String>,
    pub wsus_console_on_site_server: Option<bool>,
    /// Accepted only to be ignored with a warning: supdiag does not store secrets.
    #[serde(default, alias = "connection_password")]
    pub password: Option<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proxy {
    pub server: String,
    pub name: Option<String>,
    pub port: Option<u16>,
    pub account: Option<String>,
    pub enabled: Option<bool>,
    #[serde(default)]
    pub password: Option<IgnoredAny>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SyncSource {
    MicrosoftUpdate,
    Upstream,
    None,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SupersedenceMode {
    Immediately,
    Months,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncSettings {
    pub source: Option<SyncSource>,
    pub upstream_url: Option<String>,
    pub schedule: Option<String>,
    pub schedule_hours: Option<u32>,
    pub supersedence_mode: Option<SupersedenceMode>,
    pub supersedence_months: Option<u16>,
    pub products: Option<Vec<String>>,
    pub classifications: Option<Vec<String>>,
    pub languages: Option<Vec<String>>,
    pub reporting_events: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wsus {
    pub port: Option<u16>,
    pub using_ssl: Option<bool>,
    pub cert_name: Option<String>,
    pub content_dir: Option<String>,
    pub sql_server: Option<String>,
    pub mu_url: Option<String>,
}

/// Allowed keys per table, for "did you mean" and the error text (kept in sync by a test).
pub const ALLOWED: &[(&str, &[&str])] = &[
    ("", &["site", "sup", "proxy", "sync", "wsus"]),
    ("site", &["code", "role", "parent", "server"]),
    (
        "sup",
        &[
            "server",
            "site",
            "http_port",
            "https_port",
            "require_ssl",
            "client_connection",
            "connection_account",
            "sync_source",
            "use_proxy_for_sync",
            "use_proxy_for_adr",
            "wsus_installed",
            "wsus_version",
            "wsus_console_on_site_server",
        ],
    ),
    ("proxy", &["server", "name", "port", "account", "enabled"]),
    (
        "sync",
        &[
            "source",
            "upstream_url",
            "schedule",
            "schedule_hours",
            "supersedence_mode",
            "supersedence_months",
            "products",
            "classifications",
            "languages",
            "reporting_events",
        ],
    ),
    (
        "wsus",
        &[
            "port",
            "using_ssl",
            "cert_name",
            "content_dir",
            "sql_server",
            "mu_url",
        ],
    ),
];

/// The closest allowed key, when it is close enough to be a typo.
pub fn suggest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    allowed
        .iter()
        .map(|a| (strsim::levenshtein(&w, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The `[table]` / `[[table]]` header in force at `offset`.
fn table_at(text: &str, offset: usize) -> String {
    let head = text.get(..offset.min(text.len())).unwrap_or(text);
    head.lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string())
        .unwrap_or_default()
}

/// Turn a toml error into one naming the line, the key, a suggestion and the allowed keys.
pub(super) fn explain(file: &str, text: &str, e: &toml::de::Error) -> SettingsError {
    let offset = e.span().map(|s| s.start).unwrap_or(0);
    let line = line_of(text, offset);
    let mut msg = e.message().trim().to_string();
    if msg.is_empty() || msg.contains("character") {
        // A bad character (a NUL in a comment, for one): say which and where on the line (toml
        // gave no message at all for some of them).
        let col = offset
            - text
                .get(..offset)
                .and_then(|h| h.rfind('\n'))
                .map_or(0, |n| n + 1)
            + 1;
        let found = text
            .get(offset..)
            .and_then(|t| t.chars().next())
            .map(|c| format!(" {c:?}"))
            .unwrap_or_default();
        if msg.is_empty() {
            msg = "invalid character".into();
        }
        msg = format!("{msg} ({found} at column {col})").replace("( ", "(");
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("").to_string();
        let table = table_at(text, offset);
        let allowed = ALLOWED
            .iter()
            .find(|(t, _)| *t == table)
            .map(|(_, a)| *a)
            .unwrap_or(&[]);
        let place = if table.is_empty() {
            "at the top level".to_string()
        } else {
            format!("in [{table}]")
        };
        let mut message = format!("unknown key `{key}` {place}");
        if let Some(s) = suggest(&key, allowed) {
            message.push_str(&format!("; did you mean `{s}`?"));
        }
        message.push_str(&format!("; allowed keys: {}", allowed.join(", ")));
        return SettingsError::at(file, line, message);
    }
    // Wrong type or value: name the key written on that line and its table.
    let src_line = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let table = table_at(text, offset);
    match src_line.split_once('=') {
        Some((key, _)) if !key.trim().starts_with('[') => {
            let key = key.trim();
            let place = if table.is_empty() {
                String::new()
            } else {
                format!(" in [{table}]")
            };
            SettingsError::at(file, line, format!("key `{key}`{place}: {msg}"))
        }
        _ => SettingsError::at(file, line, msg),
    }
}

/// Parse the text of a supdiag.toml (no facts yet).
pub fn parse(file: &str, text: &str) -> Result<SettingsFile, SettingsError> {
    toml::from_str::<SettingsFile>(text).map_err(|e| explain(file, text, &e))
}

/// Import a supdiag.toml into facts. What cannot be used (an unknown key, a wrong value, an
/// entry without its server) is dropped with a warning; the rest is used.
pub fn import(file: &str, text: &str, sink: &mut Sink) -> Result<(), SettingsError> {
    let doc = super::toml_lenient::parse(file, text, sink)?;
    for site in &doc.site {
        let code = site.code.trim().to_ascii_uppercase();
        if code.is_empty() {
            sink.dropped(None, "[[site]] with an empty `code`; ignored");
            continue;
        }
        let k = |f: &str| format!("config.site[{code}].{f}");
        let src = |f: &str| format!("site[{code}].{f}");
        sink.set(&k("role"), site.role.as_str(), &src("role"));
        match site
            .parent
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(p) => {
                sink.set(&k("parent"), p.to_ascii_uppercase(), &src("parent"));
                sink.set(&k("top_level"), false, &src("parent"));
            }
            None if site.role == Role::Secondary => {
                sink.dropped(
                    None,
                    format!(
                        "[[site]] {code}: a secondary site needs a `parent`; its parent is unknown"
                    ),
                );
            }
            None => sink.set(&k("top_level"), true, &src("parent")),
        }
        if let Some(s) = site.server.as_deref().filter(|s| !s.trim().is_empty()) {
            sink.set(
                &format!("config.site_server[{code}]"),
                norm_fqdn(s),
                &src("server"),
            );
        }
    }
    for sup in &doc.sup {
        let fqdn = norm_fqdn(&sup.server);
        if fqdn.is_empty() {
            sink.dropped(None, "[[sup]] with an empty `server`; ignored");
            continue;
        }
        if sup.password.is_some() {
            sink.warn(format!(
                "[[sup]] {fqdn}: `password` ignored; supdiag does not store secrets"
            ));
        }
        let k = |f: &str| format!("config.sup[{fqdn}].{f}");
        let src = |f: &str| format!("sup[{fqdn}].{f}");
        let mut put = |f: &str, v: Option<Value>| {
            if let Some(v) = v {
                sink.set(&k(f), v, &src(f));
            }
        };
        put(
            "site",
            sup.site
                .as_ref()
                .map(|s| s.trim().to_ascii_uppercase().into()),
        );
        put("http_port", sup.http_port.map(|p| Value::Int(p.into())));
        put("https_port", sup.https_port.map(|p| Value::Int(p.into())));
        put("require_ssl", sup.require_ssl.map(Value::Bool));
        put(
            "client_connection",
            sup.client_connection.map(|c| {
                match c {
                    ClientConnection::Intranet => "intranet",
                    ClientConnection::Internet => "internet",
                    ClientConnection::Both => "both",
                }
                .into()
            }),
        );
        put(
            "connection_account",
            sup.connection_account.as_ref().map(|s| s.trim().into()),
        );
        put("sync_source", sup.sync_source.map(Value::Bool));
        put(
            "use_proxy_for_sync",
            sup.use_proxy_for_sync.map(Value::Bool),
        );
        put("use_proxy_for_adr", sup.use_proxy_for_adr.map(Value::Bool));
        put("wsus_installed", sup.wsus_installed.map(Value::Bool));
        put(
            "wsus_version",
            sup.wsus_version.as_ref().map(|s| s.trim().into()),
        );
        put(
            "wsus_console_on_site_server",
            sup.wsus_console_on_site_server.map(Value::Bool),
        );
    }
    for p in &doc.proxy {
        let fqdn = norm_fqdn(&p.server);
        if fqdn.is_empty() {
            sink.dropped(None, "[[proxy]] with an empty `server`; ignored");
            continue;
        }
        if p.password.is_some() {
            sink.warn(format!(
                "[[proxy]] {fqdn}: `password` ignored; supdiag does not store secrets"
            ));
        }
        let k = |f: &str| format!("config.proxy[{fqdn}].{f}");
        let src = |f: &str| format!("proxy[{fqdn}].{f}");
        let name = p.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if let Some(n) = name {
            sink.set(&k("name"), n, &src("name"));
        }
        if let Some(port) = p.port {
            sink.set(&k("port"), i64::from(port), &src("port"));
        }
        if let Some(a) = p
            .account
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            sink.set(&k("account"), a, &src("account"));
        }
        let enabled = p.enabled.unwrap_or(name.is_some());
        sink.set(&k("enabled"), enabled, &src("enabled"));
    }
    if let Some(s) = &doc.sync {
        import_sync(s, sink);
    }
    if let Some(w) = &doc.wsus {
        let mut put = |f: &str, v: Option<Value>| {
            if let Some(v) = v {
                sink.set(&format!("config.wsus.{f}"), v, &format!("wsus.{f}"));
            }
        };
        put("port", w.port.map(|p| Value::Int(p.into())));
        put("using_ssl", w.using_ssl.map(Value::Bool));
        put("cert_name", w.cert_name.as_ref().map(|s| s.trim().into()));
        put(
            "content_dir",
            w.content_dir.as_ref().map(|s| s.trim().into()),
        );
        put("sql_server", w.sql_server.as_ref().map(|s| s.trim().into()));
        put(
            "mu_url",
            w.mu_url
                .as_ref()
                .map(|s| s.trim().trim_end_matches('/').into()),
        );
    }
    Ok(())
}

fn import_sync(s: &SyncSettings, sink: &mut Sink) {
    let mut put = |key: &str, src: &str, v: Option<Value>| {
        if let Some(v) = v {
            sink.set(key, v, &format!("sync.{src}"));
        }
    };
    put(
        "config.sync.source",
        "source",
        s.source.map(|v| {
            match v {
                SyncSource::MicrosoftUpdate => "microsoft_update",
                SyncSource::Upstream => "upstream",
                SyncSource::None => "none",
            }
            .into()
        }),
    );
    put(
        "config.sync.upstream_url",
        "upstream_url",
        s.upstream_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(Into::into),
    );
    put(
        "config.sync.schedule",
        "schedule",
        s.schedule.as_ref().map(|v| v.trim().into()),
    );
    put(
        "config.sync.schedule_hours",
        "schedule_hours",
        s.schedule_hours.map(|h| Value::Int(h.into())),
    );
    put(
        "config.supersedence.mode",
        "supersedence_mode",
        s.supersedence_mode.map(|m| {
            match m {
                SupersedenceMode::Immediately => "immediately",
                SupersedenceMode::Months => "months",
            }
            .into()
        }),
    );
    put(
        "config.supersedence.months",
        "supersedence_months",
        s.supersedence_months.map(|m| Value::Int(m.into())),
    );
    put(
        "config.products",
        "products",
        s.products.clone().map(Value::List),
    );
    put(
        "config.classifications",
        "classifications",
        s.classifications.clone().map(Value::List),
    );
    put(
        "config.languages",
        "languages",
        s.languages.clone().map(Value::List),
    );
    put(
        "config.reporting_events",
        "reporting_events",
        s.reporting_events.map(Value::Bool),
    );
}
