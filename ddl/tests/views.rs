//! Views, materialized views and raw objects in the engine: validation codes, the order
//! the planner derives, and how changes are planned (in place, or rebuilt with dependents).

use ddl::migration::{Existing, Generated, Outcome, next_migration};
use ddl::prelude::*;
use ddl::validate::{Code, validate};

const T: TableRef = TableRef::new("vw", "t");
const V: ViewRef = ViewRef::new("vw", "v");
const W: ViewRef = ViewRef::new("vw", "w");
const READER: FunctionRef = FunctionRef::new("vw", "reader");

fn base() -> Database {
    Database::new().schema(Schema::new("vw")).table(
        Table::new(T)
            .column(col("id", INT).primary_key())
            .column(col("a", TEXT)),
    )
}

fn codes(db: &Database) -> Vec<Code> {
    validate(db).err().map(|d| d.codes()).unwrap_or_default()
}

fn first(db: &Database) -> Generated {
    match next_migration(&Existing::default(), db, None) {
        Ok(Outcome::New(g)) => *g,
        other => panic!("{other:?}"),
    }
}

fn step(from: &Database, to: &Database) -> Generated {
    let g = first(from);
    let existing = Existing {
        files: vec![(g.up_file(), g.up.clone()), (g.down_file(), g.down.clone())],
        snapshot: Some(g.snapshot.clone()),
        sum: Some(g.sum.clone()),
    };
    match next_migration(&existing, to, None) {
        Ok(Outcome::New(g)) => *g,
        other => panic!("{other:?}"),
    }
}

fn position(text: &str, what: &str) -> usize {
    text.find(what)
        .unwrap_or_else(|| panic!("{what} not in:\n{text}"))
}

#[test]
fn hostile_view_names_and_queries_are_refused() {
    const BAD: ViewRef = ViewRef::new("vw", "v\nDROP TABLE x");
    let db = base().view(View::new(BAD, "SELECT 1"));
    assert!(codes(&db).contains(&Code::IdentifierControlCharacter));
    let db = base().view(View::new(V, "SELECT 1; DROP TABLE vw.t"));
    assert_eq!(codes(&db), [Code::UnsafeSqlFragment]);
    let db = base().view(View::new(V, "SELECT 1 -- hides the rest"));
    assert_eq!(codes(&db), [Code::UnsafeSqlFragment]);
}

#[test]
fn options_of_the_other_kind_of_view_are_refused() {
    let db = base().view(View::materialized(V, "SELECT 1 AS one").security_barrier());
    assert_eq!(codes(&db), [Code::ViewOptionInvalid]);
    let db = base().view(View::new(V, "SELECT 1 AS one").index(Index::on(["one"])));
    assert_eq!(codes(&db), [Code::ViewOptionInvalid]);
}

#[test]
fn triggers_on_views_must_be_instead_of_row_or_statement_level() {
    let trigger_fn = Function::trigger(READER, "BEGIN RETURN NEW; END");
    let db = base().function(trigger_fn.clone()).view(
        View::new(V, "SELECT id FROM vw.t").trigger(Trigger::before("b", READER).on_insert()),
    );
    assert_eq!(codes(&db), [Code::TriggerTimingInvalid]);
    let db = base().function(trigger_fn).table(
        Table::new(TableRef::new("vw", "u"))
            .column(col("id", INT))
            .trigger(Trigger::instead_of("i", READER).on_insert()),
    );
    assert_eq!(codes(&db), [Code::TriggerTimingInvalid]);
}

#[test]
fn undeclared_dependencies_and_duplicate_names_are_reported() {
    let db = base().view(View::new(V, "SELECT 1 AS one").depends_on(W));
    assert_eq!(codes(&db), [Code::UnknownDependency]);
    let db = base().view(View::new(ViewRef::new("vw", "t"), "SELECT 1 AS one"));
    assert_eq!(codes(&db), [Code::DuplicateObject]);
    let db = base().raw(Raw::new("r", "SELECT 1", "SELECT 1").required_by(V));
    assert_eq!(codes(&db), [Code::UnknownDependency]);
}

#[test]
fn a_view_comes_after_what_its_query_names_and_before_what_reads_it() {
    let db = base()
        .function(Function::new(READER, "bigint", "SELECT count(*) FROM vw.w").language("sql"))
        .view(View::new(W, "SELECT x.id FROM vw.v x"))
        .view(View::new(V, "SELECT id, a FROM vw.t"));
    let up = first(&db).up;
    let t = position(&up, "CREATE TABLE vw.t");
    let v = position(&up, "CREATE VIEW vw.v");
    let w = position(&up, "CREATE VIEW vw.w");
    let f = position(&up, "CREATE FUNCTION vw.reader");
    assert!(t < v && v < w && w < f, "{up}");
}

#[test]
fn rebuilding_a_view_rebuilds_a_function_whose_sql_body_reads_it() {
    let with = |query: &str| {
        base()
            .function(Function::new(READER, "bigint", "SELECT count(*) FROM vw.v").language("sql"))
            .view(View::new(V, query))
    };
    let m = step(
        &with("SELECT id FROM vw.t"),
        &with("SELECT id, a FROM vw.t"),
    );
    let order = [
        "DROP FUNCTION vw.reader",
        "DROP VIEW vw.v;",
        "CREATE VIEW vw.v",
        "CREATE FUNCTION vw.reader",
    ]
    .map(|s| position(&m.up, s));
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{}", m.up);
}

#[test]
fn a_dropped_column_rebuilds_only_the_views_that_name_it() {
    let from = base()
        .view(View::new(V, "SELECT id, a FROM vw.t"))
        .view(View::new(W, "SELECT id FROM vw.t"));
    let mut to = from.clone();
    to.tables[0].columns.retain(|c| c.name != "a");
    to.views[0] = View::new(V, "SELECT id FROM vw.t");
    let m = step(&from, &to);
    assert!(m.up.contains("DROP VIEW vw.v;"), "{}", m.up);
    assert!(
        !m.up.contains("vw.w"),
        "w does not use the column:\n{}",
        m.up
    );
    assert!(position(&m.up, "DROP VIEW vw.v;") < position(&m.up, "DROP COLUMN a"));
}

#[test]
fn a_changed_raw_object_is_dropped_with_its_old_down_and_created_with_its_new_up() {
    let with = |up: &str, down: &str| base().raw(Raw::new("r", up, down).depends_on(T));
    let m = step(
        &with(
            "COMMENT ON TABLE vw.t IS 'one'",
            "COMMENT ON TABLE vw.t IS NULL",
        ),
        &with(
            "COMMENT ON TABLE vw.t IS 'two'",
            "COMMENT ON TABLE vw.t IS NULL; SELECT 2",
        ),
    );
    assert!(
        position(&m.up, "COMMENT ON TABLE vw.t IS NULL;\n") < position(&m.up, "IS 'two';"),
        "{}",
        m.up
    );
    assert!(
        !m.up.contains("SELECT 2"),
        "the old down is used:\n{}",
        m.up
    );
    assert!(m.down.contains("SELECT 2;"), "{}", m.down);
}

#[test]
fn the_same_declaration_gives_the_same_bytes() {
    let db = base()
        .view(View::new(W, "SELECT x.id FROM vw.v x"))
        .view(View::new(V, "SELECT id, a FROM vw.t"))
        .raw(Raw::new("r", "SELECT 1", "SELECT 2").depends_on(W));
    let a = first(&db).up;
    for _ in 0..20 {
        assert_eq!(first(&db).up, a);
    }
}

#[test]
fn a_query_keeping_typed_columns_is_replaced_and_one_retyping_them_is_rebuilt() {
    let with = |query: &str, ty: ColumnType| {
        base()
            .view(View::new(V, query).typed_columns([("id", ty)]))
            .view(View::new(W, "SELECT x.id FROM vw.v x"))
    };
    let same = step(
        &with("SELECT id FROM vw.t", INT),
        &with("SELECT id FROM vw.t WHERE a IS NULL", INT),
    );
    assert!(
        same.up.contains("CREATE OR REPLACE VIEW vw.v"),
        "{}",
        same.up
    );
    assert!(!same.up.contains("vw.w"), "{}", same.up);
    let retyped = step(
        &with("SELECT id FROM vw.t", INT),
        &with("SELECT id::bigint AS id FROM vw.t", BIGINT),
    );
    let order = [
        "DROP VIEW vw.w;",
        "DROP VIEW vw.v;",
        "CREATE VIEW vw.v",
        "CREATE VIEW vw.w",
    ]
    .map(|s| position(&retyped.up, s));
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{}", retyped.up);
}

#[test]
fn a_typed_view_gets_a_read_only_entity_and_an_untyped_one_none() {
    let db = base()
        .view(View::new(V, "SELECT id, a FROM vw.t").typed_columns([("id", INT), ("a", TEXT)]))
        .view(View::new(W, "SELECT id FROM vw.t"));
    let files = ddl::entity::files(&db);
    let v = files
        .iter()
        .find(|f| f.path == "vw/v.rs")
        .expect("an entity for the typed view");
    assert!(
        v.content
            .contains("//! The read-only entity of view `vw.v`."),
        "{}",
        v.content
    );
    assert!(
        v.content.contains("pub a: Option<String>,"),
        "{}",
        v.content
    );
    assert!(
        v.content.contains("its entity is read-only (save)"),
        "{}",
        v.content
    );
    assert!(files.iter().all(|f| f.path != "vw/w.rs"));
    let lib = files.iter().find(|f| f.path == "lib.rs").expect("lib.rs");
    assert!(
        !lib.content.contains("vw::v"),
        "views are not in for_each_entity:\n{}",
        lib.content
    );
}

#[test]
fn a_view_named_like_a_type_or_an_index_is_reported() {
    let db = base()
        .enum_type(EnumType::new(TypeRef::new("vw", "v"), ["a"]))
        .view(View::new(V, "SELECT 1 AS one"));
    assert_eq!(codes(&db), [Code::DuplicateObject]);
    let mut db = base().view(View::new(V, "SELECT 1 AS one"));
    db.tables[0] = db.tables[0].clone().index(Index::named("v", ["a"]));
    assert_eq!(codes(&db), [Code::DuplicateObject]);
    let db =
        base().view(View::materialized(V, "SELECT 1 AS one").index(Index::named("t", ["one"])));
    assert_eq!(codes(&db), [Code::DuplicateIndex]);
}

#[test]
fn a_view_trigger_comes_after_the_function_its_when_condition_calls() {
    const ENABLED: FunctionRef = FunctionRef::new("vw", "enabled");
    // `enabled` reads view w, so it comes late; the trigger on v must wait for it.
    let db = base()
        .function(Function::trigger(READER, "BEGIN RETURN NULL; END"))
        .function(
            Function::new(ENABLED, "boolean", "SELECT count(*) > 0 FROM vw.w").language("sql"),
        )
        .view(View::new(W, "SELECT id FROM vw.t"))
        .view(
            View::new(V, "SELECT id FROM vw.t").trigger(
                Trigger::after("audit", READER)
                    .on_insert()
                    .for_each_statement()
                    .when("vw.enabled()"),
            ),
        );
    let up = first(&db).up;
    let f = position(&up, "CREATE FUNCTION vw.enabled");
    let tr = position(&up, "CREATE TRIGGER audit");
    assert!(f < tr, "{up}");
}
