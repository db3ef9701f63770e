//! The catalogs into the model.

use std::collections::HashMap;

use ddl::model::column::{Column, Identity};
use ddl::model::constraint::{Check, Deferrable, FkAction, ForeignKey, PrimaryKey, Unique};
use ddl::model::database::Database;
use ddl::model::expr::{Literal, SqlExpr};
use ddl::model::index::{Index, IndexKey, IndexMethod, IndexTarget, NullsOrder, SortOrder};
use ddl::model::names::{FunctionSource, Origin, QName};
use ddl::model::objects::{EnumType, Extension, Function, FunctionArg, Schema, Volatility};
use ddl::model::policy::{Policy, PolicyCommand};
use ddl::model::table::{Rls, Rows, Table};
use ddl::model::trigger::{ForEach, Timing, Trigger, TriggerEvent};
use ddl::model::types::ColumnType;
use sea_orm_migration::sea_orm::sqlx::{self, AssertSqlSafe, postgres::PgConnection};
use serde::Serialize;

use crate::Error;
use crate::catalog::{self as cat};

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The schemas whose objects are read.
    pub schemas: Vec<String>,
    /// Extensions read even when installed outside those schemas (the declared ones).
    pub extensions: Vec<String>,
    /// Read every extension, wherever it is installed.
    pub all_extensions: bool,
    /// Tables whose rows are read, with the columns (reference rows of a declaration).
    pub rows: Vec<(QName, Vec<String>)>,
}

/// Something in scope the model cannot represent: listed, never compared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NotManaged {
    pub kind: String,
    pub name: String,
    pub reason: String,
}

/// A trigger that exists but does not fire as created (`ALTER TABLE ... DISABLE TRIGGER`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisabledTrigger {
    pub table: QName,
    pub trigger: String,
    /// `D` disabled, `R` replica only, `A` always.
    pub state: String,
}

/// A database as read.
#[derive(Debug, Clone, Default)]
pub struct Live {
    pub model: Database,
    /// The schemas that were read, sorted.
    pub schemas: Vec<String>,
    pub not_managed: Vec<NotManaged>,
    pub disabled_triggers: Vec<DisabledTrigger>,
}

/// Every schema of the database except PostgreSQL's own and the migration history's.
pub async fn user_schemas(conn: &mut PgConnection, target: &str) -> Result<Vec<String>, Error> {
    sqlx::query_scalar::<_, String>(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' \
         AND nspname NOT IN ('information_schema', 'schemactl') ORDER BY 1",
    )
    .fetch_all(conn)
    .await
    .map_err(|e| query_error("schemas", target, &e))
}

fn query_error(what: &'static str, target: &str, e: &sqlx::Error) -> Error {
    let message = match e {
        sqlx::Error::Database(db) => format!(
            "{} (SQLSTATE {})",
            db.message(),
            db.code().unwrap_or_default()
        ),
        other => other.to_string(),
    };
    Error::Query {
        what,
        target: target.to_owned(),
        message,
    }
}

async fn fetch<T: serde::de::DeserializeOwned>(
    conn: &mut PgConnection,
    what: &'static str,
    target: &str,
    sql: String,
    schemas: &[String],
) -> Result<Vec<T>, Error> {
    let started = std::time::Instant::now();
    let text: String = if sql.contains("$1") {
        sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(schemas)
            .fetch_one(&mut *conn)
            .await
    } else {
        sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_one(&mut *conn)
            .await
    }
    .map_err(|e| query_error(what, target, &e))?;
    if std::env::var_os("INTROSPECT_TIMING").is_some() {
        eprintln!("{what}: {} bytes in {:?}", text.len(), started.elapsed());
    }
    serde_json::from_str(&text).map_err(|e| Error::Query {
        what,
        target: target.to_owned(),
        message: format!("unexpected catalog row: {e}"),
    })
}

/// Reads the schemas of `scope` into the model. Runs in one read-only snapshot
/// (`REPEATABLE READ`) so that all catalogs agree, with `search_path` set to
/// `pg_catalog, public` so that names are printed the same way for every database.
pub async fn read(conn: &mut PgConnection, target: &str, scope: &Scope) -> Result<Live, Error> {
    let q = |e: sqlx::Error| query_error("the catalogs", target, &e);
    sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *conn)
        .await
        .map_err(q)?;
    let result = read_in_transaction(conn, target, scope).await;
    sqlx::query(if result.is_ok() { "COMMIT" } else { "ROLLBACK" })
        .execute(&mut *conn)
        .await
        .map_err(q)?;
    result
}

/// [`read`] inside a transaction the caller opened (and ends).
pub(crate) async fn read_in_transaction(
    conn: &mut PgConnection,
    target: &str,
    scope: &Scope,
) -> Result<Live, Error> {
    let q = |e: sqlx::Error| query_error("the catalogs", target, &e);
    sqlx::query("SELECT set_config('search_path', 'pg_catalog, public', true)")
        .execute(&mut *conn)
        .await
        .map_err(q)?;
    read_catalogs(conn, None, target, scope).await
}

struct Groups {
    schemas: Vec<cat::SchemaRow>,
    extensions: Vec<cat::ExtensionRow>,
    types: Vec<cat::TypeRow>,
    columns: Vec<cat::ColumnRow>,
    triggers: Vec<cat::TriggerRow>,
    policies: Vec<cat::PolicyRow>,
    functions: Vec<cat::FunctionRow>,
    constraints: Vec<cat::ConstraintRow>,
}

struct Tables {
    columns: Vec<cat::ColumnRow>,
    constraints: Vec<cat::ConstraintRow>,
    relations: Vec<cat::RelationRow>,
    indexes: Vec<cat::IndexRow>,
    opclasses: Vec<cat::OpclassRow>,
}

async fn first_half(conn: &mut PgConnection, target: &str, s: &[String]) -> Result<Groups, Error> {
    Ok(Groups {
        schemas: fetch(conn, "schemas", target, cat::schemas_sql(), s).await?,
        extensions: fetch(conn, "extensions", target, cat::extensions_sql(), s).await?,
        types: fetch(conn, "types", target, cat::types_sql(), s).await?,
        columns: fetch(conn, "columns", target, cat::columns_sql(0), s).await?,
        triggers: fetch(conn, "triggers", target, cat::triggers_sql(), s).await?,
        policies: fetch(conn, "policies", target, cat::policies_sql(), s).await?,
        functions: fetch(conn, "functions", target, cat::functions_sql(), s).await?,
        constraints: fetch(conn, "constraints", target, cat::constraints_sql(0), s).await?,
    })
}

async fn second_half(conn: &mut PgConnection, target: &str, s: &[String]) -> Result<Tables, Error> {
    Ok(Tables {
        columns: fetch(conn, "columns", target, cat::columns_sql(1), s).await?,
        constraints: fetch(conn, "constraints", target, cat::constraints_sql(1), s).await?,
        relations: fetch(conn, "relations", target, cat::relations_sql(), s).await?,
        indexes: fetch(conn, "indexes", target, cat::indexes_sql(), s).await?,
        opclasses: fetch(conn, "operator classes", target, cat::opclasses_sql(), s).await?,
    })
}

/// [`read`] with a second session of the same database: the catalog queries run on both
/// at once, the second session sharing the first one's snapshot (`pg_export_snapshot`,
/// as `pg_dump -j` does), so the result is the same as reading on one.
pub async fn read_parallel(
    conn: &mut PgConnection,
    helper: &mut PgConnection,
    target: &str,
    scope: &Scope,
) -> Result<Live, Error> {
    let q = |e: sqlx::Error| query_error("the catalogs", target, &e);
    sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *conn)
        .await
        .map_err(q)?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *conn)
        .await
        .map_err(q)?;
    sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *helper)
        .await
        .map_err(q)?;
    sqlx::query(AssertSqlSafe(format!(
        "SET TRANSACTION SNAPSHOT '{}'",
        snapshot.replace('\'', "''")
    )))
    .execute(&mut *helper)
    .await
    .map_err(q)?;
    for c in [&mut *conn, &mut *helper] {
        sqlx::query("SELECT set_config('search_path', 'pg_catalog, public', true)")
            .execute(c)
            .await
            .map_err(q)?;
    }
    let result = read_catalogs(conn, Some(&mut *helper), target, scope).await;
    let _ = sqlx::query("COMMIT").execute(&mut *helper).await;
    sqlx::query(if result.is_ok() { "COMMIT" } else { "ROLLBACK" })
        .execute(&mut *conn)
        .await
        .map_err(q)?;
    result
}

async fn read_catalogs(
    conn: &mut PgConnection,
    helper: Option<&mut PgConnection>,
    target: &str,
    scope: &Scope,
) -> Result<Live, Error> {
    let s = &scope.schemas;
    let (groups, tables) = match helper {
        Some(h) => {
            let (g, t) = tokio::join!(first_half(conn, target, s), second_half(h, target, s));
            (g?, t?)
        }
        None => (
            first_half(conn, target, s).await?,
            second_half(conn, target, s).await?,
        ),
    };
    let Groups {
        schemas,
        extensions,
        types,
        mut columns,
        triggers,
        policies,
        functions,
        mut constraints,
    } = groups;
    let Tables {
        columns: more_columns,
        constraints: more_constraints,
        relations,
        indexes,
        opclasses,
    } = tables;
    columns.extend(more_columns);
    columns.sort_by_key(|c| (c.rel, c.num));
    constraints.extend(more_constraints);
    let opclasses: HashMap<i64, cat::OpclassRow> =
        opclasses.into_iter().map(|o| (o.oid, o)).collect();
    let attname: HashMap<(i64, i32), String> = columns
        .iter()
        .map(|c| ((c.rel, c.num), c.name.clone()))
        .collect();
    let names = |rel: i64, nums: &[i32]| -> Vec<String> {
        nums.iter()
            .map(|n| attname.get(&(rel, *n)).cloned().unwrap_or_default())
            .collect()
    };

    let mut live = Live {
        schemas: {
            let mut v = scope.schemas.clone();
            v.sort();
            v.dedup();
            v
        },
        ..Live::default()
    };
    let db = &mut live.model;
    let nm = &mut live.not_managed;
    let mut note = |kind: &str, name: String, reason: &str| {
        nm.push(NotManaged {
            kind: kind.to_owned(),
            name,
            reason: reason.to_owned(),
        });
    };

    for e in extensions {
        if scope.all_extensions
            || scope.schemas.contains(&e.schema)
            || scope.extensions.contains(&e.name)
        {
            db.extensions.push(Extension {
                name: e.name,
                schema: (e.schema != "public").then_some(e.schema),
                provides: Vec::new(),
                origin: Origin::default(),
            });
        }
    }
    for s in schemas {
        // `public` exists in every database; it is never created or dropped.
        if s.name != "public" {
            db.schemas.push(Schema {
                name: s.name,
                comment: s.comment,
                origin: Origin::default(),
            });
        }
    }
    for t in types {
        let name = QName::new(&t.schema, &t.name);
        match t.typtype.as_str() {
            "e" => db.enums.push(EnumType {
                name,
                values: t.labels,
                comment: t.comment,
                origin: Origin::default(),
            }),
            "d" => note("domain", name.to_string(), "domains are not in the model"),
            "r" => note("type", name.to_string(), "range types are not in the model"),
            "p" => {}
            _ => note("type", name.to_string(), "base types are not in the model"),
        }
    }

    let mut by_oid: HashMap<i64, usize> = HashMap::new();
    for r in relations {
        let name = QName::new(&r.schema, &r.name);
        let kind = match r.relkind.as_str() {
            "r" if r.partition || r.inherits => {
                note(
                    "table",
                    name.to_string(),
                    "partitions and inheriting tables are not in the model",
                );
                continue;
            }
            "r" => "table",
            "p" => {
                note(
                    "table",
                    name.to_string(),
                    "partitioned tables are not in the model",
                );
                continue;
            }
            "v" => "view",
            "m" => "materialized view",
            // An identity column's own sequence is part of the column.
            "S" if r.owned_sequence => continue,
            "S" => "sequence",
            "f" => "foreign table",
            "c" => "type",
            _ => continue,
        };
        if kind != "table" {
            note(
                kind,
                name.to_string(),
                &format!("{kind}s are not in the model"),
            );
            continue;
        }
        if r.persistence == "u" {
            note(
                "table",
                name.to_string(),
                "UNLOGGED is not in the model (compared as a logged table)",
            );
        }
        by_oid.insert(r.oid, db.tables.len());
        db.tables.push(Table {
            name,
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            triggers: Vec::new(),
            rls: Rls {
                enabled: r.rls,
                forced: r.force_rls,
            },
            policies: Vec::new(),
            comment: r.comment,
            rows: None,
            origin: Origin::default(),
        });
    }

    for c in columns {
        let Some(&t) = by_oid.get(&c.rel) else {
            continue;
        };
        let table = &mut db.tables[t];
        if c.collated {
            note(
                "column",
                format!("{}.{}", table.name, c.name),
                "the column's COLLATE is not in the model",
            );
        }
        let ty = column_type(&c);
        let mut col = Column::new(c.name, ty);
        col.identity = match c.identity.as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ => None,
        };
        col.default = if c.generated.is_empty() {
            c.expr.as_deref().map(fixpoint_expr).map(SqlExpr)
        } else {
            None
        };
        col.generated = if c.generated == "s" {
            c.expr.as_deref().map(fixpoint_expr).map(SqlExpr)
        } else {
            None
        };
        col.nullable = !c.not_null;
        col.comment = c.comment;
        table.columns.push(col);
    }
    for table in &mut db.tables {
        for col in &mut table.columns {
            col.origin = Origin::default();
        }
    }

    for c in constraints {
        let Some(&t) = by_oid.get(&c.rel) else {
            continue;
        };
        let table = &mut db.tables[t];
        let full = format!("{}.{}", table.name, c.name);
        let deferrable = match (c.deferrable, c.deferred) {
            (false, _) => Deferrable::No,
            (true, false) => Deferrable::InitiallyImmediate,
            (true, true) => Deferrable::InitiallyDeferred,
        };
        if c.comment.is_some() {
            note(
                "constraint",
                full.clone(),
                "comments on constraints are not in the model",
            );
        }
        if !c.validated {
            note(
                "constraint",
                full.clone(),
                "NOT VALID: compared as if validated",
            );
        }
        match c.kind.as_str() {
            "p" | "u" => {
                if c.deferrable {
                    note(
                        "constraint",
                        full.clone(),
                        "DEFERRABLE primary keys and unique constraints are not in the model (compared as not deferrable)",
                    );
                }
                if c.has_include {
                    note(
                        "constraint",
                        full.clone(),
                        "INCLUDE of a constraint is not in the model",
                    );
                }
                if c.kind == "p" {
                    table.primary_key = Some(PrimaryKey {
                        name: c.name,
                        columns: names(c.rel, &c.keys),
                        origin: Origin::default(),
                    });
                } else {
                    table.uniques.push(Unique {
                        name: c.name,
                        columns: names(c.rel, &c.keys),
                        nulls_not_distinct: c.nulls_not_distinct,
                        origin: Origin::default(),
                    });
                }
            }
            "c" => {
                if c.no_inherit {
                    note("constraint", full.clone(), "NO INHERIT is not in the model");
                }
                table.checks.push(Check {
                    name: c.name,
                    expr: SqlExpr(fixpoint_expr(&c.expr.unwrap_or_default())),
                    origin: Origin::default(),
                });
            }
            "f" => {
                if c.match_type == "f" {
                    note(
                        "constraint",
                        full.clone(),
                        "MATCH FULL is not in the model (compared as MATCH SIMPLE)",
                    );
                }
                let ref_columns = c
                    .ref_columns
                    .unwrap_or_else(|| names(c.ref_rel, &c.ref_keys));
                table.foreign_keys.push(ForeignKey {
                    name: c.name,
                    columns: names(c.rel, &c.keys),
                    ref_table: QName::new(
                        c.ref_schema.unwrap_or_default(),
                        c.ref_table.unwrap_or_default(),
                    ),
                    ref_columns,
                    on_delete: fk_action(&c.on_delete),
                    on_update: fk_action(&c.on_update),
                    deferrable,
                    add_later: false,
                    origin: Origin::default(),
                });
            }
            "x" => note(
                "constraint",
                full,
                "exclusion constraints are not in the model",
            ),
            _ => note(
                "constraint",
                full,
                "constraint triggers are not in the model",
            ),
        }
    }

    for i in indexes {
        let Some(&t) = by_oid.get(&i.rel) else {
            continue;
        };
        let table = &mut db.tables[t];
        let full = format!("{}.{}", table.name.schema, i.name);
        let method = match i.method.as_str() {
            "btree" => IndexMethod::BTree,
            "hash" => IndexMethod::Hash,
            "gin" => IndexMethod::Gin,
            "gist" => IndexMethod::Gist,
            "brin" => IndexMethod::Brin,
            "spgist" => IndexMethod::SpGist,
            other => {
                note(
                    "index",
                    full,
                    &format!("index method {other} is not in the model"),
                );
                continue;
            }
        };
        if i.comment.is_some() {
            note(
                "index",
                full.clone(),
                "comments on indexes are not in the model",
            );
        }
        if !i.valid {
            note(
                "index",
                full.clone(),
                "INVALID (a failed concurrent build): compared as if valid",
            );
        }
        let nkey = usize::try_from(i.nkey).unwrap_or(0);
        let mut keys = Vec::new();
        let mut include = Vec::new();
        let mut exprs = i.exprs.unwrap_or_default().into_iter();
        for (n, &num) in i.keys.iter().enumerate() {
            let target = if num != 0 {
                IndexTarget::Column(attname.get(&(i.rel, num)).cloned().unwrap_or_default())
            } else {
                match exprs.next() {
                    Some(e) => IndexTarget::Expr(SqlExpr(fixpoint_expr(&e))),
                    None => continue,
                }
            };
            if n >= nkey {
                if let IndexTarget::Column(c) = target {
                    include.push(c);
                }
                continue;
            }
            let option = i.options.get(n).copied().unwrap_or(0);
            let desc = option & 1 != 0;
            let nulls_first = option & 2 != 0;
            let opclass = i
                .classes
                .get(n)
                .and_then(|oid| opclasses.get(oid))
                .filter(|o| !o.is_default)
                .map(|o| o.name.clone());
            keys.push(IndexKey {
                target,
                opclass,
                order: desc.then_some(SortOrder::Desc),
                nulls: match (desc, nulls_first) {
                    (false, true) => Some(NullsOrder::First),
                    (true, false) => Some(NullsOrder::Last),
                    _ => None,
                },
            });
        }
        table.indexes.push(Index {
            name: i.name,
            keys,
            unique: i.is_unique,
            nulls_not_distinct: i.nulls_not_distinct,
            method,
            include,
            predicate: i.predicate.as_deref().map(fixpoint_expr).map(SqlExpr),
            origin: Origin::default(),
        });
    }

    for tg in triggers {
        let Some(&t) = by_oid.get(&tg.rel) else {
            continue;
        };
        let table = &mut db.tables[t];
        let full = format!("{}.{}", table.name, tg.name);
        if tg.is_constraint {
            continue; // listed with the constraints
        }
        if tg.transition {
            note(
                "trigger",
                full,
                "transition tables (REFERENCING) are not in the model",
            );
            continue;
        }
        let ty = tg.tgtype;
        let mut events = Vec::new();
        if ty & 4 != 0 {
            events.push(TriggerEvent::Insert);
        }
        if ty & 16 != 0 {
            events.push(TriggerEvent::Update(names(tg.rel, &tg.columns)));
        }
        if ty & 8 != 0 {
            events.push(TriggerEvent::Delete);
        }
        if ty & 32 != 0 {
            events.push(TriggerEvent::Truncate);
        }
        let function_source = match (&tg.function_extension, tg.function_schema.as_str()) {
            (Some(e), _) => FunctionSource::Extension(e.clone()),
            (None, "pg_catalog") => FunctionSource::Builtin,
            _ => FunctionSource::Declared,
        };
        if tg.enabled != "O" {
            live.disabled_triggers.push(DisabledTrigger {
                table: table.name.clone(),
                trigger: tg.name.clone(),
                state: tg.enabled.clone(),
            });
        }
        table.triggers.push(Trigger {
            name: tg.name,
            timing: if ty & 2 != 0 {
                Timing::Before
            } else if ty & 64 != 0 {
                Timing::InsteadOf
            } else {
                Timing::After
            },
            events,
            for_each: if ty & 1 != 0 {
                ForEach::Row
            } else {
                ForEach::Statement
            },
            when: tg
                .def
                .as_deref()
                .and_then(when_clause)
                .map(|w| SqlExpr(fixpoint_expr(&w))),
            function: QName::new(tg.function_schema, tg.function_name),
            function_source,
            args: trigger_args(&tg.args, tg.nargs),
            origin: Origin::default(),
        });
    }

    for p in policies {
        let Some(&t) = by_oid.get(&p.rel) else {
            continue;
        };
        let mut roles: Vec<String> = p.roles.into_iter().filter(|r| r != "public").collect();
        roles.sort();
        db.tables[t].policies.push(Policy {
            name: p.name,
            permissive: p.permissive,
            command: match p.cmd.as_str() {
                "r" => PolicyCommand::Select,
                "a" => PolicyCommand::Insert,
                "w" => PolicyCommand::Update,
                "d" => PolicyCommand::Delete,
                _ => PolicyCommand::All,
            },
            roles,
            using: p.using_expr.as_deref().map(fixpoint_expr).map(SqlExpr),
            with_check: p.check_expr.as_deref().map(fixpoint_expr).map(SqlExpr),
            origin: Origin::default(),
        });
    }

    for f in functions {
        let name = QName::new(&f.schema, &f.name);
        let kind = match f.kind.as_str() {
            "f" => "function",
            "p" => "procedure",
            "a" => "aggregate",
            _ => "window function",
        };
        let reason = if kind != "function" {
            Some(format!("{kind}s are not in the model"))
        } else if f.has_modes {
            Some("OUT, INOUT and VARIADIC arguments are not in the model".to_owned())
        } else if f.nargdefaults > 0 {
            Some("argument defaults are not in the model".to_owned())
        } else if f.atomic {
            Some("BEGIN ATOMIC bodies are not in the model".to_owned())
        } else if db.functions.iter().any(|g| g.name == name) {
            Some("overloads are not in the model (the first one is compared)".to_owned())
        } else {
            None
        };
        if let Some(reason) = reason {
            note(kind, format!("{name}({})", f.arg_types.join(", ")), &reason);
            continue;
        }
        db.functions.push(Function {
            name,
            args: f
                .arg_types
                .iter()
                .enumerate()
                .map(|(i, ty)| FunctionArg {
                    name: f.arg_names.get(i).cloned().unwrap_or_default(),
                    ty: ty.clone(),
                })
                .collect(),
            returns: f.returns.unwrap_or_default(),
            language: f.language,
            body: f.body,
            volatility: match f.volatility.as_str() {
                "i" => Volatility::Immutable,
                "s" => Volatility::Stable,
                _ => Volatility::Volatile,
            },
            strict: f.strict,
            security_definer: f.security_definer,
            config: f
                .config
                .iter()
                .map(|c| match c.split_once('=') {
                    Some((k, v)) => (k.to_owned(), v.to_owned()),
                    None => (c.clone(), String::new()),
                })
                .collect(),
            depends_on: Vec::new(),
            comment: f.comment,
            origin: Origin::default(),
        });
    }

    for (table, cols) in &scope.rows {
        if let Some(&t) = db.tables.iter().position(|x| &x.name == table).as_ref() {
            let pk = db.tables[t]
                .primary_key
                .as_ref()
                .map(|p| p.columns.clone())
                .unwrap_or_default();
            if cols.iter().all(|c| db.tables[t].has_column(c)) {
                let values = read_rows(conn, target, table, cols, &pk).await?;
                db.tables[t].rows = Some(Rows {
                    columns: cols.clone(),
                    values,
                    origin: Origin::default(),
                });
            }
        }
    }

    live.model = live.model.canonical();
    live.not_managed.sort();
    Ok(live)
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// The rows of a table, every value as its text form (`NULL` as null), sorted by the
/// primary key's text.
async fn read_rows(
    conn: &mut PgConnection,
    target: &str,
    table: &QName,
    columns: &[String],
    pk: &[String],
) -> Result<Vec<Vec<Literal>>, Error> {
    let list = columns
        .iter()
        .map(|c| format!("{}::text", quote(c)))
        .collect::<Vec<_>>()
        .join(", ");
    let order = if pk.is_empty() {
        "1".to_owned()
    } else {
        pk.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")
    };
    let sql = format!(
        "SELECT coalesce(json_agg(json_build_array({list}) ORDER BY {order}), '[]')::text FROM {}.{}",
        quote(&table.schema),
        quote(&table.name)
    );
    let text: String = sqlx::query_scalar(AssertSqlSafe(sql))
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| query_error("reference rows", target, &e))?;
    let rows: Vec<Vec<Option<String>>> = serde_json::from_str(&text).map_err(|e| Error::Query {
        what: "reference rows",
        target: target.to_owned(),
        message: e.to_string(),
    })?;
    Ok(rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|v| v.map_or(Literal::Null, Literal::Text))
                .collect()
        })
        .collect())
}

/// PostgreSQL prints `v IN ('a', 'b')` on a varchar as
/// `ARRAY['a'::character varying, 'b'::character varying]::text[]`, which parses back to
/// a different tree, printed `ARRAY['a'::character varying::text, ...]` (one cast per
/// element); that second form is a fixed point. Expressions are read in that form, so a
/// database built from SQL this toolkit (or pg_dump) printed compares equal to the
/// original.
pub(crate) fn fixpoint_expr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find("ARRAY[") {
        out.push_str(&rest[..pos]);
        let body_start = pos + "ARRAY[".len();
        match rewrite_array(&rest[body_start..]) {
            Some((rewritten, used)) => {
                out.push_str(&rewritten);
                rest = &rest[body_start + used..];
            }
            None => {
                out.push_str("ARRAY[");
                rest = &rest[body_start..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `'a'::S, 'b'::S]::T[]` (after `ARRAY[`) into `ARRAY['a'::S::T, 'b'::S::T]` and the
/// bytes consumed; None when the text is not of that shape.
fn rewrite_array(s: &str) -> Option<(String, usize)> {
    let bytes = s.as_bytes();
    let mut elements = Vec::new();
    let mut i = 0;
    let mut start = 0;
    let mut in_quote = false;
    let end = loop {
        let b = *bytes.get(i)?;
        if in_quote {
            if b == b'\'' {
                if bytes.get(i + 1) == Some(&b'\'') {
                    i += 1;
                } else {
                    in_quote = false;
                }
            }
        } else {
            match b {
                b'\'' => in_quote = true,
                b'(' | b'[' => return None,
                b',' => {
                    elements.push(s[start..i].trim());
                    start = i + 1;
                }
                b']' => {
                    elements.push(s[start..i].trim());
                    break i;
                }
                _ => {}
            }
        }
        i += 1;
    };
    let after = s[end + 1..].strip_prefix("::")?;
    let close = after.find("[]")?;
    let ty = &after[..close];
    if ty.is_empty() || ty.contains([',', ')', '(', '\'', ']']) {
        return None;
    }
    if elements
        .iter()
        .any(|e| !e.starts_with('\'') || !e.contains("::"))
    {
        return None;
    }
    let items: Vec<String> = elements.iter().map(|e| format!("{e}::{ty}")).collect();
    Some((
        format!("ARRAY[{}]", items.join(", ")),
        end + 1 + 2 + close + 2,
    ))
}

fn fk_action(letter: &str) -> FkAction {
    match letter {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// The `WHEN (...)` condition of `pg_get_triggerdef`.
fn when_clause(def: &str) -> Option<String> {
    let start = def.find(" WHEN (")? + " WHEN (".len();
    let end = def.rfind(") EXECUTE ")?;
    (end > start).then(|| def[start..end].to_owned())
}

/// `tgargs`: the arguments, each ended by a NUL byte.
fn trigger_args(hex: &str, n: i32) -> Vec<String> {
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect();
    bytes
        .split(|b| *b == 0)
        .take(usize::try_from(n).unwrap_or(0))
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect()
}

/// A column's type from `format_type` and the base type's catalog entry.
fn column_type(c: &cat::ColumnRow) -> ColumnType {
    let text = c.ty.as_str();
    let base_text = if c.is_array {
        text.strip_suffix("[]").unwrap_or(text)
    } else {
        text
    };
    let base = if c.base_kind == "e" {
        ColumnType::Enum(QName::new(&c.base_schema, &c.base_name))
    } else if c.base_extension.as_deref() == Some("citext") && c.base_name == "citext" {
        ColumnType::Citext
    } else if c.base_schema == "pg_catalog" {
        builtin_type(base_text)
    } else {
        ColumnType::Custom {
            name: base_text.to_owned(),
            extension: c.base_extension.clone(),
        }
    };
    if c.is_array {
        ColumnType::Array(Box::new(base))
    } else {
        base
    }
}

/// `format_type` text of a `pg_catalog` type into the model's type.
pub(crate) fn builtin_type(t: &str) -> ColumnType {
    let modifier = |prefix: &str| -> Option<&str> {
        t.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
    };
    match t {
        "smallint" => ColumnType::SmallInt,
        "integer" => ColumnType::Integer,
        "bigint" => ColumnType::BigInt,
        "numeric" => ColumnType::Numeric(None),
        "real" => ColumnType::Real,
        "double precision" => ColumnType::Double,
        "text" => ColumnType::Text,
        "character varying" => ColumnType::Varchar(None),
        "bpchar" => ColumnType::Char(None),
        "boolean" => ColumnType::Boolean,
        "uuid" => ColumnType::Uuid,
        "json" => ColumnType::Json,
        "jsonb" => ColumnType::Jsonb,
        "timestamp with time zone" => ColumnType::Timestamptz,
        "timestamp without time zone" => ColumnType::Timestamp,
        "date" => ColumnType::Date,
        "time without time zone" => ColumnType::Time,
        "interval" => ColumnType::Interval,
        "inet" => ColumnType::Inet,
        "cidr" => ColumnType::Cidr,
        "bytea" => ColumnType::Bytea,
        _ => {
            if let Some(m) = modifier("numeric")
                && let Some((p, s)) = m.split_once(',')
                && let (Ok(p), Ok(s)) = (p.parse(), s.parse())
            {
                return ColumnType::Numeric(Some((p, s)));
            }
            if let Some(n) = modifier("character varying").and_then(|m| m.parse().ok()) {
                return ColumnType::Varchar(Some(n));
            }
            if let Some(n) = modifier("character").and_then(|m| m.parse().ok()) {
                return ColumnType::Char(Some(n));
            }
            ColumnType::Custom {
                name: t.to_owned(),
                extension: None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_array_cast_as_a_whole_is_read_as_casts_per_element() {
        assert_eq!(
            fixpoint_expr(
                "s::text = ANY (ARRAY['a'::character varying, 'b,c'::character varying]::text[])"
            ),
            "s::text = ANY (ARRAY['a'::character varying::text, 'b,c'::character varying::text])"
        );
        let fixed = "u::text = ANY (ARRAY['x'::character varying::text])";
        assert_eq!(fixpoint_expr(fixed), fixed);
        assert_eq!(
            fixpoint_expr("ARRAY[1, 2]::bigint[]"),
            "ARRAY[1, 2]::bigint[]"
        );
    }

    #[test]
    fn format_type_names_map_to_the_model() {
        assert_eq!(
            builtin_type("numeric(12,2)"),
            ColumnType::Numeric(Some((12, 2)))
        );
        assert_eq!(
            builtin_type("character varying(200)"),
            ColumnType::Varchar(Some(200))
        );
        assert_eq!(builtin_type("character(3)"), ColumnType::Char(Some(3)));
        assert_eq!(
            builtin_type("timestamp with time zone"),
            ColumnType::Timestamptz
        );
        assert_eq!(
            builtin_type("tsvector"),
            ColumnType::Custom {
                name: "tsvector".into(),
                extension: None
            }
        );
    }

    #[test]
    fn trigger_arguments_are_split_on_nul_bytes() {
        // 'a', 'b c' as tgargs: 61 00 62 20 63 00
        assert_eq!(
            trigger_args("6100622063 00".replace(' ', "").as_str(), 2),
            ["a", "b c"]
        );
        assert!(trigger_args("", 0).is_empty());
    }

    #[test]
    fn the_when_condition_is_cut_from_the_trigger_definition() {
        let def = "CREATE TRIGGER t BEFORE UPDATE ON s.x FOR EACH ROW WHEN (old.* IS DISTINCT FROM new.*) EXECUTE FUNCTION s.f()";
        assert_eq!(
            when_clause(def).as_deref(),
            Some("old.* IS DISTINCT FROM new.*")
        );
    }
}
