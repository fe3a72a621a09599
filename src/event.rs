//! Events: one parsed log record, borrowed from the input text, plus the enums that classify it.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

/// Severity of an event or a finding, ordered from least to most important.
///
/// Events carry `Info`, `Warning` or `Error`; `Success` is used only by findings (success markers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Success,
    #[default]
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Error,
        Severity::Warning,
        Severity::Info,
        Severity::Success,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Success => "success",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parse `error|warning|info|success` (also `warn`, `err`), case-insensitive.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" | "err" | "e" => Some(Severity::Error),
            "warning" | "warn" | "w" => Some(Severity::Warning),
            "info" | "information" | "informational" | "i" => Some(Severity::Info),
            "success" | "ok" | "s" => Some(Severity::Success),
            _ => None,
        }
    }

    /// Severity from a CMTrace `type` attribute: 1 info, 2 warning, 3 error (4 = verbose → info).
    pub fn from_cmtrace_type(t: &str) -> Severity {
        match t.trim() {
            "2" => Severity::Warning,
            "3" => Severity::Error,
            _ => Severity::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! log_kinds {
    ($( $variant:ident => $name:literal, [$($stem:literal),*], [$($comp:literal),*] ;)*) => {
        /// Which log a record comes from; decides which rules apply.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "lowercase")]
        pub enum LogKind {
            $( $variant, )*
            /// A log we do not know by name (still parsed, still offered to every rule).
            Other,
        }

        impl LogKind {
            pub const KNOWN: &'static [LogKind] = &[$( LogKind::$variant, )*];

            /// Stable lower-case name used in JSON, rule files and `--kind`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( LogKind::$variant => $name, )*
                    LogKind::Other => "other",
                }
            }

            /// Parse a stable name (as written in rule files), case-insensitive.
            pub fn parse(s: &str) -> Option<LogKind> {
                let l = s.trim().to_ascii_lowercase();
                match l.as_str() {
                    $( $name => Some(LogKind::$variant), )*
                    "other" => Some(LogKind::Other),
                    _ => None,
                }
            }

            /// File-name stems (lower case, without extension) that identify this log.
            pub fn stems(self) -> &'static [&'static str] {
                match self {
                    $( LogKind::$variant => &[$($stem),*], )*
                    LogKind::Other => &[],
                }
            }

            /// ConfigMgr component names that write this log (upper case), used to classify
            /// pasted lines that carry the component column.
            pub fn components(self) -> &'static [&'static str] {
                match self {
                    $( LogKind::$variant => &[$($comp),*], )*
                    LogKind::Other => &[],
                }
            }
        }
    };
}

log_kinds! {
    Wsyncmgr => "wsyncmgr", ["wsyncmgr"], ["SMS_WSUS_SYNC_MANAGER"];
    Wcm => "wcm", ["wcm"], ["SMS_WSUS_CONFIGURATION_MANAGER"];
    WsusCtrl => "wsusctrl", ["wsusctrl"], ["SMS_WSUS_CONTROL_MANAGER"];
    SupSetup => "supsetup", ["supsetup"], [];
    RuleEngine => "ruleengine", ["ruleengine"], ["SMS_RULE_ENGINE"];
    PatchDownloader => "patchdownloader", ["patchdownloader"], ["SOFTWARE UPDATES PATCH DOWNLOADER", "PATCHDOWNLOADER"];
    SoftwareDistribution => "softwaredistribution", ["softwaredistribution", "change"], [];
    WindowsUpdate => "windowsupdate", ["windowsupdate"], [];
    WuaHandler => "wuahandler", ["wuahandler"], ["WUAHANDLER"];
    ScanAgent => "scanagent", ["scanagent"], ["SCANAGENT"];
    UpdatesDeployment => "updatesdeployment", ["updatesdeployment", "updateshandler", "updatesstore"], ["UPDATESDEPLOYMENTAGENT", "UPDATESHANDLER", "UPDATESSTORE"];
    LocationServices => "locationservices", ["locationservices"], ["LOCATIONSERVICES"];
    Iis => "iis", [], [];
}

impl LogKind {
    /// Log kind from a file name (case-insensitive). Handles `.log`, `.lo_`, the date-stamped
    /// history names (`wsyncmgr-20260321-225458.log`) and IIS `u_exYYMMDD.log`.
    pub fn from_file_name(name: &str) -> Option<LogKind> {
        let lower = name.to_ascii_lowercase();
        let stem = lower
            .strip_suffix(".log")
            .or_else(|| lower.strip_suffix(".lo_"))
            .unwrap_or(&lower);
        if stem.starts_with("u_ex")
            || stem.starts_with("u_in")
            || stem.starts_with("ex")
                && stem[2..].bytes().all(|b| b.is_ascii_digit())
                && stem.len() > 2
        {
            return Some(LogKind::Iis);
        }
        let base = strip_history_stamp(stem);
        LogKind::KNOWN
            .iter()
            .copied()
            .find(|k| k.stems().contains(&base))
    }

    /// Log kind from a component name such as `SMS_WSUS_SYNC_MANAGER` (case-insensitive).
    pub fn from_component(component: &str) -> Option<LogKind> {
        // No allocation: this runs per record for files whose name does not say the log.
        let c = component.trim();
        LogKind::KNOWN
            .iter()
            .copied()
            .find(|k| k.components().iter().any(|x| x.eq_ignore_ascii_case(c)))
    }
}

/// `wsyncmgr-20260321-225458` → `wsyncmgr`; anything else unchanged.
fn strip_history_stamp(stem: &str) -> &str {
    let b = stem.as_bytes();
    // "-YYYYMMDD-HHMMSS" is 16 bytes.
    if b.len() > 16 {
        let tail = &b[b.len() - 16..];
        let shape = tail[0] == b'-'
            && tail[9] == b'-'
            && tail[1..9].iter().all(u8::is_ascii_digit)
            && tail[10..].iter().all(u8::is_ascii_digit);
        if shape {
            return &stem[..stem.len() - 16];
        }
    }
    stem
}

impl fmt::Display for LogKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The on-disk format of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `<![LOG[msg]LOG]!><time="" date="" component="" ...>`
    Cmtrace,
    /// `msg  $$<COMPONENT><MM-DD-YYYY HH:MM:SS.mmm+bias><thread=N (0xN)>`
    Sms,
    /// rolesetup.exe `<MM/DD/YY HH:MM:SS> msg`
    Supsetup,
    /// WSUS `SoftwareDistribution.log` / `Change.log`
    Softwaredistribution,
    /// Windows 7/8 `WindowsUpdate.log` (tab separated, `HH:MM:SS:mmm`)
    #[serde(rename = "windowsupdate")]
    WindowsUpdateLegacy,
    /// `Get-WindowsUpdateLog` output (`YYYY/MM/DD HH:MM:SS.fffffff PID TID Component msg`)
    #[serde(rename = "windowsupdate-etw")]
    WindowsUpdateEtw,
    /// IIS W3C extended log
    Iis,
    /// Anything else: one record per line (pastes from tickets, forums, CMTrace's clipboard)
    Plain,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Cmtrace => "cmtrace",
            Format::Sms => "sms",
            Format::Supsetup => "supsetup",
            Format::Softwaredistribution => "softwaredistribution",
            Format::WindowsUpdateLegacy => "windowsupdate",
            Format::WindowsUpdateEtw => "windowsupdate-etw",
            Format::Iis => "iis",
            Format::Plain => "plain",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Index of an input file in the run's file table (`source::Inputs`).
pub type FileId = u32;

/// HTTP fields of an IIS W3C record (WSUS site logs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpFields<'a> {
    pub method: &'a str,
    pub uri_stem: &'a str,
    pub status: u16,
    pub substatus: u16,
    pub win32_status: u32,
    pub client_ip: &'a str,
    pub user_agent: &'a str,
    pub port: u16,
}

/// One log record. Borrows from the decoded file text; nothing is copied on the hot path.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    pub file: FileId,
    /// 1-based physical line number where the record starts.
    pub line: u64,
    pub kind: LogKind,
    pub format: Format,
    /// Time in UTC, when the record has a time and it could be converted.
    pub time_utc: Option<DateTime<Utc>>,
    /// The time as written in the file (local time for CMTrace/SMS/SUPSetup).
    pub local_time: Option<NaiveDateTime>,
    /// Time-zone bias in minutes as written (UTC = local + bias), when the format has one.
    pub bias: Option<i32>,
    pub severity: Severity,
    pub component: &'a str,
    pub thread: Option<u32>,
    /// The message text. Raw: SMS `~` line breaks are kept (decode for display with
    /// [`display_message`]). Borrowed except for formats that synthesise one (IIS).
    pub message: Cow<'a, str>,
    /// The whole record as it appears in the file (header/trailer included).
    pub raw: &'a str,
    /// False when no parser understood the line: it is offered to rules as plain text and
    /// counted in the file's `unparsed_lines`.
    pub parsed: bool,
    /// IIS only.
    pub http: Option<HttpFields<'a>>,
    /// The format has no severity field and the parser was asked to leave inferring it from
    /// the words of the message to the consumer ([`crate::parse::ParseCtx::defer_severity`]);
    /// `severity` is `info` until then.
    pub severity_deferred: bool,
}

impl<'a> Event<'a> {
    /// A minimal event with only the required fields; parsers fill in the rest.
    pub fn new(file: FileId, line: u64, kind: LogKind, format: Format, raw: &'a str) -> Self {
        Event {
            file,
            line,
            kind,
            format,
            time_utc: None,
            local_time: None,
            bias: None,
            severity: Severity::Info,
            component: "",
            thread: None,
            message: Cow::Borrowed(raw),
            raw,
            parsed: true,
            http: None,
            severity_deferred: false,
        }
    }
}

/// Message for display: SMS `~` line breaks decoded to newlines.
pub fn display_message(ev: &Event<'_>) -> String {
    if ev.format == Format::Sms {
        decode_sms_breaks(&ev.message)
    } else {
        ev.message.to_string()
    }
}

/// SMS-format logs write a line break inside a message as `~`, and a CR LF as `~~` (so a stack
/// trace would be double-spaced if each `~` became a line). An 8.3 short name (`PROGRA~1`) keeps
/// its tilde; breaks at the very start or end of the message are dropped.
pub fn decode_sms_breaks(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut chars = msg.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        if c != '~' {
            out.push(c);
            prev = Some(c);
            continue;
        }
        let next = chars.peek().copied();
        if next == Some('~') {
            chars.next();
            out.push('\n');
        } else if prev.is_some_and(|p| p.is_ascii_alphanumeric())
            && next.is_some_and(|n| n.is_ascii_digit())
        {
            out.push('~');
        } else {
            out.push('\n');
        }
        prev = Some(c);
    }
    let trimmed = out.trim_end().trim_start_matches(['\n', '\r']);
    if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sms_breaks_decode_single_and_crlf_tildes() {
        assert_eq!(
            decode_sms_breaks("Exception.~~   at A.B()~~   at C.D()"),
            "Exception.\n   at A.B()\n   at C.D()"
        );
        assert_eq!(decode_sms_breaks("Timed Out...~  "), "Timed Out...");
        assert_eq!(
            decode_sms_breaks("~Waiting for changes for 59 minutes"),
            "Waiting for changes for 59 minutes"
        );
        assert_eq!(
            decode_sms_breaks("select 1)~;select 2"),
            "select 1)\n;select 2"
        );
        assert_eq!(
            decode_sms_breaks("C:\\PROGRA~1\\SMS_CCM"),
            "C:\\PROGRA~1\\SMS_CCM"
        );
        assert_eq!(decode_sms_breaks("plain"), "plain");
    }

    #[test]
    fn kinds_from_file_names() {
        assert_eq!(
            LogKind::from_file_name("WSyncMgr.log"),
            Some(LogKind::Wsyncmgr)
        );
        assert_eq!(
            LogKind::from_file_name("wsyncmgr.lo_"),
            Some(LogKind::Wsyncmgr)
        );
        assert_eq!(
            LogKind::from_file_name("wsyncmgr-20260321-225458.log"),
            Some(LogKind::Wsyncmgr)
        );
        assert_eq!(LogKind::from_file_name("WCM.LOG"), Some(LogKind::Wcm));
        assert_eq!(
            LogKind::from_file_name("u_ex261120.log"),
            Some(LogKind::Iis)
        );
        assert_eq!(
            LogKind::from_file_name("SoftwareDistribution.log"),
            Some(LogKind::SoftwareDistribution)
        );
        assert_eq!(LogKind::from_file_name("notes.txt"), None);
        assert_eq!(LogKind::from_file_name("execmgr.log"), None);
    }

    #[test]
    fn kinds_from_components() {
        assert_eq!(
            LogKind::from_component("SMS_WSUS_SYNC_MANAGER"),
            Some(LogKind::Wsyncmgr)
        );
        assert_eq!(
            LogKind::from_component("sms_rule_engine"),
            Some(LogKind::RuleEngine)
        );
        assert_eq!(LogKind::from_component("SMS_DISTRIBUTION_MANAGER"), None);
    }

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Error > Severity::Warning);
        assert!(Severity::Info > Severity::Success);
        assert_eq!(Severity::parse("WARN"), Some(Severity::Warning));
        assert_eq!(Severity::from_cmtrace_type("3"), Severity::Error);
    }
}
