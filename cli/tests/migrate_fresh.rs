//! `cli migrate fresh`: rolls back with the down files and applies everything again,
//! never taking objects the migrations did not create unless told `--force`, and never
//! without a confirmation.

mod common;

use common::*;

#[test]
fn fresh_rolls_back_with_the_down_files_and_applies_everything_again() {
    let db = pgharness::database("fresh_rollback");
    let fx = Fixture::new(&sample_files());
    migrate_dir(&db.url, &fx, &["up"]).ok();
    let clean = db.schema_dump();
    let run = migrate_dir(&db.url, &fx, &["fresh", "--yes"]).ok();
    for object in [
        "dropped table billing.invoices",
        "dropped schema billing",
        "dropped table core.users",
        "dropped type core.user_status",
        "dropped function core.touch()",
        "dropped schema core",
    ] {
        assert!(
            run.stdout.lines().any(|l| l == object),
            "missing `{object}`\n{run}"
        );
    }
    assert!(
        !run.stdout.contains("column "),
        "parts of a dropped table are not listed one by one\n{run}"
    );
    assert!(
        run.stdout.contains("fresh: 3 migrations rolled back"),
        "{run}"
    );
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("applied "))
            .count(),
        3,
        "{run}"
    );
    assert_eq!(db.schema_dump(), clean);
    assert_eq!(history(&db).len(), 3);
}

/// The objects of issue 6: a view, a foreign key into a managed table, a column of a
/// managed enum type in a schema of its own, and a table of `public`.
fn build_on_top(db: &TestDb) {
    db.exec(
        "CREATE VIEW public.active_users AS SELECT id FROM core.users; \
         CREATE SCHEMA other; \
         CREATE TABLE other.orders (id int PRIMARY KEY, user_id bigint REFERENCES core.users (id)); \
         CREATE TABLE other.people (id int, status core.user_status); \
         CREATE TABLE public.keep (x int); INSERT INTO public.keep VALUES (1); \
         INSERT INTO other.orders VALUES (7, NULL)",
    );
}

#[test]
fn fresh_refuses_to_drop_objects_the_migrations_did_not_create_and_changes_nothing() {
    let db = pgharness::database("fresh_refuses");
    let fx = Fixture::new(&sample_files());
    migrate_dir(&db.url, &fx, &["up"]).ok();
    build_on_top(&db);
    let before = db.schema_dump();
    let hist = history(&db);

    let run = migrate_dir(&db.url, &fx, &["fresh", "--yes"]).code(1);
    let line = run.error_line();
    for object in [
        "view public.active_users",
        "constraint orders_user_id_fkey on table other.orders",
        "column status of table other.people",
    ] {
        assert!(line.contains(object), "`{object}` not named\n{run}");
    }
    assert!(
        !line.contains("keep"),
        "public.keep depends on nothing of theirs\n{run}"
    );
    assert!(line.contains("nothing was changed"), "{run}");
    assert!(line.contains("--force"), "{run}");
    assert_eq!(
        db.schema_dump(),
        before,
        "a refused fresh changed the database"
    );
    assert_eq!(history(&db), hist);

    // The dry run says the same without a lock or a change.
    let dry = migrate_dir(&db.url, &fx, &["fresh", "--dry-run"]).ok();
    assert!(
        dry.stdout.contains("--   view public.active_users"),
        "{dry}"
    );
    assert_eq!(db.schema_dump(), before);
}

#[test]
fn fresh_with_force_drops_the_extra_objects_and_lists_each() {
    let db = pgharness::database("fresh_force");
    let fx = Fixture::new(&sample_files());
    migrate_dir(&db.url, &fx, &["up"]).ok();
    build_on_top(&db);

    let run = migrate_dir(&db.url, &fx, &["fresh", "--yes", "--force"]).ok();
    for object in [
        "view public.active_users",
        "constraint orders_user_id_fkey on table other.orders",
        "column status of table other.people",
    ] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l == format!("dropped {object} (not created by the migrations; --force)")),
            "`{object}` not listed\n{run}"
        );
    }
    assert_eq!(history(&db).len(), 3);
    // What did not depend on the migrations' objects is untouched, data included.
    assert_eq!(db.exec("SELECT x FROM public.keep"), "1");
    assert_eq!(db.exec("SELECT count(*) FROM other.orders"), "1");
    assert_eq!(
        db.exec("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'other' AND table_name = 'people'"),
        "1"
    );
}

#[test]
fn fresh_refuses_objects_added_inside_a_schema_the_migrations_created() {
    let db = pgharness::database("fresh_inside");
    let fx = Fixture::new(&[
        (
            "001_app.sql",
            "CREATE SCHEMA app;\n\nCREATE TABLE app.a (id int PRIMARY KEY);\n",
        ),
        (
            "001_app.down.sql",
            "DROP TABLE app.a;\n\nDROP SCHEMA app;\n",
        ),
    ]);
    migrate_dir(&db.url, &fx, &["up"]).ok();
    db.exec("CREATE TABLE app.debris (x int); INSERT INTO app.debris VALUES (1)");
    let before = db.schema_dump();
    let run = migrate_dir(&db.url, &fx, &["fresh", "--yes"]).code(1);
    assert!(run.error_line().contains("table app.debris"), "{run}");
    assert_eq!(db.schema_dump(), before);
    assert_eq!(db.exec("SELECT count(*) FROM app.debris"), "1");

    let forced = migrate_dir(&db.url, &fx, &["fresh", "--yes", "--force"]).ok();
    assert!(
        forced
            .stdout
            .contains("dropped table app.debris (not created by the migrations; --force)"),
        "{forced}"
    );
    assert_eq!(db.exec("SELECT to_regclass('app.debris') IS NULL"), "t");
}

#[test]
fn fresh_without_yes_on_a_pipe_is_refused_naming_yes() {
    let db = pgharness::database("fresh_no_yes");
    let fx = Fixture::new(&sample_files());
    migrate_dir(&db.url, &fx, &["up"]).ok();
    let before = db.schema_dump();
    let run = migrate_dir(&db.url, &fx, &["fresh"]).code(1);
    let line = run.error_line();
    assert!(line.contains("--yes"), "{run}");
    assert!(line.contains("not a terminal"), "{run}");
    assert_eq!(db.schema_dump(), before);
    assert_eq!(history(&db).len(), 3);
}

#[test]
fn fresh_never_touches_public_objects_the_migrations_did_not_create() {
    let db = pgharness::database("fresh_public");
    let fx = Fixture::new(&sample_files());
    migrate_dir(&db.url, &fx, &["up"]).ok();
    db.exec(
        "CREATE TABLE public.notes (x int); INSERT INTO public.notes VALUES (42); \
         CREATE FUNCTION public.helper() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    );
    let run = migrate_dir(&db.url, &fx, &["fresh", "--yes"]).ok();
    assert!(!run.stdout.contains("public."), "{run}");
    assert_eq!(db.exec("SELECT x FROM public.notes"), "42");
    assert_eq!(db.exec("SELECT public.helper()"), "1");
}
