//! Reference rows: the rows of the tables a declaration lists them for.

use ddl::model::database::Database;
use ddl::model::expr::Literal;
use ddl::model::names::{Origin, QName};
use ddl::model::table::Rows;
use sea_orm_migration::sea_orm::sqlx::{self, AssertSqlSafe, postgres::PgConnection};

use super::{Scope, query_error};
use crate::Error;

pub(super) async fn add_rows(
    conn: &mut PgConnection,
    target: &str,
    db: &mut Database,
    scope: &Scope,
) -> Result<(), Error> {
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
    Ok(())
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
