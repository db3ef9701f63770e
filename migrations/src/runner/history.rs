//! The history table: one row per applied migration, with the checksums of its files.
//!
//! It lives in its own schema, always named with that schema, so no `search_path` (not the
//! user's, not one a migration sets) can make the runner read or create a second copy.

use sea_orm_migration::sea_orm::sqlx::{self, postgres::PgConnection};

use crate::error::RunError;
use crate::source::Migration;

/// The schema that holds the history table.
pub const HISTORY_SCHEMA: &str = "schemactl";
/// The history table, schema-qualified.
pub const HISTORY_TABLE: &str = "schemactl.migrations";

/// Creates the history schema and table when missing.
pub const CREATE_SQL: &str = "CREATE SCHEMA IF NOT EXISTS schemactl;\n\
CREATE TABLE IF NOT EXISTS schemactl.migrations (\n    \
    version integer PRIMARY KEY,\n    \
    name text NOT NULL,\n    \
    checksum text NOT NULL,\n    \
    down_checksum text,\n    \
    transactional boolean NOT NULL,\n    \
    applied_at timestamptz NOT NULL DEFAULT now(),\n    \
    execution_ms bigint NOT NULL\n\
);";

/// Removes the history once it is empty, so rolling everything back leaves an empty
/// database. `RESTRICT` keeps anything else someone put in the schema.
pub const DROP_EMPTY_SQL: &str =
    "DROP TABLE schemactl.migrations;\nDROP SCHEMA schemactl RESTRICT;";

/// What `fresh` runs once every applied migration is rolled back: the rows are history
/// of a database that is about to be rebuilt. `RESTRICT` keeps anything else someone put
/// in the schema (and stops `fresh` when there is).
pub const DROP_SQL: &str =
    "DROP TABLE IF EXISTS schemactl.migrations;\nDROP SCHEMA IF EXISTS schemactl RESTRICT;";

/// [`DROP_EMPTY_SQL`] when the table is empty, and nothing otherwise.
pub const DROP_IF_EMPTY_SQL: &str = "DO $$\nBEGIN\n    \
    IF to_regclass('schemactl.migrations') IS NOT NULL\n        \
    AND NOT EXISTS (SELECT FROM schemactl.migrations) THEN\n        \
    DROP TABLE schemactl.migrations;\n        \
    DROP SCHEMA schemactl RESTRICT;\n    \
    END IF;\n\
END\n$$;";

/// One row of the history table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub version: u32,
    pub name: String,
    pub checksum: String,
    pub down_checksum: Option<String>,
    /// UTC, RFC 3339.
    pub applied_at: String,
    pub execution_ms: i64,
}

pub async fn exists(conn: &mut PgConnection) -> Result<bool, RunError> {
    sqlx::query_scalar::<_, bool>("SELECT to_regclass('schemactl.migrations') IS NOT NULL")
        .fetch_one(conn)
        .await
        .map_err(|e| db_err("cannot look for the history table", &e))
}

/// The applied migrations, oldest first (none when the table does not exist).
pub async fn read(conn: &mut PgConnection) -> Result<Vec<Applied>, RunError> {
    if !exists(conn).await? {
        return Ok(Vec::new());
    }
    let rows: Vec<(i32, String, String, Option<String>, String, i64)> = sqlx::query_as(
        "SELECT version, name, checksum, down_checksum, \
         to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), execution_ms \
         FROM schemactl.migrations ORDER BY version",
    )
    .fetch_all(conn)
    .await
    .map_err(|e| db_err("cannot read the history table schemactl.migrations", &e))?;
    Ok(rows
        .into_iter()
        .map(
            |(version, name, checksum, down_checksum, applied_at, execution_ms)| Applied {
                version: u32::try_from(version).unwrap_or(0),
                name,
                checksum,
                down_checksum,
                applied_at,
                execution_ms,
            },
        )
        .collect())
}

/// The row recording `m` as applied. Written as literal SQL so that `--dry-run` prints
/// exactly what runs.
pub fn insert_sql(m: &Migration, execution_ms: &str) -> String {
    format!(
        "INSERT INTO schemactl.migrations (version, name, checksum, down_checksum, transactional, execution_ms) VALUES ({}, {}, {}, {}, {}, {execution_ms});",
        m.version,
        literal(&m.name),
        literal(&m.up.checksum),
        m.down
            .as_ref()
            .map_or_else(|| "NULL".to_owned(), |d| literal(&d.checksum)),
        m.up.tx.is_transactional(),
    )
}

pub fn delete_sql(m: &Migration) -> String {
    format!(
        "DELETE FROM schemactl.migrations WHERE version = {};",
        m.version
    )
}

fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

pub fn db_err(context: &str, e: &sqlx::Error) -> RunError {
    let message = match e.as_database_error() {
        Some(db) => format!(
            "{} (SQLSTATE {})",
            db.message(),
            db.code().unwrap_or_default()
        ),
        None => e.to_string(),
    };
    RunError::Db {
        context: context.to_owned(),
        message,
    }
}
