//! `cli import` as a user runs it: files, counts, the leftover report and exit code 2,
//! `--baseline` (the first `migrate up` does nothing), and bad input.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// A scratch directory for one test, removed first so reruns start clean.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cli-import-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn from_script(hint: &str, script: &str) -> TestDb {
    let db = pgharness::database(hint);
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/sql")
        .join(script);
    db.psql_file(&path).expect("the script applies");
    db
}

fn import(db: &TestDb, args: &[&str]) -> Run {
    let mut all = vec!["import", "--database-url", db.url.as_str()];
    all.extend_from_slice(args);
    cli_command(&all)
        .output()
        .expect("the cli binary runs")
        .into()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

#[test]
fn baseline_writes_001_and_the_first_migrate_up_does_nothing() {
    let db = from_script("import_baseline", "saas_app.sql");
    let dir = scratch("baseline");
    let (out, migrations) = (dir.join("schema/src"), dir.join("migrations"));
    let run = import(&db, &["--out", s(&out), "--baseline"]).ok();
    assert!(run.stdout.contains("     3 tables"), "{run}");
    assert!(
        run.stdout.contains("complete: every object was declared"),
        "{run}"
    );
    for f in ["lib.rs", "app.rs"] {
        assert!(out.join(f).exists(), "{f} written: {run}");
    }
    // Default --migrations-dir: next to the crate of --out.
    for f in [
        "001_initial_schema.sql",
        "001_initial_schema.down.sql",
        "schema.snapshot.json",
        "migrations.sum",
    ] {
        assert!(migrations.join(f).exists(), "{f} written: {run}");
    }
    assert_eq!(
        history(&db),
        [("1".to_owned(), "001_initial_schema".to_owned())]
    );
    let up = migrate(&db.url, &["--dir", s(&migrations), "up"]).ok();
    assert_eq!(history(&db).len(), 1, "nothing applied: {up}");
    migrate(&db.url, &["--dir", s(&migrations), "status"]).ok();
    // A second import refuses to overwrite, and names the flag.
    let again = import(&db, &["--out", s(&out)]).code(1);
    assert!(
        again.stderr.contains("--out") && again.stderr.contains("--force"),
        "{again}"
    );
    // A second baseline refuses a database that has history.
    let twice = import(
        &db,
        &[
            "--out",
            s(&out),
            "--force",
            "--baseline",
            "--migrations-dir",
            s(&dir.join("m2")),
        ],
    )
    .code(1);
    assert!(
        twice.stderr.contains("already has 1 applied migration"),
        "{twice}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serial_columns_are_imported_as_serial() {
    let db = from_script("import_rails", "rails_app.sql");
    let dir = scratch("rails");
    let run = import(&db, &["--out", s(&dir)]).code(0);
    assert!(!run.stdout.contains("left out"), "{run}");
    let module = std::fs::read_to_string(dir.join("public.rs")).expect("public.rs");
    assert!(
        module.contains("col(\"id\", BIGINT).serial().primary_key()"),
        "{module}"
    );
    assert!(!module.contains("Sequence::new"), "{module}");
    assert!(
        module.contains("Index::named(\"index_users_on_email\", [\"email\"]).unique()"),
        "{module}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn left_out_objects_are_reported_and_exit_2() {
    let db = pgharness::database("import_leftover");
    db.psql(
        "CREATE TABLE public.parent (id int PRIMARY KEY);
         CREATE TABLE public.child (note text) INHERITS (public.parent);",
    )
    .expect("the script applies");
    let dir = scratch("leftover");
    let run = import(&db, &["--out", s(&dir)]).code(2);
    assert!(
        run.stdout
            .contains("1 object(s) could not be declared and were left out:"),
        "{run}"
    );
    assert!(
        run.stdout
            .contains("  table public.child: inheriting tables are not in the model"),
        "{run}"
    );
    let module = std::fs::read_to_string(dir.join("public.rs")).expect("public.rs");
    assert!(
        module.contains("//! - table public.child: inheriting tables are not in the model"),
        "{module}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_empty_database_writes_nothing() {
    let db = pgharness::database("import_empty");
    let dir = scratch("empty");
    let run = import(&db, &["--out", s(&dir)]).code(1);
    assert!(run.error_line().contains("nothing to import"), "{run}");
    assert!(!dir.exists(), "nothing written");
}

#[test]
fn an_unknown_schema_is_an_error_naming_it() {
    let db = from_script("import_unknown", "django_app.sql");
    let dir = scratch("unknown");
    let run = import(&db, &["--out", s(&dir), "--schema", "public,nope"]).code(1);
    assert!(run.error_line().contains("no schema nope"), "{run}");
    assert!(!dir.exists(), "nothing written");
}

#[test]
fn the_rustfmt_flag_changes_nothing_the_files_are_already_in_its_layout() {
    let db = from_script("import_saas", "saas_app.sql");
    let (plain, formatted) = (scratch("saas-plain"), scratch("saas-rustfmt"));
    import(&db, &["--out", s(&plain)]).ok();
    import(&db, &["--out", s(&formatted), "--rustfmt"]).ok();
    let mut names: Vec<_> = std::fs::read_dir(&plain)
        .expect("written")
        .map(|e| e.expect("entry").file_name())
        .collect();
    names.sort();
    assert!(names.len() > 1, "{names:?}");
    for name in names {
        let a = std::fs::read_to_string(plain.join(&name)).expect("readable");
        let b = std::fs::read_to_string(formatted.join(&name)).expect("--rustfmt wrote it");
        assert!(
            a == b,
            "{name:?}: rustfmt changes it:\n{}",
            import::layout_diff(&a, &b)
        );
    }
    let _ = std::fs::remove_dir_all(&plain);
    let _ = std::fs::remove_dir_all(&formatted);
}
