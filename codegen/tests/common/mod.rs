//! What the codegen tests share: two versions of a small declaration, a temporary
//! directory per test, the command's arguments and a run that captures its output.

#![allow(dead_code)]

use codegen::{Args, run};
use ddl::prelude::*;
use std::path::{Path, PathBuf};

pub const USERS: TableRef = TableRef::new("app", "users");
pub const NOTES: TableRef = TableRef::new("app", "notes");

pub fn v1() -> Database {
    Database::new().schema(Schema::new("app")).table(
        Table::new(USERS)
            .column(col("id", INT).identity().primary_key())
            .column(col("email", TEXT).not_null()),
    )
}

pub fn v2() -> Database {
    v1().table(
        Table::new(NOTES)
            .column(col("id", INT).identity().primary_key())
            .column(col("user_id", INT).not_null().references(USERS, "id")),
    )
}

/// An empty directory of this test binary and test.
pub fn temp_dir(name: &str) -> PathBuf {
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("codegen-{binary}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Generation into `migrations`, with the entities and schema pages beside it.
pub fn args_for(migrations: &Path) -> Args {
    Args {
        check: false,
        dir: migrations.to_path_buf(),
        name: None,
        allow_destructive: false,
        new: None,
        no_transaction: false,
        rehash: false,
        fast: false,
        entities: migrations.with_extension("entities"),
        diagrams: migrations.with_extension("diagrams"),
        timings: false,
    }
}

/// Exit code, stdout, stderr.
pub fn exec(args: &Args, db: &Database) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(args, db, &mut out, &mut err).expect("runs");
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}
