//! Composite types (`CREATE TYPE ... AS (...)`, `ALTER TYPE ... ATTRIBUTE`) and range types.

use super::{Stmt, comment_sql, type_sql};
use crate::model::composite::{CompositeType, RangeType};
use crate::sql::ident::{ident, qname};

pub fn create_composite(c: &CompositeType) -> Vec<Stmt> {
    let fields: Vec<String> = c
        .fields
        .iter()
        .map(|f| format!("{} {}", ident(&f.name), type_sql(&f.ty)))
        .collect();
    let mut out = vec![Stmt::new(
        "type",
        c.name.to_string(),
        format!(
            "CREATE TYPE {} AS (\n    {}\n);",
            qname(&c.name),
            fields.join(",\n    ")
        ),
    )];
    out.extend(type_comment(&c.name, c.comment.as_ref(), None));
    out
}

pub fn drop_composite(c: &CompositeType) -> Stmt {
    drop_type(&c.name)
}

fn drop_type(q: &crate::model::names::QName) -> Stmt {
    Stmt::new("type", q.to_string(), format!("DROP TYPE {};", qname(q)))
}

fn type_comment(
    q: &crate::model::names::QName,
    new: Option<&String>,
    old: Option<Option<&String>>,
) -> Option<Stmt> {
    (new != old.flatten()).then(|| {
        Stmt::new(
            "comment",
            q.to_string(),
            comment_sql(format!("TYPE {}", qname(q)), new),
        )
    })
}

/// Whether `ALTER TYPE ... ADD/DROP/ALTER ATTRIBUTE` gives the new type with its fields
/// in the declared order: the fields kept stay in their order, new ones come last.
pub fn composite_alterable(old: &CompositeType, new: &CompositeType) -> bool {
    let kept_old: Vec<&str> = old
        .fields
        .iter()
        .filter(|f| new.find_field(&f.name).is_some())
        .map(|f| f.name.as_str())
        .collect();
    let kept_new: Vec<&str> = new
        .fields
        .iter()
        .filter(|f| old.find_field(&f.name).is_some())
        .map(|f| f.name.as_str())
        .collect();
    kept_old == kept_new
        && new
            .fields
            .iter()
            .skip_while(|f| old.find_field(&f.name).is_some())
            .all(|f| old.find_field(&f.name).is_none())
}

/// Attributes dropped, retyped and added. Dropping an attribute or changing its type
/// loses or converts the values stored in columns of the type: destructive.
pub fn alter_composite(old: &CompositeType, new: &CompositeType) -> Vec<Stmt> {
    let name = qname(&new.name);
    let stmt = |sql: String| Stmt::new("type", new.name.to_string(), sql);
    let mut out = Vec::new();
    for f in &old.fields {
        match new.find_field(&f.name) {
            None => out.push(
                stmt(format!(
                    "ALTER TYPE {name} DROP ATTRIBUTE {};",
                    ident(&f.name)
                ))
                .destructive(),
            ),
            Some(n) if n.ty != f.ty => out.push(
                stmt(format!(
                    "ALTER TYPE {name} ALTER ATTRIBUTE {} TYPE {};",
                    ident(&f.name),
                    type_sql(&n.ty)
                ))
                .destructive(),
            ),
            Some(_) => {}
        }
    }
    for f in &new.fields {
        if old.find_field(&f.name).is_none() {
            out.push(stmt(format!(
                "ALTER TYPE {name} ADD ATTRIBUTE {} {};",
                ident(&f.name),
                type_sql(&f.ty)
            )));
        }
    }
    out.extend(type_comment(
        &new.name,
        new.comment.as_ref(),
        Some(old.comment.as_ref()),
    ));
    out
}

pub fn create_range(r: &RangeType) -> Vec<Stmt> {
    let mut out = vec![Stmt::new(
        "type",
        r.name.to_string(),
        format!(
            "CREATE TYPE {} AS RANGE (\n    SUBTYPE = {}\n);",
            qname(&r.name),
            type_sql(&r.subtype)
        ),
    )];
    out.extend(type_comment(&r.name, r.comment.as_ref(), None));
    out
}

pub fn drop_range(r: &RangeType) -> Stmt {
    drop_type(&r.name)
}

/// Only the comment of a range type changes in place.
pub fn range_comment(r: &RangeType, old: &RangeType) -> Option<Stmt> {
    type_comment(&r.name, r.comment.as_ref(), Some(old.comment.as_ref()))
}
