//! `fresh`: drop what the migrations built, so everything can be applied again.
//!
//! sea-orm-migration's `fresh` drops only the tables and types of `current_schema()`, and
//! then fails on the first object it left in another schema. Here every schema a migration
//! creates goes, with `CASCADE`, and so does `public` (recreated as PostgreSQL 15 creates
//! it), which takes the extensions, functions and tables made there.

use sea_orm_migration::sea_orm::sqlx::postgres::PgConnection;

use super::{exec, history};
use crate::error::RunError;
use crate::source::MigrationSet;
use crate::split::created_schema;

/// Schemas named by `CREATE SCHEMA` in the up files, in order of appearance, without
/// `public`, the system schemas and the history schema (handled on their own).
pub fn created_schemas(set: &MigrationSet) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in &set.migrations {
        for s in &m.up.statements {
            if let Some(name) = created_schema(&s.sql)
                && name != "public"
                && name != history::HISTORY_SCHEMA
                && name != "information_schema"
                && !name.starts_with("pg_")
                && !out.contains(&name)
            {
                out.push(name);
            }
        }
    }
    out
}

/// The statements `fresh` runs before applying everything, newest schema first (a later
/// schema may depend on an earlier one; CASCADE copes either way).
pub fn drop_sql(schemas: &[String]) -> String {
    let mut sql = String::from("BEGIN;\n");
    for s in schemas.iter().rev() {
        sql.push_str(&format!(
            "DROP SCHEMA IF EXISTS {} CASCADE;\n",
            quote_ident(s)
        ));
    }
    sql.push_str(
        "DROP SCHEMA IF EXISTS public CASCADE;\n\
         CREATE SCHEMA public AUTHORIZATION pg_database_owner;\n\
         GRANT USAGE ON SCHEMA public TO PUBLIC;\n\
         COMMENT ON SCHEMA public IS 'standard public schema';\n",
    );
    sql.push_str(&format!(
        "DROP SCHEMA IF EXISTS {} CASCADE;\nCOMMIT;",
        history::HISTORY_SCHEMA
    ));
    sql
}

pub async fn run(conn: &mut PgConnection, sql: &str) -> Result<(), RunError> {
    if let Err(e) = exec::exec(conn, sql).await {
        let _ = exec::exec(conn, "ROLLBACK").await;
        return Err(history::db_err(
            "fresh: cannot drop the schemas (nothing was dropped)",
            &e,
        ));
    }
    Ok(())
}

fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::RawFile;

    #[test]
    fn every_created_schema_is_dropped_not_only_public() {
        let set = MigrationSet::from_files(
            "t".into(),
            vec![
                RawFile {
                    name: "001_a.sql".into(),
                    contents: "CREATE SCHEMA IF NOT EXISTS app;\nCREATE SCHEMA \"Core\" AUTHORIZATION x;\nCREATE SCHEMA public;".into(),
                },
                RawFile {
                    name: "002_b.sql".into(),
                    contents: "CREATE SCHEMA AUTHORIZATION billing;\ncreate schema app;".into(),
                },
            ],
        )
        .expect("valid");
        let schemas = created_schemas(&set);
        assert_eq!(schemas, vec!["app", "Core", "billing"]);
        let sql = drop_sql(&schemas);
        assert!(sql.contains("DROP SCHEMA IF EXISTS \"billing\" CASCADE;\nDROP SCHEMA IF EXISTS \"Core\" CASCADE;\nDROP SCHEMA IF EXISTS \"app\" CASCADE;"), "{sql}");
        assert!(sql.contains("DROP SCHEMA IF EXISTS schemactl CASCADE;"));
    }
}
