//! The shared pipeline of `analyze`, `sync` and `report`: one pass over the logs feeds the rule
//! matcher, the observer (`observed.*` facts), the sync/ADR run builder and the per-file time
//! spans; then settings and observations become facts, fact rules run, findings are concluded —
//! per host in a fleet layout (`hosts/<name>/...`), for the whole input otherwise.

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};

use crate::cli::CommonArgs;
use crate::event::{Event, FileId, LogKind, Severity};
use crate::facts::FactStore;
use crate::matching::{Hit, LowerBuf, Target};
use crate::observe::Observer;
use crate::report::health::FileSpan;
use crate::report::{HostSummary, Report};
use crate::rules::matcher::{ExtraLiterals, MatchedIds, SeqHits, SeqLine};
use crate::rules::{load_rule_set_for_scan, RuleSet, StreamHits, StreamMatcher};
use crate::scan::{self, FileInfo, Visitor};
use crate::source::Stream;
use crate::sync::{self, FindingOptions, SyncBuilder, SyncData, SyncLine};

use super::{check_any_readable, discover_or_fail, scan_options};
use crate::observe::presence::Presence;

/// A line a forked visitor keeps, to be replayed in input order when it is joined: what the
/// sequence rules and the sync/ADR run builders read depends on everything before it. Its text
/// is in the fork's arena (one string for all kept lines: a few allocations instead of two per
/// line, which the joining thread then freed one by one).
struct OwnedLine {
    kind: LogKind,
    severity: Severity,
    msg: Range<usize>,
    /// Kept only for lines with sequence hits (evidence).
    raw: Range<usize>,
    time: Option<DateTime<Utc>>,
    line: u64,
    file: Arc<str>,
    host: Option<Arc<str>>,
}

/// The display name and host of the file a fork reads, shared by the lines it keeps (a copy
/// of each per kept line was most of a fork's allocations).
#[derive(Clone)]
struct Names {
    id: FileId,
    file: Arc<str>,
    host: Option<Arc<str>>,
}

impl Names {
    fn of(file: &FileInfo<'_>) -> Names {
        Names {
            id: file.id,
            file: Arc::from(file.input.display.as_str()),
            host: file.input.host.as_deref().map(Arc::from),
        }
    }
}

/// Append `text` to `arena`; its range there.
fn keep(arena: &mut String, text: &str) -> Range<usize> {
    let start = arena.len();
    arena.push_str(text);
    start..arena.len()
}

impl OwnedLine {
    fn of(ev: &Event<'_>, names: &Names, keep_raw: bool, arena: &mut String) -> Self {
        let msg = keep(arena, &ev.message);
        let raw = if keep_raw { keep(arena, ev.raw) } else { 0..0 };
        OwnedLine {
            kind: ev.kind,
            severity: ev.severity,
            msg,
            raw,
            time: ev.time_utc,
            line: ev.line,
            file: names.file.clone(),
            host: names.host.clone(),
        }
    }

    /// The same line with its text at `by` bytes further in an arena.
    fn shifted(mut self, by: usize) -> Self {
        self.msg = self.msg.start + by..self.msg.end + by;
        if !self.raw.is_empty() {
            self.raw = self.raw.start + by..self.raw.end + by;
        }
        self
    }

    fn seq_line<'a>(&'a self, arena: &'a str) -> SeqLine<'a> {
        SeqLine {
            text: arena.get(self.msg.clone()).unwrap_or(""),
            raw: arena.get(self.raw.clone()).unwrap_or(""),
            time: self.time,
            line: self.line,
            severity: self.severity,
            kind: self.kind,
            file: &self.file,
        }
    }

    fn sync_line<'a>(&'a self, arena: &'a str) -> SyncLine<'a> {
        SyncLine {
            msg: arena.get(self.msg.clone()).unwrap_or(""),
            time: self.time,
            line: self.line,
            file: &self.file,
            host: self.host.as_deref(),
            may_hold_out_of: true,
        }
    }
}

enum Replay<'r> {
    /// A line with sequence-set hits, or one the run builders interpret.
    Line {
        line: OwnedLine,
        matched: MatchedIds<'r>,
        seq: SeqHits,
    },
    /// A stretch of plain run-builder lines of one kind ([`SyncBuilder::is_plain`]): the last
    /// one's position and time, the rule ids of all of them.
    Plain {
        kind: LogKind,
        file: Arc<str>,
        line: u64,
        time: Option<DateTime<Utc>>,
        matched: MatchedIds<'r>,
    },
}

/// Time span of the file being read.
struct CurrentSpan {
    id: u32,
    name: String,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
}

/// Per-stream consumer of events. Forks (later chunks of a big file, later files of a rolled
/// log, parsed in parallel) match line rules and collect observations and spans on their own;
/// what depends on order (sequence rules, sync and ADR runs) is kept as a short list of lines
/// and replayed when the fork is joined, so the result equals one pass in order.
struct StreamVisitor<'r> {
    set: &'r RuleSet,
    matcher: Option<StreamMatcher<'r>>,
    hits: StreamHits,
    observer: Observer,
    presence: Presence,
    builder: SyncBuilder,
    data: SyncData,
    spans: BTreeMap<String, FileSpan>,
    /// The span of the file being read, moved into `spans` when another file starts (a map
    /// lookup and a copy of the file name per event were 5 % of a run).
    current: Option<CurrentSpan>,
    /// `Some` in a fork: the lines to replay on join.
    replay: Option<Vec<Replay<'r>>>,
    lower: LowerBuf,
    /// In a fork: the names of the file being read, shared by the kept lines, and the text of
    /// the kept lines.
    names: Option<Names>,
    arena: String,
    /// Literal hits of the current message ([`RuleSet::scan`]), and of its severity words
    /// (word index, place).
    scanned: Vec<Hit>,
    words: Vec<(u32, u32)>,
    /// A batch of messages ([`Visitor::events`]): where each starts in `lower`, and the literal
    /// hits of all of them.
    starts: Vec<u32>,
    batch_hits: Vec<Hit>,
}

/// The literals the pipeline searches with the rules' in one pass per message: the observer's
/// (tagged with their extractor's number) and the severity words of formats without a
/// severity field.
pub fn extra_literals() -> ExtraLiterals {
    ExtraLiterals {
        per_kind: pass_literals,
        words: &crate::parse::SEVERITY_WORD_LIST,
    }
}

/// The observer's literals of `kind` and, for wsyncmgr, the sync builder's ` out of `: a
/// message without it needs no search for the progress counter
/// ([`SyncLine::may_hold_out_of`]).
fn pass_literals(kind: LogKind) -> Vec<(&'static str, Target)> {
    let mut lits = crate::observe::literals(kind);
    if kind == LogKind::Wsyncmgr {
        lits.push((sync::OUT_OF_NEEDLE, Target::OutOf));
    }
    lits
}

impl<'r> StreamVisitor<'r> {
    fn new(set: &'r RuleSet) -> Self {
        Self::with(set, Some(set.stream()), Observer::new(), None)
    }

    /// A visitor with empty per-file state around the given matcher and observer; `new` and
    /// `fork` differ only in these and in whether hits are kept for replay.
    fn with(
        set: &'r RuleSet,
        matcher: Option<StreamMatcher<'r>>,
        observer: Observer,
        replay: Option<Vec<Replay<'r>>>,
    ) -> Self {
        StreamVisitor {
            set,
            matcher,
            hits: StreamHits::default(),
            observer,
            presence: Presence::default(),
            builder: SyncBuilder::new(),
            data: SyncData::default(),
            spans: BTreeMap::new(),
            current: None,
            replay,
            lower: LowerBuf::new(),
            names: None,
            arena: String::new(),
            scanned: Vec::new(),
            words: Vec::new(),
            starts: Vec::new(),
            batch_hits: Vec::new(),
        }
    }

    /// Move the current file's span into `spans`.
    fn flush_span(&mut self) {
        if let Some(c) = self.current.take() {
            widen_span(self.spans.entry(c.name).or_default(), c.first, c.last);
        }
    }

    /// Apply one replayed line (this visitor is not a fork); its text is in `arena`.
    fn apply(&mut self, r: Replay<'r>, arena: &str) {
        match r {
            Replay::Line {
                line,
                mut matched,
                seq,
            } => {
                if !seq.is_empty() {
                    if let Some(m) = self.matcher.as_mut() {
                        m.replay_seq(&line.seq_line(arena), &seq, &mut matched);
                    }
                }
                if SyncBuilder::reads(line.kind) {
                    self.builder
                        .feed_line(line.kind, &line.sync_line(arena), &matched);
                }
            }
            Replay::Plain {
                kind,
                file,
                line,
                time,
                matched,
            } => self.builder.plain(kind, &file, line, time, &matched),
        }
    }
}

/// Keep what a fork's event means to the order-dependent consumers (`may_hold_out_of`: see
/// [`SyncLine::may_hold_out_of`]).
fn defer<'r>(
    list: &mut Vec<Replay<'r>>,
    arena: &mut String,
    ev: &Event<'_>,
    names: &Names,
    may_hold_out_of: bool,
    matched: MatchedIds<'r>,
    seq: SeqHits,
) {
    let sync = SyncBuilder::reads(ev.kind);
    if !seq.is_empty() || (sync && !SyncBuilder::is_plain(ev.kind, &ev.message, may_hold_out_of)) {
        list.push(Replay::Line {
            line: OwnedLine::of(ev, names, !seq.is_empty(), arena),
            matched,
            seq,
        });
        return;
    }
    if !sync {
        return;
    }
    if let Some(Replay::Plain {
        kind,
        file: f,
        line,
        time,
        matched: m,
    }) = list.last_mut()
    {
        if *kind == ev.kind {
            if !Arc::ptr_eq(f, &names.file) {
                f.clone_from(&names.file);
            }
            *line = ev.line;
            *time = ev.time_utc.or(*time);
            for id in matched {
                if !m.contains(&id) {
                    m.push(id);
                }
            }
            return;
        }
    }
    list.push(Replay::Plain {
        kind: ev.kind,
        file: names.file.clone(),
        line: ev.line,
        time: ev.time_utc,
        matched,
    });
}

fn widen_span(s: &mut FileSpan, first: DateTime<Utc>, last: DateTime<Utc>) {
    s.first = Some(s.first.map_or(first, |f| f.min(first)));
    s.last = Some(s.last.map_or(last, |l| l.max(last)));
}

impl StreamVisitor<'_> {
    /// Everything done with an event once `scanned` holds its literal hits.
    fn visit(&mut self, ev: &mut Event<'_>, file: &FileInfo<'_>) {
        if ev.severity_deferred {
            self.words.clear();
            self.words
                .extend(self.scanned.iter().filter_map(|h| match h.target {
                    Target::Word(w) => Some((u32::from(w), h.at)),
                    _ => None,
                }));
            ev.severity = crate::parse::severity_from_hits(&ev.message, &mut self.words);
            ev.severity_deferred = false;
        }
        let ev = &*ev;
        let (matched, seq) = match self.matcher.as_mut() {
            Some(m) => m.feed_scanned(ev, &self.scanned, file),
            None => (MatchedIds::new(), Vec::new()),
        };
        // The other consumers' literals found: the observer's extractors and the sync
        // builder's ` out of `.
        let (extractors, may_hold_out_of) =
            self.scanned
                .iter()
                .fold((false, false), |(x, o), h| match h.target {
                    Target::Extractor(_) => (true, o),
                    Target::OutOf => (x, true),
                    _ => (x, o),
                });
        match self.replay.as_mut() {
            None if SyncBuilder::reads(ev.kind) => {
                let line = SyncLine {
                    may_hold_out_of,
                    ..SyncLine::of(ev, file)
                };
                self.builder.feed_line(ev.kind, &line, &matched);
            }
            None => {}
            Some(list) => {
                if self.names.as_ref().is_none_or(|n| n.id != file.id) {
                    self.names = Some(Names::of(file));
                }
                if let Some(names) = &self.names {
                    defer(
                        list,
                        &mut self.arena,
                        ev,
                        names,
                        may_hold_out_of,
                        matched,
                        seq,
                    );
                }
            }
        }
        if extractors {
            self.observer.feed_hits(ev, file, &self.scanned);
        }
        self.presence.see(ev);
        if let Some(t) = ev.time_utc {
            match self.current.as_mut() {
                Some(c) if c.id == file.id => {
                    c.first = c.first.min(t);
                    c.last = c.last.max(t);
                }
                _ => {
                    self.flush_span();
                    self.current = Some(CurrentSpan {
                        id: file.id,
                        name: file.input.display.clone(),
                        first: t,
                        last: t,
                    });
                }
            }
        }
    }

    /// [`Visitor::events`] for events of one kind.
    fn same_kind(&mut self, evs: &mut [Event<'_>], file: &FileInfo<'_>) {
        let Some(kind) = evs.first().map(|e| e.kind) else {
            return;
        };
        // The index with the severity words when any event needs them; their hits are dropped
        // for the others (a literal's hits do not depend on the other literals searched).
        let words = evs.iter().any(|e| e.severity_deferred);
        let lower = self
            .lower
            .set_many(evs.iter().map(|e| e.message.as_bytes()), &mut self.starts);
        self.batch_hits.clear();
        self.set.scan(kind, words, lower, &mut self.batch_hits);
        // The hits of each message come together and in message order (no hit spans the NUL
        // between two messages), in the order a search of the message alone gives them.
        let mut h = 0;
        for (i, ev) in evs.iter_mut().enumerate() {
            let start = self.starts.get(i).copied().unwrap_or(0);
            let end = start.saturating_add(ev.message.len() as u32);
            self.scanned.clear();
            while let Some(&hit) = self.batch_hits.get(h) {
                if hit.at >= end {
                    break;
                }
                h += 1;
                if let Some(rel) = hit.at.checked_sub(start) {
                    if ev.severity_deferred || !matches!(hit.target, Target::Word(_)) {
                        self.scanned.push(Hit::new(hit.target, rel));
                    }
                }
            }
            self.visit(ev, file);
        }
    }
}

impl Visitor for StreamVisitor<'_> {
    fn event(&mut self, ev: &Event<'_>, file: &FileInfo<'_>) {
        // One literal pass over the lower-cased message for every consumer: rules, sequence
        // rules, observer and (formats without a severity field) the severity words.
        let lower = self.lower.set(ev.message.as_bytes());
        self.scanned.clear();
        self.set
            .scan(ev.kind, ev.severity_deferred, lower, &mut self.scanned);
        self.visit(&mut ev.clone(), file);
    }

    /// One literal pass over all messages of the batch, lower-cased one after the other: a
    /// search per message cost more in setting up than in searching.
    fn events(&mut self, evs: &mut [Event<'_>], file: &FileInfo<'_>) {
        // A file of no known kind takes each record's kind from its component.
        for run in evs.chunk_by_mut(|a, b| a.kind == b.kind) {
            self.same_kind(run, file);
        }
    }

    fn defers_severity(&self) -> bool {
        true
    }

    fn end_stream(&mut self) {
        self.flush_span();
        if let Some(m) = self.matcher.take() {
            self.hits = m.finish();
        }
        self.data = std::mem::take(&mut self.builder).finish();
    }

    fn fork(&self) -> Option<Self> {
        let matcher = self.matcher.as_ref().map(StreamMatcher::fork);
        Some(Self::with(
            self.set,
            matcher,
            self.observer.fork(),
            Some(Vec::new()),
        ))
    }

    fn join(&mut self, mut later: Self) {
        later.flush_span();
        if let (Some(m), Some(lm)) = (self.matcher.as_mut(), later.matcher) {
            m.absorb(lm);
        }
        self.observer.join(later.observer);
        self.presence.merge(later.presence);
        for (name, s) in later.spans {
            if let (Some(first), Some(last)) = (s.first, s.last) {
                widen_span(self.spans.entry(name).or_default(), first, last);
            }
        }
        let lines = later.replay.unwrap_or_default();
        match self.replay.as_mut() {
            Some(list) => {
                let by = self.arena.len();
                self.arena.push_str(&later.arena);
                list.extend(lines.into_iter().map(|r| match r {
                    Replay::Line { line, matched, seq } => Replay::Line {
                        line: line.shifted(by),
                        matched,
                        seq,
                    },
                    plain => plain,
                }));
            }
            None => {
                for r in lines {
                    self.apply(r, &later.arena);
                }
            }
        }
    }
}

/// What the pipeline produced.
pub struct Analysis {
    pub report: Report,
    /// All facts (settings, observations, findings), merged over hosts.
    pub facts: FactStore,
    pub settings_given: bool,
    pub spans: BTreeMap<String, FileSpan>,
    pub hosts: Vec<HostSummary>,
}

/// Options of one pipeline run.
pub struct PipelineOptions<'a> {
    pub common: &'a CommonArgs,
    /// `--max-age`: sync staleness is judged only when given (or for `sync`/`report`).
    pub max_age: Option<&'a str>,
    /// Judge staleness at all (`sync`, `report`; `analyze` only with `--max-age`).
    pub staleness: bool,
    pub now: DateTime<Utc>,
    /// Called with each host's runs from the logs; returns the runs to report (`--history`
    /// adds the stored ones, `--since`/`--until` keep a period).
    pub runs_hook: Option<&'a RunsHook<'a>>,
}

/// See [`PipelineOptions::runs_hook`].
pub type RunsHook<'a> = dyn Fn(Option<&str>, SyncData) -> Result<SyncData> + 'a;

fn print_settings_warnings(
    warnings: &[crate::settings::SettingsWarning],
    quiet: bool,
    strict: bool,
) -> Result<()> {
    if strict && !warnings.is_empty() {
        let msgs: Vec<String> = warnings
            .iter()
            .map(|w| format!("{}: {}", w.file, w.message))
            .collect();
        bail!(
            "settings problem(s) with --strict:\n  {}",
            msgs.join("\n  ")
        );
    }
    if !quiet {
        let mut err = std::io::stderr().lock();
        for w in warnings {
            let line = format!("{}: {}", w.file, w.message);
            let _ = writeln!(err, "supdiag: warning: {}", super::for_stderr(&line));
        }
    }
    Ok(())
}

fn host_of_stream(s: &Stream) -> Option<String> {
    s.files.first().and_then(|f| f.host.clone())
}

/// Run the pipeline over `paths` (none: this machine's logs, on Windows).
pub fn run(paths: &[PathBuf], opts: &PipelineOptions<'_>) -> Result<Analysis> {
    let d = discover_or_fail(paths, opts.common.quiet)?;
    run_discovered(d, opts)
}

/// Run the pipeline over inputs already found.
pub fn run_discovered(
    d: crate::source::Discovered,
    opts: &PipelineOptions<'_>,
) -> Result<Analysis> {
    let common = opts.common;
    let mut set: RuleSet = load_rule_set_for_scan(&common.rules, &common.disable)?;
    set.set_extra_literals(extra_literals());

    let plan = super::inputs::SettingsPlan::new(&common.settings, &d.settings_candidates);
    let settings_given = plan.any();
    if common.strict {
        if let Some(e) = plan.unreadable.first().and_then(|s| s.error.as_deref()) {
            bail!("settings problem with --strict: {e}");
        }
    }
    let mut sources = plan.unreadable.clone();
    // With no path on Windows: the settings read live from this machine.
    let live: &[crate::settings::SettingsText] =
        d.system.as_ref().map_or(&[], |f| f.settings.as_slice());
    let settings_given = settings_given || !live.is_empty();

    // Progress on stderr for big inputs (over ~200 MB, stderr a terminal, not --quiet).
    let progress = crate::progress::Progress::new(scan::total_bytes(&d.streams), common.quiet);
    let results = scan::scan_all_progress(
        &d.streams,
        |_| StreamVisitor::new(&set),
        scan_options(common.mmap),
        &progress,
    );
    progress.finish();

    // Group stream results by host, in input order.
    struct HostAcc {
        inputs: Vec<scan::FileReport>,
        hits: StreamHits,
        observed: FactStore,
        presence: Presence,
        data: Vec<SyncData>,
    }
    let mut groups: BTreeMap<Option<String>, HostAcc> = BTreeMap::new();
    let mut spans = BTreeMap::new();
    for (stream, (reports, v)) in d.streams.iter().zip(results) {
        let acc = groups
            .entry(host_of_stream(stream))
            .or_insert_with(|| HostAcc {
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
    }

    let mut report = Report::default();
    let mut all_facts = FactStore::new();
    let mut hosts = Vec::new();
    let mut all_data = Vec::new();
    let mut settings_warned = false;
    let mut sites = Vec::new();
    let fleet = groups.keys().any(Option::is_some);
    for (host, acc) in groups {
        let paths = plan.for_host(host.as_deref());
        let (mut facts, host_sources) = crate::settings::load_sources(&paths, live, common.strict)
            .context("reading settings")?;
        // Global settings warnings once; host ones per host.
        if !settings_warned || host.is_some() {
            let warnings = super::inputs::source_warnings(&host_sources);
            print_settings_warnings(&warnings, common.quiet, common.strict)?;
            settings_warned = true;
        }
        super::inputs::merge_sources(&mut sources, host_sources);
        facts.extend(acc.observed);
        crate::observe::presence::add_observations(&mut facts, &acc.presence);
        let mut data = sync::merge(acc.data);
        if let Some(hook) = opts.runs_hook {
            data = hook(host.as_deref(), data)?;
        }
        let mut evidence = crate::rules::engine::FactEvidence::new();
        if !data.runs.is_empty() {
            let schedule = facts
                .get("config.sync.schedule_hours")
                .and_then(|f| f.value.as_int().map(|h| (h, f.source.to_string())));
            let options =
                FindingOptions::new(opts.now, opts.max_age, schedule).context("--max-age")?;
            let runs = &data.runs;
            sync::figures::publish(runs, &options, opts.staleness, &mut facts, &mut evidence);
            sites.extend(sync::sites::summarize_sites(&data.runs, &options));
        }
        let mut findings = set.conclude_with(acc.hits, &mut facts, &evidence);
        for f in &mut findings {
            f.host.clone_from(&host);
        }
        if fleet {
            let mut hs = HostSummary {
                host: host.clone().unwrap_or_else(|| "(no host)".into()),
                files: acc.inputs.len(),
                records: acc.inputs.iter().map(|i| i.records).sum(),
                ..HostSummary::default()
            };
            for f in &findings {
                match f.severity {
                    crate::event::Severity::Error => hs.error += 1,
                    crate::event::Severity::Warning => hs.warning += 1,
                    crate::event::Severity::Info => hs.info += 1,
                    crate::event::Severity::Success => hs.success += 1,
                }
            }
            hosts.push(hs);
        }
        report.inputs.extend(acc.inputs);
        report.findings.extend(findings);
        all_facts.extend(facts);
        all_data.push(data);
    }
    report.inputs.extend(super::inputs::unread_all(&d.warnings));
    report.settings_sources = sources;
    super::inputs::add_findings(&mut report);
    check_any_readable(&report.inputs, common.quiet)?;
    let data = sync::merge(all_data);
    if !data.runs.is_empty() || !data.adr_runs.is_empty() {
        report.sync_summary = Some(sync::summarize(&data.runs, &data.adr_runs, opts.now));
    }
    report.sync_runs = data.runs;
    report.adr_runs = data.adr_runs;
    report.sync_sites = sites;
    report.settings = crate::report::settings_table(&all_facts);
    report.hosts = hosts.clone();
    report.incidents = crate::incidents::group_with_rules(
        &mut report.findings,
        &set,
        &report.inputs,
        &report.sync_runs,
    );
    if let Some(found) = &d.system {
        report.sources = found.sources.clone();
    }
    report.finish();
    Ok(Analysis {
        report,
        facts: all_facts,
        settings_given,
        spans,
        hosts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{self, ParseCtx};
    use crate::source::InputFile;

    /// Everything a visitor keeps, for comparing two of them.
    fn state(mut v: StreamVisitor<'_>) -> String {
        v.end_stream();
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            v.hits,
            v.data,
            v.observer.into_facts(),
            v.presence,
            v.spans
        )
    }

    /// The sample logs and a generated SMS log of mixed components (records of a file of no
    /// known kind take their kind from the component), with literals and severity words at
    /// both ends of messages and empty messages.
    fn texts() -> Vec<(String, LogKind, String)> {
        let mut out: Vec<(String, LogKind, String)> = crate::testutil::sample_files()
            .into_iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "log" || e == "txt"))
            .map(|(p, text)| {
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                let kind = name.as_deref().and_then(LogKind::from_file_name);
                (
                    p.display().to_string(),
                    kind.unwrap_or(LogKind::Other),
                    text,
                )
            })
            .collect();
        let comps = [
            "SMS_WSUS_SYNC_MANAGER",
            "SMS_WSUS_CONFIGURATION_MANAGER",
            "SMS_RULE_ENGINE",
        ];
        let msgs = [
            "Sync failed: WSUS server not configured. Source: CWSyncMgr::DoSync",
            "error",
            "",
            "Synchronizing update 0b7c1f2e-1111-2222-3333-444455556666 - Cumulative Update",
            "Failed to download the update from internet. Error = 12007",
            "could not",
            "Done synchronizing SMS with WSUS Server SUP01.contoso.com",
            "no errors found, not found",
            "STARTING SYNC ... sync failed",
        ];
        let mut sms = String::new();
        for i in 0..700 {
            let c = comps[(i / 7 + i) % comps.len()];
            let m = msgs[(i * 5 + i / 3) % msgs.len()];
            sms.push_str(&format!(
                "{m}  $$<{c}><06-01-2026 00:{:02}:{:02}.000+480><thread=1 (0x1)>\r\n",
                i / 60 % 60,
                i % 60
            ));
        }
        out.push(("generated.log".into(), LogKind::Other, sms));
        out
    }

    #[test]
    fn a_batch_of_events_is_seen_as_the_events_one_by_one() {
        let mut set = match load_rule_set_for_scan(&[], &[]) {
            Ok(s) => s,
            Err(e) => panic!("built-in rules: {e}"),
        };
        set.set_extra_literals(extra_literals());
        for (name, kind, text) in texts() {
            let input = InputFile::named(&name, Some(kind));
            let format = parse::detect(&text, kind);
            let info = FileInfo::only(&input, kind, format);
            let mut ctx = ParseCtx::new(0, kind);
            ctx.defer_severity = true;
            let mut evs = Vec::new();
            parse::parse_text(format, &text, 1, &ctx, &mut |ev| evs.push(ev));
            let mut one = StreamVisitor::new(&set);
            for ev in &evs {
                one.event(ev, &info);
            }
            let want = state(one);
            for size in [1, 2, 7, 128, evs.len().max(1)] {
                let mut batched = StreamVisitor::new(&set);
                let mut evs = evs.clone();
                for b in evs.chunks_mut(size) {
                    batched.events(b, &info);
                }
                assert_eq!(state(batched), want, "{name}, batches of {size}");
            }
        }
    }
}
