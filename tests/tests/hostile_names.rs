//! Fuzzing the writer with hostile text (quotes, `$$`, `*/`, `--`, backslashes, newlines
//! in literals, non-ASCII): the generated file, run by PostgreSQL, creates exactly the
//! declared objects with exactly the declared names, comments, defaults and bodies, and
//! nothing else; the down file removes them all.

use ddl::model::expr::quote_literal;
use ddl::prelude::*;
use ddl::sea_query::{Expr, ExprTrait};
use proptest::prelude::*;
use serde_json::{Value, json};
use tests::{apply_ok, first_migration, leftovers};

/// Characters that break naive quoting, plus plain ones so words form.
const TRICKY: &[char] = &[
    '\'', '"', '$', '\\', ';', '-', '*', '/', '(', ')', '%', '?', '`', ' ', 'a', 'Z', '0', '_',
    'é', 'ß', '🦀', '\u{2028}', '\u{feff}', '.', ',', ':', 'E',
];
/// Text written as a literal may also hold line breaks and other control characters.
const TRICKY_TEXT: &[char] = &['\n', '\r', '\t', '\u{1b}'];

fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TRICKY), 1..12).prop_map(String::from_iter)
}

fn text() -> impl Strategy<Value = String> {
    let all: Vec<char> = TRICKY.iter().chain(TRICKY_TEXT).copied().collect();
    prop::collection::vec(prop::sample::select(all), 0..16).prop_map(String::from_iter)
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

#[derive(Debug, Clone)]
struct Case {
    schema: String,
    table: String,
    column: String,
    index: String,
    policy: String,
    function: String,
    labels: Vec<String>,
    default: String,
    forbidden: String,
    comment: String,
    result: String,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (name(), name(), name(), name(), name(), name()),
        prop::collection::btree_set(name(), 1..4),
        (text(), text(), text(), text()),
    )
        .prop_map(
            |((schema, table, column, index, policy, function), labels, (d, f, c, r))| Case {
                schema,
                // Prefixes keep relation names apart from one another and from the
                // names PostgreSQL derives (`<table>_pkey`, `<table>_id_seq`).
                table: format!("t{table}"),
                column: format!("c{column}"),
                index: format!("i{index}"),
                policy,
                function,
                labels: labels.into_iter().collect(),
                forbidden: format!("{f}!"),
                default: d,
                comment: c,
                result: r,
            },
        )
}

fn declaration(c: &Case) -> Database {
    let schema = leak(c.schema.clone());
    let table = TableRef::new(schema, leak(c.table.clone()));
    let mood = TypeRef::new(schema, "mood");
    let function = FunctionRef::new(schema, leak(c.function.clone()));
    let labels: Vec<&str> = c.labels.iter().map(String::as_str).collect();
    Database::new()
        .schema(Schema::new(schema).comment(c.comment.clone()))
        .enum_type(EnumType::new(mood, labels).comment(c.comment.clone()))
        .function(
            Function::new(
                function,
                "text",
                &format!("SELECT {}::text", quote_literal(&c.result)),
            )
            .language("sql")
            .immutable()
            .comment(c.comment.clone()),
        )
        .table(
            Table::new(table)
                .column(col("id", INT).identity().primary_key())
                .column(
                    col(c.column.clone(), TEXT)
                        .default_value(c.default.clone())
                        .comment(c.comment.clone()),
                )
                .column(col("m", ColumnType::Enum(mood.qname())))
                .check(
                    "no_forbidden",
                    Expr::col(leak(c.column.clone())).ne(Expr::val(c.forbidden.clone())),
                )
                .index(Index::named(&c.index, [c.column.as_str()]))
                .enable_rls()
                .policy(Policy::new(&c.policy).using("true"))
                .comment(c.comment.clone()),
        )
}

/// Everything in the database outside the system schemas and `public`, as JSON so that
/// no character of a name can be mistaken for a separator.
fn catalog(db: &pgharness::TestDb) -> Value {
    let out = db.exec(
        "WITH ns AS (
            SELECT oid, nspname FROM pg_namespace
             WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public')
               AND nspname NOT LIKE 'pg\\_%')
         SELECT json_build_object(
           'schemas', (SELECT json_agg(json_build_array(nspname, obj_description(oid, 'pg_namespace')) ORDER BY nspname) FROM ns),
           'relations', (SELECT json_agg(json_build_array(c.relkind, c.relname, obj_description(c.oid, 'pg_class')) ORDER BY c.relkind, c.relname)
                           FROM pg_class c JOIN ns ON ns.oid = c.relnamespace),
           'columns', (SELECT json_agg(json_build_array(c.relname, a.attname, col_description(c.oid, a.attnum)) ORDER BY c.relname, a.attnum)
                         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN ns ON ns.oid = c.relnamespace
                        WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped),
           'labels', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder)
                        FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN ns ON ns.oid = t.typnamespace),
           'types', (SELECT json_agg(json_build_array(t.typname, obj_description(t.oid, 'pg_type')) ORDER BY t.typname)
                       FROM pg_type t JOIN ns ON ns.oid = t.typnamespace WHERE t.typtype = 'e'),
           'functions', (SELECT json_agg(json_build_array(p.proname, obj_description(p.oid, 'pg_proc')) ORDER BY p.proname)
                           FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace),
           'policies', (SELECT json_agg(pol.polname ORDER BY pol.polname)
                          FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid JOIN ns ON ns.oid = c.relnamespace),
           'constraints', (SELECT json_agg(json_build_array(co.contype, co.conname) ORDER BY co.contype, co.conname)
                             FROM pg_constraint co JOIN ns ON ns.oid = co.connamespace))",
    );
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("catalog JSON: {e}: {out}"))
}

fn expected(c: &Case) -> Value {
    // PostgreSQL keeps no empty comment, and neither does the model.
    let comment = (!c.comment.is_empty()).then_some(c.comment.as_str());
    let mut relations = vec![
        json!(["i", c.index, null]),
        json!(["i", format!("{}_pkey", c.table), null]),
        json!(["r", c.table, comment]),
        json!(["S", format!("{}_id_seq", c.table), null]),
    ];
    relations.sort_by_key(|r| (r[0].to_string(), r[1].as_str().map(str::to_owned)));
    let mut labels = c.labels.clone();
    labels.dedup();
    let mut constraints = vec![
        json!(["c", "no_forbidden"]),
        json!(["p", format!("{}_pkey", c.table)]),
    ];
    constraints.sort_by_key(|r| r[1].as_str().map(str::to_owned));
    json!({
        "schemas": [[c.schema, comment]],
        "relations": relations,
        "columns": [[c.table, "id", null], [c.table, c.column, comment], [c.table, "m", null]],
        "labels": labels,
        "types": [["mood", comment]],
        "functions": [[c.function, comment]],
        "policies": [c.policy],
        "constraints": constraints,
    })
}

/// A value selected back from PostgreSQL as JSON.
fn json_value(db: &pgharness::TestDb, sql: &str) -> Value {
    let out = db.exec(sql);
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn hostile_names_and_text_create_exactly_the_declared_objects(c in case()) {
        let decl = declaration(&c);
        let m = first_migration(&decl);
        let db = pgharness::database("hostile");
        apply_ok(&db, &m.up);

        let mut got = catalog(&db);
        // Sort the arrays the way `expected` does, by their text.
        if let Some(Value::Array(r)) = got.get_mut("relations") {
            r.sort_by_key(|r| (r[0].to_string(), r[1].as_str().map(str::to_owned)));
        }
        if let Some(Value::Array(r)) = got.get_mut("constraints") {
            r.sort_by_key(|r| r[1].as_str().map(str::to_owned));
        }
        if let Some(Value::Array(l)) = got.get_mut("labels") {
            l.dedup();
        }
        prop_assert_eq!(&got, &expected(&c));

        // The default, the CHECK's literal and the function body mean what was declared.
        let table = format!("{}.{}", ident(&c.schema), ident(&c.table));
        let column = ident(&c.column);
        prop_assert_eq!(
            json_value(&db, &format!("INSERT INTO {table} DEFAULT VALUES RETURNING to_json({column})")),
            json!(c.default)
        );
        let refused = db.psql(&format!(
            "INSERT INTO {table} ({column}) VALUES ({})",
            quote_literal(&c.forbidden)
        ));
        prop_assert!(refused.is_err_and(|e| e.contains("no_forbidden")));
        prop_assert_eq!(
            json_value(&db, &format!("SELECT to_json({}.{}())", ident(&c.schema), ident(&c.function))),
            json!(c.result)
        );

        apply_ok(&db, &m.down);
        prop_assert_eq!(leftovers(&db), Vec::<String>::new());
    }
}

fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}
