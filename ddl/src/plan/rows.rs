//! Reference rows: what changes between two declarations of a table's rows, keyed by the
//! primary key (deleted in the drop phase, inserted and updated in creation order).

use crate::model::expr::Literal;
use crate::model::table::Table;
use crate::sql::render::{self, Stmt};
use std::collections::BTreeMap;

/// Rows keyed by their primary-key values.
fn keyed(t: &Table) -> (Vec<String>, BTreeMap<Vec<Literal>, &Vec<Literal>>) {
    let pk: Vec<String> = t
        .primary_key
        .as_ref()
        .map(|p| p.columns.clone())
        .unwrap_or_default();
    let mut map = BTreeMap::new();
    if let Some(rows) = &t.rows {
        for r in &rows.values {
            map.insert(row_key(&pk, rows, r), r);
        }
    }
    (pk, map)
}

pub(super) fn rows_pre(old: &Table, new: &Table) -> Vec<Stmt> {
    let (pk, before) = keyed(old);
    let (_, after) = keyed(new);
    let gone: Vec<Vec<Literal>> = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .cloned()
        .collect();
    render::delete_rows(old, &pk, &gone).into_iter().collect()
}

pub(super) fn rows_post(old: &Table, new: &Table) -> Vec<Stmt> {
    let (pk, before) = keyed(old);
    let (_, after) = keyed(new);
    let Some(rows) = &new.rows else {
        return Vec::new();
    };
    let same_columns = old.rows.as_ref().map(|r| &r.columns) == Some(&rows.columns);
    let added: Vec<&Vec<Literal>> = rows
        .values
        .iter()
        .filter(|r| !before.contains_key(&row_key(&pk, rows, r)))
        .collect();
    let mut out: Vec<Stmt> = render::insert_rows(new, rows, &added).into_iter().collect();
    for (k, r) in &after {
        if let Some(prev) = before.get(k)
            && (!same_columns || prev != r)
        {
            out.push(render::update_row(new, rows, &pk, r));
        }
    }
    out
}

fn row_key(pk: &[String], rows: &crate::model::table::Rows, r: &[Literal]) -> Vec<Literal> {
    pk.iter()
        .filter_map(|c| rows.columns.iter().position(|rc| rc == c))
        .filter_map(|p| r.get(p).cloned())
        .collect()
}
