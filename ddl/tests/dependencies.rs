//! Edges the planner infers by itself (function signatures, PL/pgSQL DECLARE sections,
//! `LANGUAGE sql` bodies, extension functions) and drops ordered by the same graph.

use ddl::migration::plan_statements;
use ddl::plan::diff::{Change, rollback};
use ddl::prelude::*;
use ddl::sql::render::Stmt;

const USERS: TableRef = TableRef::new("app", "users");
const DOCS: TableRef = TableRef::new("app", "docs");
const MOOD: TypeRef = TypeRef::new("app", "mood");
const F: FunctionRef = FunctionRef::new("app", "f");
const LO_MANAGE: FunctionRef = FunctionRef::of_extension("lo", "public", "lo_manage");

fn app() -> Database {
    Database::new().schema(Schema::new("app"))
}

fn users() -> Table {
    Table::new(USERS)
        .column(col("id", BIGINT).identity().primary_key())
        .column(col("name", TEXT))
}

fn plan(db: &Database) -> Vec<Stmt> {
    match plan_statements(&Database::new(), db) {
        Ok((_, stmts)) => stmts,
        Err(e) => panic!("expected a plan:\n{e}"),
    }
}

/// The statements of the down file from `db` to nothing.
fn down(db: &Database) -> Vec<Stmt> {
    let empty = Database::new();
    match rollback(db, &empty) {
        Ok(changes) => changes.iter().flat_map(Change::statements).collect(),
        Err(e) => panic!("expected a rollback: {e:?}"),
    }
}

#[track_caller]
fn pos(stmts: &[Stmt], kind: &str, name: &str) -> usize {
    stmts
        .iter()
        .position(|s| s.kind == kind && s.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no `{kind}: {name}` in {:?}",
                stmts
                    .iter()
                    .map(|s| format!("{}: {}", s.kind, s.name))
                    .collect::<Vec<_>>()
            )
        })
}

fn has(stmts: &[Stmt], kind: &str, name: &str) -> bool {
    stmts.iter().any(|s| s.kind == kind && s.name == name)
}

#[track_caller]
fn function_after_users(f: Function) {
    let stmts = plan(&app().function(f).table(users()));
    assert!(
        pos(&stmts, "table", "app.users") < pos(&stmts, "function", "app.f"),
        "{stmts:?}"
    );
}

#[test]
fn a_function_returning_a_row_type_comes_after_its_table() {
    function_after_users(
        Function::new(F, "app.users", "SELECT * FROM app.users LIMIT 1").language("sql"),
    );
    function_after_users(Function::new(F, "SETOF app.users", "BEGIN RETURN; END"));
    function_after_users(Function::new(
        F,
        "TABLE (u app.users, n integer)",
        "BEGIN RETURN; END",
    ));
}

#[test]
fn a_function_taking_a_row_type_or_array_of_it_comes_after_its_table() {
    function_after_users(
        Function::new(F, "text", "BEGIN RETURN u.name; END").arg("u", "app.users"),
    );
    function_after_users(
        Function::new(F, "integer", "BEGIN RETURN 1; END").arg("u", "app.users[]"),
    );
}

#[test]
fn a_plpgsql_declare_of_a_row_type_or_column_type_comes_after_its_table() {
    for decl in [
        "v app.users;",
        "v app.users%rowtype;",
        "x app.users.id%type := 1;",
    ] {
        function_after_users(Function::new(
            F,
            "integer",
            &format!("DECLARE\n  {decl}\nBEGIN\n  RETURN 1;\nEND"),
        ));
    }
}

#[test]
fn a_sql_body_reading_a_table_comes_after_it() {
    function_after_users(
        Function::new(F, "bigint", "SELECT count(*) FROM app.users").language("sql"),
    );
}

#[test]
fn a_function_using_an_enum_in_a_declare_section_comes_after_the_type() {
    let db = app()
        .function(Function::new(
            F,
            "integer",
            "DECLARE m app.mood;\nBEGIN\n  RETURN 1;\nEND",
        ))
        .enum_type(EnumType::new(MOOD, ["a"]));
    let stmts = plan(&db);
    assert!(pos(&stmts, "type", "app.mood") < pos(&stmts, "function", "app.f"));
}

#[test]
fn plpgsql_statements_reading_a_table_are_not_edges() {
    // PostgreSQL does not check a PL/pgSQL body's statements at creation, so a default
    // calling a function whose statements read the table is no cycle.
    let db = app()
        .function(Function::new(
            F,
            "bigint",
            "BEGIN\n  RETURN (SELECT count(*) FROM app.users);\nEND",
        ))
        .table(users().column(col("n", BIGINT).default("app.f()")));
    let stmts = plan(&db);
    assert!(pos(&stmts, "function", "app.f") < pos(&stmts, "table", "app.users"));
}

#[test]
fn a_declare_section_using_the_row_type_of_a_table_whose_default_calls_it_is_a_cycle() {
    let db = app()
        .function(Function::new(
            F,
            "bigint",
            "DECLARE v app.users;\nBEGIN\n  RETURN 1;\nEND",
        ))
        .table(users().column(col("n", BIGINT).default("app.f()")));
    let err = plan_statements(&Database::new(), &db).expect_err("a real cycle");
    let text = err.to_string();
    assert!(text.contains("error[dependency-cycle]"), "{text}");
    assert!(
        text.contains("function app.f uses table app.users in its DECLARE section"),
        "{text}"
    );
}

#[test]
fn a_trigger_on_an_extension_function_comes_after_the_extension() {
    let db = app().extension(Extension::new("lo")).table(
        users().column(col("blob", custom("lo", "lo"))).trigger(
            Trigger::before("users_blob", LO_MANAGE)
                .on_delete()
                .arg("blob"),
        ),
    );
    let stmts = plan(&db);
    assert!(pos(&stmts, "extension", "lo") < pos(&stmts, "trigger", "app.users.users_blob"));
    let sql = &stmts[pos(&stmts, "trigger", "app.users.users_blob")].sql;
    assert!(
        sql.contains("EXECUTE FUNCTION public.lo_manage('blob');"),
        "{sql}"
    );
}

#[test]
fn a_policy_calling_a_function_an_extension_provides_comes_after_the_extension() {
    let db = app()
        .extension(Extension::new("ext_fn").provides(["ext_check"]))
        .table(
            users()
                .enable_rls()
                .policy(Policy::new("p").using("public.ext_check(id)")),
        );
    let stmts = plan(&db);
    assert!(pos(&stmts, "extension", "ext_fn") < pos(&stmts, "policy", "app.users.p"));
}

#[test]
fn policies_calling_a_function_dropped_before_their_table_are_dropped_explicitly_first() {
    let visible = |t: Table| t.enable_rls().policy(Policy::new("p").using("app.f(id)"));
    let db = app()
        .function(
            Function::new(F, "boolean", "SELECT p_id IN (SELECT id FROM app.users)")
                .arg("p_id", "bigint")
                .language("sql"),
        )
        .table(visible(users()))
        .table(visible(
            Table::new(DOCS).column(col("id", BIGINT).primary_key()),
        ));
    let stmts = down(&db);
    let function = pos(&stmts, "function", "app.f");
    assert!(pos(&stmts, "policy", "app.users.p") < function, "{stmts:?}");
    assert!(function < pos(&stmts, "table", "app.users"), "{stmts:?}");
    // app.docs's policy is gone before the function too: on its own or with its table.
    let docs_policy_gone = if has(&stmts, "policy", "app.docs.p") {
        pos(&stmts, "policy", "app.docs.p")
    } else {
        pos(&stmts, "table", "app.docs")
    };
    assert!(docs_policy_gone < function, "{stmts:?}");
}

#[test]
fn a_trigger_whose_function_is_dropped_before_its_table_is_dropped_explicitly_first() {
    let db = app()
        .function(Function::trigger(
            F,
            "DECLARE v app.users;\nBEGIN\n  RETURN NEW;\nEND",
        ))
        .table(users().trigger(Trigger::before("users_f", F).on_insert()));
    let stmts = down(&db);
    assert!(pos(&stmts, "trigger", "app.users.users_f") < pos(&stmts, "function", "app.f"));
}

#[test]
fn a_trigger_on_a_function_that_outlives_its_table_goes_with_the_table() {
    let db = app()
        .function(Function::trigger(F, "BEGIN\n  RETURN NEW;\nEND"))
        .table(users().trigger(Trigger::before("users_f", F).on_insert()));
    let stmts = down(&db);
    assert!(!has(&stmts, "trigger", "app.users.users_f"), "{stmts:?}");
}

#[test]
fn a_function_body_is_written_byte_for_byte() {
    for body in [
        "SELECT 1",
        "\nSELECT 1\n",
        "  SELECT 1 \n\n",
        "\n\n\tSELECT 1",
        "SELECT '$'",
    ] {
        let stmts = plan(&app().function(Function::new(F, "integer", body).language("sql")));
        let sql = &stmts[pos(&stmts, "function", "app.f")].sql;
        let (_, after) = sql.split_once("\nAS ").expect("AS");
        let tag_end = after[1..].find('$').expect("tag") + 2;
        let (tag, rest) = after.split_at(tag_end);
        assert_eq!(rest, format!("{body}{tag};"), "{sql}");
    }
}

#[test]
fn a_function_depending_on_an_extension_function_comes_after_the_extension() {
    const GEN: FunctionRef = FunctionRef::of_extension("pgcrypto", "public", "gen_random_bytes");
    let db = app()
        .extension(Extension::new("pgcrypto").in_schema("app"))
        .function(
            Function::new(F, "bytea", "BEGIN RETURN gen_random_bytes(4); END")
                .depends_on_function(GEN),
        );
    let stmts = plan(&db);
    assert!(pos(&stmts, "extension", "pgcrypto") < pos(&stmts, "function", "app.f"));
    let without = app().function(
        Function::new(F, "bytea", "BEGIN RETURN gen_random_bytes(4); END").depends_on_function(GEN),
    );
    let err = ddl::validate::validate(&without).expect_err("the extension is missing");
    assert_eq!(
        err.codes(),
        vec![ddl::validate::Code::MissingExtension],
        "{err}"
    );
}
