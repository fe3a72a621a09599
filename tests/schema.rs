//! The JSON contract: `docs/report.schema.json` (Draft 2020-12) accepts what `analyze`, `sync`,
//! `report` and `precheck` write on every sample (and NDJSON lines as findings), and rejects a
//! broken report. A field added to the output without the schema fails here: update the schema
//! in the same commit.

// Its dev-dependencies (proptest, jsonschema, rcgen) are not built for Windows: the Windows test
// build under Wine (.ci/windows.sh) runs the CLI tests, and these run on the Linux build.
#![cfg(not(windows))]

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{json, Value};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(repo().join("docs/report.schema.json")).expect("schema");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn validator_for(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("the schema compiles")
}

/// A validator for one definition of the schema (`finding` for NDJSON lines).
fn validator_of_def(def: &str) -> jsonschema::Validator {
    let s = schema();
    validator_for(&json!({
        "$schema": s["$schema"],
        "$defs": s["$defs"],
        "$ref": format!("#/$defs/{def}"),
    }))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Parses JSON and fails on a duplicate key in any object (serde_json would keep the last one
/// silently, and a schema cannot see the first).
struct NoDuplicateKeys;

impl<'de> DeserializeSeed<'de> for NoDuplicateKeys {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NoDuplicateKeys {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(NoDuplicateKeys)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format!("duplicate key {key:?}")));
            }
            map.next_value_seed(NoDuplicateKeys)?;
        }
        Ok(())
    }
}

fn parse_strict(what: &str, text: &str) -> Value {
    let mut d = serde_json::Deserializer::from_str(text);
    if let Err(e) = NoDuplicateKeys.deserialize(&mut d) {
        panic!("{what}: {e}");
    }
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"))
}

fn supdiag(cwd: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("supdiag")
        .expect("binary")
        .current_dir(cwd)
        .args(args)
        .arg("--quiet")
        .output()
        .expect("run");
    // precheck on a settings file that gives no check its values (applicationHost.config
    // alone) checked nothing: exit 2 with the reason, after writing its report.
    let checked_nothing = out.status.code() == Some(2)
        && String::from_utf8_lossy(&out.stderr).contains("precheck checked nothing");
    assert!(
        matches!(out.status.code(), Some(0 | 1)) || checked_nothing,
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Every input of the samples: the log folders, the pasted ticket, and the settings files.
fn sample_inputs() -> (Vec<String>, Vec<String>) {
    let mut logs = Vec::new();
    for e in std::fs::read_dir(repo().join("samples"))
        .expect("samples")
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        if !e.path().is_dir() || name == "settings" || name == "tools" {
            continue;
        }
        logs.push(if name == "pasted" {
            "samples/pasted/ticket.txt".to_string()
        } else {
            format!("samples/{name}")
        });
    }
    logs.sort();
    let mut settings: Vec<String> = std::fs::read_dir(repo().join("samples/settings"))
        .expect("samples/settings")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".md"))
        .map(|n| format!("samples/settings/{n}"))
        .collect();
    settings.sort();
    (logs, settings)
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    if let Err(e) = jsonschema::meta::validate(&s) {
        panic!("docs/report.schema.json: {e}");
    }
}

#[test]
fn every_command_on_every_sample_follows_the_schema() {
    let v = validator_for(&schema());
    let finding = validator_of_def("finding");
    let (logs, settings) = sample_inputs();
    assert!(
        logs.len() >= 15 && settings.len() >= 15,
        "{logs:?} {settings:?}"
    );
    let mut checked = 0;
    let mut seen_fields = HashSet::new();
    let mut check = |what: String, text: &str| {
        let doc = parse_strict(&what, text);
        let e = errors(&v, &doc);
        assert!(e.is_empty(), "{what}: {e:#?}");
        if let Some(o) = doc.as_object() {
            seen_fields.extend(o.keys().cloned());
        }
        checked += 1;
    };
    let cwd = repo();
    for log in &logs {
        for extra in [
            &[][..],
            &["--settings", "samples/settings/healthy.toml"][..],
        ] {
            let mut args = vec!["analyze", log.as_str(), "--format", "json"];
            args.extend_from_slice(extra);
            check(format!("{args:?}"), &supdiag(&cwd, &args));
        }
        let now = ["--now", "2026-11-25T00:00:00Z"];
        let mut args = vec!["sync", log.as_str(), "--format", "json"];
        args.extend_from_slice(&now);
        check(format!("{args:?}"), &supdiag(&cwd, &args));
        for extra in [
            &[][..],
            &["--settings", "samples/settings/healthy.toml"][..],
        ] {
            let mut args = vec!["report", log.as_str(), "--format", "json"];
            args.extend_from_slice(&now);
            args.extend_from_slice(extra);
            check(format!("{args:?}"), &supdiag(&cwd, &args));
        }
        // NDJSON: one finding per line.
        let nd = supdiag(&cwd, &["analyze", log, "--format", "ndjson"]);
        for line in nd.lines() {
            let f = parse_strict(log, line);
            let e = errors(&finding, &f);
            assert!(e.is_empty(), "{log} ndjson: {e:#?}");
        }
    }
    for s in &settings {
        let args = ["precheck", "--settings", s.as_str(), "--format", "json"];
        check(format!("{args:?}"), &supdiag(&cwd, &args));
    }
    // A fleet layout: findings, runs and inputs carry their host, and `hosts` has the figures.
    let fleet = tempfile::tempdir().expect("tempdir");
    for (host, sample) in [("cm01", "site-healthy"), ("cm02", "wsus-pool-503")] {
        let dir = fleet.path().join("hosts").join(host);
        std::fs::create_dir_all(&dir).expect("mkdir");
        for e in std::fs::read_dir(repo().join("samples").join(sample))
            .expect("sample")
            .flatten()
        {
            if e.path().is_file() {
                std::fs::copy(e.path(), dir.join(e.file_name())).expect("copy");
            }
        }
    }
    let fleet_path = fleet.path().to_string_lossy().into_owned();
    for cmd in ["analyze", "sync", "report"] {
        let text = supdiag(&cwd, &[cmd, &fleet_path, "--format", "json"]);
        check(format!("{cmd} fleet"), &text);
        if cmd == "analyze" {
            let doc: Value = serde_json::from_str(&text).expect("json");
            assert!(
                doc["hosts"].as_array().is_some_and(|h| h.len() == 2),
                "{doc}"
            );
        }
    }
    // A binary file among the logs is listed with its note.
    let mixed = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        repo().join("samples/site-healthy/wsyncmgr.log"),
        mixed.path().join("wsyncmgr.log"),
    )
    .expect("copy");
    std::fs::write(mixed.path().join("WCM.log"), b"MZ\x90\x00\x03\x00binary").expect("write");
    let mixed_path = mixed.path().to_string_lossy().into_owned();
    let text = supdiag(&cwd, &["analyze", &mixed_path, "--format", "json"]);
    assert!(text.contains("\"encoding\": \"binary\""), "{text}");
    check("analyze with a binary file".into(), &text);
    // --history adds the `history` object.
    let db = fleet
        .path()
        .join("history.db")
        .to_string_lossy()
        .into_owned();
    for cmd in ["sync", "report"] {
        let text = supdiag(
            &cwd,
            &[cmd, &fleet_path, "--format", "json", "--history", &db],
        );
        check(format!("{cmd} fleet --history"), &text);
    }
    assert!(checked > 80, "{checked}");
    // Every top-level field of the schema was produced by some command (none is dead).
    let declared: HashSet<String> = schema()["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .cloned()
        .collect();
    // `sources` is written only by a run without a path on Windows: src/discover/tests.rs and
    // tests/wine.rs check it against this schema.
    seen_fields.insert("sources".to_string());
    let unused: Vec<&String> = declared.difference(&seen_fields).collect();
    assert!(unused.is_empty(), "declared but never written: {unused:?}");
}

/// The schema is strict enough to notice a broken report.
#[test]
fn the_schema_rejects_broken_reports() {
    let v = validator_for(&schema());
    let cwd = repo();
    let good = parse_strict(
        "analyze",
        &supdiag(
            &cwd,
            &[
                "analyze",
                "samples/site-adr-12007",
                "--format",
                "json",
                "--settings",
                "samples/settings/adr-proxy-off.toml",
            ],
        ),
    );
    assert!(errors(&v, &good).is_empty());
    let report = parse_strict(
        "report",
        &supdiag(
            &cwd,
            &[
                "report",
                "samples/site-history",
                "--format",
                "json",
                "--now",
                "2026-11-25T00:00:00Z",
            ],
        ),
    );
    assert!(errors(&v, &report).is_empty());

    type Break = fn(&mut Value);
    let broken: Vec<(&str, &Value, Break)> = vec![
        ("no summary", &good, |d| {
            d.as_object_mut().map(|o| o.remove("summary"));
        }),
        ("another schema version", &good, |d| {
            d["schema"] = json!("supdiag.report/2")
        }),
        ("unknown severity", &good, |d| {
            d["findings"][0]["severity"] = json!("fatal")
        }),
        ("count as a string", &good, |d| {
            d["findings"][0]["count"] = json!("24")
        }),
        ("count zero", &good, |d| {
            d["findings"][0]["count"] = json!(0)
        }),
        ("local time instead of UTC", &good, |d| {
            d["findings"][0]["first_seen"] = json!("2026-11-17T07:01:03.070+01:00")
        }),
        ("not a time", &good, |d| {
            d["findings"][0]["last_seen"] = json!("yesterday")
        }),
        ("unknown finding field", &good, |d| {
            d["findings"][0]["colour"] = json!("red")
        }),
        ("unknown top-level field", &good, |d| d["extra"] = json!(1)),
        ("evidence without a line", &good, |d| {
            d["findings"][0]["evidence"][0]
                .as_object_mut()
                .map(|o| o.remove("line"));
        }),
        ("rule id with spaces", &good, |d| {
            d["findings"][0]["rule_id"] = json!("adr download")
        }),
        ("doc link not https", &good, |d| {
            d["findings"][0]["docs"][0] = json!("http://pastebin.com/x")
        }),
        ("unknown log kind", &good, |d| {
            d["inputs"][0]["kind"] = json!("eventlog")
        }),
        ("negative bytes", &good, |d| {
            d["inputs"][0]["bytes"] = json!(-1)
        }),
        ("settings as rows outside report", &good, |d| {
            d["settings"] = json!([{"key": "k", "value": "v", "source": "s"}])
        }),
        ("health field outside report", &good, |d| {
            d["verdict_reasons"] = json!(["x"])
        }),
        ("report without its verdict reasons", &report, |d| {
            d.as_object_mut().map(|o| o.remove("verdict_reasons"));
        }),
        ("unknown verdict", &report, |d| d["verdict"] = json!("fine")),
        ("unknown run result", &report, |d| {
            d["sync_runs"][0]["result"] = json!("ok")
        }),
        ("unknown trigger", &report, |d| {
            d["sync_runs"][0]["trigger"] = json!("cron")
        }),
        ("success rate above 1", &report, |d| {
            d["sync_summary"]["success_rate"] = json!(1.5)
        }),
    ];
    for (what, base, f) in broken {
        let mut d = base.clone();
        f(&mut d);
        assert_ne!(&d, base, "{what}: the mutation did nothing");
        assert!(!errors(&v, &d).is_empty(), "not rejected: {what}");
    }
    // A duplicate key is caught before the schema sees the document.
    let dup = r#"{"schema": "supdiag.report/1", "schema": "supdiag.report/1"}"#;
    let caught = std::panic::catch_unwind(|| parse_strict("dup", dup));
    assert!(caught.is_err(), "duplicate key not caught");
}
