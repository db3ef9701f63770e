//! Shared pieces of the integration tests: fixtures, applying generated migrations to a
//! test database, and comparing PostgreSQL's catalogs with a declaration.

pub mod catalog;
pub mod catalog_types;
pub mod fixtures;

use ddl::migration::{Existing, Generated, Outcome, next_migration};
use ddl::model::database::Database;
use pgharness::TestDb;
use std::path::PathBuf;

/// The workspace root (the directory with the top-level Cargo.toml).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// The first migration of a declaration, as `cargo run -p codegen` would write it.
///
/// # Panics
/// When the declaration is invalid, with the diagnostics.
#[track_caller]
pub fn first_migration(db: &Database) -> Generated {
    migration_from(&Existing::default(), db)
}

/// The next migration after the state `existing` describes.
#[track_caller]
pub fn migration_from(existing: &Existing, db: &Database) -> Generated {
    match next_migration(existing, db, None) {
        Ok(Outcome::New(g)) => *g,
        Ok(Outcome::UpToDate) => panic!("expected changes, got none"),
        Err(d) => panic!("declaration is invalid:\n{d}"),
    }
}

/// Applies a generated migration as the runner would: the main file in one transaction,
/// then its follow-up (concurrent index builds, validations, backfills) statement by
/// statement outside a transaction.
#[track_caller]
pub fn apply_step(db: &TestDb, m: &Generated) {
    apply_ok(db, &m.up);
    if let Some(f) = &m.follow_up {
        apply_each_ok(db, &f.up);
    }
}

/// Rolls a generated migration back: the follow-up's down file first, then the main one.
#[track_caller]
pub fn rollback_step(db: &TestDb, m: &Generated) {
    if let Some(f) = &m.follow_up {
        apply_each_ok(db, &f.down);
    }
    apply_ok(db, &m.down);
}

/// The migration files a generated migration adds to the directory.
pub fn step_files(m: &Generated) -> Vec<(String, String)> {
    let mut out = vec![(m.up_file(), m.up.clone()), (m.down_file(), m.down.clone())];
    if let Some(f) = &m.follow_up {
        out.push((f.up_file(), f.up.clone()));
        out.push((f.down_file(), f.down.clone()));
    }
    out
}

/// The migrations directory right after generating `m` on top of an empty one.
pub fn existing_after(m: &Generated) -> Existing {
    Existing {
        files: step_files(m),
        snapshot: Some(m.snapshot.clone()),
        sum: Some(m.sum.clone()),
    }
}

/// Applies SQL in one transaction, as `psql -1 -f` does.
pub fn apply(db: &TestDb, sql: &str) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("schema-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join(format!("{}.sql", db.name));
    std::fs::write(&file, sql).map_err(|e| e.to_string())?;
    let res = db.psql_file(&file).map(|_| ());
    let _ = std::fs::remove_file(&file);
    res
}

/// Applies SQL statement by statement in autocommit, stopping at the first error
/// (`psql -v ON_ERROR_STOP=1 -f`, without `-1`): every statement before a failing one
/// stays applied, so an ordering error cannot hide behind a rolled-back transaction.
pub fn apply_each(db: &TestDb, sql: &str) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("schema-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join(format!("{}-each.sql", db.name));
    std::fs::write(&file, sql).map_err(|e| e.to_string())?;
    let out = std::process::Command::new(pgharness::server().program("psql"))
        .args(["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d"])
        .arg(&db.url)
        .arg("-f")
        .arg(&file)
        .output()
        .map_err(|e| format!("cannot run psql: {e}"));
    let _ = std::fs::remove_file(&file);
    let out = out?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

/// [`apply_each`], panicking with PostgreSQL's message.
#[track_caller]
pub fn apply_each_ok(db: &TestDb, sql: &str) {
    if let Err(e) = apply_each(db, sql) {
        panic!(
            "statement by statement, a migration failed on {}: {e}",
            db.name
        );
    }
}

/// Applies SQL, panicking with PostgreSQL's message.
#[track_caller]
pub fn apply_ok(db: &TestDb, sql: &str) {
    if let Err(e) = apply(db, sql) {
        panic!("migration failed on {}: {e}", db.name);
    }
}

/// Objects a migration could have left behind: everything outside the system schemas,
/// plus extensions other than plpgsql. Empty for a fresh database.
pub fn leftovers(db: &TestDb) -> Vec<String> {
    db.rows(
        "SELECT 'schema ' || nspname FROM pg_namespace
           WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public', 'pg_toast')
             AND nspname NOT LIKE 'pg_temp_%' AND nspname NOT LIKE 'pg_toast_temp_%'
         UNION ALL
         SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql'
         UNION ALL
         SELECT 'relation ' || c.oid::regclass::text FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
         UNION ALL
         SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p
           JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
         UNION ALL
         SELECT 'type ' || t.oid::regtype::text FROM pg_type t
           JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE n.nspname = 'public' AND t.typtype IN ('e', 'c', 'd') AND t.typrelid = 0
         ORDER BY 1",
    )
    .into_iter()
    .map(|r| r.join("|"))
    .collect()
}
