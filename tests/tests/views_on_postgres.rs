//! Views, materialized views, INSTEAD OF triggers and raw objects on PostgreSQL 15: the
//! catalogs hold what was declared, a series of changes migrates step by step to what
//! building from scratch gives (and back, statement by statement), and bad input is
//! reported with its code and declaration site.

#[path = "../../ddl/tests/common/mod.rs"]
mod common;

use ddl::migration::{Existing, Generated, Outcome, next_migration};
use ddl::prelude::*;
use ddl::validate::Code;
use tests::{apply_each_ok, apply_ok, existing_after, first_migration, leftovers, step_files};

fn one(db: &pgharness::TestDb, sql: &str) -> String {
    db.exec(sql).trim().to_owned()
}

#[test]
fn declared_views_match_the_catalogs_and_roll_back_to_empty() {
    let db = pgharness::database("views_catalog");
    let m = first_migration(&common::shop());
    apply_ok(&db, &m.up);

    // The definition PostgreSQL stores is the one of the declared query.
    apply_ok(
        &db,
        "CREATE VIEW public.reference AS SELECT t.user_id, sum(t.qty) AS qty FROM shop.order_totals t GROUP BY t.user_id;",
    );
    assert_eq!(
        one(
            &db,
            "SELECT pg_get_viewdef('shop.user_spend'::regclass, true)"
        ),
        one(
            &db,
            "SELECT pg_get_viewdef('public.reference'::regclass, true)"
        )
    );
    apply_ok(&db, "DROP VIEW public.reference;");
    assert_eq!(
        one(
            &db,
            "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'shop.order_totals'::regclass AND attnum > 0"
        ),
        "order_id,user_id,lines,qty"
    );
    // Options and the check option.
    assert_eq!(
        one(
            &db,
            "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'shop.order_totals'::regclass"
        ),
        "security_barrier=true"
    );
    assert_eq!(
        one(
            &db,
            "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'shop.paid_orders'::regclass"
        ),
        "security_invoker=true,check_option=cascaded"
    );
    assert_eq!(
        one(
            &db,
            "SELECT check_option FROM information_schema.views WHERE table_schema = 'shop' AND table_name = 'paid_orders'"
        ),
        "CASCADED"
    );
    // The materialized view, populated, with its unique index and comment.
    assert_eq!(
        one(
            &db,
            "SELECT ispopulated FROM pg_matviews WHERE schemaname = 'shop' AND matviewname = 'sales_by_country'"
        ),
        "t"
    );
    assert_eq!(
        one(
            &db,
            "SELECT indisunique FROM pg_index WHERE indexrelid = 'shop.sales_by_country_key'::regclass AND indrelid = 'shop.sales_by_country'::regclass"
        ),
        "t"
    );
    assert_eq!(
        one(
            &db,
            "SELECT obj_description('shop.sales_by_country'::regclass, 'pg_class')"
        ),
        "Refreshed nightly"
    );
    assert_eq!(
        one(
            &db,
            "SELECT obj_description('shop.order_totals'::regclass, 'pg_class') || '|' || col_description('shop.order_totals'::regclass, 4)"
        ),
        "Items per order|Units over all lines"
    );
    // The raw object.
    assert_eq!(
        one(&db, "SELECT string_agg(pubname, ',') FROM pg_publication"),
        "shop_orders"
    );

    apply_ok(&db, &m.down);
    assert_eq!(leftovers(&db), Vec::<String>::new());
    assert_eq!(one(&db, "SELECT count(*) FROM pg_publication"), "0");
}

#[test]
fn an_instead_of_insert_trigger_makes_a_view_insertable() {
    let db = pgharness::database("views_instead_of");
    let m = first_migration(&common::shop());
    apply_ok(&db, &m.up);
    assert_eq!(
        one(
            &db,
            "SELECT tgtype & 64 <> 0 FROM pg_trigger WHERE tgname = 'user_directory_insert'"
        ),
        "t",
        "TRIGGER_TYPE_INSTEAD"
    );
    db.exec("INSERT INTO shop.user_directory (email, name, country) VALUES ('a@example.org', 'Ann', 'DE')");
    assert_eq!(
        one(
            &db,
            "SELECT name || '|' || country_name FROM shop.user_directory WHERE email = 'a@example.org'"
        ),
        "Ann|Deutschland"
    );
    // A view without such a trigger is not insertable (it joins).
    let err = db
        .psql("INSERT INTO shop.order_totals (order_id) VALUES (1)")
        .expect_err("an aggregate view is not insertable");
    assert!(err.contains("cannot insert into view"), "{err}");
}

#[test]
fn a_unique_index_allows_refresh_concurrently() {
    let db = pgharness::database("views_refresh");
    apply_ok(&db, &first_migration(&common::shop()).up);
    db.exec("INSERT INTO shop.users (email, country) VALUES ('b@example.org', 'TR')");
    db.exec("INSERT INTO shop.orders (user_id) SELECT id FROM shop.users");
    db.exec("REFRESH MATERIALIZED VIEW CONCURRENTLY shop.sales_by_country");
    assert_eq!(
        one(
            &db,
            "SELECT country || ':' || orders FROM shop.sales_by_country"
        ),
        "TR:1"
    );
}

#[test]
fn with_no_data_leaves_a_materialized_view_unpopulated_until_refreshed() {
    const MV: ViewRef = ViewRef::new("vn", "mv");
    let decl = Database::new()
        .schema(Schema::new("vn"))
        .view(View::materialized(MV, "SELECT 1 AS one").with_no_data());
    let m = first_migration(&decl);
    assert!(m.up.contains("WITH NO DATA;"), "{}", m.up);
    let db = pgharness::database("views_no_data");
    apply_ok(&db, &m.up);
    assert_eq!(
        one(
            &db,
            "SELECT ispopulated FROM pg_matviews WHERE matviewname = 'mv'"
        ),
        "f"
    );
    // Declaring it populated refreshes it.
    let populated = Database::new()
        .schema(Schema::new("vn"))
        .view(View::materialized(MV, "SELECT 1 AS one"));
    let step = tests::migration_from(&existing_after(&m), &populated);
    assert!(
        step.up.contains("REFRESH MATERIALIZED VIEW vn.mv;"),
        "{}",
        step.up
    );
    apply_ok(&db, &step.up);
    assert_eq!(
        one(
            &db,
            "SELECT ispopulated FROM pg_matviews WHERE matviewname = 'mv'"
        ),
        "t"
    );
}

const T: TableRef = TableRef::new("vs", "t");
const V: ViewRef = ViewRef::new("vs", "v");
const W: ViewRef = ViewRef::new("vs", "w");

/// One version of the series: table `t`, view `v` over it, view `w` over `v`, a raw
/// publication.
fn version(
    extra_column: Option<ColumnType>,
    a_type: ColumnType,
    v: View,
    publication: &str,
) -> Database {
    let mut t = Table::new(T)
        .column(col("id", INT).primary_key())
        .column(col("a", a_type));
    if let Some(ty) = extra_column {
        t = t.column(col("b", ty));
    }
    Database::new()
        .schema(Schema::new("vs"))
        .table(t)
        .view(v)
        .view(View::new(W, "SELECT x.id FROM vs.v x WHERE x.id > 0"))
        .raw(
            Raw::new(
                "publication vs_pub",
                &format!("CREATE PUBLICATION vs_pub FOR TABLE vs.t{publication};"),
                "DROP PUBLICATION vs_pub;",
            )
            .depends_on(T),
        )
}

fn series() -> Vec<(&'static str, Database)> {
    let v1 = View::new(V, "SELECT id, a FROM vs.t").columns(["id", "a"]);
    vec![
        ("initial", version(None, INT, v1.clone(), "")),
        (
            "a view over a new column",
            version(
                Some(TEXT),
                INT,
                View::new(V, "SELECT id, a, b FROM vs.t").columns(["id", "a", "b"]),
                "",
            ),
        ),
        (
            "a changed query",
            version(
                Some(TEXT),
                INT,
                View::new(V, "SELECT id, a, b FROM vs.t WHERE a IS NOT NULL")
                    .columns(["id", "a", "b"]),
                "",
            ),
        ),
        (
            "changed columns rebuild the dependent view",
            version(
                Some(TEXT),
                INT,
                View::new(V, "SELECT id, b FROM vs.t WHERE a IS NOT NULL").columns(["id", "label"]),
                "",
            ),
        ),
        (
            "changed raw text",
            version(
                Some(TEXT),
                INT,
                View::new(V, "SELECT id, b FROM vs.t WHERE a IS NOT NULL").columns(["id", "label"]),
                " WITH (publish = 'insert')",
            ),
        ),
        (
            "a retyped column under the views",
            version(
                Some(TEXT),
                BIGINT,
                View::new(V, "SELECT id, b FROM vs.t WHERE a IS NOT NULL").columns(["id", "label"]),
                " WITH (publish = 'insert')",
            ),
        ),
        (
            "options only",
            version(
                Some(TEXT),
                BIGINT,
                View::new(V, "SELECT id, b FROM vs.t WHERE a IS NOT NULL")
                    .columns(["id", "label"])
                    .security_barrier()
                    .comment("only rows with a"),
                " WITH (publish = 'insert')",
            ),
        ),
    ]
}

fn next(existing: &Existing, db: &Database) -> Generated {
    match next_migration(existing, db, None) {
        Ok(Outcome::New(g)) => *g,
        Ok(Outcome::UpToDate) => panic!("expected changes"),
        Err(d) => panic!("{d}"),
    }
}

#[test]
fn a_series_of_view_changes_migrates_like_building_from_scratch_and_back() {
    let steps = series();
    let stepwise = pgharness::database("views_series");
    let mut existing = Existing::default();
    let mut previous_dump = stepwise.schema_dump();
    let mut ups = Vec::new();
    for (what, decl) in &steps {
        let m = next(&existing, decl);
        apply_each_ok(&stepwise, &m.up);
        let dump = stepwise.schema_dump();
        let scratch = pgharness::database("views_scratch");
        apply_ok(&scratch, &first_migration(decl).up);
        assert_eq!(
            dump,
            scratch.schema_dump(),
            "{what}: up differs from scratch\n{}",
            m.up
        );
        // Down, statement by statement, restores the previous step; then up again.
        apply_each_ok(&stepwise, &m.down);
        assert_eq!(
            stepwise.schema_dump(),
            previous_dump,
            "{what}: down\n{}",
            m.down
        );
        apply_each_ok(&stepwise, &m.up);
        previous_dump = dump;
        existing.files.extend(step_files(&m));
        existing.snapshot = Some(m.snapshot.clone());
        existing.sum = Some(m.sum.clone());
        ups.push((*what, m));
    }
    let up = |i: usize| ups[i].1.up.as_str();
    assert!(up(1).contains("CREATE OR REPLACE VIEW vs.v"), "{}", up(1));
    assert!(!up(1).contains("DROP VIEW"), "{}", up(1));
    assert!(up(2).contains("CREATE OR REPLACE VIEW vs.v"), "{}", up(2));
    let rebuild = up(3);
    let order: Vec<usize> = [
        "DROP VIEW vs.w;",
        "DROP VIEW vs.v;",
        "CREATE VIEW vs.v",
        "CREATE VIEW vs.w",
    ]
    .iter()
    .map(|s| {
        rebuild
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing:\n{rebuild}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{rebuild}");
    assert!(
        up(4).contains("DROP PUBLICATION vs_pub;\n")
            && up(4).contains("WITH (publish = 'insert');"),
        "{}",
        up(4)
    );
    let retype = up(5);
    let drop_v = retype.find("DROP VIEW vs.v;").expect("v dropped");
    let alter = retype.find("TYPE bigint").expect("column retyped");
    let create_v = retype.find("CREATE VIEW vs.v").expect("v created");
    assert!(drop_v < alter && alter < create_v, "{retype}");
    assert!(
        up(6).contains("ALTER VIEW vs.v SET (security_barrier = true);"),
        "{}",
        up(6)
    );
    assert!(!up(6).contains("DROP VIEW"), "{}", up(6));
}

fn diagnostics(db: &Database) -> Vec<ddl::validate::Diagnostic> {
    match next_migration(&Existing::default(), db, None) {
        Err(d) => d.0,
        Ok(_) => panic!("expected diagnostics"),
    }
}

#[test]
fn a_view_over_a_missing_table_of_a_declared_schema_is_an_error_with_its_line() {
    let line = line!() + 3;
    let db = Database::new()
        .schema(Schema::new("vs"))
        .view(View::new(V, "SELECT id FROM vs.missing"));
    let d = diagnostics(&db);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, Code::ViewUnknownRelation);
    assert_eq!(d[0].object, "vs.v");
    let at = d[0].origin.to_string();
    assert!(
        at.ends_with(&format!("views_on_postgres.rs:{line}")),
        "{at}"
    );
    assert!(d[0].message.contains("vs.missing"), "{}", d[0].message);
}

#[test]
fn a_view_over_a_missing_table_elsewhere_fails_at_apply_with_postgresql_s_error() {
    let db = Database::new()
        .schema(Schema::new("vs"))
        .view(View::new(V, "SELECT id FROM elsewhere.missing"));
    let m = first_migration(&db);
    let pg = pgharness::database("views_missing");
    let err = tests::apply(&pg, &m.up).expect_err("the relation does not exist");
    assert!(err.contains("elsewhere.missing"), "{err}");
}

#[test]
fn a_raw_object_without_down_is_an_error() {
    let line = line!() + 1;
    let db = Database::new().schema(Schema::new("vs")).raw(Raw::new(
        "event trigger",
        "CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION f();",
        "",
    ));
    let d = diagnostics(&db);
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        [Code::RawWithoutDown]
    );
    assert!(
        d[0].origin.to_string().ends_with(&format!(":{line}")),
        "{}",
        d[0].origin
    );
}

#[test]
fn a_raw_object_with_a_psql_meta_command_is_refused() {
    let db = Database::new().raw(Raw::new(
        "shell",
        "SELECT 1;\n\\! rm -rf /tmp/x",
        "SELECT 1;",
    ));
    let d = diagnostics(&db);
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        [Code::UnsafeSqlFragment]
    );
}

#[test]
fn a_declared_object_can_require_a_raw_one() {
    // A view over a table a raw object creates: `required_by` orders the raw object first.
    const RV: ViewRef = ViewRef::new("vs", "over_raw");
    let db = Database::new()
        .schema(Schema::new("vs"))
        .raw(
            Raw::new(
                "legacy table",
                "CREATE TABLE public.legacy (id int);",
                "DROP TABLE public.legacy;",
            )
            .required_by(RV),
        )
        .view(View::new(RV, "SELECT id FROM legacy"));
    let m = first_migration(&db);
    let raw = m.up.find("CREATE TABLE public.legacy").expect("raw");
    let view = m.up.find("CREATE VIEW vs.over_raw").expect("view");
    assert!(raw < view, "{}", m.up);
    let pg = pgharness::database("views_required_by");
    apply_each_ok(&pg, &m.up);
    apply_each_ok(&pg, &m.down);
    assert_eq!(leftovers(&pg), Vec::<String>::new());
}

fn verify(db: &pgharness::TestDb, decl: &Database) -> introspect::Report {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(introspect::verify(
            &db.url,
            decl,
            &introspect::VerifyOptions::default(),
        ))
        .unwrap_or_else(|e| panic!("verify failed: {e}"))
}

#[test]
fn verify_sees_a_view_changed_behind_the_declaration() {
    let decl = common::shop();
    let db = pgharness::database("views_verify");
    apply_ok(&db, &first_migration(&decl).up);
    let clean = verify(&db, &decl);
    assert!(clean.clean, "{}", introspect::drift::text(&clean));

    db.exec("CREATE OR REPLACE VIEW shop.user_spend AS SELECT t.user_id, sum(t.qty) AS qty FROM shop.order_totals t WHERE t.lines > 0 GROUP BY t.user_id");
    db.exec("ALTER VIEW shop.paid_orders RESET (security_invoker)");
    db.exec("DROP INDEX shop.sales_by_country_key");
    let report = verify(&db, &decl);
    let text = introspect::drift::text(&report);
    assert!(!report.clean, "{text}");
    let views: Vec<(String, Option<String>)> = report
        .drift
        .iter()
        .filter(|d| d.kind == "view")
        .map(|d| (d.object.clone(), d.attribute.clone()))
        .collect();
    for want in [
        ("shop.user_spend", "query"),
        ("shop.paid_orders", "security_invoker"),
        ("shop.sales_by_country", "indexes"),
    ] {
        assert!(
            views.contains(&(want.0.to_owned(), Some(want.1.to_owned()))),
            "{want:?} not in {views:?}\n{text}"
        );
    }
}
