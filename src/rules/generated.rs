//! Finding ids that have no rule file: the `unclassified_*` ids of records no rule recognises,
//! the findings about the inputs themselves and the pre-install checks. `rules list` shows them
//! beside the rules, so that one list names every id a user can meet in a report (and filter,
//! disable or alert on).

use crate::event::{LogKind, Severity};

/// Server-side SUP/WSUS logs: an error no rule knows is worth a warning there. Client logs and
/// unknown logs carry many routine error records (ConfigMgr clients log type=3 for retries and
/// policy lookups), so there an unclassified error is only info.
const STRICT_KINDS: &[LogKind] = &[
    LogKind::Wsyncmgr,
    LogKind::Wcm,
    LogKind::WsusCtrl,
    LogKind::SupSetup,
    LogKind::RuleEngine,
    LogKind::PatchDownloader,
];

/// Where a generated id comes from (`type` in `rules list --format json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Error or warning records no rule regex matched.
    Unclassified,
    /// What could not be read or used of the inputs.
    Inputs,
    /// `supdiag precheck`.
    Precheck,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Unclassified => "unclassified",
            Origin::Inputs => "inputs",
            Origin::Precheck => "precheck",
        }
    }
}

/// One id without a rule file. `severity` is the one it is reported with (for a pre-install
/// check, the worst it can have: the check's result decides).
#[derive(Clone, Debug)]
pub struct GeneratedId {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    /// The log kind an `unclassified_*` id is about; `None` for the others.
    pub kind: Option<LogKind>,
    pub origin: Origin,
    pub docs: Vec<String>,
}

/// An `unclassified_error_<kind>` / `unclassified_warning_<kind>` id: (is an error, the kind,
/// severity, title). `None` for any other id.
pub fn unclassified(id: &str) -> Option<(bool, LogKind, Severity, String)> {
    let (is_error, kind) = if let Some(k) = id.strip_prefix("unclassified_error_") {
        (true, k)
    } else {
        (false, id.strip_prefix("unclassified_warning_")?)
    };
    let log_kind = LogKind::parse(kind)?;
    let severity = if is_error && STRICT_KINDS.contains(&log_kind) {
        Severity::Warning
    } else {
        Severity::Info
    };
    let what = if is_error { "error" } else { "warning" };
    let title = format!(
        "{} log has {what} records no rule recognises",
        log_kind.as_str()
    );
    Some((is_error, log_kind, severity, title))
}

/// Every id without a rule file, sorted by id.
pub fn all() -> Vec<GeneratedId> {
    let mut out = Vec::new();
    let kinds = LogKind::KNOWN.iter().copied().chain([LogKind::Other]);
    for kind in kinds {
        for what in ["error", "warning"] {
            let id = format!("unclassified_{what}_{}", kind.as_str());
            if let Some((_, kind, severity, title)) = unclassified(&id) {
                out.push(GeneratedId {
                    id,
                    severity,
                    title,
                    kind: Some(kind),
                    origin: Origin::Unclassified,
                    docs: Vec::new(),
                });
            }
        }
    }
    for (id, severity, title) in [
        (
            crate::app::inputs::INPUT_NOT_READ,
            Severity::Error,
            "Inputs could not be read; the results are from the other inputs only",
        ),
        (
            crate::app::inputs::SETTINGS_NOT_USED,
            Severity::Warning,
            "Settings or settings files not used",
        ),
    ] {
        out.push(GeneratedId {
            id: id.to_string(),
            severity,
            title: title.to_string(),
            kind: None,
            origin: Origin::Inputs,
            docs: Vec::new(),
        });
    }
    for a in crate::precheck::advice::ALL {
        out.push(GeneratedId {
            id: a.id.to_string(),
            severity: Severity::Error,
            title: a.title.to_string(),
            kind: None,
            origin: Origin::Precheck,
            docs: a.docs.iter().map(|d| d.to_string()).collect(),
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclassified_ids_of_every_kind_with_their_severity() {
        let ids = all();
        let find = |id: &str| ids.iter().find(|g| g.id == id);
        assert_eq!(
            find("unclassified_error_wsyncmgr").map(|g| g.severity),
            Some(Severity::Warning)
        );
        assert_eq!(
            find("unclassified_error_wuahandler").map(|g| g.severity),
            Some(Severity::Info)
        );
        assert_eq!(
            find("unclassified_warning_other").map(|g| g.kind),
            Some(Some(LogKind::Other))
        );
        assert!(find("input_not_read").is_some());
        assert!(find("precheck_sync_schedule").is_some());
        assert_eq!(unclassified("unclassified_error_nosuchlog"), None);
        assert_eq!(unclassified("wcm_config_success"), None);
    }
}
