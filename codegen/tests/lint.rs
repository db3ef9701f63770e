//! codegen runs the lint rules on what it writes: a reviewer sees a dangerous step in the
//! command's output, before CI runs `cli lint`.

use codegen::{Args, OK, run};
use ddl::prelude::*;
use std::path::{Path, PathBuf};

const USERS: TableRef = TableRef::new("app", "users");

fn v1() -> Database {
    Database::new().schema(Schema::new("app")).table(
        Table::new(USERS)
            .column(col("id", INT).identity().primary_key())
            .column(col("email", TEXT).not_null())
            .column(col("note", TEXT)),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("codegen-lint-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn args(dir: &Path) -> Args {
    Args {
        check: false,
        dir: dir.join("migrations"),
        name: None,
        allow_destructive: true,
        new: None,
        no_transaction: false,
        rehash: false,
        fast: false,
        entities: dir.join("entities/src"),
        diagrams: dir.join("docs/schema"),
        timings: false,
    }
}

fn exec(args: &Args, db: &Database) -> (u8, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(args, db, &mut out, &mut err).expect("runs");
    (code, String::from_utf8_lossy(&out).into_owned())
}

#[test]
fn a_generated_step_that_loses_data_is_reported_by_the_lint_rules() {
    let dir = temp_dir("drop");
    assert_eq!(exec(&args(&dir), &v1()).0, OK);
    let mut v2 = v1();
    v2.tables[0].columns.retain(|c| c.name != "note");
    let (code, out) = exec(&args(&dir), &v2);
    assert_eq!(code, OK);
    assert!(out.contains("lint (docs/lint.md):"), "{out}");
    assert!(out.contains("dropping-column"), "{out}");
}

#[test]
fn the_first_migration_of_new_tables_gives_no_lint_error() {
    let dir = temp_dir("first");
    let (code, out) = exec(&args(&dir), &v1());
    assert_eq!(code, OK);
    assert!(!out.contains("error["), "{out}");
}

/// v1 plus `n` tables whose foreign key to users has no index (a warning each).
fn with_children(n: usize) -> Database {
    let mut db = v1();
    for i in 0..n {
        let t: &'static str = Box::leak(format!("child_{i:02}").into_boxed_str());
        db = db.table(
            Table::new(TableRef::new("app", t))
                .column(col("id", INT).identity().primary_key())
                .column(col("user_id", INT).references(USERS, "id")),
        );
    }
    db
}

#[test]
fn findings_are_the_same_whether_earlier_migrations_come_from_the_cache_or_are_parsed() {
    let mut outputs = Vec::new();
    for cache in ["kept", "removed", "damaged"] {
        let dir = temp_dir(&format!("cache-{cache}"));
        let a = args(&dir);
        assert_eq!(exec(&a, &with_children(1)).0, OK);
        let files = codegen::lint_new::Cache::of(&a.dir)
            .expect("a cache location")
            .files();
        // Of nothing (a fresh directory) and of 001.
        assert_eq!(
            files.len(),
            2,
            "the first run leaves its checkpoints: {files:?}"
        );
        for f in &files {
            match cache {
                "removed" => std::fs::remove_file(f).expect("remove"),
                "damaged" => std::fs::write(f, "not a checkpoint").expect("write"),
                _ => {}
            }
        }
        // 002 drops a column and adds two unindexed foreign keys; the index-free FK of
        // 001 must not be reported again (it is not in the new file).
        let mut v2 = with_children(3);
        v2.tables[0].columns.retain(|c| c.name != "note");
        let (code, out) = exec(&a, &v2);
        assert_eq!(code, OK);
        let lint = out[out.find("lint (docs/lint.md):").expect("lint output")..].to_owned();
        assert!(lint.contains("dropping-column"), "{lint}");
        assert_eq!(
            lint.matches("warning[fk-without-index]").count(),
            2,
            "{lint}"
        );
        if cache == "kept" {
            // The checkpoint resumed from stays, for a regeneration of 002; the new one
            // is for 003.
            let kept = codegen::lint_new::Cache::of(&a.dir).expect("cache").files();
            assert_eq!(kept.len(), 2, "{kept:?}");
        }
        outputs.push(lint.replace(&dir.display().to_string(), "DIR"));
    }
    assert_eq!(outputs[0], outputs[1], "cache kept vs removed");
    assert_eq!(outputs[0], outputs[2], "cache kept vs damaged");
}

#[test]
fn many_findings_are_shown_up_to_twenty_then_counted_by_code() {
    let dir = temp_dir("many");
    let (code, out) = exec(&args(&dir), &with_children(30));
    assert_eq!(code, OK);
    assert_eq!(
        out.matches("warning[fk-without-index]").count(),
        20,
        "{out}"
    );
    assert!(
        out.contains("... and 10 more (fk-without-index x10)"),
        "{out}"
    );
    assert!(out.contains("lint: 0 errors, 30 warnings"), "{out}");
}

#[test]
fn checkpoints_unused_for_a_week_are_pruned_and_others_kept() {
    let dir = temp_dir("prune");
    let a = args(&dir);
    let root = std::env::temp_dir().join(format!("codegen-cache-{}", std::process::id()));
    std::fs::create_dir_all(&a.dir).expect("migrations dir");
    let cache = codegen::lint_new::Cache::at(&root, &a.dir).expect("a cache");
    std::fs::create_dir_all(&root).expect("root");
    let old = root.join("lint-0000000000000000-0000000000000000.json");
    let recent = root.join("lint-1111111111111111-1111111111111111.json");
    let other = root.join("notes.txt");
    for f in [&old, &recent, &other] {
        std::fs::write(f, "x").expect("write");
    }
    let week_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(8 * 24 * 3600);
    for f in [&old, &other] {
        std::fs::File::options()
            .append(true)
            .open(f)
            .and_then(|h| h.set_modified(week_ago))
            .expect("set mtime");
    }
    let key = "k".repeat(64);
    cache.store(&key, "{}", &key);
    assert!(!old.exists(), "a week-old checkpoint is pruned");
    assert!(recent.exists(), "a recent one is kept");
    assert!(
        other.exists(),
        "files that are not checkpoints are left alone"
    );
    assert_eq!(cache.files().len(), 1, "the new checkpoint is there");
}
