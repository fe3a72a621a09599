//! DNS probe: resolve a host with the system resolver, bounded by the probe timeout.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{Host, Outcome, ProbeResult, Step};

/// Resolve `host` (port only fills the socket addresses). `ToSocketAddrs` has no timeout of its
/// own, so the lookup runs on a helper thread; on timeout that thread is left to finish on its
/// own (it holds nothing but the name).
pub fn resolve(host: &Host, port: u16, timeout: Duration) -> (ProbeResult, Vec<SocketAddr>) {
    let start = Instant::now();
    let target = host.as_str().to_string();
    if host.is_ip() {
        let addrs = host
            .with_port(port)
            .to_socket_addrs()
            .map(Iterator::collect)
            .unwrap_or_default();
        let r = ProbeResult::new(
            Step::Dns,
            &target,
            Outcome::Ok,
            "IP address, no lookup needed".into(),
        )
        .fact(format!("probe.dns[{target}].ok"), true)
        .timed(start);
        return (r, addrs);
    }
    let (tx, rx) = mpsc::channel();
    let query = (host.as_str().to_string(), port);
    let spawned = std::thread::Builder::new()
        .name("supdiag-dns".into())
        .spawn(move || {
            let res = query.to_socket_addrs().map(Iterator::collect::<Vec<_>>);
            let _ = tx.send(res);
        });
    let outcome = match spawned {
        Err(e) => Err(format!("could not start the lookup: {e}")),
        Ok(_) => match rx.recv_timeout(timeout) {
            Ok(Ok(addrs)) if addrs.is_empty() => Err("the name resolved to no address".into()),
            Ok(Ok(addrs)) => Ok(addrs),
            Ok(Err(e)) => Err(format!("lookup failed: {e}")),
            Err(_) => Err(format!("no answer within {} ms", timeout.as_millis())),
        },
    };
    match outcome {
        Ok(addrs) => {
            let mut shown: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
            shown.dedup();
            let r = ProbeResult::new(
                Step::Dns,
                &target,
                Outcome::Ok,
                format!("resolves to {}", shown.join(", ")),
            )
            .fact(format!("probe.dns[{target}].ok"), true)
            .timed(start);
            (r, addrs)
        }
        Err(detail) => {
            let r = ProbeResult::new(
                Step::Dns,
                &target,
                Outcome::Fail,
                format!("{detail}: check the FQDN and the DNS suffix/search list of this machine"),
            )
            .fact(format!("probe.dns[{target}].ok"), false)
            .timed(start);
            (r, Vec::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_localhost_and_ip() {
        let h = Host::parse("127.0.0.1", "t").expect("valid");
        let (r, addrs) = resolve(&h, 80, Duration::from_secs(2));
        assert_eq!(r.outcome, Outcome::Ok);
        assert_eq!(addrs.len(), 1);
        let h = Host::parse("localhost", "t").expect("valid");
        let (r, addrs) = resolve(&h, 80, Duration::from_secs(2));
        assert_eq!(r.outcome, Outcome::Ok, "{}", r.detail);
        assert!(addrs.iter().all(|a| a.ip().is_loopback()));
        assert_eq!(r.facts[0].0, "probe.dns[localhost].ok");
    }
}
