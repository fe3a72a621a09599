//! Escaping log text for the terminal, HTML and Markdown. Log lines are untrusted input: an
//! ESC sequence must not recolour or clear the screen, a `<script>` must not run in a report.

use std::fmt::Write;

/// Terminal: control characters (C0 except tab, DEL, C1, and the Unicode bidi overrides) are
/// shown as `\x1b`-style escapes; newlines as `⏎` unless `keep_newlines`.
pub fn terminal(s: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\t' => out.push('\t'),
            '\r' => {}
            c if c.is_control() || is_bidi_control(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// HTML text and attribute values.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "&#x{:x};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Markdown inline text (a list item, a heading, a paragraph). Code spans written in the text
/// (rule causes and fixes use them) are kept as code spans; everything else is escaped so that
/// untrusted text cannot form links, images, HTML or emphasis, with backslashes only where
/// Markdown needs them (no HTML entities, so the text also reads well unrendered).
pub fn markdown(s: &str) -> String {
    inline(s, false)
}

/// [`markdown`] for a table cell: `|` is escaped too, inside code spans as well (GFM tables).
pub fn markdown_cell(s: &str) -> String {
    inline(s, true)
}

fn inline(s: &str, cell: bool) -> String {
    let flat = terminal(&s.replace("\r\n", " ").replace('\n', " "), false);
    let mut out = String::with_capacity(flat.len() + 16);
    let mut rest = flat.as_str();
    // Text between two backticks is code: inert in Markdown, so it is copied as it is. A span
    // cannot end early (its content has no backtick) and text outside spans is escaped, so
    // whichever way untrusted backticks pair up, nothing becomes markup.
    while let Some(open) = rest.find('`') {
        escape_text(&rest[..open], cell, &mut out);
        let after = &rest[open + 1..];
        match after.find('`') {
            Some(close) if close > 0 => {
                out.push('`');
                push_code(&after[..close], cell, &mut out);
                out.push('`');
                rest = &after[close + 1..];
            }
            _ => {
                out.push_str("\\`");
                rest = after;
            }
        }
    }
    escape_text(rest, cell, &mut out);
    out
}

fn push_code(code: &str, cell: bool, out: &mut String) {
    if cell {
        out.push_str(&code.replace('|', "\\|"));
    } else {
        out.push_str(code);
    }
}

/// Escape Markdown text outside code spans.
fn escape_text(s: &str, cell: bool, out: &mut String) {
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let escape = match c {
            // A backslash escapes only ASCII punctuation (`C:\Windows\Temp` stays as it is).
            '\\' => next.is_none_or(|n| n.is_ascii_punctuation()),
            '*' | '[' | ']' | '~' | '<' => true,
            // Inside a word (`Update_Services`) an underscore is not emphasis.
            '_' => {
                !(prev.is_some_and(|p| p.is_alphanumeric())
                    && next.is_some_and(|n| n.is_alphanumeric()))
            }
            // `&` only where it would start an entity (`&gt;`, `&#62;`).
            '&' => is_entity(&chars[i + 1..]),
            '|' => cell,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
}

/// `name;` or `#digits;` / `#xhex;` after an `&`.
fn is_entity(after: &[char]) -> bool {
    let body: String = after
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .collect();
    !body.is_empty() && after.get(body.chars().count()) == Some(&';')
}

/// Markdown code span content for a list item or a paragraph (the caller adds the backticks).
/// A backtick cannot be escaped inside a span, so it is shown as `ˋ`: untrusted text cannot end
/// the span early. A span is one line: line breaks (a stack trace) are shown as ` ⏎ `.
pub fn markdown_code(s: &str) -> String {
    let one_line = s.trim_end().replace("\r\n", "\n").replace('\n', " ⏎ ");
    terminal(&one_line, false).replace('`', "ˋ")
}

/// [`markdown_code`] for a table cell: `|` is escaped (GFM reads `\|` inside a span as `|`).
pub fn markdown_code_cell(s: &str) -> String {
    markdown_code(s).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_neutralises_escape_sequences() {
        let s = terminal("ok \x1b[2J\x1b[31mred\x07", false);
        assert!(!s.contains('\x1b'));
        assert!(s.contains("\\u{1b}[2J"));
    }

    #[test]
    fn html_escapes_markup() {
        assert_eq!(
            html("<script>alert('x')</script>&"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
        );
    }

    #[test]
    fn markdown_escapes_markup() {
        assert_eq!(markdown("*bold* [x](y) <b>"), "\\*bold\\* \\[x\\](y) \\<b>");
        assert_eq!(
            markdown("![img](http://x/t.png) <script>x</script>"),
            "!\\[img\\](http://x/t.png) \\<script>x\\</script>"
        );
        assert_eq!(markdown("a &gt; b & c"), "a \\&gt; b & c");
        assert_eq!(markdown("_em_ Update_Services"), "\\_em\\_ Update_Services");
    }

    #[test]
    fn markdown_is_clean_for_ordinary_text() {
        let fix = "Run `Invoke-WebRequest http://x -Proxy http://p:8080 | Select StatusCode` -> then IIS > Sites & C:\\Windows\\Temp.";
        let out = markdown(fix);
        assert_eq!(out, fix, "nothing to escape");
        assert!(!out.contains("&gt;") && !out.contains("\\`"));
        // In a table cell the pipe is escaped, inside the span too.
        assert_eq!(markdown_cell("a | `b | c`"), "a \\| `b \\| c`");
    }

    #[test]
    fn markdown_code_spans_cannot_be_escaped_by_log_text() {
        // Whatever the backticks of untrusted text pair with, no markup survives outside a span.
        for hostile in [
            "x` ![i](http://e/t) `y",
            "`a` [l](http://e) ` <img src=x onerror=alert(1)>",
            "``` <b>x</b>",
            "` `",
        ] {
            let out = markdown(hostile);
            let mut in_span = false;
            let mut prev = ' ';
            for c in out.chars() {
                if c == '`' && prev != '\\' {
                    in_span = !in_span;
                } else if !in_span && matches!(c, '[' | ']' | '<') {
                    assert_eq!(prev, '\\', "{hostile:?} -> {out:?}: bare {c}");
                }
                prev = c;
            }
            assert!(!in_span, "{hostile:?} -> {out:?}: unclosed span");
        }
        assert_eq!(markdown_code("a`b|c"), "aˋb|c");
        assert_eq!(markdown_code("x\r\n   at y\n"), "x ⏎    at y");
        assert_eq!(markdown_code_cell("a`b|c"), "aˋb\\|c");
    }
}
