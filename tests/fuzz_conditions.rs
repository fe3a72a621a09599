//! Generated-input tests of the condition language (`when = '...'` of fact rules): parsing any
//! string and evaluating any parsed condition on any fact store never panics or overflows the
//! stack, and deep nesting is refused with an error instead.
//!
//! `SUPDIAG_FUZZ_CASES` sets the cases per target (default 3,000; 100,000 for the release run).

// Its dev-dependencies (proptest, jsonschema, rcgen) are not built for Windows: the Windows test
// build under Wine (.ci/windows.sh) runs the CLI tests, and these run on the Linux build.
#![cfg(not(windows))]

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use supdiag::facts::{FactStore, Provenance, Value};
use supdiag::rules::condition::Condition;

fn cases() -> u32 {
    std::env::var("SUPDIAG_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

/// Tokens of the grammar plus near-misses and junk, so generated strings reach deep into the parser.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop_oneof![
            Just("config.sup.http_port"),
            Just("config.sup[*].https_port"),
            Just("config.sup[sup01.contoso.com].https_port"),
            Just("config.site[*].top_level"),
            Just("config.iis.ssl_vdirs"),
            Just("finding.adr_download_internet_12007"),
            Just("config.sup[*]"),
            Just("a[*][*].b"),
            Just("x["),
            Just("x[]"),
            Just("x."),
        ]
        .prop_map(str::to_string),
        4 => prop_oneof![
            Just("=="), Just("!="), Just("<"), Just(">"), Just("<="), Just(">="), Just("="),
            Just("&&"), Just("||"), Just("&"), Just("|"), Just("!"), Just("("), Just(")"),
            Just("exists("), Just("exists"), Just("true"), Just("false"), Just("'"), Just("\""),
            Just("'microsoft_update'"), Just("\"x y\""), Just("''"), Just(" "), Just("\t"),
            Just("8530"), Just("-1"), Just("99999999999999999999999"), Just("0"),
        ]
        .prop_map(str::to_string),
        1 => "[ -~]{0,8}",
        1 => "\\PC{0,4}",
        1 => any::<char>().prop_map(|c| c.to_string()),
    ]
}

/// Keys the generated fact stores also use, so evaluation finds facts (and misses some).
fn cond_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("config.sup.http_port"),
        Just("config.iis.ssl_vdirs"),
        Just("finding.adr_download_internet_12007"),
        Just("config.sup[*].https_port"),
        Just("config.sup[*].top_level"),
        Just("config.sup[*]"),
        Just("config.site[*].top_level"),
        Just("config.sup[sup01].https_port"),
        Just("config.missing"),
    ]
    .prop_map(str::to_string)
}

fn operand() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => cond_key(),
        1 => any::<i64>().prop_map(|i| i.to_string()),
        1 => prop_oneof![Just("8530"), Just("0"), Just("true"), Just("false"), Just("''"),
            Just("'microsoft_update'"), Just("\"8530\""), Just("'x y'")].prop_map(str::to_string),
    ]
}

/// Valid conditions from the grammar (and/or/not/parentheses/exists/comparisons).
fn valid_condition() -> impl Strategy<Value = String> {
    let op = prop_oneof![
        Just("=="),
        Just("!="),
        Just("<"),
        Just(">"),
        Just("<="),
        Just(">=")
    ];
    let leaf = prop_oneof![
        2 => (operand(), op, operand()).prop_map(|(a, o, b)| format!("{a} {o} {b}")),
        1 => cond_key(),
        1 => cond_key().prop_map(|k| format!("exists({k})")),
    ];
    leaf.prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join(" && ")),
            proptest::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join(" || ")),
            inner.clone().prop_map(|e| format!("!({e})")),
            inner.clone().prop_map(|e| format!("!{e}")),
            inner.prop_map(|e| format!("( {e} )")),
        ]
    })
}

/// A valid condition with one token inserted at a random char boundary.
fn mutated_condition() -> impl Strategy<Value = String> {
    (valid_condition(), any::<proptest::sample::Index>(), token()).prop_map(|(c, i, t)| {
        let bounds: Vec<usize> = c.char_indices().map(|(p, _)| p).chain([c.len()]).collect();
        let at = bounds[i.index(bounds.len())];
        format!("{}{t}{}", &c[..at], &c[at..])
    })
}

fn condition_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => valid_condition(),
        3 => mutated_condition(),
        2 => proptest::collection::vec(token(), 0..24).prop_map(|t| t.join(" ")),
        1 => proptest::collection::vec(token(), 0..24).prop_map(|t| t.concat()),
        1 => any::<String>(),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        prop_oneof![Just(0i64), Just(1), Just(8530), Just(-1)].prop_map(Value::Int),
        prop_oneof![
            Just(String::new()),
            Just("true".to_string()),
            Just("false".to_string()),
            Just("microsoft_update".to_string()),
            Just("8530".to_string()),
            "\\PC{0,12}",
        ]
        .prop_map(Value::Str),
        proptest::collection::vec("[a-zA-Z0-9]{0,6}", 0..4).prop_map(Value::List),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("config.sup.http_port".to_string()),
        Just("config.iis.ssl_vdirs".to_string()),
        Just("finding.adr_download_internet_12007".to_string()),
        (
            prop_oneof![Just("sup01".to_string()), "[a-z0-9.]{1,12}"],
            prop_oneof![Just("https_port"), Just("top_level"), Just("")]
        )
            .prop_map(|(i, f)| if f.is_empty() {
                format!("config.sup[{i}]")
            } else {
                format!("config.sup[{i}].{f}")
            }),
        "[a-z0-9.]{1,12}".prop_map(|i| format!("config.site[{i}].top_level")),
        "\\PC{0,16}",
    ]
}

fn fact_store() -> impl Strategy<Value = FactStore> {
    proptest::collection::vec((key(), value()), 0..12).prop_map(|items| {
        let mut s = FactStore::new();
        for (k, v) in items {
            s.insert(k, v, Provenance::new("fuzz"));
        }
        s
    })
}

#[test]
fn generated_conditions_parse_and_evaluate_without_panic() {
    let parsed = std::cell::Cell::new(0u32);
    runner()
        .run(&(condition_text(), fact_store()), |(src, facts)| {
            match Condition::parse(&src) {
                Ok(c) => {
                    parsed.set(parsed.get() + 1);
                    let holds = c.eval(&facts);
                    let _ = c.known(&facts);
                    let _ = c.references();
                    // Three-valued logic: a condition and its negation never both hold (unknown
                    // makes both false).
                    let neg = Condition::parse(&format!("!({src})"))
                        .map_err(|e| TestCaseError::fail(format!("negation of {src:?}: {e}")))?;
                    prop_assert!(
                        !(holds && neg.eval(&facts)),
                        "{src:?} and its negation both hold"
                    );
                }
                Err(e) => {
                    // The error points inside the source.
                    prop_assert!(e.offset <= src.len(), "{e}");
                    prop_assert_eq!(&e.src, &src);
                }
            }
            Ok(())
        })
        .expect("condition language");
    // The token strategy must produce valid conditions too, or the evaluator is not exercised.
    let parsed = parsed.get();
    eprintln!(
        "condition language: {} generated conditions, {parsed} parsed and evaluated",
        cases()
    );
    assert!(parsed > cases() / 4, "only {parsed} conditions parsed");
}

/// Run `f` on a thread with a small stack (as rayon workers and test threads have), so a deep
/// recursion shows up as a crash here rather than only on some machines.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("thread panicked or overflowed")
}

#[test]
fn deeply_nested_conditions_are_refused_not_a_stack_overflow() {
    for (name, src) in [
        (
            "parens",
            format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000)),
        ),
        ("open parens", "(".repeat(100_000)),
        ("negations", format!("{}x", "!".repeat(100_000))),
        ("mixed", format!("{}x", "!(".repeat(50_000))),
        (
            "spaced",
            format!("{}x{}", "( ! ".repeat(30_000), ")".repeat(30_000)),
        ),
    ] {
        let res = on_small_stack(move || Condition::parse(&src).map_err(|e| e.message));
        match res {
            Ok(_) => panic!("{name}: 100k-deep condition accepted"),
            Err(m) => assert!(m.contains("nest"), "{name}: {m}"),
        }
    }
}

#[test]
fn moderate_nesting_still_parses_and_evaluates() {
    let mut facts = FactStore::new();
    facts.insert("config.sup.http_port", 8530i64, Provenance::new("t"));
    let src = format!(
        "{}config.sup.http_port == 8530{}",
        "(".repeat(30),
        ")".repeat(30)
    );
    let c = Condition::parse(&src).expect("30 levels parse");
    assert!(c.eval(&facts));
    let neg = Condition::parse(&format!("{}config.sup.http_port == 8530", "!".repeat(30)))
        .expect("30 negations parse");
    // An even number of negations keeps the value.
    assert!(neg.eval(&facts));
}

#[test]
fn long_flat_chains_are_not_nesting() {
    // 20,000 terms joined by && / || are a flat list, not deep recursion: they must parse.
    let and = vec!["config.sup.http_port == 8530"; 20_000].join(" && ");
    let or = vec!["x"; 20_000].join(" || ");
    let (a, o) = on_small_stack(move || {
        (
            Condition::parse(&and).map(|_| ()).map_err(|e| e.message),
            Condition::parse(&or).map(|_| ()).map_err(|e| e.message),
        )
    });
    assert_eq!(a, Ok(()));
    assert_eq!(o, Ok(()));
}
