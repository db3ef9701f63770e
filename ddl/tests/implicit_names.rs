//! Names PostgreSQL derives: identity sequences that would clash with declared relations,
//! and primary keys of long tables, which need a name of their own.

use ddl::migration::plan_statements;
use ddl::prelude::*;
use ddl::validate::{Code, validate};

const BASE: TableRef = TableRef::new("scr", "base");
const CLASH: TableRef = TableRef::new("scr", "base_id_seq");

fn codes(db: &Database) -> Vec<Code> {
    validate(db).err().map(|d| d.codes()).unwrap_or_default()
}

#[test]
fn a_table_named_like_an_identity_sequence_is_reported() {
    let line = line!() + 3;
    let db = Database::new()
        .schema(Schema::new("scr"))
        .table(Table::new(BASE).column(col("id", INT).identity().primary_key()))
        .table(Table::new(CLASH).column(col("x", INT)));
    let err = validate(&db).expect_err("must clash");
    assert_eq!(err.codes(), vec![Code::ImplicitNameClash]);
    let d = &err.0[0];
    assert_eq!(d.object, "scr.base.id");
    assert!(
        d.message.contains("scr.base_id_seq") && d.message.contains("table"),
        "{d}"
    );
    assert_eq!(
        d.origin.to_string(),
        format!("ddl/tests/implicit_names.rs:{line}")
    );
}

#[test]
fn an_index_named_like_an_identity_sequence_is_reported() {
    let db = Database::new().schema(Schema::new("scr")).table(
        Table::new(BASE)
            .column(col("id", INT).identity().primary_key())
            .index(Index::named("base_id_seq", ["id"])),
    );
    assert_eq!(codes(&db), vec![Code::ImplicitNameClash]);
}

#[test]
fn a_long_table_without_a_named_primary_key_gets_help_naming_the_builder() {
    const LONG: TableRef = TableRef::new(
        "scr",
        "a_table_name_that_is_exactly_sixty_one_bytes_long_for_the_test",
    );
    let db = Database::new()
        .schema(Schema::new("scr"))
        .table(Table::new(LONG).column(col("id", BIGINT).primary_key()));
    let err = validate(&db).expect_err("the derived name is too long");
    assert_eq!(err.codes(), vec![Code::IdentifierTooLong]);
    assert!(
        err.0[0].help.contains(".primary_key_named("),
        "{}",
        err.0[0]
    );
}

#[test]
fn a_named_primary_key_is_written_with_its_name_in_both_forms() {
    const LONG: TableRef = TableRef::new(
        "scr",
        "a_table_name_that_is_exactly_sixty_one_bytes_long_for_the_test",
    );
    let column_form = Database::new()
        .schema(Schema::new("scr"))
        .table(Table::new(LONG).column(col("id", BIGINT).primary_key_named("long_pk")));
    let table_form = Database::new().schema(Schema::new("scr")).table(
        Table::new(LONG)
            .column(col("id", BIGINT).not_null())
            .primary_key_named("long_pk", ["id"]),
    );
    for db in [column_form, table_form] {
        let (_, stmts) = plan_statements(&Database::new(), &db).expect("valid");
        assert!(
            stmts[1].sql.contains("CONSTRAINT long_pk PRIMARY KEY (id)"),
            "{}",
            stmts[1].sql
        );
    }
}

#[test]
fn a_named_column_unique_constraint_keeps_its_name() {
    let db = Database::new().schema(Schema::new("scr")).table(
        Table::new(BASE)
            .column(col("id", INT).primary_key())
            .column(col("code", TEXT).unique_named("base_code_unique")),
    );
    let (_, stmts) = plan_statements(&Database::new(), &db).expect("valid");
    assert!(
        stmts
            .iter()
            .any(|s| s.sql.contains("CONSTRAINT base_code_unique UNIQUE (code)"))
    );
}
