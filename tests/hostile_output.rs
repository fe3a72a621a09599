//! Output safety: log lines and settings values that carry terminal escapes, HTML, Markdown link
//! syntax, pipes and backticks go through every renderer of `analyze`, `report`, `sync` and
//! `view`; none of it comes out live. JSON and NDJSON always parse, also on binary junk.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn hostile(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

/// The injection log and settings (see tests/fixtures/hostile/README.md).
fn inputs() -> (String, String) {
    (
        hostile("injection-wsyncmgr.log")
            .to_string_lossy()
            .into_owned(),
        hostile("injection.toml").to_string_lossy().into_owned(),
    )
}

fn run(args: &[&str]) -> (String, String) {
    let out = Command::cargo_bin("supdiag")
        .expect("binary")
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run");
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    let code = out.status.code();
    // A binary file named on the command line is input lost (exit 2); nothing else is.
    let lost_binary = stderr.contains("but a binary file") && code == Some(2);
    assert!(
        code == Some(0) || code == Some(1) || lost_binary,
        "{args:?}: exit {code:?}: {stderr}"
    );
    (stdout, stderr)
}

/// Every ESC starts an SGR colour sequence (`ESC [ digits ; ... m`), which only supdiag writes;
/// no other C0 control but newline and tab, no C1 control, no bidi override.
fn assert_terminal_safe(what: &str, out: &str, colour_allowed: bool) {
    let chars: Vec<char> = out.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\x1b' {
            assert!(colour_allowed, "{what}: ESC with colour off at char {i}");
            let mut j = i + 1;
            assert_eq!(
                chars.get(j),
                Some(&'['),
                "{what}: ESC not followed by [ at {i}"
            );
            j += 1;
            while chars
                .get(j)
                .is_some_and(|c| c.is_ascii_digit() || *c == ';')
            {
                j += 1;
            }
            assert_eq!(
                chars.get(j),
                Some(&'m'),
                "{what}: non-SGR escape at {i}: {:?}",
                chars[i..(j + 1).min(chars.len())]
                    .iter()
                    .collect::<String>()
            );
            i = j + 1;
            continue;
        }
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        assert!(!bad, "{what}: raw control {:?} at char {i}", c);
        i += 1;
    }
}

#[test]
fn terminal_output_escapes_controls_from_logs_and_settings() {
    let (log, settings) = inputs();
    for (cmd, color) in [
        ("analyze", "always"),
        ("analyze", "never"),
        ("sync", "always"),
        ("sync", "never"),
        ("view", "always"),
        ("view", "never"),
    ] {
        let mut args = vec![cmd, "--color", color];
        if cmd != "view" {
            args.extend(["--settings", settings.as_str()]);
        }
        args.push(&log);
        let (out, err) = run(&args);
        let what = format!("{cmd} --color {color}");
        assert_terminal_safe(&what, &out, color == "always");
        assert_terminal_safe(&format!("{what} (stderr)"), &err, color == "always");
        // The hostile text did reach the output, shown escaped.
        assert!(out.contains("\\u{1b}[2J"), "{what}: {out}");
        // The forged summary line is not a line of its own.
        assert!(
            !out.lines()
                .any(|l| l.trim_start().starts_with("supdiag: 0 error(s)")),
            "{what}: forged line"
        );
    }
    let (out, _) = run(&["analyze", "--color", "never", "--settings", &settings, &log]);
    // Settings values are escaped too (connection account and schedule carry ESC).
    assert!(out.contains("<svg/onload=alert(15)>"), "{out}");
}

type Tag = (String, Vec<(String, String)>);

/// Tags and attributes of an HTML document (a light scanner: the report has no comments or
/// CDATA; `<style>` content is skipped). A `<` that starts no tag is an error: text is escaped.
fn html_tags(doc: &str) -> Result<Vec<Tag>, String> {
    let b = doc.as_bytes();
    let mut out: Vec<Tag> = Vec::new();
    let mut i = 0;
    while let Some(p) = doc[i..].find('<') {
        let at = i + p;
        let snippet = || doc[at..].chars().take(40).collect::<String>();
        if let Some(rest) = doc[at..].strip_prefix("</") {
            match rest.find('>') {
                Some(e) => {
                    i = at + 2 + e + 1;
                    continue;
                }
                None => return Err(format!("unclosed end tag at byte {at}")),
            }
        }
        match b.get(at + 1) {
            Some(c) if c.is_ascii_alphabetic() || *c == b'!' => {}
            _ => return Err(format!("raw `<` in text at byte {at}: {:?}", snippet())),
        }
        let mut j = at + 1;
        while b
            .get(j)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'!' || *c == b'-')
        {
            j += 1;
        }
        let name = doc[at + 1..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while b
                .get(j)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
            {
                j += 1;
            }
            match b.get(j) {
                None => break,
                Some(b'>') => {
                    j += 1;
                    break;
                }
                _ => {}
            }
            let s = j;
            while b
                .get(j)
                .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'=' && *c != b'>')
            {
                j += 1;
            }
            let an = doc[s..j].to_ascii_lowercase();
            let mut val = String::new();
            if b.get(j) == Some(&b'=') {
                j += 1;
                if let Some(&q) = b.get(j).filter(|c| **c == b'"' || **c == b'\'') {
                    let e = doc[j + 1..]
                        .find(q as char)
                        .map_or(doc.len(), |e| j + 1 + e);
                    val = doc[j + 1..e].to_string();
                    j = e + 1;
                } else {
                    let s = j;
                    while b
                        .get(j)
                        .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'>')
                    {
                        j += 1;
                    }
                    val = doc[s..j].to_string();
                }
            }
            attrs.push((an, val));
        }
        i = j.min(doc.len());
        if name == "style" {
            if let Some(e) = doc[i..].find("</style>") {
                i += e;
            }
        }
        out.push((name, attrs));
    }
    Ok(out)
}

fn html_problems(doc: &str) -> Result<(), String> {
    for (name, attrs) in html_tags(doc)? {
        if matches!(
            name.as_str(),
            "script" | "img" | "a" | "iframe" | "object" | "embed" | "base" | "form" | "link"
        ) {
            return Err(format!("<{name}> in the report"));
        }
        for (a, v) in attrs {
            if a.starts_with("on") {
                return Err(format!("<{name} {a}=...>"));
            }
            if v.trim().to_ascii_lowercase().starts_with("javascript:") || v.contains("alert(") {
                return Err(format!("input in attribute <{name} {a}={v:?}>"));
            }
        }
    }
    if doc
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err("raw control character".into());
    }
    Ok(())
}

fn assert_html_safe(what: &str, doc: &str) {
    if let Err(e) = html_problems(doc) {
        panic!("{what}: {e}");
    }
    // `onerror=` and `javascript:` may appear as text (escaped, inert); html_problems checked
    // that no tag carries them.
    assert!(
        !doc.to_ascii_lowercase().contains("<script"),
        "{what}: <script"
    );
}

/// Markdown with inline code spans (`...`) removed: code spans are inert, everything else is
/// rendered. Escaped backticks (\`) are not delimiters. A code span that contained a backtick
/// would mis-pair and leave raw input outside, which the checks then catch.
fn outside_code_spans(md: &str) -> String {
    let mut out = String::new();
    for line in md.lines() {
        let l = line.replace("\\`", "\u{0}");
        for (k, part) in l.split('`').enumerate() {
            if k % 2 == 0 {
                out.push_str(&part.replace('\u{0}', "\\`"));
            }
        }
        out.push('\n');
    }
    out
}

/// `docs` links of the built-in rules: the only autolinks (`<https://...>`) a report may have.
fn rule_docs() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("rules").flatten() {
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        let Ok(v) = text.parse::<toml::Table>() else {
            continue;
        };
        if let Some(toml::Value::Array(d)) = v.get("docs") {
            out.extend(d.iter().filter_map(|u| u.as_str()).map(str::to_string));
        }
    }
    out
}

fn markdown_problems(md: &str, allowed_links: &[String]) -> Result<(), String> {
    for line in md.lines() {
        let n = line.replace("\\`", "").matches('`').count();
        if n % 2 != 0 {
            return Err(format!("unpaired backtick in {line:?}"));
        }
    }
    if md.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err("raw control character".into());
    }
    let mut text = outside_code_spans(md);
    for url in allowed_links {
        text = text.replace(&format!("<{url}>"), "");
    }
    let b = text.as_bytes();
    for (i, w) in b.windows(2).enumerate() {
        let near = || {
            text[i.saturating_sub(20)..]
                .chars()
                .take(60)
                .collect::<String>()
        };
        // `\<` is an escaped `<`, shown as text.
        let escaped = i > 0 && b[i - 1] == b'\\';
        if w[0] == b'<' && !escaped && (w[1].is_ascii_alphabetic() || b"/!?".contains(&w[1])) {
            return Err(format!("raw HTML or autolink at {i}: {:?}", near()));
        }
        if w == b"](" && (i == 0 || b[i - 1] != b'\\') {
            return Err(format!("link syntax at {i}: {:?}", near()));
        }
    }
    Ok(())
}

#[test]
fn html_report_has_no_live_markup_from_logs_or_settings() {
    let (log, settings) = inputs();
    let (doc, _) = run(&["report", "--format", "html", "--settings", &settings, &log]);
    assert_html_safe("report html", &doc);
    // The hostile text reached the document, escaped.
    assert!(
        doc.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{doc}"
    );
    assert!(
        doc.contains("&lt;svg/onload=alert(15)&gt;"),
        "settings value missing"
    );
}

#[test]
fn html_report_written_to_a_file_is_the_same_safe_document() {
    let (log, settings) = inputs();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("r.html");
    let p = path.to_string_lossy().into_owned();
    run(&["report", "-o", &p, "--settings", &settings, &log]);
    let doc = std::fs::read_to_string(&path).expect("report file");
    assert_html_safe("report -o", &doc);
}

#[test]
fn markdown_has_no_raw_html_or_links_from_logs_or_settings() {
    let (log, settings) = inputs();
    let docs = rule_docs();
    assert!(docs.len() > 10, "rule docs not found");
    for cmd in ["analyze", "report", "sync"] {
        let (md, _) = run(&[cmd, "--format", "markdown", "--settings", &settings, &log]);
        if let Err(e) = markdown_problems(&md, &docs) {
            panic!("{cmd}: {e}");
        }
        assert!(
            md.contains("alert(1)"),
            "{cmd}: input missing from the output"
        );
    }
}

#[test]
fn the_checkers_catch_what_they_should() {
    // The checks above must be able to fail.
    for bad in [
        "text <script>x</script>",
        "see [here](http://evil.example/)",
        "![i](http://evil.example/i.png)",
        "code `a` b `c<img src=x>` and then `d` e <b>bold</b>",
        "one ` unpaired",
        "<https://evil.example/>",
        "bell \u{7}",
    ] {
        assert!(markdown_problems(bad, &[]).is_err(), "not caught: {bad:?}");
    }
    let ok = "ok `<script>` \\[x\\](y) \\<b> <https://learn.microsoft.com/x>";
    assert_eq!(
        markdown_problems(ok, &["https://learn.microsoft.com/x".to_string()]),
        Ok(())
    );
    for bad in [
        "<p>x</p><img src=x>",
        "<p onclick=\"x\">",
        "<div title='javascript:alert(1)'>",
        "<p>a < b</p>",
        "<p>\u{1b}[2J</p>",
    ] {
        assert!(html_problems(bad).is_err(), "not caught: {bad:?}");
    }
    assert_eq!(
        html_problems("<style>a > b {}</style><p title=\"a\">&lt;script&gt;</p>"),
        Ok(())
    );
}

#[test]
fn json_and_ndjson_always_parse() {
    let (log, settings) = inputs();
    let mut logs: Vec<String> = std::fs::read_dir(hostile(""))
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    logs.sort();
    assert!(logs.iter().any(|l| l.ends_with("binary-junk.log")));
    assert!(logs.iter().any(|l| l.ends_with("invalid-utf8-fields.log")));
    for path in &logs {
        // A binary fixture alone is input lost and no report; next to a readable log the report
        // is written (and must parse).
        let binary = std::fs::read(path)
            .map(|b| b[..b.len().min(64 * 1024)].contains(&0) && !path.contains("utf16"))
            .unwrap_or(false);
        for args in [
            vec!["analyze", "--format", "json", "--settings", &settings],
            vec!["report", "--format", "json", "--settings", &settings],
            vec!["sync", "--format", "json"],
        ] {
            let mut a = args.clone();
            if binary {
                a.push(&log);
            }
            a.push(path);
            let (out, _) = run(&a);
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&out) {
                panic!("{a:?}: invalid JSON: {e}");
            }
        }
        let extra: &[&str] = if binary { &[&log] } else { &[] };
        for cmd in ["analyze", "sync"] {
            let (out, _) = run(&[&[cmd, "--format", "ndjson"], extra, &[path]].concat());
            for (n, line) in out.lines().enumerate() {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(line) {
                    panic!("{cmd} ndjson {path} line {}: {e}: {line:?}", n + 1);
                }
            }
        }
        let (out, _) = run(&[&["view", "--format", "ndjson"], extra, &[path.as_str()]].concat());
        for line in out.lines() {
            serde_json::from_str::<serde_json::Value>(line)
                .unwrap_or_else(|e| panic!("view ndjson {path}: {e}: {line:?}"));
        }
    }
    // The injection log: the hostile text survives intact inside valid JSON.
    let (out, _) = run(&["analyze", "--format", "json", "--settings", &settings, &log]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let all = v.to_string();
    assert!(
        all.contains("<script>alert(1)</script>"),
        "evidence text kept verbatim in JSON"
    );
}

/// A 5 MB line that matches a rule, its capture (the host) 5 MB too: every output stays small,
/// the evidence and the cause carry the truncation marker.
#[test]
fn a_5_mb_matching_line_gives_small_output_with_truncation_markers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("wsyncmgr.log");
    let host = "a".repeat(5 << 20);
    std::fs::write(
        &log,
        format!(
            "Sync failed: UssCommunicationError: WebException: The remote name could not be \
             resolved: '{host}'~~at X. Source: Y  $$<SMS_WSUS_SYNC_MANAGER><11-20-2026 \
             02:13:11.659+060><thread=1 (0x1)>\r\n"
        ),
    )
    .expect("write");
    let log = log.to_string_lossy().into_owned();
    for args in [
        vec!["analyze", "--format", "terminal", "--color", "never"],
        vec!["analyze", "--format", "json"],
        vec!["analyze", "--format", "ndjson"],
        vec!["analyze", "--format", "markdown"],
        vec!["report", "--format", "html"],
        vec!["report", "--format", "markdown"],
        vec!["report", "--format", "json"],
    ] {
        let mut a = args.clone();
        a.push(&log);
        let (out, err) = run(&a);
        assert!(
            out.len() + err.len() < 64 * 1024,
            "{args:?}: {} bytes of output",
            out.len() + err.len()
        );
        assert!(
            out.contains("wsyncmgr_uss_name_not_resolved"),
            "{args:?}: rule did not fire"
        );
        // One marker in the evidence and one in the cause (the host placeholder).
        let markers = out.matches("[truncated, ").count();
        assert!(markers >= 2, "{args:?}: {markers} truncation markers");
    }
}

/// Untrusted text reaches stderr too: a settings error quotes the key as written, a note names
/// the file. Neither may carry a raw control character, and neither may a file name in stdout.
#[test]
fn stderr_and_file_names_are_escaped_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let toml = dir.path().join("supdiag.toml");
    std::fs::write(
        &toml,
        "[[sup]]\nserver = \"x\"\nhttp_port\x1b[2J\x1b[31m = \"zz\"\n",
    )
    .expect("write");
    let reg = dir.path().join("setup.reg");
    std::fs::write(
        &reg,
        "Windows Registry Editor Version 5.00\r\n\
         [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup]\r\n\
         \"PortNumber\"=dword:zz\x1b[2J\r\n\x1b[31mjunk\r\n",
    )
    .expect("write");
    let log = dir.path().join("evil\x1b[2J\x1b]0;t\x07name.log");
    std::fs::write(&log, "plain text\n\u{0}\u{1}binary\n").expect("write");
    let empty = dir.path().join("x\x1b[31m-empty.log");
    std::fs::write(&empty, "").expect("write");
    let (t, r, l, e) = (
        toml.to_string_lossy().into_owned(),
        reg.to_string_lossy().into_owned(),
        log.to_string_lossy().into_owned(),
        empty.to_string_lossy().into_owned(),
    );
    for strict in [false, true] {
        for cmd in ["analyze", "sync", "report", "precheck"] {
            let mut a = vec![cmd, "--settings", &t, "--settings", &r];
            if cmd != "report" {
                a.extend(["--color", "never"]);
            }
            if strict {
                a.push("--strict");
            }
            if cmd != "precheck" {
                a.extend([l.as_str(), e.as_str()]);
            }
            let out = Command::cargo_bin("supdiag")
                .expect("binary")
                .args(&a)
                .output()
                .expect("run");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "{a:?}: {stderr}");
            assert!(
                stderr.contains("\\u{1b}"),
                "{a:?}: escaped text expected: {stderr}"
            );
            assert_terminal_safe(&format!("{a:?} stderr"), &stderr, false);
            if cmd != "report" {
                let stdout = String::from_utf8_lossy(&out.stdout);
                assert_terminal_safe(&format!("{a:?} stdout"), &stdout, false);
            }
        }
    }
    let (out, err) = run(&["view", "--color", "never", &l, &e]);
    assert_terminal_safe("view stdout", &out, false);
    assert_terminal_safe("view stderr", &err, false);
}
