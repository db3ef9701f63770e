//! Functions as PostgreSQL has them, against PostgreSQL 15: parameter modes and defaults,
//! overloads, procedures and aggregates land in `pg_proc` and `pg_aggregate` as declared
//! and behave; and a series of edits over functions, each migration's up equal to
//! generating from scratch and its down, run statement by statement, restoring the step
//! before. A function called with its defaulted parameter left out works after every step.

#[path = "../../ddl/tests/common/mod.rs"]
mod common;

use ddl::migration::Existing;
use ddl::prelude::*;
use pgharness::TestDb;
use tests::{
    apply_each_ok, apply_ok, apply_step, catalog, first_migration, leftovers, migration_from,
    step_files,
};

fn one(db: &TestDb, sql: &str) -> String {
    db.exec(sql)
}

#[test]
fn shop_routines_land_in_the_catalogs_as_declared() {
    let db = pgharness::database("fn_catalogs");
    let decl = common::shop();
    let m = first_migration(&decl);
    apply_ok(&db, &m.up);
    let diffs = catalog::differences(&db, &decl);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    // OUT parameters and a default.
    assert_eq!(
        one(
            &db,
            "SELECT proargmodes::text, pronargdefaults, pg_get_expr(proargdefaults, 0) FROM pg_proc WHERE proname = 'order_totals'"
        ),
        "{i,o,o}|1|'paid'::shop.order_status"
    );
    // The overload pair: two rows, parallel safe, one leakproof.
    assert_eq!(
        one(
            &db,
            "SELECT string_agg(oid::regprocedure::text || ' ' || proparallel::text || ' ' || proleakproof::text, '; ' ORDER BY oid::regprocedure::text) FROM pg_proc WHERE proname = 'price_with_tax'"
        ),
        "shop.price_with_tax(bigint) s true; shop.price_with_tax(numeric,numeric) s false"
    );
    assert_eq!(
        one(
            &db,
            "SELECT prokind FROM pg_proc WHERE proname = 'archive_orders'"
        ),
        "p"
    );
    assert_eq!(
        one(
            &db,
            "SELECT p.prokind, a.aggtransfn::regproc::text, format_type(a.aggtranstype, NULL), a.agginitval
               FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid WHERE p.proname = 'concat_all'"
        ),
        "a|shop.text_concat_step|text|"
    );
    apply_ok(&db, &m.down);
    assert_eq!(leftovers(&db), Vec::<String>::new());
}

#[test]
fn shop_routines_can_be_called() {
    let db = pgharness::database("fn_behaviour");
    apply_ok(&db, &first_migration(&common::shop()).up);
    // The default fills in the omitted parameter; each overload answers its own type.
    assert_eq!(one(&db, "SELECT shop.price_with_tax(100.0)"), "120.00");
    assert_eq!(one(&db, "SELECT shop.price_with_tax(100.0, 0.1)"), "110.00");
    assert_eq!(one(&db, "SELECT shop.price_with_tax(100::bigint)"), "120");
    assert_eq!(
        one(&db, "SELECT n || '/' || id_sum FROM shop.order_totals()"),
        "0/0"
    );
    db.exec("CALL shop.archive_orders(10)");
    assert_eq!(
        one(
            &db,
            "SELECT shop.concat_all(x ORDER BY x) FROM (VALUES ('b'), ('a'), ('c')) v(x)"
        ),
        "a,b,c"
    );
}

const FX: &str = "fx";
const ITEMS: TableRef = TableRef::new("fx", "items");
const MOOD: TypeRef = TypeRef::new("fx", "mood");
const PRICE: FunctionRef = FunctionRef::new("fx", "price");
const PRICE_TWICE: FunctionRef = FunctionRef::new("fx", "price_twice");
const MAX_QTY: FunctionRef = FunctionRef::new("fx", "max_qty");
const NORM: FunctionRef = FunctionRef::new("fx", "norm");
const STAMP: FunctionRef = FunctionRef::new("fx", "stamp");
const RECOUNT: FunctionRef = FunctionRef::new("fx", "recount");
const ADD_STEP: FunctionRef = FunctionRef::new("fx", "add_step");
const TOTAL: FunctionRef = FunctionRef::new("fx", "total");
const STATS: FunctionRef = FunctionRef::new("fx", "stats");
const VISIBLE: FunctionRef = FunctionRef::new("fx", "visible");

/// What each step of the series changes, in order; step `n` has the first `n` edits.
const EDITS: &[&str] = &[
    "initial: price with a defaulted rate, a check and a default calling max_qty, an index on norm(label), a trigger",
    "price: new body (replaced in place)",
    "price: a new parameter with a default (a new signature: dropped and created)",
    "price: a parameter renamed (dropped and created, with price_twice that calls it)",
    "price: volatility changed (replaced in place)",
    "max_qty: return type changed (dropped and created; the check and the default with it)",
    "price: an overload taking text added",
    "norm: new body (replaced in place)",
    "norm: return type changed (dropped and created; the index with it)",
    "recount: a procedure added",
    "total: an aggregate added over add_step",
    "total: initial condition changed (aggregate dropped and created)",
    "price: the text overload removed",
    "stats: OUT parameters with a default added",
    "stats: one more OUT parameter (dropped and created)",
    "stamp: SET search_path added (replaced in place)",
    "visible: a policy's function gets a parameter renamed (dropped and created; the policy with it)",
];

fn price(step: usize) -> Function {
    let body = if step >= 1 {
        "SELECT round(p_net * (1 + p_rate), 2)"
    } else {
        "SELECT (p_net * (1 + p_rate))::numeric(10, 2)"
    };
    let rate = if step >= 3 { "p_tax" } else { "p_rate" };
    let body = body.replace("p_rate", rate);
    let mut f = Function::new(PRICE, NUMERIC, &body)
        .arg("p_net", NUMERIC)
        .arg_default(rate, NUMERIC, "0.2");
    if step >= 2 {
        f = f.arg_default("p_digits", INT, "2");
    }
    f = f.language("sql");
    if step >= 4 { f.immutable() } else { f.stable() }
}

fn series(step: usize) -> Database {
    let mut db = Database::new()
        .schema(Schema::new(FX))
        .enum_type(EnumType::new(MOOD, ["calm", "busy"]))
        .function(price(step))
        .function(
            Function::new(PRICE_TWICE, NUMERIC, "SELECT fx.price(p) * 2")
                .arg("p", NUMERIC)
                .language("sql")
                .depends_on_function(PRICE),
        )
        .function(
            Function::new(MAX_QTY, if step >= 5 { BIGINT } else { INT }, "SELECT 100")
                .language("sql")
                .immutable(),
        )
        .function(
            Function::new(
                NORM,
                if step >= 8 { varchar(200) } else { TEXT },
                if step >= 7 {
                    "SELECT lower(trim(t))"
                } else {
                    "SELECT lower(t)"
                },
            )
            .arg("t", TEXT)
            .language("sql")
            .immutable(),
        )
        .function({
            let f = Function::trigger(
                STAMP,
                "BEGIN\n  NEW.label := coalesce(NEW.label, 'none');\n  RETURN NEW;\nEND",
            );
            if step >= 15 {
                f.set("search_path", "pg_catalog")
            } else {
                f
            }
        })
        .table(
            Table::new(ITEMS)
                .column(col("id", BIGINT).primary_key())
                .column(col("label", TEXT))
                .column(col("qty", INT).not_null().default("fx.max_qty()"))
                .column(col("mood", enum_type(MOOD)))
                .check("items_qty_ok", "qty <= fx.max_qty()")
                .index(
                    Index::on([])
                        .name("items_label_norm")
                        .expr("fx.norm(label)"),
                )
                .trigger(
                    Trigger::before("items_stamp", STAMP)
                        .on_insert()
                        .on_update(),
                )
                .enable_rls()
                .policy(Policy::new("items_visible").using("fx.visible(id)")),
        )
        .function({
            let p = if step >= 16 { "p_item" } else { "p_id" };
            Function::new(VISIBLE, BOOL, &format!("SELECT {p} > 0"))
                .arg(p, BIGINT)
                .language("sql")
                .stable()
        });
    if (6..12).contains(&step) {
        db = db.function(
            Function::new(PRICE, TEXT, "SELECT 'price of ' || p_label")
                .arg("p_label", TEXT)
                .language("sql"),
        );
    }
    if step >= 9 {
        db = db.function(
            Function::procedure(
                RECOUNT,
                "BEGIN\n  UPDATE fx.items SET qty = qty WHERE qty >= p_min;\nEND",
            )
            .arg_default("p_min", INT, "0"),
        );
    }
    if step >= 10 {
        db = db
            .function(
                Function::new(ADD_STEP, NUMERIC, "SELECT s + v")
                    .arg("s", NUMERIC)
                    .arg("v", NUMERIC)
                    .language("sql")
                    .immutable()
                    .parallel_safe(),
            )
            .aggregate(
                Aggregate::new(TOTAL, [NUMERIC], ADD_STEP, NUMERIC).initial(if step >= 11 {
                    "1"
                } else {
                    "0"
                }),
            );
    }
    if step >= 13 {
        let mut f = Function::new(
            STATS,
            "record",
            if step >= 14 {
                "SELECT count(*), coalesce(sum(qty), 0), coalesce(max(qty), 0) FROM fx.items WHERE qty >= p_min"
            } else {
                "SELECT count(*), coalesce(sum(qty), 0) FROM fx.items WHERE qty >= p_min"
            },
        )
        .arg_default("p_min", INT, "0")
        .out_arg("n", BIGINT)
        .out_arg("total", BIGINT);
        if step >= 14 {
            f = f.out_arg("top", INT);
        }
        db = db.function(f.language("sql").stable().depends_on_table(ITEMS));
    }
    db
}

const SEED: &str =
    "INSERT INTO fx.items (id, label, mood) VALUES (1, 'Apple ', 'calm'), (2, NULL, 'busy');
                    INSERT INTO fx.items (id, label, qty) VALUES (3, 'pear', 7);";
const ROWS: &str = "SELECT string_agg(id || ':' || coalesce(label, '-') || ':' || qty || ':' || coalesce(mood::text, '-'), ',' ORDER BY id) FROM fx.items";

/// The schema and the seeded rows, as a step is compared with another.
fn state(db: &TestDb) -> (String, String) {
    (db.schema_dump(), db.exec(ROWS))
}

/// Calls with defaulted parameters left out, which every step must keep working.
fn callers_work(db: &TestDb, step: usize) {
    assert_eq!(db.exec("SELECT fx.price(10)"), "12.00", "step {step}");
    assert_eq!(db.exec("SELECT fx.price_twice(10)"), "24.00", "step {step}");
    if (6..12).contains(&step) {
        assert_eq!(db.exec("SELECT fx.price('x'::text)"), "price of x");
    }
    if step >= 9 {
        db.exec("CALL fx.recount()");
    }
    if step >= 10 {
        let start = if step >= 11 { 1 } else { 0 };
        assert_eq!(
            db.exec("SELECT fx.total(qty) FROM fx.items"),
            (start + 207).to_string(),
            "step {step}"
        );
    }
    if step >= 13 {
        assert_eq!(db.exec("SELECT n || '/' || total FROM fx.stats()"), "3/207");
    }
}

#[test]
fn a_series_of_function_edits_migrates_like_from_scratch_and_rolls_back_each_step() {
    assert!(EDITS.len() >= 12);
    let stepwise = pgharness::database("fn_series");
    let first = first_migration(&series(0));
    apply_ok(&stepwise, &first.up);
    stepwise.exec(SEED);
    callers_work(&stepwise, 0);
    let mut existing = Existing {
        files: step_files(&first),
        snapshot: Some(first.snapshot.clone()),
        sum: Some(first.sum.clone()),
    };
    let mut before = state(&stepwise);
    for (step, edit) in EDITS.iter().enumerate().skip(1) {
        let decl = series(step);
        let m = migration_from(&existing, &decl);
        if std::env::var("FN_SERIES_PRINT").is_ok() {
            eprintln!("==== step {step}\n{}\n---- down\n{}", m.up, m.down);
        }
        apply_step(&stepwise, &m);
        callers_work(&stepwise, step);

        let scratch = pgharness::database(&format!("fn_series_{step}"));
        apply_ok(&scratch, &first_migration(&decl).up);
        scratch.exec(SEED);
        let after = state(&stepwise);
        assert_eq!(
            after,
            state(&scratch),
            "step {step} ({edit}): up differs from generating from scratch\n{}",
            m.up
        );
        let diffs = catalog::differences(&stepwise, &decl);
        assert!(diffs.is_empty(), "step {step}: {}", diffs.join("\n"));

        // Down (the follow-up's first: concurrent index builds), one statement at a time,
        // restores the step before; then up again.
        if let Some(f) = &m.follow_up {
            apply_each_ok(&stepwise, &f.down);
        }
        apply_each_ok(&stepwise, &m.down);
        assert_eq!(
            state(&stepwise),
            before,
            "step {step} ({edit}): down does not restore the step before\n{}",
            m.down
        );
        callers_work(&stepwise, step - 1);
        apply_step(&stepwise, &m);
        callers_work(&stepwise, step);

        existing.files.extend(step_files(&m));
        existing.snapshot = Some(m.snapshot.clone());
        existing.sum = Some(m.sum.clone());
        before = after;
    }
}

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

fn verify(db: &TestDb, decl: &Database) -> introspect::drift::Report {
    block(introspect::verify(
        &db.url,
        decl,
        &introspect::VerifyOptions::default(),
    ))
    .unwrap_or_else(|e| panic!("verify failed: {e}"))
}

#[test]
fn verify_sees_a_removed_default_and_missing_overloads_and_repairs_them() {
    let db = pgharness::database("fn_verify");
    let decl = common::shop();
    apply_ok(&db, &first_migration(&decl).up);
    assert!(verify(&db, &decl).clean);
    db.exec(
        "DROP FUNCTION shop.price_with_tax(bigint);
         DROP AGGREGATE shop.concat_all(text);
         DROP FUNCTION shop.price_with_tax(numeric, numeric);
         CREATE FUNCTION shop.price_with_tax(p_net numeric, p_rate numeric) RETURNS numeric
           LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$SELECT round(p_net * (1 + p_rate), 2)$$;",
    );
    let report = verify(&db, &decl);
    let text = introspect::drift::text(&report);
    assert!(!report.clean, "{text}");
    for expected in [
        "shop.price_with_tax(bigint)",
        "shop.concat_all(text)",
        "shop.price_with_tax",
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
    assert!(
        report
            .drift
            .iter()
            .any(|d| d.object == "shop.price_with_tax" && d.attribute.as_deref() == Some("args")),
        "{text}"
    );
    apply_ok(&db, &report.sql.join("\n"));
    let again = verify(&db, &decl);
    assert!(again.clean, "{}", introspect::drift::text(&again));
    assert_eq!(one(&db, "SELECT shop.price_with_tax(100.0)"), "120.00");
}
