//! Fuzz-style tests for the SUPSetup, SoftwareDistribution, WindowsUpdate and IIS parsers:
//! deterministic pseudo-random inputs built from format fragments, checked for panics and for
//! line coverage (every non-blank line lands in exactly one event's `raw`, or is an IIS
//! directive).

use super::{detect, iis, softwaredistribution, supsetup, windowsupdate, LineIter, ParseCtx};
use crate::event::{Event, LogKind};

type Parser = for<'a> fn(&'a str, u64, &ParseCtx, &mut dyn FnMut(Event<'a>));

pub(super) use crate::testutil::Lcg;

const FRAGMENTS: &[&str] = &[
    "<02/09/14 22:53:28> ",
    "<13/45/14 2",
    "2026-11-20 07:01:02.123 UTC",
    "2026-11-20 07:01:02",
    "\tInfo\t",
    "\tError\t",
    " Warning ",
    "Change",
    "WsusService.13",
    "w3wp.6",
    "\tA.B\t",
    "   at X.Y()",
    "--- End of inner exception stack trace ---",
    "2009-10-26\t10:55:49:474\t 912\t1084\tMisc\t",
    "Logging initialized (build: 7, tz: +0200)",
    "tz: -",
    "tz: +9999",
    "2021/07/13 18:07:15.2048031 3736  3464  Agent           ",
    "1601/01/01 01:00:00.0000000 1 2 ",
    "*FAILED* ",
    "FATAL",
    "WARNING: ",
    "#Fields: ",
    "date time cs-method cs-uri-stem sc-status ",
    "c-ip s-port sc-substatus sc-win32-status cs(User-Agent) ",
    "#Date: 2026-11-20",
    "#Software: Microsoft Internet Information Services 10.0",
    "#Remark:",
    "#",
    "GET ",
    "/x ",
    "200 ",
    "99999 ",
    "- ",
    "2026-11-20 ",
    "10:00:00 ",
    "error",
    "\r\n",
    "\n",
    "\n",
    "\r",
    "\t",
    " ",
    "  ",
    "é",
    "😀",
    "\u{feff}",
    "\u{fffd}",
    "\0",
    "<",
    ">",
    "/",
    ":",
    ".",
    "0",
    "9",
    "x",
];

const HEADS: &[&str] = &[
    "<02/09/14 22:53:28> ",
    "<11/20/2026 07:01:02>",
    "2026-11-20 07:01:02.123 UTC\tInfo\tWsusService.13\tA.B\t",
    "2026-11-20 07:01:02.123 UTC    Error    w3wp.5    C.D    ",
    "2026-11-20 07:01:02.123 UTCChangew3wp.6",
    "   at X.Y()",
    "2009-10-26\t10:55:49:474\t 912\t1084\tMisc\t",
    "2009-10-26\t10:55:49:474\t 912\t1084\tMisc\tLogging initialized (build: 7, tz: -0130)",
    "2021/07/13 18:07:15.2048031 3736  3464  Agent           ",
    "#Fields: date time cs-method cs-uri-stem sc-status",
    "#Fields: time c-ip",
    "2026-11-20 10:00:00 GET /a 200",
    "2026-11-20 00:00:01 10.0.0.5 GET /x - 8530 - 10.1.2.3 WUA - 200 0 0 15",
    "",
];

fn input(rng: &mut Lcg) -> String {
    let mut s = String::new();
    match rng.below(4) {
        // Raw bytes, decoded the way the loader would.
        0 => {
            let n = rng.below(200);
            let bytes: Vec<u8> = (0..n).map(|_| (rng.next() & 0xff) as u8).collect();
            s.push_str(&String::from_utf8_lossy(&bytes));
        }
        // Lines that start like a record of some format, then noise.
        1 | 2 => {
            for _ in 0..rng.below(20) {
                s.push_str(HEADS[rng.below(HEADS.len())]);
                // Half of the lines stay intact so that records get through.
                let noise = if rng.below(2) == 0 { rng.below(8) } else { 0 };
                for _ in 0..noise {
                    s.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
                }
                s.push_str(["\n", "\r\n", "\n\n", ""][rng.below(4)]);
            }
        }
        _ => {
            for _ in 0..rng.below(60) {
                s.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
            }
        }
    }
    s
}

/// Every event's `raw` lies inside `text`; every non-blank line is covered exactly once (IIS
/// directives: not at all); each event's `line` is the line its `raw` starts on.
fn check_coverage(name: &str, text: &str, events: &[Event<'_>], directives: bool) {
    let base = text.as_ptr() as usize;
    let spans: Vec<(usize, usize, u64)> = events
        .iter()
        .map(|e| {
            let s = e.raw.as_ptr() as usize;
            assert!(
                s >= base && s + e.raw.len() <= base + text.len(),
                "{name}: raw outside text for {text:?}"
            );
            (s - base, s - base + e.raw.len(), e.line)
        })
        .collect();
    for line in LineIter::new(text, 1) {
        let content = line.text.trim_start_matches('\u{feff}');
        let blank = content.trim().is_empty();
        if line.start == line.end_no_eol {
            continue;
        }
        let covering: Vec<&(usize, usize, u64)> = spans
            .iter()
            .filter(|(s, e, _)| *s < line.end_no_eol && *e > line.start)
            .collect();
        if blank {
            assert!(
                covering.len() <= 1,
                "{name}: blank line {} twice in {text:?}",
                line.no
            );
            continue;
        }
        if directives && iis::is_directive(line.text) {
            assert!(
                covering.is_empty(),
                "{name}: directive {} in an event",
                line.no
            );
            continue;
        }
        assert_eq!(
            covering.len(),
            1,
            "{name}: line {} covered {} times in {text:?}",
            line.no,
            covering.len()
        );
        for (s, _, no) in covering {
            if (line.start..line.end_no_eol).contains(s) {
                assert_eq!(*no, line.no, "{name}: wrong line number in {text:?}");
            }
        }
    }
}

#[test]
fn parsers_never_panic_and_cover_every_line() {
    let parsers: [(&str, Parser, bool); 4] = [
        ("supsetup", supsetup::parse, false),
        ("softwaredistribution", softwaredistribution::parse, false),
        ("windowsupdate", windowsupdate::parse, false),
        ("iis", iis::parse, true),
    ];
    let ctx = ParseCtx::new(0, LogKind::Other);
    for (i, (name, parse, directives)) in parsers.into_iter().enumerate() {
        let mut rng = Lcg(0x5eed_0000 + i as u64);
        let mut events_seen = 0usize;
        let mut parsed_seen = 0usize;
        for _ in 0..2_000 {
            let text = input(&mut rng);
            let mut events = Vec::new();
            parse(&text, 1, &ctx, &mut |e| events.push(e));
            check_coverage(name, &text, &events, directives);
            events_seen += events.len();
            parsed_seen += events.iter().filter(|e| e.parsed).count();
            let _ = detect(&text);
        }
        // The generator must actually exercise the parser.
        assert!(events_seen > 2_000, "{name}: only {events_seen} events");
        assert!(
            parsed_seen > 100,
            "{name}: only {parsed_seen} parsed events"
        );
    }
}

#[test]
#[should_panic(expected = "covered 0 times")]
fn coverage_check_catches_a_dropped_line() {
    let text = "a\nb\n";
    let ctx = ParseCtx::new(0, LogKind::Other);
    let mut events = Vec::new();
    supsetup::parse(text, 1, &ctx, &mut |e| events.push(e));
    events.pop();
    check_coverage("test", text, &events, false);
}
