use super::*;
use regex::Regex;

#[test]
fn groups_and_names_agree_with_regex() {
    for p in [
        r"plain",
        r"(?i)a(?P<code>\d+)(b)(?:c)(?<status>x|(y))*",
        r"(?i)(?:Synchronizing|Skipped) update \{?[0-9a-f]{8}",
    ] {
        let lazy = Pattern::new(p).expect("valid");
        let re = Regex::new(p).expect("valid");
        assert_eq!(lazy.captures_len(), re.captures_len(), "{p}");
        let names: Vec<&str> = re.capture_names().flatten().collect();
        assert_eq!(lazy.capture_names().collect::<Vec<_>>(), names, "{p}");
        assert!(lazy.compiled.get().is_none(), "compiled before use");
        assert_eq!(lazy.is_match("xx plain"), re.is_match("xx plain"));
    }
}

#[test]
fn ascii_literals_fold_ascii_only_and_mean_the_same() {
    let cases: &[(&str, &[(&str, bool)])] = &[
        (
            r"(?i)(?:Synchronizing|Skipped) update \{?[0-9a-f]{8}\}? - ",
            &[
                ("SYNCHRONIZING UPDATE {0123abcd} - x", true),
                ("skipped update 0123ABCD - x", true),
                ("synchronizing update 0123abc - x", false),
            ],
        ),
        (
            r"(?i)error\s*=\s*(?P<code>\d+)|fail(ed)?\.|é+x",
            &[
                ("Error = 12007", true),
                ("FAILED.", true),
                ("ÉÉx", true),
                ("fail", false),
            ],
        ),
        (
            r"a\.b+c{2}|[^x]y",
            &[("a.bbcc", true), ("A.bcc", false), ("zy", true)],
        ),
        (
            r"(?ix) sync \ time  # comment\n :",
            &[("SYNC TIME:", true), ("synctime:", false)],
        ),
    ];
    for (p, lines) in cases {
        let lazy = Pattern::new(p).expect("valid");
        let plain = Regex::new(p).expect("valid");
        assert_ne!(lazy.compiled_str(), *p, "nothing wrapped in {p}");
        for (l, want) in *lines {
            assert_eq!(lazy.is_match(l), *want, "{p} on {l:?}");
            assert_eq!(plain.is_match(l), *want, "{p} on {l:?} (unchanged pattern)");
        }
        assert_eq!(lazy.captures_len(), plain.captures_len());
    }
    // Classes and word boundaries are ASCII; brackets keep their other members.
    for (p, yes, no) in [
        (
            r"(?i)error\s*=\s*(?P<code>\d+)\b",
            "ERROR = 12007.",
            "error\u{a0}= 12007",
        ),
        (r"code=\d+", "code=42", "code=\u{0663}"),
        (
            r"HTTP_STATUS_\w+",
            "HTTP_STATUS_DENIED",
            "HTTP_STATUS_\u{e9}",
        ),
        (r"[\s,]+x", " ,x", "\u{a0}x"),
        (r"[^\d\s]z", "az", "1z"),
        (r"a\S+b", "a\u{a0}é-b", "a b"),
        (r"\D\W\d", "a-1", "ab1"),
        (r"\bID=6703\b", "STATMSG: ID=6703 SEV=E", "ID=67031"),
        (r"(?x) a \s b [\S] ", "a bc", "a b c"),
        (r"(?i)x[a-z]+y", "XKY", "x\u{212a}y"),
        (r"[^a-z]q", "\u{e9}q", "aq"),
    ] {
        let lazy = Pattern::new(p).expect("valid");
        assert!(lazy.compile().is_ok(), "{}", lazy.compiled_str());
        assert!(
            lazy.is_match(yes),
            "{p} ({}) on {yes:?}",
            lazy.compiled_str()
        );
        assert!(
            !lazy.is_match(no),
            "{p} ({}) on {no:?}",
            lazy.compiled_str()
        );
    }
    // Only the Unicode folds of ASCII letters are gone.
    let k = Pattern::new("(?i)kb").expect("valid");
    assert!(Regex::new("(?i)kb").expect("valid").is_match("\u{212A}B"));
    assert!(!k.is_match("\u{212A}B"));
    assert!(k.is_match("KB"));
}

#[test]
fn every_builtin_rule_regex_compiles_after_wrapping() {
    let mut n = 0;
    for s in crate::rules::loader::builtin_sources() {
        for line in s.text.lines() {
            for key in [
                "regex = '",
                "first = '",
                "then = '",
                "reset = '",
                "not_regex = '",
            ] {
                if let Some(p) = line.strip_prefix(key).and_then(|r| r.strip_suffix('\'')) {
                    let lazy = Pattern::new(p).expect("valid");
                    assert!(
                        lazy.compile().is_ok(),
                        "{}: {}",
                        s.file,
                        lazy.compiled_str()
                    );
                    n += 1;
                }
            }
        }
    }
    assert!(n >= 60, "rule regexes found: {n}");
}

#[test]
fn required_literals_are_in_every_match() {
    let req = |p: &str| {
        Pattern::new(p)
            .expect("valid")
            .required_literals()
            .map(<[String]>::to_vec)
    };
    assert_eq!(
        req(r"(?i)Did not find supported version of assembly Microsoft\.UpdateServices"),
        Some(vec![
            "did not find supported version of assembly microsoft.updateservices".into()
        ])
    );
    assert_eq!(
        req(r"(?i)Checking for supported version of WSUS|SMSWSUS Setup Started"),
        Some(vec![
            "checking for supported version of wsus".into(),
            "smswsus setup started".into()
        ])
    );
    // The longest run of a concatenation; a group matched once when the top level has none.
    assert_eq!(
        req(r"(?i)CTool::RegisterManagedBinary:\s*Failed to register .+ with \.Net"),
        Some(vec!["ctool::registermanagedbinary:".into()])
    );
    assert_eq!(
        req(r"(?:Sync|Skip)ped update"),
        Some(vec!["ped update".into()])
    );
    assert_eq!(
        req(r"(?:abcd|efgh)\d"),
        Some(vec!["abcd".into(), "efgh".into()])
    );
    // A branch without a literal, optional or repeated parts, short or non-ASCII runs: none.
    assert_eq!(req(r"abcd|\d+"), None);
    assert_eq!(req(r"(?:abcd)?\d"), None);
    assert_eq!(req(r"(?:abcd)+"), None);
    assert_eq!(req(r"ab\d"), None);
    assert_eq!(req(r"éé\d"), None);
    // Necessary: wherever the regex matches, the lower-cased text holds a literal.
    for (p, line) in [
        (
            r"(?i)Supported WSUS version found",
            "xx SUPPORTED wsus Version FOUND",
        ),
        (
            r"(?i)Registered .+ successfully",
            "REGISTERED a.dll SUCCESSFULLY",
        ),
    ] {
        let lazy = Pattern::new(p).expect("valid");
        assert!(lazy.is_match(line));
        let lower = line.to_ascii_lowercase();
        let lits = lazy.required_literals().expect("literals");
        assert!(
            lits.iter().any(|l| lower.contains(l.as_str())),
            "{p}: {lits:?}"
        );
    }
}

#[test]
fn syntax_errors_are_reported_at_load() {
    let e = Pattern::new("a(b").expect_err("unclosed group");
    assert!(e.contains("unclosed group"), "{e}");
}

/// A long counted gap of a negated ASCII class counts bytes (one automaton state per repeat
/// instead of a UTF-8 automaton per repeat); a group that then ends inside a character is
/// widened to the character's end instead of being lost.
#[test]
fn byte_counted_gaps_keep_groups_on_character_boundaries() {
    let p = Pattern::new(r"(?i)id=(?P<g>[^~]{0,8})").expect("pattern");
    assert!(
        p.compiled_str().contains("(?-u:[^~])"),
        "{}",
        p.compiled_str()
    );
    let c = p.captures("ID=€€€~rest").expect("matches");
    // Eight bytes end inside the third euro sign: the group takes the whole character.
    assert_eq!(c.name("g"), Some("€€€"));
    let c = p.captures("id=abcdefghij").expect("matches");
    assert_eq!(c.name("g"), Some("abcdefgh"));
    // Short gaps and positive classes keep counting characters.
    let short = Pattern::new(r"x[^~]{0,7}y").expect("pattern");
    assert!(!short.compiled_str().contains("(?-u:[^~])"));
    assert!(short.is_match("x€€€€€€€y"));
}

/// Every place where one of `lits` (lower case) starts in `text`, as the prefilter reports them.
fn places_of(text: &str, lits: &[&str]) -> Vec<usize> {
    let low = text.to_ascii_lowercase();
    let mut out: Vec<usize> = lits
        .iter()
        .flat_map(|l| {
            (0..low.len())
                .filter(|&i| low[i..].starts_with(l))
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort_unstable();
    out
}

/// A match found from the literals' places (anchored where the literals stand at fixed places,
/// with several alternatives, parts after the literals the shape does not read, and more places
/// than are tried anchored) is the match a search of the whole text finds, groups included.
#[test]
fn matching_from_literal_places_agrees_with_regex() {
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            r"(?i)Attempting connection to WSUS server:\s*([^\s,]+)\s*,\s*port:\s*(\d+)",
            &["attempting connection to wsus server"],
            &[
                "x Attempting connection to WSUS server: cm01, port: 8530 y",
                "Attempting connection to WSUS server: , port: 8530",
                "attempting connection to wsus server: a, port: 1 attempting connection to wsus server: b, port: 2",
            ],
        ),
        (
            r"(?i)\bab(?P<x>\d+)|cd=(?P<y>\w+)|ef(?P<z>x+?)(?: from [^=~]+?)?\.",
            &["ab", "cd=", "ef"],
            &[
                "zab12 cd=q ab3",
                "ab ab ab ab ab ab ab ab cd=ok",
                "efxx from here. ab1",
                "cd= ab ef. ef from y.",
                "nothing",
            ],
        ),
        (
            r"(?i)(?:unable to connect|timed out)[^$]*?\b(?:AdminProxy\.(?P<m>\w+)|GetUpdateServer)",
            &["unable to connect", "timed out", "adminproxy.", "getupdateserver"],
            &[
                "AdminProxy.x unable to connect: AdminProxy.createUpdateServer",
                "timed out GetUpdateServer unable to connect",
                "unable to connect timed out",
            ],
        ),
        (
            r"(?i)(?:WebException:\s*)?The request failed with HTTP status (?P<status>\d{3})\b",
            &["the request failed with http status"],
            &[
                "WebException:  The request failed with HTTP status 503: x",
                "The request failed with HTTP status 50 The request failed with HTTP status 401",
            ],
        ),
        (
            r"(?i)\bSYS=([A-Za-z0-9_.-]+)\s+SITE=([A-Za-z0-9]{3})\b|\bSITE=([A-Za-z0-9]{3})\b",
            &["sys=", "site="],
            &[
                "STATMSG: ID=1 SYS=cm01.contoso.com SITE=PS1 PID=2",
                "SITE=P SITE=PS2 SYS=a  SITE=PS3",
                "XSYS=a SITE=PS1",
            ],
        ),
    ];
    for (p, lits, lines) in cases {
        let lits: Vec<String> = lits.iter().map(|l| l.to_string()).collect();
        let ours = Pattern::new(p).expect("valid").with_literals(&lits);
        let re = Regex::new(p).expect("valid");
        let lits: Vec<&str> = lits.iter().map(String::as_str).collect();
        for line in *lines {
            let places = places_of(line, &lits);
            assert_eq!(
                ours.is_match_at(line, places.iter().copied()),
                re.is_match(line),
                "{p} on {line:?}"
            );
            let got = ours.captures_at(line, places.iter().copied());
            let want = re.captures(line);
            let groups = |n: usize, f: &dyn Fn(usize) -> Option<String>| -> Vec<Option<String>> {
                (0..n).map(f).collect()
            };
            assert_eq!(
                got.map(|c| groups(re.captures_len(), &|i| c.get(i).map(str::to_string))),
                want.map(|c| groups(re.captures_len(), &|i| c
                    .get(i)
                    .map(|m| m.as_str().to_string()))),
                "{p} on {line:?}"
            );
        }
    }
}
