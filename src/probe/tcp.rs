//! TCP probe: connect to a host:port, trying each resolved address, bounded by the timeout.
//!
//! A probe has one deadline that covers connect, TLS, the request and the whole response head:
//! [`TimedStream`] sets the socket timeout to the time left before every read and write, so a
//! server that drips one byte at a time cannot hold a probe past its `--timeout`.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use super::{Outcome, ProbeResult, Step};

/// A connected socket with a deadline: every read and write gets only the time that is left.
#[derive(Debug)]
pub struct TimedStream {
    sock: TcpStream,
    deadline: Instant,
    timeout: Duration,
}

/// The error a read or write returns once the deadline has passed. Its text says the answer did
/// not finish in time, never "filtered by a firewall" (that is only for a connect timeout).
fn deadline_passed(timeout: Duration) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, DeadlinePassed(timeout.as_millis()))
}

#[derive(Debug)]
struct DeadlinePassed(u128);

impl std::fmt::Display for DeadlinePassed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no complete answer within the {} ms timeout (the server accepted the connection but answers too slowly or stalls)",
            self.0
        )
    }
}

impl std::error::Error for DeadlinePassed {}

impl TimedStream {
    /// The next step of a probe chain (TLS after TCP, CONNECT after TCP) is its own probe with
    /// its own result and its own full timeout.
    pub fn restart(&mut self) {
        self.deadline = Instant::now() + self.timeout;
    }

    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.sock.peer_addr()
    }

    /// Time left, or the deadline error; also applies it to the socket.
    fn arm(&self, write: bool) -> io::Result<()> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(deadline_passed(self.timeout));
        }
        // A zero duration is refused by the OS; `left` is not zero here.
        if write {
            self.sock.set_write_timeout(Some(left))
        } else {
            self.sock.set_read_timeout(Some(left))
        }
    }

    fn map(&self, e: io::Error) -> io::Error {
        match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => deadline_passed(self.timeout),
            _ => e,
        }
    }
}

impl Read for TimedStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.arm(false)?;
        self.sock.read(buf).map_err(|e| self.map(e))
    }
}

impl Write for TimedStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.arm(true)?;
        self.sock.write(buf).map_err(|e| self.map(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sock.flush()
    }
}

/// Connect to the first address that answers, all addresses within one `timeout`; the stream
/// keeps the rest of that deadline for what follows.
pub fn connect(addrs: &[SocketAddr], timeout: Duration) -> Result<TimedStream, String> {
    let deadline = Instant::now() + timeout;
    let mut last = String::from("no address to connect to");
    for a in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            last = format!(
                "{a}: not tried, the {} ms timeout was spent on the addresses before it",
                timeout.as_millis()
            );
            break;
        }
        match TcpStream::connect_timeout(a, left) {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(TimedStream {
                    sock: s,
                    deadline,
                    timeout,
                });
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
) -> (ProbeResult, Option<TimedStream>) {
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
    if let Some(d) = e.get_ref().and_then(|i| i.downcast_ref::<DeadlinePassed>()) {
        return d.to_string();
    }
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
