//! TCP probe: connect to a host:port, trying each resolved address, bounded by the timeout.

use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use super::{Outcome, ProbeResult, Step};

/// Connect to the first address that answers; sets read/write timeouts on the stream.
pub fn connect(addrs: &[SocketAddr], timeout: Duration) -> Result<TcpStream, String> {
    let mut last = String::from("no address to connect to");
    for a in addrs {
        match TcpStream::connect_timeout(a, timeout) {
            Ok(s) => {
                // Both can only fail for a zero duration, which `parse_timeout` rules out.
                let _ = s.set_read_timeout(Some(timeout));
                let _ = s.set_write_timeout(Some(timeout));
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = format!("{a}: {}", describe_io(&e)),
        }
    }
    Err(last)
}

/// Probe `target` (`host:port`) at `addrs`; returns the open stream on success.
pub fn probe(
    target: &str,
    addrs: &[SocketAddr],
    timeout: Duration,
) -> (ProbeResult, Option<TcpStream>) {
    let start = Instant::now();
    let key = format!("probe.tcp[{target}].ok");
    match connect(addrs, timeout) {
        Ok(s) => {
            let peer = s.peer_addr().map(|a| a.to_string()).unwrap_or_default();
            let r = ProbeResult::new(
                Step::Tcp,
                target,
                Outcome::Ok,
                format!("connected to {peer}"),
            )
            .fact(key, true)
            .timed(start);
            (r, Some(s))
        }
        Err(e) => {
            let r = ProbeResult::new(Step::Tcp, target, Outcome::Fail, e)
                .fact(key, false)
                .timed(start);
            (r, None)
        }
    }
}

/// Short wording for the common socket errors.
pub fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::ConnectionRefused => "connection refused (nothing listens on that port)".into(),
        K::TimedOut | K::WouldBlock => "timed out (filtered by a firewall, or host down)".into(),
        K::ConnectionReset => "connection reset by the peer".into(),
        K::UnexpectedEof => "the peer closed the connection".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn open_and_closed_port() {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        let open = l.local_addr().expect("addr");
        let (r, s) = probe("open", &[open], Duration::from_secs(2));
        assert_eq!(r.outcome, Outcome::Ok);
        assert!(s.is_some());

        let closed = {
            let l2 = TcpListener::bind("127.0.0.1:0").expect("bind");
            l2.local_addr().expect("addr")
        };
        let (r, s) = probe("closed", &[closed], Duration::from_secs(2));
        assert_eq!(r.outcome, Outcome::Fail);
        assert!(s.is_none());
        assert!(r.detail.contains("refused"), "{}", r.detail);
        assert_eq!(
            r.facts,
            vec![("probe.tcp[closed].ok".to_string(), false.into())]
        );
    }
}
