//! The writer on declarations made with the DSL: the code reads like the `schema` crate
//! and says what the model says (the PostgreSQL round trip is tests/tests/import_round_trip.rs).

use ddl::prelude::*;

#[path = "../../ddl/tests/common/mod.rs"]
mod common;

const TENANTS: TableRef = TableRef::new("type", "tenants");
const USERS: TableRef = TableRef::new("type", "users");
const STATUS: TypeRef = TypeRef::new("type", "status");

fn module<'a>(imported: &'a import::Imported, path: &str) -> &'a str {
    &imported
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} written"))
        .contents
}

/// The text without layout: the checks below are about what is written, not where the
/// lines break (that is rustfmt's, checked by the fixed-point tests).
fn squash(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    s.replace(",)", ")").replace(",]", "]")
}

/// Every file as written is what rustfmt makes of it.
fn assert_fixed_point(imported: &import::Imported) {
    for f in &imported.files {
        let formatted = import::rustfmt(&f.contents).expect("rustfmt runs");
        assert!(
            formatted == f.contents,
            "{} is not rustfmt's layout:\n{}",
            f.path,
            import::layout_diff(&f.contents, &formatted)
        );
    }
}

fn sample() -> Database {
    Database::new()
        .schema(Schema::new("type").comment("a keyword"))
        .enum_type(EnumType::new(STATUS, ["active", "gone"]))
        // Declared in the "wrong" order: the writer puts what is referenced first.
        .table(
            Table::new(USERS)
                .column(col("id", BIGINT).identity().primary_key())
                .column(
                    col("tenant_id", INT)
                        .not_null()
                        .references(TENANTS, "id")
                        .on_delete(FkAction::Cascade),
                )
                .column(
                    col("status", enum_type(STATUS))
                        .not_null()
                        .default("'active'::type.status"),
                )
                .column(col("email", TEXT).unique().comment("login"))
                .index(
                    Index::named("users_lower_email", [])
                        .expr("lower(email)")
                        .column("id")
                        .desc(),
                ),
        )
        .table(
            Table::new(TENANTS)
                .column(col("id", INT).primary_key())
                .column(col("größe", INT).default_value(3)),
        )
}

#[test]
fn modules_read_like_the_schema_crate() {
    let imported = import::import(&sample(), Vec::new(), "Test.");
    let lib = module(&imported, "lib.rs");
    assert!(lib.contains("pub mod r#type;"), "{lib}");
    assert!(lib.contains(".merge(r#type::database())"), "{lib}");
    let m = module(&imported, "type.rs");
    for expected in [
        "pub const STATUS: TypeRef = TypeRef::new(\"type\", \"status\");",
        "pub const TENANTS: TableRef = TableRef::new(\"type\", \"tenants\");",
        ".schema(Schema::new(\"type\").comment(\"a keyword\"))",
        ".table(tenants())\n.table(users())",
        "col(\"id\", BIGINT).identity().primary_key()",
        "col(\"tenant_id\", INT).not_null().references(TENANTS, \"id\").on_delete(FkAction::Cascade)",
        "col(\"email\", TEXT).comment(\"login\").unique()",
        "col(\"größe\", INT).default_value(3)",
        "Index::named(\"users_lower_email\", []).expr(\"lower(email)\").column(\"id\").desc()",
    ] {
        assert!(
            squash(m).contains(&squash(expected)),
            "missing `{expected}` in:\n{m}"
        );
    }
    // A literal with the cast PostgreSQL adds is written as a value.
    assert!(m.contains(".default_value(\"active\")"), "{m}");
    assert_fixed_point(&imported);
    assert_eq!(imported.leftovers, vec![]);
    let counts = imported.counts();
    assert!(
        counts.contains(&("tables", 2)) && counts.contains(&("foreign keys", 1)),
        "{counts:?}"
    );
}

#[test]
fn left_out_objects_go_into_their_module_and_the_report() {
    let left = vec![import::Leftover::new(
        "table",
        "type.child",
        "inheriting tables are not in the model",
    )];
    let imported = import::import(&sample(), left, "Test.");
    assert!(
        module(&imported, "type.rs")
            .contains("//! - table type.child: inheriting tables are not in the model")
    );
    assert_eq!(
        import::report(&imported.leftovers),
        "1 object(s) could not be declared and were left out:\n  table type.child: inheriting tables are not in the model\n"
    );
}

#[test]
fn written_files_are_a_fixed_point_of_rustfmt_without_running_it() {
    let imported = import::import(&sample(), Vec::new(), "Test.");
    assert_fixed_point(&imported);
    let mut formatted = imported.clone();
    import::format(&mut formatted.files).expect("rustfmt runs");
    assert_eq!(formatted.files, imported.files, "--rustfmt changes nothing");
}

#[test]
fn a_schema_of_many_tables_lists_them_in_one_array_in_rustfmt_layout() {
    let db = ddl::synthetic::synthetic(450);
    let imported = import::import(&db, Vec::new(), "Test.");
    let m = module(&imported, "bench.rs");
    assert!(m.contains(".tables(["), "{}", &m[..2000.min(m.len())]);
    assert_eq!(m.matches("\nfn ").count(), 450);
    assert_fixed_point(&imported);
}

#[test]
fn every_kind_of_the_shop_is_written_with_its_builder() {
    let imported = import::import(&common::shop(), Vec::new(), "Test.");
    let m = module(&imported, "shop.rs");
    for expected in [
        "pub const ORDER_TOTALS: FunctionRef",
        "pub const ORDER_TOTALS_VIEW: ViewRef = ViewRef::new(\"shop\", \"order_totals\");",
        ".sequence(Sequence::new(INVOICE_NO).start(1000).increment(10).cache(5).owned_by(ORDERS, \"invoice_no\"))",
        ".domain(Domain::new(QUANTITY, INT)",
        ".range(RangeType::new(PRICE_BAND, NUMERIC))",
        "Function::procedure(ARCHIVE_ORDERS",
        ".aggregate(Aggregate::new(CONCAT_ALL",
        "View::materialized(SALES_BY_COUNTRY",
        "Trigger::instead_of(",
        "Table::partition_of(CARTS_0, CARTS, Bound::hash(2, 0))",
        ".partition_by(PartitionStrategy::Hash, [\"user_id\"])",
        ".exclude(Exclusion::gist(",
        "Trigger::constraint(\"bookings_checked\", CHECK_BOOKING)",
        ".default_privileges(DefaultPrivileges::new(\"shop\", DefaultObjects::Tables, [Privilege::Select]).to(\"shop_writer\"))",
        ".grant(Grant::on_schema(\"shop\", [Privilege::Usage]).to(\"shop_reader\"))",
    ] {
        assert!(
            squash(m).contains(&squash(expected)),
            "missing `{expected}` in:\n{m}"
        );
    }
    assert!(module(&imported, "lib.rs").contains(".role(Role::managed(\"shop_writer\"))"));
    assert_fixed_point(&imported);
    // The raw publication is the one thing a declaration has that an import cannot.
    let lines: Vec<String> = imported
        .leftovers
        .iter()
        .map(import::Leftover::line)
        .collect();
    assert_eq!(
        lines,
        ["raw object publication shop_orders: raw SQL objects are declared by hand, not imported"]
    );
    assert!(imported.declaration.raws.is_empty());
}
