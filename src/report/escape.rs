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

/// Markdown inline text: escapes the characters that start markup, plus HTML.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in terminal(&s.replace("\r\n", " ").replace('\n', " "), false).chars() {
        match c {
            // Brackets are escaped, so `(`, `)` and `!` cannot form links or images.
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// Markdown code span content: backticks cannot be escaped inside a span, so they are replaced.
pub fn markdown_code(s: &str) -> String {
    terminal(s, false).replace('`', "ˋ").replace('|', "\\|")
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
        assert_eq!(
            markdown("*bold* [x](y) <b>"),
            "\\*bold\\* \\[x\\](y) &lt;b&gt;"
        );
    }
}
