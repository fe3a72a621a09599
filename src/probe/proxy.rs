//! Proxy probe: `CONNECT host:443` through an HTTP proxy, with the answer explained
//! (407 → proxy account, 502/503 → the proxy cannot reach the target). Proxy passwords are
//! never shown: [`ProxyUrl`]'s `Display` masks them and errors carry only the masked form.

use std::fmt;
use std::io::Write;

use super::tcp::TimedStream;
use super::{http, parse_host_port, tcp, Host, Outcome, ProbeError};

/// An HTTP proxy: `http://[user[:password]@]host:port`.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    pub host: Host,
    pub port: u16,
    pub user: Option<String>,
    password: Option<String>,
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("http://")?;
        if let Some(u) = &self.user {
            f.write_str(u)?;
            if self.password.is_some() {
                f.write_str(":***")?;
            }
            f.write_str("@")?;
        }
        f.write_str(&self.host.with_port(self.port))
    }
}

// Debug must not leak the password either (it ends up in panics and logs).
impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyUrl({self})")
    }
}

/// Mask the password of anything that looks like `scheme://user:pass@host` or
/// `user:pass@host`, for error messages about strings that did not even parse.
pub fn redact(s: &str) -> String {
    crate::redact::url(s)
}

impl ProxyUrl {
    /// Parse a proxy URL; a missing scheme means `http://`. Port is required (ConfigMgr stores
    /// one with the proxy name, and guessing 80 vs 8080 hides mistakes).
    pub fn parse(s: &str, origin: &str) -> Result<ProxyUrl, ProbeError> {
        let bad = |reason: &str| ProbeError::InvalidProxy {
            url: redact(s),
            origin: origin.to_string(),
            reason: reason.to_string(),
        };
        let t = s.trim();
        let rest = match t.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) => {
                return Err(bad(&format!(
                    "scheme {scheme:?} is not supported (only http:// proxies)"
                )))
            }
            None => t,
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#']) {
            return Err(bad("a proxy URL has no path"));
        }
        let (userinfo, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let (user, password) = match userinfo {
            None => (None, None),
            Some(u) => {
                let (user, pass) = match u.split_once(':') {
                    Some((a, b)) => (a, Some(b)),
                    None => (u, None),
                };
                if user.is_empty() {
                    return Err(bad("empty user name before '@'"));
                }
                (Some(percent_decode(user)), pass.map(percent_decode))
            }
        };
        let has_port = if hostport.starts_with('[') {
            hostport.contains("]:")
        } else {
            hostport.contains(':')
        };
        if !has_port {
            return Err(bad("the port is missing"));
        }
        let (host, port) = parse_host_port(hostport, 0, origin).map_err(|e| match e {
            ProbeError::InvalidHost { reason, .. } => bad(&format!("host: {reason}")),
            ProbeError::InvalidPort { .. } => bad("port must be 1-65535"),
            other => other,
        })?;
        Ok(ProxyUrl {
            host,
            port,
            user,
            password,
        })
    }

    /// A proxy from settings (`config.proxy[fqdn].name/.port/.account`); no password is stored
    /// there, so the account is only reported.
    pub fn from_parts(
        name: &str,
        port: i64,
        account: Option<&str>,
        origin: &str,
    ) -> Result<ProxyUrl, ProbeError> {
        // Settings sometimes carry `http://proxy` in the name field.
        let name = name
            .trim()
            .strip_prefix("http://")
            .unwrap_or(name.trim())
            .trim_end_matches('/');
        let host = Host::parse(name, origin)?;
        let port = super::validate_port(name, port, origin)?;
        Ok(ProxyUrl {
            host,
            port,
            user: account.filter(|a| !a.is_empty()).map(str::to_string),
            password: None,
        })
    }

    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }

    fn basic_auth(&self) -> Option<String> {
        let user = self.user.as_deref()?;
        let pass = self.password.as_deref()?;
        Some(base64(format!("{user}:{pass}").as_bytes()))
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |k: usize| b.get(k).and_then(|c| char::from(*c).to_digit(16));
            if let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2)) {
                // Both digits are < 16, so the value fits a byte.
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(T[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Result of a CONNECT.
pub struct ConnectAnswer {
    pub status: u16,
    pub outcome: Outcome,
    pub detail: String,
    /// The tunnel, when the proxy said 200.
    pub stream: Option<TimedStream>,
}

/// What a CONNECT status means.
pub fn explain_connect(status: u16, proxy: &ProxyUrl, target: &str) -> (Outcome, String) {
    match status {
        200 => (Outcome::Ok, format!("proxy {proxy} opened a tunnel to {target}")),
        407 => (
            Outcome::Fail,
            match (&proxy.user, proxy.has_password()) {
                (None, _) => format!("407 proxy authentication required: {proxy} needs an account; set the site system proxy account (the computer account is not accepted)"),
                (Some(u), true) => format!("407 proxy authentication required: the account {u} was refused (wrong or expired password?)"),
                (Some(u), false) => format!("407 proxy authentication required: the proxy wants credentials; the account {u} is configured but its password is not stored in the settings, so this probe could not send it - check that the password in ConfigMgr is current"),
            },
        ),
        403 => (Outcome::Fail, format!("403: proxy {proxy} does not allow CONNECT to {target} (allow list / category filtering)")),
        502..=504 => (
            Outcome::Fail,
            format!("{status}: proxy {proxy} cannot reach {target} (its own DNS, route or upstream proxy)"),
        ),
        s => (Outcome::Fail, format!("unexpected status {s} from proxy {proxy}")),
    }
}

/// Ask `proxy` (already connected on `sock`) for a tunnel to `target_host:target_port`.
pub fn connect(
    mut sock: TimedStream,
    proxy: &ProxyUrl,
    target: &str,
) -> Result<ConnectAnswer, String> {
    // The CONNECT is its own step with its own full timeout, for the request and the whole head.
    sock.restart();
    let mut req = format!(
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: supdiag-precheck\r\nProxy-Connection: keep-alive\r\n"
    );
    if let Some(auth) = proxy.basic_auth() {
        req.push_str(&format!("Proxy-Authorization: Basic {auth}\r\n"));
    }
    req.push_str("\r\n");
    sock.write_all(req.as_bytes())
        .and_then(|()| sock.flush())
        .map_err(|e| format!("sending CONNECT to {proxy}: {}", tcp::describe_io(&e)))?;
    let (status, _) = http::read_head(&mut sock).map_err(|e| format!("proxy {proxy}: {e}"))?;
    let (outcome, detail) = explain_connect(status, proxy, target);
    Ok(ConnectAnswer {
        status,
        outcome,
        detail,
        stream: (status == 200).then_some(sock),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_redacts() {
        let p = ProxyUrl::parse("http://svc_proxy:S3cr3t!@proxy.contoso.com:8080", "--proxy")
            .expect("valid");
        assert_eq!(p.to_string(), "http://svc_proxy:***@proxy.contoso.com:8080");
        assert_eq!(
            format!("{p:?}"),
            "ProxyUrl(http://svc_proxy:***@proxy.contoso.com:8080)"
        );
        assert_eq!(p.port, 8080);
        assert_eq!(
            p.basic_auth().as_deref(),
            Some(base64(b"svc_proxy:S3cr3t!").as_str())
        );
        let p = ProxyUrl::parse("proxy:3128", "t").expect("valid");
        assert_eq!(p.to_string(), "http://proxy:3128");
    }

    #[test]
    fn bad_urls_never_show_password() {
        for bad in [
            "http://u:hunter2@proxy",           // no port
            "http://u:hunter2@proxy:0",         // port 0
            "http://u:hunter2@proxy:99999",     // port out of range
            "https://u:hunter2@proxy:443",      // scheme
            "http://u:hunter2@bad host:8080",   // host
            "http://u:hunter2@proxy:8080/path", // path
        ] {
            let e = ProxyUrl::parse(bad, "--proxy").expect_err(bad).to_string();
            assert!(!e.contains("hunter2"), "{e}");
            assert!(e.contains("u:***@"), "{e}");
        }
    }

    #[test]
    fn redact_masks_only_password() {
        assert_eq!(redact("http://a:b@h:1"), "http://a:***@h:1");
        assert_eq!(redact("http://a@h:1"), "http://a@h:1");
        assert_eq!(redact("h:1"), "h:1");
        assert_eq!(redact("a:p@ss@h:1"), "a:***@h:1");
    }

    #[test]
    fn base64_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(
            base64(b"Aladdin:open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%40b"), "a@b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%é1"), "%é1");
    }

    #[test]
    fn from_settings_parts() {
        let p = ProxyUrl::from_parts("http://proxy.contoso.com/", 8080, Some("CONTOSO\\svc"), "t")
            .expect("valid");
        assert_eq!(p.to_string(), "http://CONTOSO\\svc@proxy.contoso.com:8080");
        assert!(ProxyUrl::from_parts("proxy", 0, None, "t").is_err());
    }
}
