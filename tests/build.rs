//! Extracts every ```rust and ```sql block of README.md and docs/*.md into
//! `$OUT_DIR/doc_snippets.rs`, so that the `doc_snippets` test compiles each Rust block and
//! applies each declared database and each SQL block to PostgreSQL. A snippet in the docs
//! that stops compiling or applying fails the tests.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"))
        .parent()
        .map(Path::to_path_buf)
        .expect("the workspace root");
    let mut files = vec![root.join("README.md")];
    let docs = root.join("docs");
    println!("cargo:rerun-if-changed={}", docs.display());
    if let Ok(entries) = std::fs::read_dir(&docs) {
        let mut md: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        md.sort();
        files.extend(md);
    }
    let mut out = String::new();
    let mut databases = Vec::new();
    let mut rust_blocks = Vec::new();
    let mut sql = Vec::new();
    let mut fences = Vec::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        let mut block: Option<(String, usize, String)> = None;
        for (i, line) in text.lines().enumerate() {
            match &mut block {
                None => {
                    if let Some(lang) = line.trim_start().strip_prefix("```") {
                        block = Some((lang.trim().to_owned(), i + 1, String::new()));
                    }
                }
                Some((lang, start, body)) => {
                    if line.trim_start().starts_with("```") {
                        let at = format!("{rel}:{start}");
                        fences.push((at.clone(), lang.clone()));
                        if lang == "rust" {
                            let module = format!(
                                "snippet_{}_{start}",
                                rel.to_ascii_lowercase()
                                    .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
                            );
                            let first = body.trim_start();
                            let items = [
                                "use ", "pub ", "fn ", "const ", "static ", "struct ", "enum ",
                                "impl ", "mod ", "#[", "//",
                            ]
                            .iter()
                            .any(|k| first.starts_with(k));
                            let _ = writeln!(
                                out,
                                "#[allow(dead_code, unused_imports, clippy::all)]\npub mod {module} {{\n    use super::fixtures::*;"
                            );
                            if items {
                                let _ = writeln!(out, "{body}");
                            } else {
                                let _ =
                                    writeln!(out, "pub fn snippet() -> impl Sized {{\n{body}}}");
                            }
                            let _ = writeln!(out, "}}");
                            if body.contains("pub fn database() -> Database") {
                                databases.push((at.clone(), module.clone()));
                            }
                            rust_blocks.push(at);
                        } else if lang == "sql" {
                            sql.push((at, body.clone()));
                        }
                        block = None;
                    } else {
                        body.push_str(line);
                        body.push('\n');
                    }
                }
            }
        }
    }
    let _ = writeln!(out, "pub const RUST_BLOCKS: &[&str] = &{rust_blocks:?};");
    let _ = writeln!(out, "pub const FENCES: &[(&str, &str)] = &{fences:?};");
    let _ = writeln!(out, "pub const SQL_BLOCKS: &[(&str, &str)] = &{sql:?};");
    let _ = writeln!(
        out,
        "pub type Declare = fn() -> ddl::model::database::Database;\npub const DATABASES: &[(&str, Declare)] = &[{}];",
        databases
            .iter()
            .map(|(at, m)| format!("({at:?}, {m}::database)"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("doc_snippets.rs");
    std::fs::write(dest, out).expect("writing doc_snippets.rs");
}
