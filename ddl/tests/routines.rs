//! Functions with parameter modes and defaults, overloads, procedures and aggregates:
//! validation codes with file:line, the statements written, and the diff's choice between
//! `CREATE OR REPLACE` and drop-and-create with dependents.

use ddl::plan::diff::{diff, rollback};
use ddl::prelude::*;
use ddl::validate::{Code, validate};

const APP: &str = "app";
const F: FunctionRef = FunctionRef::new("app", "f");
const STEP: FunctionRef = FunctionRef::new("app", "step");
const AGG: FunctionRef = FunctionRef::new("app", "agg");
const T: TableRef = TableRef::new("app", "t");
const MOOD: TypeRef = TypeRef::new("app", "mood");
const THIS_FILE: &str = "ddl/tests/routines.rs";

fn app() -> Database {
    Database::new().schema(Schema::new(APP))
}

fn codes(db: &Database) -> Vec<(Code, String)> {
    match validate(db) {
        Ok(()) => Vec::new(),
        Err(d) => {
            d.0.iter()
                .map(|d| {
                    assert!(
                        d.origin.to_string().starts_with(THIS_FILE),
                        "origin {} is not in this file",
                        d.origin
                    );
                    assert!(!d.help.is_empty());
                    (d.code, d.message.clone())
                })
                .collect()
        }
    }
}

fn sql(old: &Database, new: &Database) -> String {
    diff(old, new)
        .expect("plan")
        .iter()
        .flat_map(|c| c.statements())
        .map(|s| s.sql)
        .collect::<Vec<_>>()
        .join("\n")
}

fn down(old: &Database, new: &Database) -> String {
    rollback(new, old)
        .expect("plan")
        .iter()
        .flat_map(|c| c.statements())
        .map(|s| s.sql)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where `needle` is in `text`.
#[track_caller]
fn at(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("{needle} not in:\n{text}"))
}

fn sum(rate_default: Option<&str>) -> Function {
    let f = Function::new(F, INT, "SELECT a + b").arg("a", INT);
    match rate_default {
        Some(d) => f.arg_default("b", INT, d),
        None => f.arg("b", INT),
    }
    .language("sql")
}

#[test]
fn overloads_with_different_input_types_are_two_functions() {
    let db = app()
        .function(
            Function::new(F, INT, "SELECT 1")
                .arg("a", INT)
                .language("sql"),
        )
        .function(
            Function::new(F, INT, "SELECT 2")
                .arg("a", TEXT)
                .language("sql"),
        );
    assert_eq!(codes(&db), vec![]);
    let up = sql(&Database::new(), &db);
    assert!(up.contains("CREATE FUNCTION app.f(a integer)"), "{up}");
    assert!(up.contains("CREATE FUNCTION app.f(a text)"), "{up}");
}

#[test]
fn the_same_signature_twice_is_a_duplicate_even_spelled_differently() {
    let db = app()
        .function(
            Function::new(F, INT, "SELECT 1")
                .arg("a", INT)
                .language("sql"),
        )
        .function(
            Function::new(F, INT, "SELECT 2")
                .arg("b", "int4")
                .language("sql"),
        );
    let c = codes(&db);
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].0, Code::DuplicateObject);
    assert!(c[0].1.contains("app.f(integer)"), "{c:?}");
}

#[test]
fn out_parameters_do_not_make_an_overload() {
    let db = app()
        .function(
            Function::new(F, INT, "SELECT 1")
                .arg("a", INT)
                .language("sql"),
        )
        .function(
            Function::new(F, "", "SELECT 1")
                .arg("a", INT)
                .out_arg("b", TEXT)
                .language("sql"),
        );
    assert_eq!(codes(&db)[0].0, Code::DuplicateObject);
}

#[test]
fn a_parameter_without_default_after_one_with_is_reported() {
    let db = app().function(
        Function::new(F, INT, "SELECT 1")
            .arg_default("a", INT, "1")
            .arg("b", INT)
            .language("sql"),
    );
    let c = codes(&db);
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].0, Code::FunctionDefaultNotTrailing);
    assert!(c[0].1.contains("`b`"), "{c:?}");
}

#[test]
fn an_input_parameter_after_variadic_is_reported_and_out_is_not() {
    let bad = app().function(
        Function::new(F, INT, "SELECT 1")
            .variadic_arg("xs", array(INT))
            .arg("b", INT)
            .language("sql"),
    );
    assert_eq!(codes(&bad)[0].0, Code::FunctionVariadicNotLast);
    let good = app().function(
        Function::new(F, "", "SELECT 1")
            .variadic_arg("xs", array(INT))
            .out_arg("n", INT)
            .language("sql"),
    );
    assert_eq!(codes(&good), vec![]);
}

#[test]
fn rows_on_a_function_returning_one_value_is_reported() {
    let db = app().function(Function::new(F, INT, "SELECT 1").rows(10).language("sql"));
    assert_eq!(codes(&db)[0].0, Code::FunctionRowsWithoutSet);
    let set = app().function(
        Function::new(F, "", "SELECT 1")
            .returns_setof(INT)
            .rows(10)
            .language("sql"),
    );
    assert_eq!(codes(&set), vec![]);
}

#[test]
fn a_procedure_with_function_attributes_is_reported() {
    let db = app().function(Function::procedure(F, "BEGIN END").stable().cost(5));
    let c = codes(&db);
    assert_eq!(c[0].0, Code::ProcedureAttribute);
    assert!(
        c[0].1.contains("STABLE") && c[0].1.contains("COST"),
        "{c:?}"
    );
}

#[test]
fn an_aggregate_with_an_undeclared_state_function_is_reported() {
    let db = app().aggregate(Aggregate::new(AGG, [INT], STEP, INT));
    let c = codes(&db);
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].0, Code::AggregateUnknownFunction);
    assert!(c[0].1.contains("app.step"), "{c:?}");
    let builtin = app().aggregate(Aggregate::new(
        AGG,
        [INT],
        FunctionRef::builtin("pg_catalog", "int4pl"),
        INT,
    ));
    assert_eq!(codes(&builtin), vec![]);
}

#[test]
fn parameters_are_written_with_modes_defaults_and_typed_types() {
    let db = app().enum_type(EnumType::new(MOOD, ["a", "b"])).function(
        Function::new(F, "", "SELECT 1, 'x'")
            .arg("p", MOOD)
            .unnamed_arg(varchar(10))
            .arg_default("q", array(TEXT), "'{}'")
            .out_arg("n", INT)
            .out_arg("s", TEXT)
            .language("sql")
            .stable()
            .parallel_safe()
            .cost(5),
    );
    assert_eq!(codes(&db), vec![]);
    let up = sql(&Database::new(), &db);
    assert!(
        up.contains("CREATE FUNCTION app.f(p app.mood, varchar(10), q text[] DEFAULT '{}', OUT n integer, OUT s text)\n    LANGUAGE sql\n    STABLE\n    PARALLEL SAFE\n    COST 5"),
        "{up}"
    );
    // The enum comes first: the function's signature uses it.
    assert!(at(&up, "CREATE TYPE") < at(&up, "CREATE FUNCTION"));
    assert!(
        down(&Database::new(), &db).contains("DROP FUNCTION app.f(app.mood, varchar(10), text[]);")
    );
}

#[test]
fn returns_table_and_procedures_and_aggregates_are_written() {
    let db = app()
        .function(
            Function::new(F, "", "SELECT 1, 'x'")
                .returns_column("id", INT)
                .returns_column("name", TEXT)
                .language("sql"),
        )
        .function(Function::procedure(FunctionRef::new("app", "p"), "BEGIN END").arg("x", INT))
        .function(
            Function::new(STEP, INT, "SELECT s + v")
                .arg("s", INT)
                .arg("v", INT)
                .language("sql"),
        )
        .aggregate(Aggregate::new(AGG, [INT], STEP, INT).initial("0"));
    assert_eq!(codes(&db), vec![]);
    let up = sql(&Database::new(), &db);
    assert!(
        up.contains("CREATE FUNCTION app.f()\n    RETURNS TABLE (id integer, name text)"),
        "{up}"
    );
    assert!(
        up.contains("CREATE PROCEDURE app.p(x integer)\n    LANGUAGE plpgsql\nAS"),
        "{up}"
    );
    assert!(up.contains("CREATE AGGREGATE app.agg(integer) (\n    SFUNC = app.step,\n    STYPE = integer,\n    INITCOND = '0'\n);"), "{up}");
    assert!(at(&up, "CREATE FUNCTION app.step") < at(&up, "CREATE AGGREGATE"));
    let d = down(&Database::new(), &db);
    assert!(d.contains("DROP PROCEDURE app.p(integer);"), "{d}");
    assert!(
        at(&d, "DROP AGGREGATE app.agg(integer);") < at(&d, "DROP FUNCTION app.step"),
        "{d}"
    );
}

#[test]
fn a_new_body_or_an_added_default_is_replaced_in_place() {
    let old = app().function(sum(None));
    let new = app().function(sum(Some("1")).stable());
    let up = sql(&old, &new);
    assert!(up.starts_with("CREATE OR REPLACE FUNCTION"), "{up}");
    assert!(!up.contains("DROP"), "{up}");
}

#[test]
fn a_removed_default_or_renamed_parameter_drops_and_creates() {
    let old = app().function(sum(Some("1")));
    let up = sql(&old, &app().function(sum(None)));
    assert!(
        up.starts_with("DROP FUNCTION app.f(integer, integer);"),
        "{up}"
    );
    assert!(up.contains("\nCREATE FUNCTION app.f"), "{up}");
    // Down adds the default back: in place.
    assert!(down(&old, &app().function(sum(None))).starts_with("CREATE OR REPLACE"));
    let renamed = app().function(
        Function::new(F, INT, "SELECT x + b")
            .arg("x", INT)
            .arg_default("b", INT, "1")
            .language("sql"),
    );
    assert!(sql(&old, &renamed).starts_with("DROP FUNCTION"));
}

#[test]
fn a_changed_return_type_recreates_the_checks_and_defaults_calling_it() {
    let table = |ty: ColumnType| {
        app()
            .function(Function::new(F, ty, "SELECT 1").language("sql").immutable())
            .table(
                Table::new(T)
                    .column(col("a", INT).default("app.f()"))
                    .check("a_ok", "a <= app.f()"),
            )
    };
    let (old, new) = (table(INT), table(BIGINT));
    let up = sql(&old, &new);
    let pos = |s: &str| up.find(s).unwrap_or_else(|| panic!("{s} not in:\n{up}"));
    assert!(pos("DROP CONSTRAINT a_ok") < pos("DROP FUNCTION"), "{up}");
    assert!(
        pos("ALTER COLUMN a DROP DEFAULT") < pos("DROP FUNCTION"),
        "{up}"
    );
    assert!(
        pos("CREATE FUNCTION") < pos("ADD CONSTRAINT a_ok CHECK (a <= app.f())"),
        "{up}"
    );
    assert!(pos("CREATE FUNCTION") < pos("SET DEFAULT app.f()"), "{up}");
}

#[test]
fn a_table_row_type_argument_orders_the_function_after_the_table() {
    let db = app()
        .function(
            Function::new(F, TEXT, "SELECT r.name")
                .arg("r", T)
                .language("sql"),
        )
        .table(Table::new(T).column(col("name", TEXT)));
    let up = sql(&Database::new(), &db);
    assert!(up.contains("CREATE FUNCTION app.f(r app.t)"), "{up}");
    assert!(
        at(&up, "CREATE TABLE app.t") < at(&up, "CREATE FUNCTION app.f"),
        "{up}"
    );
}

#[test]
fn adding_or_removing_an_overload_leaves_the_other_alone() {
    let one = app().function(
        Function::new(F, INT, "SELECT 1")
            .arg("a", INT)
            .language("sql"),
    );
    let two = one.clone().function(
        Function::new(F, INT, "SELECT 2")
            .arg("a", TEXT)
            .language("sql"),
    );
    assert_eq!(
        sql(&one, &two),
        "CREATE FUNCTION app.f(a text)\n    RETURNS integer\n    LANGUAGE sql\nAS $$SELECT 2$$;"
    );
    assert_eq!(sql(&two, &one), "DROP FUNCTION app.f(text);");
}

#[test]
fn a_function_becoming_a_procedure_is_dropped_and_created() {
    let f = app().function(Function::new(F, "void", "BEGIN END").arg("a", INT));
    let p = app().function(Function::procedure(F, "BEGIN END").arg("a", INT));
    let up = sql(&f, &p);
    assert!(
        at(&up, "DROP FUNCTION app.f(integer);") < at(&up, "CREATE PROCEDURE app.f(a integer)"),
        "{up}"
    );
    assert!(down(&f, &p).contains("DROP PROCEDURE app.f(integer);"));
}

#[test]
fn a_default_that_escapes_its_statement_is_refused_and_an_initial_condition_is_quoted() {
    let db = app().function(
        Function::new(F, INT, "SELECT a")
            .arg_default("a", INT, "1); DROP TABLE x; --")
            .language("sql"),
    );
    assert_eq!(codes(&db)[0].0, Code::UnsafeSqlFragment);
    let agg = app()
        .function(
            Function::new(STEP, TEXT, "SELECT s || v")
                .arg("s", TEXT)
                .arg("v", TEXT)
                .language("sql"),
        )
        .aggregate(Aggregate::new(AGG, [TEXT], STEP, TEXT).initial("it's"));
    assert_eq!(codes(&agg), vec![]);
    assert!(sql(&Database::new(), &agg).contains("INITCOND = 'it''s'"));
}
