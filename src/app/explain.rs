//! `supdiag explain <code|rule id>`: decode an error code from the offline table, or show a rule.

use std::fmt::Write as _;

use anyhow::Result;
use owo_colors::OwoColorize;

use crate::cli::ExplainArgs;
use crate::codes::{self, ParsedCode};
use crate::rules::load_rule_set;
use crate::rules::schema::valid_id;

use super::{use_color, write_stdout, EXIT_ERROR, EXIT_OK};

pub fn run(a: ExplainArgs) -> Result<u8> {
    let color = use_color(a.color);
    let set = load_rule_set(&a.rules, &[])?;
    let q = a.query.trim();
    if valid_id(q) && q.bytes().any(|b| b.is_ascii_alphabetic()) && !is_hex_word(q) {
        if let Some(text) = super::rules_cmd::render_rule(&set, q, color) {
            write_stdout(&text)?;
            return Ok(EXIT_OK);
        }
    }
    let Some(parsed) = codes::parse_code(q) else {
        eprintln!(
            "supdiag: {q:?} is neither a known rule id nor an error code (accepted: 0x80072EE7, 80072ee7, -2147012889, 2147942405, 12007, or a rule id from `supdiag rules list`)"
        );
        return Ok(EXIT_ERROR);
    };
    let entries = codes::lookup(parsed);
    let related: Vec<&str> = set
        .rules
        .iter()
        .filter(|r| r.codes.iter().any(|c| codes::code_matches(c, parsed)))
        .map(|r| r.id.as_str())
        .collect();
    if entries.is_empty() && related.is_empty() {
        match parsed.decimal {
            Some(_) => eprintln!(
                "supdiag: {q} is neither a status message id nor a Win32 code in the table (HRESULT 0x{:08X}); no rule refers to it",
                parsed.hresult
            ),
            None => eprintln!(
                "supdiag: code {q} is not in the table (HRESULT 0x{:08X}); no rule refers to it",
                parsed.hresult
            ),
        }
        return Ok(EXIT_ERROR);
    }
    write_stdout(&render(q, parsed, &entries, &related, color))?;
    Ok(EXIT_OK)
}

/// `80072ee7` looks like an id to `valid_id` but is a code.
fn is_hex_word(q: &str) -> bool {
    q.len() == 8 && q.bytes().all(|b| b.is_ascii_hexdigit())
}

fn render(
    q: &str,
    p: ParsedCode,
    entries: &[&codes::CodeEntry],
    related: &[&str],
    color: bool,
) -> String {
    let head = |s: &str| {
        if color {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    };
    let show = |o: &mut String, e: &codes::CodeEntry| {
        let _ = writeln!(o, "\n{}", head(e.name));
        let _ = writeln!(o, "  Meaning: {}", e.meaning);
        let _ = writeln!(o, "  Likely causes: {}", e.causes);
        let _ = writeln!(o, "  Fix: {}", e.fix);
    };
    // A plain number that is a status message id (or a WSUS event, an SQL error) is that first;
    // its HRESULT_FROM_WIN32 form is shown only when the table knows that code too.
    let (by_number, by_hresult): (Vec<&codes::CodeEntry>, Vec<&codes::CodeEntry>) = entries
        .iter()
        .partition(|e| p.decimal.is_some_and(|d| e.numbers.contains(&d)));
    let mut o = String::new();
    if let Some((first, more)) = by_number.split_first() {
        let _ = writeln!(o, "{}  {}", head(q), first.name);
        let _ = writeln!(o, "  Meaning: {}", first.meaning);
        let _ = writeln!(o, "  Likely causes: {}", first.causes);
        let _ = writeln!(o, "  Fix: {}", first.fix);
        for e in more {
            show(&mut o, e);
        }
        if !by_hresult.is_empty() {
            let _ = writeln!(
                o,
                "\n{} as a Win32 error code: HRESULT 0x{:08X}",
                head(q),
                p.hresult
            );
        }
    } else {
        let signed = p.hresult as i32;
        let _ = write!(o, "{}  HRESULT 0x{:08X}  ({signed})", head(q), p.hresult);
        if let Some(d) = p.decimal {
            let _ = write!(o, "  Win32/WinINet {d}");
        }
        o.push('\n');
    }
    for e in &by_hresult {
        show(&mut o, e);
    }
    if entries.is_empty() {
        let _ = writeln!(o, "\nNot in the code table.");
    }
    let _ = writeln!(
        o,
        "\nRelated rules: {}",
        if related.is_empty() {
            "none".to_string()
        } else {
            related.join(", ")
        }
    );
    o
}
