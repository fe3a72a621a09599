//! Which live probes to run (only where the settings or arguments point), running them, and
//! turning their results into checklist lines. Every target is validated while the plan is
//! built, so a bad host or port stops the run before any connection.

use super::hierarchy::{proxy_key, sup_key, Hierarchy};
use super::{Check, CheckStatus};
use crate::facts::FactStore;
use crate::probe::internet::{self, Endpoint, DEFAULT_SYNC_ENDPOINT};
use crate::probe::proxy::ProxyUrl;
use crate::probe::{
    dns, http, parse_host_port, tcp, tls, validate_port, Host, Outcome, ProbeError, ProbeOptions,
    ProbeResult, Step,
};

/// Probe-related arguments of `supdiag precheck`.
#[derive(Clone, Debug, Default)]
pub struct ProbeArgs {
    /// `--proxy URL`.
    pub proxy: Option<String>,
    /// `--sync-endpoint HOST[:PORT]`; `None` = not given (use the settings or the default).
    pub sync_endpoint: Option<String>,
}

/// One SUP to probe.
#[derive(Clone, Debug)]
pub struct SupTarget {
    pub fqdn: Host,
    pub http_port: Option<u16>,
    pub https_port: Option<u16>,
    pub require_ssl: Option<bool>,
}

/// Everything `--probe` will contact.
#[derive(Clone, Debug)]
pub struct ProbePlan {
    pub sups: Vec<SupTarget>,
    pub endpoint: Result<Endpoint, String>,
    pub proxy: Result<ProxyUrl, String>,
}

fn origin(facts: &FactStore, key: &str) -> String {
    match facts.get(key) {
        Some(f) => format!("{key} from {}", f.source),
        None => key.to_string(),
    }
}

fn port_of(h: &Hierarchy<'_>, sup: &str, field: &str) -> Result<Option<u16>, ProbeError> {
    let key = sup_key(sup, field);
    match h.facts.get(&key) {
        None => Ok(None),
        Some(f) => match f.value.as_int() {
            Some(p) => validate_port(sup, p, &origin(h.facts, &key)).map(Some),
            None => Err(ProbeError::InvalidPort {
                host: sup.to_string(),
                port: -1,
                origin: format!(
                    "{}: {:?} is not a number",
                    origin(h.facts, &key),
                    f.value.to_string()
                ),
            }),
        },
    }
}

/// Endpoint from a URL (`https://wsus:8531`), for an upstream data source.
fn endpoint_from_url(url: &str, origin: &str) -> Result<Endpoint, ProbeError> {
    let bad = |reason: &str| ProbeError::InvalidUrl {
        url: url.to_string(),
        origin: origin.to_string(),
        reason: reason.to_string(),
    };
    let (scheme, rest) = url
        .trim()
        .split_once("://")
        .ok_or_else(|| bad("no scheme (http:// or https://)"))?;
    let tls = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        other => return Err(bad(&format!("scheme {other:?} is not http or https"))),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, port) = parse_host_port(authority, if tls { 443 } else { 80 }, origin)?;
    Ok(Endpoint { host, port, tls })
}

/// Check `--proxy` and `--sync-endpoint` alone, before settings are read.
pub fn validate_args(args: &ProbeArgs) -> Result<(), ProbeError> {
    if let Some(p) = &args.proxy {
        ProxyUrl::parse(p, "--proxy")?;
    }
    if let Some(e) = &args.sync_endpoint {
        parse_host_port(e, 443, "--sync-endpoint")?;
    }
    Ok(())
}

/// Build the plan; errors name the bad value and where it came from.
pub fn build(facts: &FactStore, args: &ProbeArgs) -> Result<ProbePlan, ProbeError> {
    let h = Hierarchy::new(facts);
    let mut sups = Vec::new();
    for sup in &h.sups {
        let fqdn = Host::parse(sup, &origin(facts, "config.sups"))?;
        sups.push(SupTarget {
            http_port: port_of(&h, sup, "http_port")?,
            https_port: port_of(&h, sup, "https_port")?,
            require_ssl: h.bool(&sup_key(sup, "require_ssl")),
            fqdn,
        });
    }
    let source = h.str("config.sync.source");
    let endpoint = match (&args.sync_endpoint, source.as_deref()) {
        (Some(e), _) => {
            let (host, port) = parse_host_port(e, 443, "--sync-endpoint")?;
            Ok(Endpoint { host, port, tls: true })
        }
        (None, Some("none")) => Err("the top-level site does not synchronize (disconnected); pass --sync-endpoint to probe anyway".to_string()),
        (None, Some("upstream")) => match h.str("config.sync.upstream_url").filter(|u| !u.is_empty()) {
            Some(url) => Ok(endpoint_from_url(&url, &origin(facts, "config.sync.upstream_url"))?),
            None => Err("upstream data source chosen but no URL set (config.sync.upstream_url)".to_string()),
        },
        (None, _) => {
            let (host, port) = parse_host_port(DEFAULT_SYNC_ENDPOINT, 443, "default sync endpoint")?;
            Ok(Endpoint { host, port, tls: true })
        }
    };
    let proxy = match &args.proxy {
        Some(p) => Ok(ProxyUrl::parse(p, "--proxy")?),
        None => settings_proxy(&h)?,
    };
    Ok(ProbePlan {
        sups,
        endpoint,
        proxy,
    })
}

/// The site system proxy of the top-level SUP when its sync uses one; `Err(reason)` otherwise.
fn settings_proxy(h: &Hierarchy<'_>) -> Result<Result<ProxyUrl, String>, ProbeError> {
    let Some(top) = h.top_sup() else {
        return Ok(Err(
            "no --proxy given and the top-level SUP is not known from the settings".into(),
        ));
    };
    if h.bool(&sup_key(&top, "use_proxy_for_sync")) != Some(true) {
        return Ok(Err(format!(
            "no --proxy given and {top} does not use a proxy for synchronization"
        )));
    }
    let nk = proxy_key(&top, "name");
    let Some(name) = h.str(&nk).filter(|n| !n.is_empty()) else {
        return Ok(Err(format!(
            "{top} uses a proxy for sync but no proxy name is set ({nk})"
        )));
    };
    let pk = proxy_key(&top, "port");
    let Some(port) = h.int(&pk) else {
        return Ok(Err(format!(
            "{top} uses a proxy for sync but no proxy port is set ({pk})"
        )));
    };
    let account = h.str(&proxy_key(&top, "account"));
    ProxyUrl::from_parts(&name, port, account.as_deref(), &origin(h.facts, &nk)).map(Ok)
}

/// What a probe result was part of: a SUP's client-facing checks, or one of the two internet
/// reachability checks (whose DNS/TCP sub-steps belong to them, not to the SUP checks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Sup,
    InternetDirect,
    InternetProxy,
}

/// A probe result with its group.
#[derive(Clone, Debug)]
pub struct Probed {
    pub group: Group,
    pub result: ProbeResult,
}

/// Run the plan, in order: per SUP DNS, TCP, TLS, HTTP; then internet direct and via proxy.
pub fn run(plan: &ProbePlan, opts: &ProbeOptions) -> Vec<Probed> {
    let mut sup_results = Vec::new();
    let strict = tls::strict_config(&opts.roots);
    for sup in &plan.sups {
        probe_sup(sup, opts, strict.as_ref().ok(), &mut sup_results);
    }
    let tag = |group: Group, v: Vec<ProbeResult>| {
        v.into_iter().map(move |result| Probed { group, result })
    };
    let mut out: Vec<Probed> = tag(Group::Sup, sup_results).collect();
    match &plan.endpoint {
        Ok(ep) => {
            out.extend(tag(Group::InternetDirect, internet::direct(ep, opts)));
            let px = match &plan.proxy {
                Ok(px) => internet::via_proxy(ep, px, opts),
                Err(why) => vec![ProbeResult::skipped(
                    Step::ProxyConnect,
                    ep.target(),
                    why.clone(),
                )],
            };
            out.extend(tag(Group::InternetProxy, px));
        }
        Err(why) => out.extend(tag(
            Group::InternetDirect,
            vec![ProbeResult::skipped(
                Step::InternetDirect,
                "sync endpoint",
                why.clone(),
            )],
        )),
    }
    out
}

fn probe_sup(
    sup: &SupTarget,
    opts: &ProbeOptions,
    strict: Option<&std::sync::Arc<rustls::ClientConfig>>,
    out: &mut Vec<ProbeResult>,
) {
    let name = sup.fqdn.as_str();
    let (dr, addrs) = dns::resolve(&sup.fqdn, sup.http_port.unwrap_or(80), opts.timeout);
    let dns_ok = dr.is_ok();
    out.push(dr);
    if !dns_ok {
        out.push(ProbeResult::skipped(
            Step::Tcp,
            name,
            "DNS failed, nothing to connect to",
        ));
        return;
    }
    let with_port = |p: u16| -> Vec<std::net::SocketAddr> {
        addrs
            .iter()
            .map(|a| std::net::SocketAddr::new(a.ip(), p))
            .collect()
    };
    // HTTP port: wuident.cab always goes over plain HTTP.
    let http_ok = match sup.http_port {
        None => {
            out.push(ProbeResult::skipped(
                Step::Tcp,
                name,
                "HTTP port unknown (config.sup[..].http_port)",
            ));
            false
        }
        Some(p) => {
            let (r, _) = tcp::probe(&sup.fqdn.with_port(p), &with_port(p), opts.timeout);
            let ok = r.is_ok();
            out.push(r);
            ok
        }
    };
    let ssl_not_used = sup.require_ssl == Some(false);
    let soften = |mut r: ProbeResult| {
        if ssl_not_used && r.outcome == Outcome::Fail {
            r.outcome = Outcome::Warn;
            r.detail
                .push_str(" (SSL is not required, so clients do not use this port yet)");
        }
        r
    };
    let mut https_ok = false;
    if let Some(p) = sup.https_port {
        let (r, stream) = tcp::probe(&sup.fqdn.with_port(p), &with_port(p), opts.timeout);
        out.push(soften(r));
        match stream {
            Some(s) => {
                let (r, rep) = tls::probe(&sup.fqdn, p, s, opts);
                https_ok = rep.handshake_ok && r.outcome == Outcome::Ok;
                out.push(soften(r));
            }
            None => out.push(ProbeResult::skipped(
                Step::Tls,
                sup.fqdn.with_port(p),
                "TCP connect failed",
            )),
        }
    } else if sup.require_ssl == Some(true) {
        out.push(ProbeResult::new(
            Step::Tls,
            name,
            Outcome::Fail,
            "'Require SSL' is on but no HTTPS port is set".into(),
        ));
    }
    // The web service URLs go where clients go: HTTPS when SSL is required, HTTP otherwise.
    for path in [http::WUSSERVERVERSION, http::WUIDENT, http::SIMPLEAUTH] {
        let use_tls = sup.require_ssl == Some(true) && path != http::WUIDENT;
        let port = if use_tls {
            sup.https_port
        } else {
            sup.http_port
        };
        let Some(port) = port else {
            out.push(ProbeResult::skipped(
                Step::Http,
                format!("{name}{path}"),
                "port unknown",
            ));
            continue;
        };
        let reachable = if use_tls { https_ok } else { http_ok };
        let target = http::GetTarget {
            host: &sup.fqdn,
            port,
            path,
            tls: if use_tls { strict.cloned() } else { None },
        };
        if !reachable || (use_tls && target.tls.is_none()) {
            let why = if use_tls {
                "the HTTPS port or its certificate failed above"
            } else {
                "the HTTP port is not reachable"
            };
            out.push(ProbeResult::skipped(Step::Http, target.url(), why));
            continue;
        }
        out.push(http::probe(&target, &with_port(port), opts.timeout));
    }
}

/// Checklist lines for probe results. Failures on the direct route are expected (info) when
/// the proxy route works: sync then goes through the proxy.
pub fn to_checks(probed: &[Probed]) -> Vec<Check> {
    let proxy_ok = probed
        .iter()
        .any(|p| p.result.step == Step::ProxyConnect && p.result.outcome == Outcome::Ok);
    probed
        .iter()
        .map(|p| {
            let r = &p.result;
            let id = match (p.group, r.step) {
                (Group::InternetDirect, _) => "precheck_probe_internet_direct",
                (Group::InternetProxy, _) => "precheck_probe_internet_proxy",
                (Group::Sup, Step::Dns) => "precheck_probe_dns",
                (Group::Sup, Step::Tcp) => "precheck_probe_tcp",
                (Group::Sup, Step::Tls) => "precheck_probe_tls",
                (Group::Sup, Step::Http) => "precheck_probe_http",
                (Group::Sup, Step::InternetDirect) => "precheck_probe_internet_direct",
                (Group::Sup, Step::ProxyConnect) => "precheck_probe_internet_proxy",
            };
            let mut status = match r.outcome {
                Outcome::Ok => CheckStatus::Pass,
                Outcome::Warn => CheckStatus::Warn,
                Outcome::Fail => CheckStatus::Fail,
                Outcome::Skipped => CheckStatus::Skipped,
            };
            let mut detail = r.detail.clone();
            if p.group == Group::InternetDirect && status == CheckStatus::Fail && proxy_ok {
                status = CheckStatus::Info;
                detail.push_str(" (expected: the proxy works, sync goes through it)");
            }
            let mut c = Check::new(id, status, Some(&r.target), detail);
            c.step = Some(r.step.as_str());
            c.duration_ms = (r.outcome != Outcome::Skipped).then_some(r.duration_ms);
            c.keys(r.facts.iter().map(|(k, _)| k.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Provenance, Value};

    fn facts(list: &[(&str, Value)]) -> FactStore {
        let mut s = FactStore::new();
        for (k, v) in list {
            s.insert(*k, v.clone(), Provenance::new("s.toml"));
        }
        s
    }

    #[test]
    fn invalid_settings_targets_error_before_connecting() {
        let f = facts(&[(
            "config.sup[bad host.contoso.com].http_port",
            Value::Int(8530),
        )]);
        let e = build(&f, &ProbeArgs::default()).expect_err("bad host");
        assert!(e.to_string().contains("bad host.contoso.com"), "{e}");
        let f = facts(&[("config.sup[sup.contoso.com].https_port", Value::Int(70000))]);
        let e = build(&f, &ProbeArgs::default())
            .expect_err("bad port")
            .to_string();
        assert!(e.contains("70000") && e.contains("s.toml"), "{e}");
        let args = ProbeArgs {
            proxy: Some("http://u:topsecret@proxy".into()),
            sync_endpoint: None,
        };
        let e = build(&FactStore::new(), &args)
            .expect_err("no port")
            .to_string();
        assert!(!e.contains("topsecret") && e.contains("u:***@"), "{e}");
    }

    #[test]
    fn endpoint_and_proxy_from_settings() {
        let f = facts(&[
            ("config.site[CAS].role", Value::Str("cas".into())),
            ("config.sup[cas.contoso.com].site", Value::Str("CAS".into())),
            (
                "config.sup[cas.contoso.com].use_proxy_for_sync",
                Value::Bool(true),
            ),
            (
                "config.proxy[cas.contoso.com].name",
                Value::Str("proxy.contoso.com".into()),
            ),
            ("config.proxy[cas.contoso.com].port", Value::Int(8080)),
            ("config.sync.source", Value::Str("upstream".into())),
            (
                "config.sync.upstream_url",
                Value::Str("https://wsus01.contoso.com:8531".into()),
            ),
        ]);
        let plan = build(&f, &ProbeArgs::default()).expect("valid");
        let ep = plan.endpoint.expect("endpoint");
        assert_eq!(
            (ep.host.as_str(), ep.port, ep.tls),
            ("wsus01.contoso.com", 8531, true)
        );
        assert_eq!(
            plan.proxy.map(|p| p.to_string()).ok().as_deref(),
            Some("http://proxy.contoso.com:8080")
        );
        assert_eq!(plan.sups.len(), 1);

        let plan = build(&FactStore::new(), &ProbeArgs::default()).expect("valid");
        assert_eq!(
            plan.endpoint.map(|e| e.target()).ok().as_deref(),
            Some("sws.update.microsoft.com:443")
        );
        assert!(plan.proxy.is_err());
    }

    #[test]
    fn direct_failure_is_info_when_proxy_works() {
        let p = |group, result| Probed { group, result };
        let results = vec![
            p(
                Group::Sup,
                ProbeResult::new(Step::Tcp, "sup:8530", Outcome::Fail, "refused".into()),
            ),
            p(
                Group::InternetDirect,
                ProbeResult::new(Step::Tcp, "sws:443", Outcome::Fail, "timeout".into()),
            ),
            p(
                Group::InternetDirect,
                ProbeResult::new(
                    Step::InternetDirect,
                    "sws:443",
                    Outcome::Fail,
                    "blocked".into(),
                ),
            ),
            p(
                Group::InternetProxy,
                ProbeResult::new(
                    Step::ProxyConnect,
                    "sws:443 via p",
                    Outcome::Ok,
                    "tunnel".into(),
                ),
            ),
        ];
        let checks = to_checks(&results);
        assert_eq!(
            (checks[0].id.as_str(), checks[0].status),
            ("precheck_probe_tcp", CheckStatus::Fail)
        );
        assert_eq!(
            (checks[1].id.as_str(), checks[1].status),
            ("precheck_probe_internet_direct", CheckStatus::Info)
        );
        assert_eq!(checks[2].status, CheckStatus::Info);
        assert_eq!(checks[2].step, Some("internet_direct"));
        assert_eq!(
            (checks[3].id.as_str(), checks[3].status),
            ("precheck_probe_internet_proxy", CheckStatus::Pass)
        );
    }
}
