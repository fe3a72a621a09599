use std::io::Write;
use std::path::Path;

use zip::write::SimpleFileOptions;

use super::*;

/// A zip with `entries` (name, bytes), deflated.
pub fn make_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let f = std::fs::File::create(path).expect("zip file");
    let mut w = zip::ZipWriter::new(f);
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, opts).expect("entry");
        w.write_all(bytes).expect("write");
    }
    w.finish().expect("finish");
}

fn open_test(path: &Path, limits: Limits) -> (Opened, Vec<SourceWarning>) {
    let mut warnings = Vec::new();
    let b = open(path, "b.zip", None, limits, &mut warnings).expect("open");
    (b, warnings)
}

#[test]
fn entries_that_leave_the_folder_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let z = dir.path().join("b.zip");
    make_zip(
        &z,
        &[
            ("../evil.log", b"x"),
            ("/abs.log", b"x"),
            ("C:/win.log", b"x"),
            ("logs/../../up.log", b"x"),
            ("..\\back.log", b"x"),
            ("logs/ads.log:stream", b"x"),
            ("logs/wsyncmgr.log", b"ok"),
        ],
    );
    let (b, warnings) = open_test(&z, Limits::default());
    let refused: Vec<&str> = warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(refused.len(), 6, "{warnings:?}");
    assert!(refused.contains(&"b.zip/../evil.log"));
    assert!(warnings.iter().all(|w| w.message.starts_with("refused")));
    let good = b.root.join("logs").join("wsyncmgr.log");
    assert_eq!(std::fs::read(&good).expect("unpacked"), b"ok");
    // Nothing was written outside the bundle's folder.
    for name in ["evil.log", "abs.log", "win.log", "up.log", "back.log"] {
        assert!(!dir.path().join(name).exists(), "{name}");
        assert!(!b.dir().join(name).exists(), "{name}");
    }
    assert!(!Path::new("/abs.log").exists());
}

#[test]
fn an_entry_that_unpacks_far_beyond_its_size_is_cut() {
    let dir = tempfile::tempdir().expect("tmp");
    let z = dir.path().join("b.zip");
    let zeros = vec![0u8; 4 << 20];
    make_zip(&z, &[("bomb.log", &zeros), ("small.log", b"fine")]);
    let limits = Limits {
        max_ratio: 10,
        ratio_floor: 1 << 10,
        ..Limits::default()
    };
    let (b, warnings) = open_test(&z, limits);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.contains("zip bomb"), "{warnings:?}");
    assert!(!b.root.join("bomb.log").exists());
    assert!(b.root.join("small.log").exists());
}

#[test]
fn the_bundle_total_is_capped() {
    let dir = tempfile::tempdir().expect("tmp");
    let z = dir.path().join("b.zip");
    let data = vec![b'a'; 3000];
    make_zip(&z, &[("a.log", &data), ("b.log", &data), ("c.log", &data)]);
    let limits = Limits {
        max_total: 5000,
        ..Limits::default()
    };
    let (b, warnings) = open_test(&z, limits);
    assert!(b.root.join("a.log").exists());
    assert!(!b.root.join("b.log").exists());
    assert!(
        !b.root.join("c.log").exists(),
        "nothing read past the limit"
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.contains("more than 5000 bytes"));
}

#[test]
fn too_many_entries_and_duplicates_and_nested_bundles_are_warnings() {
    let dir = tempfile::tempdir().expect("tmp");
    let z = dir.path().join("b.zip");
    make_zip(
        &z,
        &[
            ("a.log", b"1"),
            ("A.LOG", b"2"),
            ("inner.zip", b"PK"),
            ("c.log", b"3"),
        ],
    );
    let limits = Limits {
        max_entries: 3,
        ..Limits::default()
    };
    let (b, warnings) = open_test(&z, limits);
    let msgs: Vec<String> = warnings.iter().map(|w| w.message.clone()).collect();
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert!(msgs[0].contains("4 entries; only the first 3"));
    assert!(msgs[1].contains("same name"));
    assert!(msgs[2].contains("bundle inside a bundle"));
    assert!(!b.root.join("c.log").exists());
}

#[test]
fn files_are_shown_inside_the_bundle_until_it_is_dropped() {
    let dir = tempfile::tempdir().expect("tmp");
    let z = dir.path().join("b.zip");
    make_zip(&z, &[("logs/WCM.log", b"x")]);
    let (b, _) = open_test(&z, Limits::default());
    let file = b.root.join("logs").join("WCM.log");
    assert_eq!(shown(&file).as_deref(), Some("b.zip/logs/WCM.log"));
    let tmp = b.dir().to_path_buf();
    drop(b);
    assert_eq!(shown(&file), None);
    assert!(!tmp.exists(), "the unpacked folder is removed");
}

#[test]
fn a_broken_archive_is_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let z = dir.path().join("b.zip");
    std::fs::write(&z, b"PK\x03\x04 not really").expect("write");
    let mut w = Vec::new();
    let e = open(&z, "b.zip", None, Limits::default(), &mut w).expect_err("broken");
    assert!(e.contains("not a readable zip"), "{e}");
}

#[test]
fn a_folder_of_bundles_is_a_fleet_named_by_the_manifests() {
    let dir = tempfile::tempdir().expect("tmp");
    let log = "Sync failed: WSUS server not configured. Source: CWSyncMgr::DoSync  $$<SMS_WSUS_SYNC_MANAGER><06-01-2026 00:00:00.000+480><thread=1 (0x1)>\r\n";
    make_zip(
        &dir.path().join("one.zip"),
        &[
            ("manifest.json", br#"{"host":"CM01"}"#),
            ("logs/configmgr/wsyncmgr.log", log.as_bytes()),
        ],
    );
    make_zip(
        &dir.path().join("two.zip"),
        &[("logs/configmgr/wsyncmgr.log", log.as_bytes())],
    );
    let d = crate::source::discover(&[dir.path().to_path_buf()]);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    let mut hosts: Vec<(Option<String>, String)> = d
        .streams
        .iter()
        .flat_map(|s| s.files.iter())
        .map(|f| (f.host.clone(), f.display.clone()))
        .collect();
    hosts.sort();
    let base = crate::source::display_path(dir.path());
    assert_eq!(
        hosts,
        vec![
            (
                Some("CM01".into()),
                format!("{base}/one.zip/logs/configmgr/wsyncmgr.log")
            ),
            (
                Some("two".into()),
                format!("{base}/two.zip/logs/configmgr/wsyncmgr.log")
            ),
        ]
    );
    assert!(
        d.settings_candidates.is_empty(),
        "the manifest is no settings file"
    );
}

#[test]
fn entry_names() {
    assert_eq!(
        entry_path("a/./b.log"),
        Ok(PathBuf::from("a").join("b.log"))
    );
    assert!(entry_path("").is_err());
    assert!(entry_path("\\\\server\\share\\x.log").is_err());
    assert_eq!(
        safe_host(" CM01.contoso.com "),
        Some("CM01.contoso.com".into())
    );
    assert_eq!(safe_host("../x"), Some("_x".into()));
    assert_eq!(safe_host("..."), None);
}
