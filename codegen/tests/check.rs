//! The codegen command end to end on temporary directories: exit codes of `--check`
//! (0 current, 2 stale or edited, 1 invalid or cyclic), atomic writes, the destructive gate.

mod common;

use codegen::{Args, FAILED, OK, STALE};
use common::{NOTES, USERS, args_for, exec, temp_dir, v1, v2};

const GHOST: TableRef = TableRef::new("app", "ghost");
use ddl::prelude::*;
use std::path::Path;

fn args(dir: &Path, check: bool) -> Args {
    Args {
        check,
        ..args_for(dir)
    }
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

#[test]
fn check_of_a_directory_without_migrations_is_stale_and_shows_the_sql() {
    let dir = temp_dir("stale");
    let (code, _, err) = exec(&args(&dir, true), &v1());
    assert_eq!(code, STALE);
    assert!(err.contains("would write"), "{err}");
    assert!(err.contains("CREATE TABLE app.users ("), "{err}");
    assert!(err.contains("run `cargo run -p codegen`"), "{err}");
    assert!(files(&dir).is_empty(), "--check writes nothing");
}

#[test]
fn generating_then_checking_is_current_and_a_second_run_writes_nothing() {
    let dir = temp_dir("current");
    let (code, out, _) = exec(&args(&dir, false), &v1());
    assert_eq!(code, OK);
    assert!(out.contains("+ table app.users"), "{out}");
    assert_eq!(
        files(&dir),
        [
            "001_initial_schema.down.sql",
            "001_initial_schema.sql",
            "migrations.sum",
            "schema.snapshot.json"
        ]
    );
    assert_eq!(exec(&args(&dir, true), &v1()).0, OK);
    let (code, out, _) = exec(&args(&dir, false), &v1());
    assert_eq!(code, OK);
    assert!(out.contains("up to date"), "{out}");
    assert_eq!(files(&dir).len(), 4);
}

#[test]
fn a_later_change_becomes_migration_002_and_check_then_passes() {
    let dir = temp_dir("second");
    exec(&args(&dir, false), &v1());
    assert_eq!(exec(&args(&dir, true), &v2()).0, STALE);
    let (code, out, _) = exec(&args(&dir, false), &v2());
    assert_eq!(code, OK, "{out}");
    assert!(
        files(&dir).contains(&"002_add_notes.sql".to_owned()),
        "{:?}",
        files(&dir)
    );
    assert_eq!(exec(&args(&dir, true), &v2()).0, OK);
}

#[test]
fn an_edited_migration_is_reported_by_name_and_blocks_generation() {
    let dir = temp_dir("edited");
    exec(&args(&dir, false), &v1());
    let up = dir.join("001_initial_schema.sql");
    let text = std::fs::read_to_string(&up).expect("up file");
    std::fs::write(&up, text.replace("email text NOT NULL", "email text")).expect("edit");
    let (code, _, err) = exec(&args(&dir, true), &v1());
    assert_eq!(code, STALE);
    assert!(err.contains("001_initial_schema.sql was edited"), "{err}");
    let (code, _, err) = exec(&args(&dir, false), &v2());
    assert_eq!(code, FAILED, "no new migration over an edited one: {err}");
    assert_eq!(files(&dir).len(), 4);
}

/// Every file of a directory with its contents, to prove nothing was written.
fn contents(dir: &Path) -> Vec<(String, String)> {
    files(dir)
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(dir.join(&n)).expect("read");
            (n, text)
        })
        .collect()
}

#[test]
fn an_edited_snapshot_stops_check_with_the_restore_command_and_no_sql() {
    let dir = temp_dir("snapshot");
    exec(&args(&dir, false), &v1());
    let snap = dir.join("schema.snapshot.json");
    let text = std::fs::read_to_string(&snap).expect("snapshot");
    std::fs::write(&snap, text.replace("\"email\"", "\"mail\"")).expect("edit");
    let (code, _, err) = exec(&args(&dir, true), &v1());
    assert_eq!(code, STALE, "{err}");
    assert!(err.contains("error[snapshot-edited]"), "{err}");
    assert!(
        err.contains("schema.snapshot.json is not the snapshot 001_initial_schema.sql"),
        "{err}"
    );
    assert!(
        err.contains("git checkout migrations/schema.snapshot.json"),
        "{err}"
    );
    // Nothing planned from the tampered file, and no command that would then refuse.
    assert!(!err.contains("ALTER TABLE"), "{err}");
    assert!(!err.contains("would write"), "{err}");
    assert!(!err.contains("run `cargo run -p codegen`"), "{err}");
}

#[test]
fn an_edited_snapshot_stops_generation_with_exit_1_and_writes_nothing() {
    let dir = temp_dir("snapshot_gen");
    exec(&args(&dir, false), &v1());
    let snap = dir.join("schema.snapshot.json");
    let text = std::fs::read_to_string(&snap).expect("snapshot");
    std::fs::write(&snap, text.replace("\"email\"", "\"mail\"")).expect("edit");
    let before = contents(&dir);
    let (code, out, err) = exec(&args(&dir, false), &v2());
    assert_eq!(code, FAILED, "{out}{err}");
    assert!(err.contains("error[snapshot-edited]"), "{err}");
    assert_eq!(contents(&dir), before, "nothing may be written");
}

#[test]
fn a_corrupt_snapshot_is_snapshot_invalid_not_unsupported_change() {
    let dir = temp_dir("snapshot_corrupt");
    exec(&args(&dir, false), &v1());
    std::fs::write(dir.join("schema.snapshot.json"), "{ \"database\": [oops").expect("corrupt");
    let before = contents(&dir);
    let (code, _, err) = exec(&args(&dir, false), &v2());
    assert_eq!(code, FAILED, "{err}");
    assert!(err.contains("error[snapshot-invalid]"), "{err}");
    assert!(!err.contains("unsupported-change"), "{err}");
    assert_eq!(contents(&dir), before);
    let (code, _, err) = exec(&args(&dir, true), &v2());
    assert_eq!(code, STALE, "{err}");
    assert!(err.contains("error[snapshot-invalid]"), "{err}");
    assert!(
        err.contains("git checkout migrations/schema.snapshot.json"),
        "{err}"
    );
    assert!(!err.contains("CREATE TABLE"), "{err}");
}

#[test]
fn a_one_statement_migration_says_statement_in_the_singular() {
    let dir = temp_dir("singular");
    exec(&args(&dir, false), &v1());
    let (code, out, _) = exec(&args(&dir, false), &v2());
    assert_eq!(code, OK);
    assert!(out.contains("002_add_notes.sql (1 statement)"), "{out}");
    assert!(out.contains("1 schema, 0 types"), "{out}");
    assert!(
        !out.contains("1 statements") && !out.contains("1 schemas"),
        "{out}"
    );
}

#[test]
fn an_invalid_declaration_exits_1_and_writes_nothing() {
    let dir = temp_dir("invalid");
    let bad = v1().table(
        Table::new(NOTES)
            .column(col("id", INT).primary_key())
            .column(col("ghost_id", INT).references(GHOST, "id")),
    );
    for check in [false, true] {
        let (code, _, err) = exec(&args(&dir, check), &bad);
        assert_eq!(code, FAILED);
        assert!(err.contains("error[fk-unknown-table]"), "{err}");
        assert!(
            err.contains("codegen/tests/check.rs:"),
            "names the declaration: {err}"
        );
        assert!(err.contains("nothing was written"), "{err}");
    }
    assert!(files(&dir).is_empty());
}

#[test]
fn a_cycle_exits_1_with_the_whole_path() {
    let dir = temp_dir("cycle");
    let cyclic = v1()
        .table(
            Table::new(NOTES)
                .column(col("id", INT).primary_key())
                .column(col("user_id", INT).references(USERS, "id")),
        )
        .table(
            Table::new(GHOST)
                .column(col("id", INT).primary_key())
                .column(col("note_id", INT).references(NOTES, "id")),
        );
    let mut users = cyclic.clone();
    users.tables[0] = users.tables[0]
        .clone()
        .column(col("ghost_id", INT).references(GHOST, "id"));
    let (code, _, err) = exec(&args(&dir, true), &users);
    assert_eq!(code, FAILED);
    assert!(err.contains("error[dependency-cycle]"), "{err}");
    assert!(
        err.contains("app.ghost.note_id -> app.notes, app.notes.user_id -> app.users, app.users.ghost_id -> app.ghost"),
        "{err}"
    );
    assert!(files(&dir).is_empty());
}

#[test]
fn dropping_a_table_needs_allow_destructive() {
    let dir = temp_dir("destructive");
    exec(&args(&dir, false), &v2());
    let (code, _, err) = exec(&args(&dir, false), &v1());
    assert_eq!(code, FAILED);
    assert!(
        err.contains("loses data") && err.contains("table app.notes"),
        "{err}"
    );
    assert_eq!(files(&dir).len(), 4, "nothing written");
    let mut allow = args(&dir, false);
    allow.allow_destructive = true;
    allow.name = Some("drop_notes".into());
    assert_eq!(exec(&allow, &v1()).0, OK);
    let up = std::fs::read_to_string(dir.join("002_drop_notes.sql")).expect("written");
    assert!(
        up.contains("-- table: app.notes (destructive: loses data)\n-- lock: ACCESS EXCLUSIVE on app.notes (rewrite: no)\nDROP TABLE app.notes;"),
        "{up}"
    );
}

#[test]
fn the_committed_platform_migrations_are_current() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_codegen"))
        .arg("--check")
        .output()
        .expect("runs codegen");
    assert!(
        out.status.success(),
        "cargo run -p codegen -- --check failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_binary_exits_2_on_a_directory_without_migrations() {
    let dir = temp_dir("binary");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(["--check", "--dir"])
        .arg(&dir)
        .output()
        .expect("runs codegen");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_generated_files_are_marked_linguist_generated() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../.gitattributes");
    let text = std::fs::read_to_string(path).expect(".gitattributes at the repository root");
    for pattern in [
        "migrations/*.sql",
        "migrations/schema.snapshot.json",
        "migrations/migrations.sum",
        "entities/**",
    ] {
        assert!(
            text.lines().any(|l| {
                let mut words = l.split_whitespace();
                words.next() == Some(pattern) && words.any(|w| w == "linguist-generated=true")
            }),
            "{pattern} is not marked linguist-generated=true in .gitattributes"
        );
    }
}
