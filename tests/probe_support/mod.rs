//! Loopback test servers for the probe tests: a WSUS-like HTTP server, a rustls HTTPS server
//! with rcgen certificates, a closed port and an HTTP proxy answering CONNECT. Everything binds
//! 127.0.0.1; server threads end with the test process.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub const IO_TIMEOUT: Duration = Duration::from_secs(2);

/// A test CA and its PEM file.
pub struct Ca {
    pub cert: rcgen::Certificate,
    pub key: KeyPair,
    pub pem_file: tempfile::NamedTempFile,
}

impl Ca {
    pub fn new() -> Ca {
        Ca::named("supdiag test CA")
    }

    pub fn named(name: &str) -> Ca {
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.distinguished_name.push(rcgen::DnType::CommonName, name);
        let key = KeyPair::generate().expect("key");
        let cert = p.self_signed(&key).expect("ca cert");
        let mut pem_file = tempfile::NamedTempFile::new().expect("tempfile");
        pem_file
            .write_all(cert.pem().as_bytes())
            .expect("write pem");
        Ca {
            cert,
            key,
            pem_file,
        }
    }

    pub fn path(&self) -> PathBuf {
        self.pem_file.path().to_path_buf()
    }

    /// A leaf for `names`; `expired` puts not_after in the past.
    pub fn leaf(
        &self,
        names: &[&str],
        expired: bool,
    ) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        let mut p = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .expect("params");
        p.distinguished_name.push(
            rcgen::DnType::CommonName,
            names.first().copied().unwrap_or("x"),
        );
        if expired {
            p.not_before = rcgen::date_time_ymd(2000, 1, 1);
            p.not_after = rcgen::date_time_ymd(2001, 1, 1);
        }
        let key = KeyPair::generate().expect("key");
        let cert = p.signed_by(&key, &self.cert, &self.key).expect("leaf");
        (
            cert.der().clone(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
    }
}

/// How the fake WSUS answers a path.
pub fn wsus_status(path: &str) -> u16 {
    match path {
        "/ClientWebService/wusserverversion.xml" | "/Selfupdate/wuident.cab" => 200,
        "/SimpleAuthWebService/SimpleAuth.asmx" => 401,
        _ => 404,
    }
}

fn read_head<R: Read>(r: &mut R) -> Option<String> {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match r.read(&mut b) {
            Ok(1) => head.push(b[0]),
            _ => return None,
        }
        if head.len() > 16 * 1024 {
            return None;
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn answer<S: Read + Write>(s: &mut S, status_for: fn(&str) -> u16) {
    let Some(head) = read_head(s) else { return };
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let code = status_for(&path);
    let body = if code == 200 { "ok" } else { "" };
    let _ = write!(
        s,
        "HTTP/1.1 {code} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = s.flush();
}

fn spawn_accept(listener: TcpListener, handle: impl Fn(TcpStream) + Send + Sync + 'static) {
    let handle = Arc::new(handle);
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            let _ = s.set_read_timeout(Some(IO_TIMEOUT));
            let _ = s.set_write_timeout(Some(IO_TIMEOUT));
            let h = handle.clone();
            std::thread::spawn(move || h(s));
        }
    });
}

fn bind() -> (TcpListener, SocketAddr) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let a = l.local_addr().expect("addr");
    (l, a)
}

/// Plain HTTP server answering like WSUS (or with `status_for`).
pub fn http_server(status_for: fn(&str) -> u16) -> SocketAddr {
    let (l, a) = bind();
    spawn_accept(l, move |mut s| answer(&mut s, status_for));
    a
}

/// HTTPS server with `cert`; answers HTTP requests like WSUS after the handshake.
pub fn tls_server(cert: (CertificateDer<'static>, PrivateKeyDer<'static>)) -> SocketAddr {
    let cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(vec![cert.0], cert.1)
    .expect("server cert");
    let cfg = Arc::new(cfg);
    let (l, a) = bind();
    spawn_accept(l, move |s| {
        let Ok(conn) = rustls::ServerConnection::new(cfg.clone()) else {
            return;
        };
        let mut tls = rustls::StreamOwned::new(conn, s);
        answer(&mut tls, wsus_status);
        tls.conn.send_close_notify();
        let _ = tls.flush();
    });
    a
}

/// A port nothing listens on (bound, then released).
pub fn closed_port() -> SocketAddr {
    let (_l, a) = bind();
    a
}

/// HTTP proxy answering CONNECT with `status`; on 200 it tunnels to the requested target,
/// which must be on loopback.
pub fn proxy_server(status: u16) -> SocketAddr {
    let (l, a) = bind();
    spawn_accept(l, move |mut s| {
        let Some(head) = read_head(&mut s) else {
            return;
        };
        let target = head
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_string();
        let loopback = target.starts_with("127.0.0.1:") || target.starts_with("localhost:");
        if status != 200 || !loopback {
            let code = if loopback { status } else { 403 };
            let _ = write!(s, "HTTP/1.1 {code} X\r\nContent-Length: 0\r\n\r\n");
            return;
        }
        let Ok(up) = TcpStream::connect_timeout(
            &target
                .replace("localhost", "127.0.0.1")
                .parse()
                .expect("loopback addr"),
            IO_TIMEOUT,
        ) else {
            let _ = write!(s, "HTTP/1.1 502 X\r\n\r\n");
            return;
        };
        let _ = write!(s, "HTTP/1.1 200 Connection established\r\n\r\n");
        let _ = up.set_read_timeout(Some(IO_TIMEOUT));
        let (mut a_r, mut b_w) = (
            s.try_clone().expect("clone"),
            up.try_clone().expect("clone"),
        );
        let (mut b_r, mut a_w) = (up, s);
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut a_r, &mut b_w);
        });
        let _ = std::io::copy(&mut b_r, &mut a_w);
    });
    a
}

/// Records the `Proxy-Authorization` header of the first CONNECT, answering 407.
pub fn proxy_407_recording() -> (SocketAddr, std::sync::mpsc::Receiver<String>) {
    let (tx, rx) = std::sync::mpsc::sync_channel(8);
    let (l, a) = bind();
    spawn_accept(l, move |mut s| {
        let Some(head) = read_head(&mut s) else {
            return;
        };
        let _ = tx.send(head);
        let _ = write!(s, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"x\"\r\nContent-Length: 0\r\n\r\n");
    });
    (a, rx)
}

/// A server that answers every connection with `answer`, one byte every 0.4 s (after reading
/// the request head when there is one). The counter holds the bytes it managed to send, so a
/// test can tell the client gave up long before the answer was complete.
pub fn dripping_server(answer: &'static str) -> (SocketAddr, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let (l, a) = bind();
    spawn_accept(l, move |mut s| {
        let _ = read_head(&mut s);
        for b in answer.as_bytes() {
            std::thread::sleep(Duration::from_millis(400));
            if s.write_all(&[*b]).and_then(|()| s.flush()).is_err() {
                return;
            }
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    (a, sent)
}

/// A server that sends the start of an HTTP answer and closes before the head ends.
pub fn cut_head_server() -> SocketAddr {
    let (l, a) = bind();
    spawn_accept(l, move |mut s| {
        let _ = read_head(&mut s);
        let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n");
    });
    a
}
