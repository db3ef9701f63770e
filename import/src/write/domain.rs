//! Domains.

use super::Ctx;
use super::column::column_type;
use crate::names::string;
use ddl::model::domain::{Domain, DomainCheck};
use std::fmt::Write as _;

pub(super) fn domain(ctx: &Ctx, d: &Domain) -> String {
    let Domain {
        name,
        base,
        collation,
        default,
        not_null,
        checks,
        comment,
        renamed_from: _,
        origin: _,
    } = d;
    let mut out = format!(
        "Domain::new({}, {})",
        ctx.domain(name),
        column_type(ctx, base)
    );
    if let Some(c) = collation {
        let _ = write!(out, ".collation({})", string(c));
    }
    if let Some(e) = default {
        let _ = write!(out, ".default({})", string(e.as_str()));
    }
    if *not_null {
        out.push_str(".not_null()");
    }
    for DomainCheck {
        name,
        expr,
        origin: _,
    } in checks
    {
        let _ = write!(out, ".check({}, {})", string(name), string(expr.as_str()));
    }
    if let Some(c) = comment {
        let _ = write!(out, ".comment({})", string(c));
    }
    out
}
