//! `cli verify` on the platform database: clean after `migrate up`; each drift made by hand
//! with psql is reported (exit 2) with SQL that, applied, makes `verify` clean again.

mod common;

use common::*;

fn migrated(name: &str) -> TestDb {
    let db = pgharness::database(name);
    cli_command(&["migrate", "up", "-u", &db.url]).output().map(Run::from).expect("runs").ok();
    db
}

fn verify(db: &TestDb, extra: &[&str]) -> Run {
    let mut args = vec!["verify", "-u", db.url.as_str()];
    args.extend_from_slice(extra);
    cli_command(&args).output().map(Run::from).expect("runs")
}

/// The SQL part of a text report.
fn repair_sql(run: &Run) -> String {
    run.stdout
        .split_once("SQL that brings the database back to the declaration:\n")
        .map(|(_, sql)| sql.to_owned())
        .unwrap_or_default()
}

#[test]
fn verify_is_clean_right_after_migrate_up() {
    let db = migrated("verify_clean");
    let run = verify(&db, &[]).ok();
    assert!(run.stdout.contains("no drift"), "{run}");
    assert!(run.stdout.contains("schemas compared: "), "{run}");
    assert!(!run.stdout.contains("schemactl,"), "{run}");
}

#[test]
fn zz_debug_print() {
    let db = migrated("verify_debug");
    let run = verify(&db, &["--json"]);
    println!("{run}");
    db.exec("ALTER TABLE core.users ADD COLUMN nick text; DROP INDEX core.idx_users_email; ALTER TABLE core.users ALTER COLUMN email DROP NOT NULL");
    let run = verify(&db, &[]);
    println!("{run}");
    println!("{}", repair_sql(&run));
}
