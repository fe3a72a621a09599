//! Embeds the built-in rules and observers: lists `rules/*.toml` and `observers/*.toml` and
//! writes `include_str!` tables to OUT_DIR (the rule files as they are, and without their
//! examples for runs).

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = manifest.join("rules");
    let files = toml_files(&dir);
    let mut out = include_table("rule", "BUILTIN_RULES", &files);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    // The same rules without their `[[example]]` tables (always last in a rule file): what a
    // run reads. Examples are for `rules check` and `rules show`, and were a quarter of the
    // text parsed at every start.
    out.push_str("/// The built-in rule files without their examples: (file name, contents).\n");
    out.push_str("pub static BUILTIN_RULES_LEAN: &[(&str, &str)] = &[\n");
    for f in &files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let lean = match text.find("\n[[example]]") {
            Some(i) => &text[..i + 1],
            None => &text[..],
        };
        let lean_path = out_dir.join(format!("lean-{name}"));
        if let Err(e) = std::fs::write(&lean_path, lean) {
            panic!("cannot write {}: {e}", lean_path.display());
        }
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            lean_path.display().to_string()
        );
    }
    out.push_str("];\n");
    if let Err(e) = std::fs::write(out_dir.join("builtin_rules.rs"), out) {
        panic!("cannot write builtin_rules.rs: {e}");
    }
    observers(&manifest, &out_dir);
}

/// The observer's extractors, `observers/*.toml`, as they are.
fn observers(manifest: &std::path::Path, out_dir: &std::path::Path) {
    println!("cargo:rerun-if-changed=observers");
    let out = include_table(
        "observer",
        "BUILTIN_OBSERVERS",
        &toml_files(&manifest.join("observers")),
    );
    if let Err(e) = std::fs::write(out_dir.join("builtin_observers.rs"), out) {
        panic!("cannot write builtin_observers.rs: {e}");
    }
}

/// The `*.toml` files of `dir`, sorted by name.
fn toml_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// A static `(file name, include_str!(path))` table of `files`.
fn include_table(what: &str, name: &str, files: &[PathBuf]) -> String {
    let mut out = format!("/// Built-in {what} files: (file name, contents), sorted by name.\n");
    let _ = writeln!(out, "pub static {name}: &[(&str, &str)] = &[");
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let file = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    ({file:?}, include_str!({:?})),",
            f.display().to_string()
        );
    }
    out.push_str("];\n");
    out
}
