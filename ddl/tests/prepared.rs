//! One sorted, graphed declaration serves the migration, the entities and the pages
//! (`Canonical::prepare`, `next_migration_prepared`): the work codegen runs alongside
//! the plan starts only for a valid declaration free of cycles, and the results equal
//! those of the separate entry points.

use ddl::migration::{Existing, Outcome, next_migration, next_migration_prepared, plan_statements};
use ddl::online::Options;
use ddl::plan::prepared::Canonical;
use ddl::prelude::*;
use ddl::validate::{Code, validate};
use std::sync::atomic::{AtomicBool, Ordering};

const A: TableRef = TableRef::new("app", "a");
const B: TableRef = TableRef::new("app", "b");

fn valid() -> Database {
    // Declared out of name order, so the canonical copy differs from the declaration.
    Database::new()
        .schema(Schema::new("app"))
        .table(
            Table::new(B)
                .column(col("id", BIGINT).identity().primary_key())
                .column(col("a_id", BIGINT).references(A, "id")),
        )
        .table(Table::new(A).column(col("id", BIGINT).identity().primary_key()))
}

/// Runs `next_migration_prepared` on `db` from an empty directory; whether `alongside` ran.
fn prepared_run(db: &Database) -> (Result<Outcome, ddl::validate::Diagnostics>, bool) {
    let ran = AtomicBool::new(false);
    let canonical = Canonical::of(db);
    let prepared = canonical.prepare(db);
    let result = next_migration_prepared(
        &Existing::default(),
        &prepared,
        None,
        &Options::default(),
        || validate(db),
        || ran.store(true, Ordering::SeqCst),
    )
    .map(|(outcome, ())| outcome);
    (result, ran.load(Ordering::SeqCst))
}

#[test]
fn the_prepared_plan_writes_what_next_migration_writes() {
    let db = valid();
    let (prepared, ran) = prepared_run(&db);
    let (Ok(Outcome::New(p)), Ok(Outcome::New(n))) =
        (prepared, next_migration(&Existing::default(), &db, None))
    else {
        panic!("both plan a first migration");
    };
    assert!(ran, "the work alongside runs for a valid declaration");
    assert_eq!(
        (&p.up, &p.down, &p.snapshot, &p.sum),
        (&n.up, &n.down, &n.snapshot, &n.sum)
    );
    // `next_migration` goes through the prepared path too; `plan_statements` plans with a
    // graph of its own: the shared graph gives the same statements in the same order.
    let (_, statements) = plan_statements(&Database::new(), &db).expect("plans");
    assert!(!statements.is_empty());
    let mut rest = p.up.as_str();
    for st in &statements {
        let at = rest
            .find(st.sql.as_str())
            .unwrap_or_else(|| panic!("{} missing or out of order in:\n{}", st.sql, p.up));
        rest = &rest[at + st.sql.len()..];
    }
}

#[test]
fn nothing_runs_alongside_an_invalid_declaration() {
    let mut db = valid();
    // A foreign key to a table nobody declared: the entities could not name its target.
    db.tables[0].foreign_keys[0].ref_table = QName::new("app", "missing");
    let (result, ran) = prepared_run(&db);
    let diags = result.expect_err("an unknown table is an error");
    assert!(
        diags
            .0
            .iter()
            .any(|d| matches!(d.code, Code::FkUnknownTable | Code::UnknownTable)),
        "{diags}"
    );
    assert!(!ran, "the work alongside must not start");
}

#[test]
fn nothing_runs_alongside_a_cycle() {
    let mut db = valid();
    let a = db
        .tables
        .iter_mut()
        .find(|t| t.name.name == "a")
        .expect("a");
    *a = Table::new(A)
        .column(col("id", BIGINT).identity().primary_key())
        .column(col("b_id", BIGINT).references(B, "id"));
    let (result, ran) = prepared_run(&db);
    let diags = result.expect_err("a cycle of foreign keys is an error");
    assert!(
        diags.0.iter().any(|d| d.code == Code::DependencyCycle),
        "{diags}"
    );
    assert!(!ran, "the work alongside must not start");
    // The pages and entities of a cyclic declaration still render (in index order).
    let canonical = Canonical::of(&db);
    let prepared = canonical.prepare(&db);
    assert!(!prepared.cycles.is_empty());
    assert!(!ddl::diagram::pages_prepared(&prepared).is_empty());
}
