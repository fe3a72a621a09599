//! Phase A's results must not depend on how a stream is cut into stretches, and phase B must
//! give the same results whatever the stretches.

use super::phase_a::{Chunk, PhaseA};
use super::phase_b::StreamVisitor;
use super::*;
use crate::event::{Event, Format, LogKind};
use crate::parse::{self, ParseCtx};
use crate::scan::{FileInfo, Part, Visitor};
use crate::source::InputFile;

/// Every field of a phase A result, shown for comparing (a new field does not compile here
/// until it is shown too).
fn fields(a: PhaseA<'_>) -> [String; 5] {
    let PhaseA {
        lines,
        observer,
        presence,
        spans,
        ordered,
    } = a;
    [
        format!("{lines:?}"),
        format!("{:?}", observer.into_facts()),
        format!("{presence:?}"),
        format!("{spans:?}"),
        format!("{ordered:?}"),
    ]
}

/// What a stream produced, shown for comparing.
fn stream_state(mut v: StreamVisitor<'_>) -> String {
    v.end_stream();
    let r = v.into_result();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        r.hits,
        r.data,
        r.observer.into_facts(),
        r.presence,
        r.spans
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

fn rule_set() -> RuleSet {
    let mut set = match load_rule_set_for_scan(&[], &[]) {
        Ok(s) => s,
        Err(e) => panic!("built-in rules: {e}"),
    };
    set.set_extra_literals(extra_literals());
    set
}

/// The events of each text (severity left to the part, as the scanner does).
fn events_of(text: &str, kind: LogKind) -> (Format, Vec<Event<'_>>) {
    let format = parse::detect(text);
    let mut ctx = ParseCtx::new(0, kind);
    ctx.defer_severity = true;
    let mut evs = Vec::new();
    parse::parse_text(format, text, 1, &ctx, &mut |ev| evs.push(ev));
    (format, evs)
}

/// Phase A over `evs` cut into stretches of `size` events, each in a part of its own.
fn parts<'r>(
    set: &'r RuleSet,
    evs: &[Event<'_>],
    size: usize,
    info: &FileInfo<'_>,
) -> Vec<Chunk<'r>> {
    evs.chunks(size.max(1))
        .map(|b| {
            let mut part = Chunk::new(set);
            part.events(&mut b.to_vec(), info);
            part
        })
        .collect()
}

#[test]
fn a_batch_of_events_is_seen_as_the_events_one_by_one() {
    let set = rule_set();
    for (name, kind, text) in texts() {
        let input = InputFile::named(&name, Some(kind));
        let (format, evs) = events_of(&text, kind);
        let info = FileInfo::only(&input, kind, format);
        let mut one = Chunk::new(&set);
        for ev in &evs {
            one.event(ev, &info);
        }
        let want = fields(one.finish());
        for size in [1, 2, 7, 128, evs.len().max(1)] {
            let mut batched = Chunk::new(&set);
            let mut evs = evs.clone();
            for b in evs.chunks_mut(size) {
                batched.events(b, &info);
            }
            assert_eq!(fields(batched.finish()), want, "{name}, batches of {size}");
        }
    }
}

/// Appending the parts of a stream's stretches gives what one part reading it all gives, field
/// by field; and every field has something to merge in some sample (so a merge step that is
/// left out fails here).
#[test]
fn appended_parts_equal_one_part_in_every_field() {
    let set = rule_set();
    let names = ["lines", "observer", "presence", "spans", "ordered"];
    let mut merged_something = [false; 5];
    for (name, kind, text) in texts() {
        let input = InputFile::named(&name, Some(kind));
        let (format, evs) = events_of(&text, kind);
        let info = FileInfo::only(&input, kind, format);
        let whole = fields(parts(&set, &evs, evs.len(), &info).remove(0).finish());
        for size in [1, 3, 50] {
            let mut all = parts(&set, &evs, size, &info).into_iter();
            let Some(mut first) = all.next() else {
                continue;
            };
            let first_alone = fields(parts(&set, &evs, size, &info).remove(0).finish());
            for part in all {
                first.append(part);
            }
            let got = fields(first.finish());
            for (i, field) in names.iter().enumerate() {
                assert_eq!(got[i], whole[i], "{name}, stretches of {size}: {field}");
                // The later stretches changed this field: it went through the merge.
                merged_something[i] |= first_alone[i] != whole[i];
            }
        }
    }
    for (i, field) in names.iter().enumerate() {
        assert!(
            merged_something[i],
            "no sample exercises the merge of {field}"
        );
    }
}

/// Phase B over parts of any size gives what one pass gives: the sequence rules and run
/// builders see the same lines in the same order. That holds for parts that start empty and
/// are appended, for parts the stream's visitor lends its results to (read in order), and when
/// a second part is made before the first is taken (files of a stream read in parallel).
#[test]
fn a_stream_read_in_stretches_equals_one_pass() {
    let set = rule_set();
    for (name, kind, text) in texts() {
        let input = InputFile::named(&name, Some(kind));
        let (format, evs) = events_of(&text, kind);
        let info = FileInfo::only(&input, kind, format);
        let mut one = StreamVisitor::new(&set);
        for part in parts(&set, &evs, evs.len(), &info) {
            one.take(part);
        }
        let want = stream_state(one);
        for size in [1, 5, 64] {
            let mut v = StreamVisitor::new(&set);
            for part in parts(&set, &evs, size, &info) {
                v.take(part);
            }
            assert_eq!(stream_state(v), want, "{name}, stretches of {size}");
            for together in [1, 2] {
                let mut v = StreamVisitor::new(&set);
                for group in evs.chunks(size).collect::<Vec<_>>().chunks(together) {
                    let mut made: Vec<_> = group.iter().map(|_| v.part()).collect();
                    for (part, b) in made.iter_mut().zip(group) {
                        part.events(&mut b.to_vec(), &info);
                    }
                    for part in made {
                        v.take(part);
                    }
                }
                let what = format!("{name}, stretches of {size}, {together} made at a time");
                assert_eq!(stream_state(v), want, "{what}");
            }
        }
    }
}
