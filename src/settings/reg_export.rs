//! `reg export` of `HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup` (docs/domain.md
//! §E.2): the WSUS port, SSL flag, certificate name, content folder and SQL server; and of the
//! client's Windows Update policy `HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate`
//! (`WUServer`, `WUStatusServer`, `AU\UseWUServer`; §E.4). Windows writes these files
//! in UTF-16LE with a BOM (decoded before we get here); UTF-8 and REGEDIT4 files work too.
//! Values of other keys are ignored; odd or truncated values are warnings, never panics.

use super::{SettingsError, Sink};

const SETUP_SUFFIX: &str = "\\software\\microsoft\\update services\\server\\setup";
const WU_POLICY_SUFFIX: &str = "\\software\\policies\\microsoft\\windows\\windowsupdate";
const WU_AU_SUFFIX: &str = "\\software\\policies\\microsoft\\windows\\windowsupdate\\au";

/// Cheap content test for folder auto-pickup.
pub fn mentions_setup_key(text: &str) -> bool {
    let l = text.to_ascii_lowercase();
    l.contains("update services\\server\\setup]")
        || l.contains("microsoft\\windows\\windowsupdate]")
        || l.contains("microsoft\\windows\\windowsupdate\\au]")
}

/// The keys whose values become facts: the WSUS server's Setup key and the client's Windows
/// Update policy (domain §E.4).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Setup,
    WuPolicy,
    WuAu,
    Other,
}

fn section_of(path: &str) -> Section {
    let l = path.trim().to_ascii_lowercase();
    if !(l.starts_with("hkey_local_machine") || l.starts_with("hklm")) {
        return Section::Other;
    }
    if l.ends_with(SETUP_SUFFIX) {
        Section::Setup
    } else if l.ends_with(WU_POLICY_SUFFIX) {
        Section::WuPolicy
    } else if l.ends_with(WU_AU_SUFFIX) {
        Section::WuAu
    } else {
        Section::Other
    }
}

/// A registry value as written in the export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegValue {
    Str(String),
    Dword(u32),
    Qword(u64),
    /// `hex:` and other binary types, as bytes.
    Binary(Vec<u8>),
    MultiStr(Vec<String>),
}

/// Parse a quoted string at the start of `s` (after the opening quote), handling `\\` and `\"`.
/// Returns the string and the rest after the closing quote, or `None` when it is not closed.
fn quoted(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, e)) => out.push(e),
                None => return None,
            },
            '"' => return Some((out, &s[i + 1..])),
            _ => out.push(c),
        }
    }
    None
}

fn hex_bytes(s: &str) -> Result<Vec<u8>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|b| u8::from_str_radix(b, 16).map_err(|_| format!("{b:?} is not a hex byte")))
        .collect()
}

/// The NUL-separated UTF-16LE strings of a REG_SZ / REG_MULTI_SZ value, empty ones dropped.
pub fn utf16_strings(bytes: &[u8]) -> Vec<String> {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    units
        .split(|u| *u == 0)
        .map(String::from_utf16_lossy)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Parse the data part of a value line (after `=`).
pub fn parse_data(data: &str) -> Result<Option<RegValue>, String> {
    let d = data.trim();
    if d == "-" {
        return Ok(None); // deletion marker
    }
    if let Some(rest) = d.strip_prefix('"') {
        return match quoted(rest) {
            Some((s, tail)) if tail.trim().is_empty() => Ok(Some(RegValue::Str(s))),
            Some((_, tail)) => Err(format!(
                "unexpected text {:?} after the string",
                tail.trim()
            )),
            None => Err("string value is not closed (truncated line?)".into()),
        };
    }
    let lower = d.to_ascii_lowercase();
    if let Some(h) = lower.strip_prefix("dword:") {
        let h = h.trim();
        if h.is_empty() || h.len() > 8 {
            return Err(format!("dword {h:?} must be 1 to 8 hex digits"));
        }
        return u32::from_str_radix(h, 16)
            .map(|v| Some(RegValue::Dword(v)))
            .map_err(|_| format!("dword {h:?} is not hexadecimal"));
    }
    let (kind, bytes) = if let Some(b) = lower.strip_prefix("hex:") {
        (None, b)
    } else if let Some(rest) = lower.strip_prefix("hex(") {
        let Some((k, b)) = rest.split_once("):") else {
            return Err(format!("malformed hex type in {d:?}"));
        };
        (Some(k.to_string()), b)
    } else {
        return Err(format!(
            "{d:?} is neither a \"string\", dword:, hex: nor hex(n): value"
        ));
    };
    let bytes = hex_bytes(bytes)?;
    Ok(Some(match kind.as_deref() {
        Some("2") | Some("1") => {
            RegValue::Str(utf16_strings(&bytes).into_iter().next().unwrap_or_default())
        }
        Some("7") => RegValue::MultiStr(utf16_strings(&bytes)),
        Some("4") if bytes.len() == 4 => {
            RegValue::Dword(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
        }
        Some("b") if bytes.len() == 8 => {
            let mut a = [0u8; 8];
            a.copy_from_slice(&bytes);
            RegValue::Qword(u64::from_le_bytes(a))
        }
        _ => RegValue::Binary(bytes),
    }))
}

fn as_int(v: &RegValue) -> Option<i64> {
    match v {
        RegValue::Dword(d) => Some(i64::from(*d)),
        RegValue::Qword(q) => i64::try_from(*q).ok(),
        RegValue::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A value as text (REG_SZ, REG_EXPAND_SZ, a number, or the first string of a REG_MULTI_SZ).
pub fn as_string(v: &RegValue) -> Option<String> {
    match v {
        RegValue::Str(s) => Some(s.clone()),
        RegValue::MultiStr(l) => l.first().cloned(),
        RegValue::Dword(d) => Some(d.to_string()),
        RegValue::Qword(q) => Some(q.to_string()),
        RegValue::Binary(_) => None,
    }
}

/// Logical lines: hex values continue on the next line after a trailing `\`.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        if let Some((start, mut acc)) = pending.take() {
            let piece = line.trim_start();
            match piece.strip_suffix('\\') {
                Some(p) => {
                    acc.push_str(p);
                    pending = Some((start, acc));
                }
                None => {
                    acc.push_str(piece);
                    out.push((start, acc));
                }
            }
            continue;
        }
        let is_hex = line.contains("=hex");
        match line.strip_suffix('\\') {
            Some(p) if is_hex => pending = Some((i + 1, p.to_string())),
            _ => out.push((i + 1, line.to_string())),
        }
    }
    if let Some(p) = pending {
        out.push(p);
    }
    out
}

pub fn import(file: &str, text: &str, sink: &mut Sink) -> Result<(), SettingsError> {
    let text = text.trim_start_matches('\u{feff}');
    let lines = logical_lines(text);
    let header = lines
        .iter()
        .map(|(_, l)| l.trim())
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if !(header.starts_with("Windows Registry Editor") || header.starts_with("REGEDIT4")) {
        sink.warn(format!(
            "first line {header:?} is not a reg export header (Windows Registry Editor Version 5.00); read anyway"
        ));
    }
    let mut section = Section::Other;
    let mut saw_key = false;
    for (no, line) in &lines {
        let t = line.trim();
        if t.is_empty() || t.starts_with(';') {
            continue;
        }
        if let Some(header) = t.strip_prefix('[') {
            let path = header.trim_end_matches(']');
            section = if path.starts_with('-') {
                Section::Other
            } else {
                section_of(path)
            };
            saw_key |= section != Section::Other;
            continue;
        }
        if section == Section::Other {
            continue;
        }
        let (name, data) = if let Some(rest) = t.strip_prefix('"') {
            match quoted(rest) {
                Some((n, tail)) => match tail.trim_start().strip_prefix('=') {
                    Some(d) => (n, d),
                    None => {
                        sink.dropped(Some(*no), format!("value {n:?} has no `=`; ignored"));
                        continue;
                    }
                },
                None => {
                    sink.dropped(Some(*no), "value name is not closed; ignored");
                    continue;
                }
            }
        } else if let Some(d) = t.strip_prefix("@=") {
            ("@".to_string(), d)
        } else {
            // The line is not echoed: it may be `password=...` written without quotes.
            let what = match t.split_once('=') {
                Some((n, _)) if !crate::redact::is_secret_name(n) => {
                    format!("value name {:?} is not quoted", n.trim())
                }
                Some(_) => "a value name is not quoted".to_string(),
                None => "no `\"Name\"=data`".to_string(),
            };
            sink.dropped(
                Some(*no),
                format!("not a value line ({what}; expected \"Name\"=data); ignored"),
            );
            continue;
        };
        let fact = match (section, name.to_ascii_lowercase().as_str()) {
            (Section::Setup, "portnumber") => "config.wsus.port",
            (Section::Setup, "usingssl") => "config.wsus.using_ssl",
            (Section::Setup, "servercertificatename") => "config.wsus.cert_name",
            (Section::Setup, "contentdir") => "config.wsus.content_dir",
            (Section::Setup, "sqlservername") => "config.wsus.sql_server",
            (Section::WuPolicy, "wuserver") => "config.client.wu_server",
            (Section::WuPolicy, "wustatusserver") => "config.client.wu_status_server",
            (Section::WuAu, "usewuserver") => "config.client.use_wu_server",
            (_, n) if crate::redact::is_secret_name(n) => {
                sink.warn(format!(
                    "line {no}: value {name:?} ignored; supdiag does not store secrets"
                ));
                continue;
            }
            _ => continue,
        };
        let value = match parse_data(data) {
            Ok(Some(v)) => v,
            Ok(None) => continue,
            Err(e) => {
                sink.dropped(Some(*no), format!("{name}: {e}; ignored"));
                continue;
            }
        };
        match fact {
            "config.wsus.port" => match as_int(&value) {
                Some(p) => sink.set_at(fact, p, &name, *no),
                None => sink.dropped(Some(*no), format!("{name} is not a number; ignored")),
            },
            "config.wsus.using_ssl" | "config.client.use_wu_server" => match as_int(&value) {
                Some(v) => sink.set_at(fact, v != 0, &name, *no),
                None => sink.dropped(Some(*no), format!("{name} is not a number; ignored")),
            },
            _ => match as_string(&value) {
                Some(s) => sink.set_at(fact, s.trim(), &name, *no),
                None => sink.dropped(Some(*no), format!("{name} is not a string; ignored")),
            },
        }
    }
    if !saw_key {
        return Err(SettingsError::new(
            file,
            "no [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup] key in \
             this .reg file (export it with: reg export \"HKLM\\SOFTWARE\\Microsoft\\Update \
             Services\\Server\\Setup\" wsus-setup.reg), nor the Windows Update policy key \
             (HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate)",
        ));
    }
    Ok(())
}
