//! The schema pages' Mermaid diagrams parse with Mermaid itself (the renderer GitHub uses),
//! for the platform, the fixtures and declarations with hostile names. Needs Node.js; the
//! pinned Mermaid is installed into tests/mermaid/node_modules on first use (`npm ci`).

use ddl::diagram::pages;
use ddl::model::database::Database;
use ddl::prelude::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::path::PathBuf;
use std::process::Command;
use tests::fixtures::{market::market, seed000};
use tests::workspace_root;

#[path = "../../ddl/tests/common/mod.rs"]
mod common;

fn mermaid_dir() -> PathBuf {
    let dir = workspace_root().join("tests/mermaid");
    if !dir.join("node_modules/mermaid").exists() {
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&dir)
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run npm ({e}): install Node.js 18+ and npm (apt-get install nodejs npm)"
                )
            });
        assert!(
            out.status.success(),
            "`npm ci` in {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    dir
}

/// Writes every page of the declarations and parses them all in one Node process.
fn parse_all(dbs: &[(&str, Database)]) -> String {
    let out_dir = std::env::temp_dir().join(format!("diagrams-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    let mut files = Vec::new();
    for (name, db) in dbs {
        for p in pages(db) {
            let f = out_dir.join(name).join(&p.path);
            std::fs::create_dir_all(f.parent().expect("parent")).expect("mkdir");
            std::fs::write(&f, &p.content).expect("write");
            if p.content.contains("```mermaid") {
                files.push(f);
            }
        }
    }
    let dir = mermaid_dir();
    let out = Command::new("node")
        .arg(dir.join("check.mjs"))
        .args(&files)
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node ({e}): install Node.js 18+"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "diagrams that Mermaid cannot parse:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("parsed {}, failed 0", files.len())),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&out_dir);
    stdout
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Two schemas with a foreign key between them, every name taken from `names`.
fn hostile(names: &[String]) -> Database {
    let s1 = leak(names[0].clone());
    let s2 = leak(format!("{}2", names[1]));
    let a = TableRef::new(s1, leak(names[2].clone()));
    let b = TableRef::new(s2, leak(format!("{}b", names[3])));
    let column = names[4].clone();
    Database::new()
        .schema(Schema::new(s1).comment(names[5].clone()))
        .schema(Schema::new(s2))
        .table(
            Table::new(a)
                .column(col("id", INT).primary_key())
                .column(
                    col(
                        column.clone(),
                        ColumnType::Custom {
                            name: "text".into(),
                            extension: None,
                        },
                    )
                    .unique(),
                )
                .comment(names[5].clone()),
        )
        .table(
            Table::new(b)
                .column(col("id", INT).primary_key())
                .column(col(format!("{column}_ref"), INT).references(a, "id")),
        )
}

#[test]
fn every_generated_diagram_parses_with_mermaid() {
    let mut dbs = vec![
        ("platform", schema::database()),
        ("market", market()),
        ("shop", common::shop()),
        ("seed000", seed000::database()),
    ];
    let fixed = [
        vec![
            "we ird",
            "\"q\"",
            "{brace}",
            "a-b",
            "🦀 crab",
            "x|y <b> `c`",
        ],
        vec!["erDiagram", "end", "1st", "--", "PK", "%% comment"],
    ];
    for (i, f) in fixed.iter().enumerate() {
        dbs.push((
            leak(format!("fixed{i}")),
            hostile(&f.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()),
        ));
    }
    // Random names from a fixed seed: the same cases every run.
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let strategy = proptest::collection::vec("[^\\p{Cc}]{1,12}", 6);
    for i in 0..64 {
        let names = strategy.new_tree(&mut runner).expect("names").current();
        dbs.push((leak(format!("random{i}")), hostile(&names)));
    }
    let out = parse_all(&dbs);
    assert!(out.contains("failed 0"), "{out}");
}
