//! Lint of numeric captures: a capture that reads a number (a code, an HTTP status, a port) must
//! take the whole number. `(?P<status>\d{3})` after `HttpSendRequest failed ` also matches the
//! first three digits of WinINet's `12045` and reports HTTP 120; a capture needs a boundary
//! (`\b`, `(?!\d)`, a non-digit that must follow) on both sides.
//!
//! The check is by example: in every line of a matching example where a capture reads a number,
//! one more digit is put right after it (and, for decimals, right before it); when the regex
//! still matches with the capture cut out of the longer number, the capture is unbounded. A
//! numeric capture that no matching example sets cannot be checked, so that is reported too.

use regex_syntax::hir::{Class, Hir, HirKind};

use super::schema::{ExampleInput, Rule, RuleError};
use crate::matching::Pattern;

/// Problems with the numeric captures of `rule` (empty when there are none).
pub fn check(rule: &Rule) -> Vec<RuleError> {
    let mut errors = Vec::new();
    let lines: Vec<(usize, &str)> = rule
        .examples
        .iter()
        .filter(|ex| ex.matches)
        .flat_map(|ex| match &ex.input {
            ExampleInput::Line(l) => vec![(ex.line, l.as_str())],
            ExampleInput::Lines(ls) => ls.iter().map(|l| (ex.line, l.as_str())).collect(),
            ExampleInput::Facts(_) => Vec::new(),
        })
        .collect();
    for re in rule.regexes() {
        let Some(hir) = re.hir() else {
            continue;
        };
        let mut numeric = Vec::new();
        numeric_captures(hir, &mut numeric);
        for name in numeric {
            let mut exercised = false;
            for &(line, text) in &lines {
                let Some((value, at)) = capture_at(re, text, &name) else {
                    continue;
                };
                exercised = true;
                if let Some(variant) = unbounded(re, text, &name, value, at) {
                    errors.push(RuleError {
                        file: rule.origin.clone(),
                        line,
                        message: format!(
                            "capture `{name}` takes {value:?} out of the longer number in {variant:?}: \
                             bound it with \\b or (?!\\d) so it reads whole numbers only"
                        ),
                    });
                }
            }
            if !exercised {
                errors.push(RuleError {
                    file: rule.origin.clone(),
                    line: 1,
                    message: format!(
                        "capture `{name}` of {:?} reads a number, but no matching example sets it: \
                         add one so its boundaries are checked",
                        re.as_str()
                    ),
                });
            }
        }
    }
    errors
}

/// Text and byte offset of capture `name` in the match of `re` on `text`.
fn capture_at<'t>(re: &'t Pattern, text: &'t str, name: &str) -> Option<(&'t str, usize)> {
    let caps = re.captures(text)?;
    let value = caps.name(name)?;
    // The capture is a slice of `text`: its offset is the distance between the two pointers.
    let at = (value.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    Some((value, at))
}

/// A variant of `text` with one more digit next to the numeric `value` at `at` that the regex
/// still matches with `name` reading a part of the longer number; `None` when bounded.
fn unbounded(re: &Pattern, text: &str, name: &str, value: &str, at: usize) -> Option<String> {
    let digits = value.trim_start_matches('-');
    let hex = digits.len() > 2 && (digits.starts_with("0x") || digits.starts_with("0X"));
    let number = if hex { &digits[2..] } else { digits };
    if number.is_empty()
        || !number.bytes().all(|b| {
            if hex {
                b.is_ascii_hexdigit()
            } else {
                b.is_ascii_digit()
            }
        })
    {
        return None;
    }
    let end = at + value.len();
    let mut variants = vec![format!("{}7{}", &text[..end], &text[end..])];
    // A digit before `0x…` or `-…` does not make a longer number.
    if !hex && !value.starts_with('-') {
        variants.push(format!("{}7{}", &text[..at], &text[at..]));
    }
    variants.into_iter().find(|v| {
        capture_at(re, v, name).is_some_and(|(got, got_at)| {
            // The same digits (or a part of them) read out of a longer number.
            let inside = got_at >= at && got_at + got.len() <= end + 1;
            inside && got.len() <= value.len()
        })
    })
}

/// Names of captures whose pattern can only read a number: digits (hex digits and an `0x`
/// prefix, a minus sign) and nothing else.
fn numeric_captures(hir: &Hir, out: &mut Vec<String>) {
    match hir.kind() {
        HirKind::Capture(c) => {
            if let Some(name) = &c.name {
                if numeric(&c.sub) && has_digit(&c.sub) && !out.iter().any(|n| **n == **name) {
                    out.push(name.to_string());
                }
            }
            numeric_captures(&c.sub, out);
        }
        HirKind::Concat(hs) | HirKind::Alternation(hs) => {
            for h in hs {
                numeric_captures(h, out);
            }
        }
        HirKind::Repetition(r) => numeric_captures(&r.sub, out),
        _ => {}
    }
}

fn number_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b'x' || b == b'X' || b == b'-'
}

/// Every character the pattern can read is a digit, a hex letter, `x` or `-`.
fn numeric(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(l) => l.0.iter().all(|&b| number_byte(b)),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .all(|r| (r.start()..=r.end()).all(|ch| ch.is_ascii() && number_byte(ch as u8))),
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .all(|r| (r.start()..=r.end()).all(number_byte)),
        HirKind::Repetition(r) => numeric(&r.sub),
        HirKind::Capture(c) => numeric(&c.sub),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().all(numeric),
    }
}

/// The pattern reads at least one decimal digit somewhere (a capture of `x` alone is no number).
fn has_digit(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Literal(l) => l.0.iter().any(u8::is_ascii_digit),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .any(|r| (r.start()..=r.end()).any(|ch| ch.is_ascii_digit())),
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .any(|r| (r.start()..=r.end()).any(|b| b.is_ascii_digit())),
        HirKind::Repetition(r) => has_digit(&r.sub),
        HirKind::Capture(c) => has_digit(&c.sub),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().any(has_digit),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::schema::parse_rule;

    fn rule(regex: &str, example: &str) -> Rule {
        let text = format!(
            "id = \"t\"\nseverity = \"error\"\ntitle = \"t\"\ncause = \"c\"\nfix = \"f\"\n\
             [match]\nliterals = [\"failed\"]\nregex = '{regex}'\n\
             [[example]]\nline = \"{example}\"\nmatches = true\n\
             [[example]]\nline = \"nothing\"\nmatches = false\n"
        );
        match parse_rule("t.toml", Some("t"), &text) {
            Ok(r) => r,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn an_open_three_digit_status_is_reported_and_a_bounded_one_is_not() {
        let open = check(&rule(
            r"(?i)HttpSendRequest failed\s*(?P<status>\d{3})",
            "HttpSendRequest failed 404",
        ));
        assert_eq!(open.len(), 1, "{open:?}");
        assert!(open[0].message.contains("`status`"), "{open:?}");
        let bounded = check(&rule(
            r"(?i)HttpSendRequest failed\s*(?P<status>\d{3})\b",
            "HttpSendRequest failed 404",
        ));
        assert!(bounded.is_empty(), "{bounded:?}");
    }

    #[test]
    fn the_start_of_a_decimal_needs_a_boundary_too() {
        let open = check(&rule(r"(?i)failed.*?(?P<code>\d{4})\b", "failed at 12007"));
        assert_eq!(open.len(), 1, "{open:?}");
        let bounded = check(&rule(
            r"(?i)failed.*?\b(?P<code>\d{4,5})\b",
            "failed at 12007",
        ));
        assert!(bounded.is_empty(), "{bounded:?}");
    }

    #[test]
    fn hex_codes_and_unexercised_captures() {
        let open = check(&rule(
            r"(?i)failed hr=(?P<hresult>0x[0-9a-f]{8})",
            "failed hr=0x80070005",
        ));
        assert_eq!(open.len(), 1, "{open:?}");
        let bounded = check(&rule(
            r"(?i)failed hr=(?P<hresult>0x[0-9a-f]{8})\b",
            "failed hr=0x80070005",
        ));
        assert!(bounded.is_empty(), "{bounded:?}");
        // A numeric capture only in an alternative no example reaches.
        let unchecked = check(&rule(
            r"(?i)failed now|failed with (?P<code>\d+)\b",
            "failed now",
        ));
        assert_eq!(unchecked.len(), 1, "{unchecked:?}");
        assert!(unchecked[0].message.contains("no matching example"));
        // Text captures are not numbers.
        let text = check(&rule(r"(?i)failed on (?P<host>\S+)", "failed on cm01"));
        assert!(text.is_empty(), "{text:?}");
    }
}
