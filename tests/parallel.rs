//! Parallel reading must not change results: chunks of one file and the rolled files of one log
//! are read into parts in parallel (phase A) and handed on in order; sequence rules, sync/ADR
//! runs and some observed facts depend on order and run over the parts in order (phase B). Every sample folder and generated
//! logs are analysed with one thread and with several threads and small chunks
//! (`SUPDIAG_PARALLEL_MIN`), and the JSON reports must be identical.

use std::path::{Path, PathBuf};
use std::process::Command as Proc;

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// JSON stdout of `supdiag args…` with `threads` rayon threads and chunks from `chunk` bytes.
fn run(args: &[&str], threads: usize, chunk: usize) -> String {
    let out = Command::cargo_bin("supdiag")
        .expect("binary")
        .env("RAYON_NUM_THREADS", threads.to_string())
        .env("SUPDIAG_PARALLEL_MIN", chunk.to_string())
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn assert_same(args: &[&str], chunk: usize) {
    let one = run(args, 1, usize::MAX);
    let parsed: serde_json::Value = serde_json::from_str(&one).expect("json");
    assert!(
        parsed["inputs"].as_array().is_some_and(|a| !a.is_empty()),
        "{args:?}: no inputs"
    );
    for threads in [2, 3] {
        let many = run(args, threads, chunk);
        assert!(
            one == many,
            "{args:?}: {threads} threads and chunks of {chunk} bytes differ from one thread"
        );
    }
}

#[test]
fn sample_folders_give_the_same_report_on_any_thread_count() {
    let samples = root().join("samples");
    let mut n = 0;
    for e in std::fs::read_dir(&samples).expect("samples").flatten() {
        let p = e.path();
        if !p.is_dir() || p.ends_with("settings") || p.ends_with("tools") {
            continue;
        }
        // Pastes are read when named (discovery takes *.log / *.lo_).
        let p = if p.ends_with("pasted") {
            p.join("ticket.txt")
        } else {
            p
        };
        let path = p.display().to_string();
        assert_same(
            &["analyze", "--format", "json", "--fail-on", "never", &path],
            4096,
        );
        n += 1;
    }
    assert!(n >= 10, "sample folders: {n}");
    let history = samples.join("site-history").display().to_string();
    for cmd in ["sync", "report"] {
        assert_same(
            &[
                cmd,
                "--format",
                "json",
                "--now",
                "2026-11-21T12:00:00Z",
                &history,
            ],
            4096,
        );
    }
}

/// The generator lives in the repository (`tools/gen_cmlogs.py`); python3 must be installed.
fn generator() -> PathBuf {
    root().join("tools/gen_cmlogs.py")
}

fn generate(out: &Path, args: &[&str]) {
    let gen = generator();
    let status = Proc::new("python3")
        .arg(gen)
        .args(args)
        .arg("--out")
        .arg(out)
        .status()
        .expect("python3");
    assert!(status.success(), "generator failed: {args:?}");
}

#[test]
fn generated_logs_give_the_same_report_on_any_thread_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = dir.path().join("mixed.log");
    generate(
        &one,
        &["--format", "mixed", "--size-mb", "3", "--seed", "11"],
    );
    let rolled = dir.path().join("rolled");
    generate(
        &rolled,
        &[
            "--format",
            "sms",
            "--size-mb",
            "3",
            "--roll-mb",
            "0.5",
            "--seed",
            "12",
        ],
    );
    for p in [&one, &rolled] {
        let path = p.display().to_string();
        let base = ["analyze", "--format", "json", "--fail-on", "never"];
        assert_same(&[&base[..], &[&path]].concat(), 64 * 1024);
        assert_same(&[&base[..], &["--mmap", &path]].concat(), 64 * 1024);
        assert_same(
            &[
                "sync",
                "--format",
                "json",
                "--now",
                "2026-11-21T12:00:00Z",
                &path,
            ],
            64 * 1024,
        );
    }
}

/// Sequence rules across chunk boundaries: WCM.log with the "assembly missing, then found"
/// sequence (report unmatched) and SUPSetup.log with the benign .NET 2.0 registration failure
/// (report matched: when the all-clear never comes the lines fall back to unclassified).
#[test]
fn sequence_rules_across_chunks_give_the_same_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut wcm = String::from("\u{feff}");
    let mut setup = String::new();
    for i in 0..400u32 {
        let (m, s) = (i / 60 % 60, i % 60);
        let trailer = format!(
            "  $$<SMS_WSUS_CONFIGURATION_MANAGER><11-20-2026 02:{m:02}:{s:02}.000+000><thread=4720 (0x1270)>\r\n"
        );
        let mut lines = vec![
            "Checking for supported version of WSUS (min WSUS 3.0 SP2 + KB2720211 + KB2734608)",
            "Checking runtime v2.0.50727...",
            "Did not find supported version of assembly Microsoft.UpdateServices.Administration.",
            "Checking runtime v4.0.30319...",
        ];
        if i % 3 == 0 {
            lines.push("Supported WSUS version found");
        }
        lines.push("Waiting for changes for 59 minutes");
        for l in lines {
            wcm.push_str(l);
            wcm.push_str(&trailer);
        }
        let at = format!("<11/20/26 03:{m:02}:{s:02}>");
        setup.push_str(&format!("{at} SMSWSUS Setup Started....\r\n"));
        setup.push_str(&format!(
            "{at} CTool::RegisterManagedBinary: Failed to register D:\\SMS\\bin\\x64\\wsusmsp{i}.dll with .Net Fx 2.0\r\n"
        ));
        if i % 4 != 0 {
            setup.push_str(&format!(
                "{at} Registered DLL D:\\SMS\\bin\\x64\\wsusmsp{i}.dll successfully\r\n"
            ));
        }
        setup.push_str(&format!("{at} Installing the SMS_WSUS_CONTROL_MANAGER\r\n"));
    }
    std::fs::write(dir.path().join("WCM.log"), wcm).expect("write");
    std::fs::write(dir.path().join("SUPSetup.log"), setup).expect("write");
    let path = dir.path().display().to_string();
    let args = ["analyze", "--format", "json", "--fail-on", "never", &path];
    let json: serde_json::Value = serde_json::from_str(&run(&args, 1, usize::MAX)).expect("json");
    let count = |id: &str| {
        json["findings"]
            .as_array()
            .and_then(|a| a.iter().find(|f| f["rule_id"] == id))
            .and_then(|f| f["count"].as_u64())
    };
    // 400 scopes, a third of them all-clear: the others are missing-assembly occurrences.
    assert_eq!(count("wcm_wsus_api_missing"), Some(266), "{json:#}");
    assert_eq!(count("supsetup_regasm_net2_benign"), Some(300), "{json:#}");
    assert_same(&args, 2048);
}
