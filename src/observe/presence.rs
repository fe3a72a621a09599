//! Presence: an absence cannot be seen on one line, so the observer also keeps, per stream,
//! when client scans and IIS requests happened; after the scan this becomes the fact
//! `observed.iis.client_missing` (client scans in a period the IIS log covers, but no Windows
//! Update agent request reached IIS in it), which the rule `iis_client_missing` reads.

use std::collections::BTreeSet;

use crate::event::{Event, LogKind};
use crate::facts::{FactStore, Provenance};

/// What the IIS/client correlation (`observed.iis.client_missing`) needs from one stream.
#[derive(Debug, Default)]
pub struct Presence {
    /// Time range of client scan records (epoch seconds).
    client: Option<(i64, i64)>,
    /// Time range of IIS records.
    iis: Option<(i64, i64)>,
    /// Hours (epoch seconds / 3600) with at least one Windows Update agent request in IIS.
    wua_hours: BTreeSet<i64>,
}

fn widen(r: &mut Option<(i64, i64)>, t: i64) {
    *r = Some(match *r {
        Some((a, b)) => (a.min(t), b.max(t)),
        None => (t, t),
    });
}

impl Presence {
    pub fn see(&mut self, ev: &Event<'_>) {
        let Some(t) = ev.time_utc.map(|t| t.timestamp()) else {
            return;
        };
        match ev.kind {
            LogKind::WuaHandler | LogKind::WindowsUpdate | LogKind::ScanAgent => {
                widen(&mut self.client, t)
            }
            LogKind::Iis => {
                widen(&mut self.iis, t);
                let wua = ev.http.as_ref().is_some_and(|h| {
                    h.user_agent
                        .as_bytes()
                        .windows(20)
                        .any(|w| w.eq_ignore_ascii_case(b"Windows-Update-Agent"))
                });
                if wua {
                    self.wua_hours.insert(t.div_euclid(3600));
                }
            }
            _ => {}
        }
    }

    pub fn merge(&mut self, o: Presence) {
        if let Some((a, b)) = o.client {
            widen(&mut self.client, a);
            widen(&mut self.client, b);
        }
        if let Some((a, b)) = o.iis {
            widen(&mut self.iis, a);
            widen(&mut self.iis, b);
        }
        self.wua_hours.extend(o.wua_hours);
    }

    /// `Some(true)` when client scans fall in the IIS log's period but no agent request does.
    fn client_missing(&self) -> Option<bool> {
        let (c0, c1) = self.client?;
        let (i0, i1) = self.iis?;
        let (lo, hi) = (c0.max(i0), c1.min(i1));
        if lo > hi {
            return None;
        }
        let seen = self
            .wua_hours
            .range(lo.div_euclid(3600)..=hi.div_euclid(3600))
            .next()
            .is_some();
        Some(!seen)
    }
}

/// Publish `observed.iis.client_missing` (read by the rule `iis_client_missing`).
pub fn add_observations(facts: &mut FactStore, p: &Presence) {
    if let Some(missing) = p.client_missing() {
        facts.insert(
            "observed.iis.client_missing",
            missing,
            Provenance::new("IIS and client logs").with_key("Windows-Update-Agent requests"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_missing_needs_overlap_and_no_agent_requests() {
        let mut p = Presence {
            client: Some((10 * 3600, 12 * 3600)),
            iis: Some((9 * 3600, 13 * 3600)),
            ..Presence::default()
        };
        assert_eq!(p.client_missing(), Some(true));
        p.wua_hours.insert(11);
        assert_eq!(p.client_missing(), Some(false));
        let disjoint = Presence {
            client: Some((10 * 3600, 12 * 3600)),
            iis: Some((20 * 3600, 21 * 3600)),
            ..Presence::default()
        };
        assert_eq!(disjoint.client_missing(), None);
    }
}
