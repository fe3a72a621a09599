use super::*;

fn lits(ls: &[&str]) -> Vec<String> {
    ls.iter().map(|l| l.to_ascii_lowercase()).collect()
}

/// The fast matcher of `pattern` for the prefilter `literals`, when it gets one.
fn build(pattern: &str, literals: &[String]) -> Option<FastMatch> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    FastMatch::of(&Shape::of(&hir, literals)?)
}

/// With one literal reported at `at`.
fn is_match_at(f: &FastMatch, hay: &[u8], at: usize) -> bool {
    f.is_match(hay, std::iter::once(at))
}

#[test]
fn the_update_progress_pattern_takes_the_fast_path() {
    let p = r"(?i)(?:(?-u:Synchronizing)|(?-u:Skipped))(?-u: update \{?)[0-9a-f]{8}(?-u:-)[0-9a-f]{4}(?-u:-)[0-9a-f]{4}(?-u:-)[0-9a-f]{4}(?-u:-)[0-9a-f]{12}(?-u:\}? - )";
    let f = build(p, &lits(&["Synchronizing update", "Skipped update"])).expect("fast path");
    let yes = b"xx Synchronizing update 3b8f3a6c-2f4e-4c1e-9d43-0c8a1f2e3d4c - Update";
    assert!(is_match_at(&f, yes, 3));
    assert!(!is_match_at(&f, yes, 0));
    assert!(is_match_at(
        &f,
        b"SKIPPED UPDATE {3B8F3A6C-2F4E-4C1E-9D43-0C8A1F2E3D4C} - ",
        0
    ));
    assert!(!is_match_at(
        &f,
        b"Synchronizing update 3b8f3a6c-2f4e-4c1e-9d43-0c8a1f2e3d4 - ",
        0
    ));
    assert!(!is_match_at(&f, b"Synchronizing update 3b8f3a6c", 0));
}

#[test]
fn other_shapes_keep_the_automaton() {
    let l = lits(&["abc"]);
    // A look-around, a non-ASCII class, a repeat without bound or that could take what
    // follows, a branch without the literal at a fixed place, a group repeated, a match
    // longer than MAX_LEN.
    for p in [
        r"abc\b",
        r"abc[0-9]*(?-u:\b)",
        r"abc.",
        r"abc[^x]{2,}y",
        r"abc[^x]{0,5}x",
        r"abc[a-zé]+x",
        r"abc.*é",
        r"abc\S+ x",
        r"abc[a-z]+z",
        r"abc[0-9]*[0-9]",
        r"abc\d",
        r"abc|x",
        r"abc|xy",
        r"abc|xyz",
        r"x?abcd",
        r"(?:abc)+",
        r"x?abc",
        r"x+abc",
        r"abc[0-9]+x",
        r#"abc[^"]*""#,
        r"abc.*",
        r"(?i)(?-u:statmsg:)(?-u:\s)*(?-u:id=6702)",
        r"abc[0-9]{300}",
        r"wxyz?abc",
        r"(?:xyz|zzz)(?-u:\s){0,3}abc",
    ] {
        assert!(build(p, &l).is_none(), "{p}");
    }
    // Disjoint neighbours, bounded and optional parts are fine.
    for p in [
        r"abc[0-9]{1,9}x",
        r"abc\{?(?-u:\d){2}\}?-",
        r"(?i)abc(?:d|e)f",
        r"(?-u:\b)abc(?-u:\b)",
        r"abc[0-9]{1,3}x(?-u:\B)",
        r"xy[0-9]{2}abc",
        r"(?:xy|zw)abc",
        r"(?P<n>abc)[0-9]{2}",
    ] {
        assert!(build(p, &l).is_some(), "{p}");
    }
}

/// Each alternative tried from the start of a text answers as the regex anchored there, and
/// the matcher given the places a prefilter would report answers as the regex.
#[test]
fn agrees_with_the_regex() {
    let cases = [
        (r"(?i)abc\{?[0-9a-f]{2,3}\}?-x", "abc"),
        (r"(?i)Error (?:code|id)=[0-9]{1,5} on", "error "),
        (r"ID=6702 SEV=[A-Z]", "id=6702"),
        (r"(?-u:\b)ID=6702(?-u:\b)", "id=6702"),
        (r"abc(?-u:\B)[0-9]{1,2}x(?-u:\b)", "abc"),
        (
            r"(?i)(?-u:Synchronizing update )[0-9a-f]{2}(?-u: - Done)",
            "synchronizing update ",
        ),
        (r"(?i)(?:xy|z)[0-9]{2}abc", "abc"),
        (r"(?i)(?:xyz|zzz)(?-u:\s)abc", "abc"),
        (r"(?i)Error[0-9]{2}(?-u:\s)(?:code|id)abc", "abc"),
        (r"(?i)abc[0-9]{1,4}(?-u:\s){0,2}(?:code|id)", "abc"),
    ];
    let words = [
        "abc",
        "ABC",
        "{",
        "}",
        "-",
        "x",
        "0",
        "9f",
        "a",
        "ff",
        "Error ",
        "code",
        "id",
        "=",
        "12",
        " on",
        "ID=6702",
        "_",
        "7",
        "ID=6702 SEV=",
        "xy",
        "z",
        "xyz",
        "zzz",
        "Error12",
        "Synchronizing update ",
        "SYNCHRONIZING UPDATE ",
        "Synchronizing_update ",
        " - Done",
        " - DONE",
        " - done!",
        "I",
        "e",
        " ",
        "\"",
        "é",
        "ü€",
        "😀",
        "\n",
    ];
    for (p, lit) in cases {
        let f = build(p, &lits(&[lit])).expect(p);
        let anchored = regex::Regex::new(&format!("^(?:{p})")).expect("regex");
        let unanchored = regex::Regex::new(p).expect("regex");
        for s in crate::testutil::word_soup(&words, 3, 5000, 8) {
            let b = s.as_bytes();
            let from_start = f.branches.iter().any(|br| br.matches_at(b, 0));
            assert_eq!(from_start, anchored.is_match(&s), "{p} on {s:?}");
            let low = s.to_ascii_lowercase();
            let at: Vec<usize> = (0..low.len())
                .filter(|&i| low.as_bytes()[i..].starts_with(lit.as_bytes()))
                .collect();
            if !at.is_empty() {
                assert_eq!(
                    f.is_match(b, at.iter().copied()),
                    unanchored.is_match(&s),
                    "{p} on {s:?}"
                );
            }
        }
    }
}
