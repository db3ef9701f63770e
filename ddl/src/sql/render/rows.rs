//! Reference rows: INSERT, DELETE and UPDATE by primary key.

use super::{LockMode, Stmt};
use crate::model::expr::Literal;
use crate::model::table::{Rows, Table};
use crate::sql::ident::{ident, ident_list, qname};

fn row_sql(values: &[Literal]) -> String {
    let v: Vec<String> = values.iter().map(Literal::to_sql).collect();
    format!("({})", v.join(", "))
}

pub fn insert_rows(t: &Table, rows: &Rows, values: &[&Vec<Literal>]) -> Option<Stmt> {
    if values.is_empty() {
        return None;
    }
    let lines: Vec<String> = values.iter().map(|r| row_sql(r)).collect();
    Some(
        Stmt::new(
            "rows",
            t.name.to_string(),
            format!(
                "INSERT INTO {} ({}) VALUES\n    {};",
                qname(&t.name),
                ident_list(&rows.columns),
                lines.join(",\n    ")
            ),
        )
        .locks(LockMode::RowExclusive, &[&t.name]),
    )
}

/// `DELETE` of rows given by their primary-key values.
pub fn delete_rows(t: &Table, pk: &[String], keys: &[Vec<Literal>]) -> Option<Stmt> {
    if keys.is_empty() {
        return None;
    }
    let (lhs, list): (String, Vec<String>) = if pk.len() == 1 {
        (
            ident(&pk[0]).into_owned(),
            keys.iter().map(|k| k[0].to_sql()).collect(),
        )
    } else {
        (
            format!("({})", ident_list(pk)),
            keys.iter().map(|k| row_sql(k)).collect(),
        )
    };
    Some(
        Stmt::new(
            "rows",
            t.name.to_string(),
            format!(
                "DELETE FROM {} WHERE {lhs} IN ({});",
                qname(&t.name),
                list.join(", ")
            ),
        )
        .locks(LockMode::RowExclusive, &[&t.name])
        .destructive(),
    )
}

/// `UPDATE` of one row's non-key columns.
pub fn update_row(t: &Table, rows: &Rows, pk: &[String], row: &[Literal]) -> Stmt {
    let mut sets = Vec::new();
    let mut conds = Vec::new();
    for (c, v) in rows.columns.iter().zip(row) {
        let pair = format!("{} = {}", ident(c), v.to_sql());
        if pk.contains(c) {
            conds.push(pair);
        } else {
            sets.push(pair);
        }
    }
    Stmt::new(
        "rows",
        t.name.to_string(),
        format!(
            "UPDATE {} SET {} WHERE {};",
            qname(&t.name),
            sets.join(", "),
            conds.join(" AND ")
        ),
    )
    .locks(LockMode::RowExclusive, &[&t.name])
}
