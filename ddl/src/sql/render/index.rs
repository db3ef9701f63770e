//! Indexes.

use super::{LockMode, Stmt};
use crate::model::index::{Index, IndexMethod, IndexTarget, NullsOrder, SortOrder};
use crate::model::names::QName;
use crate::model::table::Table;
use crate::sql::ident::{ident, ident_list, qname};

pub fn create_index(t: &Table, ix: &Index) -> Stmt {
    create_index_on(&t.name, ix)
}

/// `CREATE INDEX` on a relation by name (a table or a materialized view).
pub fn create_index_on(relation: &QName, ix: &Index) -> Stmt {
    let keys: Vec<String> = ix
        .keys
        .iter()
        .map(|k| {
            let mut s = match &k.target {
                IndexTarget::Column(c) => ident(c).into_owned(),
                IndexTarget::Expr(e) => format!("({})", e.as_str()),
            };
            if let Some(op) = &k.opclass {
                s.push(' ');
                s.push_str(op);
            }
            match k.order {
                Some(SortOrder::Desc) => s.push_str(" DESC"),
                Some(SortOrder::Asc) => s.push_str(" ASC"),
                None => {}
            }
            match k.nulls {
                Some(NullsOrder::First) => s.push_str(" NULLS FIRST"),
                Some(NullsOrder::Last) => s.push_str(" NULLS LAST"),
                None => {}
            }
            s
        })
        .collect();
    let mut sql = format!(
        "CREATE {}INDEX {} ON {}{} ({})",
        if ix.unique { "UNIQUE " } else { "" },
        ident(&ix.name),
        qname(relation),
        if ix.method == IndexMethod::BTree {
            String::new()
        } else {
            format!(" USING {}", ix.method.sql())
        },
        keys.join(", ")
    );
    if !ix.include.is_empty() {
        sql.push_str(&format!(" INCLUDE ({})", ident_list(&ix.include)));
    }
    if ix.nulls_not_distinct {
        sql.push_str(" NULLS NOT DISTINCT");
    }
    if let Some(p) = &ix.predicate {
        sql.push_str(&format!(" WHERE {}", p.as_str()));
    }
    sql.push(';');
    // Blocks writes (not reads) while the index builds.
    Stmt::new("index", format!("{}.{}", relation.schema, ix.name), sql)
        .locks(LockMode::Share, &[relation])
        .scans(true)
}

pub fn drop_index(t: &Table, ix: &Index) -> Stmt {
    drop_index_on(&t.name, ix)
}

/// `DROP INDEX` of an index of a relation (a table or a materialized view).
pub fn drop_index_on(relation: &QName, ix: &Index) -> Stmt {
    let q = QName::new(relation.schema.clone(), ix.name.clone());
    Stmt::new("index", q.to_string(), format!("DROP INDEX {};", qname(&q)))
        .locks(LockMode::AccessExclusive, &[relation])
}

/// `CREATE INDEX CONCURRENTLY IF NOT EXISTS`: builds without blocking writes; a rerun after
/// a failed build finds the index already there (the runner drops an INVALID one first).
pub fn create_index_concurrently(t: &Table, ix: &Index) -> Stmt {
    let plain = create_index(t, ix);
    let sql = plain.sql.replacen(
        if ix.unique {
            "CREATE UNIQUE INDEX "
        } else {
            "CREATE INDEX "
        },
        if ix.unique {
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "
        } else {
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS "
        },
        1,
    );
    Stmt { sql, ..plain }
        .locks(LockMode::ShareUpdateExclusive, &[&t.name])
        .scans(true)
}

pub fn drop_index_concurrently(t: &Table, ix: &Index) -> Stmt {
    let q = QName::new(t.name.schema.clone(), ix.name.clone());
    Stmt::new(
        "index",
        q.to_string(),
        format!("DROP INDEX CONCURRENTLY IF EXISTS {};", qname(&q)),
    )
    .locks(LockMode::ShareUpdateExclusive, &[&t.name])
}
