//! The repository stands on its own and its documents match the code: every built-in rule is in
//! the catalogue of docs/domain.md, rule documentation links point to Microsoft or vendor
//! documentation, nothing refers to files outside the repository, the layout sections name every
//! module, and no test skips by returning early.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Files under `dir` (recursively) whose name ends with one of `exts`.
fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, exts, out);
        } else if exts.iter().any(|x| p.to_string_lossy().ends_with(x)) {
            out.push(p);
        }
    }
}

/// `(id, docs)` of every built-in rule file.
fn rules() -> Vec<(String, Vec<String>)> {
    let mut paths = Vec::new();
    files(&repo().join("rules"), &[".toml"], &mut paths);
    paths.sort();
    assert!(paths.len() > 50, "rules/ not found");
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("rule file");
            let t: toml::Table = text
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let id = t
                .get("id")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            let docs = t
                .get("docs")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|d| d.as_str())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            (id, docs)
        })
        .collect()
}

#[test]
fn every_rule_is_in_the_domain_catalogue() {
    let domain = read("docs/domain.md");
    let missing: Vec<String> = rules()
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| !domain.contains(&format!("`{id}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "add these rules to the catalogue in docs/domain.md §C: {missing:?}"
    );
}

/// Rule documentation: Microsoft Learn and support articles, or the vendor knowledge base that
/// the domain reference cites (Patch My PC); never a paste site or a random repository.
#[test]
fn rule_doc_links_point_to_microsoft_or_vendor_documentation() {
    const ALLOWED: &[&str] = &[
        "https://learn.microsoft.com/",
        "https://support.microsoft.com/",
        "https://patchmypc.com/",
        "https://github.com/PatchMyPCTeam/kbs.patchmypc.com/blob/",
    ];
    let mut bad = Vec::new();
    let mut count = 0;
    for (id, docs) in rules() {
        for d in docs {
            count += 1;
            if !ALLOWED.iter().any(|a| d.starts_with(a)) {
                bad.push(format!("{id}: {d}"));
            }
        }
    }
    assert!(count > 50, "{count}");
    assert!(
        bad.is_empty(),
        "links outside the documentation sites: {bad:#?}"
    );
}

/// Nothing in the repository's own files relies on the background folder beside it.
#[test]
fn nothing_refers_to_files_outside_the_repository() {
    // Built at run time so that this file does not match itself.
    let needles = [format!("..{}shared", '/'), format!("/work{}shared", '/')];
    let mut paths = Vec::new();
    for dir in [
        "src", "tests", ".ci", "bench", "benches", "rules", "docs", "samples", "tools",
    ] {
        files(
            &repo().join(dir),
            &[".rs", ".md", ".toml", ".sh", ".py", ".json", "run"],
            &mut paths,
        );
    }
    paths.push(repo().join("README.md"));
    paths.push(repo().join("Cargo.toml"));
    paths.push(repo().join("build.rs"));
    let mut hits = Vec::new();
    for p in &paths {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if needles.iter().any(|x| line.contains(x.as_str())) {
                hits.push(format!("{}:{}", p.display(), n + 1));
            }
        }
    }
    assert!(paths.len() > 100, "{}", paths.len());
    assert!(
        hits.is_empty(),
        "references outside the repository: {hits:#?}"
    );
}

/// The layout sections of README.md and docs/architecture.md name every top-level module.
#[test]
fn layout_sections_name_every_module() {
    let mut entries = Vec::new();
    for e in std::fs::read_dir(repo().join("src"))
        .expect("src")
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        match name.strip_suffix(".rs") {
            Some(stem) if ["lib", "testutil"].contains(&stem) || stem.ends_with("_tests") => {}
            Some(_) => entries.push(name),
            None if e.path().is_dir() => entries.push(format!("{name}/")),
            None => {}
        }
    }
    entries.sort();
    for doc in ["README.md", "docs/architecture.md"] {
        let text = read(doc);
        let start = text
            .find("Layout")
            .unwrap_or_else(|| panic!("{doc}: no Layout section"));
        let section = &text[start..];
        let section = &section[..section[8..].find("\n## ").map_or(section.len(), |i| i + 8)];
        let missing: Vec<&String> = entries
            .iter()
            .filter(|e| !section.contains(e.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "{doc}: the Layout section does not name {missing:?}"
        );
    }
}

/// A test that cannot run is `#[ignore = "reason"]`d or fails; it never returns early with a
/// pass. Flags a bare `return` / `return;` / `return Ok(())` in the body of a `#[test]` function.
#[test]
fn no_test_skips_by_returning_early() {
    let mut paths = Vec::new();
    files(&repo().join("tests"), &[".rs"], &mut paths);
    files(&repo().join("src"), &[".rs"], &mut paths);
    let skip = regex::Regex::new(r"\breturn(\s*;|\s*\}|\s+Ok\(\(\)\)\s*;?)").expect("regex");
    let mut hits = Vec::new();
    for p in &paths {
        let text = std::fs::read_to_string(p).expect("source");
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            if lines[i].trim() != "#[test]" {
                i += 1;
                continue;
            }
            // The body of the test function: from its first `{` to the matching `}`.
            let mut depth = 0i32;
            let mut opened = false;
            let mut j = i + 1;
            while j < lines.len() {
                let l = lines[j];
                if opened && skip.is_match(l) {
                    hits.push(format!("{}:{}: {}", p.display(), j + 1, l.trim()));
                }
                depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
                opened |= l.contains('{');
                if opened && depth <= 0 {
                    break;
                }
                j += 1;
            }
            i = j + 1;
        }
    }
    assert!(paths.len() > 50);
    assert!(hits.is_empty(), "tests that return early: {hits:#?}");
}
