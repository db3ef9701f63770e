//! The catalogs into the model: one query per catalog family, then one function per
//! family (in its own file) turning the rows into the model, called in catalog order.

mod functions;
mod partitions;
pub mod privileges;
mod rows;
mod schemas;
mod sequences_types;
mod tables;
mod triggers_policies;
mod types;
mod views;

use std::collections::HashMap;

use ddl::model::database::Database;
use ddl::model::names::QName;
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
    /// Every role of the cluster (roles are cluster-wide), for the declared roles' check.
    pub roles: Vec<String>,
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

    let partition_rows = partitions::read_partitions(conn, target, s).await?;
    let privilege_rows = privileges::read_privileges(conn, target, s).await?;
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

    schemas::add_extensions(db, scope, extensions);
    schemas::add_schemas(db, schemas);
    types::add_types(db, &mut note, types);
    let by_oid = tables::add_tables(db, &mut note, relations);
    tables::add_columns(db, &mut note, &by_oid, columns);
    tables::add_constraints(db, &mut note, &by_oid, &names, constraints);
    tables::add_indexes(db, &mut note, &by_oid, &attname, &opclasses, indexes);
    partitions::add_partitions(db, &mut note, &by_oid, partition_rows);
    triggers_policies::add_triggers(
        db,
        &mut note,
        &by_oid,
        &names,
        triggers,
        &mut live.disabled_triggers,
    );
    triggers_policies::add_policies(db, &by_oid, policies);
    functions::add_functions(db, &mut note, functions);
    sequences_types::add(conn, target, db, &scope.schemas).await?;
    let cluster_roles = privileges::add_privileges(db, privilege_rows);
    rows::add_rows(conn, target, db, scope).await?;
    views::add_views(conn, target, db, &scope.schemas).await?;

    live.roles = cluster_roles;
    live.model = live.model.canonical();
    live.not_managed.sort();
    Ok(live)
}
