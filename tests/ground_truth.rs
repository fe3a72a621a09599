//! Record counts against the ground truth of `tools/gen_cmlogs.py` (issue: foundation):
//! `analyze` must report exactly the manifest's `entries` with zero unparsed lines, for every
//! format, with and without BOM, CRLF and LF, memory-mapped and streamed.

use std::path::{Path, PathBuf};
use std::process::Command as Proc;

use assert_cmd::Command;

mod common;

/// The generator lives in the repository (`tools/gen_cmlogs.py`); python3 must be installed.
fn generator() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/gen_cmlogs.py")
}

fn generate(dir: &Path, name: &str, args: &[&str]) -> (PathBuf, serde_json::Value) {
    let gen = generator();
    let out = dir.join(format!("{name}.log"));
    let manifest = dir.join(format!("{name}.json"));
    let status = Proc::new("python3")
        .arg(gen)
        .args(args)
        .arg("--out")
        .arg(&out)
        .arg("--manifest")
        .arg(&manifest)
        .status()
        .expect("python3");
    assert!(status.success(), "generator failed for {name}");
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).expect("manifest"))
        .expect("manifest json");
    (out, m)
}

fn analyze(path: &Path, extra: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("supdiag")
        .expect("binary")
        .args(["analyze", "--format", "json", "--fail-on", "never"])
        .args(extra)
        .arg(path)
        .output()
        .expect("run");
    common::stdout_json(out, &[0])
}

#[test]
fn record_counts_equal_the_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: &[(&str, &[&str])] = &[
        (
            "cmtrace",
            &["--format", "cmtrace", "--size-mb", "2", "--seed", "1"],
        ),
        ("sms", &["--format", "sms", "--size-mb", "2", "--seed", "2"]),
        (
            "mixed",
            &["--format", "mixed", "--size-mb", "2", "--seed", "3"],
        ),
        (
            "sms_bom_lf",
            &[
                "--format",
                "sms",
                "--size-mb",
                "1",
                "--seed",
                "4",
                "--bom",
                "--eol",
                "lf",
            ],
        ),
        (
            "cm_bom_lf",
            &[
                "--format",
                "cmtrace",
                "--size-mb",
                "1",
                "--seed",
                "5",
                "--bom",
                "--eol",
                "lf",
            ],
        ),
        (
            "mixed_bom",
            &[
                "--format",
                "mixed",
                "--size-mb",
                "1",
                "--seed",
                "6",
                "--bom",
                "--bias",
                "-120",
            ],
        ),
        // Bigger than one read block, so the streaming path cuts it into pieces.
        (
            "sms_big",
            &[
                "--format",
                "sms",
                "--size-mb",
                "9",
                "--seed",
                "7",
                "--sms-physical-multiline",
                "0.9",
            ],
        ),
    ];
    for (name, args) in cases {
        let (path, m) = generate(dir.path(), name, args);
        for extra in [&[][..], &["--mmap"][..]] {
            let r = analyze(&path, extra);
            let input = &r["inputs"][0];
            assert_eq!(input["records"], m["entries"], "{name} {extra:?}: records");
            assert_eq!(
                input["unparsed_lines"], 0,
                "{name} {extra:?}: unparsed lines"
            );
            assert_eq!(input["bytes"], m["bytes"], "{name} {extra:?}: bytes");
        }
    }
}

#[test]
fn rolled_folder_is_read_completely() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gen = generator();
    let logs = dir.path().join("logs");
    let manifest = dir.path().join("m.json");
    let status = Proc::new("python3")
        .arg(gen)
        .args([
            "--format",
            "sms",
            "--size-mb",
            "3",
            "--roll-mb",
            "1",
            "--seed",
            "9",
            "--out",
        ])
        .arg(&logs)
        .arg("--manifest")
        .arg(&manifest)
        .status()
        .expect("python3");
    assert!(status.success());
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).expect("m")).expect("json");
    let r = analyze(&logs, &[]);
    let inputs = r["inputs"].as_array().expect("inputs");
    assert!(
        inputs.len() >= 3,
        "expected several rolled files, got {}",
        inputs.len()
    );
    let total: u64 = inputs
        .iter()
        .map(|i| i["records"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(Some(total), m["entries"].as_u64());
    assert!(inputs.iter().all(|i| i["unparsed_lines"] == 0));
}

#[test]
fn chunk_parallel_parsing_gives_the_same_output_as_sequential() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, fmt) in [("p_cm", "cmtrace"), ("p_sms", "sms"), ("p_mixed", "mixed")] {
        let (path, m) = generate(
            dir.path(),
            name,
            &["--format", fmt, "--size-mb", "1", "--seed", "11"],
        );
        let run = |threads: &str| {
            let out = Command::cargo_bin("supdiag")
                .expect("binary")
                .args(["view", "--format", "ndjson"])
                .arg(&path)
                .env("RAYON_NUM_THREADS", threads)
                .env("SUPDIAG_PARALLEL_MIN", "1")
                .output()
                .expect("run");
            assert!(out.status.success());
            out.stdout
        };
        let seq = run("1");
        let par = run("2");
        let lines = par.iter().filter(|&&b| b == b'\n').count() as u64;
        assert_eq!(
            Some(lines),
            m["entries"].as_u64(),
            "{name}: records in parallel view"
        );
        assert!(
            seq == par,
            "{name}: parallel output differs from sequential"
        );
    }
}
