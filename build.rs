//! Embeds the built-in rules: lists `rules/*.toml` and writes `include_str!` tables to OUT_DIR
//! (the files as they are, and without their examples for runs).

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = manifest.join("rules");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from("/// Built-in rule files: (file name, contents), sorted by name.\n");
    out.push_str("pub static BUILTIN_RULES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            f.display().to_string()
        );
    }
    out.push_str("];\n");
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
}
