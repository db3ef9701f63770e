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
