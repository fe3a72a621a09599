//! Probes against servers started on 127.0.0.1 by the test: WSUS-like HTTP, rustls HTTPS with
//! right/wrong/expired certificates, a closed port and CONNECT proxies (200, 407, 502).

// Its dev-dependencies (proptest, jsonschema, rcgen) are not built for Windows: the Windows test
// build under Wine (.ci/windows.sh) runs the CLI tests, and these run on the Linux build.
#![cfg(not(windows))]

mod probe_support;

use std::time::Duration;

use probe_support::*;
use supdiag::facts::{FactStore, Provenance, Value};
use supdiag::precheck::plan::{self, ProbeArgs};
use supdiag::probe::internet::{self, Endpoint};
use supdiag::probe::proxy::ProxyUrl;
use supdiag::probe::{self, tcp, tls, Host, Outcome, ProbeOptions, ProbeResult, Step};

const T: f64 = 2.0;

fn opts(ca: &Ca) -> ProbeOptions {
    ProbeOptions::new(T, Some(&ca.path())).expect("options")
}

fn localhost() -> Host {
    Host::parse("localhost", "test").expect("valid")
}

/// The plain-HTTP GET of WSUS's server-version page that clients make, against `addr`.
fn get_server_version(addr: std::net::SocketAddr, timeout: Duration) -> ProbeResult {
    let h = localhost();
    let t = supdiag::probe::http::GetTarget {
        host: &h,
        port: addr.port(),
        path: supdiag::probe::http::WUSSERVERVERSION,
        tls: None,
    };
    supdiag::probe::http::probe(&t, &[addr], timeout)
}

fn tls_probe(
    ca: &Ca,
    addr: std::net::SocketAddr,
    o: &ProbeOptions,
) -> (ProbeResult, tls::TlsReport) {
    let _ = ca;
    let (r, s) = tcp::probe("t", &[addr], Duration::from_secs(2));
    assert_eq!(r.outcome, Outcome::Ok, "{}", r.detail);
    tls::probe(&localhost(), addr.port(), s.expect("stream"), o)
}

fn fact(r: &ProbeResult, suffix: &str) -> Option<Value> {
    r.facts
        .iter()
        .find(|(k, _)| k.ends_with(suffix))
        .map(|(_, v)| v.clone())
}

#[test]
fn tls_right_name_trusted() {
    let ca = Ca::new();
    let addr = tls_server(ca.leaf(&["localhost"], false));
    let o = opts(&ca);
    let (r, rep) = tls_probe(&ca, addr, &o);
    assert_eq!(r.outcome, Outcome::Ok, "{}", r.detail);
    assert_eq!(rep.trusted, Some(true));
    assert_eq!(rep.name_ok, Some(true));
    assert_eq!(rep.expired, Some(false));
    assert_eq!(rep.version.as_deref(), Some("TLS 1.3"));
    assert_eq!(fact(&r, ".name_ok"), Some(Value::Bool(true)));
    assert_eq!(fact(&r, "].ok"), Some(Value::Bool(true)));
    assert_eq!(r.target, format!("localhost:{}", addr.port()));
}

#[test]
fn tls_wrong_name_says_why() {
    let ca = Ca::new();
    let addr = tls_server(ca.leaf(&["wsus.contoso.com"], false));
    let (r, rep) = tls_probe(&ca, addr, &opts(&ca));
    assert_eq!(r.outcome, Outcome::Fail);
    assert_eq!(rep.name_ok, Some(false));
    assert_eq!(
        rep.trusted,
        Some(true),
        "chain is fine, only the name is wrong"
    );
    assert!(
        r.detail.contains("wsus.contoso.com, not localhost"),
        "{}",
        r.detail
    );
    assert_eq!(fact(&r, "].ok"), Some(Value::Bool(false)));
}

#[test]
fn tls_expired_says_why() {
    let ca = Ca::new();
    let addr = tls_server(ca.leaf(&["localhost"], true));
    let (r, rep) = tls_probe(&ca, addr, &opts(&ca));
    assert_eq!(r.outcome, Outcome::Fail);
    assert_eq!(rep.expired, Some(true));
    assert_eq!(rep.name_ok, Some(true));
    assert!(r.detail.contains("expired on 2001-01-01"), "{}", r.detail);
}

#[test]
fn tls_untrusted_issuer() {
    let ca = Ca::new();
    let other = Ca::named("some other CA");
    let addr = tls_server(ca.leaf(&["localhost"], false));
    // Trust a different CA: the chain cannot be verified, name and dates still are.
    let (r, rep) = tls_probe(&ca, addr, &opts(&other));
    assert_eq!(r.outcome, Outcome::Fail);
    assert_eq!(rep.trusted, Some(false));
    assert_eq!(rep.name_ok, Some(true));
    assert!(r.detail.contains("issuer not trusted"), "{}", r.detail);
    assert_eq!(fact(&r, ".trusted"), Some(Value::Bool(false)));
}

#[test]
fn tls_on_plain_http_port_fails_cleanly() {
    let ca = Ca::new();
    let addr = http_server(wsus_status);
    let (r, rep) = tls_probe(&ca, addr, &opts(&ca));
    assert_eq!(r.outcome, Outcome::Fail);
    assert!(!rep.handshake_ok);
    assert!(r.detail.starts_with("handshake failed"), "{}", r.detail);
}

fn sup_facts(http_port: u16, https_port: u16, require_ssl: bool) -> FactStore {
    let mut f = FactStore::new();
    let p = || Provenance::new("test.toml");
    f.insert("config.sup[localhost].site", "PS1", p());
    f.insert("config.sup[localhost].http_port", i64::from(http_port), p());
    f.insert(
        "config.sup[localhost].https_port",
        i64::from(https_port),
        p(),
    );
    f.insert("config.sup[localhost].require_ssl", require_ssl, p());
    f
}

#[test]
fn sup_probes_http_and_https_like_clients() {
    let ca = Ca::new();
    let http = http_server(wsus_status);
    let https = tls_server(ca.leaf(&["localhost"], false));
    let closed = closed_port();
    let mut facts = sup_facts(http.port(), https.port(), true);
    let args = ProbeArgs {
        proxy: None,
        sync_endpoint: Some(format!("localhost:{}", closed.port())),
    };
    let plan = plan::build(&facts, &args).expect("plan");
    let results: Vec<ProbeResult> = plan::run(&plan, &opts(&ca))
        .into_iter()
        .map(|p| p.result)
        .collect();
    probe::add_facts(&mut facts, &results);

    let get = |k: &str| facts.get(k).map(|f| f.value.clone());
    let hp = http.port();
    let sp = https.port();
    assert_eq!(get("probe.dns[localhost].ok"), Some(Value::Bool(true)));
    assert_eq!(
        get(&format!("probe.tcp[localhost:{hp}].ok")),
        Some(Value::Bool(true))
    );
    assert_eq!(
        get(&format!("probe.tls[localhost:{sp}].name_ok")),
        Some(Value::Bool(true))
    );
    assert_eq!(
        get(&format!(
            "probe.http[https://localhost:{sp}/ClientWebService/wusserverversion.xml].status"
        )),
        Some(Value::Int(200))
    );
    // SelfUpdate goes over plain HTTP even with SSL required.
    assert_eq!(
        get(&format!(
            "probe.http[http://localhost:{hp}/Selfupdate/wuident.cab].status"
        )),
        Some(Value::Int(200))
    );
    assert_eq!(
        get(&format!(
            "probe.http[https://localhost:{sp}/SimpleAuthWebService/SimpleAuth.asmx].status"
        )),
        Some(Value::Int(401))
    );
    // The "internet" endpoint is a closed local port here.
    assert_eq!(get("probe.internet.direct_ok"), Some(Value::Bool(false)));
    let http_results: Vec<&ProbeResult> = results.iter().filter(|r| r.step == Step::Http).collect();
    assert_eq!(http_results.len(), 3);
    assert!(
        http_results.iter().all(|r| r.outcome == Outcome::Ok),
        "{http_results:#?}"
    );
    // The proxy probe is skipped with a reason, not silently dropped.
    let px = results
        .iter()
        .find(|r| r.step == Step::ProxyConnect)
        .expect("proxy line");
    assert_eq!(px.outcome, Outcome::Skipped);
    assert!(px.detail.contains("no --proxy"), "{}", px.detail);
}

#[test]
fn sup_with_closed_ports_and_missing_vdir() {
    let ca = Ca::new();
    let http = http_server(|_| 404);
    let closed = closed_port();
    let facts = sup_facts(http.port(), closed.port(), false);
    let args = ProbeArgs {
        proxy: None,
        sync_endpoint: Some(format!("localhost:{}", closed.port())),
    };
    let plan = plan::build(&facts, &args).expect("plan");
    let results: Vec<ProbeResult> = plan::run(&plan, &opts(&ca))
        .into_iter()
        .map(|p| p.result)
        .collect();
    let tcp_https = results
        .iter()
        .find(|r| r.step == Step::Tcp && r.target.ends_with(&format!(":{}", closed.port())))
        .expect("https tcp");
    // SSL not required: a closed HTTPS port is a warning, not a failure.
    assert_eq!(tcp_https.outcome, Outcome::Warn, "{}", tcp_https.detail);
    assert!(tcp_https.detail.contains("refused"), "{}", tcp_https.detail);
    let tls = results
        .iter()
        .find(|r| r.step == Step::Tls)
        .expect("tls line");
    assert_eq!(tls.outcome, Outcome::Skipped);
    let gets: Vec<&ProbeResult> = results.iter().filter(|r| r.step == Step::Http).collect();
    assert_eq!(gets.len(), 3);
    assert!(
        gets.iter()
            .all(|r| r.outcome == Outcome::Fail && r.detail.contains("vdir")),
        "{gets:#?}"
    );
}

#[test]
fn http_503_explained_as_wsuspool() {
    let addr = http_server(|_| 503);
    let r = get_server_version(addr, Duration::from_secs(2));
    assert_eq!(r.outcome, Outcome::Fail);
    assert!(r.detail.contains("WsusPool"), "{}", r.detail);
    assert_eq!(r.facts[0].1, Value::Int(503));
}

fn endpoint(addr: std::net::SocketAddr) -> Endpoint {
    Endpoint {
        host: localhost(),
        port: addr.port(),
        tls: true,
    }
}

fn last_fact(results: &[ProbeResult], key: &str) -> Option<Value> {
    results
        .iter()
        .flat_map(|r| r.facts.iter())
        .rfind(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
}

#[test]
fn internet_direct_ok_and_closed() {
    let ca = Ca::new();
    let o = opts(&ca);
    let good = tls_server(ca.leaf(&["localhost"], false));
    let r = internet::direct(&endpoint(good), &o);
    assert_eq!(
        last_fact(&r, "probe.internet.direct_ok"),
        Some(Value::Bool(true))
    );
    let r = internet::direct(&endpoint(closed_port()), &o);
    assert_eq!(
        last_fact(&r, "probe.internet.direct_ok"),
        Some(Value::Bool(false))
    );
    let last = r.last().expect("verdict");
    assert_eq!(last.step, Step::InternetDirect);
    assert!(last.detail.contains("firewall"), "{}", last.detail);
}

#[test]
fn proxy_connect_200_tunnels_and_verifies_tls() {
    let ca = Ca::new();
    let o = opts(&ca);
    let target = tls_server(ca.leaf(&["localhost"], false));
    let px = proxy_server(200);
    let url = ProxyUrl::parse(&format!("http://127.0.0.1:{}", px.port()), "test").expect("url");
    let r = internet::via_proxy(&endpoint(target), &url, &o);
    let last = r.last().expect("verdict");
    assert_eq!(last.outcome, Outcome::Ok, "{}", last.detail);
    assert_eq!(
        last_fact(&r, "probe.internet.proxy_ok"),
        Some(Value::Bool(true))
    );
    assert_eq!(
        last_fact(&r, "probe.internet.proxy_status"),
        Some(Value::Int(200))
    );
}

#[test]
fn proxy_connect_407_sends_credentials_and_never_shows_password() {
    let ca = Ca::new();
    let (px, heads) = proxy_407_recording();
    let url = ProxyUrl::parse(
        &format!("http://svc:Pa%40ss@127.0.0.1:{}", px.port()),
        "test",
    )
    .expect("url");
    let r = internet::via_proxy(&endpoint(closed_port()), &url, &opts(&ca));
    let last = r.last().expect("verdict");
    assert_eq!(last.outcome, Outcome::Fail);
    assert_eq!(
        last_fact(&r, "probe.internet.proxy_status"),
        Some(Value::Int(407))
    );
    assert_eq!(
        last_fact(&r, "probe.internet.proxy_ok"),
        Some(Value::Bool(false))
    );
    assert!(
        last.detail.contains("account svc was refused"),
        "{}",
        last.detail
    );
    for x in &r {
        assert!(
            !x.detail.contains("Pa@ss")
                && !x.target.contains("Pa@ss")
                && !x.target.contains("Pa%40ss")
        );
    }
    let head = heads
        .recv_timeout(Duration::from_secs(2))
        .expect("CONNECT seen");
    // base64("svc:Pa@ss")
    assert!(
        head.contains("Proxy-Authorization: Basic c3ZjOlBhQHNz"),
        "{head}"
    );
    assert!(head.starts_with("CONNECT localhost:"), "{head}");
}

#[test]
fn proxy_connect_502_cannot_reach() {
    let ca = Ca::new();
    let px = proxy_server(502);
    let url = ProxyUrl::parse(&format!("127.0.0.1:{}", px.port()), "test").expect("url");
    let r = internet::via_proxy(&endpoint(closed_port()), &url, &opts(&ca));
    let last = r.last().expect("verdict");
    assert_eq!(last.outcome, Outcome::Fail);
    assert!(last.detail.contains("cannot reach"), "{}", last.detail);
    assert_eq!(
        last_fact(&r, "probe.internet.proxy_status"),
        Some(Value::Int(502))
    );
}

#[test]
fn proxy_itself_unreachable() {
    let ca = Ca::new();
    let px = closed_port();
    let url = ProxyUrl::parse(&format!("127.0.0.1:{}", px.port()), "test").expect("url");
    let r = internet::via_proxy(&endpoint(closed_port()), &url, &opts(&ca));
    let last = r.last().expect("verdict");
    assert_eq!(last.step, Step::ProxyConnect);
    assert!(
        last.detail.contains("cannot reach the proxy"),
        "{}",
        last.detail
    );
    assert_eq!(last_fact(&r, "probe.internet.proxy_status"), None);
}

const DRIPPED_HEAD: &str =
    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 2\r\n\r\nok";

/// The row: a server that sends one byte every 0.4 s held each probe 20 s with
/// `--timeout 1`, and the unfinished head was reported as 200 OK. Now one deadline covers the
/// whole head: the probe fails, says why, and gave up long before the head was complete
/// (counted in bytes the server managed to send, not timed).
#[test]
fn a_dripping_server_is_a_timeout_failure_not_a_pass() {
    use std::sync::atomic::Ordering;
    let (addr, sent) = dripping_server(DRIPPED_HEAD);
    let r = get_server_version(addr, Duration::from_secs(1));
    let bytes = sent.load(Ordering::SeqCst);
    assert_eq!(r.outcome, Outcome::Fail, "{r:?}");
    assert!(
        r.facts.is_empty(),
        "no status from an unfinished head: {r:?}"
    );
    assert!(r.detail.contains("timeout"), "{}", r.detail);
    assert!(!r.detail.contains("firewall"), "{}", r.detail);
    assert!(
        bytes < DRIPPED_HEAD.len() / 2,
        "the probe waited for {bytes} of {} bytes",
        DRIPPED_HEAD.len()
    );
}

/// A head cut off before its blank line is a failure, whatever its status line said.
#[test]
fn a_head_cut_off_is_a_failure_not_its_status() {
    let addr = cut_head_server();
    let r = get_server_version(addr, Duration::from_secs(2));
    assert_eq!(r.outcome, Outcome::Fail, "{r:?}");
    assert!(r.facts.is_empty(), "{r:?}");
}

/// A half-open proxy that drips its `200 Connection established` is not "opened a tunnel".
#[test]
fn a_dripping_proxy_is_not_an_open_tunnel() {
    use std::sync::atomic::Ordering;
    let ca = Ca::new();
    let o = ProbeOptions::new(1.0, Some(&ca.path())).expect("options");
    let (px, sent) = dripping_server("HTTP/1.1 200 Connection established\r\n\r\n");
    let url = ProxyUrl::parse(&format!("http://127.0.0.1:{}", px.port()), "test").expect("url");
    let r = internet::via_proxy(&endpoint(closed_port()), &url, &o);
    let last = r.last().expect("verdict");
    assert_eq!(last.step, Step::ProxyConnect);
    assert_eq!(last.outcome, Outcome::Fail, "{}", last.detail);
    assert!(!last.detail.contains("opened a tunnel"), "{}", last.detail);
    assert!(last.detail.contains("timeout"), "{}", last.detail);
    assert_eq!(
        last_fact(&r, "probe.internet.proxy_ok"),
        Some(Value::Bool(false))
    );
    assert!(
        sent.load(Ordering::SeqCst) < 20,
        "waited for the whole head"
    );
}

/// A TLS server that drips its handshake: the TLS step ends at its timeout with a failure.
#[test]
fn a_dripping_tls_server_fails_the_tls_step() {
    let ca = Ca::new();
    let o = ProbeOptions::new(1.0, Some(&ca.path())).expect("options");
    let (addr, _sent) = dripping_server(
        "\x16\x03\x03\x00\x40aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    );
    let (r, s) = tcp::probe("t", &[addr], Duration::from_secs(1));
    assert_eq!(r.outcome, Outcome::Ok, "{}", r.detail);
    let (r, rep) = tls::probe(&localhost(), addr.port(), s.expect("stream"), &o);
    assert_eq!(r.outcome, Outcome::Fail, "{}", r.detail);
    assert!(!rep.handshake_ok);
    assert!(r.detail.contains("timeout"), "{}", r.detail);
}
