//! Golden entity files: what the entity writer produces for the fixtures is committed and
//! compared byte for byte. The `market` fixture's files are the `fixture-entities` crate,
//! which the workspace compiles and the PostgreSQL tests use; the `shop` (every object
//! kind) and seed-000 files are kept as text. `UPDATE_GOLDEN=1` rewrites them after a
//! deliberate change of the writer; review the diff.

use ddl::entity::files;
use ddl::model::database::Database;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tests::fixtures::{market::market, seed000};
use tests::workspace_root;

#[path = "../../ddl/tests/common/mod.rs"]
mod common;

fn on_disk(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&p).unwrap_or_default());
            }
        }
    }
    out
}

fn check(db: &Database, dir: PathBuf) {
    let want: BTreeMap<String, String> =
        files(db).into_iter().map(|f| (f.path, f.content)).collect();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        for (rel, text) in &want {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().expect("a file has a parent")).expect("mkdir");
            std::fs::write(&p, text).expect("write");
        }
    }
    let got = on_disk(&dir);
    let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{}: missing {missing:?}, extra {extra:?}",
        dir.display()
    );
    for (rel, text) in &want {
        assert!(
            got[rel] == *text,
            "{}/{rel} differs from the writer's output; rerun with UPDATE_GOLDEN=1 if the change is intended",
            dir.display()
        );
    }
}

#[test]
fn the_market_fixture_entities_crate_is_what_the_writer_produces() {
    check(
        &market(),
        workspace_root().join("tests/fixture-entities/src"),
    );
}

#[test]
fn the_every_object_kind_fixture_entities_match_the_golden_files() {
    check(
        &common::shop(),
        workspace_root().join("tests/golden/entities/shop"),
    );
}

#[test]
fn the_seed_000_entities_match_the_golden_files() {
    check(
        &seed000::database(),
        workspace_root().join("tests/golden/entities/seed000"),
    );
}
