//! The message of a raw log line, for evidence tables: without the SMS trailer
//! (`  $$<component><time><thread=...>`) and the CMTrace wrapper (`<![LOG[...]LOG]!><time=...>`),
//! which only repeat what the file, line and time columns already say. JSON keeps the raw line.

/// The message part of `raw` (the whole text when it is in neither format).
pub fn of(raw: &str) -> &str {
    if let Some(rest) = raw.trim_start().strip_prefix("<![LOG[") {
        return match rest.find("]LOG]!>") {
            Some(i) => rest[..i].trim_end(),
            None => rest.trim_end(),
        };
    }
    match raw.rfind("$$<") {
        Some(i) if raw[i..].contains("><") => raw[..i].trim_end(),
        _ => raw.trim_end(),
    }
}

/// A path with a break opportunity after each separator, so a long path wraps at `\` or `/`
/// and never in the middle of a name: the parts between the breaks.
pub fn path_parts(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in path.char_indices() {
        if c == '/' || c == '\\' {
            out.push(&path[start..=i]);
            start = i + 1;
        }
    }
    if start < path.len() {
        out.push(&path[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_and_wrappers_are_dropped() {
        assert_eq!(
            of("Sync failed: x. Source: y  $$<SMS_WSUS_SYNC_MANAGER><11-18-2026 03:00:30.330+060><thread=4884 (0x1314)>"),
            "Sync failed: x. Source: y"
        );
        assert_eq!(
            of("<![LOG[Scan failed with error = 0x80244010.]LOG]!><time=\"09:12:01.000+60\" date=\"11-19-2026\" component=\"ScanAgent\">"),
            "Scan failed with error = 0x80244010."
        );
        assert_eq!(of("plain text $$ money"), "plain text $$ money");
        assert_eq!(
            path_parts("samples/fleet/hosts/CM01/wsyncmgr.log"),
            vec!["samples/", "fleet/", "hosts/", "CM01/", "wsyncmgr.log"]
        );
        assert_eq!(
            path_parts(r"C:\Logs\a.log"),
            vec![r"C:\", r"Logs\", "a.log"]
        );
    }
}
