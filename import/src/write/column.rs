//! Columns: types, defaults as values when they are plain literals, and the constraints
//! of the column alone.

use super::Ctx;
use crate::adopt::parse_string;
use crate::names::string;
use ddl::model::column::{Column, Identity};
use ddl::model::expr::{SqlExpr, quote_literal};
use ddl::model::types::ColumnType;
use std::fmt::Write as _;

/// The type as the DSL writes it.
pub(super) fn column_type(ctx: &Ctx, ty: &ColumnType) -> String {
    match ty {
        ColumnType::SmallInt => "SMALLINT".into(),
        ColumnType::Integer => "INT".into(),
        ColumnType::BigInt => "BIGINT".into(),
        ColumnType::Numeric(None) => "NUMERIC".into(),
        ColumnType::Numeric(Some((p, s))) => format!("numeric({p}, {s})"),
        ColumnType::Real => "REAL".into(),
        ColumnType::Double => "DOUBLE".into(),
        ColumnType::Text => "TEXT".into(),
        ColumnType::Varchar(None) => "ColumnType::Varchar(None)".into(),
        ColumnType::Varchar(Some(n)) => format!("varchar({n})"),
        ColumnType::Char(None) => "ColumnType::Char(None)".into(),
        ColumnType::Char(Some(n)) => format!("char({n})"),
        ColumnType::Citext => "CITEXT".into(),
        ColumnType::Boolean => "BOOL".into(),
        ColumnType::Uuid => "UUID".into(),
        ColumnType::Json => "JSON".into(),
        ColumnType::Jsonb => "JSONB".into(),
        ColumnType::Timestamptz => "TIMESTAMPTZ".into(),
        ColumnType::Timestamp => "TIMESTAMP".into(),
        ColumnType::Date => "DATE".into(),
        ColumnType::Time => "TIME".into(),
        ColumnType::Interval => "INTERVAL".into(),
        ColumnType::Inet => "INET".into(),
        ColumnType::Cidr => "CIDR".into(),
        ColumnType::Bytea => "BYTEA".into(),
        ColumnType::Array(inner) => format!("array({})", column_type(ctx, inner)),
        ColumnType::Enum(q) => format!("enum_type({})", ctx.type_ref(q)),
        ColumnType::Domain(q) => format!("domain({})", ctx.domain(q)),
        ColumnType::Composite(q) => format!("composite({})", ctx.composite(q)),
        ColumnType::Range(q) => format!("range({})", ctx.range(q)),
        ColumnType::Custom {
            name,
            extension: Some(e),
        } => format!("custom({}, {})", string(name), string(e)),
        ColumnType::Custom {
            name,
            extension: None,
        } => format!("builtin_type({})", string(name)),
    }
}

/// The literal a default is, when `default_value` writes exactly its text.
fn value(expr: &SqlExpr) -> Option<String> {
    let text = expr.as_str();
    if let Ok(i) = text.parse::<i64>()
        && i.to_string() == text
    {
        return Some(if i32::try_from(i).is_ok() {
            text.to_owned()
        } else {
            format!("{text}_i64")
        });
    }
    if text == "true" || text == "false" {
        return Some(text.to_owned());
    }
    let (s, rest) = parse_string(text)?;
    (rest.is_empty() && quote_literal(&s) == text).then(|| string(&s))
}

/// What the column's own builder adds beyond the type (inline constraints come from the
/// table writer, which knows their names).
pub(super) fn column(ctx: &Ctx, c: &Column, inline_pk: bool, extra: &str) -> String {
    // `inline` is private to ddl and always empty once `Table::column` has run; the other
    // two describe one change and are not read from databases.
    let Column {
        name,
        ty,
        nullable,
        default,
        identity,
        serial,
        generated,
        comment,
        collation,
        renamed_from: _,
        origin: _,
        converted_from: _,
        backfill: _,
        ..
    } = c;
    let mut out = format!("col({}, {})", string(name), column_type(ctx, ty));
    if let Some(c) = collation {
        let _ = write!(out, ".collate({})", string(c));
    }
    match identity {
        Some(Identity::ByDefault) => out.push_str(".identity()"),
        Some(Identity::Always) => out.push_str(".identity_always()"),
        // `.serial()` makes the column NOT NULL itself.
        None if *serial => out.push_str(".serial()"),
        None if !nullable && !inline_pk => out.push_str(".not_null()"),
        None => {}
    }
    if let Some(d) = default {
        match value(d) {
            Some(v) => {
                let _ = write!(out, ".default_value({v})");
            }
            None => {
                let _ = write!(out, ".default({})", string(d.as_str()));
            }
        }
    }
    if let Some(g) = generated {
        let _ = write!(out, ".generated({})", string(g.as_str()));
    }
    if let Some(c) = comment {
        let _ = write!(out, ".comment({})", string(c));
    }
    out.push_str(extra);
    out
}
