//! Rendering of `supdiag view` records.

use chrono::{DateTime, NaiveDateTime, Utc};
use owo_colors::OwoColorize;
use serde::Serialize;

use super::escape;
use crate::cli::ViewFormat;
use crate::event::{Format, LogKind, Severity};

/// An owned record for display.
#[derive(Clone, Debug, Serialize)]
pub struct ViewRecord {
    pub time_utc: Option<DateTime<Utc>>,
    pub local_time: Option<NaiveDateTime>,
    pub bias: Option<i32>,
    pub file: String,
    pub line: u64,
    pub kind: LogKind,
    pub format: Format,
    pub severity: Severity,
    pub component: String,
    pub thread: Option<u32>,
    pub message: String,
}

impl ViewRecord {
    /// Owned copy of an event for display.
    pub fn from_event(ev: &crate::event::Event<'_>, file: &str) -> Self {
        ViewRecord {
            time_utc: ev.time_utc,
            local_time: ev.local_time,
            bias: ev.bias,
            file: file.to_string(),
            line: ev.line,
            kind: ev.kind,
            format: ev.format,
            severity: ev.severity,
            component: ev.component.to_string(),
            thread: ev.thread,
            message: {
                // A log line may carry a connection string or a proxy URL with its password.
                let m = crate::event::display_message(ev);
                match crate::redact::log_text(&m) {
                    std::borrow::Cow::Owned(masked) => masked,
                    std::borrow::Cow::Borrowed(_) => m,
                }
            },
        }
    }
}

/// `local_time`: text shows each record in its server's local time (JSON always carries both).
pub fn render_view(
    records: &[ViewRecord],
    format: ViewFormat,
    color: bool,
    local_time: bool,
) -> String {
    match format {
        ViewFormat::Json => {
            let mut s = serde_json::to_string_pretty(records).unwrap_or_else(|_| "[]".into());
            s.push('\n');
            s
        }
        ViewFormat::Ndjson => records
            .iter()
            .filter_map(|r| serde_json::to_string(r).ok())
            .map(|l| l + "\n")
            .collect(),
        ViewFormat::Text => {
            let mut out = String::new();
            for r in records {
                out.push_str(&text_line(r, color, local_time));
                out.push('\n');
            }
            out
        }
    }
}

/// `2026-11-20 07:01:02.123Z E SMS_WSUS_SYNC_MANAGER  message  (file:line)`; with `local_time`
/// `2026-11-20 08:01:02.123+01:00 ...` (the line's local time and its offset, UTC = local + bias).
pub fn text_line(r: &ViewRecord, color: bool, local_time: bool) -> String {
    let time = match (r.time_utc, r.local_time, r.bias) {
        // SoftwareDistribution.log and IIS write UTC: the server's offset is not in them.
        (_, Some(l), Some(bias))
            if local_time && !matches!(r.format, Format::Softwaredistribution | Format::Iis) =>
        {
            let east = -bias;
            let sign = if east < 0 { '-' } else { '+' };
            let m = east.unsigned_abs();
            format!(
                "{}{sign}{:02}:{:02}",
                l.format("%Y-%m-%d %H:%M:%S%.3f"),
                m / 60,
                m % 60
            )
        }
        (Some(t), _, _) => t.format("%Y-%m-%d %H:%M:%S%.3fZ").to_string(),
        (None, Some(l), _) => l.format("%Y-%m-%d %H:%M:%S%.3f ").to_string(),
        (None, None, _) => " ".repeat(24),
    };
    let sev = match r.severity {
        Severity::Error => "E",
        Severity::Warning => "W",
        Severity::Info => " ",
        Severity::Success => "S",
    };
    let msg = escape::terminal(&r.message, true).replace('\n', "\n    ");
    let comp = escape::terminal(&r.component, false);
    let loc = format!("{}:{}", escape::terminal(&r.file, false), r.line);
    if !color {
        return format!("{time} {sev} {comp:<32} {msg}  ({loc})");
    }
    let line = format!("{time} {sev} {comp:<32} {msg}");
    let colored = match r.severity {
        Severity::Error => line.red().to_string(),
        Severity::Warning => line.yellow().to_string(),
        _ => line,
    };
    format!("{colored}  {}", format!("({loc})").dimmed())
}
