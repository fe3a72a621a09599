//! TLS probe: handshake with rustls, then judge the peer certificate with x509-parser (name,
//! expiry), the chain against the trust anchors, and the negotiated protocol version.
//!
//! The handshake uses a verifier that asks the real WebPKI verifier for its verdict, records
//! it together with the certificate, and lets the handshake finish. One connection then
//! tells both *whether* the certificate is accepted and *why not* (wrong name, expired,
//! unknown issuer). No application data is sent on that connection; the HTTPS GETs use a
//! strictly verifying configuration ([`strict_config`]).

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore,
    SignatureScheme,
};
use serde::Serialize;

use super::{Host, Outcome, ProbeError, ProbeOptions, ProbeResult, Step};

pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The machine's trust store; falls back to the Mozilla roots compiled in when the system
/// store cannot be read (minimal containers), saying so in the origin text.
pub fn system_roots() -> (RootCertStore, String) {
    let mut store = RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    let (added, _) = store.add_parsable_certificates(native.certs);
    if added > 0 {
        return (store, "system roots".into());
    }
    store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    (
        store,
        "built-in Mozilla roots (no system trust store found)".into(),
    )
}

/// A CA bundle larger than this is refused (the Mozilla bundle is about 200 KB).
pub const MAX_CA_BYTES: u64 = 8 << 20;

/// Trust anchors from a PEM file (`--ca`).
pub fn roots_from_pem(path: &Path) -> Result<RootCertStore, ProbeError> {
    let err = |reason: String| ProbeError::CaFile {
        path: path.display().to_string(),
        reason,
    };
    // A regular file of bounded size: a FIFO or /dev/zero as --ca is refused, not read forever.
    let pem =
        crate::source::open::read_capped(path, MAX_CA_BYTES).map_err(|e| err(e.to_string()))?;
    let mut reader = std::io::BufReader::new(pem.as_slice());
    let mut store = RootCertStore::empty();
    for (i, c) in rustls_pemfile::certs(&mut reader).enumerate() {
        let c = c.map_err(|e| err(format!("certificate {}: {e}", i + 1)))?;
        store
            .add(c)
            .map_err(|e| err(format!("certificate {}: {e}", i + 1)))?;
    }
    if store.is_empty() {
        return Err(err(
            "no PEM certificate (-----BEGIN CERTIFICATE-----) in the file".into(),
        ));
    }
    Ok(store)
}

fn webpki_verifier(roots: &Arc<RootCertStore>) -> Result<Arc<WebPkiServerVerifier>, ProbeError> {
    WebPkiServerVerifier::builder_with_provider(roots.clone(), provider())
        .build()
        .map_err(|e| ProbeError::TlsSetup(e.to_string()))
}

/// A client configuration that refuses untrusted or misnamed certificates.
pub fn strict_config(roots: &Arc<RootCertStore>) -> Result<Arc<ClientConfig>, ProbeError> {
    let cfg = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| ProbeError::TlsSetup(e.to_string()))?
        .with_root_certificates(roots.clone())
        .with_no_client_auth();
    Ok(Arc::new(cfg))
}

/// Asks the real verifier, remembers its verdict and the certificate, accepts.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    seen: Mutex<Option<(CertificateDer<'static>, Result<(), rustls::Error>)>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map(|_| ());
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some((end_entity.clone().into_owned(), verdict));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// What the peer certificate says.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct CertInfo {
    pub subject_cn: Vec<String>,
    pub san_dns: Vec<String>,
    pub san_ip: Vec<String>,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
}

impl CertInfo {
    pub fn from_der(der: &[u8]) -> Result<CertInfo, String> {
        let (_, cert) = x509_parser::parse_x509_certificate(der)
            .map_err(|e| format!("the certificate cannot be parsed: {e}"))?;
        let mut info = CertInfo {
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            ..CertInfo::default()
        };
        for cn in cert.subject().iter_common_name() {
            if let Ok(s) = cn.as_str() {
                info.subject_cn.push(s.to_string());
            }
        }
        if let Ok(Some(san)) = cert.subject_alternative_name() {
            for n in &san.value.general_names {
                match n {
                    x509_parser::extensions::GeneralName::DNSName(d) => {
                        info.san_dns.push((*d).to_string())
                    }
                    x509_parser::extensions::GeneralName::IPAddress(b) => {
                        if let Some(ip) = ip_from_bytes(b) {
                            info.san_ip.push(ip.to_string());
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(info)
    }

    /// Does the certificate name `host`? SAN wins when present (RFC 6125); the subject CN is
    /// only looked at when there is no SAN, as Windows clients did for old WSUS certificates.
    pub fn names(&self, host: &Host) -> bool {
        if host.is_ip() {
            return self.san_ip.iter().any(|i| i == host.as_str());
        }
        let candidates: &[String] = if self.san_dns.is_empty() {
            &self.subject_cn
        } else {
            &self.san_dns
        };
        candidates
            .iter()
            .any(|n| dns_name_matches(n, host.as_str()))
    }

    pub fn expired_at(&self, now: i64) -> bool {
        now > self.not_after
    }

    pub fn not_yet_valid_at(&self, now: i64) -> bool {
        now < self.not_before
    }

    fn all_names(&self) -> String {
        let mut v: Vec<&str> = self.san_dns.iter().map(String::as_str).collect();
        v.extend(self.san_ip.iter().map(String::as_str));
        if v.is_empty() {
            v.extend(self.subject_cn.iter().map(|s| s.as_str()));
        }
        if v.is_empty() {
            "no names".into()
        } else {
            v.join(", ")
        }
    }
}

fn ip_from_bytes(b: &[u8]) -> Option<std::net::IpAddr> {
    match b.len() {
        4 => <[u8; 4]>::try_from(b).ok().map(std::net::IpAddr::from),
        16 => <[u8; 16]>::try_from(b).ok().map(std::net::IpAddr::from),
        _ => None,
    }
}

/// `*.contoso.com` matches exactly one leftmost label.
pub fn dns_name_matches(pattern: &str, host: &str) -> bool {
    let p = pattern.trim_end_matches('.').to_ascii_lowercase();
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    match p.strip_prefix("*.") {
        Some(suffix) => h
            .split_once('.')
            .is_some_and(|(first, rest)| !first.is_empty() && rest == suffix),
        None => p == h,
    }
}

/// Outcome of the TLS probe beyond the [`ProbeResult`].
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct TlsReport {
    pub handshake_ok: bool,
    pub trusted: Option<bool>,
    pub name_ok: Option<bool>,
    pub expired: Option<bool>,
    pub version: Option<String>,
    pub cert: Option<CertInfo>,
    pub verify_error: Option<String>,
}

/// Drive the handshake to completion on `sock`.
pub fn handshake<S: Read + Write>(conn: &mut ClientConnection, sock: &mut S) -> Result<(), String> {
    while conn.is_handshaking() {
        conn.complete_io(sock).map_err(|e| describe_tls_io(&e))?;
    }
    Ok(())
}

fn describe_tls_io(e: &std::io::Error) -> String {
    if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return format!("TLS error: {inner}");
    }
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            "the server closed the connection during the handshake (no certificate bound to the HTTPS port, or not TLS)".into()
        }
        _ => super::tcp::describe_io(e),
    }
}

fn version_name(v: rustls::ProtocolVersion) -> String {
    match v {
        rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".into(),
        rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".into(),
        other => format!("{other:?}"),
    }
}

fn why_untrusted(e: &rustls::Error) -> (Option<bool>, String) {
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => (
                Some(false),
                "issuer not trusted: the chain does not lead to a trusted root (install the CA on clients, or pass --ca)".into(),
            ),
            CertificateError::BadSignature => (
                Some(false),
                "the certificate's signature does not verify against the trusted CA of that name (a different CA with the same name?)".into(),
            ),
            // WebPKI checks the name after the chain: a name error means the chain was fine.
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                (Some(true), "certificate does not name this server".into())
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                (None, "certificate expired".into())
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                (None, "certificate not valid yet".into())
            }
            other => (Some(false), format!("certificate rejected: {other:?}")),
        },
        other => (Some(false), other.to_string()),
    }
}

/// Handshake with `host` over an open TCP stream and judge the certificate.
pub fn probe(
    host: &Host,
    port: u16,
    mut tcp: super::tcp::TimedStream,
    opts: &ProbeOptions,
) -> (ProbeResult, TlsReport) {
    let start = Instant::now();
    tcp.restart();
    let target = host.with_port(port);
    let key = |k: &str| format!("probe.tls[{target}].{k}");
    let mut report = TlsReport::default();
    let fail = |detail: String, start: Instant| {
        ProbeResult::new(Step::Tls, &target, Outcome::Fail, detail)
            .fact(key("ok"), false)
            .timed(start)
    };
    let verifier = match webpki_verifier(&opts.roots) {
        Ok(v) => Arc::new(RecordingVerifier {
            inner: v,
            seen: Mutex::new(None),
        }),
        Err(e) => return (fail(e.to_string(), start), report),
    };
    let cfg = match ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
    {
        Ok(b) => b
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_no_client_auth(),
        Err(e) => return (fail(format!("TLS setup: {e}"), start), report),
    };
    let name = match ServerName::try_from(host.as_str().to_string()) {
        Ok(n) => n,
        Err(e) => {
            return (
                fail(format!("not usable as a TLS server name: {e}"), start),
                report,
            )
        }
    };
    let mut conn = match ClientConnection::new(Arc::new(cfg), name) {
        Ok(c) => c,
        Err(e) => return (fail(format!("TLS setup: {e}"), start), report),
    };
    if let Err(e) = handshake(&mut conn, &mut tcp) {
        let detail = format!("handshake failed: {e} (rustls speaks TLS 1.2 and 1.3 only; WSUS sync needs TLS 1.2 too)");
        return (fail(detail, start), report);
    }
    conn.send_close_notify();
    let _ = conn.complete_io(&mut tcp);
    report.handshake_ok = true;
    report.version = conn.protocol_version().map(version_name);

    let seen = verifier.seen.lock().ok().and_then(|mut s| s.take());
    let Some((der, verdict)) = seen else {
        return (fail("the server sent no certificate".into(), start), report);
    };
    let now = chrono::Utc::now().timestamp();
    let mut problems = Vec::new();
    match CertInfo::from_der(der.as_ref()) {
        Ok(info) => {
            let name_ok = info.names(host);
            let expired = info.expired_at(now);
            if !name_ok {
                problems.push(format!(
                    "certificate names {}, not {host}",
                    info.all_names()
                ));
            }
            if expired {
                problems.push(format!(
                    "certificate expired on {}",
                    fmt_time(info.not_after)
                ));
            } else if info.not_yet_valid_at(now) {
                problems.push(format!(
                    "certificate not valid before {}",
                    fmt_time(info.not_before)
                ));
            }
            report.name_ok = Some(name_ok);
            report.expired = Some(expired);
            report.cert = Some(info);
        }
        Err(e) => problems.push(e),
    }
    match &verdict {
        Ok(()) => report.trusted = Some(true),
        Err(e) => {
            let (trusted, why) = why_untrusted(e);
            report.trusted = trusted;
            report.verify_error = Some(why.clone());
            if trusted == Some(false) {
                problems.push(format!("{why} (checked against {})", opts.roots_origin));
            } else if problems.is_empty() {
                problems.push(why);
            }
        }
    }
    let version = report
        .version
        .clone()
        .unwrap_or_else(|| "unknown version".into());
    let mut r = if problems.is_empty() {
        let names = report
            .cert
            .as_ref()
            .map(CertInfo::all_names)
            .unwrap_or_default();
        let until = report
            .cert
            .as_ref()
            .map(|c| fmt_time(c.not_after))
            .unwrap_or_default();
        ProbeResult::new(
            Step::Tls,
            &target,
            Outcome::Ok,
            format!(
                "{version}; certificate for {names}, valid until {until}, trusted ({})",
                opts.roots_origin
            ),
        )
    } else {
        ProbeResult::new(
            Step::Tls,
            &target,
            Outcome::Fail,
            format!("{version}; {}", problems.join("; ")),
        )
    };
    r = r
        .fact(key("ok"), verdict.is_ok() && problems.is_empty())
        .fact(key("version"), version);
    if let Some(t) = report.trusted {
        r = r.fact(key("trusted"), t);
    }
    if let Some(n) = report.name_ok {
        r = r.fact(key("name_ok"), n);
    }
    if let Some(x) = report.expired {
        r = r.fact(key("expired"), x);
    }
    (r.timed(start), report)
}

fn fmt_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| unix.to_string())
}

/// Open a strictly verified TLS stream to `host` over `tcp` (for HTTPS GETs and tunnels).
pub fn connect_strict<S: Read + Write>(
    host: &Host,
    mut sock: S,
    cfg: Arc<ClientConfig>,
) -> Result<rustls::StreamOwned<ClientConnection, S>, String> {
    let name = ServerName::try_from(host.as_str().to_string())
        .map_err(|e| format!("not usable as a TLS server name: {e}"))?;
    let mut conn = ClientConnection::new(cfg, name).map_err(|e| format!("TLS setup: {e}"))?;
    handshake(&mut conn, &mut sock)?;
    Ok(rustls::StreamOwned::new(conn, sock))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_matching() {
        assert!(dns_name_matches("*.contoso.com", "sup01.contoso.com"));
        assert!(!dns_name_matches("*.contoso.com", "a.b.contoso.com"));
        assert!(!dns_name_matches("*.contoso.com", "contoso.com"));
        assert!(dns_name_matches("SUP01.contoso.com.", "sup01.CONTOSO.com"));
        assert!(!dns_name_matches("sup02.contoso.com", "sup01.contoso.com"));
    }

    #[test]
    fn cn_used_only_without_san() {
        let h = Host::parse("sup01.contoso.com", "t").expect("valid");
        let mut c = CertInfo {
            subject_cn: vec!["sup01.contoso.com".into()],
            ..CertInfo::default()
        };
        assert!(c.names(&h));
        c.san_dns.push("other.contoso.com".into());
        assert!(!c.names(&h));
    }
}
