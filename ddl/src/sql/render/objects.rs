//! Database-level objects: extensions, schemas and enum types.

use super::{Stmt, comment_sql};
use crate::model::expr::quote_literal;
use crate::model::objects::{EnumType, Extension, Schema};
use crate::sql::fragment::comment_safe;
use crate::sql::ident::{ident, qname};

pub fn create_extension(e: &Extension) -> Stmt {
    let schema = e
        .schema
        .as_ref()
        .map(|s| format!(" WITH SCHEMA {}", ident(s)))
        .unwrap_or_default();
    Stmt::new(
        "extension",
        e.name.clone(),
        format!("CREATE EXTENSION {}{schema};", ident(&e.name)),
    )
}

pub fn drop_extension(e: &Extension) -> Stmt {
    Stmt::new(
        "extension",
        e.name.clone(),
        format!("DROP EXTENSION {};", ident(&e.name)),
    )
}

pub fn create_schema(s: &Schema) -> Vec<Stmt> {
    let mut out = vec![Stmt::new(
        "schema",
        s.name.clone(),
        format!("CREATE SCHEMA {};", ident(&s.name)),
    )];
    out.extend(schema_comment(s, None));
    out
}

pub fn schema_comment(s: &Schema, old: Option<&Schema>) -> Option<Stmt> {
    (s.comment.as_ref() != old.and_then(|o| o.comment.as_ref())).then(|| {
        Stmt::new(
            "comment",
            s.name.clone(),
            comment_sql(format!("SCHEMA {}", ident(&s.name)), s.comment.as_ref()),
        )
    })
}

pub fn drop_schema(s: &Schema) -> Stmt {
    Stmt::new(
        "schema",
        s.name.clone(),
        format!("DROP SCHEMA {};", ident(&s.name)),
    )
}

pub fn create_enum(e: &EnumType) -> Vec<Stmt> {
    let values: Vec<String> = e.values.iter().map(|v| quote_literal(v)).collect();
    let mut out = vec![Stmt::new(
        "type",
        e.name.to_string(),
        format!(
            "CREATE TYPE {} AS ENUM (\n    {}\n);",
            qname(&e.name),
            values.join(",\n    ")
        ),
    )];
    out.extend(enum_comment(e, None));
    out
}

pub fn enum_comment(e: &EnumType, old: Option<&EnumType>) -> Option<Stmt> {
    (e.comment.as_ref() != old.and_then(|o| o.comment.as_ref())).then(|| {
        Stmt::new(
            "comment",
            e.name.to_string(),
            comment_sql(format!("TYPE {}", qname(&e.name)), e.comment.as_ref()),
        )
    })
}

/// `ALTER TYPE ... ADD VALUE` for values appended to an enum. Going back, PostgreSQL
/// cannot drop a value, so the rollback keeps it and says so.
pub fn add_enum_values(old: &EnumType, new: &EnumType) -> Vec<Stmt> {
    if let Some(kept) = old.values.get(new.values.len()..).filter(|k| !k.is_empty()) {
        let list: Vec<String> = kept.iter().map(|v| quote_literal(v)).collect();
        return vec![Stmt::new(
            "type",
            new.name.to_string(),
            format!(
                "-- PostgreSQL cannot remove enum values: {} stay in {}.",
                comment_safe(&list.join(", ")),
                comment_safe(&qname(&new.name))
            ),
        )];
    }
    new.values[old.values.len()..]
        .iter()
        .map(|v| {
            Stmt::new(
                "type",
                new.name.to_string(),
                format!(
                    "ALTER TYPE {} ADD VALUE {};",
                    qname(&new.name),
                    quote_literal(v)
                ),
            )
        })
        .collect()
}

pub fn drop_enum(e: &EnumType) -> Stmt {
    Stmt::new(
        "type",
        e.name.to_string(),
        format!("DROP TYPE {};", qname(&e.name)),
    )
}
