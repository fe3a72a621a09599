//! Step 2: read and scan every stream (phases A and B), and gather the results by host.

use std::collections::BTreeMap;

use crate::cli::CommonArgs;
use crate::facts::FactStore;
use crate::observe::presence::Presence;
use crate::report::health::FileSpan;
use crate::rules::{RuleSet, StreamHits};
use crate::scan;
use crate::source::{Discovered, Stream};
use crate::sync::SyncData;

use super::super::scan_options;
use super::phase_b::StreamVisitor;

/// What the logs of one host (or of the whole input, outside a fleet layout) produced.
pub(super) struct HostScan {
    pub inputs: Vec<scan::FileReport>,
    pub hits: StreamHits,
    pub observed: FactStore,
    pub presence: Presence,
    pub data: Vec<SyncData>,
}

/// The scan of every stream.
pub(super) struct Scanned {
    /// By host (`None`: no host), in host order; each host's streams in input order.
    pub hosts: BTreeMap<Option<String>, HostScan>,
    pub spans: BTreeMap<String, FileSpan>,
}

/// Scan every stream of `d` with the rules of `set`, showing progress on stderr for big inputs
/// (over ~200 MB, stderr a terminal, not `--quiet`).
pub(super) fn scan_logs(d: &Discovered, set: &RuleSet, common: &CommonArgs) -> Scanned {
    let progress = crate::progress::Progress::new(scan::total_bytes(&d.streams), common.quiet);
    let mut hosts: BTreeMap<Option<String>, HostScan> = BTreeMap::new();
    let mut spans = BTreeMap::new();
    // Each stream's visitor is merged as soon as its batch is scanned: memory stays flat in
    // the number of files.
    scan::scan_batched(
        &d.streams,
        |_| StreamVisitor::new(set),
        scan_options(common.mmap),
        &progress,
        |stream, reports, v| {
            let v = v.into_result();
            let acc = hosts
                .entry(host_of_stream(stream))
                .or_insert_with(|| HostScan {
                    inputs: Vec::new(),
                    hits: StreamHits::default(),
                    observed: FactStore::new(),
                    presence: Presence::default(),
                    data: Vec::new(),
                });
            acc.inputs.extend(reports);
            acc.hits.merge(v.hits);
            acc.observed.extend(v.observer.into_facts());
            acc.presence.merge(v.presence);
            acc.data.push(v.data);
            spans.extend(v.spans);
        },
    );
    progress.finish();
    Scanned { hosts, spans }
}

fn host_of_stream(s: &Stream) -> Option<String> {
    s.files.first().and_then(|f| f.host.clone())
}
