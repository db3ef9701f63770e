//! Composite and range types.

use super::Ctx;
use super::column::column_type;
use crate::names::string;
use ddl::model::composite::{CompositeType, Field, RangeType};
use std::fmt::Write as _;

pub(super) fn composite(ctx: &Ctx, c: &CompositeType) -> String {
    let CompositeType {
        name,
        fields,
        comment,
        renamed_from: _,
        origin: _,
    } = c;
    let mut out = format!("CompositeType::new({})", ctx.composite(name));
    for Field { name, ty } in fields {
        let _ = write!(out, ".field({}, {})", string(name), column_type(ctx, ty));
    }
    if let Some(c) = comment {
        let _ = write!(out, ".comment({})", string(c));
    }
    out
}

pub(super) fn range(ctx: &Ctx, r: &RangeType) -> String {
    let RangeType {
        name,
        subtype,
        comment,
        renamed_from: _,
        origin: _,
    } = r;
    let mut out = format!(
        "RangeType::new({}, {})",
        ctx.range(name),
        column_type(ctx, subtype)
    );
    if let Some(c) = comment {
        let _ = write!(out, ".comment({})", string(c));
    }
    out
}
