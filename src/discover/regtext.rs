//! Registry values as `reg export` text (`Windows Registry Editor Version 5.00`): the form the
//! `.reg` importer reads and the form `collect` puts in a bundle, so live settings and a bundle's
//! settings become facts through the same code.

use std::fmt::Write;

use super::system::{Key, RegValue, System};

/// A key and the value names read from it (only these: a secret is never asked for).
pub struct KeySpec {
    pub key: &'static str,
    pub names: &'static [&'static str],
}

pub const HEADER: &str = "Windows Registry Editor Version 5.00";

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            // A line break inside a value would end the line in the export; reg.exe cannot
            // write one either (REG_SZ values with one are exported as hex(1)).
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn utf16z(strings: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for s in strings {
        for u in s.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out.extend_from_slice(&[0, 0]);
    }
    out.extend_from_slice(&[0, 0]);
    out
}

/// One value line (`"Name"=...`).
pub fn value_line(name: &str, v: &RegValue) -> String {
    let data = match v {
        RegValue::Str(s) => quote(s),
        RegValue::Dword(d) => format!("dword:{d:08x}"),
        RegValue::Qword(q) => format!("hex(b):{}", hex(&q.to_le_bytes())),
        RegValue::Binary(b) => format!("hex:{}", hex(b)),
        RegValue::MultiStr(l) => format!("hex(7):{}", hex(&utf16z(l))),
    };
    format!("{}={data}", quote(name))
}

/// The export text of `keys` (each with the values that exist), and how many keys were there.
pub fn export(sys: &dyn System, keys: &[KeySpec]) -> Result<(String, usize), String> {
    let mut text = format!("{HEADER}\r\n");
    let mut present = 0;
    for spec in keys {
        if !sys.reg_exists(spec.key)? {
            continue;
        }
        present += 1;
        let _ = write!(text, "\r\n[HKEY_LOCAL_MACHINE\\{}]\r\n", spec.key);
        for name in spec.names {
            if let Some(v) = sys.reg_value(spec.key, name)? {
                text.push_str(&value_line(name, &v));
                text.push_str("\r\n");
            }
        }
    }
    Ok((text, present))
}

/// Read one value, as text.
pub fn text_value(sys: &dyn System, key: Key<'_>, name: &str) -> Result<Option<String>, String> {
    Ok(sys
        .reg_value(key, name)?
        .as_ref()
        .and_then(super::system::as_text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::reg_export::parse_data;

    #[test]
    fn every_value_type_reads_back_through_the_importer() {
        let values = [
            RegValue::Str("D:\\WSUS \"x\"".into()),
            RegValue::Dword(8531),
            RegValue::Qword(1 << 40),
            RegValue::Binary(vec![0, 1, 0xff]),
            RegValue::MultiStr(vec!["a".into(), "b c".into()]),
        ];
        for v in values {
            let line = value_line("N", &v);
            let data = line.strip_prefix("\"N\"=").expect("name");
            assert_eq!(parse_data(data), Ok(Some(v.clone())), "{line}");
        }
    }
}
