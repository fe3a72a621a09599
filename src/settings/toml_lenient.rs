//! Reading a supdiag.toml key by key: an unknown, mistyped or ill-typed key drops that key only
//! (with file, line and a "did you mean"), an entry without a key it needs drops that entry
//! only; everything else in the file is used. Only a file that is not TOML at all is refused.

use serde::de::DeserializeOwned;
use toml::{Table, Value};

use super::toml_schema::{self, SettingsFile, ALLOWED};
use super::{SettingsError, Sink};

/// Keys that are known but not listed in [`ALLOWED`]: accepted only to be ignored with a
/// warning (supdiag does not store secrets).
const SECRET_KEYS: &[(&str, &[&str])] = &[
    ("sup", &["password", "connection_password"]),
    ("proxy", &["password"]),
];

fn allowed(table: &str) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = ALLOWED
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, a)| a.to_vec())
        .unwrap_or_default();
    if let Some((_, s)) = SECRET_KEYS.iter().find(|(t, _)| *t == table) {
        v.extend_from_slice(s);
    }
    v
}

/// Where a table is written: `[[sup]]` (array entries) or `[sync]`.
fn place(table: &str, index: Option<usize>) -> String {
    match (table, index) {
        ("", _) => "at the top level".to_string(),
        (t, Some(i)) => format!("in [[{t}]] number {}", i + 1),
        (t, None) => format!("in [{t}]"),
    }
}

/// Line numbers of table headers and keys in the text (TOML values do not carry them once
/// parsed into a table).
struct Lines<'a> {
    text: &'a str,
}

impl Lines<'_> {
    /// `(line number, header name)` of every `[name]` / `[[name]]` line.
    fn headers(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        self.text.lines().enumerate().filter_map(|(i, l)| {
            let t = l.trim();
            let inner = t.strip_prefix('[')?;
            let end = inner.find(']')?;
            let name = inner[..end].trim_start_matches('[').trim();
            Some((i + 1, name))
        })
    }

    /// The header line of table `table`'s `index`-th entry (0 for a plain table).
    fn header(&self, table: &str, index: Option<usize>) -> Option<usize> {
        self.headers()
            .filter(|(_, n)| *n == table)
            .nth(index.unwrap_or(0))
            .map(|(l, _)| l)
    }

    /// The line of `key = …` in that table (or at the top level, before the first header);
    /// for an unknown top-level key, its table header (`[syncc]`).
    fn key(&self, table: &str, index: Option<usize>, key: &str) -> Option<usize> {
        let start = if table.is_empty() {
            0
        } else {
            self.header(table, index)?
        };
        // Lines after the header (numbers are 1-based, so `skip(start)` starts right after it).
        for (i, l) in self.text.lines().enumerate().skip(start) {
            let t = l.trim_start();
            if t.starts_with('[') {
                break;
            }
            let name = t.trim_start_matches(['"', '\'']);
            if let Some(rest) = name.strip_prefix(key) {
                if rest
                    .trim_start_matches(['"', '\''])
                    .trim_start()
                    .starts_with('=')
                {
                    return Some(i + 1);
                }
            }
        }
        if table.is_empty() {
            return self.header(key, None);
        }
        None
    }
}

fn unknown(key: &str, table: &str, index: Option<usize>) -> String {
    let allowed = ALLOWED
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, a)| *a)
        .unwrap_or(&[]);
    let mut m = format!("unknown key `{key}` {}", place(table, index));
    if let Some(s) = toml_schema::suggest(key, allowed) {
        m.push_str(&format!("; did you mean `{s}`?"));
    }
    m.push_str(&format!(
        "; allowed keys: {}; the key was ignored",
        allowed.join(", ")
    ));
    m
}

/// Parse a supdiag.toml, dropping what cannot be used with a warning each.
pub fn parse(file: &str, text: &str, sink: &mut Sink) -> Result<SettingsFile, SettingsError> {
    let mut top: Table = toml::from_str(text).map_err(|e| toml_schema::explain(file, text, &e))?;
    let lines = Lines { text };
    let top_allowed = allowed("");
    let unknown_top: Vec<String> = top
        .keys()
        .filter(|k| !top_allowed.contains(&k.as_str()))
        .cloned()
        .collect();
    for k in unknown_top {
        top.remove(&k);
        sink.dropped(lines.key("", None, &k), unknown(&k, "", None));
    }
    let mut doc = SettingsFile::default();
    let mut r = Reader {
        lines: &lines,
        sink,
    };
    doc.site = r.entries(&mut top, "site");
    doc.sup = r.entries(&mut top, "sup");
    doc.proxy = r.entries(&mut top, "proxy");
    doc.sync = r.single(&mut top, "sync");
    doc.wsus = r.single(&mut top, "wsus");
    Ok(doc)
}

struct Reader<'a, 's> {
    lines: &'a Lines<'a>,
    sink: &'s mut Sink,
}

impl Reader<'_, '_> {
    fn entries<T: DeserializeOwned>(&mut self, top: &mut Table, name: &str) -> Vec<T> {
        match top.remove(name) {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .filter_map(|(i, v)| match v {
                    Value::Table(t) => self.one(t, name, Some(i)),
                    _ => {
                        self.sink.dropped(
                            self.lines.key("", None, name),
                            format!("`{name}` entry {} is not a table; ignored", i + 1),
                        );
                        None
                    }
                })
                .collect(),
            Some(_) => {
                self.sink.dropped(
                    self.lines.key("", None, name),
                    format!("`{name}` must be written as [[{name}]] tables; ignored"),
                );
                Vec::new()
            }
        }
    }

    fn single<T: DeserializeOwned>(&mut self, top: &mut Table, name: &str) -> Option<T> {
        match top.remove(name)? {
            Value::Table(t) => self.one(t, name, None),
            _ => {
                self.sink.dropped(
                    self.lines.key("", None, name),
                    format!("`{name}` must be written as a [{name}] table; ignored"),
                );
                None
            }
        }
    }

    /// One table: unknown keys dropped, then keys of the wrong type or value dropped one by
    /// one until the rest reads; an entry missing a key it needs is dropped whole.
    fn one<T: DeserializeOwned>(
        &mut self,
        mut t: Table,
        name: &str,
        index: Option<usize>,
    ) -> Option<T> {
        let ok = allowed(name);
        let unknown_keys: Vec<String> = t
            .keys()
            .filter(|k| !ok.contains(&k.as_str()))
            .cloned()
            .collect();
        for k in unknown_keys {
            t.remove(&k);
            self.sink
                .dropped(self.lines.key(name, index, &k), unknown(&k, name, index));
        }
        // Each round drops one key; a table has as many rounds as keys at most.
        for _ in 0..=t.len() {
            let e = match t.clone().try_into::<T>() {
                Ok(v) => return Some(v),
                Err(e) => e,
            };
            let msg = e.message().trim().to_string();
            if let Some(field) = missing_field(&msg) {
                self.sink.dropped(
                    self.lines.header(name, index),
                    format!(
                        "the table {} has no `{field}`, which it needs; the table was ignored",
                        place(name, index).trim_start_matches("in ")
                    ),
                );
                return None;
            }
            match key_of(&e.to_string()).filter(|k| t.contains_key(k)) {
                Some(k) => {
                    t.remove(&k);
                    self.sink.dropped(
                        self.lines.key(name, index, &k),
                        format!(
                            "key `{k}` {}: {msg}; the key was ignored",
                            place(name, index)
                        ),
                    );
                }
                None => break,
            }
        }
        self.sink.dropped(
            self.lines.header(name, index),
            format!(
                "the table {} could not be read; ignored",
                place(name, index).trim_start_matches("in ")
            ),
        );
        None
    }
}

/// `missing field `server`` → `server`.
fn missing_field(msg: &str) -> Option<&str> {
    msg.strip_prefix("missing field `")?.split('`').next()
}

/// The key an error is about: toml's text ends with "in `key`" (or `key.sub`, `key[0]`).
fn key_of(display: &str) -> Option<String> {
    let at = display.rfind("in `")?;
    let path = display[at + 4..].split('`').next()?;
    let key = path.split(['.', '[']).next()?;
    (!key.is_empty()).then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (SettingsFile, Vec<super::super::SettingsWarning>) {
        let mut sink = Sink::new("supdiag.toml");
        let doc = parse("supdiag.toml", text, &mut sink).expect("parses");
        (doc, sink.warnings)
    }

    #[test]
    fn an_unknown_key_drops_that_key_only() {
        let (doc, w) = read(
            "[[sup]]\nserver = \"a\"\nhttp_port = 8530\n\n[[sup]]\nserver = \"b\"\nhtp_port = 80\nrequire_ssl = true\n\n[[proxy]]\nserver = \"a\"\nname = \"p\"\nport = 8080\n",
        );
        assert_eq!(doc.sup.len(), 2);
        assert_eq!(doc.sup[1].require_ssl, Some(true));
        assert_eq!(doc.proxy.len(), 1);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].line, Some(7));
        assert!(w[0].dropped);
        assert!(
            w[0].message
                .contains("unknown key `htp_port` in [[sup]] number 2")
                && w[0].message.contains("did you mean `http_port`?"),
            "{}",
            w[0].message
        );
    }

    #[test]
    fn a_wrong_value_drops_that_key_and_a_missing_one_the_entry() {
        let (doc, w) = read(
            "[sync]\nschedule_hours = -1\nsource = \"upstream\"\n\n[[site]]\ncode = \"P01\"\nrole = \"tertiary\"\n\n[[site]]\ncode = \"CAS\"\nrole = \"cas\"\n\n[wsus]\nport = \"abc\"\nusing_ssl = true\n\n[syncc]\nx = 1\n",
        );
        let sync = doc.sync.expect("sync kept");
        assert!(sync.schedule_hours.is_none() && sync.source.is_some());
        assert_eq!(doc.site.len(), 1);
        assert_eq!(doc.wsus.as_ref().and_then(|w| w.using_ssl), Some(true));
        let lines: Vec<Option<usize>> = w.iter().map(|w| w.line).collect();
        // [syncc] (top level, first), then site 1's role and site 1 itself, sync's
        // schedule_hours, wsus's port.
        assert_eq!(
            lines,
            vec![Some(17), Some(7), Some(5), Some(2), Some(14)],
            "{w:#?}"
        );
        assert!(
            w[0].message.contains("did you mean `sync`?"),
            "{}",
            w[0].message
        );
    }

    #[test]
    fn passwords_are_known_keys() {
        let (doc, w) = read("[[proxy]]\nserver = \"a\"\npassword = \"x\"\n");
        assert_eq!(doc.proxy.len(), 1);
        assert!(w.is_empty(), "{w:?}");
    }
}
