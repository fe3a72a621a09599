//! Observed facts: what the logs show the site actually uses (`observed.*` keys of facts.md):
//! the WSUS server/port/SSL WCM connects to, the upstream it reports, the SUP URL clients got,
//! the site's place in the hierarchy, the sync endpoint and the proxy PatchDownloader uses.
//!
//! The extractors (kinds, literals, patterns, sample lines) are data, `observers/*.toml`
//! (`extractors.rs`); what their captures become is the code below, by extractor id.
//! [`Observer::feed`] runs on every event, so a case-insensitive literal prefilter decides first
//! whether any regex needs to run at all.

pub mod presence;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::event::{Event, LogKind};
use crate::facts::{FactStore, Provenance, Value};
use crate::matching::{Captures, Hit, LowerBuf, Prefilter, Target};
use crate::rules::finding::{truncate_text, MAX_CAPTURE_TEXT};
use crate::scan::FileInfo;

pub mod extractors;

use extractors::{Re, EXTRACTORS};

/// The number of each extractor the code below gives meaning to (its file is
/// `observers/<id>.toml`); the literal search leads to them as `Target::Extractor(n)`.
struct Ids {
    wcm_connect: u16,
    wcm_upstream: u16,
    client_wsus_path: u16,
    client_wua_server: u16,
    client_wu_server: u16,
    statmsg_site: u16,
    sync_start: u16,
    sync_notification: u16,
    sync_parent_synced: u16,
    sync_source_server: u16,
    sync_db_phase: u16,
    sync_endpoint_not_resolved: u16,
    sync_endpoint_actor: u16,
    patchdownloader_proxy: u16,
}

static IDS: LazyLock<Ids> = LazyLock::new(|| Ids {
    wcm_connect: extractors::index("wcm_connect"),
    wcm_upstream: extractors::index("wcm_upstream"),
    client_wsus_path: extractors::index("client_wsus_path"),
    client_wua_server: extractors::index("client_wua_server"),
    client_wu_server: extractors::index("client_wu_server"),
    statmsg_site: extractors::index("statmsg_site"),
    sync_start: extractors::index("sync_start"),
    sync_notification: extractors::index("sync_notification"),
    sync_parent_synced: extractors::index("sync_parent_synced"),
    sync_source_server: extractors::index("sync_source_server"),
    sync_db_phase: extractors::index("sync_db_phase"),
    sync_endpoint_not_resolved: extractors::index("sync_endpoint_not_resolved"),
    sync_endpoint_actor: extractors::index("sync_endpoint_actor"),
    patchdownloader_proxy: extractors::index("patchdownloader_proxy"),
});

/// Does extractor `n` read events of `kind`? Pastes (`other`) go to every extractor.
fn reads(n: usize, kind: LogKind) -> bool {
    kind == LogKind::Other || EXTRACTORS.get(n).is_some_and(|e| e.kinds.contains(&kind))
}

/// The literals (lower case) of the extractors of `kind`, each with its extractor as target:
/// the pipeline searches them in its one literal pass and hands the hits to
/// [`Observer::feed_hits`].
pub fn literals(kind: LogKind) -> Vec<(&'static str, Target)> {
    let mut out = Vec::new();
    for (n, e) in EXTRACTORS.iter().enumerate() {
        let Ok(target) = u16::try_from(n).map(Target::Extractor) else {
            continue;
        };
        if reads(n, kind) {
            out.extend(e.literals.iter().map(|l| (l.as_str(), target)));
        }
    }
    out
}

/// Literal index per kind (for [`Observer::feed`], which has no caller's scan to use).
static PREFILTERS: LazyLock<Vec<(LogKind, Prefilter)>> = LazyLock::new(|| {
    LogKind::KNOWN
        .iter()
        .copied()
        .chain([LogKind::Other])
        .map(|k| (k, Prefilter::build(literals(k))))
        .collect()
});

/// Pattern `i` of extractor `n`.
fn pattern(n: u16, i: usize) -> Option<&'static Re> {
    EXTRACTORS.get(usize::from(n))?.patterns.get(i)
}

/// The literal hits of one event, of the extractors that read its kind.
struct Seen<'h> {
    hits: &'h [Hit],
    kind: LogKind,
}

impl Seen<'_> {
    /// Did the literal search find a literal of extractor `n`?
    fn has(&self, n: u16) -> bool {
        reads(usize::from(n), self.kind)
            && self.hits.iter().any(|h| h.target == Target::Extractor(n))
    }

    /// The captures of extractor `n`'s pattern `i` in `msg`, tried only when the literal
    /// search found one of `n`'s literals.
    fn captured<'m>(&self, n: u16, i: usize, msg: &'m str) -> Option<Captures<'m>> {
        if !self.has(n) {
            return None;
        }
        let places = self
            .hits
            .iter()
            .filter_map(move |h| (h.target == Target::Extractor(n)).then_some(h.at as usize));
        pattern(n, i)?.captures_at(msg, places)
    }
}

/// A SUP URL as clients see it: host, port (explicit or the scheme default) and SSL.
pub fn parse_url(url: &str) -> Option<(String, i64, bool)> {
    let u = url.trim().trim_end_matches(['\'', '"', ',', '.']);
    let (ssl, rest) = if u
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    {
        (true, &u[8..])
    } else if u
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("http://"))
    {
        (false, &u[7..])
    } else {
        return None;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (authority, if ssl { 443 } else { 80 }),
    };
    if host.is_empty() {
        return None;
    }
    Some((host.to_ascii_lowercase(), port, ssl))
}

/// Distinct values kept per observed key (the most recent ones).
pub const MAX_VALUES_PER_KEY: usize = 64;

/// Collects `observed.*` facts from events. One per stream or per run; merge with
/// [`FactStore::extend`].
#[derive(Default)]
pub struct Observer {
    /// key → distinct values in order of last sighting (latest last).
    seen: BTreeMap<String, Vec<(Value, Provenance)>>,
    /// Set at `Starting Sync`: the next `Synchronizing WSUS server` names the sync source.
    /// `None` in a fork that has not seen either line yet (it depends on what came before).
    expect_source: Option<bool>,
    /// A fork's first `Synchronizing WSUS server` value seen while `expect_source` was unknown:
    /// it counts when the part before the fork ended expecting a source.
    source_if_expected: Option<(Value, Provenance)>,
    /// Reused buffer: the message, ASCII lower-cased (for [`Self::feed`]).
    lower: LowerBuf,
}

const SOURCE_KEY: &str = "observed.sync.source_server";

/// Observed strings are cut like captures (a hostile line must not land whole in a fact).
fn cut(v: Value) -> Value {
    match v {
        Value::Str(s) => Value::Str(truncate_text(&s, MAX_CAPTURE_TEXT)),
        v => v,
    }
}

impl Observer {
    pub fn new() -> Self {
        Observer {
            seen: BTreeMap::new(),
            expect_source: Some(true),
            source_if_expected: None,
            lower: LowerBuf::new(),
        }
    }

    /// An observer for a later part of the same stream; [`Self::join`] it back in input order.
    pub fn fork(&self) -> Observer {
        Observer {
            seen: BTreeMap::new(),
            expect_source: None,
            source_if_expected: None,
            lower: LowerBuf::new(),
        }
    }

    /// Take in what a fork saw; its part of the input comes after everything `self` saw.
    pub fn join(&mut self, later: Observer) {
        if let Some((v, prov)) = later.source_if_expected {
            match self.expect_source {
                Some(true) => self.put_value(SOURCE_KEY, v, prov),
                Some(false) => {}
                // Still unknown here too: the condition moves up to whoever joins `self`.
                None => self.source_if_expected = Some((v, prov)),
            }
            self.expect_source = Some(false);
        }
        for (key, values) in later.seen {
            for (v, prov) in values {
                self.put_value(&key, v, prov);
            }
        }
        if later.expect_source.is_some() {
            self.expect_source = later.expect_source;
        }
    }

    fn put(&mut self, key: &str, value: impl Into<Value>, file: &FileInfo<'_>, line: u64) {
        let value = cut(value.into());
        // The same value seen again in the same file (a log repeats its server, site and port
        // on every cycle): only the line of the latest sighting moves.
        let last = self.seen.get_mut(key).and_then(|slot| slot.last_mut());
        if let Some((v, prov)) = last {
            if *v == value && prov.source == file.input.display && prov.key.is_none() {
                prov.line = Some(line);
                return;
            }
        }
        let prov = Provenance::new(file.input.display.clone()).with_line(line);
        self.put_value(key, value, prov);
    }

    /// Record a sighting of an already cut value.
    fn put_value(&mut self, key: &str, value: Value, prov: Provenance) {
        let slot = match self.seen.get_mut(key) {
            Some(s) => s,
            None => self.seen.entry(key.to_string()).or_default(),
        };
        slot.retain(|(v, _)| *v != value);
        // A log naming a new host on every line must not grow this (and the time of `retain`)
        // without bound: the oldest sighting goes.
        if slot.len() >= MAX_VALUES_PER_KEY {
            slot.remove(0);
        }
        slot.push((value, prov));
    }

    /// Look at one event. Cheap when the message contains none of the literals.
    pub fn feed(&mut self, ev: &Event<'_>, file: &FileInfo<'_>) {
        let Some((_, index)) = PREFILTERS.iter().find(|(k, _)| *k == ev.kind) else {
            return;
        };
        let mut buf = std::mem::take(&mut self.lower);
        let mut hits = Vec::new();
        index.scan(buf.set(ev.message.as_bytes()), &mut hits);
        self.lower = buf;
        if !hits.is_empty() {
            self.feed_hits(ev, file, &hits);
        }
    }

    /// Look at an event given the literal hits of its message (the caller's own scan found
    /// them; hits of other targets, and of extractors that do not read this kind, are passed
    /// over).
    pub fn feed_hits(&mut self, ev: &Event<'_>, file: &FileInfo<'_>, hits: &[Hit]) {
        let msg: &str = &ev.message;
        let line = ev.line;
        let x = &*IDS;
        let seen = Seen {
            hits,
            kind: ev.kind,
        };
        if let Some(c) = seen.captured(x.wcm_connect, 0, msg) {
            let server = c[1].trim_end_matches('.').to_ascii_lowercase();
            self.put("observed.wcm.server", server, file, line);
            if let Ok(port) = c[2].parse::<i64>() {
                self.put("observed.wcm.port", port, file, line);
            }
            self.put(
                "observed.wcm.use_ssl",
                c[3].eq_ignore_ascii_case("true"),
                file,
                line,
            );
        }
        if let Some(c) = seen.captured(x.wcm_upstream, 0, msg) {
            let up = &c[1];
            if up.eq_ignore_ascii_case("Microsoft Update") {
                self.put("observed.wcm.upstream", "microsoft_update", file, line);
                self.put("observed.site.top_level", true, file, line);
            } else {
                let host = up.trim_end_matches(['.', ':']).to_ascii_lowercase();
                self.put("observed.wcm.upstream", host, file, line);
            }
        }
        let url = seen
            .captured(x.client_wsus_path, 0, msg)
            .or_else(|| seen.captured(x.client_wsus_path, 1, msg))
            .map(|c| c[1].to_string())
            .or_else(|| {
                seen.captured(x.client_wua_server, 0, msg)
                    .and_then(|c| c.get(1).or_else(|| c.get(2)).map(str::to_string))
            });
        if let Some(url) = url {
            if let Some((_, port, ssl)) = parse_url(&url) {
                self.put("observed.client.sup_url", url.as_str(), file, line);
                self.put("observed.client.sup_port", port, file, line);
                self.put("observed.client.sup_ssl", ssl, file, line);
            }
        }
        self.feed_wu_server(msg, file, line, &seen);
        if let Some(c) = seen.captured(x.statmsg_site, 0, msg) {
            if let Some(sys) = c.get(1) {
                let sys = sys.trim_end_matches('.').to_ascii_lowercase();
                self.put("observed.site.server", sys, file, line);
            }
            if let Some(site) = c.get(2).or_else(|| c.get(3)) {
                self.put("observed.site.code", site.to_ascii_uppercase(), file, line);
            }
        }
        self.feed_wsyncmgr(msg, file, line, &seen);
        let host = seen
            .captured(x.sync_endpoint_not_resolved, 0, msg)
            .or_else(|| seen.captured(x.sync_endpoint_actor, 0, msg))
            .map(|c| c[1].to_ascii_lowercase());
        if let Some(h) = host {
            // Only the top-level site's SUP talks to Microsoft Update's sync endpoint; child
            // sites and replicas sync from another SUP.
            if h.ends_with(".update.microsoft.com") {
                self.put("observed.site.top_level", true, file, line);
            }
            self.put("observed.sync.endpoint", h, file, line);
        }
        if let Some(c) = seen.captured(x.patchdownloader_proxy, 0, msg) {
            self.put(
                "observed.patchdownloader.proxy",
                c[1].to_ascii_lowercase(),
                file,
                line,
            );
        }
    }

    /// The WSUS server the client's Windows Update agent is pointed at: the first of
    /// `client_wu_server`'s patterns that matches, cut to scheme and authority (a scan's service
    /// URL names `/ClientWebService/client.asmx`).
    fn feed_wu_server(&mut self, msg: &str, file: &FileInfo<'_>, line: u64, seen: &Seen<'_>) {
        let n = IDS.client_wu_server;
        let count = EXTRACTORS
            .get(usize::from(n))
            .map_or(0, |e| e.patterns.len());
        let Some(url) = (0..count).find_map(|i| seen.captured(n, i, msg).map(|c| c[1].to_string()))
        else {
            return;
        };
        let url = url.trim_end_matches(['\'', '"', ',', '.']);
        let Some((_, port, ssl)) = parse_url(url) else {
            return;
        };
        let scheme_len = if ssl { 8 } else { 7 };
        let end = url[scheme_len..]
            .find(['/', '?'])
            .map_or(url.len(), |i| i + scheme_len);
        self.put("observed.client.wu_server", &url[..end], file, line);
        self.put("observed.client.wu_port", port, file, line);
        self.put("observed.client.wu_ssl", ssl, file, line);
    }

    fn feed_wsyncmgr(&mut self, msg: &str, file: &FileInfo<'_>, line: u64, seen: &Seen<'_>) {
        let x = &*IDS;
        if seen.has(x.sync_start) {
            self.expect_source = Some(true);
        }
        let notification = seen.has(x.sync_notification);
        let parent = notification
            .then(|| pattern(x.sync_notification, 0).and_then(|p| p.captures(msg)))
            .flatten()
            .or_else(|| seen.captured(x.sync_parent_synced, 0, msg))
            .map(|c| c[1].to_ascii_uppercase());
        if let Some(parent) = parent {
            self.put("observed.site.child_of", parent, file, line);
            self.put("observed.site.top_level", false, file, line);
        }
        let children = notification
            .then(|| seen.captured(x.sync_notification, 1, msg))
            .flatten();
        if let Some(c) = children {
            let list: Vec<String> = c[1]
                .split(',')
                .map(|s| s.trim().to_ascii_uppercase())
                .filter(|s| !s.is_empty())
                .collect();
            if !list.is_empty() {
                self.put("observed.site.children", Value::List(list), file, line);
            }
        }
        if self.expect_source != Some(false) {
            if let Some(c) = seen.captured(x.sync_source_server, 0, msg) {
                let s = c[1].trim_end_matches('.').to_ascii_lowercase();
                if self.expect_source == Some(true) {
                    self.put(SOURCE_KEY, s, file, line);
                } else {
                    let prov = Provenance::new(file.input.display.clone()).with_line(line);
                    self.source_if_expected = Some((cut(Value::from(s)), prov));
                }
                self.expect_source = Some(false);
            }
        }
        if seen.has(x.sync_db_phase) && pattern(x.sync_db_phase, 0).is_some_and(|p| p.is_match(msg))
        {
            self.put("observed.site.top_level", true, file, line);
        }
    }

    /// The collected facts. For each key the most recently seen value comes first (so
    /// `FactStore::get` gives the current state); older distinct values follow.
    pub fn into_facts(self) -> FactStore {
        let mut out = FactStore::new();
        for (key, values) in self.seen {
            for (v, prov) in values.into_iter().rev() {
                out.insert(key.as_str(), v, prov);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Format;
    use crate::source::InputFile;

    fn input(name: &str) -> InputFile {
        InputFile {
            path: name.into(),
            display: name.to_string(),
            kind_hint: None,
            host: None,
        }
    }

    fn feed_all(obs: &mut Observer, kind: LogKind, file: &InputFile, lines: &[&str]) {
        let info = FileInfo {
            id: 0,
            input: file,
            kind,
            format: Format::Plain,
        };
        for (i, l) in lines.iter().enumerate() {
            let ev = Event::new(0, i as u64 + 1, kind, Format::Plain, l);
            obs.feed(&ev, &info);
        }
    }

    fn get(s: &FactStore, k: &str) -> Option<Value> {
        s.get(k).map(|f| f.value.clone())
    }

    #[test]
    fn wcm_connection_and_upstream() {
        let f = input("logs/WCM.log");
        let mut o = Observer::new();
        feed_all(
            &mut o,
            LogKind::Wcm,
            &f,
            &[
                "Checking for supported version of WSUS (min WSUS 4.0)",
                "Attempting connection to WSUS server: CM01.contoso.com, port: 8531, useSSL: True",
                "No changes - WSUS Server settings are correctly configured and Upstream Server is set to Microsoft Update",
            ],
        );
        let s = o.into_facts();
        assert_eq!(
            get(&s, "observed.wcm.server"),
            Some(Value::Str("cm01.contoso.com".into()))
        );
        assert_eq!(get(&s, "observed.wcm.port"), Some(Value::Int(8531)));
        assert_eq!(get(&s, "observed.wcm.use_ssl"), Some(Value::Bool(true)));
        assert_eq!(
            get(&s, "observed.wcm.upstream"),
            Some(Value::Str("microsoft_update".into()))
        );
        assert_eq!(get(&s, "observed.site.top_level"), Some(Value::Bool(true)));
        let prov = &s.all("observed.wcm.port")[0].source;
        assert_eq!((prov.source.as_str(), prov.line), ("logs/WCM.log", Some(2)));
    }

    #[test]
    fn values_are_bounded_in_size_and_number() {
        let f = input("WCM.log");
        let mut o = Observer::new();
        let lines: Vec<String> = (0..1000)
            .map(|i| {
                format!("Attempting connection to WSUS server: h{i}.contoso.com, port: 8530, useSSL: False")
            })
            .chain([format!(
                "Attempting connection to WSUS server: {}.com, port: 8530, useSSL: False",
                "a".repeat(100_000)
            )])
            .collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        feed_all(&mut o, LogKind::Wcm, &f, &refs);
        let s = o.into_facts();
        let all = s.all("observed.wcm.server");
        assert_eq!(all.len(), MAX_VALUES_PER_KEY);
        // The latest first, cut with a marker; the oldest sightings went.
        let latest = all[0].value.to_string();
        assert!(
            latest.len() < 400 && latest.contains("[truncated, 100004 bytes]"),
            "{latest}"
        );
        assert_eq!(all[1].value.to_string(), "h999.contoso.com");
        assert!(!all.iter().any(|f| f.value.to_string() == "h0.contoso.com"));
    }

    #[test]
    fn latest_value_comes_first() {
        let f = input("WCM.log");
        let mut o = Observer::new();
        feed_all(
            &mut o,
            LogKind::Wcm,
            &f,
            &[
                "Attempting connection to WSUS server: cm01.contoso.com, port: 8530, useSSL: False",
                "Attempting connection to WSUS server: cm01.contoso.com, port: 8531, useSSL: True",
            ],
        );
        let s = o.into_facts();
        assert_eq!(get(&s, "observed.wcm.port"), Some(Value::Int(8531)));
        assert_eq!(s.all("observed.wcm.port").len(), 2);
    }

    #[test]
    fn client_urls() {
        let f = input("LocationServices.log");
        let mut o = Observer::new();
        feed_all(
            &mut o,
            LogKind::LocationServices,
            &f,
            &["Calling back with the following WSUS locations~WSUS Path='http://PS1SITE.CONTOSO.COM:8530', Server='PS1SITE.CONTOSO.COM', Version='38'"],
        );
        let s = o.into_facts();
        assert_eq!(get(&s, "observed.client.sup_port"), Some(Value::Int(8530)));
        assert_eq!(get(&s, "observed.client.sup_ssl"), Some(Value::Bool(false)));
        let mut o = Observer::new();
        feed_all(
            &mut o,
            LogKind::WuaHandler,
            &input("WUAHandler.log"),
            &["Enabling WUA Managed server policy to use server: https://sup01.contoso.com"],
        );
        let s = o.into_facts();
        assert_eq!(get(&s, "observed.client.sup_port"), Some(Value::Int(443)));
        assert_eq!(get(&s, "observed.client.sup_ssl"), Some(Value::Bool(true)));
    }

    #[test]
    fn wsyncmgr_hierarchy_source_and_endpoint() {
        let f = input("wsyncmgr.log");
        let mut o = Observer::new();
        feed_all(
            &mut o,
            LogKind::Wsyncmgr,
            &f,
            &[
                "Found parent sync notification file CAS.SYN.",
                "Starting Sync",
                "Synchronizing WSUS server sup01.contoso.com ...",
                "Synchronizing WSUS server sup02.contoso.com ...",
                "Sending sync notification to child site(s): PS1, PS2",
                "Sync failed: UssCommunicationError: WebException: The remote name could not be resolved: 'sws.update.microsoft.com'~~at System.Net.HttpWebRequest.GetRequestStream. Source: Microsoft.UpdateServices.ServerSyncWebServices.Client.ServerSyncProxy.GetAuthConfig",
            ],
        );
        let s = o.into_facts();
        assert_eq!(
            get(&s, "observed.site.child_of"),
            Some(Value::Str("CAS".into()))
        );
        assert_eq!(
            get(&s, "observed.sync.source_server"),
            Some(Value::Str("sup01.contoso.com".into()))
        );
        assert_eq!(s.all("observed.sync.source_server").len(), 1);
        assert_eq!(
            get(&s, "observed.site.children"),
            Some(Value::List(vec!["PS1".into(), "PS2".into()]))
        );
        assert_eq!(
            get(&s, "observed.sync.endpoint"),
            Some(Value::Str("sws.update.microsoft.com".into()))
        );
        // Latest sighting (MU endpoint at line 6) wins over the child marker at line 1.
        assert_eq!(get(&s, "observed.site.top_level"), Some(Value::Bool(true)));
    }

    #[test]
    fn prefilter_skips_unrelated_lines_and_kinds_gate() {
        let mut o = Observer::new();
        feed_all(
            &mut o,
            LogKind::Wsyncmgr,
            &input("wsyncmgr.log"),
            &[
                "Sync succeeded. Setting sync alert to canceled state on site PS1",
                // WCM text in wsyncmgr.log is not a WCM observation.
                "Attempting connection to WSUS server: x.contoso.com, port: 80, useSSL: False",
            ],
        );
        assert!(o.into_facts().is_empty());
    }

    #[test]
    fn patchdownloader_proxy() {
        let mut o = Observer::new();
        feed_all(
            &mut o,
            LogKind::PatchDownloader,
            &input("PatchDownloader.log"),
            &["Using proxy server proxy.contoso.com:8080 for download"],
        );
        let s = o.into_facts();
        assert_eq!(
            get(&s, "observed.patchdownloader.proxy"),
            Some(Value::Str("proxy.contoso.com:8080".into()))
        );
    }

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("http://PS1SITE.CONTOSO.COM:8530"),
            Some(("ps1site.contoso.com".into(), 8530, false))
        );
        assert_eq!(
            parse_url("HTTPS://sup.contoso.com/"),
            Some(("sup.contoso.com".into(), 443, true))
        );
        assert_eq!(parse_url("sup.contoso.com:8530"), None);
        assert_eq!(parse_url("http://:80"), None);
        assert_eq!(parse_url("http://a:notaport"), None);
    }
}
