//! Sequences (those of serial columns are the columns' `.serial()`: introspection folds
//! them into the column).

use super::Ctx;
use super::column::column_type;
use crate::names::string;
use ddl::model::sequence::Sequence;
use ddl::model::types::ColumnType;
use std::fmt::Write as _;

pub(super) fn sequence(ctx: &Ctx, s: &Sequence) -> String {
    let Sequence {
        name,
        ty,
        start,
        increment,
        min_value,
        max_value,
        cache,
        cycle,
        owned_by,
        comment,
        renamed_from: _,
        origin: _,
    } = s;
    let mut out = format!("Sequence::new({})", ctx.sequence(name));
    if *ty != ColumnType::BigInt {
        let _ = write!(out, ".as_type({})", column_type(ctx, ty));
    }
    for (builder, value) in [
        ("start", start),
        ("increment", increment),
        ("min_value", min_value),
        ("max_value", max_value),
        ("cache", cache),
    ] {
        if let Some(v) = value {
            let _ = write!(out, ".{builder}({v})");
        }
    }
    if *cycle {
        out.push_str(".cycle()");
    }
    if let Some((table, column)) = owned_by {
        let _ = write!(out, ".owned_by({}, {})", ctx.table(table), string(column));
    }
    if let Some(c) = comment {
        let _ = write!(out, ".comment({})", string(c));
    }
    out
}
