//! HTTP probe: the GETs a Windows Update client makes against a SUP, over plain HTTP or HTTPS,
//! with the status code explained in WSUS terms. Plain HTTP/1.1 on a std/rustls stream.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Instant;

use rustls::ClientConfig;

use super::{tcp, tls, Host, Outcome, ProbeResult, Step};

/// The client test URLs (docs/domain.md §F); `wuident.cab` must work over plain HTTP.
pub const WUSSERVERVERSION: &str = "/ClientWebService/wusserverversion.xml";
pub const WUIDENT: &str = "/Selfupdate/wuident.cab";
pub const SIMPLEAUTH: &str = "/SimpleAuthWebService/SimpleAuth.asmx";

/// Longest status line / header block read; anything longer is not a WSUS answer.
const MAX_HEAD: usize = 16 * 1024;

/// Read one response head (status line and headers) byte by byte, so nothing after the blank
/// line is consumed (a CONNECT tunnel continues right after it). Returns the status code and
/// the head text.
pub fn read_head<R: Read>(r: &mut R) -> Result<(u16, String), String> {
    let mut head = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    loop {
        match r.read(&mut byte) {
            Ok(0) => {
                if head.is_empty() {
                    return Err("the server closed the connection without answering".into());
                }
                // An unfinished head is no answer, whatever its first line says.
                return Err(format!(
                    "the server closed the connection in the middle of its answer ({} bytes, no end of the response head)",
                    head.len()
                ));
            }
            Ok(_) => head.push(byte[0]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if head.is_empty() => return Err(tcp::describe_io(&e)),
            Err(e) => {
                return Err(format!(
                    "{} ({} bytes of the response head received, never its end)",
                    tcp::describe_io(&e),
                    head.len()
                ))
            }
        }
        if head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n") {
            break;
        }
        if head.len() > MAX_HEAD {
            return Err(format!("response head longer than {MAX_HEAD} bytes"));
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let status_line = text.lines().next().unwrap_or_default();
    let mut parts = status_line.split_whitespace();
    let proto = parts.next().unwrap_or_default();
    let code = parts.next().and_then(|c| c.parse::<u16>().ok());
    match code {
        Some(c) if proto.starts_with("HTTP/") => Ok((c, text)),
        _ => Err(format!(
            "not an HTTP answer: {:?}",
            crate::rules::finding::truncate_text(status_line, 120)
        )),
    }
}

/// Send a GET for `path` and read the status.
pub fn get<S: Read + Write>(sock: &mut S, host_header: &str, path: &str) -> Result<u16, String> {
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: supdiag-precheck\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    );
    sock.write_all(req.as_bytes())
        .and_then(|()| sock.flush())
        .map_err(|e| tcp::describe_io(&e))?;
    read_head(sock).map(|(c, _)| c)
}

/// What a status code means for a WSUS client URL, and whether it is fine.
pub fn explain_status(path: &str, status: u16) -> (Outcome, String) {
    let selfupdate = path.eq_ignore_ascii_case(WUIDENT);
    match status {
        200 => (Outcome::Ok, "200 OK".into()),
        401 => (
            Outcome::Ok,
            "401: authentication requested, which is fine as long as clients follow it with Windows authentication".into(),
        ),
        301 | 302 | 307 | 308 => (
            Outcome::Warn,
            format!("{status} redirect: WSUS vdirs should answer directly; check IIS redirects on the WSUS site"),
        ),
        403 => (
            Outcome::Fail,
            if selfupdate {
                "403 forbidden: SelfUpdate must accept plain HTTP; remove 'Require SSL' from the SelfUpdate vdir (and check IP restrictions)".into()
            } else {
                "403 forbidden: the vdir requires SSL on this port or IP/authentication restrictions block the client; check sslFlags and the SUP's 'Require SSL' setting".into()
            },
        ),
        404 => (
            Outcome::Fail,
            "404 not found: the WSUS vdir is missing on this site/port (WSUS post-install not finished, or the port belongs to another IIS site)".into(),
        ),
        500 => (
            Outcome::Fail,
            "500 internal server error: WSUS web service failing; check the WSUS server's event log, SoftwareDistribution.log and the SUSDB connection".into(),
        ),
        503 => (
            Outcome::Fail,
            "503 service unavailable: the WsusPool application pool is stopped (often its private memory limit was hit); start it and raise the limit".into(),
        ),
        s => (Outcome::Warn, format!("unexpected status {s}")),
    }
}

/// Where a GET goes.
pub struct GetTarget<'a> {
    pub host: &'a Host,
    pub port: u16,
    pub path: &'a str,
    /// Some → HTTPS with this (strict) configuration.
    pub tls: Option<Arc<ClientConfig>>,
}

impl GetTarget<'_> {
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}{}", self.host.with_port(self.port), self.path)
    }
}

/// Probe one client URL.
pub fn probe(
    t: &GetTarget<'_>,
    addrs: &[std::net::SocketAddr],
    timeout: std::time::Duration,
) -> ProbeResult {
    let start = Instant::now();
    let url = t.url();
    let host_header = t.host.with_port(t.port);
    let result = tcp::connect(addrs, timeout).and_then(|stream| match &t.tls {
        None => {
            let mut s = stream;
            get(&mut s, &host_header, t.path)
        }
        Some(cfg) => {
            let mut s = tls::connect_strict(t.host, stream, cfg.clone())?;
            get(&mut s, &host_header, t.path)
        }
    });
    match result {
        Ok(status) => {
            let (outcome, detail) = explain_status(t.path, status);
            ProbeResult::new(Step::Http, &url, outcome, detail)
                .fact(format!("probe.http[{url}].status"), i64::from(status))
        }
        Err(e) => ProbeResult::new(Step::Http, &url, Outcome::Fail, e),
    }
    .timed(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_parsing_stops_at_blank_line() {
        let mut input: &[u8] = b"HTTP/1.1 200 Connection established\r\nX: y\r\n\r\nTLSDATA";
        let (code, head) = read_head(&mut input).expect("head");
        assert_eq!(code, 200);
        assert!(head.contains("X: y"));
        assert_eq!(input, b"TLSDATA");
    }

    #[test]
    fn head_parsing_rejects_garbage() {
        let mut input: &[u8] = b"\x16\x03\x01garbage\r\n\r\n";
        assert!(read_head(&mut input).is_err());
        let mut empty: &[u8] = b"";
        assert!(read_head(&mut empty).is_err());
        // A head cut off before its blank line is a failure, not the status it started with.
        let mut cut: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n";
        let e = read_head(&mut cut).expect_err("unfinished head");
        assert!(e.contains("middle of its answer"), "{e}");
    }

    #[test]
    fn statuses_are_explained() {
        assert_eq!(explain_status(WUIDENT, 200).0, Outcome::Ok);
        assert_eq!(explain_status(SIMPLEAUTH, 401).0, Outcome::Ok);
        assert!(explain_status(WUIDENT, 403).1.contains("SelfUpdate"));
        assert!(explain_status(WUSSERVERVERSION, 404).1.contains("vdir"));
        assert!(explain_status(WUSSERVERVERSION, 503).1.contains("WsusPool"));
        assert_eq!(explain_status(WUSSERVERVERSION, 500).0, Outcome::Fail);
    }
}
