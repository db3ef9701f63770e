//! Hand-written migrations: `--new` writes a signed empty pair that later generations
//! leave alone, `--rehash` re-signs the chain after an edit of such a file and refuses
//! generated files edited by hand.

use clap::Parser;
mod common;

use codegen::{Args, FAILED, OK, STALE};
use common::{args_for, exec, temp_dir, v1, v2};
use std::path::Path;

fn args(dir: &Path) -> Args {
    args_for(dir)
}

fn check(dir: &Path) -> Args {
    Args {
        check: true,
        ..args(dir)
    }
}

fn new(dir: &Path, name: &str) -> Args {
    Args {
        new: Some(name.into()),
        ..args(dir)
    }
}

fn rehash(dir: &Path) -> Args {
    Args {
        rehash: true,
        ..args(dir)
    }
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

const BACKFILL: &str = "UPDATE app.users SET email = lower(email) WHERE email <> lower(email);\n";

#[test]
fn new_writes_an_empty_signed_pair_and_leaves_the_snapshot_alone() {
    let dir = temp_dir("new");
    exec(&args(&dir), &v1());
    let snapshot = read(&dir, "schema.snapshot.json");
    let (code, out, err) = exec(&new(&dir, "lowercase_emails"), &v1());
    assert_eq!(code, OK, "{err}");
    assert!(out.contains("002_lowercase_emails.sql"), "{out}");
    let up = read(&dir, "002_lowercase_emails.sql");
    let down = read(&dir, "002_lowercase_emails.down.sql");
    for text in [&up, &down] {
        assert!(
            text.starts_with("-- hand-written migration: 002_lowercase_emails"),
            "{text}"
        );
        assert!(text.contains("cargo run -p codegen -- --rehash"), "{text}");
        assert!(!text.contains("@transaction"), "{text}");
    }
    assert_eq!(read(&dir, "schema.snapshot.json"), snapshot);
    // The newest migration is hand-written, and the check still vouches for the snapshot.
    let (code, _, err) = exec(&check(&dir), &v1());
    assert_eq!(code, OK, "{err}");
}

#[test]
fn no_transaction_marks_both_files_for_the_runner() {
    let dir = temp_dir("notx");
    exec(&args(&dir), &v1());
    let mut a = new(&dir, "index_emails");
    a.no_transaction = true;
    assert_eq!(exec(&a, &v1()).0, OK);
    for name in ["002_index_emails.sql", "002_index_emails.down.sql"] {
        assert!(
            read(&dir, name).contains("\n-- @transaction: none\n"),
            "{name}"
        );
    }
    assert!(Args::try_parse_from(["codegen", "--no-transaction"]).is_err());
    assert!(Args::try_parse_from(["codegen", "--new", "x", "--check"]).is_err());
}

#[test]
fn an_edited_hand_written_file_is_refused_until_rehashed_and_then_kept_by_later_generations() {
    let dir = temp_dir("edit");
    exec(&args(&dir), &v1());
    exec(&new(&dir, "lowercase_emails"), &v1());
    let up = format!("{}{BACKFILL}", read(&dir, "002_lowercase_emails.sql"));
    write(&dir, "002_lowercase_emails.sql", &up);

    let (code, _, err) = exec(&check(&dir), &v1());
    assert_eq!(code, STALE);
    assert!(err.contains("002_lowercase_emails.sql was edited"), "{err}");
    assert_eq!(
        exec(&args(&dir), &v2()).0,
        FAILED,
        "no generation over an unsigned edit"
    );

    let (code, out, err) = exec(&rehash(&dir), &v1());
    assert_eq!(code, OK, "{err}");
    assert!(
        out.contains("signed 002_lowercase_emails.sql (edited)"),
        "{out}"
    );
    assert_eq!(exec(&check(&dir), &v1()).0, OK);

    let (code, out, err) = exec(&args(&dir), &v2());
    assert_eq!(code, OK, "{out}{err}");
    assert!(out.contains("003_add_notes.sql"), "{out}");
    assert_eq!(
        read(&dir, "002_lowercase_emails.sql"),
        up,
        "codegen rewrote a hand-written file"
    );
    assert_eq!(exec(&check(&dir), &v2()).0, OK);
}

#[test]
fn rehash_refuses_a_generated_file_edited_by_hand() {
    let dir = temp_dir("generated");
    exec(&args(&dir), &v1());
    let sum = read(&dir, "migrations.sum");
    let up = read(&dir, "001_initial_schema.sql");
    write(
        &dir,
        "001_initial_schema.sql",
        &up.replace("email text NOT NULL", "email text"),
    );
    let (code, _, err) = exec(&rehash(&dir), &v1());
    assert_eq!(code, FAILED);
    assert!(
        err.contains("001_initial_schema.sql carries the @generated header"),
        "{err}"
    );
    assert_eq!(read(&dir, "migrations.sum"), sum, "nothing may be written");
}

#[test]
fn rehash_regenerates_a_deleted_sum_and_warns_that_it_could_not_verify() {
    let dir = temp_dir("lost_sum");
    exec(&args(&dir), &v1());
    let sum = read(&dir, "migrations.sum");
    std::fs::remove_file(dir.join("migrations.sum")).expect("rm");
    let (code, _, err) = exec(&check(&dir), &v1());
    assert_eq!(code, STALE);
    assert!(err.contains("--rehash"), "{err}");
    let (code, _, err) = exec(&rehash(&dir), &v1());
    assert_eq!(code, OK, "{err}");
    assert!(err.contains("warning:"), "{err}");
    assert_eq!(read(&dir, "migrations.sum"), sum);
}

#[test]
fn a_hand_written_file_without_a_snapshot_line_defers_to_the_migration_before_it() {
    let dir = temp_dir("no_snapshot_line");
    exec(&args(&dir), &v1());
    exec(&new(&dir, "backfill"), &v1());
    let up: String = read(&dir, "002_backfill.sql")
        .lines()
        .filter(|l| !l.starts_with("-- snapshot:"))
        .map(|l| format!("{l}\n"))
        .collect();
    write(&dir, "002_backfill.sql", &format!("{up}{BACKFILL}"));
    assert_eq!(exec(&rehash(&dir), &v1()).0, OK);
    assert_eq!(exec(&check(&dir), &v1()).0, OK);
    let snap = read(&dir, "schema.snapshot.json");
    write(
        &dir,
        "schema.snapshot.json",
        &snap.replace("\"email\"", "\"mail\""),
    );
    let (code, _, err) = exec(&check(&dir), &v1());
    assert_eq!(code, STALE);
    assert!(err.contains("error[snapshot-edited]"), "{err}");
}
