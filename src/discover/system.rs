//! What discovery reads from the machine, behind a trait: the registry (HKLM only), environment
//! variables, the file system and PowerShell. The Windows implementation is in `windows.rs`;
//! unit tests use a fake one, so the discovery logic is tested on every platform.

use std::path::PathBuf;

pub use crate::settings::reg_export::RegValue;

/// A registry key under `HKEY_LOCAL_MACHINE`, written without the hive (`SOFTWARE\...`).
pub type Key<'a> = &'a str;

pub trait System {
    /// Whether `HKLM\<key>` exists (`Err` when it cannot be opened for another reason).
    fn reg_exists(&self, key: Key<'_>) -> Result<bool, String>;
    /// The value `name` of `HKLM\<key>`: `Ok(None)` when the key or the value is not there.
    /// Callers ask only for values they know by name, so a secret is never read.
    fn reg_value(&self, key: Key<'_>, name: &str) -> Result<Option<RegValue>, String>;
    /// The names of the subkeys of `HKLM\<key>` (empty when the key is not there).
    fn reg_subkeys(&self, key: Key<'_>) -> Result<Vec<String>, String>;
    /// An environment variable (case-insensitive on Windows).
    fn env(&self, name: &str) -> Option<String>;
    /// A Windows path (`C:\...`) as a path this process opens.
    fn local(&self, windows_path: &str) -> PathBuf;
    /// Run a PowerShell script and return its standard output; `None` when PowerShell is not
    /// installed.
    fn powershell(&self, script: &str) -> Option<Result<String, String>>;
    /// This computer's name.
    fn host_name(&self) -> String;
}

/// `%NAME%` references expanded from the environment (names case-insensitive, as on Windows);
/// an unknown variable stays as written.
pub fn expand_env(s: &str, sys: &dyn System) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('%') {
            Some(end) if end > 0 => {
                let name = &after[..end];
                match sys.env(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push('%');
                        out.push_str(name);
                        out.push('%');
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `dir` and `name` joined with a backslash (Windows paths are built as text, then made local).
pub fn join(dir: &str, name: &str) -> String {
    let d = dir.trim_end_matches(['\\', '/']);
    let n = name.trim_start_matches(['\\', '/']);
    if d.is_empty() {
        n.to_string()
    } else {
        format!("{d}\\{n}")
    }
}

/// A string value of a registry value (REG_SZ, REG_EXPAND_SZ or the first of a REG_MULTI_SZ).
pub fn as_text(v: &RegValue) -> Option<String> {
    crate::settings::reg_export::as_string(v)
}

/// A number from a registry value (DWORD, QWORD or a decimal string).
pub fn as_int(v: &RegValue) -> Option<i64> {
    match v {
        RegValue::Dword(d) => Some(i64::from(*d)),
        RegValue::Qword(q) => i64::try_from(*q).ok(),
        RegValue::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
pub mod fake {
    //! A machine made of a map of registry values and a folder standing for the drives
    //! (`C:\X` is `<root>/C/X`).

    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use super::{Key, RegValue, System};

    #[derive(Default)]
    pub struct Fake {
        pub root: PathBuf,
        /// Lower-case key → (value name as written, value).
        pub reg: BTreeMap<String, Vec<(String, RegValue)>>,
        pub env: BTreeMap<String, String>,
        /// Script output by a word the script must contain; `None` = no PowerShell.
        pub powershell: Option<Vec<(String, Result<String, String>)>>,
        pub host: String,
    }

    impl Fake {
        pub fn new(root: &Path) -> Fake {
            let mut f = Fake {
                root: root.to_path_buf(),
                host: "CM01".into(),
                ..Fake::default()
            };
            f.env.insert("WINDIR".into(), "C:\\Windows".into());
            f.env.insert("SYSTEMDRIVE".into(), "C:".into());
            f.env.insert("SYSTEMROOT".into(), "C:\\Windows".into());
            f.env
                .insert("PROGRAMFILES".into(), "C:\\Program Files".into());
            f
        }

        pub fn set(&mut self, key: &str, name: &str, v: RegValue) {
            let vals = self.reg.entry(key.to_ascii_lowercase()).or_default();
            vals.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            vals.push((name.to_string(), v));
            // Parent keys exist too.
            let mut k = key.to_ascii_lowercase();
            while let Some(i) = k.rfind('\\') {
                k.truncate(i);
                self.reg.entry(k.clone()).or_default();
            }
        }

        /// Write a file at a Windows path.
        pub fn file(&self, windows_path: &str, text: &str) {
            let p = self.local(windows_path);
            if let Some(d) = p.parent() {
                std::fs::create_dir_all(d).expect("test folder");
            }
            std::fs::write(&p, text).expect("test file");
        }
    }

    impl System for Fake {
        fn reg_exists(&self, key: Key<'_>) -> Result<bool, String> {
            Ok(self.reg.contains_key(&key.to_ascii_lowercase()))
        }
        fn reg_value(&self, key: Key<'_>, name: &str) -> Result<Option<RegValue>, String> {
            assert!(
                !name.to_ascii_lowercase().contains("password"),
                "discovery asked for a password value: {name}"
            );
            Ok(self.reg.get(&key.to_ascii_lowercase()).and_then(|vals| {
                vals.iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            }))
        }
        fn reg_subkeys(&self, key: Key<'_>) -> Result<Vec<String>, String> {
            let prefix = format!("{}\\", key.to_ascii_lowercase());
            Ok(self
                .reg
                .keys()
                .filter_map(|k| k.strip_prefix(&prefix))
                .filter(|rest| !rest.contains('\\'))
                .map(str::to_string)
                .collect())
        }
        fn env(&self, name: &str) -> Option<String> {
            self.env.get(&name.to_ascii_uppercase()).cloned()
        }
        fn local(&self, windows_path: &str) -> PathBuf {
            let p = windows_path.replace('/', "\\");
            let (drive, rest) = match p.split_once(':') {
                Some((d, r)) if d.len() == 1 => (d.to_ascii_uppercase(), r.to_string()),
                _ => ("C".to_string(), p.clone()),
            };
            let mut out = self.root.join(drive);
            for part in rest.split('\\').filter(|s| !s.is_empty()) {
                out.push(part);
            }
            out
        }
        fn powershell(&self, script: &str) -> Option<Result<String, String>> {
            let outputs = self.powershell.as_ref()?;
            Some(
                outputs
                    .iter()
                    .find(|(w, _)| script.contains(w.as_str()))
                    .map(|(_, r)| r.clone())
                    .unwrap_or_else(|| Err("no such command in this test".into())),
            )
        }
        fn host_name(&self) -> String {
            self.host.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_references_expand_case_insensitively() {
        let dir = tempfile::tempdir().expect("tmp");
        let f = fake::Fake::new(dir.path());
        assert_eq!(
            expand_env("%SystemDrive%\\inetpub\\logs\\LogFiles", &f),
            "C:\\inetpub\\logs\\LogFiles"
        );
        assert_eq!(expand_env("%windir%\\x", &f), "C:\\Windows\\x");
        assert_eq!(expand_env("%NOPE%\\x 100%", &f), "%NOPE%\\x 100%");
        assert_eq!(
            join("C:\\Program Files\\Update Services\\", "LogFiles"),
            "C:\\Program Files\\Update Services\\LogFiles"
        );
    }
}
