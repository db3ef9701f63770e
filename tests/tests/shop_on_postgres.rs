//! The every-object-kind fixture against PostgreSQL: the generated SQL applies in one
//! transaction, the catalogs match the declaration, down leaves nothing, and a later
//! migration gives the same database as generating from scratch.

#[path = "../../ddl/tests/common/mod.rs"]
mod common;

use ddl::prelude::*;
use tests::{
    apply, apply_ok, apply_step, catalog, existing_after, first_migration, leftovers,
    migration_from, rollback_step,
};

#[test]
fn initial_migration_applies_matches_the_catalogs_and_rolls_back_to_empty() {
    let db = pgharness::database("shop_round_trip");
    let decl = common::shop();
    let m = first_migration(&decl);
    apply_ok(&db, &m.up);
    let diffs = catalog::differences(&db, &decl);
    assert!(
        diffs.is_empty(),
        "catalogs differ from the declaration:\n{}",
        diffs.join("\n")
    );
    apply_ok(&db, &m.down);
    assert_eq!(leftovers(&db), Vec::<String>::new());
}

#[test]
fn up_down_up_gives_the_same_schema_dump() {
    let db = pgharness::database("shop_up_down_up");
    let m = first_migration(&common::shop());
    apply_ok(&db, &m.up);
    let first = db.schema_dump();
    apply_ok(&db, &m.down);
    apply_ok(&db, &m.up);
    assert_eq!(db.schema_dump(), first);
}

#[test]
fn a_failing_statement_leaves_nothing_behind() {
    let db = pgharness::database("shop_atomic");
    let mut m = first_migration(&common::shop());
    m.up.push_str("\nSELECT 1 / 0;\n");
    let err = apply(&db, &m.up).expect_err("division by zero must fail");
    assert!(err.contains("division by zero"), "{err}");
    assert_eq!(leftovers(&db), Vec::<String>::new());
}

const COUPONS: TableRef = TableRef::new("shop", "coupons");

/// Version 2 of the fixture: a new table with a foreign key to an existing one, a new
/// column, a changed default, a new index, a dropped column, a changed policy, a new
/// enum value, new and changed reference rows.
fn shop_v2() -> Database {
    let mut db = common::shop().table(
        Table::new(COUPONS)
            .column(col("code", TEXT).primary_key())
            .column(col("user_id", BIGINT).references(common::USERS, "id"))
            .column(
                col("percent", INT)
                    .not_null()
                    .check("percent BETWEEN 1 AND 100"),
            ),
    );
    let users = db
        .tables
        .iter_mut()
        .find(|t| t.name.name == "users")
        .expect("users");
    users.columns.retain(|c| c.name != "user");
    users.columns.push(col("last_seen_at", TIMESTAMPTZ));
    for c in &mut users.columns {
        if c.name == "tags" {
            c.default = Some("'{new}'".into());
        }
    }
    users.policies[0].using = Some("id = shop.current_user_id() OR current_user = 'admin'".into());
    let orders = db
        .tables
        .iter_mut()
        .find(|t| t.name.name == "orders")
        .expect("orders");
    orders
        .indexes
        .push(Index::named("orders_status_idx", ["status"]));
    db.enums[0].values.push("refunded".into());
    let countries = db
        .tables
        .iter_mut()
        .find(|t| t.name.name == "countries")
        .expect("countries");
    if let Some(rows) = &mut countries.rows {
        rows.values.retain(|r| r[0] != lit("XX"));
        rows.values[1][1] = lit("Germany");
        rows.values.push(vec![lit("FR"), lit("France")]);
    }
    db
}

#[test]
fn migrating_step_by_step_equals_building_from_scratch() {
    let v1 = first_migration(&common::shop());
    let v2_decl = shop_v2();
    let step = migration_from(&existing_after(&v1), &v2_decl);
    // Several kinds of change, all in schema `shop`: the name says so.
    assert_eq!(step.stem, "002_alter_shop");

    let stepwise = pgharness::database("shop_stepwise");
    apply_ok(&stepwise, &v1.up);
    let v1_dump = stepwise.schema_dump();
    apply_step(&stepwise, &step);

    let scratch = pgharness::database("shop_scratch");
    apply_ok(&scratch, &first_migration(&v2_decl).up);

    assert_eq!(stepwise.schema_dump(), scratch.schema_dump());
    let diffs = catalog::differences(&stepwise, &v2_decl);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));

    // Down of the step brings the schema back, except for the enum value PostgreSQL
    // cannot remove.
    rollback_step(&stepwise, &step);
    let back = stepwise.schema_dump();
    assert_eq!(back.replace(",\n    'refunded'", ""), v1_dump);
}

#[test]
fn a_one_column_change_is_a_one_statement_migration() {
    let v1 = first_migration(&common::shop());
    let mut v2 = common::shop();
    v2.tables
        .iter_mut()
        .find(|t| t.name.name == "orders")
        .expect("orders")
        .columns
        .push(col("note", TEXT));
    let step = migration_from(&existing_after(&v1), &v2);
    assert_eq!(step.up_statements, 1);
    assert!(
        step.up.ends_with(
            "-- column: shop.orders.note\n-- lock: ACCESS EXCLUSIVE on shop.orders (rewrite: no)\nALTER TABLE shop.orders ADD COLUMN note text;\n"
        ),
        "{}",
        step.up
    );
    assert!(step.down.ends_with("-- column: shop.orders.note (destructive: loses data)\n-- lock: ACCESS EXCLUSIVE on shop.orders (rewrite: no)\nALTER TABLE shop.orders DROP COLUMN note;\n"), "{}", step.down);
    assert_eq!(step.stem, "002_alter_orders");

    let db = pgharness::database("shop_one_column");
    apply_ok(&db, &v1.up);
    apply_step(&db, &step);
    assert!(catalog::differences(&db, &v2).is_empty());
}

#[test]
fn an_unchanged_declaration_is_up_to_date() {
    let v1 = first_migration(&common::shop());
    let outcome = ddl::migration::next_migration(&existing_after(&v1), &common::shop(), None);
    assert!(matches!(outcome, Ok(ddl::migration::Outcome::UpToDate)));
}
