//! Generated-input tests of the settings importers (supdiag.toml, ConfigMgr JSON,
//! applicationHost.config, `.reg` export): bytes in, `import_text` after decoding, as
//! `import_file` does. Nothing panics; an error names the file; facts and warnings belong to it.
//!
//! Inputs are the settings samples mutated (truncated, spliced with tokens of the format, bytes
//! flipped, regions deleted or repeated, re-encoded as UTF-16) plus plain random bytes.
//! `SUPDIAG_FUZZ_CASES` sets the cases per target (default 3,000; 100,000 for the release run).

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
fn input(
    seeds: Vec<Vec<u8>>,
    tokens: &'static [&'static str],
) -> impl Strategy<Value = Vec<u8>> {
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

/// Import `bytes` as the named file and check the invariants.
fn check(name: &str, bytes: Vec<u8>) -> Result<(), TestCaseError> {
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
        }
        Err(e) => {
            prop_assert_eq!(&e.file, &shown);
            let text = e.to_string();
            prop_assert!(text.starts_with(&shown), "error does not name the file: {text}");
            prop_assert!(
                !e.message.trim().is_empty(),
                "empty error message for {input:?}"
            );
        }
    }
    Ok(())
}

fn fuzz(name: &'static str, ext: &str, tokens: &'static [&'static str]) {
    let seeds = samples(ext);
    runner()
        .run(&input(seeds, tokens), |bytes| check(name, bytes))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
}

const TOML_TOKENS: &[&str] = &[
    "[[site]]\n", "[[sup]]\n", "[[proxy]]\n", "[sync]\n", "[wsus]\n", "[site]\n", "[[sync]]\n",
    "code = \"PS1\"\n", "role = \"cas\"\n", "role = \"tertiary\"\n", "parent = \"\"\n",
    "server = \"cm01\"\n", "http_port = 8530\n", "http_port = 99999\n", "http_port = -1\n",
    "https_port = \"8531\"\n", "password = \"hunter2\"\n", "account = \"DOM\\\\u\"\n",
    "schedule_hours = 4294967296\n", "products = [\"a\", 1]\n", "=", "\"", "'", "'''", "\"\"\"",
    "\n", "[", "]", "{", "}", ",", "#", "\\u0000", "\\", "true", "1979-05-27T07:32:00Z", "inf",
    "nan", "0x1F", "1e999", "a.b.c = 1\n", "x = { y = [ { z = 1 } ] }\n",
];

const JSON_TOKENS: &[&str] = &[
    "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "null", "true", "-0",
    "1e999", "18446744073709551616", "\"RoleName\": \"SMS Software Update Point\"",
    "\"RoleName\": \"SMS Site System\"", "\"ComponentName\": \"SMS_WSUS_CONFIGURATION_MANAGER\"",
    "\"SiteCode\": \"PS1\"", "\"NetworkOSPath\": \"\\\\\\\\\"", "\"NetworkOSPath\": null",
    "\"ItemName\": \"]\\\\\\\\\"", "\"Props\": [", "\"Props\": {}",
    "{\"PropertyName\": \"WSUSIISPort\", \"Value\": 8530}", "{\"PropertyName\": null}",
    "{\"PropertyName\": \"ProxyPassword\", \"Value2\": \"hunter2\"}", "\"value\": [",
    "\"ReportingSiteCode\": \"\"", "\"Value\": \"x\"", "\"Value1\": 1.5",
];

const XML_TOKENS: &[&str] = &[
    "<", ">", "</", "/>", "=", "\"", "'", "&", "&amp;", "&lt;", "&#0;", "&#x110000;", "&x;",
    "<!DOCTYPE c [<!ENTITY x \"xx\">]>", "<!ENTITY y SYSTEM \"file:///etc/passwd\">",
    "<![CDATA[", "]]>", "<!--", "-->", "<?xml version=\"1.0\"?>", "<configuration>",
    "</configuration>", "<system.applicationHost>", "<sites>", "<site name=\"WSUS Administration\">",
    "<binding protocol=\"https\" bindingInformation=\"*:8531:\" />",
    "<binding protocol=\"http\" bindingInformation=\"[::1]:x:\" />",
    "<location path=\"WSUS Administration/ClientWebService\">",
    "<access sslFlags=\"Ssl, Ssl128\" />", "<add name=\"WsusPool\">",
    "<periodicRestart privateMemory=\"-5\" />", "xmlns:a=\"u\"", "a:b",
];

const REG_TOKENS: &[&str] = &[
    "Windows Registry Editor Version 5.00\r\n", "REGEDIT4\r\n",
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup]\r\n",
    "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup]\r\n",
    "\"PortNumber\"=", "\"UsingSSL\"=", "\"ContentDir\"=", "\"ServerCertificateName\"=",
    "\"ProxyPassword\"=\"hunter2\"\r\n", "dword:", "dword:ffffffff", "dword:123456789",
    "hex:", "hex(2):", "hex(7):", "hex(b):", "hex(4):01,02", "hex(", "00,", "ff,", "\\\r\n  ",
    "\"", "\\\"", "\\\\", "=", "-", "@=", ";", "\r\n", "\n", "[", "]",
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
