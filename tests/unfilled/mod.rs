//! Placeholders left unfilled in a report's findings: a `<server>` for the reader to fill in, or a
//! `{capture}` / `{fact:key}` / `{value:name}` / `{console:key}` that rendering did not replace.

/// `rule: field: fragment` for every unfilled placeholder in the title, cause and fix of the
/// findings of a JSON report.
pub fn unfilled_placeholders(report: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for f in report["findings"].as_array().into_iter().flatten() {
        let id = f["rule_id"].as_str().unwrap_or("?");
        for field in ["title", "cause", "fix"] {
            let text = f[field].as_str().unwrap_or("");
            for frag in fragments(text) {
                out.push(format!("{id}: {field}: {frag}"));
            }
        }
    }
    out
}

/// `<word...>` (a letter after `<`, closed on the same line within 40 bytes, no `<` inside) and
/// `{...}` (closed on the same line within 100 bytes).
fn fragments(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        let (close, max) = match c {
            '<' if text[i + 1..].starts_with(|n: char| n.is_ascii_alphabetic()) => ('>', 40),
            '{' => ('}', 100),
            _ => continue,
        };
        let rest = &text[i + 1..];
        let window = &rest[..rest.len().min(max)];
        let window = &window[..window.find('\n').unwrap_or(window.len())];
        let window = &window[..window.find(c).unwrap_or(window.len())];
        if let Some(end) = window.find(close) {
            out.push(&text[i..i + 1 + end + 1]);
        }
    }
    out
}

#[test]
fn placeholders_left_in_text_are_found() {
    assert_eq!(
        fragments("run `Test-NetConnection <SUP> -Port {value:wsus_port}` then a > b < c"),
        vec!["<SUP>", "{value:wsus_port}"]
    );
    assert!(fragments("Administration > Sites > PS1 > Software Update Point").is_empty());
}
