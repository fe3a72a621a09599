//! The real machine: HKLM through `winreg` (64-bit view), files as they are, and Windows
//! PowerShell run hidden with a time limit.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use winreg::enums::{RegType, HKEY_LOCAL_MACHINE, KEY_READ, KEY_WOW64_64KEY};
use winreg::RegKey;

use super::system::{Key, RegValue, System};
use crate::settings::reg_export::utf16_strings;

/// Get-WindowsUpdateLog takes a minute or two on a busy server; past this it is stopped.
const POWERSHELL_LIMIT: Duration = Duration::from_secs(600);

pub struct Machine {
    hklm: RegKey,
}

impl Machine {
    pub fn new() -> Machine {
        Machine {
            hklm: RegKey::predef(HKEY_LOCAL_MACHINE),
        }
    }

    fn open(&self, key: &str) -> Result<Option<RegKey>, String> {
        match self
            .hklm
            .open_subkey_with_flags(key, KEY_READ | KEY_WOW64_64KEY)
        {
            Ok(k) => Ok(Some(k)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("HKLM\\{key}: {e}")),
        }
    }
}

impl Default for Machine {
    fn default() -> Self {
        Machine::new()
    }
}

fn convert(vtype: &RegType, bytes: &[u8]) -> RegValue {
    match vtype {
        RegType::REG_SZ | RegType::REG_EXPAND_SZ => {
            RegValue::Str(utf16_strings(bytes).into_iter().next().unwrap_or_default())
        }
        RegType::REG_MULTI_SZ => RegValue::MultiStr(utf16_strings(bytes)),
        RegType::REG_DWORD if bytes.len() == 4 => {
            RegValue::Dword(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
        }
        RegType::REG_QWORD if bytes.len() == 8 => {
            let mut a = [0u8; 8];
            a.copy_from_slice(bytes);
            RegValue::Qword(u64::from_le_bytes(a))
        }
        _ => RegValue::Binary(bytes.to_vec()),
    }
}

impl System for Machine {
    fn reg_exists(&self, key: Key<'_>) -> Result<bool, String> {
        Ok(self.open(key)?.is_some())
    }

    fn reg_value(&self, key: Key<'_>, name: &str) -> Result<Option<RegValue>, String> {
        let Some(k) = self.open(key)? else {
            return Ok(None);
        };
        match k.get_raw_value(name) {
            Ok(v) => Ok(Some(convert(&v.vtype, &v.bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("HKLM\\{key} {name}: {e}")),
        }
    }

    fn reg_subkeys(&self, key: Key<'_>) -> Result<Vec<String>, String> {
        let Some(k) = self.open(key)? else {
            return Ok(Vec::new());
        };
        k.enum_keys()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("HKLM\\{key}: {e}"))
    }

    fn env(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn local(&self, windows_path: &str) -> PathBuf {
        PathBuf::from(windows_path)
    }

    fn powershell(&self, script: &str) -> Option<Result<String, String>> {
        let root = self
            .env("SystemRoot")
            .unwrap_or_else(|| "C:\\Windows".into());
        let exe = Path::new(&root).join("System32\\WindowsPowerShell\\v1.0\\powershell.exe");
        if !exe.is_file() {
            return None;
        }
        Some(run_powershell(&exe, script))
    }

    fn host_name(&self) -> String {
        self.env("COMPUTERNAME")
            .unwrap_or_else(|| "unknown-host".into())
    }
}

fn run_powershell(exe: &Path, script: &str) -> Result<String, String> {
    use std::os::windows::process::CommandExt;
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    // Output as UTF-8 whatever the console code page.
    let full =
        format!("[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false\n{script}");
    let utf16: Vec<u8> = full.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(utf16);
    let mut child = Command::new(exe)
        .args([
            "-NoProfile",
            "-NonInteractive",
            "-ExecutionPolicy",
            "Bypass",
            "-EncodedCommand",
            &encoded,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .creation_flags(CREATE_NO_WINDOW)
        .spawn()
        .map_err(|e| format!("cannot start PowerShell: {e}"))?;
    let pipe = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = pipe(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let err = pipe(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > POWERSHELL_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "PowerShell did not finish in {} s; stopped",
                    POWERSHELL_LIMIT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => return Err(format!("waiting for PowerShell: {e}")),
        }
    };
    let stdout = String::from_utf8_lossy(&out.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned();
    if status.success() {
        Ok(stdout.trim_start_matches('\u{feff}').to_string())
    } else {
        let first = stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no message");
        Err(format!("{first} (exit {})", status.code().unwrap_or(-1)))
    }
}
