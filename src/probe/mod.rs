//! Live probes for `supdiag precheck --probe`: DNS, TCP, TLS, HTTP, proxy CONNECT.
//!
//! Every probe is bounded by a timeout and returns a [`ProbeResult`] saying what was tried,
//! against which target, what happened and how long it took, plus the `probe.*` facts it
//! established (facts.md) so correlation rules can use them. Probes only go to targets that
//! were validated first ([`Host`], [`validate_port`]); nothing here prints.

pub mod dns;
pub mod http;
pub mod internet;
pub mod proxy;
pub mod tcp;
pub mod tls;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use thiserror::Error;

use crate::facts::{FactStore, Provenance, Value};

/// Errors that stop probing before any connection is made.
#[derive(Debug, Error)]
pub enum ProbeError {
    #[error("invalid host {host:?} ({origin}): {reason}")]
    InvalidHost {
        host: String,
        origin: String,
        reason: String,
    },
    #[error("invalid port {port} for {host} ({origin}): expected 1-65535")]
    InvalidPort {
        host: String,
        port: i64,
        origin: String,
    },
    #[error(
        "invalid proxy URL {url} ({origin}): {reason}; expected http://[user[:password]@]host:port"
    )]
    InvalidProxy {
        /// Already redacted.
        url: String,
        origin: String,
        reason: String,
    },
    #[error("invalid URL {url:?} ({origin}): {reason}")]
    InvalidUrl {
        url: String,
        origin: String,
        reason: String,
    },
    #[error("invalid timeout {0}: expected a number of seconds greater than 0 and at most 600")]
    InvalidTimeout(String),
    #[error("reading CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("TLS client setup: {0}")]
    TlsSetup(String),
}

/// Which kind of probe a result is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Dns,
    Tcp,
    Tls,
    Http,
    InternetDirect,
    ProxyConnect,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Dns => "dns",
            Step::Tcp => "tcp",
            Step::Tls => "tls",
            Step::Http => "http",
            Step::InternetDirect => "internet_direct",
            Step::ProxyConnect => "proxy_connect",
        }
    }
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    /// Worked, but with something to look at (401 on SimpleAuth, TLS 1.0, …).
    Warn,
    Fail,
    /// Not tried, `detail` says why (an earlier step failed, no setting).
    Skipped,
}

/// One probe: what was tried and what happened.
#[derive(Clone, Debug, Serialize)]
pub struct ProbeResult {
    pub step: Step,
    pub target: String,
    pub outcome: Outcome,
    pub detail: String,
    pub duration_ms: u64,
    /// `probe.*` facts this probe established.
    #[serde(skip)]
    pub facts: Vec<(String, Value)>,
}

impl ProbeResult {
    pub fn new(step: Step, target: impl Into<String>, outcome: Outcome, detail: String) -> Self {
        ProbeResult {
            step,
            target: target.into(),
            outcome,
            detail,
            duration_ms: 0,
            facts: Vec::new(),
        }
    }

    pub fn skipped(step: Step, target: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::new(step, target, Outcome::Skipped, reason.into())
    }

    pub fn timed(mut self, start: Instant) -> Self {
        self.duration_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self
    }

    pub fn fact(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.facts.push((key.into(), value.into()));
        self
    }

    pub fn is_ok(&self) -> bool {
        matches!(self.outcome, Outcome::Ok | Outcome::Warn)
    }
}

/// Put the facts of every result into `store`, with provenance `probe` and the step/target.
pub fn add_facts(store: &mut FactStore, results: &[ProbeResult]) {
    for r in results {
        for (k, v) in &r.facts {
            store.insert(
                k.clone(),
                v.clone(),
                Provenance::new("probe").with_key(format!("{} {}", r.step.as_str(), r.target)),
            );
        }
    }
}

/// A host name or IP address that passed validation, lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host(String);

impl Host {
    /// `origin` names where the value came from (`--proxy`, `config.sup[x].http_port`, …) for
    /// the error message.
    pub fn parse(s: &str, origin: &str) -> Result<Host, ProbeError> {
        let bad = |reason: &str| ProbeError::InvalidHost {
            host: s.to_string(),
            origin: origin.to_string(),
            reason: reason.to_string(),
        };
        let t = s.trim();
        if t.is_empty() {
            return Err(bad("empty"));
        }
        let unbracketed = t
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .unwrap_or(t);
        if unbracketed.parse::<std::net::IpAddr>().is_ok() {
            return Ok(Host(unbracketed.to_ascii_lowercase()));
        }
        let name = t.strip_suffix('.').unwrap_or(t);
        if name.len() > 253 {
            return Err(bad("longer than 253 characters"));
        }
        for label in name.split('.') {
            if label.is_empty() {
                return Err(bad("empty label (two dots in a row or a leading dot)"));
            }
            if label.len() > 63 {
                return Err(bad("a label is longer than 63 characters"));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(bad("a label starts or ends with '-'"));
            }
            // Underscores are not valid in host names but do occur in Windows NetBIOS-derived
            // names; accepting them costs nothing since resolution decides anyway.
            if let Some(c) = label
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
            {
                return Err(bad(&format!(
                    "character {c:?} is not allowed in a host name"
                )));
            }
        }
        Ok(Host(name.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_ip(&self) -> bool {
        self.0.parse::<std::net::IpAddr>().is_ok()
    }

    /// `host:port`, bracketing IPv6 addresses.
    pub fn with_port(&self, port: u16) -> String {
        if self.0.contains(':') {
            format!("[{}]:{port}", self.0)
        } else {
            format!("{}:{port}", self.0)
        }
    }
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A port from settings or arguments: 1–65535.
pub fn validate_port(host: &str, port: i64, origin: &str) -> Result<u16, ProbeError> {
    u16::try_from(port)
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| ProbeError::InvalidPort {
            host: host.to_string(),
            port,
            origin: origin.to_string(),
        })
}

/// Parse `host` or `host:port` (IPv6 in brackets) with a default port.
pub fn parse_host_port(
    s: &str,
    default_port: u16,
    origin: &str,
) -> Result<(Host, u16), ProbeError> {
    let t = s.trim();
    let (h, p) = if let Some(rest) = t.strip_prefix('[') {
        match rest.split_once(']') {
            Some((h, tail)) => (h, tail.strip_prefix(':')),
            None => (t, None),
        }
    } else {
        match t.rsplit_once(':') {
            // More than one colon and no brackets: a bare IPv6 address, no port.
            Some((h, _)) if h.contains(':') => (t, None),
            Some((h, p)) => (h, Some(p)),
            None => (t, None),
        }
    };
    let host = Host::parse(h, origin)?;
    let port = match p {
        None => default_port,
        Some(p) => {
            let n: i64 = p.parse().map_err(|_| ProbeError::InvalidPort {
                host: h.to_string(),
                port: -1,
                origin: format!("{origin}: {p:?} is not a number"),
            })?;
            validate_port(h, n, origin)?
        }
    };
    Ok((host, port))
}

/// Settings shared by all probes.
#[derive(Clone, Debug)]
pub struct ProbeOptions {
    /// Connect, read and write timeout of each probe.
    pub timeout: Duration,
    /// Trust anchors for TLS.
    pub roots: Arc<rustls::RootCertStore>,
    /// Where the roots came from, for details (`system roots`, `--ca ca.pem`).
    pub roots_origin: String,
}

impl ProbeOptions {
    /// `timeout_secs` from `--timeout`; `ca` from `--ca` (system roots otherwise).
    pub fn new(timeout_secs: f64, ca: Option<&Path>) -> Result<ProbeOptions, ProbeError> {
        let timeout = parse_timeout(timeout_secs)?;
        let (roots, roots_origin) = match ca {
            Some(p) => (tls::roots_from_pem(p)?, format!("--ca {}", p.display())),
            None => tls::system_roots(),
        };
        Ok(ProbeOptions {
            timeout,
            roots: Arc::new(roots),
            roots_origin,
        })
    }
}

pub fn parse_timeout(secs: f64) -> Result<Duration, ProbeError> {
    if !secs.is_finite() || secs <= 0.0 || secs > 600.0 {
        return Err(ProbeError::InvalidTimeout(secs.to_string()));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_validation() {
        assert_eq!(
            Host::parse("SUP01.Contoso.com", "t").map(|h| h.0).ok(),
            Some("sup01.contoso.com".to_string())
        );
        assert!(Host::parse("127.0.0.1", "t").is_ok());
        assert!(Host::parse("[::1]", "t").is_ok_and(|h| h.is_ip()));
        for bad in ["", "a..b", "-x.com", "sup 01", "sup/01", "a\u{1b}b"] {
            assert!(Host::parse(bad, "t").is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn host_port_parsing() {
        let (h, p) = parse_host_port("sws.update.microsoft.com", 443, "t").expect("valid");
        assert_eq!((h.as_str(), p), ("sws.update.microsoft.com", 443));
        let (h, p) = parse_host_port("localhost:8531", 443, "t").expect("valid");
        assert_eq!((h.as_str(), p), ("localhost", 8531));
        let (h, p) = parse_host_port("[::1]:99", 443, "t").expect("valid");
        assert_eq!((h.as_str(), p), ("::1", 99));
        assert_eq!(h.with_port(p), "[::1]:99");
        assert!(parse_host_port("host:0", 443, "t").is_err());
        assert!(parse_host_port("host:70000", 443, "t").is_err());
        assert!(parse_host_port("host:http", 443, "t").is_err());
    }

    #[test]
    fn port_and_timeout_bounds() {
        assert!(validate_port("h", 0, "t").is_err());
        assert!(validate_port("h", 65536, "t").is_err());
        assert_eq!(validate_port("h", 8530, "t").ok(), Some(8530));
        assert!(parse_timeout(0.0).is_err());
        assert!(parse_timeout(f64::NAN).is_err());
        assert_eq!(parse_timeout(2.5).ok(), Some(Duration::from_millis(2500)));
    }
}
