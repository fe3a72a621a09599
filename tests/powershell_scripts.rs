//! The PowerShell scripts supdiag ships (`tools/windows/`) and runs itself (`src/discover/ps/`)
//! parse without a syntax error, by the tree-sitter PowerShell grammar. Windows PowerShell is not
//! available where the tests run, so this is the check that a typo does not reach a server.
#![cfg(not(windows))]

use std::path::{Path, PathBuf};

fn scripts() -> Vec<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["tools/windows", "src/discover/ps"] {
        let rd = std::fs::read_dir(repo.join(dir)).expect("script folder");
        out.extend(
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "ps1")),
        );
    }
    out.sort();
    out
}

/// Where the parse went wrong: (line, column, node kind) of every error or missing node.
fn problems(text: &str) -> Vec<(usize, usize, String)> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("grammar");
    let tree = parser.parse(text, None).expect("parse");
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.is_error() || n.is_missing() {
            let p = n.start_position();
            out.push((p.row + 1, p.column + 1, n.kind().to_string()));
        }
        if n.has_error() {
            stack.extend(n.children(&mut cursor));
        }
    }
    out
}

#[test]
fn every_script_parses() {
    let all = scripts();
    assert!(all.len() >= 4, "{all:?}");
    for p in all {
        let text = std::fs::read_to_string(&p).expect("script text");
        assert_eq!(problems(&text), Vec::new(), "{}", p.display());
    }
}

#[test]
fn the_check_sees_a_syntax_error() {
    let broken = "function F {\n    if ($x -eq 1 {\n        'a'\n    }\n";
    assert!(!problems(broken).is_empty());
    let unclosed = "$a = @{ x = 1\nWrite-Output $a\n";
    assert!(!problems(unclosed).is_empty());
}
