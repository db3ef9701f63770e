//! Exclusion constraints, NOT VALID, comments on constraints and indexes, collations,
//! MATCH FULL and SET NULL column lists, constraint and transition-table triggers, renames
//! by hint and enum rebuilds, against PostgreSQL 15: the catalogs say what the declaration
//! says, the objects behave, renames keep the rows, and a series of edits migrated step by
//! step (statement by statement) equals each step built from scratch, up and down.

#[path = "../../ddl/tests/common/mod.rs"]
mod common;

use ddl::migration::{Outcome, next_migration};
use ddl::prelude::*;
use pgharness::TestDb;
use tests::{apply, apply_each_ok, apply_ok, existing_after, first_migration, migration_from};

fn one(db: &TestDb, sql: &str) -> String {
    db.exec(sql).trim().to_owned()
}

/// Runs SQL in autocommit with psql, returning stdout and stderr whether it failed or not.
fn run(db: &TestDb, sql: &str) -> (String, String) {
    let out = std::process::Command::new(pgharness::server().program("psql"))
        .args(["-X", "-q", "-At", "-d"])
        .arg(&db.url)
        .args(["-c", sql])
        .output()
        .expect("psql runs");
    (
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        String::from_utf8_lossy(&out.stderr).trim().to_owned(),
    )
}

fn shop_db(name: &str) -> TestDb {
    let db = pgharness::database(name);
    apply_ok(&db, &first_migration(&common::shop()).up);
    db
}

#[test]
fn the_catalogs_hold_every_constraint_and_trigger_item_of_the_shop() {
    let db = shop_db("cr_catalog");
    assert_eq!(
        one(
            &db,
            "SELECT contype::text || '|' || pg_get_constraintdef(oid, true) FROM pg_constraint WHERE conname = 'bookings_no_overlap'"
        ),
        "x|EXCLUDE USING gist (room WITH =, during WITH &&)"
    );
    assert_eq!(
        one(
            &db,
            "SELECT convalidated FROM pg_constraint WHERE conname = 'bookings_room_positive'"
        ),
        "f",
        "declared NOT VALID"
    );
    assert_eq!(
        one(
            &db,
            "SELECT co.collname FROM pg_attribute a JOIN pg_collation co ON co.oid = a.attcollation
              WHERE a.attrelid = 'shop.bookings'::regclass AND a.attname = 'label'"
        ),
        "C"
    );
    assert_eq!(
        one(
            &db,
            "SELECT tgconstraint <> 0, tgdeferrable, tginitdeferred FROM pg_trigger WHERE tgname = 'bookings_checked'"
        ),
        "t|t|t"
    );
    assert_eq!(
        one(
            &db,
            "SELECT coalesce(tgoldtable, '-') || '|' || tgnewtable FROM pg_trigger WHERE tgname = 'order_items_added'"
        ),
        "-|added"
    );
    assert_eq!(
        one(
            &db,
            "SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conname = 'bookings_no_overlap'"
        ),
        "One booking per room at a time"
    );
    assert_eq!(
        one(
            &db,
            "SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conname = 'bookings_pkey'"
        ),
        "Bookings are numbered"
    );
    assert_eq!(
        one(
            &db,
            "SELECT obj_description('shop.bookings_label_idx'::regclass, 'pg_class')"
        ),
        "Lookup by label"
    );
}

#[test]
fn the_exclusion_constraint_rejects_an_overlapping_booking() {
    let db = shop_db("cr_exclusion");
    db.exec("INSERT INTO shop.bookings (room, during) VALUES (1, '[2024-01-01,2024-01-03)')");
    // Another room, or the same room later: accepted.
    db.exec("INSERT INTO shop.bookings (room, during) VALUES (2, '[2024-01-01,2024-01-03)')");
    db.exec("INSERT INTO shop.bookings (room, during) VALUES (1, '[2024-01-03,2024-01-04)')");
    let err = db
        .psql("INSERT INTO shop.bookings (room, during) VALUES (1, '[2024-01-02,2024-01-05)')")
        .expect_err("an overlapping booking of the same room must be refused");
    assert!(err.contains("bookings_no_overlap"), "{err}");
    assert_eq!(one(&db, "SELECT count(*) FROM shop.bookings"), "3");
}

#[test]
fn the_constraint_trigger_fires_at_commit_not_at_the_statement() {
    let db = shop_db("cr_constraint_trigger");
    let (out, err) = run(
        &db,
        "BEGIN; INSERT INTO shop.bookings (room, during, label) VALUES (7, '[2024-01-01,2024-01-02)', 'refused'); \
         SELECT 'statement done, rows: ' || count(*) FROM shop.bookings; COMMIT;",
    );
    assert_eq!(
        out, "statement done, rows: 1",
        "the INSERT itself passed: {err}"
    );
    assert!(
        err.contains("refused"),
        "the COMMIT fired the trigger: {err}"
    );
    assert_eq!(one(&db, "SELECT count(*) FROM shop.bookings"), "0");
    db.exec("INSERT INTO shop.bookings (room, during, label) VALUES (7, '[2024-01-01,2024-01-02)', 'fine')");
    assert_eq!(one(&db, "SELECT count(*) FROM shop.bookings"), "1");
}

#[test]
fn the_transition_table_trigger_sees_every_inserted_row() {
    let db = shop_db("cr_transition");
    db.exec("INSERT INTO shop.users (id, email) VALUES (1, 'a@example.com')");
    db.exec("INSERT INTO shop.orders (id, user_id) VALUES (10, 1)");
    let seen = one(
        &db,
        "BEGIN; INSERT INTO shop.order_items (order_id, line, sku) VALUES (10, 1, 'a'), (10, 2, 'b'), (10, 3, 'c'); \
         SELECT current_setting('shop.added'); COMMIT;",
    );
    assert_eq!(seen, "3");
}

#[test]
fn introspection_reads_the_new_items_back_without_drift() {
    let db = shop_db("cr_introspect");
    let decl = common::shop();
    let diffs = tests::catalog::differences(&db, &decl);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

// ---- renames -------------------------------------------------------------------------

const ITEMS: TableRef = TableRef::new("rn", "items");
const GOODS: TableRef = TableRef::new("rn", "goods");

fn items(t: TableRef, f: impl FnOnce(Table) -> Table) -> Database {
    Database::new()
        .schema(Schema::new("rn"))
        .table(f(Table::new(t)))
}

fn rows(db: &TestDb, table: &str, cols: &str) -> String {
    one(db, &format!("SELECT {cols} FROM {table} ORDER BY 1"))
}

#[test]
fn renames_keep_the_rows_and_down_restores_names_and_values() {
    let v1 = items(ITEMS, |t| {
        t.column(col("id", INT).primary_key_named("items_pkey"))
            .column(col("qty", INT).not_null())
            .column(col("code", SMALLINT))
    });
    let db = pgharness::database("cr_renames");
    let m1 = first_migration(&v1);
    apply_ok(&db, &m1.up);
    db.exec("INSERT INTO rn.items VALUES (1, 5, 300), (2, 7, -2)");
    let before = rows(&db, "rn.items", "id, qty, code");

    // A table rename, a column rename, and a rename plus a type change, in one step.
    let v2 = items(GOODS, |t| {
        t.renamed_from("items")
            .column(col("id", INT).primary_key_named("items_pkey"))
            .column(col("quantity", INT).not_null().renamed_from("qty"))
            .column(col("sku", BIGINT).renamed_from("code"))
    });
    let m2 = migration_from(&existing_after(&m1), &v2);
    assert!(
        m2.up.contains("ALTER TABLE rn.items RENAME TO goods;"),
        "{}",
        m2.up
    );
    assert!(
        m2.up
            .contains("ALTER TABLE rn.goods RENAME COLUMN qty TO quantity;"),
        "{}",
        m2.up
    );
    assert!(
        m2.up
            .contains("ALTER TABLE rn.goods RENAME COLUMN code TO sku;"),
        "{}",
        m2.up
    );
    assert!(
        m2.up
            .contains("ALTER TABLE rn.goods ALTER COLUMN sku TYPE bigint;"),
        "{}",
        m2.up
    );
    assert!(!m2.up.contains("DROP"), "no drop: {}", m2.up);
    assert!(m2.destructive.is_empty(), "{:?}", m2.destructive);
    apply_ok(&db, &m2.up);
    assert_eq!(rows(&db, "rn.goods", "id, quantity, sku"), before);
    assert_eq!(
        one(
            &db,
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'rn.goods'::regclass AND attname = 'sku'"
        ),
        "bigint"
    );

    // The hints may stay: the next diff finds the new names in the snapshot.
    let mut existing = existing_after(&m1);
    existing.files.extend(tests::step_files(&m2));
    existing.snapshot = Some(m2.snapshot.clone());
    existing.sum = Some(m2.sum.clone());
    assert!(matches!(
        next_migration(&existing, &v2, None),
        Ok(Outcome::UpToDate)
    ));

    apply_ok(&db, &m2.down);
    assert_eq!(rows(&db, "rn.items", "id, qty, code"), before);
    assert_eq!(
        one(
            &db,
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'rn.items'::regclass AND attname = 'code'"
        ),
        "smallint"
    );
}

#[test]
fn a_rename_hint_naming_nothing_in_the_snapshot_is_an_error() {
    let v1 = items(ITEMS, |t| t.column(col("id", INT).primary_key()));
    let m1 = first_migration(&v1);
    let v2 = items(ITEMS, |t| {
        t.column(col("id", INT).primary_key())
            .column(col("n", INT).renamed_from("nope"))
    });
    let err = next_migration(&existing_after(&m1), &v2, None).expect_err("no `nope` column");
    assert_eq!(
        err.codes(),
        vec![ddl::validate::Code::RenameSourceMissing],
        "{err}"
    );
    let d = &err.0[0];
    assert_eq!(d.object, "rn.items.n");
    assert!(d.message.contains("`nope`"), "{}", d.message);
    let line = d.origin.0.map(|l| (l.file(), l.line()));
    assert!(
        line.is_some_and(|(f, _)| f.ends_with("constraints_renames_on_postgres.rs")),
        "{line:?}"
    );

    let v3 = items(ITEMS, |t| {
        t.column(col("id", INT).primary_key())
            .column(col("qty", INT))
            .column(col("n", INT).renamed_from("qty"))
    });
    let err = next_migration(&existing_after(&m1), &v3, None).expect_err("qty is declared too");
    assert_eq!(
        err.codes(),
        vec![ddl::validate::Code::RenameSourceDeclared],
        "{err}"
    );
}

// ---- enums ---------------------------------------------------------------------------

const MOOD: TypeRef = TypeRef::new("en", "mood");
const PEOPLE: TableRef = TableRef::new("en", "people");

fn moods(values: &[&str]) -> Database {
    Database::new()
        .schema(Schema::new("en"))
        .enum_type(EnumType::new(MOOD, values.iter().copied()))
        .table(
            Table::new(PEOPLE)
                .column(col("id", INT).primary_key())
                .column(col("mood", enum_type(MOOD)).not_null().default("'happy'")),
        )
}

#[test]
fn removing_an_enum_value_is_destructive_refused_while_a_row_holds_it_and_keeps_the_rest() {
    let m1 = first_migration(&moods(&["happy", "sad", "meh"]));
    let db = pgharness::database("cr_enum_remove");
    apply_ok(&db, &m1.up);
    db.exec("INSERT INTO en.people VALUES (1, 'happy'), (2, 'sad'), (3, 'meh')");
    let m2 = migration_from(&existing_after(&m1), &moods(&["happy", "sad"]));
    // codegen refuses a destructive migration without --allow-destructive.
    assert_eq!(m2.destructive, vec!["column en.people.mood".to_owned()]);
    assert!(m2.up.contains("(destructive: loses data)"), "{}", m2.up);
    let err = apply(&db, &m2.up).expect_err("a row still holds 'meh'");
    assert!(err.contains("meh"), "{err}");
    assert_eq!(rows(&db, "en.people", "id, mood"), "1|happy\n2|sad\n3|meh");
    db.exec("DELETE FROM en.people WHERE id = 3");
    apply_ok(&db, &m2.up);
    assert_eq!(rows(&db, "en.people", "id, mood"), "1|happy\n2|sad");
    assert_eq!(
        one(&db, "SELECT enum_range(NULL::en.mood)::text"),
        "{happy,sad}"
    );
    db.exec("INSERT INTO en.people (id) VALUES (4)");
    assert_eq!(one(&db, "SELECT mood FROM en.people WHERE id = 4"), "happy");
    apply_ok(&db, &m2.down);
    assert_eq!(
        one(&db, "SELECT enum_range(NULL::en.mood)::text"),
        "{happy,sad,meh}"
    );
}

#[test]
fn reordering_enum_values_keeps_every_row_and_is_not_destructive() {
    let m1 = first_migration(&moods(&["happy", "sad", "meh"]));
    let db = pgharness::database("cr_enum_reorder");
    apply_ok(&db, &m1.up);
    db.exec("INSERT INTO en.people VALUES (1, 'happy'), (2, 'sad'), (3, 'meh')");
    let m2 = migration_from(&existing_after(&m1), &moods(&["meh", "sad", "happy"]));
    assert!(m2.destructive.is_empty(), "{:?}", m2.destructive);
    apply_each_ok(&db, &m2.up);
    assert_eq!(rows(&db, "en.people", "id, mood"), "1|happy\n2|sad\n3|meh");
    assert_eq!(
        one(
            &db,
            "SELECT string_agg(id::text, ',' ORDER BY mood) FROM en.people"
        ),
        "3,2,1"
    );
    apply_each_ok(&db, &m2.down);
    assert_eq!(
        one(
            &db,
            "SELECT string_agg(id::text, ',' ORDER BY mood) FROM en.people"
        ),
        "1,2,3"
    );
}
