//! Generated-input tests of the settings importers (supdiag.toml, ConfigMgr JSON,
//! applicationHost.config, `.reg` export): bytes in, `import_text` after decoding, as
//! `import_file` does. Nothing panics; an error names the file; facts and warnings belong to it.
//!
//! Inputs are the settings samples mutated (truncated, spliced with tokens of the format, bytes
//! flipped, regions deleted or repeated, re-encoded as UTF-16) plus plain random bytes.
//! `SUPDIAG_FUZZ_CASES` sets the cases per target (default 3,000; 100,000 for the release run).

// Its dev-dependencies (proptest, jsonschema, rcgen) are not built for Windows: the Windows test
// build under Wine (.ci/windows.sh) runs the CLI tests, and these run on the Linux build.
#![cfg(not(windows))]

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};

use supdiag::settings::{import_file, import_text};
use supdiag::source::decode::decode_bytes;

fn cases() -> u32 {
    std::env::var("SUPDIAG_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

fn samples(ext: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/settings");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("samples/settings")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect();
    paths.sort();
    let out: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).expect("read sample"))
        .collect();
    assert!(!out.is_empty(), "no {ext} samples");
    out
}

/// One edit of the input bytes.
#[derive(Clone, Debug)]
enum Mutation {
    Truncate(Index),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
    Repeat(Index, usize, usize),
    Flip(Index, u8),
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |i: &Index, len: usize| if len == 0 { 0 } else { i.index(len + 1) };
    match m {
        Mutation::Truncate(i) => {
            let p = at(i, bytes.len());
            bytes.truncate(p);
        }
        Mutation::Insert(i, t) => {
            let p = at(i, bytes.len());
            bytes.splice(p..p, t.iter().copied());
        }
        Mutation::Delete(i, n) => {
            let p = at(i, bytes.len());
            let end = (p + n).min(bytes.len());
            bytes.drain(p..end);
        }
        Mutation::Repeat(i, n, times) => {
            let p = at(i, bytes.len());
            let end = (p + n).min(bytes.len());
            let piece = bytes[p..end].to_vec();
            for _ in 0..*times {
                bytes.splice(end..end, piece.iter().copied());
            }
        }
        Mutation::Flip(i, b) => {
            if !bytes.is_empty() {
                let p = i.index(bytes.len());
                bytes[p] ^= b | 1;
            }
        }
    }
}

fn mutation(tokens: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    let token = prop_oneof![
        4 => proptest::sample::select(tokens).prop_map(|t| t.as_bytes().to_vec()),
        1 => proptest::collection::vec(any::<u8>(), 0..8),
        1 => "\\PC{0,6}".prop_map(String::into_bytes),
    ];
    prop_oneof![
        1 => any::<Index>().prop_map(Mutation::Truncate),
        5 => (any::<Index>(), token).prop_map(|(i, t)| Mutation::Insert(i, t)),
        2 => (any::<Index>(), 0usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        1 => (any::<Index>(), 1usize..32, 1usize..20).prop_map(|(i, n, t)| Mutation::Repeat(i, n, t)),
        2 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
    ]
}

fn utf16le(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

/// Mutated samples, sometimes re-encoded as UTF-16LE (before or after the edits), or junk.
fn input(seeds: Vec<Vec<u8>>, tokens: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    let mutated = (
        proptest::sample::select(seeds),
        proptest::collection::vec(mutation(tokens), 0..6),
        0u8..4,
    )
        .prop_map(|(seed, muts, enc)| {
            let mut b = if enc == 1 { utf16le(&seed) } else { seed };
            for m in &muts {
                apply(&mut b, m);
            }
            if enc == 2 {
                b = utf16le(&b);
            }
            b
        });
    prop_oneof![
        8 => mutated,
        1 => proptest::collection::vec(any::<u8>(), 0..512),
        1 => proptest::collection::vec(proptest::sample::select(tokens), 0..40)
            .prop_map(|t| t.concat().into_bytes()),
    ]
}

/// Import `bytes` as the named file and check the invariants; true when it imported.
fn check(name: &str, bytes: Vec<u8>) -> Result<bool, TestCaseError> {
    let shown = format!("fuzz/{name}");
    let loaded = decode_bytes(bytes);
    let input = loaded.text();
    match import_text(Path::new(name), &shown, input) {
        Ok((facts, warnings)) => {
            for f in facts.iter() {
                prop_assert!(f.key.starts_with("config."), "fact {} from {name}", f.key);
                prop_assert_eq!(&f.source.source, &shown);
            }
            for w in &warnings {
                prop_assert_eq!(&w.file, &shown);
            }
            Ok(true)
        }
        Err(e) => {
            prop_assert_eq!(&e.file, &shown);
            let text = e.to_string();
            prop_assert!(
                text.starts_with(&shown),
                "error does not name the file: {text}"
            );
            prop_assert!(
                !e.message.trim().is_empty(),
                "empty error message for {input:?}"
            );
            Ok(false)
        }
    }
}

fn fuzz(name: &'static str, ext: &str, tokens: &'static [&'static str]) {
    let seeds = samples(ext);
    let imported = std::cell::Cell::new(0u32);
    runner()
        .run(&input(seeds, tokens), |bytes| {
            let ok = check(name, bytes)?;
            imported.set(imported.get() + u32::from(ok));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let ok = imported.get();
    eprintln!(
        "{name}: {} generated inputs, {ok} imported, {} refused with an error",
        cases(),
        cases() - ok
    );
    // Mutations must leave enough inputs valid for the importer's inner code to be exercised.
    assert!(ok > cases() / 20, "{name}: only {ok} inputs imported");
}

const TOML_TOKENS: &[&str] = &[
    "[[site]]\n",
    "[[sup]]\n",
    "[[proxy]]\n",
    "[sync]\n",
    "[wsus]\n",
    "[site]\n",
    "[[sync]]\n",
    "code = \"PS1\"\n",
    "role = \"cas\"\n",
    "role = \"tertiary\"\n",
    "parent = \"\"\n",
    "server = \"cm01\"\n",
    "http_port = 8530\n",
    "http_port = 99999\n",
    "http_port = -1\n",
    "https_port = \"8531\"\n",
    "password = \"hunter2\"\n",
    "account = \"DOM\\\\u\"\n",
    "schedule_hours = 4294967296\n",
    "products = [\"a\", 1]\n",
    "=",
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "\n",
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    "\\u0000",
    "\\",
    "true",
    "1979-05-27T07:32:00Z",
    "inf",
    "nan",
    "0x1F",
    "1e999",
    "a.b.c = 1\n",
    "x = { y = [ { z = 1 } ] }\n",
];

const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "null",
    "true",
    "-0",
    "1e999",
    "18446744073709551616",
    "\"RoleName\": \"SMS Software Update Point\"",
    "\"RoleName\": \"SMS Site System\"",
    "\"ComponentName\": \"SMS_WSUS_CONFIGURATION_MANAGER\"",
    "\"SiteCode\": \"PS1\"",
    "\"NetworkOSPath\": \"\\\\\\\\\"",
    "\"NetworkOSPath\": null",
    "\"ItemName\": \"]\\\\\\\\\"",
    "\"Props\": [",
    "\"Props\": {}",
    "{\"PropertyName\": \"WSUSIISPort\", \"Value\": 8530}",
    "{\"PropertyName\": null}",
    "{\"PropertyName\": \"ProxyPassword\", \"Value2\": \"hunter2\"}",
    "\"value\": [",
    "\"ReportingSiteCode\": \"\"",
    "\"Value\": \"x\"",
    "\"Value1\": 1.5",
];

const XML_TOKENS: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "=",
    "\"",
    "'",
    "&",
    "&amp;",
    "&lt;",
    "&#0;",
    "&#x110000;",
    "&x;",
    "<!DOCTYPE c [<!ENTITY x \"xx\">]>",
    "<!ENTITY y SYSTEM \"file:///etc/passwd\">",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<?xml version=\"1.0\"?>",
    "<configuration>",
    "</configuration>",
    "<system.applicationHost>",
    "<sites>",
    "<site name=\"WSUS Administration\">",
    "<binding protocol=\"https\" bindingInformation=\"*:8531:\" />",
    "<binding protocol=\"http\" bindingInformation=\"[::1]:x:\" />",
    "<location path=\"WSUS Administration/ClientWebService\">",
    "<access sslFlags=\"Ssl, Ssl128\" />",
    "<add name=\"WsusPool\">",
    "<periodicRestart privateMemory=\"-5\" />",
    "xmlns:a=\"u\"",
    "a:b",
];

const REG_TOKENS: &[&str] = &[
    "Windows Registry Editor Version 5.00\r\n",
    "REGEDIT4\r\n",
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup]\r\n",
    "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup]\r\n",
    "\"PortNumber\"=",
    "\"UsingSSL\"=",
    "\"ContentDir\"=",
    "\"ServerCertificateName\"=",
    "\"ProxyPassword\"=\"hunter2\"\r\n",
    "dword:",
    "dword:ffffffff",
    "dword:123456789",
    "hex:",
    "hex(2):",
    "hex(7):",
    "hex(b):",
    "hex(4):01,02",
    "hex(",
    "00,",
    "ff,",
    "\\\r\n  ",
    "\"",
    "\\\"",
    "\\\\",
    "=",
    "-",
    "@=",
    ";",
    "\r\n",
    "\n",
    "[",
    "]",
];

#[test]
fn toml_importer_never_panics() {
    fuzz("supdiag.toml", ".toml", TOML_TOKENS);
}

#[test]
fn cm_json_importer_never_panics() {
    fuzz("export.json", ".json", JSON_TOKENS);
}

#[test]
fn iis_config_importer_never_panics() {
    fuzz("applicationHost.config", ".config", XML_TOKENS);
}

#[test]
fn reg_export_importer_never_panics() {
    fuzz("wsus-setup.reg", ".reg", REG_TOKENS);
}

/// The same through files on disk (`import_file`: size check, read, decode), fewer cases.
#[test]
fn import_file_on_mutated_files_never_panics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kinds: [(&str, &str, &'static [&'static str]); 4] = [
        ("supdiag.toml", ".toml", TOML_TOKENS),
        ("export.json", ".json", JSON_TOKENS),
        ("applicationHost.config", ".config", XML_TOKENS),
        ("wsus-setup.reg", ".reg", REG_TOKENS),
    ];
    for (name, ext, tokens) in kinds {
        let path = dir.path().join(name);
        let shown = path.to_string_lossy().replace('\\', "/");
        let mut r = TestRunner::new(Config {
            cases: (cases() / 20).max(50),
            failure_persistence: None,
            ..Config::default()
        });
        r.run(&input(samples(ext), tokens), |bytes| {
            std::fs::write(&path, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
            if let Err(e) = import_file(&path) {
                prop_assert_eq!(&e.file, &shown);
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

// ---- Hand-made hostile settings files (tests/fixtures/hostile, see its README) ----

fn hostile(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

/// Run on a thread with a 2 MiB stack (what Rust gives spawned and rayon threads, a quarter of
/// the main thread's), so a recursion that only fits in 8 MiB shows up here too.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("thread panicked or overflowed its stack")
}

#[test]
fn reg_truncated_inside_a_string_keeps_the_values_before_the_cut() {
    let (_, (facts, warnings)) =
        import_file(&hostile("truncated-mid-string.reg")).expect("truncated .reg still imports");
    assert_eq!(
        facts.get("config.wsus.port").map(|f| f.value.to_string()),
        Some("8530".to_string())
    );
    assert_eq!(
        facts
            .get("config.wsus.cert_name")
            .map(|f| f.value.to_string()),
        Some("sup01.contoso.com".to_string())
    );
    assert!(facts.get("config.wsus.content_dir").is_none());
    assert!(
        warnings
            .iter()
            .any(|w| w.text().contains("line 7") && w.message.contains("not closed")),
        "{warnings:?}"
    );
}

#[test]
fn reg_with_an_odd_byte_count_imports_what_is_whole() {
    let (_, (facts, _)) = import_file(&hostile("odd-length.reg")).expect("odd-length .reg imports");
    assert_eq!(
        facts
            .get("config.wsus.sql_server")
            .map(|f| f.value.to_string()),
        Some("CM01.contoso.com".to_string())
    );
    assert_eq!(
        facts.get("config.wsus.port").and_then(|f| f.value.as_int()),
        Some(8530)
    );
}

#[test]
fn xml_entity_expansion_and_external_entities_are_refused() {
    for name in ["billion-laughs.config", "external-entity.config"] {
        let path = hostile(name);
        let e =
            on_small_stack(move || import_file(&path).map(|_| ())).expect_err("a DTD is refused");
        assert!(e.file.ends_with(name), "{e}");
        assert!(e.message.contains("invalid XML"), "{e}");
        assert!(e.message.to_lowercase().contains("dtd"), "{e}");
        // /etc/passwd was not read into the message.
        assert!(!e.to_string().contains("root:"), "{e}");
    }
}

#[test]
fn json_nested_100k_deep_is_an_error_not_a_stack_overflow() {
    let path = hostile("deep-nesting.json");
    let e = on_small_stack(move || import_file(&path).map(|_| ())).expect_err("too deep");
    assert!(e.file.ends_with("deep-nesting.json"), "{e}");
    assert!(e.message.contains("recursion limit"), "{e}");
}

fn import_on_small_stack(name: &'static str, text: String) -> Result<usize, String> {
    on_small_stack(move || {
        import_text(Path::new(name), name, &text)
            .map(|(f, _)| f.len())
            .map_err(|e| e.to_string())
    })
}

#[test]
fn toml_nested_100k_deep_is_an_error_not_a_stack_overflow() {
    let arrays = format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let tables = format!("x = {}{}\n", "{a=".repeat(50_000), "}".repeat(50_000));
    for text in [arrays, tables] {
        let e = import_on_small_stack("supdiag.toml", text).expect_err("too deep");
        assert!(e.starts_with("supdiag.toml:1: "), "{e}");
        assert!(e.contains("recurs"), "{e}");
    }
}

#[test]
fn xml_nested_100k_deep_does_not_overflow_the_stack() {
    let xml = format!(
        "<configuration>{}{}</configuration>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    // Well formed, nothing of ours in it: an error saying so, or no facts; never a crash.
    match import_on_small_stack("applicationHost.config", xml) {
        Ok(n) => assert_eq!(n, 0),
        Err(e) => assert!(e.starts_with("applicationHost.config"), "{e}"),
    }
}

/// A typo or a wrong type drops that key only, named with file, line and key.
#[test]
fn toml_typo_and_wrong_type_name_file_line_and_key() {
    let (_, (facts, w)) = import_file(&hostile("typo.toml")).expect("typo drops the key only");
    assert!(facts.get("config.sup[cm01.contoso.com].site").is_some());
    let e = &w[0];
    assert!(e.file.ends_with("typo.toml") && e.dropped, "{e}");
    assert_eq!(e.line, Some(9));
    assert!(e.message.contains("`http_prot`"), "{e}");
    assert!(e.message.contains("did you mean `http_port`"), "{e}");

    let (_, (_, w)) = import_file(&hostile("wrong-type.toml")).expect("wrong type drops the key");
    let e = &w[0];
    assert!(e.file.ends_with("wrong-type.toml"), "{e}");
    assert_eq!(e.line, Some(4));
    assert!(e.message.contains("`https_port`"), "{e}");
}

#[test]
fn a_settings_file_over_the_size_cap_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("supdiag.toml");
    let f = std::fs::File::create(&path).expect("create");
    // A sparse 50 MB file: refused from its size, so memory stays small whatever its content.
    f.set_len(50 * 1024 * 1024).expect("set_len");
    let e = import_file(&path).expect_err("too big");
    assert!(e.message.contains("too big"), "{e}");
    assert!(
        e.message
            .contains(&supdiag::settings::MAX_SETTINGS_BYTES.to_string()),
        "{e}"
    );
    assert!(e
        .to_string()
        .starts_with(&path.to_string_lossy().to_string()));
}

#[test]
fn the_cli_refuses_an_oversized_settings_file_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("supdiag.toml");
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(50 * 1024 * 1024))
        .expect("sparse file");
    let log = hostile("empty.log");
    for strict in [false, true] {
        let mut cmd = assert_cmd::Command::cargo_bin("supdiag").expect("binary");
        cmd.args(["analyze", "--format", "json", "--settings"])
            .arg(&path)
            .arg(&log);
        if strict {
            cmd.arg("--strict");
        }
        let out = cmd.output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("supdiag.toml"), "{stderr}");
        assert!(stderr.contains("too big for a settings file"), "{stderr}");
        // Without --strict the run goes on without the file and says so in the report (a
        // warning finding: exit 1); with it, exit 2.
        assert_eq!(
            out.status.code(),
            Some(if strict { 2 } else { 1 }),
            "{stderr}"
        );
        if !strict {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
            assert_eq!(v["settings_sources"][0]["values"], 0);
            assert!(v["settings_sources"][0]["error"]
                .as_str()
                .is_some_and(|e| e.contains("too big")));
            assert_eq!(v["findings"][0]["rule_id"], "settings_not_used");
        }
    }
}
