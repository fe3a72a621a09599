//! Secrets never leave. Passwords are masked by reading the text they are in, not by matching
//! one shape of it: URL userinfo with any characters (`/`, `#`, `?`, `@` in the password),
//! scheme-less `user:pass@host:port`, connection strings (`Password=`, `Pwd=`, quoted or
//! braced values), and any value given to a key named like a password (`password="…"`,
//! `"ProxyPassword": "…"`, `pwd = '…'`), even in a file that does not parse.
//!
//! [`value`] masks one setting value (the whole string is the value); [`text`] masks free text
//! (messages, lines quoted in errors), where values end at white space or a quote.

/// What a secret is replaced with.
pub const MASK: &str = "***";

/// Is `name` the name of a secret? (`password`, `ProxyPassword`, `connection_password`, `pwd`,
/// `passwd`, `secret`, `passphrase`; case and separators do not matter.)
pub fn is_secret_name(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    n.contains("password")
        || n.contains("passwd")
        || n.contains("passphrase")
        || n.contains("secret")
        || n == "pwd"
        || n.ends_with("pwd")
}

/// Could [`text`] mask anything in `s`? One cheap scan (an `@`, or `pass`, `pwd`, `secret` in
/// any case), so log lines quoted as evidence or shown by `view` pay for redaction only when
/// they may hold a secret.
pub fn may_hold_secret(s: &str) -> bool {
    static HINTS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(["@", "pass", "pwd", "secret"])
                .ok()
        });
    match HINTS.as_ref() {
        Some(ac) => ac.is_match(s),
        // Cannot happen for these fixed patterns; masking everything would be the safe side.
        None => true,
    }
}

/// [`text`] for a line from a log (evidence, `view`): only when it may hold a secret.
pub fn log_text(s: &str) -> std::borrow::Cow<'_, str> {
    if may_hold_secret(s) {
        std::borrow::Cow::Owned(text(s))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Mask the password of a URL or `user:pass@host` that is the whole of `s`. The userinfo ends
/// at the last `@` (a password may hold `/`, `#`, `?` and `@`); a userinfo without `:` is a
/// user name only and stays.
pub fn url(s: &str) -> String {
    let (scheme, rest) = split_scheme(s);
    if scheme.is_empty() && is_windows_path(s) {
        return s.to_string();
    }
    let Some(at) = rest.rfind('@') else {
        return s.to_string();
    };
    let userinfo = &rest[..at];
    match userinfo.find(':') {
        Some(colon) => format!("{scheme}{}:{MASK}{}", &userinfo[..colon], &rest[at..]),
        None => s.to_string(),
    }
}

/// `D:\…`, `D:/…` or `\\server\…`: a path, whose `:` is not a password's.
fn is_windows_path(s: &str) -> bool {
    let b = s.as_bytes();
    s.starts_with("\\\\")
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'))
}

/// `scheme://` and the rest, or `""` and `s`.
fn split_scheme(s: &str) -> (&str, &str) {
    if let Some(i) = s.find("://") {
        let scheme = &s[..i];
        let ok = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if ok {
            return (&s[..i + 3], &s[i + 3..]);
        }
    }
    ("", s)
}

/// Mask the values of secret keys in a connection string (`Server=x;Password=y;`,
/// `Pwd={a;b}`, `Password="a;""b"`).
pub fn conn_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        let Some(eq) = rest.find(['=', ';']) else {
            out.push_str(rest);
            break;
        };
        if rest.as_bytes()[eq] == b';' {
            out.push_str(&rest[..=eq]);
            rest = &rest[eq + 1..];
            continue;
        }
        let key = &rest[..eq];
        out.push_str(&rest[..=eq]);
        let after = &rest[eq + 1..];
        let len = conn_value_len(after);
        if is_secret_name(key) && len > 0 {
            out.push_str(MASK);
        } else {
            out.push_str(&after[..len]);
        }
        rest = &after[len..];
    }
    out
}

/// Length of a connection-string value at the start of `s`: quoted (`"…"` with `""` inside,
/// `'…'`), braced (`{…}` with `}}` inside) or up to the next `;`.
fn conn_value_len(s: &str) -> usize {
    let lead = s.len() - s.trim_start().len();
    let t = &s[lead..];
    let close = match t.chars().next() {
        Some('"') => '"',
        Some('\'') => '\'',
        Some('{') => '}',
        _ => return s.find(';').unwrap_or(s.len()),
    };
    let b = t.as_bytes();
    let mut i = 1;
    while i < b.len() {
        if b[i] == close as u8 {
            if b.get(i + 1) == Some(&(close as u8)) {
                i += 2;
                continue;
            }
            return lead + i + 1;
        }
        i += 1;
    }
    s.len()
}

/// Mask a setting value: a connection string's secret keys and a URL's password.
pub fn value(s: &str) -> String {
    let s = if s.contains('=') {
        conn_string(s)
    } else {
        s.to_string()
    };
    if s.contains('@') {
        url(&s)
    } else {
        s
    }
}

/// Characters that end a word of free text (a URL or `user:pass@host` inside a message).
fn ends_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>' | '(' | ')' | ',')
}

/// Mask secrets in free text: values of password-named keys (`=` or `:` after the name, the
/// value quoted or up to white space or `;`), and URL userinfo in every word holding an `@`.
pub fn text(s: &str) -> String {
    let s = assignments(s);
    if !s.contains('@') {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    let mut word_start = 0;
    for (i, c) in s.char_indices().chain([(s.len(), ' ')]) {
        if i == s.len() || ends_word(c) {
            let word = &s[word_start..i];
            if word.contains('@') {
                out.push_str(&url(word));
            } else {
                out.push_str(word);
            }
            if i < s.len() {
                out.push(c);
            }
            word_start = i + c.len_utf8();
        }
    }
    out
}

/// Mask the value after every password-named key in `s` (`password="…"`, `Pwd=…;`,
/// `"ProxyPassword": "…"`), keeping quotes and line breaks. Settings files go through this
/// before they are parsed, so a parse error cannot quote a password.
pub fn assignments(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if !is_name_byte(b[i]) || (i > 0 && is_name_byte(b[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_name_byte(b[i]) {
            i += 1;
        }
        if !is_secret_name(&s[start..i]) {
            continue;
        }
        // A closing quote of a quoted name, spaces, then `=` or `:`.
        let mut j = i;
        if j < b.len() && matches!(b[j], b'"' | b'\'') {
            j += 1;
        }
        while j < b.len() && b[j] == b' ' {
            j += 1;
        }
        if j >= b.len() || !matches!(b[j], b'=' | b':') {
            continue;
        }
        j += 1;
        while j < b.len() && b[j] == b' ' {
            j += 1;
        }
        let vlen = text_value_len(&s[j..]);
        if vlen == 0 {
            i = j;
            continue;
        }
        out.push_str(&s[copied..j]);
        let v = &s[j..j + vlen];
        // Keep the quotes around a quoted value and its line breaks: the text stays
        // well-formed and its line numbers stay right.
        let breaks = "\n".repeat(v.matches('\n').count());
        match v.chars().next() {
            Some(q @ ('"' | '\'' | '`')) if v.len() >= 2 && v.ends_with(q) => {
                out.push(q);
                out.push_str(MASK);
                out.push_str(&breaks);
                out.push(q);
            }
            _ => {
                out.push_str(MASK);
                out.push_str(&breaks);
            }
        }
        copied = j + vlen;
        i = copied;
    }
    out.push_str(&s[copied..]);
    out
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.'
}

/// Length of the value at the start of `s` in free text: a quoted value up to its closing
/// quote (a backslash escapes one), an escaped quote (`\"…\"`, as in a debug-printed line), a
/// braced one, or up to white space, `;`, `,` or `&`-free end.
fn text_value_len(s: &str) -> usize {
    let b = s.as_bytes();
    if let Some(rest) = s.strip_prefix("\\\"") {
        return rest.find("\\\"").map_or(s.len(), |k| k + 4);
    }
    match b.first() {
        Some(&q @ (b'"' | b'\'' | b'`')) => {
            let mut k = 1;
            while k < b.len() {
                if b[k] == b'\\' {
                    k += 2;
                    continue;
                }
                if b[k] == q {
                    return k + 1;
                }
                k += 1;
            }
            s.len()
        }
        Some(b'{') => s.find('}').map_or(s.len(), |k| k + 1),
        _ => s
            .find(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '<' | '>' | '"' | '\''))
            .unwrap_or(s.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "Zq9-s3cr3t";

    fn clean(out: &str) {
        assert!(!out.contains(S), "secret left in {out:?}");
    }

    #[test]
    fn urls_with_any_characters_in_the_password() {
        for pw in ["p/w#x?y", "a@b@c", "p:w", "pa%40ss", "x"] {
            let full = format!("{pw}{S}");
            for u in [
                format!("http://svc:{full}@proxy.contoso.com:8080"),
                format!("https://svc:{full}@wsus01:8531/ClientWebService"),
                format!("svc:{full}@wsus01.contoso.com:8530"),
            ] {
                let out = url(&u);
                clean(&out);
                assert!(out.contains("svc:***@"), "{out}");
                clean(&value(&u));
                clean(&text(&format!("proxy ({u}) refused")));
            }
        }
        assert_eq!(url("http://svc@proxy:8080"), "http://svc@proxy:8080");
        assert_eq!(url("proxy:8080"), "proxy:8080");
        assert_eq!(
            text("mail admin@contoso.com now"),
            "mail admin@contoso.com now"
        );
    }

    #[test]
    fn connection_strings() {
        for cs in [
            format!("Server=sql01;Database=SUSDB;User Id=sa;Password={S};"),
            format!("Data Source=sql01;Pwd={S}"),
            format!("Server=sql01;Password=\"{S};x\"\"y\";Trusted=no"),
            format!("Driver={{SQL}};PWD={{{S};}}}};Server=x"),
            format!("server=x; password = {S} ;"),
        ] {
            let out = value(&cs);
            clean(&out);
            // The first key stays readable.
            let first = cs.split('=').next().unwrap_or_default();
            assert!(out.starts_with(first), "{out}");
            clean(&text(&cs));
        }
        assert_eq!(
            conn_string("Server=a;Password=b;Database=c"),
            "Server=a;Password=***;Database=c"
        );
    }

    #[test]
    fn password_named_keys_in_any_syntax() {
        for t in [
            format!("<add password=\"ab&x;{S}\" />"),
            format!("password={S}"),
            format!("\"ProxyPassword\"=\"{S}\""),
            format!("\"ProxyPassword\": \"{S}\""),
            format!("connection_password = '{S}'"),
            format!("line 4: \"password={S}\" is not a value line"),
            format!("Pwd={{{S} x}}"),
        ] {
            clean(&text(&t));
        }
        assert_eq!(text("password is required"), "password is required");
        assert_eq!(text("the password: none"), "the password: ***");
        assert!(is_secret_name("ProxyPassword") && is_secret_name("PWD"));
        assert!(!is_secret_name("passport") && !is_secret_name("server"));
    }
}
