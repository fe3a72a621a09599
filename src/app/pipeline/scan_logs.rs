//! Step 2: read and scan every stream (phases A and B), and gather the results by host.
//!
//! Memory is flat in the number of files: each file leaves its `inputs` entry (with its time
//! span) and nothing else. Streams are dropped as soon as they are scanned, a stream's visitor
//! is merged into its host's results right after its batch, and a stream with no sync or ADR
//! run leaves no run data behind.

use std::collections::BTreeMap;

use crate::cli::CommonArgs;
use crate::facts::FactStore;
use crate::observe::presence::Presence;
use crate::rules::{RuleSet, StreamHits};
use crate::scan;
use crate::source::Stream;
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

/// Scan every stream with the rules of `set`, by host (`None`: no host), in host order, each
/// host's streams in input order; progress on stderr for big inputs (over ~200 MB, stderr a
/// terminal, not `--quiet`).
pub(super) fn scan_logs(
    streams: Vec<Stream>,
    set: &RuleSet,
    common: &CommonArgs,
) -> BTreeMap<Option<String>, HostScan> {
    let progress = crate::progress::Progress::new(scan::total_bytes(&streams), common.quiet);
    let mut hosts = empty_hosts(&streams);
    // Each stream's visitor is merged as soon as its batch is scanned, and the batch's streams
    // are dropped then.
    scan::scan_batched(
        streams,
        |_| StreamVisitor::new(set),
        scan_options(common.mmap),
        &progress,
        |stream, mut reports, v| {
            let mut v = v.into_result();
            let acc = hosts
                .entry(host_of_stream(stream))
                .or_insert_with(|| HostScan::with_room(0));
            for r in &mut reports {
                if let Some(span) = v.spans.remove(&r.path) {
                    r.span = span;
                }
            }
            acc.inputs.extend(reports);
            acc.hits.merge(v.hits);
            acc.observed.extend(v.observer.into_facts());
            acc.presence.merge(v.presence);
            if !v.data.runs.is_empty() || !v.data.adr_runs.is_empty() {
                acc.data.push(v.data);
            }
        },
    );
    progress.finish();
    hosts
}

/// An empty result for every host of `streams`, with room for the `inputs` of all its files
/// (a vector grown by doubling would hold up to twice that).
fn empty_hosts(streams: &[Stream]) -> BTreeMap<Option<String>, HostScan> {
    let mut files: BTreeMap<Option<String>, usize> = BTreeMap::new();
    for s in streams {
        *files.entry(host_of_stream(s)).or_default() += s.files.len();
    }
    files
        .into_iter()
        .map(|(host, n)| (host, HostScan::with_room(n)))
        .collect()
}

impl HostScan {
    fn with_room(files: usize) -> HostScan {
        HostScan {
            inputs: Vec::with_capacity(files),
            hits: StreamHits::default(),
            observed: FactStore::new(),
            presence: Presence::default(),
            data: Vec::new(),
        }
    }
}

fn host_of_stream(s: &Stream) -> Option<String> {
    s.files.first().and_then(|f| f.host.clone())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Command};
    use crate::scan::FileReport;

    /// The `inputs` entry is all a file leaves behind (issue 16: at most 1 KB per input file,
    /// with its path and the allocator's share): its size is the budget's biggest part, so it
    /// does not grow unnoticed (an owned `encoding` string and a map of spans by path were
    /// ~130 bytes per file more).
    #[test]
    fn an_inputs_entry_stays_small() {
        let size = std::mem::size_of::<FileReport>();
        assert!(size <= 200, "FileReport is {size} bytes");
    }

    /// Each file's first and last record time travel in its `inputs` entry (no map by path
    /// beside it), for the health report's spans.
    #[test]
    fn spans_are_kept_in_the_inputs_entries() {
        let dir = tempfile::tempdir().expect("tempdir");
        let line = |t: &str| {
            format!(
                "Starting Sync  $$<SMS_WSUS_SYNC_MANAGER><06-01-2017 {t}.000+000><thread=1 (0x1)>\n"
            )
        };
        std::fs::write(
            dir.path().join("wsyncmgr.log"),
            line("10:00:00") + &line("11:30:00"),
        )
        .expect("write");
        std::fs::write(dir.path().join("WCM.log"), "no time here\n").expect("write");
        let cli = Cli::try_parse_from([
            "supdiag".as_ref(),
            "analyze".as_ref(),
            dir.path().as_os_str(),
        ])
        .expect("args");
        let Command::Analyze(a) = cli.command else {
            panic!("not analyze");
        };
        let opts = super::super::PipelineOptions {
            common: &a.common,
            max_age: None,
            staleness: false,
            now: chrono::Utc::now(),
            runs_hook: None,
        };
        let analysis = super::super::run(&a.paths, &opts).expect("run");
        let spans: Vec<(String, Option<String>, Option<String>)> = analysis
            .report
            .inputs
            .iter()
            .map(|i| {
                let name = i.path.rsplit('/').next().unwrap_or_default().to_string();
                let t = |t: Option<chrono::DateTime<chrono::Utc>>| {
                    t.map(|t| t.format("%H:%M").to_string())
                };
                (name, t(i.span.first), t(i.span.last))
            })
            .collect();
        assert_eq!(
            spans,
            [
                ("WCM.log".to_string(), None, None),
                (
                    "wsyncmgr.log".to_string(),
                    Some("10:00".into()),
                    Some("11:30".into())
                ),
            ]
        );
    }
}
