//! Views and materialized views, with their options, comments, the indexes of
//! materialized views and the triggers of views. One query of its own: definitions come
//! from `pg_get_viewdef`, so a declaration built in a scratch database and a live
//! database are compared in PostgreSQL's own normal form.

use ddl::model::database::Database;
use ddl::model::expr::SqlExpr;
use ddl::model::index::{Index, IndexKey, IndexMethod, IndexTarget};
use ddl::model::names::{FunctionSource, Origin, QName};
use ddl::model::trigger::{ForEach, Timing, Trigger, TriggerEvent};
use ddl::model::view::{CheckOption, ColumnComment, View};
use sea_orm_migration::sea_orm::sqlx::postgres::PgConnection;
use serde::Deserialize;

use crate::Error;

const SQL: &str = "WITH ns AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY($1)) \
SELECT coalesce(json_agg(r), '[]')::text FROM ( \
  SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'm' AS materialized, \
         pg_get_viewdef(c.oid, true) AS definition, coalesce(c.reloptions, '{}') AS options, \
         c.relispopulated AS populated, \
         (SELECT description FROM pg_description WHERE objoid = c.oid AND classoid = 'pg_class'::regclass AND objsubid = 0) AS comment, \
         (SELECT coalesce(json_agg(json_build_object('column', a.attname, 'comment', d.description) ORDER BY a.attnum), '[]') \
            FROM pg_attribute a JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum \
           WHERE a.attrelid = c.oid) AS column_comments, \
         (SELECT coalesce(json_agg(json_build_object('name', ic.relname, 'unique', i.indisunique, 'method', am.amname, \
                  'keys', (SELECT json_agg(pg_get_indexdef(i.indexrelid, k, true) ORDER BY k) FROM generate_series(1, i.indnkeyatts) k), \
                  'predicate', pg_get_expr(i.indpred, i.indrelid, true)) ORDER BY ic.relname), '[]') \
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam \
           WHERE i.indrelid = c.oid) AS indexes, \
         (SELECT coalesce(json_agg(json_build_object('name', tg.tgname, 'tgtype', tg.tgtype::int, \
                  'function_schema', pn.nspname, 'function_name', p.proname) ORDER BY tg.tgname), '[]') \
            FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace \
           WHERE tg.tgrelid = c.oid AND NOT tg.tgisinternal) AS triggers \
    FROM pg_class c JOIN ns n ON n.oid = c.relnamespace \
   WHERE c.relkind IN ('v', 'm') \
     AND (SELECT count(*) FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') = 0 \
   ORDER BY 1, 2) r";

#[derive(Debug, Deserialize)]
struct ViewRow {
    schema: String,
    name: String,
    materialized: bool,
    definition: String,
    options: Vec<String>,
    populated: bool,
    comment: Option<String>,
    column_comments: Vec<ColumnComment>,
    indexes: Vec<IndexRow>,
    triggers: Vec<TriggerRow>,
}

#[derive(Debug, Deserialize)]
struct IndexRow {
    name: String,
    unique: bool,
    method: String,
    keys: Option<Vec<String>>,
    predicate: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TriggerRow {
    name: String,
    tgtype: i32,
    function_schema: String,
    function_name: String,
}

/// Reads the views of the schemas in scope into `db.views`.
pub(super) async fn add_views(
    conn: &mut PgConnection,
    target: &str,
    db: &mut Database,
    schemas: &[String],
) -> Result<(), Error> {
    let rows: Vec<ViewRow> = super::fetch(conn, "views", target, SQL.to_owned(), schemas).await?;
    db.views.extend(rows.into_iter().map(view));
    Ok(())
}

fn view(r: ViewRow) -> View {
    let option = |name: &str| {
        r.options
            .iter()
            .find_map(|o| o.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
            .map(str::to_owned)
    };
    let on = |name: &str| option(name).is_some_and(|v| matches!(v.as_str(), "true" | "on" | "1"));
    View {
        name: QName::new(&r.schema, &r.name),
        query: r
            .definition
            .trim()
            .trim_end_matches(';')
            .trim_end()
            .to_owned(),
        materialized: r.materialized,
        columns: Vec::new(),
        types: Vec::new(),
        security_barrier: on("security_barrier"),
        security_invoker: on("security_invoker"),
        check_option: match option("check_option").as_deref() {
            Some("local") => Some(CheckOption::Local),
            Some("cascaded") => Some(CheckOption::Cascaded),
            _ => None,
        },
        with_no_data: r.materialized && !r.populated,
        comment: r.comment,
        column_comments: r.column_comments,
        indexes: r.indexes.into_iter().map(index).collect(),
        triggers: r.triggers.into_iter().map(trigger).collect(),
        depends_on: Vec::new(),
        renamed_from: Default::default(),
        origin: Origin::default(),
    }
}

/// Keys as PostgreSQL prints them (`country`, `lower(name)`): compared in that form on
/// both sides.
fn index(i: IndexRow) -> Index {
    let method = match i.method.as_str() {
        "hash" => IndexMethod::Hash,
        "gin" => IndexMethod::Gin,
        "gist" => IndexMethod::Gist,
        "brin" => IndexMethod::Brin,
        "spgist" => IndexMethod::SpGist,
        _ => IndexMethod::BTree,
    };
    Index {
        name: i.name,
        keys: i
            .keys
            .unwrap_or_default()
            .into_iter()
            .map(|k| IndexKey {
                target: if k
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                {
                    IndexTarget::Column(k)
                } else {
                    IndexTarget::Expr(SqlExpr(k))
                },
                opclass: None,
                order: None,
                nulls: None,
            })
            .collect(),
        unique: i.unique,
        nulls_not_distinct: false,
        method,
        include: Vec::new(),
        predicate: i.predicate.map(SqlExpr),
        comment: None,
        renamed_from: Default::default(),
        origin: Origin::default(),
    }
}

/// The `tgtype` bits (`pg_trigger.h`): ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16,
/// TRUNCATE 32, INSTEAD 64.
fn trigger(t: TriggerRow) -> Trigger {
    let bit = |b: i32| t.tgtype & b != 0;
    let mut events = Vec::new();
    if bit(4) {
        events.push(TriggerEvent::Insert);
    }
    if bit(16) {
        events.push(TriggerEvent::Update(Vec::new()));
    }
    if bit(8) {
        events.push(TriggerEvent::Delete);
    }
    if bit(32) {
        events.push(TriggerEvent::Truncate);
    }
    Trigger {
        name: t.name,
        timing: if bit(64) {
            Timing::InsteadOf
        } else if bit(2) {
            Timing::Before
        } else {
            Timing::After
        },
        events,
        for_each: if bit(1) {
            ForEach::Row
        } else {
            ForEach::Statement
        },
        when: None,
        function: QName::new(t.function_schema, t.function_name),
        function_source: FunctionSource::Declared,
        args: Vec::new(),
        old_table: None,
        new_table: None,
        constraint: None,
        origin: Origin::default(),
    }
}
