//! Exclusion constraints, `NOT VALID` constraints and comments on constraints and
//! indexes: the parts of a table's constraints that are not one line of `CREATE TABLE`.

use super::{LockMode, Stmt, comment_sql};
use crate::model::column::Column;
use crate::model::constraint::Deferrable;
use crate::model::exclusion::Exclusion;
use crate::model::index::{Index, IndexMethod, IndexTarget};
use crate::model::names::QName;
use crate::model::table::Table;
use crate::sql::ident::{ident, qname};

/// `CONSTRAINT name EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (..)`
pub fn exclusion_def(x: &Exclusion) -> String {
    let elements: Vec<String> = x
        .elements
        .iter()
        .map(|e| {
            let mut s = match &e.target {
                IndexTarget::Column(c) => ident(c).into_owned(),
                IndexTarget::Expr(ex) => format!("({})", ex.as_str()),
            };
            if let Some(op) = &e.opclass {
                s.push(' ');
                s.push_str(op);
            }
            format!("{s} WITH {}", e.operator)
        })
        .collect();
    let method = if x.method == IndexMethod::BTree {
        String::new()
    } else {
        format!(" USING {}", x.method.sql())
    };
    let mut s = format!(
        "CONSTRAINT {} EXCLUDE{method} ({})",
        ident(&x.name),
        elements.join(", ")
    );
    if let Some(p) = &x.predicate {
        s.push_str(&format!(" WHERE ({})", p.as_str()));
    }
    s.push_str(deferrable_sql(x.deferrable));
    s
}

pub(crate) fn deferrable_sql(d: Deferrable) -> &'static str {
    match d {
        Deferrable::No => "",
        Deferrable::InitiallyImmediate => " DEFERRABLE INITIALLY IMMEDIATE",
        Deferrable::InitiallyDeferred => " DEFERRABLE INITIALLY DEFERRED",
    }
}

/// Whether the table declares the CHECK or foreign key `name` `NOT VALID`.
pub fn is_not_valid(t: &Table, name: &str) -> bool {
    t.checks.iter().any(|c| c.name == name && c.not_valid)
        || t.foreign_keys
            .iter()
            .any(|f| f.name == name && f.not_valid && !f.add_later)
}

/// Every constraint of the table with its comment.
fn comments(t: &Table) -> Vec<(&str, Option<&String>)> {
    let mut out = Vec::new();
    if let Some(p) = &t.primary_key {
        out.push((p.name.as_str(), p.comment.as_ref()));
    }
    out.extend(
        t.uniques
            .iter()
            .map(|u| (u.name.as_str(), u.comment.as_ref())),
    );
    out.extend(
        t.checks
            .iter()
            .map(|c| (c.name.as_str(), c.comment.as_ref())),
    );
    out.extend(
        t.foreign_keys
            .iter()
            .map(|f| (f.name.as_str(), f.comment.as_ref())),
    );
    out.extend(
        t.exclusions
            .iter()
            .map(|x| (x.name.as_str(), x.comment.as_ref())),
    );
    out
}

/// `COMMENT ON CONSTRAINT` for each constraint whose comment differs from `old`'s, or that
/// is (re)created in this plan (`added`), since a constraint created again has none.
pub fn constraint_comments(t: &Table, old: Option<&Table>, added: &[String]) -> Vec<Stmt> {
    let before: Vec<(&str, Option<&String>)> = old.map(comments).unwrap_or_default();
    comments(t)
        .into_iter()
        .filter_map(|(name, text)| {
            let was = before
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, c)| *c);
            let recreated = added.iter().any(|a| a == name);
            let changed = if recreated {
                text.is_some()
            } else {
                text != was
            };
            changed.then(|| constraint_comment(t, name, text))
        })
        .collect()
}

pub fn constraint_comment(t: &Table, name: &str, text: Option<&String>) -> Stmt {
    Stmt::new(
        "comment",
        format!("{}.{name}", t.name),
        comment_sql(
            format!("CONSTRAINT {} ON {}", ident(name), qname(&t.name)),
            text,
        ),
    )
    .locks(LockMode::ShareUpdateExclusive, &[&t.name])
}

/// `COMMENT ON INDEX`, when the comment differs from `old`'s (None: the index is new).
pub fn index_comment(t: &Table, ix: &Index, old: Option<&Index>) -> Option<Stmt> {
    let before = old.and_then(|o| o.comment.as_ref());
    (ix.comment.as_ref() != before).then(|| {
        let q = QName::new(t.name.schema.clone(), ix.name.clone());
        Stmt::new(
            "comment",
            q.to_string(),
            comment_sql(format!("INDEX {}", qname(&q)), ix.comment.as_ref()),
        )
        .locks(LockMode::ShareUpdateExclusive, &[&t.name])
    })
}

/// The column's type with its collation, as `ALTER COLUMN .. TYPE` takes it.
pub fn type_with_collation(c: &Column) -> String {
    match &c.collation {
        Some(collation) => format!("{} COLLATE {}", super::type_sql(&c.ty), ident(collation)),
        None => super::type_sql(&c.ty),
    }
}
