//! Changing a column's type on PostgreSQL: a widening keeps every value and is not
//! destructive; a lossy change is destructive, refuses at apply time to change any value
//! (where a `USING col::type` cast would round or cut it silently), and converts as
//! declared with `.converted_from(..)`.

use ddl::migration::Generated;
use ddl::prelude::*;
use tests::{apply, apply_ok, existing_after, first_migration, migration_from};

const T: TableRef = TableRef::new("tc", "t");

fn decl(ty: ColumnType) -> Database {
    Database::new().schema(Schema::new("tc")).table(
        Table::new(T)
            .column(col("id", INT).primary_key())
            .column(col("v", ty)),
    )
}

/// A database at `from`, with one row holding `value` (SQL), and the migration to `to`.
fn prepared(from: ColumnType, value: &str, to: &Database) -> (pgharness::TestDb, Generated) {
    let v1 = first_migration(&decl(from));
    let db = pgharness::database("typechange");
    apply_ok(&db, &v1.up);
    db.exec(&format!("INSERT INTO tc.t VALUES (1, {value})"));
    (db, migration_from(&existing_after(&v1), to))
}

fn value(db: &pgharness::TestDb) -> String {
    db.exec("SELECT v::text FROM tc.t WHERE id = 1")
        .trim()
        .to_owned()
}

#[test]
fn widenings_keep_every_value_and_are_not_destructive() {
    for (from, to, v) in [
        (varchar(8), varchar(20), "'precious'"),
        (varchar(8), TEXT, "'precious'"),
        (INT, BIGINT, "2147483647"),
        (SMALLINT, INT, "-32768"),
        (numeric(10, 2), numeric(12, 2), "12345678.91"),
        (numeric(10, 2), numeric(11, 3), "12345678.91"),
        (INT, numeric(10, 0), "2147483647"),
        (JSONB, TEXT, "'{\"a\": [1, 2]}'"),
        (DATE, TIMESTAMPTZ, "'2024-02-29'"),
        (array(INT), array(BIGINT), "'{1,2147483647}'"),
        (REAL, DOUBLE, "1.5"),
        (CIDR, INET, "'10.0.0.0/8'"),
    ] {
        let (db, m) = prepared(from.clone(), v, &decl(to.clone()));
        let before = value(&db);
        assert!(
            m.destructive.is_empty(),
            "{from:?} -> {to:?}: {:?}",
            m.destructive
        );
        assert!(
            !m.up.contains("USING"),
            "a widening needs no cast:\n{}",
            m.up
        );
        apply_ok(&db, &m.up);
        let after = value(&db);
        if to != TIMESTAMPTZ && to != numeric(11, 3) {
            assert_eq!(after, before, "{from:?} -> {to:?}");
        }
        // Going back is a narrowing that every value survives.
        apply_ok(&db, &m.down);
        assert_eq!(value(&db), before, "{from:?} -> {to:?} and back");
    }
}

#[test]
fn a_lossy_change_that_would_change_a_value_fails_at_apply_time_and_changes_nothing() {
    for (from, to, v) in [
        (varchar(20), varchar(8), "'precious data'"),
        (numeric(12, 2), numeric(12, 0), "1234.56"),
        (TIMESTAMPTZ, DATE, "'2024-01-01 10:30:00+00'"),
        (TEXT, INT, "'007'"),
        (BIGINT, INT, "3000000000"),
    ] {
        let (db, m) = prepared(from.clone(), v, &decl(to.clone()));
        assert_eq!(
            m.destructive,
            vec!["column tc.t.v".to_owned()],
            "{from:?} -> {to:?} must be destructive"
        );
        assert!(
            m.up.contains("-- column: tc.t.v (destructive: loses data)"),
            "{}",
            m.up
        );
        let before = value(&db);
        let err = apply(&db, &m.up).expect_err("the guard must stop the migration");
        assert!(
            err.contains("would change") || err.contains("out of range"),
            "{from:?} -> {to:?}: {err}"
        );
        assert_eq!(value(&db), before, "{from:?} -> {to:?} changed a value");
    }
}

#[test]
fn a_lossy_change_applies_when_every_value_survives() {
    let (db, m) = prepared(varchar(20), "'precious'", &decl(varchar(8)));
    apply_ok(&db, &m.up);
    assert_eq!(value(&db), "precious");
    apply_ok(&db, &m.down);
    assert_eq!(value(&db), "precious");
}

#[test]
fn a_declared_conversion_is_used_instead_of_the_guard() {
    let to = Database::new().schema(Schema::new("tc")).table(
        Table::new(T)
            .column(col("id", INT).primary_key())
            .column(col("v", numeric(12, 0)).converted_from(numeric(12, 2), "floor(v)")),
    );
    let (db, m) = prepared(numeric(12, 2), "1234.56", &to);
    assert!(m.up.contains("USING floor(v)"), "{}", m.up);
    assert!(!m.up.contains("DO $guard$"), "{}", m.up);
    assert_eq!(m.destructive, vec!["column tc.t.v".to_owned()]);
    apply_ok(&db, &m.up);
    assert_eq!(value(&db), "1234");
}

#[test]
fn a_conversion_declared_for_another_previous_type_is_ignored() {
    let to = Database::new().schema(Schema::new("tc")).table(
        Table::new(T)
            .column(col("id", INT).primary_key())
            .column(col("v", varchar(8)).converted_from(TEXT, "left(v, 8)")),
    );
    let (db, m) = prepared(varchar(20), "'precious data'", &to);
    assert!(!m.up.contains("left(v, 8)"), "{}", m.up);
    assert!(apply(&db, &m.up).is_err(), "the guard must still run");
}
