//! Internet reachability for sync: from the machine running the probe (meant to be the
//! top-level SUP) to the sync endpoint, directly and through the proxy with `CONNECT`.

use std::time::Instant;

use super::proxy::{self, ProxyUrl};
use super::{dns, tcp, tls, Host, Outcome, ProbeOptions, ProbeResult, Step};

pub const DEFAULT_SYNC_ENDPOINT: &str = "sws.update.microsoft.com";

/// Where sync goes: Microsoft Update (`https://sws.update.microsoft.com`) or an upstream WSUS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub host: Host,
    pub port: u16,
    /// HTTPS (handshake checked) or plain HTTP (TCP connect only).
    pub tls: bool,
}

impl Endpoint {
    pub fn target(&self) -> String {
        self.host.with_port(self.port)
    }
}

/// Direct: DNS, TCP, then (for HTTPS) a verified TLS handshake. The last result carries
/// `probe.internet.direct_ok`.
pub fn direct(ep: &Endpoint, opts: &ProbeOptions) -> Vec<ProbeResult> {
    let target = ep.target();
    let mut out = Vec::new();
    let start = Instant::now();
    let (dr, addrs) = dns::resolve(&ep.host, ep.port, opts.timeout);
    let dns_ok = dr.is_ok();
    out.push(dr);
    let verdict = |outcome: Outcome, detail: String| {
        ProbeResult::new(Step::InternetDirect, &target, outcome, detail)
            .fact("probe.internet.direct_ok", outcome == Outcome::Ok)
            .timed(start)
    };
    if !dns_ok {
        out.push(ProbeResult::skipped(Step::Tcp, &target, "DNS failed"));
        out.push(verdict(
            Outcome::Fail,
            format!(
                "{} does not resolve from here: sync cannot work without a proxy that resolves it",
                ep.host
            ),
        ));
        return out;
    }
    let (tr, stream) = tcp::probe(&target, &addrs, opts.timeout);
    out.push(tr);
    let Some(stream) = stream else {
        out.push(verdict(
            Outcome::Fail,
            format!(
                "no direct TCP connection to {target}: a firewall blocks it or a proxy is required"
            ),
        ));
        return out;
    };
    if !ep.tls {
        out.push(verdict(
            Outcome::Ok,
            format!("TCP connection to {target} works (plain HTTP upstream, no TLS to check)"),
        ));
        return out;
    }
    let mut stream = stream;
    stream.restart();
    let res = tls::strict_config(&opts.roots)
        .map_err(|e| e.to_string())
        .and_then(|cfg| tls::connect_strict(&ep.host, stream, cfg));
    out.push(match res {
        Ok(s) => {
            let v = s
                .conn
                .protocol_version()
                .map(|v| format!("{v:?}"))
                .unwrap_or_default();
            verdict(Outcome::Ok, format!("verified TLS connection to {target} ({v})"))
        }
        Err(e) => verdict(
            Outcome::Fail,
            format!("TCP works but TLS to {target} fails: {e} (a TLS-inspecting firewall, or missing roots on this machine)"),
        ),
    });
    out
}

/// Through `proxy`: reach the proxy, `CONNECT` the endpoint, then a verified TLS handshake
/// inside the tunnel. The `ProxyConnect` result carries `probe.internet.proxy_ok` and
/// `probe.internet.proxy_status`.
pub fn via_proxy(ep: &Endpoint, px: &ProxyUrl, opts: &ProbeOptions) -> Vec<ProbeResult> {
    let target = ep.target();
    let shown = format!("{target} via {px}");
    let mut out = Vec::new();
    let start = Instant::now();
    let (dr, addrs) = dns::resolve(&px.host, px.port, opts.timeout);
    let dns_ok = dr.is_ok();
    out.push(dr);
    let fail = |detail: String| {
        ProbeResult::new(Step::ProxyConnect, &shown, Outcome::Fail, detail)
            .fact("probe.internet.proxy_ok", false)
            .timed(start)
    };
    if !dns_ok {
        out.push(fail(format!("the proxy name {} does not resolve", px.host)));
        return out;
    }
    let proxy_target = px.host.with_port(px.port);
    let (tr, stream) = tcp::probe(&proxy_target, &addrs, opts.timeout);
    out.push(tr);
    let Some(stream) = stream else {
        out.push(fail(format!("cannot reach the proxy {px} itself")));
        return out;
    };
    let answer = match proxy::connect(stream, px, &target) {
        Ok(a) => a,
        Err(e) => {
            out.push(fail(e));
            return out;
        }
    };
    let status_fact = ("probe.internet.proxy_status", i64::from(answer.status));
    let Some(tunnel) = answer.stream else {
        out.push(fail(answer.detail).fact(status_fact.0, status_fact.1));
        return out;
    };
    if !ep.tls {
        out.push(
            ProbeResult::new(Step::ProxyConnect, &shown, Outcome::Ok, answer.detail)
                .fact("probe.internet.proxy_ok", true)
                .fact(status_fact.0, status_fact.1)
                .timed(start),
        );
        return out;
    }
    let mut tunnel = tunnel;
    tunnel.restart();
    let res = tls::strict_config(&opts.roots)
        .map_err(|e| e.to_string())
        .and_then(|cfg| tls::connect_strict(&ep.host, tunnel, cfg));
    out.push(match res {
        Ok(_) => ProbeResult::new(
            Step::ProxyConnect,
            &shown,
            Outcome::Ok,
            format!("{}; verified TLS inside the tunnel", answer.detail),
        )
        .fact("probe.internet.proxy_ok", true)
        .fact(status_fact.0, status_fact.1)
        .timed(start),
        Err(e) => fail(format!(
            "{}, but TLS inside the tunnel fails: {e} (TLS inspection by the proxy? its CA must be trusted)",
            answer.detail
        ))
        .fact(status_fact.0, status_fact.1),
    });
    out
}
