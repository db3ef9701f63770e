//! Every dependency PostgreSQL enforces is an edge of the plan: functions over row types,
//! PL/pgSQL DECLARE sections, `LANGUAGE sql` bodies reading tables, policies and triggers
//! calling functions that are dropped before their table, triggers on functions PostgreSQL
//! or an extension provides. Up applies, and down leaves an empty database, both in one
//! transaction and statement by statement.

use ddl::migration::Existing;
use ddl::prelude::*;
use tests::{apply_each_ok, apply_ok, existing_after, first_migration, leftovers, migration_from};

const USERS: TableRef = TableRef::new("dep", "users");
const DOCS: TableRef = TableRef::new("dep", "docs");
const CODES: TableRef = TableRef::new("dep", "codes");
const REFS: TableRef = TableRef::new("dep", "refs");
const MOOD: TypeRef = TypeRef::new("dep", "mood");

const VISIBLE_USER_IDS: FunctionRef = FunctionRef::new("dep", "visible_user_ids");
const STAMP: FunctionRef = FunctionRef::new("dep", "stamp");
const USER_BY_ID: FunctionRef = FunctionRef::new("dep", "user_by_id");
const USERS_NAMED: FunctionRef = FunctionRef::new("dep", "users_named");
const USER_LABEL: FunctionRef = FunctionRef::new("dep", "user_label");
const USER_ROWS: FunctionRef = FunctionRef::new("dep", "user_rows");
const FIRST_ID: FunctionRef = FunctionRef::new("dep", "first_id");
const CLEAN: FunctionRef = FunctionRef::new("dep", "clean");
const TSVECTOR_UPDATE: FunctionRef = FunctionRef::builtin("pg_catalog", "tsvector_update_trigger");
const LO_MANAGE: FunctionRef = FunctionRef::of_extension("lo", "public", "lo_manage");

/// The function read by policies of two tables, and the policies.
fn visibility(db: Database, with: bool) -> Database {
    if !with {
        return db;
    }
    let db = db.function(
        Function::new(
            VISIBLE_USER_IDS,
            "SETOF bigint",
            "SELECT id FROM dep.users WHERE tenant_id = 1",
        )
        .language("sql")
        .stable(),
    );
    let mut db = db;
    for t in &mut db.tables {
        let column = match t.name.name.as_str() {
            "users" => "id",
            "docs" => "owner_id",
            _ => continue,
        };
        t.policies.push(
            Policy::new(&format!("{}_visible", t.name.name))
                .using(format!("{column} IN (SELECT dep.visible_user_ids())")),
        );
    }
    db
}

/// Each pattern of issue 7 in one declaration; `policies` adds the function read by the
/// policies of two tables.
fn declaration(policies: bool) -> Database {
    let db = Database::new()
        .extension(Extension::new("lo"))
        .schema(Schema::new("dep"))
        .enum_type(EnumType::new(MOOD, ["calm", "busy"]))
        // A trigger function whose DECLARE section uses the row type of the table its
        // trigger is on.
        .function(Function::trigger(
            STAMP,
            "\nDECLARE\n  previous dep.users%rowtype;\nBEGIN\n  SELECT * INTO previous FROM dep.users ORDER BY id DESC LIMIT 1;\n  NEW.name := coalesce(NEW.name, previous.name, 'x');\n  RETURN NEW;\nEND\n",
        ))
        .function(
            Function::new(
                USER_BY_ID,
                "dep.users",
                "SELECT * FROM dep.users WHERE id = p_id",
            )
            .arg("p_id", "bigint")
            .language("sql")
            .stable(),
        )
        .function(
            Function::new(
                USERS_NAMED,
                "SETOF dep.users",
                "  SELECT * FROM dep.users WHERE name = p_name  ",
            )
            .arg("p_name", "text")
            .language("sql")
            .stable(),
        )
        .function(
            Function::new(USER_LABEL, "text", "\n\tSELECT u.name || ':' || u.mood\n")
                .arg("u", "dep.users")
                .language("sql")
                .immutable(),
        )
        .function(
            Function::new(
                USER_ROWS,
                "TABLE (who dep.users, feeling dep.mood)",
                "SELECT u, u.mood FROM dep.users u",
            )
            .language("sql")
            .stable(),
        )
        .function(Function::new(
            FIRST_ID,
            "bigint",
            "DECLARE\n  x dep.users.id%type;\n  r dep.docs;\n  m dep.mood := 'calm';\nBEGIN\n  SELECT id INTO x FROM dep.users LIMIT 1;\n  RETURN x;\nEND",
        ))
        .function(
            Function::new(CLEAN, "text", "SELECT btrim(p)")
                .arg("p", "text")
                .language("sql")
                .immutable(),
        )
        .table(
            Table::new(USERS)
                .column(col("id", BIGINT).identity().primary_key())
                .column(col("tenant_id", INT))
                .column(col("name", TEXT))
                .column(col("mood", enum_type(MOOD)))
                .trigger(Trigger::before("users_stamp", STAMP).on_insert().on_update())
                .enable_rls(),
        )
        .table(
            Table::new(DOCS)
                .column(col("id", BIGINT).identity().primary_key())
                .column(col("owner_id", BIGINT).references(USERS, "id"))
                .column(col("title", TEXT).not_null().check("length(dep.clean(title)) > 0"))
                .column(col("search", builtin_type("tsvector")))
                .column(col("blob", custom("lo", "lo")))
                .trigger(
                    Trigger::before("docs_search", TSVECTOR_UPDATE)
                        .on_insert()
                        .on_update()
                        .arg("search")
                        .arg("pg_catalog.english")
                        .arg("title"),
                )
                .trigger(
                    Trigger::before("docs_blob", LO_MANAGE)
                        .on_update()
                        .on_delete()
                        .arg("blob"),
                )
                .enable_rls(),
        )
        .table(Table::new(CODES).column(col("code", TEXT).primary_key()))
        .table(Table::new(REFS).column(col("code", varchar(255)).references(CODES, "code")));
    visibility(db, policies)
}

/// The schema `pg_dump` prints for a database nothing was applied to.
fn empty_dump() -> String {
    pgharness::database("dep_empty").schema_dump()
}

/// `prosrc` of every declared function equals its body, byte for byte.
fn assert_bodies_round_trip(db: &pgharness::TestDb, decl: &Database) {
    for f in &decl.functions {
        let stored = db.exec(&format!(
            "SELECT encode(convert_to(prosrc, 'UTF8'), 'hex') FROM pg_proc \
             WHERE oid = '{}'::regproc",
            f.name
        ));
        let declared: String = f.body.bytes().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            stored, declared,
            "prosrc of {} differs from the body",
            f.name
        );
    }
}

#[test]
fn every_dependency_pattern_applies_and_rolls_back_in_one_transaction() {
    let decl = declaration(true);
    let m = first_migration(&decl);
    let db = pgharness::database("dep_tx");
    apply_ok(&db, &m.up);
    let diffs = tests::catalog::differences(&db, &decl);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    assert_bodies_round_trip(&db, &decl);
    // The built-in trigger function works: the search column is filled.
    db.exec("INSERT INTO dep.docs (title) VALUES ('hello world')");
    assert_eq!(
        db.exec("SELECT search::text FROM dep.docs"),
        "'hello':1 'world':2"
    );
    db.exec("DELETE FROM dep.docs");
    apply_ok(&db, &m.down);
    assert_eq!(leftovers(&db), Vec::<String>::new());
    assert_eq!(db.schema_dump(), empty_dump());
}

#[test]
fn every_dependency_pattern_applies_and_rolls_back_statement_by_statement() {
    let decl = declaration(true);
    let m = first_migration(&decl);
    let db = pgharness::database("dep_each");
    apply_each_ok(&db, &m.up);
    apply_each_ok(&db, &m.down);
    assert_eq!(leftovers(&db), Vec::<String>::new());
    assert_eq!(db.schema_dump(), empty_dump());
}

#[test]
fn dropping_a_function_and_the_policies_that_call_it_applies_statement_by_statement() {
    let v1 = first_migration(&declaration(true));
    let existing = Existing {
        files: vec![
            (v1.up_file(), v1.up.clone()),
            (v1.down_file(), v1.down.clone()),
        ],
        snapshot: Some(v1.snapshot.clone()),
        sum: Some(v1.sum.clone()),
    };
    let step = migration_from(&existing, &declaration(false));
    let db = pgharness::database("dep_diff");
    apply_each_ok(&db, &v1.up);
    apply_each_ok(&db, &step.up);
    assert_eq!(
        db.exec("SELECT count(*) FROM pg_policy"),
        "0",
        "{}",
        step.up
    );
    let scratch = pgharness::database("dep_diff_scratch");
    apply_each_ok(&scratch, &first_migration(&declaration(false)).up);
    assert_eq!(db.schema_dump(), scratch.schema_dump());
    // And back: the group is created again, then everything goes.
    apply_each_ok(&db, &step.down);
    apply_each_ok(&db, &v1.down);
    assert_eq!(leftovers(&db), Vec::<String>::new());
}

#[test]
fn a_down_file_drops_policies_before_the_function_they_call() {
    let m = first_migration(&declaration(true));
    let drop_policy = m
        .down
        .find("DROP POLICY users_visible")
        .expect("the policy is dropped explicitly");
    let drop_function = m
        .down
        .find("DROP FUNCTION dep.visible_user_ids")
        .expect("the function is dropped");
    let drop_table = m.down.find("DROP TABLE dep.users").expect("table dropped");
    if std::env::var_os("SHOW_SQL").is_some() {
        eprintln!("{}\n{}", m.up, m.down);
    }
    assert!(
        drop_policy < drop_function && drop_function < drop_table,
        "{}",
        m.down
    );
}

/// `dep.codes` with a column whose default is `default`, and, `with_functions`,
/// `dep.next_code()` and a column generated by `dep.shout(code)`.
fn coded(default: Option<&str>, with_functions: bool) -> Database {
    const NEXT_CODE: FunctionRef = FunctionRef::new("dep", "next_code");
    const SHOUT: FunctionRef = FunctionRef::new("dep", "shout");
    let mut column = col("label", TEXT);
    if let Some(d) = default {
        column = column.default(d);
    }
    let mut loud = col("loud", TEXT);
    if with_functions {
        loud = loud.generated("dep.shout(code)");
    }
    let db = Database::new().schema(Schema::new("dep")).table(
        Table::new(CODES)
            .column(col("code", TEXT).primary_key())
            .column(column)
            .column(loud),
    );
    if with_functions {
        db.function(Function::new(NEXT_CODE, "text", "SELECT 'c'").language("sql"))
            .function(
                Function::new(SHOUT, "text", "SELECT upper(p)")
                    .arg("p", "text")
                    .language("sql")
                    .immutable(),
            )
    } else {
        db
    }
}

#[test]
fn a_default_or_generated_column_calling_a_function_that_goes_away_is_dropped_before_it() {
    // v1: no default; v2: a default and a generated column calling new functions; v3:
    // another default, a plain column, the functions gone. Every step up and down applies statement by statement.
    let v1 = first_migration(&coded(None, false));
    let v2 = migration_from(&existing_after(&v1), &coded(Some("dep.next_code()"), true));
    let mut files = existing_after(&v1);
    files.files.extend(existing_after(&v2).files);
    files.snapshot = Some(v2.snapshot.clone());
    files.sum = Some(v2.sum.clone());
    let v3 = migration_from(&files, &coded(Some("'x'"), false));
    let db = pgharness::database("dep_default");
    apply_each_ok(&db, &v1.up);
    apply_each_ok(&db, &v2.up);
    apply_each_ok(&db, &v3.up);
    assert_eq!(
        db.exec("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef"),
        "'x'::text"
    );
    assert_eq!(
        db.exec("SELECT attgenerated FROM pg_attribute WHERE attrelid = 'dep.codes'::regclass AND attname = 'loud'"),
        ""
    );
    apply_each_ok(&db, &v3.down);
    apply_each_ok(&db, &v2.down);
    assert_eq!(db.exec("SELECT count(*) FROM pg_attrdef"), "0");
    // The down file of v2 drops the default and the generation expression once, before
    // the functions.
    assert_eq!(v2.down.matches("DROP DEFAULT").count(), 1, "{}", v2.down);
    assert_eq!(v2.down.matches("DROP EXPRESSION").count(), 1, "{}", v2.down);
    apply_each_ok(&db, &v1.down);
    assert_eq!(leftovers(&db), Vec::<String>::new());
}
